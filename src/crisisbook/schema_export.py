"""JSON Schema (draft-07) for editors, generated from the Cerberus schemas in schema.py.

The YAML language server (VS Code's YAML extension and others) reads draft-07 and shows these
problems while a PR lead types. Rules that need other files (roles, channels, placeholders,
limits) cannot be expressed here; `crisisbook validate` checks them. See NOT_EXPRESSIBLE.
"""

from __future__ import annotations

import json
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
)

_PATTERNS = {
    "slug": S.SLUG,
    "duration": r"(0|[1-9][0-9]*)(m|h|d|w)",
    "isodate": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
}
_SIMPLE = {"string": "string", "integer": "integer", "boolean": "boolean"}


def _anchored(regex: str) -> str:
    return f"^(?:{regex})$"  # Cerberus matches the whole value; JSON Schema searches


def _text() -> dict:
    # crisisbook reads `title: 1984` as the text "1984"; an editor's YAML 1.2 parser sees a number
    line = {"type": ["string", "number"], "pattern": r"\S"}
    return {"anyOf": [line, {"type": "object", "minProperties": 1,
                             "propertyNames": {"pattern": _anchored(S.LANGUAGE)},
                             "additionalProperties": line}]}


def convert(rules: dict) -> dict:
    """One Cerberus field definition -> one JSON Schema."""
    kind = rules.get("type")
    if kind == "text":
        out = _text()
    elif kind in _PATTERNS:
        out = {"type": "string", "pattern": _anchored(_PATTERNS[kind])}
    elif kind == "list":
        out = {"type": "array"}
        if "schema" in rules:
            out["items"] = convert(rules["schema"])
        if "minlength" in rules:
            out["minItems"] = rules["minlength"]
    elif kind == "dict":
        out = _object(rules)
    else:
        out = {"type": _SIMPLE[kind]}
    if "regex" in rules:
        out["pattern"] = _anchored(rules["regex"])
    if "allowed" in rules:
        out["enum"] = list(rules["allowed"])
    if "min" in rules:
        out["minimum"] = rules["min"]
    if kind == "string" and rules.get("empty") is False:
        out["minLength"] = 1
    if "hint" in rules.get("meta", {}):
        out["description"] = rules["meta"]["hint"]
    return out


def _object(rules: dict) -> dict:
    out: dict = {"type": "object"}
    if "schema" in rules:
        out.update(mapping(rules["schema"]))
    if "keysrules" in rules:
        out["propertyNames"] = {k: v for k, v in convert(rules["keysrules"]).items() if k != "type"}
    if "valuesrules" in rules:
        out["additionalProperties"] = convert(rules["valuesrules"])
    if "minlength" in rules:
        out["minProperties"] = rules["minlength"]
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


def schemas() -> dict[str, dict]:
    """File name in schema/ -> JSON Schema: one per playbook file, one for scenarios."""
    out = {"scenario.json": document("scenario", S.SCENARIO)}
    for file, fields in S.PLAYBOOK.items():
        stem = file.removesuffix(".yaml")
        out[f"{stem}.json"] = document(stem, fields)
    return out


def dumps(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in sorted(schemas().items()):
        (out / name).write_text(dumps(schema), encoding="utf-8")
        written.append(out / name)
    return written
