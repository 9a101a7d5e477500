"""A compiled fast path for the Cerberus schemas in schema.py.

Cerberus costs about 10 ms for a bilingual scenario: it builds a child validator for every nested
field and looks every rule up by name. Most documents are valid, so each schema is compiled once
into plain Python closures that only answer "certainly valid" (and return the document normalised
exactly as Cerberus would: coercions applied, defaults appended) or "not sure". Anything unusual
(a null, a bool where a number goes, an unknown field, any broken rule) is "not sure", and
Cerberus then checks the document and explains its problems. So messages come from one place, and
the fast path may be stricter than Cerberus but never looser: tests/test_fastcheck.py holds both
to that over the shipped files, the hostile corpus and generated documents.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable

from . import schema as S
from .model import parse_duration

_SLUG = re.compile(S.SLUG)
_LANGUAGE = re.compile(S.LANGUAGE)


def is_text(value) -> bool:
    """Human-readable text: a non-blank string, or a mapping of language tag -> non-blank string."""
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, dict) and bool(value) and all(
        isinstance(k, str) and _LANGUAGE.fullmatch(k) and isinstance(v, str) and v.strip()
        for k, v in value.items())


def text_lengths(value) -> list[tuple[str | None, int]]:
    """(language or None for a plain string, characters) of each string of a text field."""
    if isinstance(value, str):
        return [(None, len(value))]
    return [(k, len(v)) for k, v in value.items() if isinstance(v, str)] if isinstance(value, dict) else []


def is_slug(value) -> bool:
    return isinstance(value, str) and len(value) <= S.MAX_ID and bool(_SLUG.fullmatch(value))


def is_duration(value) -> bool:
    return parse_duration(value) is not None


def is_isodate(value) -> bool:
    try:
        return isinstance(value, str) and len(value) == 10 and bool(dt.date.fromisoformat(value))
    except ValueError:
        return False


def full_match(pattern: str, value: str) -> bool:
    """A schema pattern matches the whole value: `$` would also accept a final newline."""
    return re.fullmatch(pattern, value) is not None


CUSTOM_TYPES = {"text": is_text, "slug": is_slug, "duration": is_duration, "isodate": is_isodate}

# Cerberus' own types, narrowed to exactly the Python types the loader produces: `True` is an
# integer to Cerberus but not here, so such a document goes the slow way.
_TYPES: dict[str, Callable] = {
    "string": lambda v: type(v) is str,
    "integer": lambda v: type(v) is int,
    "boolean": lambda v: type(v) is bool,
    "list": lambda v: type(v) is list,
    "dict": lambda v: type(v) is dict,
    **CUSTOM_TYPES,
}

_RULES = {"type", "required", "allowed", "regex", "minlength", "maxlength", "maxchars", "min", "empty", "schema",
          "keysrules", "valuesrules", "default", "coerce", "meta"}


class _Unsure(Exception):
    """The fast path cannot vouch for this value; Cerberus decides."""


def compile_schema(schema: dict) -> Callable[[dict], dict | None]:
    """A function returning the normalised document when it is certainly valid, else None.
    Raises ValueError for a rule without a fast path, so schema.py cannot outgrow this module
    unnoticed (tests compile every schema)."""
    check = _mapping(schema)

    def fast(document):
        try:
            return check(document)
        except _Unsure:
            return None

    return fast


def _mapping(fields: dict, minlength: int = 0) -> Callable:
    """A dict with a fixed set of fields (Cerberus `schema` on a dict, or a whole document)."""
    checks = {name: _field(rules) for name, rules in fields.items()}
    required = [name for name, rules in fields.items() if rules.get("required")]
    defaults = [(name, rules["default"]) for name, rules in fields.items() if "default" in rules]

    def check(value):
        if type(value) is not dict or len(value) < minlength:
            raise _Unsure
        out = {}
        for key, item in value.items():
            field = checks.get(key)
            if field is None:  # unknown field
                raise _Unsure
            out[key] = field(item)
        for name in required:
            if name not in out:
                raise _Unsure
        for name, default in defaults:  # Cerberus appends defaults in schema order
            if name not in out:
                out[name] = default
        return out

    return check


def _field(rules: dict) -> Callable:
    unknown = set(rules) - _RULES
    if unknown:
        raise ValueError(f"no fast path for rule(s) {sorted(unknown)}")
    kind = rules["type"]
    if kind == "dict" and "schema" in rules:
        if {"keysrules", "valuesrules"} & set(rules):
            raise ValueError("schema together with keysrules/valuesrules has no fast path")
        inner = _mapping(rules["schema"], rules.get("minlength", 0))
        return _nullable_guard(inner, rules.get("coerce"))
    is_type = _TYPES[kind]
    tests: list[Callable] = []
    if "allowed" in rules:
        allowed = frozenset(rules["allowed"])
        tests.append(lambda v: v in allowed)
    if "regex" in rules:  # the whole value, as validate.Validator checks it
        compiled = re.compile(rules["regex"])
        tests.append(lambda v: compiled.fullmatch(v) is not None)
    if "minlength" in rules:
        least = rules["minlength"]
        tests.append(lambda v: len(v) >= least)
    if "maxlength" in rules:
        most = rules["maxlength"]
        tests.append(lambda v: len(v) <= most)
    if "maxchars" in rules:
        chars = rules["maxchars"]
        tests.append(lambda v: all(length <= chars for _, length in text_lengths(v)))
    if "min" in rules:
        lowest = rules["min"]
        tests.append(lambda v: v >= lowest)
    if rules.get("empty") is False:
        tests.append(lambda v: len(v) > 0)
    items = _field(rules["schema"]) if kind == "list" and "schema" in rules else None
    keys = _key_check(rules["keysrules"]) if "keysrules" in rules else None
    values = _field(rules["valuesrules"]) if "valuesrules" in rules else None
    if kind != "list" and "schema" in rules:
        raise ValueError(f"'schema' on type {kind!r} has no fast path")

    def check(value):
        if not is_type(value):
            raise _Unsure
        for test in tests:
            if not test(value):
                raise _Unsure
        if items is not None:
            return [items(item) for item in value]
        if keys is not None or values is not None:
            out = {}
            for key, item in value.items():
                if keys is not None:
                    keys(key)
                out[key] = values(item) if values is not None else item
            return out
        return value

    return _nullable_guard(check, rules.get("coerce"))


def _key_check(rules: dict) -> Callable:
    if {"coerce", "default"} & set(rules):
        raise ValueError("keysrules that change keys have no fast path")
    return _field(rules)


def _nullable_guard(check: Callable, coerce) -> Callable:
    """No rule in schema.py is nullable, and Cerberus treats a null specially (defaults replace
    it): leave every null to Cerberus. Coercion runs first, as in Cerberus' normalisation."""
    if coerce is None:
        def guarded(value):
            if value is None:
                raise _Unsure
            return check(value)
    else:
        def guarded(value):
            if value is None:
                raise _Unsure
            return check(coerce(value))
    return guarded
