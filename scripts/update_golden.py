"""Regenerate tests/golden/small/ (all-staff) and tests/golden/small-team/ (the crisis team's
edition), every language, from tests/fixtures/small/ with the shipped templates; the example's
pages in tests/golden/example/; and tests/golden/scaffold/, what `crisisbook new scenario`
writes for the shipped playbook.

Run it (`make golden`) after an intended change to the templates or the renderer, then read
the diff (`git diff tests/golden`) before committing: the diff is the change readers will see.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from conftest import GOLDEN_EDITIONS, TODAY, render_golden  # noqa: E402
from crisisbook.build import handbook_of  # noqa: E402
from crisisbook.render import Renderer  # noqa: E402


# Pages of the shipped example in every language: the editions differ in more than their
# interface strings (organisation facts in each language, for one). courier-data-leak is the
# shipped scenario without kol, with five kinds of comment and a contact of its own, which the
# Contacts page lists.
EXAMPLE_GOLDEN = REPO / "tests" / "golden" / "example"
EXAMPLE_PAGES = ["scenarios/product-recall.md", "scenarios/courier-data-leak.md", "contacts.md"]


def render_example() -> dict[str, str]:
    """{"<lang>/<page>": Markdown} for EXAMPLE_PAGES in every language of the example."""
    hb, _ = handbook_of(REPO, TODAY)
    renderer = Renderer(REPO / "templates")
    return {f"{lang}/{name}": renderer.render(hb, TODAY, lang).pages[name]
            for lang in hb.languages for name in EXAMPLE_PAGES}


# `crisisbook new scenario` for the shipped playbook: the skeleton a PR lead of it gets
SCAFFOLD_GOLDEN = REPO / "tests" / "golden" / "scaffold"


def render_scaffold() -> dict[str, str]:
    import tempfile

    from crisisbook.scaffold import new_scenario
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name in ("playbook", "scenarios", "templates"):
            shutil.copytree(REPO / name, root / name)
        path = new_scenario(root, "food-recall", "product-failure", "Food recall", TODAY)
        return {path.name: path.read_text(encoding="utf-8")}


def _write(folder: Path, pages: dict[str, str]) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    for name, text in pages.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    print(f"wrote {folder.relative_to(REPO)}")


def main() -> None:
    for audience, folder in GOLDEN_EDITIONS.items():
        _write(folder, render_golden(audience))
    _write(EXAMPLE_GOLDEN, render_example())
    _write(SCAFFOLD_GOLDEN, render_scaffold())


if __name__ == "__main__":
    main()
