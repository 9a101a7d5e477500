"""Paper: PDFs read back with pypdf, checked for the items, names, times and page counts, and
with pdfminer for where each word is drawn: inside the page's margins, never over another word.
(Rendered page images were checked by eye once: see the note on the print issue.)"""

from __future__ import annotations

import re

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


def every_document(test):
    """`test` for each scenario's checklist, action cards and scenario, in both languages."""
    for mark in (pytest.mark.parametrize("scenario", SCENARIOS), pytest.mark.parametrize("lang", ["en", "zh-Hant"]),
                 pytest.mark.parametrize("document", ["checklist.pdf", "action-cards.pdf", "scenario.pdf"])):
        test = mark(test)
    return test


@every_document
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


@pytest.mark.parametrize("lang, heading, person", [
    ("en", "If you are the Information security lead",
     'Tom Chow, <span class="tel">+852 9123 4515</span> — Backup: Irene Mak, <span class="tel">+852 9123 4516</span>'),
    # Chinese runs the role into the words before it, and puts a full-width comma before a number
    ("zh-Hant", "如你是資訊保安主管",
     'Tom Chow，<span class="tel">+852 9123 4515</span> — 後備人員：Irene Mak，<span class="tel">+852 9123 4516</span>'),
])
def test_an_action_card_names_its_role_and_people_in_the_language_s_own_punctuation(lang, heading, person):
    p = printer(REPO, lang)
    html = p.html("cards.html.j2", sc=next(s for s in p.hb.scenarios if s.id == "data-breach"))
    assert f'<h1 class="card-title">{heading}</h1>\n<p>{person}</p>' in html


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


def test_untranslated_text_on_chinese_paper_is_labelled(printed, example, tmp_path):
    """As the site marks it (render.Fallback): English shown for want of a translation is followed
    by "[未有中文版本]", in every document; translated text is not."""
    from conftest import edit
    recall = example / "scenarios" / "product-recall.yaml"
    edit(recall, "        zh-Hant: >-\n          收集每宗報告的型號、序號及購買日期，並與生產紀錄核對，"
                 "查看是否屬同一批次、同一生產線或同一零件供應商。\n", "")
    edit(recall, "      zh-Hant: 記者查詢回應\n", "")
    for path in print_scenarios(example, ["product-recall"], tmp_path / "paper", "zh-Hant"):
        content = _squeezed(text(path))
        assert "componentsupplier.[未有中文版本]" in content, path.name
        if path.name == "scenario.pdf":
            assert "Answerforjournalists[未有中文版本]" in content and "記者查詢回應" not in content
    translated = text(printed / "zh-Hant" / "product-recall" / "scenario.pdf")
    assert "記者查詢回應" in translated and "未有中文版本" not in translated


def lines_drawn(path) -> list[tuple[int, float, float, str]]:
    """(page number, bottom, top, text) of every line of text above the footer, page by page,
    top to bottom (pdfminer's layout analysis; the scenario PDF has one column)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextLineHorizontal
    out = []
    for number, page in enumerate(extract_pages(path), start=1):
        found = [(number, line.y0, line.y1, line.get_text().strip()) for line in _lines(page, LTTextLineHorizontal)
                 if line.y0 > 16 * MM and line.get_text().strip()]
        out += sorted(found, key=lambda line: -line[2])
    return out


def _lines(layout, kind):
    for item in layout:
        if isinstance(item, kind):
            yield item
        elif hasattr(item, "__iter__"):
            yield from _lines(item, kind)


HALF_PAGE = (297 - 12 - 16) * MM / 2  # of the A4 page's text area (print.css: @page)


def split_statements(path, sc, lang: str) -> list[str]:
    """Statement blocks (title to text's end) printed across a page break though shorter than
    half a page, or leaving a single line on either page."""
    p = printer(REPO, lang)
    heads = [st.title.get(lang) for st in sc.statements] + [p.s["scenario"]["replies"]]
    lines = lines_drawn(path)
    starts = [next(i for i, line in enumerate(lines) if line[3] == head or line[3].endswith(" " + head))
              for head in heads]
    found = []
    for head, start, end in zip(heads, starts, starts[1:]):
        parts = {}
        for number, bottom, top, _ in lines[start:end]:
            parts.setdefault(number, []).append((bottom, top))
        if len(parts) == 1:
            continue
        height = sum(max(t for _, t in part) - min(b for b, _ in part) for part in parts.values())
        if height < HALF_PAGE:
            found.append(f"{head!r} ({height:.0f} pt) is split over pages {sorted(parts)}")
        found += [f"{head!r}: one line alone on page {n}" for n, part in parts.items() if len(part) < 2]
    return found


@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_statement_is_never_split_over_pages_unless_it_is_long(printed, lang, scenario):
    """The product-recall scenario split its stop-sale notice and a legend of blanks over two
    pages, and left a statement's last line alone at the top of page 6."""
    from crisisbook.build import handbook_of
    sc = next(s for s in handbook_of(REPO)[0].scenarios if s.id == scenario)
    assert split_statements(printed / lang / scenario / "scenario.pdf", sc, lang) == []


def _texts(sc, lang: str) -> list[str]:
    """Each paragraph-like text of a scenario, squeezed: what one block on paper holds."""
    texts = [sc.summary, *(st.text for st in sc.statements), *(r.reply for r in sc.replies),
             *(step.do for step in sc.steps), *sc.donts, *sc.review_questions,
             *(description for _, description in sc.severity)]
    return [_squeezed(t.get(lang)) for t in texts]


@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_no_page_begins_with_one_line_of_a_paragraph(printed, lang, scenario):
    """A page whose first line stands alone (a paragraph's gap below it) and continues the
    previous page's last line within one text is a widow."""
    from crisisbook.build import handbook_of
    sc = next(s for s in handbook_of(REPO)[0].scenarios if s.id == scenario)
    texts = _texts(sc, lang)
    lines = lines_drawn(printed / lang / scenario / "scenario.pdf")
    widows = []
    for before, first, second in zip(lines, lines[1:], lines[2:]):
        if first[0] == before[0] or second[0] != first[0]:
            continue  # not the first line of a page, or alone on its page
        alone = first[1] - second[2] > 0.5 * (first[2] - first[1])
        joined = _squeezed(before[3] + first[3])
        if alone and any(joined in t for t in texts):
            widows.append(f"page {first[0]}: {first[3]!r}")
    assert widows == []


ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def addresses() -> set[str]:
    return {a for folder in ("playbook", "scenarios") for f in (REPO / folder).glob("*.yaml")
            for a in ADDRESS.findall(f.read_text(encoding="utf-8"))}


def cut_addresses(path, known: set[str]) -> list[str]:
    """Lines that end inside an e-mail address anywhere but after its "@" or before a ".", or
    carry fewer than 3 of its characters to the next line."""
    found = []
    for number, _, words in words_drawn(path):
        for *_, word in words:
            piece = word.lstrip("<([")
            for address in known:
                rest = address[len(piece):]
                if "@" in piece and address.startswith(piece) and rest:
                    if len(rest) < 3 or not (piece.endswith("@") or rest.startswith(".")):
                        found.append(f"page {number}: {piece!r} / {rest!r}")
    return found


@every_document
def test_an_address_wraps_only_after_its_at_or_before_a_dot(printed, lang, scenario, document):
    """Cards printed "newsdesk@citytv.exampl" / "e"."""
    assert cut_addresses(printed / lang / scenario / document, addresses()) == []


def test_the_whole_handbook_wraps_addresses_only_after_the_at_or_before_a_dot(printed):
    assert cut_addresses(printed / "en" / "handbook.pdf", addresses()) == []


def test_an_address_may_wrap_after_its_at_and_before_each_dot():
    from crisisbook.pdf import email
    assert email("news.desk@city-tv.example") == "news<wbr>.desk@<wbr>city-tv<wbr>.example"
    assert email("<x>@y.hk") == "&lt;x&gt;@<wbr>y<wbr>.hk"


def cjk_fonts(path) -> set[str]:
    return {f["/BaseFont"].split("+")[-1] for page in PdfReader(path).pages
            for f in page["/Resources"]["/Font"].values() if "CJK" in f["/BaseFont"]}


def test_chinese_paper_sets_chinese_in_traditional_chinese_faces(printed, tmp_path):
    """Mock press posts and letters asked for `serif`, and Chinese in them came from Noto Sans
    CJK JP (Japanese glyph shapes); every CJK face on zh-Hant paper is a TC (or HK) one."""
    paper = [*(printed / "zh-Hant").glob("*/*.pdf"),
             *drill_pack(REPO, "product-recall", tmp_path / "drill", "zh-Hant")]
    fonts = set().union(*map(cjk_fonts, paper))
    assert "Noto-Serif-CJK-TC" in fonts  # the press post's inject card
    assert {f for f in fonts if not re.search(r"CJK-(TC|HK)(-|$)", f)} == set()


def test_chinese_paper_gives_durations_in_chinese(printed):
    checklist = text(printed / "zh-Hant" / "product-recall" / "checklist.pdf")
    assert "15分鐘" in checklist and "1小時" in checklist and "15m" not in checklist
    cards = _squeezed(text(printed / "zh-Hant" / "product-recall" / "action-cards.pdf"))
    assert "T+15分鐘" in cards and "T+1h" not in cards


def test_a_statement_longer_than_a_page_still_breaks(example, tmp_path):
    """Kept whole where it fits, a statement that cannot fit on one page is printed over several,
    every line of it, never one line alone on a page."""
    from conftest import edit
    line = "Further questions: {press_email}. Next update by {next_update_time}."
    edit(example / "scenarios" / "product-recall.yaml", f"        {line}\n",  # 100 lines, within 5,000 characters
         f"        {line}\n" + "".join(f"        {n}. Next update by {{next_update_time}}.\n" for n in range(100)))
    p = printer(example, "en")
    sc = next(s for s in p.hb.scenarios if s.id == "product-recall")
    path = p.pdf("scenario.html.j2", tmp_path / "scenario.pdf", tmp_path, sc=sc)
    content = text(path)
    assert all(f"{n}. Next update by" in content for n in range(100))
    assert split_statements(path, sc, "en") == []


def test_a_role_title_in_the_chinese_timeline_is_printed_on_one_line(printed):
    """The full scenario's owner column is wide enough for a seven-character title (輿情監測分析員):
    the data breach's long steps squeezed it until 法律顧問 broke after its third character."""
    from crisisbook.build import handbook_of
    hb, _ = handbook_of(REPO)
    broken = {}
    for sc in hb.scenarios:
        lines = text(printed / "zh-Hant" / sc.id / "scenario.pdf").splitlines()
        titles = {t for step in sc.steps if len(t := step.owner.title.get("zh-Hant")) <= 7}
        broken |= {sc.id: t for t in titles if not any(line.endswith(t) for line in lines)}
    assert broken == {}  # longer ones (產品品質及安全主管) may wrap, as a name would


def test_the_chinese_facilitator_guide_prints_its_clock_column_heading_on_one_line(tmp_path):
    """The timeline's first column is as wide as its times: its heading 演練時間 broke into
    演練時 / 間 above them."""
    guide = drill_pack(REPO, "product-recall", tmp_path / "drill", "zh-Hant")[0]
    words = [text for _, _, page in words_drawn(guide) for *_, text in page]
    assert "演練時" not in words and "間" not in words
