"""Rewrite the data reference in README.md from the descriptions in schema.py.

Run after changing a field or its description: tests/test_schema_export.py fails until the
README matches.
"""

from pathlib import Path

from crisisbook.schema_export import reference

START, END = "<!-- data reference: generated from schema.py -->\n", "<!-- end of data reference -->"
README = Path(__file__).resolve().parent.parent / "README.md"

text = README.read_text(encoding="utf-8")
before, rest = text.split(START)
after = rest.split(END)[1]
README.write_text(f"{before}{START}\n{reference()}\n{END}{after}", encoding="utf-8")
print(f"wrote {README.name}")
