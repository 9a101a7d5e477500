"""Scenario and playbook text is inert in every field the schema declares, in every output.

The schema is walked (not a hand-picked list of fields): every free-text field of every file
gets a multi-line hostile payload, both editions are built for real, and every built page, the
search index and the text and links of every PDF are searched for anything from the payload
that a browser (or a PDF reader) would bring to life."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import SMALL, TODAY, edit
from crisisbook import schema as S
from crisisbook.build import build
from test_hardening import live_markup

LANGS = ("en", "zh-Hant")

# Raw HTML inline and as blocks (blank lines around), a custom element that no template uses,
# Markdown links and images, an admonition and attr_list syntax, each marked "pwned".
PAYLOAD = (
    '<script>pwned(1)</script><img src=x onerror="pwned(2)"><pwned-el>\n'
    "\n"
    '<div class="pwned-block">\n<iframe src="https://evil.example/pwned"></iframe>\n</div>\n'
    "\n"
    "[pwned](javascript:pwned(3)) ![pwned](https://evil.example/pwned.png) <https://evil.example>\n"
    '<a href="javascript:pwned(4)">a</a>\n'
    "\n"
    '!!! note "pwned-admonition"\n'
    "    <b onmouseover=pwned(5)>x</b>\n"
    "\n"
    "{: onclick=pwned(6) #pwned-id }\n"
    "# pwned\n"
    "</code></pre></td></tr></table></div></span></title><pwned-el> {model} {case_number}\n"
    "[x](onmouseover=pwned(7)//)"  # a Markdown link inside an attribute value breaks out of its quotes
)  # the fixture's blanks ({model}, {case_number}) stay in use: a declared blank no text uses is an error
# The payload's worst, for one-line fields with a length limit (schema.MAX_NAME_CHARS).
SHORT = ('<script>pwned(1)</script><img src=x onerror=pwned(2)>\n\n<pwned-el>\n\n'
         '[pwned](javascript:pwned(3)) {: onclick=pwned(6) } [x](onmouseover=pwned(7)//)')
# Fields with a pattern carry the most hostile value their pattern allows: the pattern is then
# what proves them inert (a slug, a language tag or a GitHub name cannot hold markup at all).
PATTERNED = {
    r"[^@\s]+@[^@\s]+": '"><img/src=x/onerror=pwned(8)><pwned-el>@evil.example',
    r"#\S+": "#<img/src=x/onerror=pwned(9)><pwned-el>",
}
# A URL may hold no quote, angle bracket, backtick or backslash (schema.URL): it cannot leave the
# HTML attribute or JavaScript string the engine writes site_url into.
PROVEN_BY_PATTERN = {S.LANGUAGE, r"[A-Za-z0-9](-?[A-Za-z0-9])*", S.URL, S.PHONE}


# where a reader fills in no blanks (a statement's title and audience: validate refuses one
# there), the payload names organisation facts instead, which are filled in
FACTS_ONLY = {"statements[*].title", "statements[*].audience",
              *(f"steps.{phase}[*].do" for phase in ("detect", "assess", "respond", "recover", "review"))}
# A tag's label may hold no < > & " ' ` (validate refuses them: it is written into front matter and
# links): its most hostile value is Markdown and attribute-list syntax within 40 characters.
TAG_LABEL = "[p](javascript:pwned(3)){: onclick=x}"


def payload(lang: str, path: str = "") -> str:
    text = PAYLOAD.replace("{model} {case_number}", "{brand} {website}") if path in FACTS_ONLY else PAYLOAD
    return f"{text} ({lang})"


def free_text(rules: dict) -> bool:
    return rules.get("type") == "text" or (rules.get("type") == "string" and "allowed" not in rules)


def schema_text_fields(rules: dict, path: str = "") -> set[str]:
    """Every free-text field the schema declares, as a path with [*] for list items and * for
    mapping keys: 'statements[*].title', 'roles.*.duties[*]'."""
    if free_text(rules):
        return set() if rules.get("regex") in PROVEN_BY_PATTERN else {path}
    out: set[str] = set()
    if rules.get("type") == "dict" and "schema" in rules:
        for name, sub in rules["schema"].items():
            out |= schema_text_fields(sub, f"{path}.{name}" if path else name)
    if "valuesrules" in rules:
        out |= schema_text_fields(rules["valuesrules"], f"{path}.*")
    if rules.get("type") == "list" and "schema" in rules:
        out |= schema_text_fields(rules["schema"], f"{path}[*]")
    return out


def poison(rules: dict, value, translated: bool, path: str = "", filled: set | None = None):
    """The value with every free-text field replaced by the payload (a {en:, zh-Hant:} mapping
    where the field is "text" and `translated`), and the fields replaced added to `filled`."""
    if free_text(rules):
        if rules.get("regex") in PROVEN_BY_PATTERN:
            return value
        filled.add(path)
        if path == "tags.*":
            return {lang: f"{TAG_LABEL}{i}" for i, lang in enumerate(LANGS)} if translated else TAG_LABEL
        if "regex" in rules:
            return PATTERNED[rules["regex"]]
        if "maxlength" in rules or rules.get("maxchars", S.MAX_CHARS) < len(PAYLOAD):  # a one-line fact
            assert len(SHORT) <= rules.get("maxlength", rules.get("maxchars"))
            return SHORT
        if rules["type"] == "text" and translated:
            return {lang: payload(lang, path) for lang in LANGS}
        return payload("plain", path)
    if rules.get("type") == "dict" and "schema" in rules:
        return {k: poison(rules["schema"][k], v, translated, f"{path}.{k}" if path else k, filled)
                for k, v in value.items()}
    if "valuesrules" in rules:
        return {k: poison(rules["valuesrules"], v, translated, f"{path}.*", filled) for k, v in value.items()}
    if rules.get("type") == "list" and "schema" in rules:
        return [poison(rules["schema"], v, translated, f"{path}[*]", filled) for v in value]
    return value


def read(path: Path) -> dict:
    """Through crisisbook's own reader (YAML 1.2): PyYAML's 1.1 rules read an approval's `on:` as True."""
    from crisisbook.load import load_file
    return load_file(path).data


def write(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def complete_playbook(files: dict[str, dict]) -> None:
    """The small fixture's playbook with every optional text field present."""
    files["organisation.yaml"].update(support_hours="9-5", press_email="p@x.example",
                                      privacy_email="q@x.example", site_url="https://x.example/",
                                      languages=list(LANGS))
    del files["channels.yaml"]["channels"]["x"]["limit"]  # the payload is longer than a post


def complete_scenario(d: dict) -> dict:
    """kettle-leak.yaml (the fixture's fullest scenario) with every optional text field present."""
    d["kol"]["avoid"] = ["x"]
    for reply in d["comment_replies"].values():
        reply["note"] = "x"
    d["contacts"]["kettle-maker"].update(markets=["HK"], email="x@x.example", notes="x")  # its own contact
    return d


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory) -> Path:
    """A project whose every free-text field holds the payload, built in both editions and
    printed (scenarios, handbook and drill pack) in both languages."""
    from crisisbook.drill import drill_pack
    from crisisbook.printing import print_scenarios, printer

    root = tmp_path_factory.mktemp("poisoned") / "project"
    shutil.copytree(SMALL, root)
    repo = Path(__file__).resolve().parent.parent
    shutil.copytree(repo / "templates", root / "templates")
    shutil.copy(repo / "mkdocs.yml", root / "mkdocs.yml")
    filled: dict[str, set] = {}
    playbook = {name: read(root / "playbook" / name) for name in S.PLAYBOOK}
    complete_playbook(playbook)
    for i, (name, schema) in enumerate(S.PLAYBOOK.items()):
        filled[name] = set()
        doc = poison({"type": "dict", "schema": schema}, playbook[name], i % 2 == 0, "", filled[name])
        write(root / "playbook" / name, doc)
    base = complete_scenario(read(root / "scenarios" / "kettle-leak.yaml"))
    for p in (root / "scenarios").glob("*.yaml"):
        p.unlink()
    for name, translated in (("poison-plain", False), ("poison-translated", True)):
        filled[name] = set()
        write(root / "scenarios" / f"{name}.yaml",
              poison({"type": "dict", "schema": S.SCENARIO}, base, translated, "", filled[name]))
    build(root, on=TODAY)
    # every print template in each language, and each scenario in one language at least
    print_scenarios(root, ["poison-plain"], root / "print", "en")
    printer(root, "en").pdf("handbook.html.j2", root / "print" / "en" / "handbook.pdf", scenarios=2)
    print_scenarios(root, ["poison-translated"], root / "print", "zh-Hant")
    drill_pack(root, "poison-plain", root / "print", "en")
    drill_pack(root, "poison-translated", root / "print", "zh-Hant")
    return root, filled


def test_every_text_field_of_the_schema_holds_the_payload(poisoned):
    _, filled = poisoned
    for name, schema in S.PLAYBOOK.items():
        assert filled[name] == schema_text_fields({"type": "dict", "schema": schema}), name
    for name in ("poison-plain", "poison-translated"):
        assert filled[name] == schema_text_fields({"type": "dict", "schema": S.SCENARIO}), name


def live(page: str) -> list[str]:
    """live_markup (scripts, handlers, javascript: and outside URLs), plus any element, id,
    class, link or image the payload asked for: all of them are marked "pwned"."""
    found = live_markup(page)
    for m in re.finditer(r"<([a-zA-Z][\w-]*)([^>]*)>", page):
        tag, attrs = m.group(1).lower(), m.group(2)
        if tag == "pwned-el" or re.search(r"""\b(?:id=["']?pwned-id|class=["']?pwned-block)|(?:href|src)=["']?(?:https?:)?//evil\.example""", attrs):
            found.append(m.group(0))
    for title in re.findall(r'class="admonition-title"[^>]*>([^<]*)<', page):
        if "pwned" in title:
            found.append(f"admonition {title}")
    return found


def test_the_liveness_check_sees_what_the_payload_asks_for():
    assert live('<p><pwned-el>x</pwned-el></p>') == ["<pwned-el>"]
    assert live('<a href="https://evil.example">x</a>') == ['<a href="https://evil.example">']
    assert live('<h1 id="pwned-id">x</h1>') == ['<h1 id="pwned-id">']
    assert live('<p class="admonition-title">pwned-admonition</p>') == ["admonition pwned-admonition"]
    assert live("<p>&lt;pwned-el&gt; [pwned link](javascript:pwned(3))</p>") == []


def test_no_built_page_has_live_markup_from_the_data(poisoned):
    root, _ = poisoned
    pages = sorted((root / "site").rglob("*.html"))
    assert any("zh-Hant" in p.parts for p in pages) and len(pages) > 20
    for page in pages:
        assert live(page.read_text(encoding="utf-8")) == [], page
    for lang, prefix in (("en", ""), ("zh-Hant", "zh-Hant/")):
        html = (root / "site" / prefix / "scenarios" / "poison-translated" / "index.html").read_text()
        assert "&lt;script&gt;pwned(1)&lt;/script&gt;" in html and f"({lang})" in html  # shown as text


def test_no_search_index_entry_has_live_markup_from_the_data(poisoned):
    root, _ = poisoned
    indexes = sorted((root / "site").rglob("search_index.json"))
    assert len(indexes) == len(LANGS)
    for index in indexes:
        from crisisbook.search import read_docs
        docs = read_docs(json.loads(index.read_text(encoding="utf-8")))
        assert any("pwned" in d["title"] + d["text"] for d in docs), index  # the payload is indexed
        for d in docs:
            assert live(d["title"]) == [] and live(d["text"]) == [], (index, d["location"])


def pdf_links_and_scripts(path: Path) -> tuple[str, list[str]]:
    """A PDF's text (up to the payload), and every link target and script action it carries."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    actions = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A") or {}
            if "/URI" in action:
                actions.append(str(action["/URI"]))
            if "/JS" in action:
                actions.append("javascript")
    names = reader.trailer["/Root"].get("/Names") or {}
    if "/JavaScript" in names:
        actions.append("javascript")
    text = ""
    for page in reader.pages:  # text extraction is slow: as far as the first payload only
        text += page.extract_text()
        if "pwned" in text:
            break
    return text, actions


def test_no_pdf_carries_a_link_or_script_from_the_data(poisoned):
    root, _ = poisoned
    pdfs = sorted((root / "print").rglob("*.pdf"))
    assert len(pdfs) == 3 + 1 + 3 + 4 * 2, pdfs
    for pdf in pdfs:
        text, actions = pdf_links_and_scripts(pdf)
        assert "pwned" in text, pdf  # the payload is printed, as text
        assert [a for a in actions if "pwned" in a or "javascript" in a.lower() or "evil" in a] == [], pdf


def test_the_property_test_fails_when_a_field_is_not_escaped(poisoned, monkeypatch, tmp_path):
    """The same project built with escaping switched off (every filter and `{{ … }}` passes text
    as it is): the checks above must then find the payload live."""
    from crisisbook import render

    root, _ = poisoned
    monkeypatch.setattr(render, "md", lambda value, truncate=None: render.Markdown(str(value)))
    build(root, tmp_path / "site", on=TODAY)
    page = (tmp_path / "site" / "scenarios" / "poison-plain" / "index.html").read_text(encoding="utf-8")
    found = live(page)
    assert "<script>" in found and "<pwned-el>" in found and "admonition pwned-admonition" in found


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.found += [(tag, name, value) for name, value in attrs]


def test_data_in_an_html_attribute_cannot_break_out_of_it(small):
    """A channel's name goes into the count's data-channel attribute, inside a paragraph: a
    Markdown link there was turned into <a href="…"> by the engine, whose quotes ended the
    attribute and made the rest an event handler (found by a red-team pass)."""
    name = '[x](onmouseover=pwned(7)//) "q" & <b>'
    edit(small / "playbook" / "channels.yaml", "x: {name: {en: X, zh-Hant: X}",
         "x: {name: {en: '" + name.replace("'", "''") + "', zh-Hant: '" + name.replace("'", "''") + "'}")
    build(small, on=TODAY)
    for prefix in ("", "zh-Hant/"):
        parser = _Attributes()
        parser.feed((small / "site" / prefix / "scenarios" / "kettle-leak" / "index.html").read_text())
        assert not [found for found in parser.found if found[1].startswith("on")], prefix
        assert ("span", "data-channel", name) in parser.found, prefix  # the name itself, for the counter
