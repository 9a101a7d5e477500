"""The links of the hand-written pages (docs/*.md), checked with the rest of the project.

The engine's strict build refuses a relative link to a page or file the site does not have, but
only at the end of a build, in its own words and without the line. `validate` says it first, with
file, line and a hint, and says too when a hand-written page would take the name of a generated
one. Links with a scheme (https:, mailto:, tel:), links to an anchor on the same page, links to a
folder (scenarios/) and absolute links are the engine's and the reader's business, not checked.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

from . import fsguard
from .errors import ValidationFailed
from .pages import FIXED, page_of
from .report import Problem

# [text](target "title") and [label]: target, the two ways Markdown writes a link
_INLINE = re.compile(r"\]\(\s*<?([^)\s>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*<?([^\s>]+)>?", re.M)
# code is not a link, however it looks: fenced blocks and inline code are blanked first
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\1[ \t]*$|\Z)", re.M | re.S)
_CODE = re.compile(r"(`+)[^`].*?\1", re.S)
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")


def check_docs(root: Path, scenario_ids: list[str], role_ids: list[str], languages: list[str],
               contacts: bool) -> list[Problem]:
    """Every broken link and every name clash of the project's hand-written pages."""
    if not (root / "docs").is_dir():
        return []
    try:
        found = fsguard.read_trees(root, {"": root / "docs"})
    except ValidationFailed as e:  # a link out of the project, a device...: each said once
        return list(e.problems)
    generated = {page for page in FIXED if page != "contacts.md" or contacts}
    generated |= {page_of("scenario", sid) for sid in scenario_ids} | {page_of("role", rid) for rid in role_ids}
    translations = tuple(f".{lang}.md" for lang in languages)
    published = {_published(name, translations) for name in found}
    problems = [Problem(f"docs/{name}", None, None, "", "has the name of a page crisisbook writes: "
                        "rename it (the build would refuse it)")
                for name in sorted(found) if _published(name, translations) in generated]
    pages = generated | published | {"assets/" + p.relative_to(root / "templates" / "assets").as_posix()
                                     for p in fsguard.files(root, root / "templates" / "assets")}
    for name, data in sorted(found.items()):
        if name.endswith(".md"):
            problems += _broken(f"docs/{name}", _published(name, translations), data.decode("utf-8", "replace"), pages)
    return problems


def _published(name: str, translations: tuple[str, ...]) -> str:
    """The page a file is published as: a translation (using.zh-Hant.md) takes its original's name."""
    for suffix in translations:
        if name.endswith(suffix):
            return name.removesuffix(suffix) + ".md"
    return name


def _broken(file: str, page: str, text: str, pages: set[str]) -> list[Problem]:
    blank = _CODE.sub(_spaces, _FENCE.sub(_spaces, text))
    out = []
    for match in sorted([*_INLINE.finditer(blank), *_REFERENCE.finditer(blank)], key=lambda m: m.start(1)):
        target = match.group(1)
        path = target.split("#", 1)[0].split("?", 1)[0]
        if not path or path.startswith("/") or path.endswith("/") or _SCHEME.match(path):
            continue
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(path)))
        if resolved in pages:
            continue
        start = match.start(1)
        line = blank.count("\n", 0, start) + 1
        col = start - blank.rfind("\n", 0, start)
        if resolved == ".." or resolved.startswith("../"):
            message = f"link '{target}' leads outside the handbook: link to one of its pages"
        else:
            message = f"link '{target}' leads to no page of the handbook: {_hint(resolved, page, pages)}"
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


def _spaces(match: re.Match) -> str:
    """The text of a match as blanks, its line breaks kept (so later lines keep their numbers)."""
    return re.sub(r"[^\n]", " ", match.group(0))
