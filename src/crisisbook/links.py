"""The links of the hand-written pages (docs/*.md), checked with the rest of the project.

The engine's strict build refuses a relative link to a file the site does not have, but only at
the end of a build, in its own words and without the line. `validate` says it first, with file,
line and a hint, and says too when a hand-written page would take the name of a generated one.

The links are found as the engine finds them: each page is converted by Python-Markdown with the
extensions mkdocs.yml lists, and the links are read off the converted tree (`a href`, `img src`)
at the point where MkDocs reads them, so code, escaped brackets, footnotes and raw HTML are
whatever the engine takes them for. Like MkDocs, a link is checked when it is relative and its
last part has an extension (`severity.md`, `logo.png`); links with a scheme, to an anchor only,
to a folder or to a name without an extension are the engine's business (it lets them through).
Only the extensions settings.py lets the engine load are loaded: mkdocs.yml arrives in pull
requests, and naming a module there must not make `validate` import it.
"""

from __future__ import annotations

import difflib
import html
import posixpath
import re
from pathlib import Path
from xml.etree import ElementTree
from urllib.parse import unquote, urlsplit

import markdown
from markdown.blockprocessors import OListProcessor, UListProcessor
from markdown.extensions.md_in_html import MarkdownInHtmlProcessor
from markdown.extensions.tables import TableProcessor

from . import frontmatter, fsguard, inert, settings
from .errors import CrisisbookError, LoadError
from .pages import FIXED, page_of, translated_from
from .report import Problem

BUILTIN = ["toc", "tables", "fenced_code"]  # what MkDocs always adds to mkdocs.yml's list


def check_docs(root: Path, scenario_ids: list[str], role_ids: list[str], languages: list[str], default: str,
               contacts: str | None, team_only=lambda sid: False) -> list[Problem]:
    """Every broken link and every name clash of the project's hand-written pages. `contacts`:
    which editions have the Contacts page ("all", "team" or None); `team_only` (scenario id ->
    bool): a hand-written page is in every edition, so it may not link to a page only the crisis
    team's edition has."""
    def team(page: str) -> str | None:
        """Why a page is in the crisis team's edition only, or None."""
        if page == "contacts.md":
            return "every contact is visibility: team or in a scenario that is" if contacts == "team" else None
        sid = posixpath.splitext(page[10:])[0]
        return f"scenarios/{sid}.yaml is visibility: team" if page.startswith("scenarios/") and team_only(sid) \
            else None
    folder = root / "docs"
    if not folder.is_dir():
        return []
    # every file's name (an image is a link target too), the bytes of the pages only
    names = {path.relative_to(folder).as_posix(): path for path in fsguard.files(root, folder)}
    found, problems, named = {}, [], []
    for name, path in names.items():
        refused = _refused_name(name) if path != folder else None
        if refused:  # said, and the other pages still checked: every mistake in one run
            named.append(Problem(f"docs/{_shown(name)}", None, None, "", refused))
            continue
        try:
            # (the folder itself is listed when it is a link out of the project: reading it says so)
            found[name] = fsguard.read_bytes(root, path) if name.endswith(".md") or path == folder else b""
        except LoadError as e:  # a link out of the project, a device...: each said once
            problems.append(Problem(e.file, e.line, e.col, "", e.reason))
    if problems:
        return named + problems
    problems = named
    generated = {page for page in FIXED if page != "contacts.md" or contacts}
    generated |= {page_of("scenario", sid) for sid in scenario_ids} | {page_of("role", rid) for rid in role_ids}
    published = _published(found, languages)
    problems += [Problem(f"docs/{name}", None, None, "", f"is in a folder named after the {name.split('/')[0]} "
                         f"edition, which the build makes: write a translation as docs/<page>.{name.split('/')[0]}.md")
                 for name in sorted(found) if "/" in name and name.split("/")[0] in set(languages) - {default}]
    problems += [Problem(f"docs/{name}", None, None, "", "has the name of a page crisisbook writes: "
                        "rename it (the build would refuse it)")
                for name, page in sorted(published.items()) if page in generated]
    pages = generated | set(published.values()) | {
        "assets/" + p.relative_to(root / "templates" / "assets").as_posix()
        for p in fsguard.files(root, root / "templates" / "assets")}
    converter = _converter(root)
    for name, page in sorted(published.items()):
        if name.endswith(".md"):
            problems += _page(f"docs/{name}", page, found[name].decode("utf-8", "replace"), converter, pages, team)
    return problems


def _page(file: str, page: str, text: str, converter: _Converter, pages: set[str], team) -> list[Problem]:
    """A hand-written page's problems: its front matter, what the engine could not convert in
    reasonable time, its broken links, and what would run in a reader's browser."""
    meta, body, _, wrong = frontmatter.split(text)
    out = frontmatter.problems(file, meta, text) + ([Problem(file, 1, 1, "", wrong)] if wrong else [])
    slow = _too_slow(text, converter.texts)
    if slow:
        return out + [Problem(file, slow[0], 1, "", slow[1])]
    try:
        links, markup = converter.read(body)
    except RecursionError:
        return out + [Problem(file, None, None, "", "is nested too deeply for the Markdown engine (lists or "
                                                   "quotes inside each other, hundreds deep): flatten it")]
    out += _broken(file, page, text, links, pages, team)
    found = inert.problems(markup, heading_is_title="title" not in meta)
    return out + _placed(file, text, found)


# Python-Markdown takes time that grows with the square of some runs in one paragraph: each
# unclosed `[` is tried as a link up to the paragraph's end, each unclosed `<` as a tag's, a run
# of backslashes or of table cells is rescanned. 16 KB of `[` took a minute, 200 KB of `\` 16 s:
# in validate, pre-commit, CI and the engine (twice: once per edition). Each bound below keeps a
# page's conversion well under a second; real pages are far inside them.
MAX_PAGE = 200_000  # characters of a hand-written page; the longest shipped one has 8,000
MAX_BRACKETS = 300  # `[` in one paragraph: a page of links has one or two per line
MAX_BRACKET_WORK = 2_000_000  # `[` times the length of its paragraph, summed over the page
MAX_BACKSLASHES = 2_000  # in one paragraph
MAX_CELLS = 100  # `|` on one line: a table's columns
MAX_UNCLOSED = 50  # `<` starting a tag that no `>` closes before the next `<`, in one page
# Each piece of inline markup the engine finds (a tag, an emphasis, a code span, an entity) copies
# the text it is in once more: 190 KB of `<a>` in one paragraph took 9 s, `*a` repeated 4 s, in
# validate and in each edition's build. Bounded by the sum, over the paragraphs (a table's rows and
# a list's items are each their own text), of the markup characters times the text's length:
# 500 million is about half a second; a 5 KB paragraph of prose with fifty of them is 250,000.
MAX_MARKUP_WORK = 500_000_000
_MARKUP = re.compile(r"[<`*_&]")
_ITEM = re.compile(r"^[ ]{0,3}(?:[*+-]|\d+\.)[ \t]+")
# Raw HTML nested deep: the browser's parser (and validate's, tinyhtml5, the same algorithm) looks
# through every element still open at each new one, so 20,000 `<div>` (100 KB) took validate 31 s
# and `a<b>` repeated 9. Counted in the page as written, an element open until its end tag; a
# hand-written page nests a few deep.
MAX_NESTING = 100
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>")
_VOID = set("area base br col embed hr img input link meta param source track wbr".split())
# elements the parser closes by itself when the next of their kind (or a block) starts
_SELF_ENDING = set("p li dt dd tr td th option optgroup rt rp rb rtc thead tbody tfoot colgroup caption "
                   "html head body".split())
# the table of contents numbers headings alike (a, a_1, a_2...) by trying each number in turn:
# 8,000 `# a` lines (32 KB) took 11 s, 47,500 minutes; the longest shipped page has 8 headings
MAX_HEADINGS = 300
_HEADING = re.compile(r"^ {0,3}(?:#{1,6}(?:[ \t]|$)|=+[ \t]*$|-+[ \t]*$)|<h[1-6]", re.M | re.I)


def _too_slow(text: str, split=lambda block: [block]) -> tuple[int, str] | None:
    """(line, why) for a page the engine's Markdown would take minutes to convert. `split`: a
    paragraph in the texts the engine converts one by one (_Converter.texts)."""
    if len(text) > MAX_PAGE:
        return 1, (f"has {len(text):,} characters: a hand-written page has at most {MAX_PAGE:,} (the Markdown "
                   "engine's time grows faster than the page); split it into pages")
    line, work, worst = 1, 0, (0, 1)
    markup, costliest = 0, (0, 1)
    for part in _texts(text, split):  # a paragraph, or a table's row, or a list's item
        brackets = part.count("[")
        if brackets > MAX_BRACKETS:
            return line, (f"has {brackets} '[' in one paragraph (at most {MAX_BRACKETS}): the Markdown "
                          "engine's time grows with their square; split the paragraph, or write \\[ for a bracket")
        if part.count("\\") > MAX_BACKSLASHES:
            return line, (f"has {part.count(chr(92))} backslashes in one paragraph (at most {MAX_BACKSLASHES}): "
                          "the Markdown engine's time grows with their square; split the paragraph")
        cells = max((row.count("|") for row in part.split("\n")), default=0)
        if cells > MAX_CELLS:
            return line, (f"has a line with {cells} '|' (at most {MAX_CELLS}): a table that wide takes the "
                          "Markdown engine minutes and no reader can read it; split the table")
        work += brackets * len(part)
        if brackets * len(part) > worst[0]:
            worst = (brackets * len(part), line)
        cost = len(_MARKUP.findall(part)) * len(part)
        markup += cost
        if cost > costliest[0]:
            costliest = (cost, line)
        line += part.count("\n")
    if work > MAX_BRACKET_WORK:
        return worst[1], ("has too many '[' in long paragraphs (the costliest starts here): the Markdown engine "
                          "tries each as a link up to its paragraph's end; split the paragraphs, or write \\[")
    headings = [m.start() for m in _HEADING.finditer(text)]
    if len(headings) > MAX_HEADINGS:
        return text.count("\n", 0, headings[MAX_HEADINGS]) + 1, (
            f"has {len(headings)} headings (at most {MAX_HEADINGS}; the one past the limit is here): the Markdown "
            "engine's time grows with the square of headings alike; split the page")
    starts = [m.start() for m in re.finditer(r"<[A-Za-z/!?]", text)]
    unclosed = [a for a, b in zip(starts, starts[1:] + [len(text)]) if ">" not in text[a:b]]
    if len(unclosed) > MAX_UNCLOSED:
        return text.count("\n", 0, unclosed[0]) + 1, (
            f"has {len(unclosed)} '<' that start an HTML tag no '>' closes (at most {MAX_UNCLOSED}; the first is "
            "here): the Markdown engine's time grows with their square; write &lt; for a '<' that is text")
    if markup > MAX_MARKUP_WORK:
        return costliest[1], ("has too much markup (tags, *, _, `, &) in too long paragraphs (the costliest starts "
                              "here): the Markdown engine copies a paragraph's text once for each; split the "
                              "paragraphs")
    deep = _too_deep(text)
    if deep is not None:
        return text.count("\n", 0, deep) + 1, (
            f"nests HTML elements more than {MAX_NESTING} deep (the one past the limit is here; an element is open "
            "until its end tag): reading such HTML takes time that grows with the square of its depth; close each "
            "element, or write &lt; for a '<' that is text")
    return None


def _texts(text: str, split):
    """The page in the pieces of text the engine's inline Markdown works on one at a time (with
    what lies between them, so that their newlines count the lines): a paragraph, or each row of
    a table and each item of a list, as `split(paragraph)` cuts them."""
    for block in re.split(r"(\n[ \t]*\n)", text):
        parts = split(block) if "\n" in block.strip() or _ITEM.match(block) else [block]
        yield from (part + "\n" for part in parts[:-1])  # the newline each cut took
        yield parts[-1]


def _too_deep(text: str) -> int | None:
    """Where the page's raw HTML first opens an element more than MAX_NESTING deep, or None."""
    stack: list[str] = []
    still_open: dict[str, int] = {}
    for m in _TAG.finditer(text):
        name = m.group(2).lower()
        if m.group(1):  # an end tag closes its element and all opened inside it; a stray one nothing
            while still_open.get(name):
                still_open[stack[-1]] -= 1
                if stack.pop() == name:
                    break
        elif name not in _VOID and name not in _SELF_ENDING and not (m.group(3) and _foreign(still_open)):
            stack.append(name)
            still_open[name] = still_open.get(name, 0) + 1
            if len(stack) > MAX_NESTING:
                return m.start()
    return None


def _foreign(still_open: dict[str, int]) -> bool:
    """Inside a drawing or a formula, where `<path/>` is closed as written; in HTML `<div/>` is
    an open <div>."""
    return bool(still_open.get("svg") or still_open.get("math"))


def _placed(file: str, text: str, found: list[tuple[str, str]]) -> list[Problem]:
    """Each (what to look for, why) as a problem on the line that has it, when the page shows it.
    The findings come in the page's order, so each is looked for from where the last one was.
    What the page spells with character references (`h&#116;tps://…`, `&#95;_config`) is found
    where they are, as the browser decodes them."""
    out, lower, at = [], text.lower(), 0
    decoded = None
    for needle, message in found:
        here = lower.find(needle.lower(), at)
        at = here if here >= 0 else lower.find(needle.lower())
        if at < 0:
            decoded = decoded or _decoded(text)
            spelt = re.search(re.escape(needle), decoded[0], re.I)
            at = decoded[1][spelt.start()] if spelt else -1
        line, col = (text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)) if at >= 0 else (None, None)
        out.append(Problem(file, line, col, "", message))
        at = max(at, 0)
    return out


_CHARREF = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")  # html.unescape's


def _decoded(text: str) -> tuple[str, list[int]]:
    """The text with its character references decoded, and where in `text` each of its
    characters comes from."""
    out, where, pos = [], [], 0
    for m in _CHARREF.finditer(text):
        piece = html.unescape(m.group(0))
        out += [text[pos:m.start()], piece]
        where += [*range(pos, m.start()), *[m.start()] * len(piece)]
        pos = m.end()
    out.append(text[pos:])
    where += range(pos, len(text))
    return "".join(out), where


# What docs/ may hold beside pages: the engine publishes every file as it is, and a browser
# runs the script in an .html, .svg or .js file opened from the site (at the handbook's own
# address, or from disk). Images, PDFs and plain data are shown, never run.
ASSETS = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".pdf", ".txt", ".csv")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _refused_name(name: str) -> str | None:
    parts = name.split("/")
    if not all(_NAME.fullmatch(part) for part in parts):
        return ("has a name the site cannot carry safely: use letters, digits, '-', '_' and '.' in "
                "file and folder names (the name becomes the page's address and, without a title, its title)")
    if not name.endswith(".md") and not name.lower().endswith(ASSETS):
        return (f"is published as it is, and a browser would run what such a file holds: docs/ takes pages "
                f"(.md) and {', '.join(ASSETS)}; styles and scripts belong in templates/assets/")
    return None


def _shown(name: str) -> str:
    """A file name fit to print, whatever bytes it has (undecodable ones as \\xNN)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _published(found: dict[str, bytes], languages: list[str]) -> dict[str, str]:
    """file under docs/ -> the page it is published as (site.handwritten's rule): a translation
    as its original's name, and only when the original exists."""
    out = {}
    for name in found:
        original = translated_from(name, languages)
        if original is None or original in found:
            out[name] = original or name
    return out


def _broken(file: str, page: str, text: str, links: list[str], pages: set[str], team) -> list[Problem]:
    """`team(page)`: why a page of the handbook is in the crisis team's edition only, or None."""
    out, searched = [], 0
    for url in links:
        scheme, netloc, path, _, _ = urlsplit(url)
        if scheme or netloc or not path or url.startswith(("/", "\\")) or not posixpath.splitext(path)[1]:
            continue
        at = text.find(url, searched)
        at = at if at >= 0 else text.find(url)
        searched = at + len(url) if at >= 0 else searched
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(path)))
        team_only = resolved in pages and team(resolved)
        if resolved in pages and not team_only:
            continue
        line = text.count("\n", 0, at) + 1 if at >= 0 else None
        col = at - text.rfind("\n", 0, at) if at >= 0 else None
        if team_only:
            message = (f"link '{url}' leads to a page only the crisis team's edition has ({team_only}), so the "
                       f"all-staff handbook would not build: link to a page every edition has")
        elif resolved == ".." or resolved.startswith("../"):
            message = f"link '{url}' leads outside the handbook: link to one of its pages"
        else:
            message = f"link '{url}' leads to no page of the handbook: {_hint(resolved, page, pages)}"
        out.append(Problem(file, line, col, "", message))
    return out


def _hint(resolved: str, page: str, pages: set[str]) -> str:
    """The page of that folder with the nearest name, or what such a page is made from."""
    folder, name = posixpath.split(resolved)
    siblings = sorted(posixpath.basename(p) for p in pages if posixpath.dirname(p) == folder)
    stem = posixpath.splitext(name)[0]
    near = [s for s in siblings if stem and stem in s] or difflib.get_close_matches(name, siblings, n=1, cutoff=0.7)
    if near:
        return f"did you mean '{posixpath.relpath(posixpath.join(folder, near[0]), posixpath.dirname(page) or '.')}'?"
    if folder == "scenarios":
        return f"there is no scenarios/{stem}.yaml"
    if folder == "roles":
        return f"playbook/roles.yaml has no role '{stem}'"
    return "link to a page of the handbook, such as 'severity.md' or 'scenarios/<id>.md'"


# --- the engine's Markdown, without the engine ----------------------------------------------------

class _Collect(markdown.treeprocessors.Treeprocessor):
    """Reads the links where MkDocs reads them (its relative-path tree processor, priority 0)."""

    def run(self, root):
        self.md.found_links = [el.get("href" if el.tag == "a" else "src") for el in root.iter()
                               if el.tag in ("a", "img") and el.get("href" if el.tag == "a" else "src")]


class _Links(markdown.Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_Collect(md), "crisisbook-links", 0)


class _Converter:
    def __init__(self, extensions: list, configs: dict):
        self.md = markdown.Markdown(extensions=[*extensions, _Links()], extension_configs=configs)

    def texts(self, block: str) -> list[str]:
        """A paragraph as the engine's inline Markdown takes it: a table row by row, a list item
        by item (as its own processors cut them), anything else whole. The engine's block
        processors are asked in its own order, so a paragraph with a rule in it is not a list;
        md_in_html's takes only its own placeholders (a paragraph of the page never is one), and
        a paragraph with an element of its in it is taken whole."""
        if "markdown" in block.lower():
            return [block]
        try:
            first = next((bp for bp in self.md.parser.blockprocessors if not isinstance(bp, MarkdownInHtmlProcessor)
                          and bp.test(ElementTree.Element("div"), block)), None)
            if isinstance(first, TableProcessor):
                return block.split("\n")
            if type(first) in (OListProcessor, UListProcessor):
                return first.get_items(block)
        except Exception:  # noqa: BLE001 - a processor that needs more than a paragraph: take it whole
            pass
        return [block]

    def read(self, text: str) -> tuple[list[str], str]:
        """The page's links and its HTML, as the engine converts it."""
        self.md.reset()
        self.md.found_links = []
        out = self.md.convert(text)
        return self.md.found_links, out


def _as_engine_takes(value):
    """An extension's options with the allowed formatters resolved at any depth (a custom fence's
    `format`), so that pages are converted as the engine converts them; what only the engine reads
    (!ENV) is left out."""
    if isinstance(value, settings.Tagged):
        return settings.resolved(value)
    if isinstance(value, dict):
        return {k: v for k, v in ((k, _as_engine_takes(v)) for k, v in value.items()) if v is not None}
    if isinstance(value, list):
        return [v for v in map(_as_engine_takes, value) if v is not None]
    return value


def _converter(root: Path) -> _Converter:
    """Python-Markdown set up as mkdocs.yml sets the engine's, but for extensions from elsewhere."""
    try:
        found = settings.read(root)
    except CrisisbookError:
        found = {}  # settings.problems says what is wrong with mkdocs.yml
    listed = found.get("markdown_extensions")
    names, configs = list(BUILTIN), {}
    for item in listed if isinstance(listed, list) else []:
        name, config = next(iter(item.items())) if isinstance(item, dict) and len(item) == 1 else (item, None)
        if isinstance(name, str) and settings.allowed_extension(name):
            names.append(name)
            if isinstance(config, dict):
                configs[name] = _as_engine_takes(config)
    try:
        return _Converter(list(dict.fromkeys(names)), configs)
    except Exception:  # noqa: BLE001 - an extension refusing its settings: the build reports it
        return _Converter(BUILTIN, {})
