"""Paper: PDFs read back with pypdf, checked for the items, names, times and page counts, and
with pdfminer for where each word is drawn: inside the page's margins, never over another word.
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


MM = 72 / 25.4  # points
# each document's right margin (print.css: @page checklist, @page card, @page)
RIGHT_MARGIN = {"checklist.pdf": 9 * MM, "action-cards.pdf": 10 * MM, "scenario.pdf": 12 * MM,
                "handbook.pdf": 12 * MM}


def _glyphs(layout):
    from pdfminer.layout import LTChar
    for item in layout:
        if isinstance(item, LTChar):
            yield item
        elif hasattr(item, "__iter__"):
            yield from _glyphs(item)


def words_drawn(path) -> list[tuple[int, float, list[tuple[float, float, float, float, str]]]]:
    """(page number, page width, words) for every page: a word is a run of glyphs drawn one after
    the other on one baseline, each starting where the last one ended (give or take kerning),
    with its box (x0, y0, x1, y1, text) in points."""
    from pdfminer.high_level import extract_pages
    out = []
    for number, page in enumerate(extract_pages(path, laparams=None), start=1):
        words, run = [], []

        def end_word():
            if run:
                words.append((min(g.x0 for g in run), min(g.y0 for g in run), max(g.x1 for g in run),
                              max(g.y1 for g in run), "".join(g.get_text() for g in run)))
                run.clear()

        for glyph in _glyphs(page):
            if not glyph.get_text().strip():
                end_word()
                continue
            if run:
                last, step = run[-1], 0.25 * glyph.size
                if abs(glyph.y0 - last.y0) > 0.1 * glyph.size or not -step < glyph.x0 - last.x1 < step:
                    end_word()
            run.append(glyph)
        end_word()
        out.append((number, page.width, words))
    return out


def misplaced_words(path, right_margin: float) -> list[str]:
    """Words drawn past the page's right margin, and pairs of words drawn over each other (a long
    address run into the next column)."""
    found = []
    for number, width, words in words_drawn(path):
        edge = width - right_margin
        found += [f"page {number}: {text!r} ends at x = {x1:.1f} pt, past the margin at {edge:.1f} pt"
                  for _, _, x1, _, text in words if x1 > edge + 0.5]
        words.sort()
        for i, a in enumerate(words):
            for b in words[i + 1:]:
                if b[0] >= a[2]:
                    break
                across = min(a[2], b[2]) - max(a[0], b[0])
                down = min(a[3], b[3]) - max(a[1], b[1])  # lines of one paragraph touch a little
                if across > 0.5 and down > 0.4 * min(a[3] - a[1], b[3] - b[1]):
                    found.append(f"page {number}: {a[4]!r} is drawn over {b[4]!r}")
    return found


@pytest.mark.parametrize("document", ["checklist.pdf", "action-cards.pdf", "scenario.pdf"])
@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_no_word_runs_off_the_page_or_over_another(printed, lang, scenario, document):
    """A long e-mail address in the key contacts' columns used to run into the next column, or
    past the page's edge (x = 597 pt on a 595 pt page); it wraps inside its column instead."""
    assert misplaced_words(printed / lang / scenario / document, RIGHT_MARGIN[document]) == []


def test_no_word_of_the_whole_handbook_runs_off_the_page_or_over_another(printed):
    assert misplaced_words(printed / "en" / "handbook.pdf", RIGHT_MARGIN["handbook.pdf"]) == []


def test_an_address_wraps_but_ordinary_words_stay_whole(printed):
    """The overflow-wrap that breaks a long address never breaks an ordinary word: every word of
    a step's text, in both columns and the narrow owner column, is drawn whole."""
    from crisisbook.build import handbook_of
    hb, _ = handbook_of(REPO)
    sc = next(s for s in hb.scenarios if s.id == "product-recall")
    drawn = {text for _, _, words in words_drawn(printed / "en" / sc.id / "checklist.pdf")
             for *_, text in words}
    expected = {w for step in sc.steps for w in f"{step.do.get('en')} {step.owner.title.get('en')}".split()
                if w.isalpha() and len(w) > 3}
    assert expected - drawn == set()


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
    """Each card looks like its channel's kind: a video, a chat, a news page, a letter."""
    assert pages(drilled[1]) == 4
    video, chat, press, letter = (page.extract_text() for page in PdfReader(drilled[1]).pages)
    assert "Inject 1 / 4 · Kettle leaks when full" in video and "TIKTOK" in video and "▶" in video
    assert "Kim Lau @kitchen_kim" in video and "1,840 likes" in video and "312 shares" in video
    assert "WHATSAPP" in chat and "Sam +852 6000 0000" in chat and "likes" not in chat
    assert "How many kettles are affected?" in press and "Daily News dailynews.example" in press
    assert "likes" not in press
    assert "From: Product Safety Office <duty@safety.example>" in letter


def test_facilitator_guide_schedules_the_repeats_of_repeating_steps(drilled):
    """The drill plays 4 scenario minutes a minute; the update due every 30m from T+1h, until
    recovery starts, falls due at T+90m (exercise minute 22) and every 30m after."""
    content = text(drilled[0])
    assert "Time runs 4× fast: one exercise minute plays 4 scenario minutes." in content
    assert "Repeats of standing tasks" in content
    repeats = [line for line in content.splitlines() if "repeat (every 30m)" in line]
    assert [line.split()[0] for line in repeats] == ["22m", "30m", "37m", "45m", "52m"]
    assert "plays T+90m" in repeats[0] and "TEAMONLY" not in content


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


def test_print_and_drill_say_one_line_per_file_written(tmp_path):
    """No WeasyPrint progress, no warnings (each QR code's path used to share one id); -v shows
    the progress again."""
    from test_cli import run
    out = tmp_path / "paper"
    printed = run("print", "service-outage", "--out", str(out), cwd=REPO)
    assert printed.returncode == 0, printed.stderr
    folder = out / "en" / "service-outage"
    assert printed.stderr.splitlines() == [f"wrote {folder / name}" for name in
                                           ("checklist.pdf", "action-cards.pdf", "scenario.pdf")]
    drilled = run("drill", "service-outage", "--out", str(out), cwd=REPO)
    assert drilled.returncode == 0, drilled.stderr
    assert drilled.stderr.splitlines() == [
        f"wrote {folder / name}" for name in ("facilitator-guide.pdf", "inject-cards.pdf",
                                             "participant-handout.pdf", "evaluation-and-after-action.pdf")]
    verbose = run("-v", "print", "service-outage", "--out", str(out), cwd=REPO)
    assert "Step 5 - Creating layout - Page 1" in verbose.stderr


def test_qr_codes_of_one_document_do_not_share_an_id():
    from crisisbook.pdf import qr_svg
    assert "id=" not in qr_svg("https://handbook.example/scenarios/a/")


@pytest.mark.parametrize("template", ["checklist.html.j2", "cards.html.j2", "scenario.html.j2", "handbook.html.j2"])
def test_phone_numbers_on_paper_never_break(template):
    import re
    p = printer(REPO)
    html = p.html(template, sc=p.hb.scenarios[0])
    spans = re.findall(r'(<span class="(?:cb-)?tel">)?\+852 \d{4} \d{4}', html)
    assert len(spans) > 3 and all(spans), f"{spans.count('')} of {len(spans)} numbers may break"
    assert ".tel, .cb-tel { white-space: nowrap; }" in (REPO / "templates" / "print" / "print.css").read_text()
