"""Stage 4: the small fixture renders to exactly the Markdown in tests/golden/small/.

When a template change is intended, run `make golden` and review `git diff tests/golden`.
"""

from __future__ import annotations

import shutil
import sys

import pytest

from conftest import GOLDEN_EDITIONS, REPO, SMALL, TODAY, edit, render_golden
from crisisbook.build import handbook_of
from crisisbook.errors import RenderError
from crisisbook.render import Fallback, Renderer, cut, email, md, statement


EXAMPLE_GOLDEN = REPO / "tests" / "golden" / "example"


@pytest.fixture(scope="module")
def example_pages():
    sys.path.insert(0, str(REPO / "scripts"))
    from update_golden import render_example
    return render_example()


@pytest.fixture(scope="module")
def pages():
    hb, _ = handbook_of(SMALL, TODAY)
    return Renderer(REPO / "templates").render(hb, TODAY).pages


@pytest.mark.parametrize("workers", [2, 3])
def test_rendering_in_several_processes_gives_the_same_pages_in_the_same_order(pages, monkeypatch, workers):
    from crisisbook import render

    monkeypatch.setattr(render, "PARALLEL_FROM", 1)
    hb, _ = handbook_of(SMALL, TODAY)
    forked = Renderer(REPO / "templates").render(hb, TODAY, workers=workers).pages
    assert list(forked.items()) == list(pages.items())


def test_a_template_error_in_a_forked_renderer_names_the_template(small, monkeypatch):
    from crisisbook import render

    monkeypatch.setattr(render, "PARALLEL_FROM", 1)
    (small / "templates" / "pages" / "role.md.j2").write_text("{{ role.no_such_field }}\n")
    hb, _ = handbook_of(small, TODAY)
    with pytest.raises(RenderError, match="role.md.j2:1"):
        Renderer(small / "templates").render(hb, TODAY, workers=2)


@pytest.fixture(scope="module")
def golden_pages():
    return {audience: render_golden(audience) for audience in GOLDEN_EDITIONS}


@pytest.mark.parametrize("audience", sorted(GOLDEN_EDITIONS))
def test_same_set_of_pages_as_golden(golden_pages, audience):
    folder = GOLDEN_EDITIONS[audience]
    assert sorted(golden_pages[audience]) == sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.md"))


GOLDEN_FILES = [(audience, p.relative_to(folder).as_posix())
                for audience, folder in sorted(GOLDEN_EDITIONS.items()) for p in sorted(folder.rglob("*.md"))]


@pytest.mark.parametrize("audience, name", GOLDEN_FILES, ids=[f"{a}:{n}" for a, n in GOLDEN_FILES])
def test_page_matches_golden(golden_pages, audience, name):
    expected = (GOLDEN_EDITIONS[audience] / name).read_text(encoding="utf-8")
    assert golden_pages[audience][name] == expected, "run `make golden` if intended"


def test_scenario_text_is_inert():
    assert md('<script>alert(1)</script> [x](javascript:alert(1)) *b* {: .c}') == (
        r"&lt;script&gt;alert\(1\)&lt;/script&gt; \[x\]\(javascript:alert\(1\)\) \*b\* \{: .c\}")
    assert md("- not a list") == r"\- not a list"
    assert md("1. not a list") == r"\1. not a list"


def test_statement_marks_blanks_and_escapes_html():
    html = statement('<b>{product}</b> & {{ x }}', [("product", "Name <here>")])
    assert html == ('<pre class="cb-statement">&lt;b&gt;<mark class="cb-blank" data-blank="product" '
                    'title="Name &lt;here&gt;">{product}</mark>&lt;/b&gt; &amp; {{ x }}</pre>')


def test_a_blank_carries_its_description_at_its_first_use_only():
    """A 2,000-character description on each of 1,666 uses of a blank in a statement made a
    24 MB page of a 40 KB scenario (red10); the fill-in panel lists every description anyway."""
    html = statement("{a} or {b}, {a}", [("a", "First"), ("b", "Second")])
    assert html == ('<pre class="cb-statement"><mark class="cb-blank" data-blank="a" title="First">{a}</mark> or '
                    '<mark class="cb-blank" data-blank="b" title="Second">{b}</mark>, '
                    '<mark class="cb-blank" data-blank="a">{a}</mark></pre>')
    assert len(statement("{a}" * 1666, [("a", "D" * 2000)])) < 100_000


def test_phone_numbers_in_text_stay_on_one_line():
    assert md("call +852 3001 8800 now") == 'call <span class="cb-tel">+852 3001 8800</span> now'
    assert md("+852 3001 8800") == '<span class="cb-tel">+852 3001 8800</span>'  # no stray escape
    assert 'Help: <span class="cb-tel">+852 3001 8800</span>' in statement("Help: +852 3001 8800")


def test_an_email_address_may_wrap_after_its_at_and_stays_escaped():
    """A <wbr> after the "@" lets a long address break into its halves in a narrow table column
    (the roster's people on a desk), and adds nothing to what is copied or searched."""
    assert email("ada.kwok@lumorahome.example") == "ada.kwok@<wbr>lumorahome.example"
    assert email('"><b>x_y</b>@evil.example') == '"&gt;&lt;b&gt;x\\_y&lt;/b&gt;@<wbr>evil.example'
    assert email("no address") == "no address" and email("@handle") == "@handle"


def test_summaries_are_cut_at_a_character_never_inside_markup():
    assert cut("Short enough.", 140) == "Short enough."
    assert cut("The kettle leaks boiling water when full", 20) == "The kettle leaks…"
    assert cut("家電在正常使用下過熱，有熔化、冒煙或燙傷的報告。", 10) == "家電在正常使用下過熱…"
    fallback = Fallback("A <b>bold</b> & long text that goes on")
    fallback.lang, fallback.note = "en", "未有中文版本"
    short = cut(fallback, 16)
    assert isinstance(short, Fallback) and short == "A <b>bold</b> &…"
    assert md(short) == ('<span class="cb-untranslated" lang="en" data-note="未有中文版本">'
                         'A &lt;b&gt;bold&lt;/b&gt; &amp;…</span>')


def test_untranslated_text_is_marked_in_the_pages_language(small):
    from conftest import edit

    # the fixture's kettle-leak is fully translated: take one translation away
    edit(small / "scenarios" / "kettle-leak.yaml", "sev1: {en: Someone is scalded., zh-Hant: 有人被燙傷。}",
         "sev1: {en: Someone is scalded.}")
    hb, _ = handbook_of(small, TODAY)
    zh = Renderer(REPO / "templates").render(hb, TODAY, "zh-Hant").pages["scenarios/kettle-leak.md"]
    assert '<span class="cb-untranslated" lang="en" data-note="未有中文版本">Someone is scalded.</span>' in zh
    assert zh.count("cb-untranslated") == 1  # only the text that has no translation


@pytest.mark.parametrize("name", sorted(p.relative_to(EXAMPLE_GOLDEN).as_posix()
                                        for p in EXAMPLE_GOLDEN.rglob("*.md")))
def test_example_page_matches_golden_in_every_language(example_pages, name):
    assert example_pages[name] == (EXAMPLE_GOLDEN / name).read_text(encoding="utf-8"), "run `make golden` if intended"


def test_each_edition_fills_statements_with_its_own_facts(example_pages):
    zh, en = example_pages["zh-Hant/scenarios/product-recall.md"], example_pages["en/scenarios/product-recall.md"]
    assert "每日上午9時至晚上9時" in zh and "9 am to 9 pm" not in zh
    assert "9 am to 9 pm daily" in en and "每日" not in en


def test_timeline_is_sorted_by_deadline(pages):
    page = pages["scenarios/kettle-leak.md"]
    headings = [line for line in page.splitlines() if line.startswith("### T+")]
    assert [h.split()[1] for h in headings] == ["T+15m", "T+30m", "T+1h", "T+3d", "T+14d"]


def test_chinese_pages_use_chinese_punctuation_between_labels_and_lists(golden_pages):
    """A Hong Kong reader sees 對象：用戶 and X、Facebook, as the interface strings write them, not
    the English page's ': ' and ', ' (the front matter's YAML list keeps its commas)."""
    pages = golden_pages["all-staff"]
    zh, en = pages["zh-Hant/scenarios/kettle-leak.md"], pages["scenarios/kettle-leak.md"]
    assert "**發布渠道：**X（<span" in zh and "</span>）、Facebook\n" in zh  # the count in full-width brackets
    assert "    - 發布：[臨時聲明](#statement-holding) — X、Facebook\n" in zh
    assert "[可即時發布：臨時聲明](#statement-holding)" in zh
    assert 'tags: ["漏水", "產品安全"]' in zh  # each edition's words for the tags (playbook/tags.yaml)
    assert not [line for line in zh.splitlines() if ":**" in line]
    assert "**Channels:** X (<span" in en and "</span>), Facebook\n" in en
    # an aside after a name in full-width brackets, its parts apart by a full-width comma
    assert " — **危機統籌**（Ann Lee，[<span class=\"cb-tel\">+852 1111 0001</span>](tel:+85211110001)）\n" in zh
    assert "（*每30分鐘一次*）" in zh
    assert " — **Crisis lead** (Ann Lee, [<span class=\"cb-tel\">+852 1111 0001</span>](tel:+85211110001))\n" in en
    assert " (*every 30m*) — " in en


def test_overdue_banner_only_on_overdue_scenario(pages):
    assert "overdue for review" in pages["scenarios/kettle-leak.md"]
    assert "overdue for review" not in pages["scenarios/site-down.md"]


def template_error(tmp_path, appended: str) -> tuple[str, int]:
    """The message of rendering the shipped templates with `appended` at the end of the roster
    page, and that line's number."""
    import shutil
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    page = tmp_path / "templates" / "pages" / "roster.md.j2"
    page.write_text(page.read_text() + "\n" + appended + "\n")
    hb, _ = handbook_of(SMALL, TODAY)
    with pytest.raises(RenderError) as caught:
        Renderer(tmp_path / "templates").render(hb, TODAY)
    return caught.value.format_message(), len(page.read_text().splitlines())


def test_undefined_name_in_a_template_is_an_error_with_its_line(tmp_path):
    message, line = template_error(tmp_path, "{{ hb.no_such_thing }}")
    assert message == (
        f"template roster.md.j2:{line}: 'crisisbook.model.Handbook object' has no attribute 'no_such_thing'")


def test_a_macro_calling_itself_without_end_is_an_error_with_its_line(tmp_path):
    message, line = template_error(tmp_path, "{% macro boom(n) %}{{ boom(n + 1) }}{% endmacro %}{{ boom(1) }}")
    assert message == (
        f"template roster.md.j2:{line}: calls itself without end; give the macro or include a case that stops")


def test_templates_run_in_the_sandbox(tmp_path):
    import shutil
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    page = tmp_path / "templates" / "pages" / "roster.md.j2"
    page.write_text("{{ hb.__class__.__init__.__globals__ }}")
    hb, _ = handbook_of(SMALL, TODAY)
    with pytest.raises(RenderError, match="unsafe|has no attribute"):
        Renderer(tmp_path / "templates").render(hb, TODAY)


def test_large_categories_are_split_in_the_navigation():
    from crisisbook.render import NAV_SECTION, _chunked
    small = [f"scenarios/s{i}.md" for i in range(NAV_SECTION)]
    assert _chunked(small) == small
    large = [f"scenarios/s{i}.md" for i in range(2 * NAV_SECTION + 5)]
    sections = _chunked(large)
    assert [list(section) for section in sections] == [["1–30"], ["31–60"], ["61–65"]]
    assert sum((pages for section in sections for pages in section.values()), []) == large


def test_a_field_written_without_a_filter_is_escaped_all_the_same(tmp_path):
    """The escaping hook: `{{ x }}` is `{{ x|md }}`; what a filter such as `replace` gives back is
    escaped again; safe markup comes only from crisisbook's own filters."""
    (tmp_path / "pages").mkdir()
    shutil.copy(REPO / "templates" / "strings.yaml", tmp_path / "strings.yaml")
    (tmp_path / "pages" / "t.md.j2").write_text(
        '{{ x }}|{{ x|replace("a", "b") }}|{{ x|md }}|{{ x|code }}|{{ ", " }}|{{ n }}\n')
    renderer = Renderer(tmp_path)
    x = "<b>[a](javascript:x)</b>\n\n!!! note"
    inert = "&lt;b&gt;\\[a\\]\\(javascript:x\\)&lt;/b&gt; \\!\\!\\! note"
    replaced = inert.replace("a", "b")  # replace gave a plain str: escaped after it
    assert renderer.page("t.md.j2", x=x, n=3) == f"{inert}|{replaced}|{inert}|<code>{inert}</code>|, |3\n"
    (tmp_path / "pages" / "u.md.j2").write_text("{{ x|safe }}\n")
    with pytest.raises(RenderError, match="(?i)no filter named .safe."):
        renderer.page("u.md.j2", x="<b>")


def test_each_edition_shows_a_tags_own_words_and_a_tag_without_them_as_written(small):
    """playbook/tags.yaml gives a tag the words each edition shows; a tag it does not list keeps
    its slug on every page, not marked as untranslated (validate warns for it instead)."""
    edit(small / "playbook" / "tags.yaml", "  leak: {en: leak, zh-Hant: 漏水}\n", "")
    hb, _ = handbook_of(small, TODAY)
    renderer = Renderer(small / "templates")
    en, zh = (renderer.render(hb, TODAY, lang).pages for lang in ("en", "zh-Hant"))
    assert 'tags: ["leak", "產品安全"]' in zh["scenarios/kettle-leak.md"]
    assert 'tags: ["leak", "product safety"]' in en["scenarios/kettle-leak.md"]
    assert "**標籤：**<code>leak</code>、<code>產品安全</code>\n" in zh["scenarios/kettle-leak.md"]
    assert "**Tags:** <code>leak</code>, <code>product safety</code>\n" in en["scenarios/kettle-leak.md"]
    assert "| <code>leak</code> <code>產品安全</code> |" in zh["scenarios/index.md"]


def _leaner_kettle(small):
    """kettle-leak (written in both languages) without its kol block, and with two reply kinds
    only, both team-only: the all-staff edition has no reply left to show."""
    path = small / "scenarios" / "kettle-leak.yaml"
    text = path.read_text(encoding="utf-8")
    start, complaint, misinformation, praise, press, end = (
        text.index(s) for s in ("  inquiry:", "  complaint:", "  misinformation:", "  praise:", "  press:", "donts:\n"))
    kept = text[complaint:misinformation] + "    visibility: team\n" + text[praise:press]
    path.write_text(text[:start] + kept + text[end:], encoding="utf-8")
    assert "kol:" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("audience", ["all-staff", "team"])
def test_a_scenario_without_kol_or_replies_shows_no_empty_section_in_any_language(small, audience):
    from crisisbook.printing import printer

    _leaner_kettle(small)
    hb, _ = handbook_of(small, TODAY, audience=audience)
    renderer = Renderer(REPO / "templates")
    for lang, replies, kol in (("en", "## Comment replies", "(KOL)"), ("zh-Hant", "## 留言回覆", "（KOL）")):
        page = renderer.render(hb, TODAY, lang).pages["scenarios/kettle-leak.md"]
        assert kol not in page and "{ #kol }" not in page
        assert (replies in page) is (audience == "team") and ("TEAMONLY-REPLY" in page) is (audience == "team")
        assert "## " + ("Don'ts" if lang == "en" else "切勿") in page  # the page goes on after them
        paper = printer(small, lang, audience)
        sc = next(x for x in paper.hb.scenarios if x.id == "kettle-leak")
        html = paper.html("scenario.html.j2", sc=sc)
        assert (f"<h2>{paper.s['scenario']['replies']}</h2>" in html) is (audience == "team")


def test_a_step_names_the_organisations_facts_filled_in(small):
    edit(small / "scenarios" / "site-down.yaml", "{do: Post an update., owner: spokesperson",
         '{do: "Post an update on {social.x}.", owner: spokesperson')
    hb, _ = handbook_of(small, TODAY)
    page = Renderer(small / "templates").render(hb, TODAY, "en").pages["scenarios/site-down.md"]
    assert "Post an update on @kettleworks." in page and "{social.x}" not in page
