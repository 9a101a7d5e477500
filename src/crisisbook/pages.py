"""The pages the renderer writes, by name: fixed pages, and one page per id of some kinds.

One table for render.py (which pages to write) and validate.py (which ids are taken): an id that
names a page of its own must not be the name of a fixed page in the same folder, or it would
replace it (a scenario called `index` replaced the scenario list).
"""

from __future__ import annotations

from posixpath import dirname, splitext

# page -> template, in the order they are rendered
FIXED = {
    "index.md": "home.md.j2",
    "scenarios/index.md": "scenarios.md.j2",
    "scenarios/tags.md": "tags.md.j2",
    "roles/index.md": "roles.md.j2",
    "severity.md": "severity.md.j2",
    "roster.md": "roster.md.j2",
    "statements.md": "statements.md.j2",
    "review.md": "review.md.j2",
    "contacts.md": "contacts.md.j2",  # only when the playbook has contacts
}
# kind of id -> its page (a format string) and template
PER_ID = {
    "scenario": ("scenarios/{}.md", "scenario.md.j2"),
    "role": ("roles/{}.md", "role.md.j2"),
}


def page_of(kind: str, id_: str) -> str:
    return PER_ID[kind][0].format(id_)


def reserved(kind: str) -> dict[str, str]:
    """Ids a `kind` may not have -> the fixed page each would replace: `index` for a scenario
    (scenarios/index.md). Empty for a kind that has no pages of its own."""
    if kind not in PER_ID:
        return {}
    folder = dirname(PER_ID[kind][0])
    return {splitext(page.rsplit("/", 1)[-1])[0]: page for page in FIXED if dirname(page) == folder}


# Here, not in site.py, which lays the pages out for the engine: links.py (run by every
# `validate`) needs only this, and importing site.py imports the renderer, Jinja2 and search.
def translated_from(name: str, languages: list[str]) -> str | None:
    """The hand-written page a translation stands in for (using.zh-Hant.md -> using.md); None
    for a page that is not a translation. Only a translation whose original exists is published."""
    return next((name.removesuffix(f".{lang}.md") + ".md" for lang in languages if name.endswith(f".{lang}.md")), None)
