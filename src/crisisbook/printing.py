"""`crisisbook print`: paper for the crisis room, from the same data as the site.

Per scenario: a one-page A4 checklist, an action card per role, the full scenario; plus the
whole handbook in one PDF with a table of contents. (Named printing.py: `print` is a builtin.)"""

from __future__ import annotations

from pathlib import Path

from .build import build_epoch, handbook_of
from .bundle import version
from .errors import CrisisbookError
from .pdf import Printer, Stamp
from .render import Renderer
from .validate import today


def printer(root: Path, lang: str | None = None) -> Printer:
    root = root.resolve()
    hb, _ = handbook_of(root)
    lang = lang or hb.default_language
    if lang not in hb.languages:
        raise CrisisbookError(f"no language '{lang}' in playbook/organisation.yaml (have: {', '.join(hb.languages)})")
    stamp = Stamp(version(root, build_epoch(root, hb)), today(), hb.organisation.get("site_url"))
    return Printer(root / "templates", hb, lang, stamp, Renderer(root / "templates").strings)


def print_scenarios(root: Path, ids: list[str], out: Path, lang: str | None = None) -> list[Path]:
    p = printer(root, lang)
    known = {sc.id: sc for sc in p.hb.scenarios}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise CrisisbookError(f"no scenario '{unknown[0]}'; known: {', '.join(known)}")
    written = []
    for sc in (known[i] for i in ids) if ids else p.hb.scenarios:
        folder = out / p.lang / sc.id
        written += [p.pdf("checklist.html.j2", folder / "checklist.pdf", out, sc=sc),
                    p.pdf("cards.html.j2", folder / "action-cards.pdf", out, sc=sc),
                    p.pdf("scenario.html.j2", folder / "scenario.pdf", out, sc=sc)]
    if not ids:
        written.append(p.pdf("handbook.html.j2", out / p.lang / "handbook.pdf", out,
                             scenarios=len(p.hb.scenarios)))
    return written
