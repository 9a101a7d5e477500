"""Problems found in a project, and the one-line form a PR lead reads: FILE:LINE:COL: field: message."""

from __future__ import annotations

import re
from dataclasses import dataclass

ERROR, WARNING, NOTE = "error", "warning", "note"  # a note: a check that waits for a fix

# What a terminal would act on rather than show: C0 and C1 controls (ESC starts a sequence that
# can erase the line; CR returns to its start), DEL, and the Unicode bidi controls and line
# separators that reorder or break what is shown. Data reaches the terminal in messages ("'x' is
# not allowed"), field names and file names, so `\x1b[2K\rno problems found` in a YAML value
# could forge a clean run. The zero-width characters too: they forge nothing, but a PR lead reading
# "unknown role 'crisis-lead'" must see the one hidden in it ('crisis\u200b-lead').
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NOT_C0 = re.compile(_CONTROL.pattern.replace("\x00-\x1f", ""))  # JSON escapes C0 itself


def _escaped(m: re.Match) -> str:
    c = m.group()
    return _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def printable(text: str) -> str:
    r"""The text with every control character written as an escape (`\x1b`, `\r`, `\u202e`):
    on a terminal it shows what the data holds and does nothing else."""
    return _CONTROL.sub(_escaped, text) if _CONTROL.search(text) else text


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int | None
    col: int | None
    field: str  # dotted path such as steps.respond[2].owner, or "" for the whole file
    message: str
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        if self.severity == NOTE:  # its message names the file and the line to fix (escaped: a
            return printable(self.message)  # pull request chooses a file's name, line breaks too)
        where = self.file if self.line is None else f"{self.file}:{self.line}:{self.col or 1}"
        prefix = "" if self.is_error else "warning: "
        field = f"{self.field}: " if self.field else ""
        return printable(f"{where}: {prefix}{field}{self.message}")


def field_path(path) -> str:
    """('steps', 'respond', 2, 'owner') -> 'steps.respond[2].owner'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def sort_key(problem: Problem):
    # a note of skipped checks follows the problems on the line it waits for
    return (problem.file, problem.line or 0, problem.severity == NOTE, problem.col or 0, problem.field,
            problem.message)


def summary(problems: list[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = sum(p.severity == WARNING for p in problems)
    if not errors and not warnings:
        return "no problems found"
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def as_json(problems: list[Problem]) -> str:
    import json

    errors = sum(p.is_error for p in problems)
    warnings = sum(p.severity == WARNING for p in problems)
    text = json.dumps({
        "problems": [{"file": p.file, "line": p.line, "col": p.col, "field": p.field,
                      "message": p.message, "severity": p.severity} for p in problems],
        "errors": errors, "warnings": warnings,
    }, indent=2, ensure_ascii=False)
    # the rest (DEL, C1, bidi) only occur inside its strings, where \uXXXX means the same
    return _NOT_C0.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _escape(text: str, property_: bool = False) -> str:
    """GitHub workflow commands' escaping (actions/toolkit: escapeData / escapeProperty)."""
    text = printable(text).replace("%", "%25")
    return text.replace(":", "%3A").replace(",", "%2C") if property_ else text


def as_github(problem: Problem) -> str:
    """A workflow annotation, shown on the pull request's diff at the file and line."""
    props = [f"file={_escape(problem.file, True)}"]
    if problem.line is not None:
        props += [f"line={problem.line}", f"col={problem.col or 1}"]
    if problem.field:
        props.append(f"title={_escape(problem.field, True)}")
    command = "notice" if problem.severity == NOTE else problem.severity
    return f"::{command} {','.join(props)}::{_escape(problem.message)}"
