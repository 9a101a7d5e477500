# Two commands set everything up on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: site test serve golden validate clean system-deps bench screenshots

# Debian packages the tests need: chromium for the browser tests (driven by Playwright, which
# must not download a browser of its own), Noto CJK so Chinese renders in screenshots and PDFs,
# Noto Color Emoji for the emoji in printed mock posts, Pango for WeasyPrint's PDFs, git for the
# pre-commit test; Node and npm (for the YAML language server of the editor tests) from Debian
# unless the machine already has them.
DEBS   := chromium fonts-noto-cjk fonts-noto-color-emoji libpango-1.0-0 libpangoft2-1.0-0 git
NODE   := $(shell command -v npm >/dev/null || echo nodejs npm)
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The offline form: its pages are plain .html files, so site/index.html opened from disk works,
# links and search included; it works on a web server too. `crisisbook build` without --offline
# gives a web server's clean URLs (/scenarios/outage/).
site: $(STAMP)  ## build the example handbook into site/ (open site/index.html, from disk or a server)
	$(BIN)/crisisbook build --offline

system-deps:
	@missing="$$(for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done) $(NODE)"; \
	if [ -n "$${missing## }" ]; then \
		echo "installing $$missing"; \
		$(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi

# The YAML language server (tests/test_editor.py), exactly as locked in tests/editor/.
EDITOR := tests/editor/node_modules/.package-lock.json
$(EDITOR): tests/editor/package-lock.json | system-deps
	cd tests/editor && npm ci --no-audit --no-fund --loglevel=error

test: $(STAMP) system-deps $(EDITOR)  ## the whole test suite
	$(BIN)/pytest

serve: $(STAMP)  ## live preview on http://127.0.0.1:8000, re-rendered on every save
	$(BIN)/crisisbook serve

validate: $(STAMP)
	$(BIN)/crisisbook validate

bench: $(STAMP)  ## speed and size at 10, 100 and 1,000 scenarios; writes BENCHMARKS.md
	$(BIN)/python scripts/bench.py

screenshots: $(STAMP) system-deps  ## phone and desktop screenshots of key pages, both languages, into build/screenshots/
	$(BIN)/python scripts/screenshots.py

golden: $(STAMP)  ## regenerate tests/golden after an intended template change; review the diff
	$(BIN)/python scripts/update_golden.py

clean:
	rm -rf site build $(VENV)
