"""Problems found in a project, and the one-line form a PR lead reads: FILE:LINE:COL: field: message."""

from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING, NOTE = "error", "warning", "note"  # a note: a check that waits for a fix


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
        if self.severity == NOTE:  # its message names the file and the line to fix
            return self.message
        where = self.file if self.line is None else f"{self.file}:{self.line}:{self.col or 1}"
        prefix = "" if self.is_error else "warning: "
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {prefix}{field}{self.message}"


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
    return json.dumps({
        "problems": [{"file": p.file, "line": p.line, "col": p.col, "field": p.field,
                      "message": p.message, "severity": p.severity} for p in problems],
        "errors": errors, "warnings": warnings,
    }, indent=2, ensure_ascii=False)


def _escape(text: str, property_: bool = False) -> str:
    """GitHub workflow commands' escaping (actions/toolkit: escapeData / escapeProperty)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
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
