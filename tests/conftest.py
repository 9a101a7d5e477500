"""Shared helpers: the repository's paths, a fixed "today", and throw-away project copies."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SMALL = REPO / "tests" / "fixtures" / "small"
GOLDEN = REPO / "tests" / "golden" / "small"
TODAY = dt.date(2026, 6, 1)  # fixed so overdue banners and warnings never depend on the clock
# golden/small: the all-staff edition, default language at the top, other languages in <lang>/;
# golden/small-team: the crisis team's edition, laid out the same way
GOLDEN_EDITIONS = {"all-staff": GOLDEN, "team": GOLDEN.with_name("small-team")}


def render_golden(audience: str) -> dict[str, str]:
    """Every page of the small fixture's editions for `audience`, as the build renders them
    (language switch and links between editions included), keyed by their golden path."""
    from crisisbook.build import handbook_of
    from crisisbook.render import Renderer
    from crisisbook.site import alternates, editions

    hb, _ = handbook_of(SMALL, TODAY, audience=audience)
    renderer = Renderer(REPO / "templates")
    all_editions = editions(hb, renderer.strings)
    pages = {}
    for edition in all_editions:
        links = lambda page, target=None, e=edition: alternates(page, e, all_editions, False, target)  # noqa: E731
        rendered = renderer.render(hb, TODAY, edition.lang, links)
        pages |= {edition.prefix + name: text for name, text in rendered.pages.items()}
    return pages


@pytest.fixture
def small(tmp_path) -> Path:
    """A writable copy of the small fixture project, with the shipped templates and site config."""
    root = tmp_path / "small"
    shutil.copytree(SMALL, root)
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


@pytest.fixture
def example(tmp_path) -> Path:
    """A writable copy of the shipped example handbook."""
    root = tmp_path / "example"
    root.mkdir()
    for name in ("playbook", "scenarios", "templates", "docs"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def edit(path: Path, old: str, new: str) -> None:
    """Replace one exact piece of a file; fails loudly if the piece is not there."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
