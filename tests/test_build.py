"""The whole pipeline with the real engine: `mkdocs build --strict` of the shipped example."""

from __future__ import annotations

import json
import re
import sys

import pytest

from conftest import TODAY, edit
from crisisbook.build import build
from crisisbook.errors import BuildError, ValidationFailed


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The shipped example, built once for the tests of this module."""
    import shutil
    from conftest import REPO
    root = tmp_path_factory.mktemp("example")
    for name in ("playbook", "scenarios", "templates", "docs"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    build(root, on=TODAY)
    return root / "site"


def test_every_page_is_built(built):
    for page in ["index.html", "scenarios/index.html", "scenarios/product-recall/index.html",
                 "scenarios/data-breach/index.html", "scenarios/misinformation-attack/index.html",
                 "scenarios/complaint-goes-viral/index.html", "scenarios/external-tragedy/index.html",
                 "zh-Hant/scenarios/external-tragedy/index.html", "roles/crisis-lead/index.html", "severity/index.html",
                 "roster/index.html", "statements/index.html", "search/search_index.json"]:
        assert (built / page).is_file(), page


def test_search_index_holds_the_scenarios(built):
    """Sections are indexed with their anchors; listings are not (each fact is found on its own
    page). The index holds terms and teasers, not whole texts."""
    from crisisbook.search import read_docs
    index = (built / "search" / "search_index.json").read_text()
    locations = [doc["location"] for doc in read_docs(json.loads(index))]
    assert "Product overheating and recall" in index
    assert "scenarios/product-recall/#statement-holding" in locations
    assert '"coupon":' in index and '"apologi":' in index  # stems, from steps and statements
    assert "We are aware of reports that some" in index  # a statement's first words: its teaser
    assert "We are investigating now. Next update by" not in index  # never its whole text
    assert not [loc for loc in locations if loc.startswith("statements/")]  # the statement library is a listing
    chinese = (built / "zh-Hant" / "search" / "search_index.json").read_text()
    assert "停機" in chinese and "\\u6a5f" not in chinese  # compact UTF-8, not \u escapes


def test_sitemap_and_canonical_links_are_the_published_addresses(built):
    """site_url in organisation.yaml: each edition's pages under its own address."""
    sitemap = (built / "sitemap.xml").read_text()
    assert "<loc>https://handbook.lumorahome.example/scenarios/product-recall/</loc>" in sitemap
    chinese = (built / "zh-Hant" / "sitemap.xml").read_text()
    assert "<loc>https://handbook.lumorahome.example/zh-Hant/scenarios/product-recall/</loc>" in chinese
    page = (built / "zh-Hant" / "scenarios" / "product-recall" / "index.html").read_text()
    assert '<link rel="canonical" href="https://handbook.lumorahome.example/zh-Hant/scenarios/product-recall/">' in page


def test_tags_are_shown_listed_and_searchable(built):
    page = (built / "scenarios" / "product-recall" / "index.html").read_text()
    assert '<a href="../tags/#tag:recall" class="md-tag">' in page
    listing = (built / "scenarios" / "tags" / "index.html").read_text()
    assert "Scenarios by tag" in listing
    assert re.search(r'id="tag:recall".*?href="\.\./product-recall/"', listing, re.S)
    index = json.loads((built / "search" / "search_index.json").read_text())
    from crisisbook.search import read_docs
    recall = next(doc for doc in read_docs(index) if doc["location"] == "scenarios/product-recall/")
    assert "recall" in recall["tags"] and "product safety" in recall["tags"]
    chinese = (built / "zh-Hant" / "scenarios" / "tags" / "index.html").read_text()
    assert "按標籤查閱情境" in chinese
    # the Chinese edition's tags are Chinese words (playbook/tags.yaml), on the page, in the
    # listing and in the index search reads
    page = (built / "zh-Hant" / "scenarios" / "product-recall" / "index.html").read_text()
    assert '<a href="../tags/#tag:產品回收" class="md-tag">' in page
    assert re.search(r'id="tag:產品回收".*?href="\.\./product-recall/"', chinese, re.S)
    index = json.loads((built / "zh-Hant" / "search" / "search_index.json").read_text())
    recall = next(doc for doc in read_docs(index) if doc["location"] == "scenarios/product-recall/")
    assert "產品回收" in recall["tags"] and "recall" not in recall["tags"]


def test_statement_is_a_copyable_code_block_with_marked_blanks(built):
    page = (built / "scenarios" / "product-recall" / "index.html").read_text()
    assert '<pre class="cb-statement">' in page
    assert '<mark class="cb-blank"' in page
    assert "content.code.copy" in page  # Material adds the copy button to every pre > code


def test_nothing_is_loaded_from_outside(built):
    """The handbook runs on an intranet: no web fonts, CDN scripts or outside stylesheets."""
    external = re.compile(r"""<(?:script|link|img|iframe)[^>]+(?:src|href)=["'](?:https?:)?//""")
    canonical = re.compile(r'<link rel="canonical" href="https://handbook\.lumorahome\.example/[^"]*">')
    for page in built.rglob("*.html"):
        html = canonical.sub("", page.read_text())  # the page's own address: a name, not a load
        assert not external.search(html), page
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, page
    for css in built.rglob("*.css"):
        assert "@import url(http" not in css.read_text(), css


def test_navigation_is_pruned_to_the_page_section(small):
    """A page's navigation lists the scenarios of its own category only, so pages do not grow
    with the whole handbook (Material's flat navigation would list every scenario everywhere)."""
    for n in range(2, 5):
        text = (small / "scenarios" / "site-down.yaml").read_text()
        (small / "scenarios" / f"site-down-{n}.yaml").write_text(text.replace("Shop is down", f"Shop down {n}"))
    build(small, on=TODAY)
    nav_links = re.compile(r'<a href="([^"]*)" class="md-nav__link')
    kettle = nav_links.findall((small / "site" / "scenarios" / "kettle-leak" / "index.html").read_text())
    outage = nav_links.findall((small / "site" / "scenarios" / "site-down" / "index.html").read_text())
    # the other category collapses to one link (to its first page); its pages are not listed
    assert len([link for link in kettle if "site-down" in link]) == 1
    assert {"../site-down-2/", "../site-down-3/", "../site-down-4/"} <= set(outage)


def test_failed_validation_leaves_the_previous_site_untouched(small):
    build(small, on=TODAY)
    before = {p: p.read_bytes() for p in (small / "site").rglob("*") if p.is_file()}
    edit(small / "scenarios" / "site-down.yaml", "category: outage", "category: outtage")
    with pytest.raises(ValidationFailed):
        build(small, on=TODAY)
    after = {p: p.read_bytes() for p in (small / "site").rglob("*") if p.is_file()}
    assert after == before
    assert not list((small / "build").glob(".staging-*"))


def test_engine_failure_leaves_the_previous_site_untouched(small):
    build(small, on=TODAY)
    before = sorted((small / "site").rglob("*"))
    (small / "mkdocs.yml").write_text((small / "mkdocs.yml").read_text() + "\nno_such_option: 1\n")
    with pytest.raises(BuildError) as caught:
        build(small, on=TODAY)
    assert caught.value.format_message().startswith("the site engine failed; the previous site was kept.")
    assert "no_such_option" in caught.value.format_message()
    assert sorted((small / "site").rglob("*")) == before


def test_a_build_killed_between_renames_is_recovered(small):
    build(small, on=TODAY)
    (small / "site").rename(small / "site.old")  # as if killed after moving the old site aside
    build(small, on=TODAY)
    assert (small / "site" / "index.html").is_file() and not (small / "site.old").exists()


def test_example_builds_with_properdocs(example):
    """MkDocs 1.x is unmaintained; its maintained fork must build the same Markdown and config."""
    build(example, on=TODAY, engine="properdocs")
    page = (example / "site" / "scenarios" / "product-recall" / "index.html").read_text()
    assert '<pre class="cb-statement">' in page and "md-nav" in page  # Material's theme, our pages
    assert (example / "site" / "search" / "search_index.json").is_file()
    assert 'class="md-tag"' in page and (example / "site" / "scenarios" / "tags" / "index.html").is_file()


def _scaled(root, n: int):
    """The small project with n scenarios: copies of its two, varied across every category."""
    import yaml

    from crisisbook.schema import CATEGORIES
    from crisisbook.load import load_file
    # crisisbook's own reader: PyYAML's YAML 1.1 would read the approval's `on:` key as true
    bases = [load_file(root / "scenarios" / f"{s}.yaml").data for s in ("kettle-leak", "site-down")]
    for path in (root / "scenarios").glob("*.yaml"):
        path.unlink()
    for i in range(n):
        title = bases[i % 2]["title"]  # a string, or a mapping of language -> string
        title = {lang: f"{t} {i}" for lang, t in title.items()} if isinstance(title, dict) else f"{title} {i}"
        data = dict(bases[i % 2], title=title, category=CATEGORIES[i % len(CATEGORIES)])
        (root / "scenarios" / f"s-{i:04d}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    build(root, on=TODAY)
    site = root / "site"
    pages = list((site / "scenarios").glob("s-*/index.html"))
    assert len(pages) == n
    html = sum(p.stat().st_size for p in pages) / n
    from crisisbook.search import page_sizes
    sizes = [size for edition in [site, *(p.parent.parent for p in site.glob("*/search/search_index.json"))]
             for size in page_sizes(edition).values()]
    # each page on its own; a page of under 1 KB of text (a two-level severity page) may take
    # 1.5 KB: a section's location, title and teaser cost the same whatever its length
    return html, max(index / max(text, 1024) for index, text in sizes)


def test_pages_and_search_index_stay_small_at_1000_scenarios(tmp_path_factory, small):
    """The deterministic size guards of the performance targets (BENCHMARKS.md): HTML per
    scenario page at 1,000 scenarios at most 1.5x that at 100; the search index (every edition's)
    at most 1.5x the visible text of every page it indexes (of 1 KB for a shorter page)."""
    import shutil
    other = tmp_path_factory.mktemp("scaled") / "small"
    shutil.copytree(small, other)
    html_100, _ = _scaled(small, 100)
    html_1000, index_1000 = _scaled(other, 1000)
    assert html_1000 <= 1.5 * html_100, (html_100, html_1000)
    assert index_1000 <= 1.5, index_1000  # the largest ratio of any page


def test_each_engine_is_finished_as_soon_as_it_ends(tmp_path, monkeypatch):
    """What follows an engine (the search index) runs while the other engine still builds: the
    engine started first here goes on until the second has been yielded (or 20 s, when finish()
    waits for the engines in the order they started)."""
    from crisisbook import build as build_module
    release = tmp_path / "release"
    code = ("import os, sys, time\n"
            "end = time.monotonic() + (20 if sys.argv[-1].endswith('first') else 0)\n"
            f"while time.monotonic() < end and not os.path.exists({str(release)!r}): time.sleep(0.01)\n")
    monkeypatch.setitem(build_module.ENGINES, "fake", [sys.executable, "-c", code])
    with build_module._Engines() as engines:
        for name in ("first", "second"):
            engines.start(name, tmp_path / name, "fake", 0, tmp_path / f"out-{name}")
        finished = engines.finish()
        assert next(finished)[0] == "second"
        release.touch()
        assert next(finished)[0] == "first"


def _site(root) -> dict:
    return {p.relative_to(root / "site").as_posix(): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}


def test_the_next_build_parses_only_what_changed_and_builds_the_same_site(small, monkeypatch):
    """A build remembers each scenario's checked data in build/.cache (signed): the next build
    parses and checks only the files that changed since, and publishes the same bytes as a
    build that parsed everything."""
    from crisisbook import checker

    build(small, on=TODAY)
    cold = _site(small)
    assert len(list((small / checker.DATA).glob("*.json"))) == len(list((small / "scenarios").glob("*.yaml")))
    parsed = []
    real = checker.load_bytes
    monkeypatch.setattr(checker, "load_bytes", lambda raw, name: (name.startswith("scenarios/") and parsed.append(name))
                        or real(raw, name))  # the playbook (six small files) is parsed on every run
    build(small, on=TODAY)
    assert parsed == [] and _site(small) == cold
    edit(small / "scenarios" / "site-down.yaml", "Shop is down", "Shop is offline")
    build(small, on=TODAY)
    assert parsed == ["scenarios/site-down.yaml"]
    assert "Shop is offline" in (small / "site" / "scenarios" / "site-down" / "index.html").read_text()
    edit(small / "scenarios" / "site-down.yaml", "Shop is offline", "Shop is down")
    build(small, on=TODAY)
    assert _site(small) == cold
    # the data of the edited version is gone from the cache; one file per scenario is left
    assert len(list((small / checker.DATA).glob("*.json"))) == len(list((small / "scenarios").glob("*.yaml")))


def test_remembered_data_is_trusted_only_with_its_signature(small, monkeypatch):
    """A cache restored from anywhere (a pull request can carry build/.cache) cannot put words on
    a page: data whose signature does not hold for its file's content is parsed afresh."""
    from crisisbook import checker

    build(small, on=TODAY)
    for entry in (small / checker.DATA).glob("*.json"):
        entry.write_bytes(entry.read_bytes().replace(b"Shop is down", b"Send your password"))
    build(small, on=TODAY)
    page = (small / "site" / "scenarios" / "site-down" / "index.html").read_text()
    assert "Shop is down" in page and "Send your password" not in page
    # nor can a file signed for another file's content be moved under its name
    files = sorted((small / checker.DATA).glob("*.json"))
    kettle = next(f for f in files if b"Kettle" in f.read_bytes())
    down = next(f for f in files if b"Shop is down" in f.read_bytes())
    down.write_bytes(kettle.read_bytes())
    build(small, on=TODAY)
    assert "Shop is down" in (small / "site" / "scenarios" / "site-down" / "index.html").read_text()
    # nor can a signature line that is not even ASCII stop the build
    for entry in (small / checker.DATA).glob("*.json"):
        entry.write_bytes("é…\n{}".encode())
    build(small, on=TODAY)
    assert "Shop is down" in (small / "site" / "scenarios" / "site-down" / "index.html").read_text()


def test_an_id_never_gives_a_page_an_anchor_twice(small):
    """Anchors made of ids carry a prefix no fixed anchor has: a contact called kind-regulator
    had the id of the Regulators heading on the Contacts page, and the steps' links to it led
    there; a scenario called duties gave each role page two #duties (red10)."""
    for name in ("playbook/contacts.yaml", "scenarios/kettle-leak.yaml"):
        path = small / name
        path.write_text(path.read_text().replace("safety-office", "kind-regulator"))
    (small / "scenarios" / "site-down.yaml").rename(small / "scenarios" / "duties.yaml")
    build(small, on=TODAY)
    pages = sorted((small / "site").rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        ids = re.findall(r'\sid="([^"]*)"', page.read_text(encoding="utf-8"))
        assert sorted({i for i in ids if ids.count(i) > 1}) == [], page
    step = (small / "site" / "scenarios" / "kettle-leak" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../contacts/#kind-regulator"' in step
    contacts = (small / "site" / "contacts" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<h3 id="kind-regulator">Product Safety Office', contacts)


def test_a_language_the_theme_has_no_interface_for_still_builds(small):
    """Material has a file per interface language (zh-Hant.html), and an edition in any other
    (yue, or zh-hant written in another case) stopped the engine with a traceback (red10): the
    theme's interface is then in the same tag in its case, the base language, or English."""
    from crisisbook.site import theme_language

    assert [theme_language(lang) for lang in ("zh-Hant", "zh-hant", "en-GB", "pt-br", "yue")] == [
        "zh-Hant", "zh-Hant", "en", "pt-BR", "en"]
    edit(small / "playbook" / "organisation.yaml", "languages: [en, zh-Hant]", "languages: [en, zh-Hant, yue]")
    build(small, on=TODAY)
    page = (small / "site" / "yue" / "scenarios" / "kettle-leak" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in page and "Kettle leaks when full" in page
