"""The one exception hierarchy of crisisbook.

Every error a user can cause is a CrisisbookError. It subclasses click's ClickException so the CLI
prints the message and exits 1 without a traceback and without try/except in every command
(the pattern of mkdocs/exceptions.py).
"""

from __future__ import annotations

import click


class CrisisbookError(click.ClickException):
    """Base of every error crisisbook reports to a user."""

    def show(self, file=None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


class LoadError(CrisisbookError):
    """A file could not be read or parsed as YAML. Carries the place, for one-line reports."""

    def __init__(self, file: str, message: str, line: int | None = None, col: int | None = None):
        self.file, self.line, self.col, self.reason = file, line, col, message
        where = file if line is None else f"{file}:{line}:{col or 1}"
        super().__init__(f"{where}: {message}")

    def __reduce__(self):  # a forked worker's error travels back to the parent pickled
        return type(self), (self.file, self.reason, self.line, self.col)


class UnsafePath(LoadError):
    """A file crisisbook will not read or write: a link out of the project or into .git, a
    device, pipe or folder where a file belongs, a file over its size limit, or a link where
    output goes (see fsguard.py)."""


class ValidationFailed(CrisisbookError):
    """The project has problems: shown one per line, then the summary, by whichever command met them."""

    def __init__(self, problems):
        self.problems = problems
        from .report import summary

        super().__init__(f"{summary(problems)}; nothing was built")

    def show(self, file=None) -> None:
        for problem in self.problems:
            click.echo(str(problem), err=True)
        super().show(file)


class RenderError(CrisisbookError):
    """A template failed: a bug in a template, reported with its name and line."""


class PrintError(CrisisbookError):
    """A document is past the limits of what crisisbook prints (pages or time)."""


class BuildError(CrisisbookError):
    """The site engine failed, or the output could not be put in place."""


class EngineFailed(BuildError):
    """The site engine failed: the message, then the engine's own lines, one per line."""

    def __init__(self, message: str, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join([message, *lines]))
