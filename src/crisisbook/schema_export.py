"""JSON Schema (draft-07) for editors, and the README's data reference, from schema.py.

The YAML language server (VS Code's YAML extension and others) reads draft-07 and shows these
problems, descriptions and completions while a PR lead types. The exported schema accepts and
rejects what `crisisbook validate` accepts and rejects (tests/test_schema_export.py compares the
two over generated mutations of real files), except where a rule needs another file or the
editor reads a value differently than crisisbook: see NOT_EXPRESSIBLE.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from . import schema as S

DRAFT = "http://json-schema.org/draft-07/schema#"

# What only `crisisbook validate` can check, because it needs another file or more than one value.
NOT_EXPRESSIBLE = (
    "role, person, severity level, channel, contact and statement ids exist (with did-you-mean hints)",
    "an influencer contact gives relationship and last_reviewed; approvals name who and when",
    "approvals that have expired, a holding statement still in draft (warnings)",
    "a step visible to all staff does not post a team-only statement or name a team-only contact",
    "a scenario's languages are languages of the handbook",
    "the step that posts the holding statement is due within the highest level's first response",
    "every team role owns a step; a repeating step (every) stops before the recover phase",
    "placeholders are organisation facts or declared blanks; every blank is used",
    "a statement fits the character limit of each of its channels",
    "statement ids are unique within a scenario",
    "no step is due later than the first review step",
    "every step owner is in the team; escalate_to is given when the action is escalate",
    "every severity level of the playbook is described",
    "last_reviewed is a real calendar date (the schema checks its form only) and not overdue",
    "duplicate keys, tabs, anchors and tags (parser-level: the language server reports some itself)",
    "the file name is a slug",
    # An editor reads these spellings as numbers, so its schema sees the number, not the text:
    "numbers written with +, an exponent, 0x or 0o, -0, or a fraction of zeros (+1, 1e3, 0x1F, "
    "1.0): crisisbook keeps them as written, so 1.0 is not a whole number and +1 is not an id",
)

_PATTERNS = {
    "slug": S.SLUG,
    "duration": r"(0|[1-9][0-9]{0,3})(m|h|d|w)",
    "isodate": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
}
# What the editor says when a value is not in its form: validate's words, not the raw pattern
# (yaml-language-server shows `patternErrorMessage` in place of "does not match the pattern").
_PATTERN_MESSAGES = {
    "slug": "Must be an id: lowercase letters, digits and hyphens, such as crisis-lead.",
    "duration": "Must be a duration such as 15m, 2h, 3d or 2w (minutes, hours, days, weeks).",
    "isodate": "Must be a date written YYYY-MM-DD, such as 2026-11-01.",
}
# Digits that make a whole number of at least 0 or 1 (quoted digits are coerced, see schema.py).
_DIGITS_AT_LEAST = {0: S.WHOLE_NUMBER, 1: r"[0-9]*[1-9][0-9]*"}


def _anchored(regex: str) -> str:
    """crisisbook matches the whole value; JSON Schema searches. `(?![\\s\\S])` ends the value
    in ECMA-262 (editors) and in Python (the tests) alike, where `$` would let Python's
    validators accept a final newline."""
    return f"^(?:{regex})(?![\\s\\S])"


# crisisbook keeps every plain scalar as the text written (`title: 1984`, `phone: +85291234567`
# and `owner: 2024` are text); an editor's YAML 1.2 parser sees a number. So wherever crisisbook
# takes text that may be all digits, the editor's schema must take a number too.
def _text(maxchars: int) -> dict:
    line = {"type": ["string", "number"], "pattern": r"\S", "maxLength": maxchars}
    return {"anyOf": [line, {"type": "object", "minProperties": 1,
                             "propertyNames": {"pattern": _anchored(S.LANGUAGE)},
                             "additionalProperties": line}]}


def _string(regex: str, message: str | None = None) -> dict:
    """Text in a given form; a number when the form admits digits alone (ids, user names)."""
    out = {"type": "string", "pattern": _anchored(regex)} | ({"patternErrorMessage": message} if message else {})
    if regex == S.SLUG:
        out["maxLength"] = S.MAX_ID
    if re.fullmatch(regex, "0123"):
        return {"anyOf": [out, {"type": "integer", "minimum": 0}]}
    return out


def _whole_number(rules: dict) -> dict:
    least = rules.get("min", 0)
    number = {"type": "integer", "minimum": least}
    if "coerce" not in rules:
        return number
    return {"anyOf": [number, {"type": "string", "pattern": _anchored(_DIGITS_AT_LEAST[least])}]}


def _by_type(rules: dict) -> dict:
    kind = rules["type"]
    if kind == "text":
        return _text(rules.get("maxchars", S.MAX_CHARS))
    if kind in _PATTERNS:
        return _string(_PATTERNS[kind], _PATTERN_MESSAGES[kind])
    if kind == "integer":
        return _whole_number(rules)
    if kind == "boolean":
        return {"type": "boolean"}
    if kind == "list":
        out = {"type": "array"}
        if "schema" in rules:
            out["items"] = convert(rules["schema"])
        if "minlength" in rules:
            out["minItems"] = rules["minlength"]
        if "maxlength" in rules:
            out["maxItems"] = rules["maxlength"]
        return out
    if kind == "dict":
        return _object(rules)
    assert kind == "string", kind
    if "allowed" in rules:
        return {"type": "string", "enum": list(rules["allowed"])}
    if "regex" in rules:
        out = _string(rules["regex"])
    else:
        out = {"type": ["string", "number"]} | ({"minLength": 1} if rules.get("empty") is False else {})
    if "maxlength" in rules:
        out = {"allOf": [out, {"maxLength": rules["maxlength"]}]} if "anyOf" in out else out | {"maxLength": rules["maxlength"]}
    return out


def convert(rules: dict) -> dict:
    """One Cerberus field definition -> one JSON Schema, with its documentation."""
    out = _by_type(rules)
    if "default" in rules:  # Cerberus fills in the default for a missing or empty (null) value
        out = {"anyOf": [out, {"type": "null"}]} if "anyOf" not in out else {
            "anyOf": [*out["anyOf"], {"type": "null"}]}
        out["default"] = rules["default"]
    return out | _documentation(rules.get("meta") or S.Meta())


def _documentation(meta: S.Meta) -> dict:
    out = {}
    if meta.description:
        out["description"] = meta.description
        out["markdownDescription"] = meta.description + "".join(
            f"\n- `{value}`: {text}" for value, text in meta.values.items())
    if meta.examples:
        out["examples"] = list(meta.examples)
    if meta.values:
        out["enumDescriptions"] = list(meta.values.values())
        out["markdownEnumDescriptions"] = list(meta.values.values())
    return out


def _object(rules: dict) -> dict:
    out: dict = {"type": "object"}
    if "schema" in rules:
        out.update(mapping(rules["schema"]))
    if "keysrules" in rules:
        keys = rules["keysrules"]
        out["propertyNames"] = {"pattern": _anchored(keys.get("regex") or _PATTERNS[keys["type"]])}
    if "valuesrules" in rules:
        out["additionalProperties"] = convert(rules["valuesrules"])
    if "minlength" in rules:
        out["minProperties"] = rules["minlength"]
    if "maxlength" in rules:
        out["maxProperties"] = rules["maxlength"]
    return out


def mapping(fields: dict) -> dict:
    """A Cerberus schema (field -> rules) -> the properties of a closed JSON object."""
    required = [name for name, rules in fields.items() if rules.get("required")]
    out = {"properties": {name: convert(rules) for name, rules in fields.items()},
           "additionalProperties": False}
    if required:
        out["required"] = required
    return out


def document(name: str, fields: dict) -> dict:
    return {"$schema": DRAFT, "title": f"crisisbook {name} file",
            "type": "object", **mapping(fields)}


def files() -> dict[str, dict]:
    """Name of each kind of file ("scenario", "roles", …) -> its Cerberus schema."""
    return {"scenario": S.SCENARIO} | {f.removesuffix(".yaml"): s for f, s in S.PLAYBOOK.items()}


def schemas() -> dict[str, dict]:
    """File name in schema/ -> JSON Schema: one per playbook file, one for scenarios."""
    return {f"{name}.json": document(name, fields) for name, fields in files().items()}


def dumps(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write(out: Path) -> list[Path]:
    """Write the schemas into `out`, through fsguard: a link there is replaced, never followed."""
    from . import fsguard

    here = Path.cwd().resolve()
    fsguard.make_dirs(here, out)
    written = []
    for name, schema in sorted(schemas().items()):
        fsguard.write_bytes(here, out / name, dumps(schema).encode(), folders_checked=True)
        written.append(out / name)
    return written


# The README's data reference: one table per kind of file, one row per field.
_FILES = {"scenario": "scenarios/<id>.yaml"} | {f.removesuffix(".yaml"): f"playbook/{f}" for f in S.PLAYBOOK}
_KINDS = {"text": "text", "slug": "id", "duration": "duration (15m, 2h, 3d, 2w)",
          "isodate": "date (YYYY-MM-DD)", "boolean": "true or false", "dict": "mapping"}


def _kind(rules: dict) -> str:
    kind = rules["type"]
    if kind == "list":
        return f"list of {_kind(rules['schema'])}" if "schema" in rules else "list"
    if "allowed" in rules:
        return "one of " + ", ".join(f"`{v}`" for v in rules["allowed"])
    if kind == "integer":
        return f"whole number ≥ {rules.get('min', 0)}"
    if kind == "dict" and "keysrules" in rules and "schema" not in rules.get("valuesrules", {}):
        return f"mapping of id to {_kind(rules['valuesrules'])}"
    return _KINDS.get(kind, kind)


def _rows(fields: dict, prefix: str = ""):
    for name, rules in fields.items():
        path = f"{prefix}{name}"
        description = (rules.get("meta") or S.Meta()).description
        yield (f"`{path}`", "yes" if rules.get("required") else "", _kind(rules), description)
        inner = rules
        while inner["type"] == "list" and "schema" in inner:
            inner, path = inner["schema"], path + "[]"
        if "schema" in inner and inner["type"] == "dict":
            yield from _rows(inner["schema"], path + ".")
        elif "schema" in inner.get("valuesrules", {}):
            yield from _rows(inner["valuesrules"]["schema"], path + ".<id>.")


def reference() -> str:
    """Markdown tables of every field of every file, from schema.py's descriptions."""
    parts = []
    for name, fields in files().items():
        rows = ["| field | required | value | what it is |", "| --- | --- | --- | --- |"]
        rows += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"
                 for row in _rows(fields)]
        parts.append(f"### {_FILES[name]}\n\n" + "\n".join(rows) + "\n")
    return "\n".join(parts)
