"""Stage 2: check each loaded file, alone (Cerberus) and against the playbook (cross-checks).

Nothing here raises on bad data: every problem becomes a Problem with file, line, column and
field, so a PR lead sees all of their mistakes in one run.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import dataclasses
import difflib
import json
import os
import re
import threading
from dataclasses import dataclass, field

import cerberus

from . import schema as S
from .fastcheck import compile_schema, full_match, is_duration, is_isodate, is_slug, is_text, text_lengths
from .i18n import check_translations, text_fields
from .load import OPTIONAL_FILES, Document
from .pages import reserved
from .model import (MINUTES, base_language, fill, organisation_facts, outside_gsm, parse_duration, placeholders,
                    post_length, sms_limit, text_variants)
from .report import ERROR, NOTE, WARNING, Problem, field_path, printable

_SLUG = re.compile(S.SLUG)
_TYPE_NAMES = {
    "text": "text", "string": "text", "slug": "an id (lowercase letters, digits and hyphens, e.g. crisis-lead)",
    "duration": "a duration such as 15m, 2h, 3d or 2w", "isodate": "a date written YYYY-MM-DD",
    "integer": "a whole number", "boolean": "true or false", "list": "a list", "dict": "a mapping of fields",
}


# a text field longer than its limit; the error's info is (language or None, length)
MAX_CHARS = cerberus.errors.ErrorDefinition(0x70, "maxchars")  # below 0x80: not a group error


class Validator(cerberus.Validator):
    """Cerberus with crisisbook's own types (shared with the fast path)."""

    # Cerberus counts true and false as integers (bool is an int in Python); YAML and editors
    # do not, so `likes: true` is refused here as it is in the editor.
    types_mapping = {k: v for k, v in cerberus.Validator.types_mapping.items() if k != "integer"}

    def _validate_type_integer(self, value):
        return type(value) is int

    def _validate_type_text(self, value):
        return is_text(value)

    def _validate_type_slug(self, value):
        return is_slug(value)

    def _validate_type_duration(self, value):
        return is_duration(value)

    def _validate_type_isodate(self, value):
        return is_isodate(value)

    def _validate_maxchars(self, limit, field, value):
        """{'type': 'integer'}"""
        for lang, length in text_lengths(value):
            if length > limit:
                self._error(field, MAX_CHARS, (lang, length))
                return

    def _validate_regex(self, pattern, field, value):
        """{'type': 'string'}"""
        # Cerberus appends '$' and uses match(), which accepts a final newline ("name\n" as a
        # GitHub name broke CODEOWNERS): a pattern must match the whole value.
        if isinstance(value, str) and not full_match(pattern, value):
            self._error(field, cerberus.errors.REGEX_MISMATCH)


# A Validator keeps the document it checks: one per schema and thread (serve validates in a
# timer thread while another may still be running).
_local = threading.local()
_FAST: dict = {}  # id(schema) -> compiled fast path; stateless, so shared by threads


def check_schema(doc: Document, schema: dict) -> list[Problem]:
    """Cerberus problems of one document, each placed on its line. The document's data is
    replaced by its normalised form. The compiled fast path vouches for most documents; Cerberus
    checks the rest and explains what is wrong."""
    fast = _FAST.get(id(schema))
    if fast is None:
        fast = _FAST[id(schema)] = compile_schema(schema)
    normalised = fast(doc.data)
    if normalised is not None:
        doc.data = normalised
        return []
    validators = _local.__dict__.setdefault("validators", {})
    v = validators.get(id(schema))
    if v is None:  # building a Validator checks the schema itself: do it once per schema
        v = validators[id(schema)] = Validator(schema)
    valid = v.validate(doc.data)
    # normalised (numeric fields converted, defaults filled in) even when invalid: the checks
    # of the sound fields run on it
    doc.data = v.document
    return [] if valid else [_problem(doc, v, e) for e in _leaves(v._errors)]


_DID_YOU_MEAN = re.compile(r"unknown field \(did you mean '([^']+)'\?\)")


def _misspelt(problems: list[Problem]) -> dict[str, int | None]:
    """The path of each field a misspelling stands for (`steps.detect[1].ower` -> `….owner`), at
    any depth, and the misspelling's line."""
    return {_sibling(p.field, m.group(1)): p.line for p in problems if (m := _DID_YOU_MEAN.search(p.message))}


def _one_line_per_typo(problems: list[Problem]) -> list[Problem]:
    """A misspelt field (`ownr`) is one mistake: its line says "did you mean 'owner'?", so the
    "owner: required field is missing" the schema also finds is not shown (the checks that need
    the field still wait for it)."""
    meant = _misspelt(problems)
    return [p for p in problems if not (p.message == "required field is missing" and p.field in meant)]


def _leaves(errors):
    for e in errors:
        if e.is_group_error:
            yield from _leaves(e.child_errors)
        else:
            yield e


def _rules_at(schema, schema_path) -> dict:
    node = schema
    for part in schema_path:
        node = node[part]
    return node


def _problem(doc: Document, v: Validator, e) -> Problem:
    path = e.document_path
    if e.code == cerberus.errors.UNKNOWN_FIELD.code:
        parent = _rules_at(v.schema, e.schema_path) if e.schema_path else v.schema
        known = list(parent.keys())
        line, col = doc.mark(path, key=True)
        return Problem(doc.file, line, col, field_path(path),
                       f"unknown field{suggest(str(path[-1]), known)}")
    rules = _rules_at(v.schema, e.schema_path[:-1])
    if e.rule == "type" and e.constraint == "text" and isinstance(e.value, dict):
        lang, message = _translated_text(e.value)
        path = path + (lang,) if lang else path  # on the translation's own line
        line, col = doc.mark(path)
        return Problem(doc.file, line, col, field_path(path), message)
    line, col = doc.mark(path, key=e.rule == "keysrules")
    message = _message(e, rules)
    hint = (rules.get("meta") or {}).get("hint")
    if hint and e.rule in ("type", "regex"):
        message += f"; {hint}"
    return Problem(doc.file, line, col, field_path(path), message)


def _message(e, rules) -> str:
    value = e.value
    if e.rule == "required":
        return "required field is missing"
    if e.rule == "nullable" or (e.rule == "type" and value is None):
        return "is empty; give it a value"
    if e.rule == "type" and e.constraint == "slug" and isinstance(value, str) and len(value) > S.MAX_ID \
            and _SLUG.fullmatch(value):
        return f"is {len(value)} characters long: an id has at most {S.MAX_ID} (it names a page and its file)"
    if e.rule == "type" and e.constraint == "isodate" and isinstance(value, str) \
            and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return f"{value} is no date of the calendar: check the month and the day"
    if e.rule == "type":
        wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in
                             (e.constraint if isinstance(e.constraint, list) else [e.constraint]))
        meant = _meant(e.constraint, value)
        return f"must be {wanted}, found {_describe(value)}" + (f" (did you mean '{meant}'?)" if meant else "")
    if e.rule == "allowed":
        return f"'{_quoted(value)}' is not allowed{suggest(str(value), e.constraint, always=True)}"
    if e.rule == "regex":
        return f"'{_quoted(value)}' is not in the expected form"
    if e.rule == "minlength" and isinstance(value, dict) and "schema" in rules:
        least = "one" if e.constraint == 1 else e.constraint
        return f"needs at least {least} of: {', '.join(rules['schema'])}; give only those this crisis draws"
    if e.rule == "minlength":
        return f"needs at least {e.constraint} item{'s' * (e.constraint != 1)}"
    if e.rule == "maxlength":
        unit = "characters" if isinstance(value, str) else "items"
        return f"has {len(value):,} {unit}; the limit is {e.constraint:,}"
    if e.rule == "maxchars":
        lang, length = e.info[0]
        return f"is {length:,} characters long{f' ({lang})' if lang else ''}; the limit is {e.constraint:,}"
    if e.rule == "min":
        return f"must be at least {e.constraint}"
    if e.rule == "empty":
        return "is empty; give it a value"
    return f"breaks the rule '{e.rule}'"  # pragma: no cover - every rule in schema.py is above


def _quoted(value, most: int = 80) -> str:
    """A value quoted in a message, its start only when it is long: a line naming a 900 KB value
    in full is no line a PR lead can read (nor an annotation GitHub shows)."""
    text = str(value)
    return text if len(text) <= most else f"{text[:most - 20]}… ({len(text):,} characters)"


# How people write a duration in words: the unit's minutes, by the spellings they use
_UNIT_WORDS = {**dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 1),
               **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 60),
               **dict.fromkeys(("d", "day", "days"), 24 * 60),
               **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), 7 * 24 * 60),
               **dict.fromkeys(("month", "months"), 30 * 24 * 60)}
_WORDY_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]*)")
_SLASHED_DATE = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})")


def _meant(kind, value) -> str | None:
    """The value a PR lead most likely meant, in the form the field takes: '1 hour' -> '1h',
    '1.5h' -> '90m', '2026/11/1' -> '2026-11-01', 'Crisis Lead' -> 'crisis-lead'. None when
    there is no one obvious reading (a bare 180 is minutes to one field and days to another)."""
    text = str(value).strip().lower() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if kind == "duration" and (m := _WORDY_DURATION.fullmatch(text)) and m.group(2) in _UNIT_WORDS:
        minutes = float(m.group(1)) * _UNIT_WORDS[m.group(2)]
        for unit in ("w", "d", "h", "m"):  # the largest unit that gives a whole number
            count = minutes / MINUTES[unit]
            if count == int(count) and 0 < count <= 9999:
                return f"{int(count)}{unit}"
    if kind == "isodate" and (m := _SLASHED_DATE.fullmatch(text)):
        return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    if kind == "slug" and text:
        slug = re.sub(r"[\s_]+", "-", re.sub("[\u200b-\u200d\u2060\ufeff]", "", text))  # zero-width: unseen
        if _SLUG.fullmatch(slug) and slug != value:
            return slug
    return None


def _translated_text(value: dict) -> tuple[str | None, str]:
    """The language at fault in a text given per language, and what is wrong with it: "must be
    text, found a mapping" said nothing to a PR lead whose only slip was an empty translation."""
    if not value:
        return None, "is an empty mapping: write the text, or one per language such as {en: …, zh-Hant: …}"
    for lang, text in value.items():
        if not (isinstance(lang, str) and re.fullmatch(S.LANGUAGE, lang)):
            return None, f"'{lang}' is not a language: a text's keys are languages such as en or zh-Hant"
        if text is None or isinstance(text, str) and not text.strip():
            return lang, "is empty: write it (a translation not written yet is left out)"
        if not isinstance(text, str):
            return lang, f"must be text, found {_describe(text)}"
    return None, "must be text"  # pragma: no cover - is_text accepts every other mapping


def _describe(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return "empty text" if not value.strip() else f"'{_quoted(value)}'"
    return type(value).__name__


# A did-you-mean compares the name with every known one (difflib, a few microseconds each): a
# scenario naming 870 unknown contacts against a playbook of 14,000 took 30 s to validate, and
# every phase of it and every such scenario more. Past this many comparisons in one file (a PR
# lead's typos use a few thousand), an unknown name is reported without a suggestion.
SUGGESTION_BUDGET = 100_000
_comparisons_left: contextvars.ContextVar[int | None] = contextvars.ContextVar("comparisons_left", default=None)


@contextlib.contextmanager
def _suggestion_budget():
    """Around the checks of one file (or of the playbook): its did-you-means share one budget, so
    what a file's problems say depends on that file alone, whatever was checked before it."""
    token = _comparisons_left.set(SUGGESTION_BUDGET)
    try:
        yield
    finally:
        _comparisons_left.reset(token)


def suggest(name: str, known, always: bool = False) -> str:
    """' (did you mean 'x'?)', or the list of known names for short lists."""
    left = _comparisons_left.get()
    if left is not None:
        if left < len(known):
            return ""
        _comparisons_left.set(left - len(known))
    known = [str(k) for k in known]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f" (did you mean '{close[0]}'?)"
    if always or len(known) <= 8:
        return f" (expected one of: {', '.join(known)})"
    return ""


def today() -> dt.date:
    """The date `validate` judges review dates by: SOURCE_DATE_EPOCH when set, else the clock
    (a PR lead wants to know what is overdue now)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()



# ---------------------------------------------------------------------------- cross-file checks
#
# A check reads some top-level fields of its own file and some parts of the playbook. It runs
# whenever those are sound, whatever else is wrong, so one run shows every problem; a check
# that cannot run is counted as skipped, with the place whose fix lets it run (skip_notes).

Skip = tuple  # (file of the skipped check, file to fix, line to fix or None)


class _Checker:
    """Collects problems for one document; `at` places them on the field's line. `kept`: for a
    check run on the sound items only (see _run), each shortened list's path -> the indexes its
    items had in the file, so a problem is still placed where it is written."""

    def __init__(self, doc: Document, out: list[Problem], kept: dict | None = None):
        self.doc, self.out, self.kept = doc, out, kept or {}

    def at(self, path, message: str, severity: str = ERROR, key: bool = False) -> None:
        path = list(path)
        for i in range(len(path)):
            kept = self.kept.get(tuple(path[:i]))
            if kept is not None and isinstance(path[i], int):
                path[i] = kept[path[i]]
        line, col = self.doc.mark(tuple(path), key=key)
        self.out.append(Problem(self.doc.file, line, col, field_path(path), message, severity))

    def known(self, path, value, known, what: str, where: str) -> bool:
        if value in known:
            return True
        self.at(path, f"unknown {what} '{value}'{suggest(value, known)}; see {where}")
        return False


@dataclass(frozen=True)
class Organisation:
    """The organisation's languages and facts (in each language), worked out once for all."""

    languages: tuple
    default: str
    facts: dict
    facts_in: dict  # language (None: the default) -> facts

    @classmethod
    def of(cls, org: dict) -> "Organisation":
        default = org["default_language"]
        return cls(tuple(org.get("languages") or [default]), default, organisation_facts(org),
                   {lang: organisation_facts(org, lang) for lang in [None, *org.get("languages", [])]})


# part -> (playbook file, the field it is read from, whether the whole file must be valid).
# References to ids need only the ids; limits and organisation facts need sound values.
_PARTS = {
    "roles": ("roles", "roles", False),
    "levels": ("severity", "levels", False),
    "channel_ids": ("channels", "channels", False),
    "channels": ("channels", "channels", True),
    "organisation": ("organisation", None, True),
    "severity": ("severity", "levels", True),  # first-response times, not only the level ids
    "contacts": ("contacts", "contacts", False),  # optional file: no contacts when it is absent
    "tags": ("tags", "tags", False),  # optional file: every tag shown as written when it is absent
}


@dataclass
class Playbook:
    """What scenarios are checked against: each part of the playbook sound enough to check
    against, and for every other part the place to fix. Picklable: a worker gets it once."""

    data: dict = field(default_factory=dict)  # stem -> normalised data of the files that loaded
    parts: dict = field(default_factory=dict)  # part name (see _PARTS) -> value
    blocked: dict = field(default_factory=dict)  # part name -> (file, line) to fix


def check_playbook(docs: dict[str, Document], failed: list[Problem]) -> tuple[list[Problem], list[Skip], Playbook]:
    """The playbook's problems and skipped checks, and what scenarios are checked against.
    `docs` holds the files that loaded, `failed` the problems of those that did not."""
    with _suggestion_budget():
        return _check_playbook(docs, failed)


def _check_playbook(docs: dict[str, Document], failed: list[Problem]) -> tuple[list[Problem], list[Skip], Playbook]:
    problems = list(failed)
    bad = {}
    for stem, doc in docs.items():
        found = check_schema(doc, S.PLAYBOOK[f"{stem}.yaml"])
        # `new handbook` leaves names and facts to fill in
        problems += _one_line_per_typo(found) + _string_problems(doc, "the handbook")
        bad[stem] = _bad_fields(found)
    pb = Playbook({stem: doc.data for stem, doc in docs.items()})
    failed_at = {p.file: p.line for p in failed}
    for part, (stem, key, whole) in _PARTS.items():
        file = f"playbook/{stem}.yaml"
        if stem not in docs and stem in OPTIONAL_FILES and file not in failed_at:
            pb.parts[part] = {}
        elif stem not in docs:
            pb.blocked[part] = (file, failed_at.get(file))
        elif whole and bad[stem]:
            pb.blocked[part] = (file, min(line or 0 for line in bad[stem].values()) or None)
        elif key and not isinstance(docs[stem].data.get(key), dict):
            pb.blocked[part] = (file, bad[stem].get(key))
        else:
            data = docs[stem].data
            pb.parts[part] = Organisation.of(data) if part == "organisation" else data[key]
    skips: list[Skip] = []
    for stem, fields, needs, check in _PLAYBOOK_CHECKS:
        if stem in docs:
            _run(docs[stem], fields, needs, check, bad[stem], pb, problems, skips, docs)
    for stem, doc in docs.items():
        _translations(doc, S.PLAYBOOK[f"{stem}.yaml"], bad[stem], pb, problems, skips)
    return problems, skips, pb


def check_scenario(sid: str, doc: Document, pb: Playbook, today: dt.date) -> tuple[list[Problem], list[Skip]]:
    """One scenario's problems, alone and against the playbook, and its skipped checks."""
    with _suggestion_budget():
        return _check_scenario(sid, doc, pb, today)


def _check_scenario(sid: str, doc: Document, pb: Playbook, today: dt.date) -> tuple[list[Problem], list[Skip]]:
    problems = []
    if not _SLUG.fullmatch(sid):
        problems.append(Problem(doc.file, None, None, "",
                                f"file name '{sid}' is not a slug: use lowercase letters, "
                                f"digits and hyphens, e.g. product-recall.yaml"))
    elif len(sid) > S.MAX_ID:
        problems.append(Problem(doc.file, None, None, "", f"file name is {len(sid)} characters long: an id has at "
                                                          f"most {S.MAX_ID} (it names the scenario's page and its file)"))
    if sid in reserved("scenario"):
        problems.append(Problem(doc.file, None, None, "", reserved_message("file name", sid, "scenario")))
    found = check_schema(doc, S.SCENARIO)
    # its text fields, walked once for its size and its translations (no check changes the data)
    texts = text_fields({"type": "dict", "schema": S.SCENARIO}, doc.data)
    if not found:
        found = _too_much_text(doc, texts)
    problems += _one_line_per_typo(found) + _string_problems(doc, "the scenario") + _unfilled(doc, texts)
    bad, items = _bad_fields(found), _bad_items(found)  # the missing field too: its checks wait for the typo
    skips: list[Skip] = []
    for fields, needs, check in _SCENARIO_CHECKS:
        _run(doc, fields, needs, check, bad, pb, problems, skips, today, items)
    _translations(doc, S.SCENARIO, bad, pb, problems, skips, texts)
    return problems, skips


def _filled_here(path: tuple) -> bool:
    """Whether the page fills {placeholders} in the text field at `path`: a statement's text,
    title and audience, a comment reply, a step."""
    return (len(path) == 3 and path[0] == "statements" and path[2] in ("text", "title", "audience")
            or len(path) == 3 and path[0] == "comment_replies" and path[2] == "reply"
            or len(path) == 4 and path[0] == "steps" and path[3] == "do")


def _unfilled(doc: Document, texts: list) -> list[Problem]:
    """A {placeholder} where nothing fills it in: the page would show the braces as written."""
    out = []
    for path, raw in texts:
        if _filled_here(path):
            continue
        for _, text in text_variants(raw) if isinstance(raw, (str, dict)) else ():
            name = next(iter(placeholders(text)), None) if isinstance(text, str) else None
            if name:
                out.append(Problem(doc.file, *doc.mark(path), field_path(path),
                                   f"'{{{name}}}' is shown as written here: placeholders are filled in "
                                   f"statements, comment replies and steps only; write the words out", WARNING))
                break
    return out


_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def _bad_items(problems: list[Problem]) -> dict[str, set | None]:
    """Top-level field -> the paths of the list items its schema problems lie in (each path up
    to its first index, such as ('steps', 'respond', 2)), or None when a problem is in the
    field's own shape rather than inside an item."""
    items: dict = {}
    for p in problems:
        path = tuple(int(i) if i else name for i, name in _PART.findall(p.field))
        if not path:
            continue
        first = next((n for n, part in enumerate(path) if isinstance(part, int)), None)
        if first is None or items.get(path[0], set()) is None:
            items[path[0]] = None
        else:
            items.setdefault(path[0], set()).add(path[:first + 1])
    return items


def _without(data: dict, items: set) -> tuple[dict, dict, set] | None:
    """The data without the given list items, each shortened list's original indexes, and the
    ids of the items left out; None if an item's path does not lead through the data as the
    schema has it."""
    data, kept, ids = dict(data), {}, set()
    by_list: dict = {}
    for path in items:
        by_list.setdefault(path[:-1], set()).add(path[-1])
    for prefix, drop in by_list.items():
        parent = data
        for n, part in enumerate(prefix[:-1]):  # copy the mappings on the way, never the file's
            if not isinstance(parent.get(part), dict):
                return None
            parent[part] = dict(parent[part])
            parent = parent[part]
        listed = parent.get(prefix[-1])
        if not isinstance(listed, list):
            return None
        kept[prefix] = [i for i in range(len(listed)) if i not in drop]
        ids |= {listed[i]["id"] for i in drop if i < len(listed) and isinstance(listed[i], dict)
                and isinstance(listed[i].get("id"), str)}
        parent[prefix[-1]] = [listed[i] for i in kept[prefix]]
    return data, kept, ids


def _bad_fields(problems: list[Problem]) -> dict[str, int | None]:
    """Top-level field -> the first line of a schema problem inside it. A missing field that an
    unknown one is a misspelling of (`ownr`, "did you mean 'owner'?") is fixed on that one's line."""
    bad: dict = {}
    renamed = _misspelt(problems)
    for p in problems:
        top = re.match(r"[^.\[]*", p.field).group()
        line = renamed.get(p.field, p.line) if p.message == "required field is missing" else p.line
        if top and (top not in bad or (line or 0) < (bad[top] or 0)):
            bad[top] = line
    return bad


def _sibling(field: str, name: str) -> str:
    """`steps.detect[1].ower`, `owner` -> `steps.detect[1].owner`."""
    parent = re.match(r"(.*[.\]])?", field).group()
    return f"{parent}{'.' if parent.endswith(']') else ''}{name}"


def _run(doc: Document, fields, needs, check, bad: dict, pb: Playbook, out: list, skips: list, extra,
         items: dict | None = None) -> None:
    """Run one check, or record it as skipped with the first place that stops it. When the
    fields it reads have problems only inside some of their list items (one step's deadline),
    it still runs on the other items, so that a mistake elsewhere in the file (an unknown
    contact in another step) is reported in the same run."""
    blocked = next((pb.blocked[part] for part in needs if part in pb.blocked), None)
    stop = next(((doc.file, bad[name]) for name in fields if name in bad), None)
    if blocked or stop:
        skips.append((doc.file, *(blocked or stop)))
    if blocked:
        return
    if not stop:
        check(_Checker(doc, out), doc.data, pb.parts, extra)
        return
    left_out = [items.get(name) for name in fields if name in bad] if items else [None]
    sound = None if None in left_out else _without(doc.data, set().union(*left_out))
    if sound is None:
        return
    data, kept, ids = sound
    found: list[Problem] = []
    try:
        check(_Checker(doc, found, kept), data, pb.parts, extra)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return  # it needs what was left out (the only review step): it waits for the fix
    # only errors that stand on their own: not a warning the left-out items would answer (a
    # role owning no step), not a reference to a left-out item ("unknown statement 'x'")
    out += [_hint_with(p, ids) for p in found if p.is_error and not any(f"'{i}'" in p.message for i in ids)]


_LISTED = re.compile(r"'([^']+)' \(expected one of: ([^)]*)\)")


def _hint_with(p: Problem, ids: set) -> Problem:
    """A problem found with some items left out, its hint made again with their ids too: the
    statement meant by 'holdng' is the one left out for a mistake of its own."""
    m = _LISTED.search(p.message) if ids else None
    if m is None:
        return p
    known = [*m.group(2).split(", "), *sorted(ids)]
    hint = suggest(m.group(1), known)
    return dataclasses.replace(p, message=p.message[:m.start()] + f"'{m.group(1)}'{hint}" + p.message[m.end():])


def skip_notes(skips: list[Skip]) -> list[Problem]:
    """One line per place to fix, e.g. "3 checks skipped in scenarios/x.yaml until line 20 is
    fixed", placed on that line so it sorts beside the problem it waits for."""
    by_place: dict = {}
    for checked, file, line in skips:
        by_place.setdefault((file, line), []).append(checked)
    notes = []
    for (file, line), checked in by_place.items():
        files = sorted(set(checked))
        where = files[0] if len(files) == 1 else f"{len(files)} files"
        place = "" if files == [file] else file
        if line is not None:
            place = f"{place} line {line}".strip()
        notes.append(Problem(file, line, None, "", f"{len(checked)} check{'s' * (len(checked) != 1)} "
                                                   f"skipped in {where} until {place or 'it'} is fixed", NOTE))
    return notes


def _translations(doc: Document, schema: dict, bad: dict, pb: Playbook, out: list, skips: list,
                  fields: list | None = None) -> None:
    """Missing and mismatched translations, in every text field that is itself sound (`fields`:
    the document's text fields, if already found)."""
    if "organisation" in pb.blocked:
        skips.append((doc.file, *pb.blocked["organisation"]))
        return
    org = pb.parts["organisation"]
    languages, default = list(org.languages), org.default
    if schema is S.SCENARIO and doc.data.get("languages") and "languages" not in bad:
        # a scenario written in fewer languages is checked in those only (model.base_language)
        languages = [lang for lang in doc.data["languages"] if lang in languages] or languages
        default = base_language(languages, default)
    out += check_translations(doc, schema, languages, default, skip=tuple(bad), fields=fields)


def _too_much_text(doc: Document, fields: list) -> list[Problem]:
    """A scenario's text (its text fields), per language, within MAX_SCENARIO_CHARS (a plain
    string is shown in every language, so it counts in each)."""
    per_lang: dict = {}
    for _, value in fields:
        for lang, length in text_lengths(value):
            per_lang[lang] = per_lang.get(lang, 0) + length
    plain = per_lang.pop(None, 0)
    totals = {lang: n + plain for lang, n in per_lang.items()} or {None: plain}
    return [Problem(doc.file, None, None, "",
                    f"holds {n:,} characters of text{f' ({lang})' if lang else ''}; the limit is "
                    f"{S.MAX_SCENARIO_CHARS:,} per language: split it into scenarios of their own")
            for lang, n in totals.items() if n > S.MAX_SCENARIO_CHARS]


# overrides, embeddings and isolates; the marks (U+200E, U+200F, U+061C) that right-to-left text
# needs are kept
_DIRECTION = re.compile("[\u202a-\u202e\u2066-\u2069]")
# a placeholder typed with a Chinese input method's full-width braces (｛brand｝): not filled in,
# so posted as typed; the translation check only noticed when the default text had the name
_FULL_WIDTH = re.compile("[{\uff5b]([a-z][a-z0-9_]*(?:\\.[a-z0-9_]+)*)[}\uff5d]")


def _string_problems(doc: Document, what: str) -> list[Problem]:
    """A TODO left by `crisisbook new` (or by anyone): fine in a draft, not in a published page;
    and a Unicode direction override or embedding (U+202A-U+202E, U+2066-U+2069), which reorders
    what follows it on the page: a name with U+202E before `+852 9123 4567` in the same line showed
    the number backwards, where the YAML (and the review of a pull request) reads it forwards; and
    a placeholder in full-width braces."""
    # most documents hold none of these: one pass of the JSON encoder (C) over the whole document
    # finds that, where the walk below takes a Python step per value
    try:
        whole = json.dumps(doc.data, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):  # a key the encoder refuses (a date): walk it all
        whole = "TODO"
    if "TODO" not in whole and not _DIRECTION.search(whole) and "\uff5b" not in whole and "\uff5d" not in whole:
        return []
    out: list[Problem] = []

    def walk(value, path):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, path + (key,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, path + (i,))
        elif isinstance(value, str):
            if "TODO" in value:
                out.append(Problem(doc.file, *doc.mark(path), field_path(path),
                                   f"still says TODO: write it before {what} is published", WARNING))
            if found := _DIRECTION.search(value):
                out.append(Problem(doc.file, *doc.mark(path), field_path(path),
                                   f"holds the Unicode direction control {printable(found.group())}, which "
                                   "reorders the text after it on the page (a phone number beside a name shows "
                                   "backwards): remove it"))
            if "\uff5b" in value or "\uff5d" in value:
                out.extend(Problem(doc.file, *doc.mark(path), field_path(path),
                                   f"'{found.group()}' is written with full-width braces, so it is not filled in "
                                   f"and would be posted as typed: write {{{found.group(1)}}}")
                           for found in _FULL_WIDTH.finditer(value) if found.group() != f"{{{found.group(1)}}}")

    walk(doc.data, ())
    return out


def reserved_message(what: str, id_: str, kind: str) -> str:
    return (f"{what} '{id_}' is reserved: its page would replace the handbook's own "
            f"{reserved(kind)[id_]}; choose another id")


def _reserved_ids(key: str, kind: str):
    """The check that no id of `kind` (declared under `key`) takes the name of a fixed page."""
    def check(c: _Checker, d: dict, parts: dict, _) -> None:
        taken = reserved(kind)
        for id_ in d[key]:
            if id_ in taken:
                c.at((key, id_), reserved_message(f"{kind} id", id_, kind), key=True)
    return check


# ---------------------------------------------------------------------------- the playbook's checks


def _check_languages(c: _Checker, d: dict, parts: dict, _) -> None:
    langs, default = d.get("languages", []), d["default_language"]
    if langs and default not in langs:
        c.at(("default_language",), f"'{default}' is not in languages{suggest(default, langs)}")
    seen: dict[str, int] = {}
    for i, lang in enumerate(langs):
        # a language tag's case carries no meaning (BCP 47): zh-Hant and zh-hant would be two
        # editions of one language, each with its own folder and every text looked up twice
        first = langs[seen.setdefault(lang.lower(), i)]
        if seen[lang.lower()] != i:
            again = "" if first == lang else f" as '{first}' (a language tag's case does not matter)"
            c.at(("languages", i), f"'{lang}' is listed already{again}: list each language once")


def _check_roster(c: _Checker, d: dict, parts: dict, _) -> None:
    roles, people, assignments = parts["roles"], d["people"], d["assignments"]
    for rid in assignments:
        c.known(("assignments", rid), rid, roles, "role", "playbook/roles.yaml")
    for rid in roles:
        a = assignments.get(rid)
        if a is None:
            c.at(("assignments",), f"role '{rid}' has no primary and no backup")
            continue
        for slot in ("primary", "backup"):
            pid = a[slot]
            if c.known(("assignments", rid, slot), pid, people, "person", "people in this file") \
                    and not people[pid].get("active", True):
                c.at(("assignments", rid, slot), f"'{pid}' is marked inactive but is still the {slot}")
        if a["primary"] == a["backup"]:
            c.at(("assignments", rid, "backup"), f"'{a['backup']}' is both primary and backup of '{rid}'")


def _check_levels(c: _Checker, d: dict, parts: dict, _) -> None:
    roles = parts["roles"]
    for lid, level in d["levels"].items():
        for i, rid in enumerate(level["activate"]):
            c.known(("levels", lid, "activate", i), rid, roles, "role", "playbook/roles.yaml")
        c.known(("levels", lid, "approves_statements"), level["approves_statements"], roles,
                "role", "playbook/roles.yaml")


def _check_contacts(c: _Checker, d: dict, parts: dict, _) -> None:
    """contacts.yaml's, and a scenario's own."""
    for cid, contact in d.get("contacts", {}).items():
        if contact["kind"] != "influencer":
            continue
        for name, why in (("relationship", "paid, standing-partner or organic"),
                          ("last_reviewed", "the date the relationship was last checked")):
            if name not in contact:
                c.at(("contacts", cid), f"an influencer needs '{name}': {why}")


# What a tag's label may not hold: the engine writes it into the page's front matter and the
# theme into HTML and links (the same characters a hand-written page's tags may not use).
_LABEL_REFUSED = re.compile(r"[<>&\"'`\n\r\t]")


def _check_tag_labels(c: _Checker, d: dict, parts: dict, _) -> None:
    anchors: dict = {}  # the tags page's anchor -> [(language or None, tag, label)] of the labels so far
    for tag, label in d["tags"].items():
        for lang, text in text_variants(label):
            path = ("tags", tag) + ((lang,) if lang else ())
            if _LABEL_REFUSED.search(text):
                c.at(path, "a tag's label is a word or two, without < > & \" ' ` or line breaks: "
                           "the page writes it into links and its front matter")
            elif len(text) > S.TAG_LABEL_CHARS:
                c.at(path, f"{len(text)} characters is over the {S.TAG_LABEL_CHARS} a tag's label may "
                           f"have: it is a chip on the page, a word or two")
            else:
                _one_anchor_a_label(c, anchors, path, lang, tag, text)


def _one_anchor_a_label(c: _Checker, anchors: dict, path: tuple, lang: str | None, tag: str, text: str) -> None:
    """Two labels the tags page cannot tell apart ('HR' and 'hr', 'data breach' and 'data-breach',
    '!!!' and '???') get one anchor there: two headings with the same id, and both tags' chips
    lead to the first one's scenarios. (The same words are one tag, listed once: fine.)"""
    anchor = _tag_anchor(text)
    for other_lang, other, words in anchors.get(anchor, ()):
        if words != text and (lang == other_lang or None in (lang, other_lang)):  # None: every edition
            c.at(path, f"'{text}' and tags.{other}'s '{words}' get one anchor on the tags page "
                       f"(#{anchor}), and both tags' chips lead to the first: write them the same, "
                       f"or in words that differ by more than case and punctuation")
            return
    anchors.setdefault(anchor, []).append((lang, tag, text))


def _tag_anchor(label: str) -> str:
    """The anchor of a label's heading on the tags page, made as the theme's tags plugin makes it
    (its default tags_slugify and tags_slugify_format)."""
    from pymdownx.slugs import slugify  # only for a project with tag labels

    return "tag:" + slugify(case="lower")(label, "-")


# (file, fields of its own it reads, playbook parts it reads, check)
_PLAYBOOK_CHECKS = (
    ("organisation", ("default_language", "languages"), (), _check_languages),
    ("roles", ("roles",), (), _reserved_ids("roles", "role")),
    ("roster", ("people",), (), _reserved_ids("people", "person")),
    ("roster", ("people", "assignments"), ("roles",), _check_roster),
    ("severity", ("levels",), ("roles",), _check_levels),
    ("contacts", ("contacts",), (), _check_contacts),
    ("tags", ("tags",), (), _check_tag_labels),
)


# ---------------------------------------------------------------------------- a scenario's checks


def _role(c: _Checker, parts: dict, path, rid) -> bool:
    return c.known(path, rid, parts["roles"], "role", "playbook/roles.yaml")


CONTACTS_WHERE = "playbook/contacts.yaml, or declare it under contacts in this file"


class _Refs:
    """What a scenario's steps and statements may name: contacts, statements, and which of them
    are team-only (an item every staff member reads may not lead to one)."""

    def __init__(self, c: _Checker, d: dict, parts: dict):
        self.c = c
        self.contacts = {**parts["contacts"], **d.get("contacts", {})}  # a clash is _check_own_contacts'
        self.statements = {st["id"]: st for st in d["statements"]}
        self.team_scenario = d.get("visibility") == "team"

    def public(self, item: dict) -> bool:
        return not self.team_scenario and item.get("visibility") != "team"

    def contact_ids(self, path, item: dict, field: str, what: str) -> None:
        for j, cid in enumerate(item.get(field, [])):
            if not self.c.known(path + (field, j), cid, self.contacts, "contact", CONTACTS_WHERE):
                continue
            entry = self.contacts[cid]  # a contact whose own fields are wrong: reported in contacts.yaml
            if self.public(item) and isinstance(entry, dict) and entry.get("visibility") == "team":
                self.c.at(path + (field, j), f"contact '{cid}' is team-only but this {what} is visible to all "
                                             f"staff; mark the {what} visibility: team or name another contact")


def _check_own_contacts(c: _Checker, d: dict, parts: dict, _) -> None:
    """A scenario's own contacts: none takes a playbook contact's id (which of the two would a
    step mean?), and an influencer gives what contacts.yaml's do."""
    for cid in d.get("contacts", {}):
        if cid in parts["contacts"]:
            c.at(("contacts", cid), f"contact '{cid}' is already in playbook/contacts.yaml: name it in with: "
                                    f"or to: without declaring it here, or choose another id", key=True)
    _check_contacts(c, d, parts, _)


def _unnamed_contacts(c: _Checker, d: dict) -> None:
    """A scenario's own contact that none of its steps or statements names: a warning, as an
    unused blank is."""
    named = {cid for phase in S.PHASES for step in d["steps"][phase] for cid in step.get("with", [])}
    named |= {cid for st in d["statements"] for cid in st.get("to", [])}
    for cid in d.get("contacts", {}):
        if cid not in named:
            c.at(("contacts", cid), f"contact '{cid}' is declared but no step (with:) or statement (to:) "
                                    f"names it", WARNING, key=True)


def _check_team(c: _Checker, d: dict, parts: dict, _) -> None:
    _role(c, parts, ("owner",), d["owner"])
    for i, rid in enumerate(d["team"]):
        _role(c, parts, ("team", i), rid)


def _check_replies(c: _Checker, d: dict, parts: dict, _) -> None:
    for cat, rule in d["comment_replies"].items():
        if rule["action"] == "escalate" and "escalate_to" not in rule:
            c.at(("comment_replies", cat), "action 'escalate' needs 'escalate_to': the role to hand it to")
        if "escalate_to" in rule:
            _role(c, parts, ("comment_replies", cat, "escalate_to"), rule["escalate_to"])


def _check_review(c: _Checker, d: dict, parts: dict, today: dt.date) -> None:
    reviewed = dt.date.fromisoformat(d["last_reviewed"])
    due = reviewed + dt.timedelta(minutes=parse_duration(d["review_interval"]))
    if today > due:
        c.at(("last_reviewed",), f"overdue for review since {due.isoformat()} "
                                 f"(last reviewed {reviewed.isoformat()}, every {d['review_interval']})",
             WARNING)


def _check_drill(c: _Checker, d: dict, parts: dict, _) -> None:
    if "drill" not in d:
        return
    drill = d["drill"]
    for i, rid in enumerate(drill["participants"]):
        _role(c, parts, ("drill", "participants", i), rid)
    length = parse_duration(drill["duration"])
    previous = -1
    for i, inject in enumerate(drill["injects"]):
        path = ("drill", "injects", i)
        at = parse_duration(inject["at"])
        if at < previous:
            c.at(path + ("at",), f"inject at {inject['at']} comes before the previous one; keep injects in time order")
        if at >= length:
            c.at(path + ("at",), f"inject at {inject['at']} is not within the drill's {drill['duration']}")
        if "post" not in inject and "press_question" not in inject:
            c.at(path, "an inject needs a post or a press_question to show the players")
        if "post" in inject:
            c.known(path + ("post", "platform"), inject["post"]["platform"], parts["channel_ids"], "channel",
                    "playbook/channels.yaml")
        previous = at
    seen = set()
    for i, objective in enumerate(drill["objectives"]):
        if objective["id"] in seen:
            c.at(("drill", "objectives", i, "id"), f"duplicate objective id '{objective['id']}'")
        seen.add(objective["id"])


def _check_severity(c: _Checker, d: dict, parts: dict, _) -> None:
    levels = parts["levels"]
    for lid in d["severity"]:
        c.known(("severity", lid), lid, levels, "severity level", "playbook/severity.yaml")
    for lid in levels:
        if lid not in d["severity"]:
            c.at(("severity",), f"no description for severity level '{lid}'")


def _check_written_in(c: _Checker, d: dict, parts: dict, _) -> None:
    known = parts["organisation"].languages
    for i, lang in enumerate(d.get("languages", [])):
        if lang not in known:
            c.at(("languages", i), f"'{lang}' is not a language of the handbook{suggest(lang, known, always=True)}; "
                                   f"see languages in playbook/organisation.yaml")


def _check_steps(c: _Checker, d: dict, parts: dict, _) -> None:
    team = set(d["team"])
    refs = _Refs(c, d, parts)
    first_review = min(d["steps"]["review"], key=lambda s: parse_duration(s["by"]))["by"]
    review_starts = parse_duration(first_review)
    owners = set()
    for phase in S.PHASES:
        _check_order(c, phase, d["steps"][phase])
        for i, step in enumerate(d["steps"][phase]):
            path = ("steps", phase, i)
            owners.add(step["owner"])
            if _role(c, parts, path + ("owner",), step["owner"]) and step["owner"] not in team:
                c.at(path + ("owner",), f"'{step['owner']}' owns a step but is not in the team; add it to team")
            if phase != "review" and parse_duration(step["by"]) > review_starts:
                c.at(path + ("by",), f"deadline {step['by']} is later than the first review step "
                                     f"({first_review}); review comes last")
            _check_step_links(c, path, phase, step, refs)
    _unnamed_contacts(c, d)
    for i, rid in enumerate(d["team"]):
        if rid not in owners:
            c.at(("team", i), f"'{rid}' is in the team but owns no step; give it one or take it off the team",
                 WARNING)


def _check_order(c: _Checker, phase: str, steps: list) -> None:
    """A deadline of 0m is gone the moment the crisis is detected (an error: no one can meet
    it). A step due before the one above it is a warning only: the page lists steps by deadline
    whatever the file's order, but a reader of the file takes it in the order written."""
    for i, step in enumerate(steps):
        by = parse_duration(step["by"])
        if by == 0:
            c.at(("steps", phase, i, "by"), f"a deadline of {step['by']} has passed the moment the crisis "
                                            f"is detected; for 'at once' give the time it takes, such as 5m or 15m")
        if i and by < parse_duration(steps[i - 1]["by"]):
            c.at(("steps", phase, i, "by"), f"deadline {step['by']} is earlier than the step before it "
                                            f"(steps.{phase}[{i - 1}], by {steps[i - 1]['by']}); list a phase's "
                                            f"steps in deadline order", WARNING)


def _check_step_links(c: _Checker, path, phase: str, step: dict, refs: _Refs) -> None:
    refs.contact_ids(path, step, "with", "step")
    if "posts" in step:
        sid = step["posts"]
        if c.known(path + ("posts",), sid, refs.statements, "statement", "statements in this file") \
                and refs.public(step) and refs.statements[sid].get("visibility") == "team":
            c.at(path + ("posts",), f"statement '{sid}' is team-only but this step is visible to all staff; "
                                    f"mark the step visibility: team")
    if "every" in step:
        if phase in ("recover", "review"):
            c.at(path + ("every",), f"a {phase} step cannot repeat: repeats stop when the recover phase starts")
        elif parse_duration(step["every"]) == 0:
            c.at(path + ("every",), "every 0m would repeat without end; give a duration such as 4h")


def _check_first_response(c: _Checker, d: dict, parts: dict, _) -> None:
    """The holding statement must be out within the first response time of the most severe
    level (the first in playbook/severity.yaml): the step that posts it may not be due later."""
    levels = parts["severity"]
    if not levels:
        return
    statements = {st["id"]: st for st in d["statements"]}
    lid, top = next(iter(levels.items()))
    limit = parse_duration(top["first_response"])
    for phase in S.PHASES:
        for i, step in enumerate(d["steps"][phase]):
            st = statements.get(step.get("posts"))
            if st and st["kind"] == "holding" and parse_duration(step["by"]) > limit:
                c.at(("steps", phase, i, "by"), f"posts the holding statement '{st['id']}' at {step['by']}, after "
                                                f"the {top['first_response']} first response of '{lid}'; "
                                                f"bring it forward", WARNING)


def _check_approvals(c: _Checker, d: dict, parts: dict, today: dt.date) -> None:
    refs = _Refs(c, d, parts)
    for i, st in enumerate(d["statements"]):
        path = ("statements", i)
        refs.contact_ids(path, st, "to", "statement")
        a = st.get("approval")
        if a is None:
            continue
        for j, rid in enumerate(a.get("by", [])):
            _role(c, parts, path + ("approval", "by", j), rid)
        if a["state"] != "draft" and not a.get("by"):
            c.at(path + ("approval",), f"approval '{a['state']}' needs 'by': the roles that approved it")
        if a.get("on") and a.get("expires") and a["expires"] < a["on"]:
            c.at(path + ("approval", "expires"), f"expires {a['expires']} is before it was approved on {a['on']}")
        elif a["state"] != "draft" and a.get("expires") and dt.date.fromisoformat(a["expires"]) < today:
            c.at(path + ("approval", "expires"), f"approval expired on {a['expires']}: have it approved again, "
                                                 f"or mark it draft", WARNING)
        if a["state"] == "draft" and st["kind"] == "holding":
            c.at(path + ("approval", "state"), "the holding statement is still a draft: have it pre-approved, "
                                               "so it can go out within the first response time", WARNING)


def _check_statement_ids(c: _Checker, d: dict, parts: dict, _) -> None:
    seen: dict[str, int] = {}
    for i, st in enumerate(d["statements"]):
        if st["id"] in seen:
            c.at(("statements", i, "id"), f"duplicate statement id '{st['id']}' (also statements[{seen[st['id']]}])")
        seen.setdefault(st["id"], i)


def _check_channels(c: _Checker, d: dict, parts: dict, _) -> None:
    for i, st in enumerate(d["statements"]):
        for j, ch in enumerate(st["channels"]):
            c.known(("statements", i, "channels", j), ch, parts["channel_ids"], "channel", "playbook/channels.yaml")


def _check_lengths(c: _Checker, d: dict, parts: dict, _) -> None:
    channels, facts_in = parts["channels"], parts["organisation"].facts_in
    for i, st in enumerate(d["statements"]):
        for ch in st["channels"]:
            if ch in channels:
                _check_length(c, ("statements", i), st["text"], ch, channels[ch], facts_in)


def _check_blanks(c: _Checker, d: dict, parts: dict, _) -> None:
    facts = parts["organisation"].facts
    blanks = d.get("blanks", {})
    used: set[str] = set()
    for i, st in enumerate(d["statements"]):
        used |= _check_placeholders(c, ("statements", i, "text"), st["text"], facts, blanks)
        for part in ("title", "audience"):  # organisation facts are filled in there too, blanks are not
            _check_placeholders(c, ("statements", i, part), st[part], facts, blanks, fillable=False)
    for cat, rule in d["comment_replies"].items():
        used |= _check_placeholders(c, ("comment_replies", cat, "reply"), rule["reply"], facts, blanks)
    for name in blanks:
        if name not in used:
            c.at(("blanks", name), f"blank '{name}' is declared but no statement or reply uses it",
                 key=True)


def _check_step_placeholders(c: _Checker, d: dict, parts: dict, _) -> None:
    """A step's text takes the organisation's facts ("call {support_hotline}"), not blanks. A
    check of its own: a mistake in a step does not hold back the statements' placeholders."""
    facts, blanks = parts["organisation"].facts, d.get("blanks", {})
    for phase, steps in d["steps"].items():
        for j, step in enumerate(steps):
            _check_placeholders(c, ("steps", phase, j, "do"), step["do"], facts, blanks, fillable=False)


def _check_placeholders(c: _Checker, path, raw, facts: dict, blanks: dict, fillable: bool = True) -> set[str]:
    """`fillable`: whether the reader fills in blanks here (a statement's text) or not (its title)."""
    used = set()
    for _, text in text_variants(raw):
        for name in placeholders(text):
            used.add(name)
            if name in blanks and not fillable:
                c.at(path, f"blank '{{{name}}}' cannot be filled in here: blanks are filled in the statement's "
                           f"text; write it out, or use an organisation fact")
            elif name not in facts and name not in blanks:
                fix = "declare it under blanks or add it" if fillable else "write it out or add it"
                c.at(path, f"unknown placeholder '{{{name}}}'{suggest(name, [*facts, *(blanks if fillable else [])])}; "
                           f"{fix} to playbook/organisation.yaml")
    return used


# how a limit's count is made, said with each text over it: the page counts the same way once
# the blanks are filled in
COUNTED = {"characters": "each character counts once, a blank as its {name}",
           "x-weighted": "Chinese characters and emoji count 2, a link 23, a blank as its {name}",
           "sms": "GSM characters count once and ^{}[]~|€\\ twice, a blank as its {name}"}


def _check_length(c: _Checker, path, raw, channel: str, spec: dict, facts_in: dict) -> None:
    limit, count = spec.get("limit"), spec.get("count", "characters")
    if limit is None:
        return
    for lang, text in text_variants(raw):
        facts = facts_in.get(lang) or facts_in[None]
        filled = fill(text, facts)
        length, most = post_length(filled, count), sms_limit(limit, filled) if count == "sms" else limit
        if length <= most:
            continue
        unit = "X-weighted characters" if count == "x-weighted" else "characters"
        how = COUNTED[count]
        if most != limit:  # sent in UCS-2: say which character made it so, often a curly quote
            how = (f"'{printable(outside_gsm(filled))}' is not in the GSM alphabet, so phones send the text in "
                   f"UCS-2, {most} characters a message")
        c.at(path + ("text",), f"{length} {unit}{f' ({lang})' if lang else ''} is "
                               f"{length - most} over the {most}-character limit of '{channel}' ({how})")


def _check_tags(c: _Checker, d: dict, parts: dict, _) -> None:
    """A tag with no label shows its slug in every edition: words of the default language on a
    page in another. Only a handbook in more than one language needs labels."""
    org = parts["organisation"]
    others = [lang for lang in d.get("languages") or org.languages if lang != org.default]
    if not others:
        return
    labels = parts["tags"]
    for i, tag in enumerate(d.get("tags", [])):
        if tag not in labels:
            c.at(("tags", i), f"tag '{tag}' has no label in playbook/tags.yaml, so the {others[0]} "
                              f"edition shows '{tag}': add `{tag}: {{{org.default}: …, {others[0]}: …}}` "
                              f"under tags:", WARNING)


# (fields of the scenario it reads, playbook parts it reads, check); translations run last
_SCENARIO_CHECKS = (
    (("owner", "team"), ("roles",), _check_team),
    (("severity",), ("levels",), _check_severity),
    (("languages",), ("organisation",), _check_written_in),
    (("steps", "team", "statements", "visibility", "contacts"), ("roles", "contacts"), _check_steps),
    (("steps", "statements"), ("severity",), _check_first_response),
    (("statements", "visibility", "contacts"), ("roles", "contacts"), _check_approvals),
    (("contacts",), ("contacts",), _check_own_contacts),
    (("statements",), (), _check_statement_ids),
    (("statements",), ("channel_ids",), _check_channels),
    (("statements",), ("channels", "organisation"), _check_lengths),
    (("statements", "blanks", "comment_replies"), ("organisation",), _check_blanks),
    (("steps", "blanks"), ("organisation",), _check_step_placeholders),
    (("comment_replies",), ("roles",), _check_replies),
    (("drill",), ("roles", "channel_ids"), _check_drill),
    (("last_reviewed", "review_interval"), (), _check_review),
    (("tags", "languages"), ("tags", "organisation"), _check_tags),
)
