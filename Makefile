# Two commands set everything up on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: site test serve golden validate clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

site: $(STAMP)  ## build the example handbook into site/ (open site/index.html)
	$(BIN)/crisisbook build

test: $(STAMP)  ## the whole test suite
	$(BIN)/pytest

serve: $(STAMP)  ## live preview on http://127.0.0.1:8000, re-rendered on every save
	$(BIN)/crisisbook serve

validate: $(STAMP)
	$(BIN)/crisisbook validate

golden: $(STAMP)  ## regenerate tests/golden after an intended template change; review the diff
	$(BIN)/python scripts/update_golden.py

clean:
	rm -rf site build $(VENV)
