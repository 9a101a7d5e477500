"""Problems found in a project, and the one-line form a PR lead reads: FILE:LINE:COL: field: message."""

from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING = "error", "warning"


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
    return (problem.file, problem.line or 0, problem.col or 0, problem.field, problem.message)


def summary(problems: list[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return "no problems found"
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
