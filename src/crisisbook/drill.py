"""`crisisbook drill SCENARIO`: a tabletop exercise pack from the scenario's `drill:` section:
facilitator guide, inject cards, participants' handout (no facilitator notes), and an
evaluation checklist with the after-action report form."""

from __future__ import annotations

from pathlib import Path

from .errors import CrisisbookError
from .model import ALL_STAFF
from .printing import paper_folder, printer, unknown_scenario

DOCUMENTS = {  # file -> template
    "facilitator-guide.pdf": "drill_facilitator.html.j2",
    "inject-cards.pdf": "drill_injects.html.j2",
    "participant-handout.pdf": "drill_handout.html.j2",
    "evaluation-and-after-action.pdf": "drill_evaluation.html.j2",
}


def drill_pack(root: Path, scenario: str, out: Path, lang: str | None = None,
               audience: str = ALL_STAFF) -> list[Path]:
    p = printer(root, lang, audience)
    sc = next((s for s in p.hb.scenarios if s.id == scenario), None)
    if sc is None:
        raise unknown_scenario(p, scenario)
    if sc.drill is None:
        with_drills = [s.id for s in p.hb.scenarios if s.drill]
        raise CrisisbookError(f"scenarios/{scenario}.yaml has no drill: section "
                              f"(scenarios with one: {', '.join(with_drills) or 'none'})")
    folder = paper_folder(out, p) / scenario
    return [p.pdf(template, folder / name, sc=sc) for name, template in DOCUMENTS.items()]
