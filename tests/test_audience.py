"""Team-only content: the all-staff handbook holds none of it, in any output; the crisis team's
edition (`--audience team`) holds all of it.

The small fixture marks every kind of team-only place with its own marker: a step, a statement,
a comment reply, a contact and a whole scenario (board-leak). Every byte of every output is read:
the site's pages, navigation and search index (gzip files unpacked), the PDFs as text (pypdf)
and as bytes, the drill pack and the offline bundle's zip, every member unpacked.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import TODAY
from crisisbook.build import build
from crisisbook.bundle import bundle
from crisisbook.drill import drill_pack
from crisisbook.printing import print_scenarios

MARKERS = {  # where the fixture puts it -> its marker
    "step": "TEAMONLY-STEP-b21c",
    "statement": "TEAMONLY-STATEMENT-9d4e",
    "reply": "TEAMONLY-REPLY-5e8f",
    "contact": "TEAMONLY-CONTACT-7f3a",
    "scenario": "TEAMONLY-SCENARIO-c0de",
}
# what would betray a team-only item without its text: its ids in links, anchors and file names
TEAM_IDS = ("board-leak", "leak-lab", "insurer-note")


def readable(path: Path) -> list[str]:
    """Everything a reader could get out of one output file, as text."""
    data = path.read_bytes()
    out = [data.decode("utf-8", "replace")]
    if path.suffix == ".gz":
        out.append(gzip.decompress(data).decode("utf-8", "replace"))
    elif path.suffix == ".pdf":
        out.append("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))
    elif path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            out += [f"{name}\n" + archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
            for name in archive.namelist():
                if name.endswith(".gz"):
                    out.append(gzip.decompress(archive.read(name)).decode("utf-8", "replace"))
    return out


def outputs(folder: Path) -> dict[str, str]:
    """Relative path (itself a place an id could show) -> all readable text of that file."""
    return {p.relative_to(folder).as_posix(): "\n".join(readable(p))
            for p in sorted(folder.rglob("*")) if p.is_file()}


def produce(root: Path, out: Path, audience: str) -> Path:
    """Every output crisisbook makes, for one audience, under `out`."""
    build(root, out / "site", on=TODAY, audience=audience)
    for lang in ("en", "zh-Hant"):
        print_scenarios(root, [], out / "print", lang, audience)
        drill_pack(root, "kettle-leak", out / "print", lang, audience)
    bundle(root, out / "dist", audience)
    return out


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    import shutil
    from conftest import REPO, SMALL
    root = tmp_path_factory.mktemp("audience") / "small"
    shutil.copytree(SMALL, root)
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


@pytest.fixture(scope="module")
def all_staff(project, tmp_path_factory):
    return outputs(produce(project, tmp_path_factory.mktemp("all-staff"), "all-staff"))


@pytest.fixture(scope="module")
def team(project, tmp_path_factory):
    return outputs(produce(project, tmp_path_factory.mktemp("team"), "team"))


def test_every_kind_of_output_was_read(all_staff):
    kinds = {name.split("/")[0] for name in all_staff}
    assert kinds == {"site", "print", "dist"}
    assert "site/search/search_index.json" in all_staff and "site/zh-Hant/search/search_index.json" in all_staff
    assert any(name.endswith("facilitator-guide.pdf") for name in all_staff)
    assert any(name.endswith("handbook.pdf") for name in all_staff)
    # the texts were really extracted: visible text of each kind of output is found
    assert "Kettle leaks when full" in all_staff["site/search/search_index.json"]
    assert "Kettle leaks when full" in all_staff["print/en/kettle-leak/scenario.pdf"]
    zipped = next(text for name, text in all_staff.items() if name.startswith("dist/"))
    assert "Kettle leaks when full" in zipped


def test_the_all_staff_outputs_hold_no_team_only_text(all_staff):
    leaks = [(name, needle) for name, text in all_staff.items()
             for needle in ("TEAMONLY", *TEAM_IDS) if needle in text or needle in name]
    assert leaks == []


@pytest.mark.parametrize("place", sorted(MARKERS))
def test_the_team_site_holds_each_team_only_text(team, place):
    marker = MARKERS[place]
    assert any(marker in text for name, text in team.items() if name.startswith("site/") and name.endswith(".html"))
    assert any(marker in text for name, text in team.items() if name.startswith("dist/"))


def test_the_team_search_index_and_navigation_hold_the_team_only_scenario(team):
    assert MARKERS["scenario"] in team["site/search/search_index.json"]
    assert MARKERS["scenario"] in team["site/index.html"]  # listed on the home page, and in the navigation
    assert "board-leak/" in team["site/scenarios/index.html"]


def test_the_team_paper_holds_the_team_only_text(team):
    scenario = team["print/team/en/kettle-leak/scenario.pdf"]
    for place in ("step", "statement", "reply"):
        assert MARKERS[place] in scenario
    assert "Crisis team only: do not forward" in scenario
    assert MARKERS["scenario"] in team["print/team/en/handbook.pdf"]
    assert MARKERS["step"] in team["print/team/en/kettle-leak/facilitator-guide.pdf"]  # a scheduled repeat
    assert any(name.startswith("dist/handbook-crisis-team-") for name in team)


def test_a_team_only_scenario_is_not_known_to_the_all_staff_drill(project, tmp_path):
    from crisisbook.errors import CrisisbookError
    with pytest.raises(CrisisbookError, match="^no scenario 'board-leak'; known: site-down, kettle-leak$"):
        drill_pack(project, "board-leak", tmp_path)
