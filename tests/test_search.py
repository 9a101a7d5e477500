"""The search index (search.py): what it holds, that its English terms are real stems of words
on the pages (no invented forms), that Chinese is cut to fit Traditional text, and that it stays
in proportion to the pages. The browser side is in test_browser.py."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, TODAY


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    import shutil

    from crisisbook.build import build
    root = tmp_path_factory.mktemp("search")
    for name in ("playbook", "scenarios", "templates", "docs"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    build(root, root / "site", on=TODAY)
    return root / "site"


def _index(site: Path) -> dict:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))


def _locations(index: dict, term: str) -> set[str]:
    from crisisbook.search import read_docs
    postings, doc, out, docs = index["config"]["terms"].get(term, []), 0, set(), read_docs(index)
    for i in range(0, len(postings), 2):
        doc += postings[i]
        out.add(docs[doc]["location"])
    return out


def _page_words(site: Path) -> str:
    from crisisbook.search import _visible_text
    return " ".join(_visible_text(p.read_text(encoding="utf-8")) for p in site.rglob("*.html"))


# A query as the browser's worker reads it (assets/search-worker.js): its words, a Chinese run cut
# into the longest index terms from its left, each part of a hyphenated word also joined.
_WORD = re.compile(r"[a-z0-9]+(?:[-\u2010][a-z0-9]+)*|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def _query_words(query: str, terms) -> list[set[str]]:
    """Each word of `query` with the index terms that stand for it (exact ones: no prefixes)."""
    import snowballstemmer
    from crisisbook.search import TOKEN, fold
    stem = snowballstemmer.stemmer("porter").stemWord
    words = []
    for word in _WORD.findall(fold(query)):
        if word[0] >= "\u3400":
            i = 0
            while i < len(word):  # as the worker's segment()
                j = len(word) if i == 0 and word in terms else min(len(word), i + 10)
                while j > i + 1 and word[i:j] not in terms:
                    j -= 1
                words.append({word[i:j]})
                i = j
            continue
        parts = TOKEN.findall(word)
        whole = "".join(parts)
        for part in parts:
            words.append({part if part.isdigit() else stem(part)} |
                         ({stem(whole)} if len(parts) > 1 and not whole.isdigit() else set()))
    return words


def _page_terms(index: dict) -> dict[str, set[str]]:
    """page location -> every term found in one of its sections."""
    from crisisbook.search import read_docs
    pages = [doc["location"].split("#")[0] for doc in read_docs(index)]
    out: dict[str, set[str]] = {}
    for term, postings in index["config"]["terms"].items():
        doc = 0
        for i in range(0, len(postings), 2):
            doc += postings[i]
            out.setdefault(pages[doc], set()).add(term)
    return out


def _found_in(index: dict, query: str) -> set[str]:
    """The sections holding every word of `query` (a stop word, in no section, is left out)."""
    from crisisbook.search import STOP
    words = [alts for alts in _query_words(query, index["config"]["terms"]) if not alts <= STOP]
    found = None
    for alts in words:
        here = set().union(*(_locations(index, term) for term in alts))
        found = here if found is None else found & here
    return found or set()


LANGUAGE_BAR = re.compile(r'<p class="cb-langs"[^>]*>.*?</p>', re.S)  # a control, like the theme's header


@pytest.mark.parametrize("edition", ["", "zh-Hant"])
def test_every_word_of_a_scenario_page_is_found_on_it(site, edition):
    """The promise: search finds any word the page says. Every word of each scenario page's
    visible text (steps, statements with their audience, recipients and channels, replies,
    severity, team, review dates, tags...) is found in the index on that page, looked up as the
    worker looks up a query of that one word (a word written with hyphens also typed without
    them); only a stop word, left out everywhere, is not. Chinese words are the segmenter's (a
    whole clause typed at once may be cut otherwise)."""
    from crisisbook import search
    from crisisbook.build import handbook_of
    lang, root = edition or "en", site.parent
    chinese = search.tokenizer(lang, search.terms_of(lang, handbook_of(root, TODAY)[0], root))
    index = _index(site / edition)
    terms, on_page = index["config"]["terms"], _page_terms(index)
    pages = sorted((site / edition / "scenarios").glob("*/index.html"))
    assert len(pages) >= 9 + 1  # the example's scenarios, and the tags listing
    missing = {}
    for html_file in pages:
        location = html_file.parent.relative_to(site / edition).as_posix() + "/"
        if location == "scenarios/tags/":  # a listing: each scenario found on its own page
            continue
        text = search._visible_text(LANGUAGE_BAR.sub(" ", html_file.read_text(encoding="utf-8")))
        assert len(text) > 3000, location
        lost = set()
        for word in set(_WORD.findall(search.fold(text))):
            looked_up = [{t} for t in chinese.terms(word)] if word[0] >= "\u3400" else _query_words(word, terms)
            joined = re.sub("[-\u2010]", "", word)
            if joined != word and not joined.isdigit():  # "e-mail" typed "email" too (a date is not)
                looked_up += _query_words(joined, terms)
            lost |= {word for alts in looked_up if not alts <= search.STOP and not alts & on_page.get(location, set())}
        if lost:
            missing[location] = sorted(lost)
    assert not missing, missing


# What QA found missing: words said only in a statement's audience, recipients and channels, and
# a word the pages write with a hyphen (e-mail) typed without; each must find the statement.
@pytest.mark.parametrize("edition, query, location", [
    ("", "Buyers", "scenarios/product-recall/#statement-partner-briefing"),
    ("", "especially", "scenarios/service-outage/#statement-resolution"),
    ("", "trade", "scenarios/service-outage/#statement-press-answer"),
    ("", "copied", "scenarios/product-recall/#statement-regulator-notice"),
    ("", "LinkedIn", "scenarios/data-breach/#statement-apology"),
    ("", "email", "scenarios/product-recall/#statement-partner-briefing"),  # "reply to this e-mail"
    ("", "e-mail", "scenarios/product-recall/#statement-partner-briefing"),
    ("", "stopsale", "scenarios/product-recall/#statement-internal-memo"),  # "stop-sale"
    ("zh-Hant", "致受影響顧客的電郵", "scenarios/product-recall/#statement-resolution"),
    ("zh-Hant", "電郵及員工通訊群組", "scenarios/product-recall/#statement-internal-memo"),
    ("zh-Hant", "回覆記者查詢", "scenarios/product-recall/#statement-press-answer"),
])
def test_a_statements_audience_recipients_and_channels_are_found(site, edition, query, location):
    assert location in _found_in(_index(site / edition), query)


@pytest.mark.parametrize("term, location", [
    ("coupon", "scenarios/service-outage/#t-4h"),  # a step
    ("apologi", "scenarios/product-recall/#statement-apology"),  # a statement
    ("product", "scenarios/product-recall/#statement-holding"),  # a blank, {product}
    ("misinform", "scenarios/product-recall/#replies"),  # a comment reply rule
    ("deliv", "roles/spokesperson/#duties"),  # a role's duties
    ("91234501", "roster/#people"),  # a phone number, written +852 9123 4501
    ("melt", "scenarios/product-recall/#severity"),  # severity criteria
    ("council", "contacts/#consumer-council"),  # an outside contact, by organisation
    ("buyer", "scenarios/product-recall/#statement-partner-briefing"),  # a statement's audience
    ("email", "scenarios/product-recall/#statement-partner-briefing"),  # "e-mail", joined
])
def test_the_index_holds_what_a_reader_looks_for(site, term, location):
    assert location in _locations(_index(site), term)


def test_no_invented_word_forms_in_any_index(site):
    """Every English term is the Porter stem of a word on the pages (a word written with hyphens
    also joined: "e-mail", "email"); every Chinese term occurs (in the one form the index keeps
    of a word written two ways: 紀錄 as 記錄)."""
    import snowballstemmer
    from crisisbook.search import fold
    stem = snowballstemmer.stemmer("porter").stemWord
    en_text = _page_words(site)
    en_words = {stem(w) for w in re.findall(r"[a-z0-9]+", fold(en_text))} | \
        {stem(w.replace("-", "")) for w in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", fold(en_text))}
    invented = [t for t in _index(site)["config"]["terms"] if not t.isdigit() and t not in en_words
                and t not in fold(en_text)]  # a Chinese monitoring keyword on an English page occurs as it is
    assert not invented, invented[:20]
    assert "apologied" not in _index(site)["config"]["terms"]
    zh_text = fold(_page_words(site / "zh-Hant"))
    zh_terms = [t for t in _index(site / "zh-Hant")["config"]["terms"] if re.match(r"[\u3400-\u9fff]", t)]
    assert zh_terms and all(t in zh_text for t in zh_terms), [t for t in zh_terms if t not in zh_text][:20]


def test_traditional_chinese_is_cut_into_its_words(tmp_path, monkeypatch):
    from crisisbook.search import Chinese
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    chinese = Chinese(["後備人員"])
    cuts = chinese.words("請提供產品序號，後備人員會接聽熱線，即日起停售")
    assert {"序號", "產品", "後備人員", "熱線", "停售"} <= set(cuts), cuts
    assert "備人員" not in cuts
    # jieba's cache is marshalled and loaded unchecked: in the user's own folder, never in a
    # project's build/.cache, which a repository can carry (or link out of the project)
    assert list((tmp_path / "crisisbook" / "jieba").iterdir())
    assert (tmp_path / "crisisbook" / "jieba").stat().st_mode & 0o077 == 0


def test_chinese_written_two_ways_is_found_either_way(site):
    """The handbook writes 紀錄 (a record) and 哪裏; a reader types 記錄 or 哪裡 as often: the index
    keeps one form and the query is folded to it, by the same table in the worker."""
    from crisisbook.search import fold, worker_script
    assert fold("投訴記錄") == fold("投訴紀錄") and fold("在哪裡") == fold("在哪裏") != fold("在哪")
    index = _index(site / "zh-Hant")
    terms = index["config"]["terms"]
    found = {query: set.intersection(*(set().union(*(_locations(index, term) for term in word))
                                       for word in _query_words(query, terms)))
             for query in ("投訴記錄", "投訴紀錄")}
    assert found["投訴記錄"] == found["投訴紀錄"] and any(at.startswith("scenarios/product-recall/") for at in found["投訴記錄"])
    assert '"紀錄": "記錄"' in worker_script() and '"裡": "裏"' in worker_script()


def test_the_index_stays_in_proportion_to_the_pages(site):
    """At most 1.5x the visible text, for each edition and for every scenario and role page."""
    from crisisbook.search import page_sizes
    for edition in (site, site / "zh-Hant"):
        sizes = page_sizes(edition)
        assert sum(a for a, _ in sizes.values()) <= 1.5 * sum(b for _, b in sizes.values())
        pages = {p: a / max(b, 1024) for p, (a, b) in sizes.items()}  # every page, 1 KB at least
        assert len(pages) > 20 and max(pages.values()) <= 1.5, pages


def test_the_site_ships_crisisbooks_worker_and_not_the_themes_search(site):
    """The theme's worker is replaced, and lunr (which only it used) is not shipped, by the
    whole site or any edition: nothing in the site asks for it."""
    from crisisbook.search import worker_script
    for edition in (site, site / "zh-Hant"):
        workers = list(edition.glob("assets/javascripts/workers/search.*.min.js"))
        assert workers and all(w.read_text(encoding="utf-8") == worker_script() for w in workers)
    assert not list(site.rglob("lunr*")), list(site.rglob("lunr*"))[:3]
    shipped = [p for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".js", ".json", ".css")]
    assert not [p for p in shipped if "lunr/" in p.read_text(encoding="utf-8", errors="ignore")]


def test_the_english_edition_loads_no_chinese_dictionary():
    code = ("import sys; from pathlib import Path; from crisisbook import search; "
            "search.tokenizer('en', ()).terms('Hello 你好'); print('jieba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_engine_runs_without_jieba():
    """The theme's search plugin would load jieba's dictionary in every edition (4 s); the engine
    command blocks the import, and crisisbook segments Chinese itself."""
    from crisisbook.build import _WITHOUT_JIEBA
    probe = _WITHOUT_JIEBA.split("runpy.")[0] + "from material.plugins.search import plugin; print(plugin.jieba)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "None"
    version = subprocess.run([sys.executable, "-c", _WITHOUT_JIEBA.format("mkdocs"), "--version"],
                             capture_output=True, text=True, check=True)
    assert "mkdocs, version" in version.stdout
