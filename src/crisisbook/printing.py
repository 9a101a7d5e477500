"""`crisisbook print`: paper for the crisis room, from the same data as the site.

Per scenario: a one-page A4 checklist, an action card per role, the full scenario; plus the
whole handbook in one PDF with a table of contents. (Named printing.py: `print` is a builtin.)"""

from __future__ import annotations

from pathlib import Path

from .build import build_epoch, handbook_of
from .bundle import version
from .errors import CrisisbookError
from .model import ALL_STAFF, TEAM
from .pdf import Printer, Stamp
from .render import Renderer
from .validate import today


def printer(root: Path, lang: str | None = None, audience: str = ALL_STAFF) -> Printer:
    root = root.resolve()
    hb, _ = handbook_of(root, audience=audience)
    lang = lang or hb.default_language
    if lang not in hb.languages:
        raise CrisisbookError(f"no language '{lang}' in playbook/organisation.yaml (have: {', '.join(hb.languages)})")
    stamp = Stamp(version(root, build_epoch(root, hb)), today(), hb.organisation.get("site_url"))
    # paper in one language holds the scenarios written in it (as that edition of the site does)
    return Printer(root / "templates", hb.edition(lang), lang, stamp, Renderer(root / "templates").strings,
                   away=tuple(sc for sc in hb.scenarios if not sc.written_in(lang)))


def unknown_scenario(p: Printer, scenario: str) -> CrisisbookError:
    """No such scenario in this paper's language (perhaps it is written in another one)."""
    away = next((sc for sc in p.away if sc.id == scenario), None)
    if away is not None:
        return CrisisbookError(f"scenario '{scenario}' is written in {', '.join(away.languages)} only; "
                               f"use --lang {away.languages[0]}")
    return CrisisbookError(f"no scenario '{scenario}'; known: {', '.join(s.id for s in p.hb.scenarios)}")


def paper_folder(out: Path, p: Printer) -> Path:
    """print/<lang>/, or print/team/<lang>/ for the crisis team's paper, which must never be
    mistaken for (or overwrite) the all-staff copies."""
    return out / TEAM / p.lang if p.hb.audience == TEAM else out / p.lang


def print_scenarios(root: Path, ids: list[str], out: Path, lang: str | None = None,
                    audience: str = ALL_STAFF) -> list[Path]:
    p = printer(root, lang, audience)
    known = {sc.id: sc for sc in p.hb.scenarios}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise unknown_scenario(p, unknown[0])
    written = []
    for sc in (known[i] for i in ids) if ids else p.hb.scenarios:
        folder = paper_folder(out, p) / sc.id
        written += [p.pdf("checklist.html.j2", folder / "checklist.pdf", sc=sc),
                    p.pdf("cards.html.j2", folder / "action-cards.pdf", sc=sc),
                    p.pdf("scenario.html.j2", folder / "scenario.pdf", sc=sc)]
    if not ids:
        written.append(p.pdf("handbook.html.j2", paper_folder(out, p) / "handbook.pdf"))
    return written
