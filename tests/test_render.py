"""Stage 4: the small fixture renders to exactly the Markdown in tests/golden/small/.

When a template change is intended, run `make golden` and review `git diff tests/golden`.
"""

from __future__ import annotations

import pytest

from conftest import GOLDEN, REPO, SMALL, TODAY
from crisisbook.build import handbook_of
from crisisbook.errors import RenderError
from crisisbook.render import Renderer, md, statement


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


def test_same_set_of_pages_as_golden(pages):
    golden = sorted(p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.md"))
    assert sorted(pages) == golden


@pytest.mark.parametrize("name", sorted(p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.md")))
def test_page_matches_golden(pages, name):
    assert pages[name] == (GOLDEN / name).read_text(encoding="utf-8"), "run `make golden` if intended"


def test_scenario_text_is_inert():
    assert md('<script>alert(1)</script> [x](javascript:alert(1)) *b* {: .c}') == (
        r"&lt;script&gt;alert\(1\)&lt;/script&gt; \[x\]\(javascript:alert\(1\)\) \*b\* \{: .c\}")
    assert md("- not a list") == r"\- not a list"
    assert md("1. not a list") == r"\1. not a list"


def test_statement_marks_blanks_and_escapes_html():
    html = statement('<b>{product}</b> & {{ x }}', [("product", "Name <here>")])
    assert html == ('<pre class="cb-statement"><code>&lt;b&gt;<mark class="cb-blank" data-blank="product" '
                    'title="Name &lt;here&gt;">{product}</mark>&lt;/b&gt; &amp; {{ x }}</code></pre>')


def test_timeline_is_sorted_by_deadline(pages):
    page = pages["scenarios/kettle-leak.md"]
    headings = [line for line in page.splitlines() if line.startswith("### T+")]
    assert [h.split()[1] for h in headings] == ["T+15m", "T+30m", "T+1h", "T+3d", "T+14d"]


def test_overdue_banner_only_on_overdue_scenario(pages):
    assert "overdue for review" in pages["scenarios/kettle-leak.md"]
    assert "overdue for review" not in pages["scenarios/site-down.md"]


def test_undefined_name_in_a_template_is_an_error_with_its_line(tmp_path):
    import shutil
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    page = tmp_path / "templates" / "pages" / "roster.md.j2"
    page.write_text(page.read_text() + "\n{{ hb.no_such_thing }}\n")
    hb, _ = handbook_of(SMALL, TODAY)
    with pytest.raises(RenderError) as caught:
        Renderer(tmp_path / "templates").render(hb, TODAY)
    line = len(page.read_text().splitlines())
    assert caught.value.format_message() == (
        f"template roster.md.j2:{line}: 'crisisbook.model.Handbook object' has no attribute 'no_such_thing'")


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
