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
    if schema.get("type") == "text":
        out.append((path, data))
    elif isinstance(data, dict):
        fields = schema.get("schema") if schema.get("type") == "dict" else schema
        for key, value in data.items():
            if isinstance(fields, dict) and key in fields and isinstance(fields[key], dict):
                text_fields(fields[key], value, path + (key,), out)
            elif "valuesrules" in schema:
                text_fields(schema["valuesrules"], value, path + (key,), out)
    elif isinstance(data, list) and isinstance(schema.get("schema"), dict):
        for i, item in enumerate(data):
            text_fields(schema["schema"], item, path + (i,), out)
    return out


def check_translations(doc: Document, schema: dict, languages: list[str], default: str,
                       skip: tuple[str, ...] = ()) -> list[Problem]:
    """Translation problems of every text field, except those under the top-level fields in
    `skip` (their schema problems come first)."""
    out: list[Problem] = []

    def report(path, message, severity):
        line, col = doc.mark(path)
        out.append(Problem(doc.file, line, col, field_path(path), message, severity))

    for path, value in text_fields({"type": "dict", "schema": schema}, doc.data):
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
