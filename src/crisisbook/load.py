"""Stage 1: read YAML files into plain data that remembers where every value came from.

PyYAML's own composer and constructors are not used. libyaml parses the file into a stream of
events (fast, each with its line and column), and this module builds the data from them in one
pass, which lets us:
- keep `file:line:col` for every value, so each problem can point at its line;
- refuse duplicate keys at any depth (PyYAML silently keeps the last one);
- refuse aliases, which makes alias bombs harmless: an alias is one event here, refused where it
  stands, before anything is expanded;
- refuse every tag that is not plain data (`!!python/object` is an error, never executed);
- keep every scalar as the text written, except YAML 1.2's booleans (`true`, `True`, `TRUE`,
  `false`, …) and nulls (`null`, `~`, …): `yes`, `no`, `on`,
  `off` stay text, `0123`, `+85230018800` and `1984` stay text, dates stay text (the schema
  checks them, and converts the few numeric fields), so nothing silently changes meaning.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import fsguard
from .errors import LoadError

try:  # libyaml's parser is ~8x faster; the pure-Python one gives the same events and marks
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _PyParser):
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _PyParser.__init__(self)

MAX_BYTES = fsguard.MAX_TEXT  # a large scenario is ~80 KB; anything near this limit is a mistake or an attack
MAX_DEPTH = 32  # real files nest 6 levels; deeper flow nesting is refused before libyaml sees it

Mark = tuple[int, int]  # (line, column), both 1-based
Path_ = tuple  # a field path such as ("steps", "respond", 2, "owner")

_TAG = "tag:yaml.org,2002:"
_UNTAGGED = (None, "!")  # no tag, or YAML's non-specific one: the walk decides what it is
_IMPLICIT = {_TAG + t for t in ("bool", "int", "float", "null", "timestamp", "str", "value")}
# What the flow-depth scan must see past: a quoted scalar (only where a value can start: at a
# line's indentation, after "- ", ": ", "? ", or after [ { , in a flow), and a comment (# at a
# line's start or after a space). An apostrophe inside plain text ("don't") opens nothing.
_FLOW_TOKENS = re.compile(r"""
    (?P<quote>(?:^[ \t]*|[-:?][ \t]+|[\[{,][ \t]*)
        (?:"(?:[^"\\]|\\.)*"?|'(?:[^']|'')*'?))
  | (?P<comment>(?:^|(?<=[ \t]))\#[^\n]*)
  | (?P<bracket>[\[\]{}])
""", re.MULTILINE | re.VERBOSE | re.DOTALL)
_MAPPING_END, _SEQUENCE_END, _SCALAR = yaml.MappingEndEvent, yaml.SequenceEndEvent, yaml.ScalarEvent
_MERGE = _TAG + "merge"
# brackets with no token inside, {…} and […]: two patterns, each found by a fast search for its
# first character (one alternation of both is tried at every position, 3x slower); their matches
# cannot overlap, as neither holds a bracket
_PAIRS = (re.compile(r"""\{[^\[\]{}"'#]*\}"""), re.compile(r"""\[[^\[\]{}"'#]*\]"""))
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


@dataclass
class Document:
    """One YAML file's data plus the position of every value and key in it."""

    file: str  # path as shown to the user, relative to the project
    data: dict
    marks: dict[Path_, Mark] = field(default_factory=dict)  # where each value starts
    key_marks: dict[Path_, Mark] = field(default_factory=dict)  # where each mapping key starts

    def mark(self, path: Path_, key: bool = False) -> Mark:
        """Position of `path`, or of its nearest ancestor that exists (for a missing field)."""
        table = self.key_marks if key else self.marks
        for end in range(len(path), -1, -1):
            found = table.get(tuple(path[:end])) or self.marks.get(tuple(path[:end]))
            if found:
                return found
        return (1, 1)


def load_file(path: Path, display: str | None = None, root: Path | None = None) -> Document:
    """Read one YAML file that must hold a mapping, from the project `root` (by default the
    file's own folder): see fsguard. Raises LoadError naming file and line."""
    root = Path(root or path.parent).resolve()
    raw = fsguard.read_bytes(root, path, MAX_BYTES)
    return load_bytes(raw, display or fsguard.shown(path, root))


def load_bytes(raw: bytes, name: str) -> Document:
    if len(raw) > MAX_BYTES:
        raise LoadError(name, f"file is {len(raw):,} bytes; the limit is {MAX_BYTES:,}")
    text = _decode(raw, name)
    _check_flow_depth(text, name)
    doc = Document(name, {})
    try:
        doc.data = _Walker(doc, _Parser(text)).document()
    except yaml.MarkedYAMLError as e:
        raise _parse_error(e, name, text) from e
    except yaml.YAMLError as e:  # errors without a position, e.g. a reader error
        raise LoadError(name, f"invalid YAML: {e}") from e
    return doc


def _decode(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        before = raw[: e.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        raise LoadError(
            name, f"not UTF-8 text (byte 0x{raw[e.start]:02x}); save the file as UTF-8", line, col
        ) from None
    return text.removeprefix("\ufeff")  # a BOM is harmless: editors on Windows add one


def _check_flow_depth(text: str, name: str) -> None:
    """Refuse deeply nested [ ] / { } before libyaml sees them: one cheap scan, and no parser
    state 100,000 levels deep (PyYAML's C composer, used before, crashed the process there).
    Brackets in quoted text and comments are text, not nesting. Should the scan ever count too
    few (it reads YAML's syntax only this far), the walker's own depth limit still refuses the
    file at the 33rd level, as libyaml hands over the events one by one."""
    if _most_depth(text) <= MAX_DEPTH:
        return
    depth = 0
    for m in _FLOW_TOKENS.finditer(text):
        if m.lastgroup == "comment":
            continue
        token = m.group()[0]  # a quote may be led by the flow opener before it: `['[x'`
        if token in ("[", "{"):
            depth += 1
        elif token in ("]", "}"):
            depth = max(depth - 1, 0)
        if depth > MAX_DEPTH:
            before = text[: m.start()]
            line, col = before.count("\n") + 1, m.start() - (before.rfind("\n") + 1) + 1
            raise LoadError(name, f"nested more than {MAX_DEPTH} levels deep", line, col)


def _most_depth(text: str) -> int:
    """A bound on the depth the scan below can find, at a fraction of its cost: the openers, but
    a pair such as `{brand}` (a statement's blanks: dozens a scenario) counted as one level at
    most, all of them together. Nothing the scan sees as a token fits between such a pair's
    brackets (no bracket, quote or #), so the scan goes up one level there and straight back."""
    pairs = sum(len(pair.findall(text)) for pair in _PAIRS)
    return text.count("[") + text.count("{") - pairs + (1 if pairs else 0)


def _pos(event) -> Mark:
    return event.start_mark.line + 1, event.start_mark.column + 1


_TAB_HINT = "a tab character is not allowed here: indent with spaces"
_HINTS = (
    ("mapping values are not allowed", "unexpected ':'; quote a value that contains ': '"),
    ("could not find expected ':'", "a key is missing its ':' or the indentation is off"),
    ("did not find expected ',' or",
     "a flow list or mapping ([ ] or { }) is not closed; quote values that contain braces, "
     "commas or ': '"),
    ("found undefined alias", "an alias (*name) is used; anchors and aliases are not supported"),
    ("found duplicate anchor", "anchors and aliases are not supported"),
)


def unreadable_value(e: ValueError) -> str:
    """Why YAML cannot build a value its syntax allows, for a one-line message: Python refuses a
    date that is no date (2026-13-45) and an integer of more than 4,300 digits."""
    return "a number of more than 4,300 digits" if "integer string conversion" in str(e) else str(e)


def _parse_error(e: yaml.MarkedYAMLError, name: str, text: str) -> LoadError:
    mark = e.problem_mark or e.context_mark
    problem = f"{e.context + ', ' if e.context else ''}{e.problem or ''}".strip(", ")
    message = next((hint for key, hint in _HINTS if key in problem), f"invalid YAML: {problem}")
    if mark is None:
        return LoadError(name, message)
    lines = text.splitlines()
    line = (lines[mark.line:] or [""])[0]
    if "\t" in line[: mark.column + 1]:  # libyaml's message does not name the character
        message = _TAB_HINT
    elif any(key in problem for key in _BLOCK_ENDS):
        # `zh-Hant: {product}產品…` unquoted: YAML reads {product} as a mapping, then stumbles on
        # the text after it, and reports the line after
        for at in (mark.line, mark.line - 1):
            found = _FLOW_THEN_TEXT.search(lines[at]) if 0 <= at < len(lines) else None
            if found:
                return LoadError(name, "a value that starts with { or [ is read as a mapping or a list: put the "
                                       "whole value in quotes, e.g. '{brand} …'", at + 1, found.start(1) + 1)
        message = _indent_hint(lines, mark.line) or message
    elif "mapping values are not allowed" in problem:
        message = _continued_hint(lines, mark.line) or message
    return LoadError(name, message, mark.line + 1, mark.column + 1)


# libyaml's words for a line that ends no block and starts none: nearly always its indentation
_BLOCK_ENDS = ("expected key", "expected <block end>", "expected '-' indicator")


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _above(lines: list[str], at: int):
    """The lines before line `at` (0-based) that hold data, nearest first, as (index, indent)."""
    for i in range(min(at, len(lines)) - 1, -1, -1):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith("#"):
            yield i, _indent(lines[i])


def _indent_hint(lines: list[str], at: int) -> str | None:
    """libyaml says "did not find expected key" or "expected '-' indicator" where a PR lead
    typed one space too many or too few: name the indentation the line could have, from the
    keys and list items still open above it."""
    if not 0 <= at < len(lines):
        return None
    own = _indent(lines[at])
    open_at: dict[int, int] = {}  # indentation -> the nearest line above that has it
    deepest = None
    for i, n in _above(lines, at):
        if deepest is None or n < deepest:
            open_at.setdefault(n, i)
            if lines[i][n:].startswith("- "):  # an item's own keys line up after its '- '
                open_at.setdefault(n + 2, i)
            deepest = n
    if not open_at:
        return None
    if own in open_at:
        return (f"this line does not fit the block started on line {open_at[own] + 1}: check its "
                "indentation, and whether it needs a '- ' (a list item) or a 'key:'")
    best = min(open_at, key=lambda n: (abs(n - own), -n))  # a tie: a space lost, not added
    spaces = "1 space" if own == 1 else f"{own} spaces"
    key = _KEY.match(lines[open_at[best]][best:])  # `- do:` holds two places: `-` and `do:`
    like = f"'{key.group()}' on line" if key else "line"
    return (f"this line is indented {spaces}, which lines up with no key above it: indent it "
            f"{best} spaces, like {like} {open_at[best] + 1}")


_KEY = re.compile(r"(?:- (?![{\[]))?[^\s:#'\"{\[-][^:#]{0,40}?:(?=\s|$)")  # no flow mapping: `- {do: x}`


def _continued_hint(lines: list[str], at: int) -> str | None:
    """`owner: a` then `  by: 1h` indented further: YAML reads the second line as more of the
    first one's value and stumbles on its ':'. Say that, not only "quote the value"."""
    if not 0 <= at < len(lines):
        return None
    above = next(_above(lines, at), None)
    if above is None or _indent(lines[at]) <= above[1] or not _INLINE_VALUE.match(lines[above[0]]):
        return None
    return (f"this line is indented more than line {above[0] + 1}, so it reads as more of that "
            f"line's value: indent it {above[1]} spaces like line {above[0] + 1}, or quote a "
            "value that contains ': '")


_INLINE_VALUE = re.compile(r"\s*(?:- )?[^\s:#][^:#]*:\s+[^\s#|>]")


_FLOW_THEN_TEXT = re.compile(r"""(?:^|:)\s+([{\[][^'"\n]*?[}\]])\s*[^\s#,:}\]]""")


class _Walker:
    """Builds dicts, lists and scalars from the parser's events, recording marks on the way."""

    def __init__(self, doc: Document, parser):
        self.doc = doc
        self.next = parser.get_event

    def fail(self, event, message: str) -> LoadError:
        return LoadError(self.doc.file, message, *_pos(event))

    def document(self) -> dict:
        self.next()  # stream start
        start = self.next()
        if isinstance(start, yaml.StreamEndEvent):
            raise LoadError(self.doc.file, "file is empty: it must hold a mapping of fields", 1, 1)
        root = self.next()
        if isinstance(root, yaml.ScalarEvent) and not root.style and root.value in ("", "~", "null"):
            raise LoadError(self.doc.file, "file is empty: it must hold a mapping of fields", 1, 1)
        if not isinstance(root, yaml.MappingStartEvent):
            kind = "a list" if isinstance(root, yaml.SequenceStartEvent) else "a single value"
            raise self.fail(root, f"the top level must be a mapping of fields, found {kind}")
        data = self.value(root, (), 0)
        self.next()  # document end
        extra = self.next()
        if not isinstance(extra, yaml.StreamEndEvent):
            raise self.fail(extra, "the file holds more than one YAML document (---)")
        return data

    def value(self, event, path: Path_, depth: int):
        kind = type(event)
        if kind is yaml.AliasEvent:  # reported where it is used, before anything is expanded
            line, col = self.doc.key_marks.get(path) or self.doc.marks.get(path[:-1]) or _pos(event)
            raise LoadError(self.doc.file, "anchors and aliases (&name, *name) are not supported: "
                            "write the value out", line, col)
        if depth > MAX_DEPTH:
            raise self.fail(event, f"nested more than {MAX_DEPTH} levels deep")
        mark = event.start_mark
        self.doc.marks[path] = (mark.line + 1, mark.column + 1)
        if kind is _SCALAR:
            return self.scalar(event)
        if kind is yaml.MappingStartEvent:
            self.check_tag(event, "map")
            return self.mapping(path, depth)
        self.check_tag(event, "seq")
        out, i, item = [], 0, self.next()
        inline = depth + 1 <= MAX_DEPTH
        while (kind := type(item)) is not _SEQUENCE_END:
            if kind is _SCALAR and item.tag is None and inline:  # as in mapping(): most items
                mark = item.start_mark
                self.doc.marks[path + (i,)] = (mark.line + 1, mark.column + 1)
                text = item.value
                out.append(text if item.style or (text not in _NULLS and text not in _BOOLEANS)
                           else self.scalar(item))
            else:
                out.append(self.value(item, path + (i,), depth + 1))
            i, item = i + 1, self.next()
        return out

    def check_tag(self, event, expected: str) -> None:
        if event.tag not in _UNTAGGED and event.tag != _TAG + expected:
            raise self.fail(event, f"tag '{_short(event.tag)}' is not allowed: crisisbook reads plain data only")

    def mapping(self, path: Path_, depth: int) -> dict:
        # The hottest loop of a load (every key of every file): names bound locally, and an
        # untagged scalar value, most values, read here rather than through value() and
        # scalar(): the same checks and result, two Python calls fewer per value.
        out: dict = {}
        next_event, key_marks, marks = self.next, self.doc.key_marks, self.doc.marks
        value, scalar = self.value, self.scalar
        inline = depth + 1 <= MAX_DEPTH  # value()'s depth check, which a scalar here passes
        key_event = next_event()
        while (kind := type(key_event)) is not _MAPPING_END:
            if kind is not _SCALAR:
                if kind is yaml.AliasEvent:
                    raise self.fail(key_event, "anchors and aliases (&name, *name) are not supported")
                raise self.fail(key_event, "a key must be plain text, not a list or mapping")
            # a key is kept as the text written (`1:` or `true:` too), once its tag is allowed
            key = key_event.value
            tag = key_event.tag
            if tag == _MERGE or (key == "<<" and not key_event.style):
                raise self.fail(key_event, "merge keys (<<) are not supported: write the fields out")
            if tag is not None:
                scalar(key_event)  # refuses a tag that is not plain data
            at = path + (key,)
            if key in out:
                raise self.fail(key_event, f"duplicate key '{key}' (first defined on line {key_marks[at][0]})")
            mark = key_event.start_mark
            key_marks[at] = (mark.line + 1, mark.column + 1)
            event = next_event()
            if type(event) is _SCALAR and event.tag is None and inline:
                mark = event.start_mark
                marks[at] = (mark.line + 1, mark.column + 1)
                text = event.value
                # quoted or block, or plain text that is no null or boolean: the text itself
                out[key] = (text if event.style or (text not in _NULLS and text not in _BOOLEANS)
                            else scalar(event))
            else:
                out[key] = value(event, at, depth + 1)
            key_event = next_event()
        return out

    def scalar(self, event):
        tag = event.tag
        if tag not in _UNTAGGED and tag not in _IMPLICIT:
            raise self.fail(event, f"tag '{_short(tag)}' is not allowed: crisisbook reads plain data only")
        text = event.value
        if event.style or tag == _TAG + "str":  # plain style is "" from libyaml, None from PyYAML
            return text  # quoted or block scalar, or explicitly !!str: always text
        # YAML 1.2's core schema, as editors' language servers read it: a value the editor shows
        # as true/false or null is that here too, so editor and `validate` judge it alike.
        if text in _NULLS:
            return None
        if text in _BOOLEANS:
            return _BOOLEANS[text]
        return text  # numbers, yes/no/on/off, 0123, +852 …, 2026-01-31: kept exactly as written


def _short(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


PLAYBOOK_FILES = ("organisation", "roles", "roster", "severity", "channels", "contacts", "tags")
# a project without outside contacts may leave contacts out; one in a single language, tags
OPTIONAL_FILES = ("contacts", "tags")


def scenario_files(root: Path) -> list[Path]:
    return fsguard.listed(root / "scenarios", "*.yaml")


def display_name(path: Path, root: Path) -> str:
    """The path as a user sees it in a message: relative to the project."""
    try:
        return fsguard.readable(str(path.absolute().relative_to(root.absolute())))
    except ValueError:
        return fsguard.readable(str(path))


def read_source(path: Path, root: Path, name: str) -> bytes:
    """The bytes of one project file, read as fsguard reads every project file: inside the
    project, a regular file, within the size limit checked before a byte is read."""
    return fsguard.read_bytes(Path(os.path.realpath(root)), path, MAX_BYTES)
