"""A hand-written page's front matter: read as the engine reads it, checked, and written back for
the engine with its text escaped.

The engine (MkDocs, and Material's templates) writes a page's `title` and `description` into
every page's HTML as they are: into <title>, the navigation and a <meta> attribute. A title
such as "T\\x3cimg onerror=…\\x3e" (YAML escapes, so the page's text shows no tag) was live
markup on every page of the site. So crisisbook hands the engine only the keys it knows, with
their text HTML-escaped, and the page body after them; the engine's own reading of the original
is never used. Like the engine, it takes either YAML front matter between `---` lines or, when
there is none, MultiMarkdown's `Key: value` lines at the top of the page.
"""

from __future__ import annotations

import html
import re

import yaml

from .load import MAX_DEPTH, unreadable_value
from .report import Problem

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # as MkDocs loads it
_YAML = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.S)
_META = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_MORE = re.compile(r"^(?:[ ]{4}|\t)\s*(?P<value>.*)")

KEYS = ("title", "description", "search", "hide", "tags")
HIDE = {"navigation", "toc", "footer", "path", "tags", "feedback"}
_TAG = re.compile(r"[^<>&\"'`]+")


def split(text: str) -> tuple[dict, str, int, str | None]:
    """(the page's meta data, its body, the body's first line number, what is wrong with the
    front matter). A block between `---` lines that is not a YAML mapping is left out of the
    body too: the engine never sees it, and validate says why."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    m = _YAML.match(text)
    if m:
        rest = text[m.end():]
        body = rest.lstrip("\n")
        try:  # the engine's own loader: PyYAML's C one takes a tab after `title:`, the Python one not
            deep = _too_deep(m.group(1))
            if deep:
                return {}, body, _line(text, body), deep
            data = yaml.load(m.group(1), Loader=_LOADER)
        except yaml.YAMLError as e:
            return {}, body, _line(text, body), f"the front matter is not valid YAML: {getattr(e, 'problem', None) or e}"
        except ValueError as e:  # a date that is no date (2026-13-45), a number of 5,000 digits
            return {}, body, _line(text, body), (f"the front matter holds a value YAML cannot read "
                                                 f"({unreadable_value(e)}): quote it")
        if not isinstance(data, dict):
            return {}, body, _line(text, body), "the front matter between the --- lines must be fields (key: value)"
        return data, body, _line(text, body), None
    data, key, lines = {}, None, text.split("\n")
    taken = 0
    for line in lines:
        if not line.strip():
            break
        meta, more = _META.match(line), _MORE.match(line)
        if meta:
            key = meta.group("key").lower()
            value = meta.group("value").strip()
            data[key] = f"{data[key]} {value}" if key in data else value
        elif more and key:
            data[key] += " " + more.group("value").strip()
        else:
            break
        taken += 1
    if not data:
        return {}, text, 1, None
    rest = "\n".join(lines[taken:])
    body = rest.lstrip("\n")
    return data, body, _line(text, body), None


def _too_deep(block: str) -> str | None:
    """Why the block is refused for its nesting, before it is built: PyYAML's C composer recurses
    once per level and crashed validate (a segmentation fault) at 60,000 `[` or `- `. libyaml's
    parser hands over events one at a time, without recursion."""
    depth = 0
    for event in yaml.parse(block, Loader=_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return (f"the front matter is nested more than {MAX_DEPTH} levels deep (line "
                        f"{event.start_mark.line + 2}): a page's front matter holds a few plain fields")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _line(text: str, body: str) -> int:
    """The line of `text` that `body`, its end, starts on."""
    return text.count("\n", 0, len(text) - len(body)) + 1


def problems(file: str, data: dict, text: str) -> list[Problem]:
    """What in a page's meta data crisisbook will not hand on, each on the line of its key."""
    out = []
    for key, value in data.items():
        why = _refused(key, value)
        if why:
            at = re.search(rf"^[ ]{{0,3}}{re.escape(str(key))}[ \t]*:", text, re.M | re.I)
            out.append(Problem(file, text.count("\n", 0, at.start()) + 1 if at else 1, None, "", why))
    return out


def _refused(key, value) -> str | None:
    if key not in KEYS:
        return f"front matter '{key}' is not one crisisbook passes to the engine: use only {', '.join(KEYS)}"
    if key in ("title", "description") and not isinstance(value, (str, int, float)):
        return f"front matter '{key}' must be text"
    if key == "search" and not (isinstance(value, dict) and set(value) <= {"boost", "exclude"}):
        return "front matter 'search' takes only 'boost' (a number) and 'exclude' (true or false)"
    if key == "hide" and not (isinstance(value, list) and all(v in HIDE for v in value)):
        return f"front matter 'hide' is a list of: {', '.join(sorted(HIDE))}"
    if key == "tags" and not (isinstance(value, list) and all(isinstance(v, str) and _TAG.fullmatch(v)
                                                               for v in value)):
        return "front matter 'tags' is a list of words, without < > & \" ' or `"
    return None


def for_engine(data: dict, body: str, note: str = "") -> str:
    """The page as the engine gets it: the known keys only, text escaped, then `note` (an
    edition's "not translated yet" box) and the body."""
    kept = {key: data[key] for key in KEYS if key in data}
    for key in ("title", "description"):
        if key in kept:
            kept[key] = html.escape(" ".join(str(kept[key]).split()), quote=True)
    # always a block of crisisbook's own, even an empty one: the engine then never reads one of
    # the page's (a second `---` block after an empty first one was read as the page's meta)
    head = f"---\n{yaml.safe_dump(kept, allow_unicode=True, sort_keys=False)}---\n\n"
    return head + note + body
