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
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import markdown

from . import fsguard, settings
from .errors import CrisisbookError, LoadError
from .pages import FIXED, page_of
from .report import Problem
from .site import translated_from

BUILTIN = ["toc", "tables", "fenced_code"]  # what MkDocs always adds to mkdocs.yml's list


def check_docs(root: Path, scenario_ids: list[str], role_ids: list[str], languages: list[str], default: str,
               contacts: bool, team_only=lambda sid: False) -> list[Problem]:
    """Every broken link and every name clash of the project's hand-written pages. `team_only`
    (scenario id -> bool): a hand-written page is in every edition, so it may not link to a
    scenario only the crisis team's edition has."""
    team = lambda page: page.startswith("scenarios/") and team_only(posixpath.splitext(page[10:])[0])  # noqa: E731
    folder = root / "docs"
    if not folder.is_dir():
        return []
    # every file's name (an image is a link target too), the bytes of the pages only
    names = {path.relative_to(folder).as_posix(): path for path in fsguard.files(root, folder)}
    found, problems = {}, []
    for name, path in names.items():
        try:
            # (the folder itself is listed when it is a link out of the project: reading it says so)
            found[name] = fsguard.read_bytes(root, path) if name.endswith(".md") or path == folder else b""
        except LoadError as e:  # a link out of the project, a device...: each said once
            problems.append(Problem(e.file, e.line, e.col, "", e.reason))
    if problems:
        return problems
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
            text = found[name].decode("utf-8", "replace")
            links, raw = converter.read(text)
            problems += _broken(f"docs/{name}", page, text, links, pages, team) + _live(f"docs/{name}", text, links, raw)
    return problems


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
    """`team(page)`: whether a page of the handbook is in the crisis team's edition only."""
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
            message = (f"link '{url}' leads to a page only the crisis team's edition has (scenarios/"
                       f"{posixpath.splitext(posixpath.basename(resolved))[0]}.yaml is visibility: team), so the "
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

    def read(self, text: str) -> tuple[list[str], list[str]]:
        """The page's links and its raw HTML (what Python-Markdown passes through as written)."""
        self.md.reset()
        self.md.found_links = []
        self.md.convert(text)
        return self.md.found_links, list(self.md.htmlStash.rawHtmlBlocks)


# --- what would run in a reader's browser ---------------------------------------------------------
#
# A hand-written page arrives in a pull request like the data, and the engine publishes its raw
# HTML as written: to every member of staff who opens the handbook. The data's text is escaped
# (render.py); here a page's raw HTML and links are read and anything that runs script, or loads
# from elsewhere, is refused on its line.

# (not <svg>: the emoji extension's icons are inline SVG; a script or handler in one is caught below)
_RUNS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "meta", "link",
         "style"}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background", "srcset"}
_SAFE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp)[;,]")


def _runs_script(url: str) -> bool:
    """javascript:, vbscript: and data: other than a plain image, however it is spelt."""
    plain = re.sub(r"[\x00-\x20]", "", html.unescape(url)).lower()
    return plain.startswith(("javascript:", "vbscript:")) or (plain.startswith("data:") and not _SAFE_DATA.match(plain))


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []  # (what to find in the page, why it is refused)

    def handle_starttag(self, tag, attrs):
        if tag in _RUNS:
            self.found.append((f"<{tag}", f"<{tag}> is not allowed in a hand-written page: it would run or load "
                                          "something in every reader's browser; styles and scripts belong in "
                                          "templates/assets/"))
        raw = self.get_starttag_text() or f"<{tag}"  # as written: where the page has it
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append((raw, f"the {name} attribute on <{tag}> would run script in every reader's "
                                         "browser: remove it"))
            elif name in _URL_ATTRIBUTES and value and _runs_script(value):
                self.found.append((raw, f"<{tag} {name}> runs script: link to a page or a web address"))
            elif name == "style" and value and re.search(r"url\s*\(|expression\s*\(|@import", value, re.I):
                self.found.append((raw, f"a style on <{tag}> loads from elsewhere: keep styles in "
                                          "templates/assets/crisisbook.css"))

    handle_startendtag = handle_starttag


def _live(file: str, text: str, links: list[str], raw: list[str]) -> list[Problem]:
    parser = _Tags()
    for block in raw:
        parser.feed(block)
    parser.close()
    found = parser.found + [(url, f"link '{url}' runs script: link to a page or a web address")
                            for url in links if _runs_script(url)]
    out, lower = [], text.lower()
    for needle, message in dict.fromkeys(found):
        at = lower.find(needle.lower())
        line, col = (text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)) if at >= 0 else (None, None)
        out.append(Problem(file, line, col, "", message))
    return out


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
            if isinstance(config, dict):  # without what only the engine resolves (!ENV, !!python/name)
                configs[name] = {k: v for k, v in config.items() if not isinstance(v, settings.Tagged)}
    try:
        return _Converter(list(dict.fromkeys(names)), configs)
    except Exception:  # noqa: BLE001 - an extension refusing its settings: the build reports it
        return _Converter(BUILTIN, {})
