"""Translations: which text fields lack a language, and whether translations agree on their
placeholders. Text fields are found through the schema (type "text"), so a new field is covered
as soon as it is declared there."""

from __future__ import annotations

from .load import Document
from .model import placeholders
from .report import ERROR, WARNING, Problem, field_path


def text_fields(schema: dict, data, path=(), out: list | None = None) -> list:
    """(path, value) of every field the schema types as "text", wherever it is nested. (A list
    filled in one recursion: nested generators passed every field up through every level.)"""
    out = [] if out is None else out
    _compile(schema)(data, path, out)
    return out


# Each scenario is walked twice (its size, its translations), 60-70 fields a level: the schema's
# rules for each node are looked up once per schema node, not once per value. A walker is made
# for `schema` itself on each call (callers pass a fresh {"type": "dict", "schema": …}), and kept
# for the nodes below it, which are the schema module's own constants; the node is kept with its
# walker, so its id cannot be taken by another dict.
_WALKERS: dict[int, tuple] = {}


def _walker(schema: dict):
    found = _WALKERS.get(id(schema))
    if found is None or found[0] is not schema:
        found = _WALKERS[id(schema)] = (schema, _compile(schema))
    return found[1]


def _text(data, path, out) -> None:
    out.append((path, data))


def _compile(schema: dict):
    """The walk of one schema node, as text_fields defines it."""
    if schema.get("type") == "text":
        return _text
    fields = schema.get("schema") if schema.get("type") == "dict" else schema
    named = {key: _walker(rules) for key, rules in fields.items() if isinstance(rules, dict)} \
        if isinstance(fields, dict) else {}
    values = _walker(schema["valuesrules"]) if "valuesrules" in schema else None
    items = _walker(schema["schema"]) if isinstance(schema.get("schema"), dict) else None

    def walk(data, path, out) -> None:
        if isinstance(data, dict):
            for key, value in data.items():
                sub = named.get(key, values)
                if sub is not None:
                    sub(value, path + (key,), out)
        elif items is not None and isinstance(data, list):
            for i, item in enumerate(data):
                items(item, path + (i,), out)
    return walk


def check_translations(doc: Document, schema: dict, languages: list[str], default: str,
                       skip: tuple[str, ...] = (), fields: list | None = None) -> list[Problem]:
    """Translation problems of every text field, except those under the top-level fields in
    `skip` (their schema problems come first). `fields`: text_fields of the document, if the
    caller has them already."""
    out: list[Problem] = []

    def report(path, message, severity):
        line, col = doc.mark(path)
        out.append(Problem(doc.file, line, col, field_path(path), message, severity))

    if fields is None:
        fields = text_fields({"type": "dict", "schema": schema}, doc.data)
    for path, value in fields:
        if path[0] in skip:
            continue
        given = value if isinstance(value, dict) else {default: value}
        for lang in given:
            if lang not in languages:
                report(path + (lang,), f"language '{lang}' is not listed in playbook/organisation.yaml "
                                       f"languages ({', '.join(languages)})", ERROR)
        if default not in given:  # every other language falls back to it
            report(path, f"no {default} text: write it first; {default} is the default language, shown "
                         f"wherever a translation is missing", ERROR)
            continue
        for lang in languages:
            if lang not in given and "TODO" not in given[default]:  # (a TODO is reported: write, then translate)
                report(path, f"no {lang} translation: the page shows the {default} text, marked "
                             f"as untranslated", WARNING)
        if not any("{" in text for text in given.values()):
            continue  # no placeholders in any language: nothing to compare
        names = {lang: sorted(set(placeholders(text))) for lang, text in given.items()}
        reference = names.get(default, [])
        for lang, found in names.items():
            if lang != default and found != reference:
                uses = f"uses placeholders {_braces(found)}" if found else "uses no placeholders"
                report(path + (lang,), f"the {lang} text {uses} but the {default} text uses "
                                       f"{_braces(reference) if reference else 'none'}", ERROR)
    return out


def _braces(names: list[str]) -> str:
    return ", ".join(f"{{{n}}}" for n in names)
