"""Paper: PDFs read back with pypdf, checked for the items, names, times and page counts.
(Rendered page images were checked by eye once: see the note on the print issue.)"""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from conftest import REPO
from crisisbook.drill import drill_pack
from crisisbook.errors import CrisisbookError
from crisisbook.printing import print_scenarios, printer

SCENARIOS = sorted(p.stem for p in (REPO / "scenarios").glob("*.yaml"))


def text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def pages(path) -> int:
    return len(PdfReader(path).pages)


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """Every shipped scenario printed in both languages, plus the whole handbook in English."""
    out = tmp_path_factory.mktemp("print")
    print_scenarios(REPO, [], out / "all", "en")
    print_scenarios(REPO, SCENARIOS, out / "all", "zh-Hant")
    return out / "all"


@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_checklist_fits_one_a4_page(printed, lang, scenario):
    path = printed / lang / scenario / "checklist.pdf"
    assert pages(path) == 1
    box = PdfReader(path).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points


def _squeezed(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_checklist_gives_every_severity_criterion_whole(printed, lang, scenario):
    from crisisbook.build import handbook_of
    hb, _ = handbook_of(REPO)
    sc = next(s for s in hb.scenarios if s.id == scenario)
    page = _squeezed(text(printed / lang / scenario / "checklist.pdf"))
    for _, description in sc.severity:
        assert _squeezed(description.get(lang)) in page


def test_a_card_that_runs_over_a_page_repeats_its_title(printed):
    """The crisis lead's card in the offensive-post scenario needs two A5 pages: the second
    says whose card it is."""
    reader = PdfReader(printed / "en" / "offensive-post" / "action-cards.pdf")
    for page in reader.pages:
        content = page.extract_text()
        assert "If you are the" in content, content[:200]


def test_emoji_in_mock_posts_print_from_the_emoji_font_and_digits_do_not(small, tmp_path):
    from crisisbook.pdf import emoji
    assert str(emoji("5L 🙏 #tag <b>")) == '5L <span class="emoji">🙏</span> #tag &lt;b&gt;'
    from conftest import edit
    edit(small / "scenarios" / "kettle-leak.yaml", "leaked boiling water on the counter!",
         "leaked boiling water on the counter! 😡 #KettleFail 2L")
    reader = PdfReader(drill_pack(small, "kettle-leak", tmp_path / "drill")[1])
    fonts = {f["/BaseFont"].split("+")[-1] for page in reader.pages
             for f in page["/Resources"]["/Font"].values()}
    assert "Noto-Color-Emoji" in fonts


def test_checklist_lists_every_step_with_deadline_owner_and_time_field(printed):
    from crisisbook.build import handbook_of
    hb, _ = handbook_of(REPO)
    sc = next(s for s in hb.scenarios if s.id == "product-recall")
    content = text(printed / "en" / "product-recall" / "checklist.pdf")
    assert content.count("__:__") == len(sc.steps)
    for step in sc.steps:
        assert step.owner.primary.name in content
    assert "Product overheating and recall" in content and "Key contacts" in content
    assert "Alan Siu +852 9123 4517" in content  # key contact with phone
    assert "15m" in content and "30d" in content


def test_action_card_per_role(printed):
    content = " ".join(text(printed / "en" / "data-breach" / "action-cards.pdf").split())  # lines wrap
    for role in ["Information security lead", "Legal counsel", "Customer care lead"]:
        assert f"If you are the {role}" in content
    assert "What I do, by when" in content and "Whom I call" in content
    assert "T+15m" in content


def test_every_page_carries_version_print_date_and_number(printed):
    reader = PdfReader(printed / "en" / "handbook.pdf")
    assert len(reader.pages) > 20
    for number, page in enumerate(reader.pages, start=1):
        footer = page.extract_text()
        assert "Version " in footer and "Printed " in footer and f"Page {number} / {len(reader.pages)}" in footer


def test_whole_handbook_has_a_table_of_contents_with_page_numbers(printed):
    first = PdfReader(printed / "en" / "handbook.pdf").pages[0].extract_text()
    assert "Contents" in first
    for title in ["Customer data breach", "Product overheating and recall", "Severity levels", "Roster"]:
        assert title in first
    assert any(line.rstrip()[-1:].isdigit() for line in first.splitlines() if "Customer data breach" in line)


def test_chinese_prints_with_a_cjk_font(printed):
    content = text(printed / "zh-Hant" / "data-breach" / "checklist.pdf")
    assert "客戶資料外洩" in content and "完成時間" in content


def test_qr_code_links_to_the_online_page():
    p = printer(REPO, "en")
    html = p.html("checklist.html.j2", sc=p.hb.scenarios[0])
    assert '<div class="qr"><svg' in html
    assert p.url("scenarios/x/") == "https://handbook.lumorahome.example/scenarios/x/"
    assert printer(REPO, "zh-Hant").url("scenarios/x/") == "https://handbook.lumorahome.example/zh-Hant/scenarios/x/"


@pytest.fixture
def drilled(small, tmp_path):
    return drill_pack(small, "kettle-leak", tmp_path / "drill")


def test_drill_pack_documents(drilled):
    assert [p.name for p in drilled] == ["facilitator-guide.pdf", "inject-cards.pdf", "participant-handout.pdf",
                                         "evaluation-and-after-action.pdf"]


def test_facilitator_guide_has_timeline_actions_and_notes(drilled):
    content = text(drilled[0])
    for item in ["Timeline of injects", "0m", "20m", "The crisis lead opens the crisis channel.",
                 "Push the team to judge the severity first.", "What slowed the first statement down?"]:
        assert item in content, item
    # one clock per meaning: when to deal an inject is "exercise time", never T+ (the story's clock)
    assert "Exercise time 20m" in content and "T+20m" not in content


def test_inject_cards_one_per_inject_laid_out_like_posts(drilled):
    assert pages(drilled[1]) == 2
    first = PdfReader(drilled[1]).pages[0].extract_text()
    assert "Inject 1 / 2 · Kettle leaks when full" in first and "Exercise time" not in first
    assert "Kim Lau @kitchen_kim" in first and "1,840 likes" in first and "312 shares" in first
    assert "How many kettles are affected?" in PdfReader(drilled[1]).pages[1].extract_text()


def test_participant_handout_leaves_out_the_facilitator_notes(drilled):
    content = text(drilled[2])
    assert "Post the holding statement within the hour." in content
    assert "Push the team" not in content and "Nobody guesses a number." not in content


def test_evaluation_checklist_and_after_action_form(drilled):
    content = text(drilled[3])
    assert "Holding statement approved by legal." in content and "Met" in content and "Not met" in content
    for heading in ["After-action report", "What went well?", "What was the biggest challenge?",
                    "What do we change?", "Due date"]:
        assert heading in content


def test_drill_needs_a_drill_section(small, tmp_path):
    with pytest.raises(CrisisbookError, match=r"^scenarios/site-down.yaml has no drill: section "
                                              r"\(scenarios with one: kettle-leak\)$"):
        drill_pack(small, "site-down", tmp_path)


@pytest.mark.parametrize("template", ["checklist.html.j2", "cards.html.j2", "scenario.html.j2", "handbook.html.j2"])
def test_phone_numbers_on_paper_never_break(template):
    import re
    p = printer(REPO)
    html = p.html(template, sc=p.hb.scenarios[0])
    spans = re.findall(r'(<span class="(?:cb-)?tel">)?\+852 \d{4} \d{4}', html)
    assert len(spans) > 3 and all(spans), f"{spans.count('')} of {len(spans)} numbers may break"
    assert ".tel, .cb-tel { white-space: nowrap; }" in (REPO / "templates" / "print" / "print.css").read_text()
