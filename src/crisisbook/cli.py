"""The command line: parses arguments and prints; the work happens in build.py and friends."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from . import __version__
from .errors import CrisisbookError, EngineFailed, ValidationFailed
from .report import printable, summary

project_option = click.option(
    "-p", "--project", type=click.Path(file_okay=False, path_type=Path), default=".",
    show_default=True, help="The handbook repository (holds playbook/, scenarios/, templates/).")

audience_option = click.option(
    "--audience", type=click.Choice(["all-staff", "team"]), default="all-staff", show_default=True,
    help="all-staff: the handbook every employee may read, without team-only content; "
         "team: the crisis team's edition, with everything.")


class _Group(click.Group):
    """Turns an unexpected exception (a bug, or an OS error we did not foresee) into one line;
    `-v` shows the traceback for a bug report."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.ClickException as e:  # the message may quote data: file names, values
            # (the engine's lines stay lines; any other line break in a message is shown as \n)
            lines = e.message.split("\n") if isinstance(e, EngineFailed) else [e.message]
            e.message = "\n".join(printable(line) for line in lines)
            raise
        except (click.exceptions.Exit, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except OSError as e:
            raise click.ClickException(printable(f"{e.filename or 'file'}: {e.strerror}")) from e
        except Exception as e:
            if logging.getLogger().isEnabledFor(logging.DEBUG):
                raise
            raise click.ClickException(f"internal error: {e!r}; run with -v for details and "
                                       f"report it") from e


def tune_gc() -> None:
    """A handbook is many long-lived objects (every scenario's data, model and pages) and almost
    no reference cycles, so CPython's default threshold (a young collection every 700
    allocations, promoting into ever larger scans) spent more time collecting than loading:
    11.6 s instead of 4.2 s for 1,000 scenarios (BENCHMARKS.md). Collect far less often."""
    import gc

    gc.set_threshold(100_000, 50, 1_000)


CHATTY = ("weasyprint", "fontTools")  # libraries that log every step of a PDF at INFO


@click.group(cls=_Group)
@click.version_option(__version__)
@click.option("-v", "--verbose", is_flag=True, help="Say more about what happens.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
def main(verbose: bool, quiet: bool) -> None:
    """crisisbook: crisis playbooks in YAML, checked and built into an intranet handbook."""
    tune_gc()
    level = logging.DEBUG if verbose else logging.ERROR if quiet else logging.INFO
    logging.basicConfig(level=level, format="%(message)s")
    for name in CHATTY:  # their progress ("Step 5 - Creating layout - Page 3") only with -v
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else logging.WARNING)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_printable_record)


def _printable_record(record: logging.LogRecord) -> bool:
    """Log messages may quote data too: written with their control characters escaped."""
    record.msg, record.args = printable(record.getMessage()), ()
    return True


@main.command(name="validate")
@project_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="text: FILE:LINE:COL lines; json: one document; "
              "github: workflow annotations shown on the pull request's diff.")
@click.option("--strict", is_flag=True, help="Fail on warnings too (overdue reviews, TODO markers).")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def validate_cmd(project: Path, fmt: str, strict: bool, paths: tuple[Path, ...]) -> None:
    """Check the playbook and scenarios (all, or the scenario files given) and print every
    problem, sorted by file and line. Exits 1 if there is any error (or warning, with --strict)."""
    from .checker import check_project
    from .report import as_github, as_json
    from .validate import today

    found = check_project(project, today(), list(paths) or None, keep=False, remember=True)
    problems = found.problems
    if fmt == "json":
        click.echo(as_json(problems))
    else:
        for problem in problems:
            click.echo(as_github(problem) if fmt == "github" else str(problem))
        click.echo(summary(problems), err=True)
    if found.failed(strict):
        raise SystemExit(1)



@main.command()
@project_option
@click.option("-d", "--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to put the site (default: PROJECT/site).")
@click.option("--strict", is_flag=True, help="Fail on warnings too (overdue reviews, TODO markers).")
@click.option("--engine", type=click.Choice(["mkdocs", "properdocs"]), default="mkdocs", show_default=True,
              help="The site engine that turns the Markdown into HTML.")
@click.option("--offline", is_flag=True, help="A site that works opened from disk (file://), search included.")
@audience_option
def build(project: Path, site_dir: Path | None, strict: bool, engine: str, offline: bool, audience: str) -> None:
    """Validate, render and build the handbook into site/. On any error the previous site/ is
    left exactly as it was."""
    from .build import build as run

    warnings = run(project, site_dir, strict=strict, engine=engine, offline=offline,
                   audience=audience)  # errors print their problems
    for problem in warnings:
        click.echo(str(problem), err=True)
    click.echo(f"Handbook built into {site_dir or project / 'site'}", err=True)


@main.command()
@project_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
@click.option("--lang", default=None, help="Language to preview (default: the handbook's default), at the address `build` "
                   "publishes it at (/zh-Hant/).")
@click.option("--engine", type=click.Choice(["mkdocs", "properdocs"]), default="mkdocs", show_default=True,
              help="The site engine that turns the Markdown into HTML.")
@audience_option
def serve(project: Path, dev_addr: str, lang: str | None, engine: str, audience: str) -> None:
    """Live preview: re-renders when a YAML file or template changes, and reloads the browser."""
    from .serve import serve as run

    run(project, dev_addr, lang, engine, audience)


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default="schema",
              show_default=True, help="Folder for the JSON Schema files.")
def schema(out: Path) -> None:
    """Write JSON Schema (draft-07) for scenarios and each playbook file, for editors."""
    from .schema_export import write

    for path in write(out):
        click.echo(f"wrote {path}", err=True)


@main.group()
def new() -> None:
    """Create new files from the templates in templates/scaffold/."""


@new.command(name="scenario")
@project_option
@click.argument("scenario_id")
@click.option("--category", required=True, help="One of the categories in the README.")
@click.option("--title", default=None, help="The scenario's title (default: from the id).")
@click.option("--languages", default=None, metavar="LANG[,LANG…]",
              help="Write it in these of the handbook's languages only (default: all of them).")
def new_scenario_cmd(project: Path, scenario_id: str, category: str, title: str | None,
                     languages: str | None) -> None:
    """Write scenarios/SCENARIO_ID.yaml, valid at once, with TODO markers to replace."""
    from .validate import today
    from .scaffold import new_scenario

    wanted = [lang.strip() for lang in languages.split(",") if lang.strip()] if languages else None
    path = new_scenario(project, scenario_id, category, title, today(), wanted)
    click.echo(f"wrote {path}; replace every TODO, then run `crisisbook validate --strict`", err=True)
    owners = Path(".github") / "CODEOWNERS"
    if (project / owners).exists():  # CI checks it names every scenario's owners: the new one too
        try:
            _write_codeowners(project, owners)
            click.echo(f"added it to {owners}: its owner role reviews changes to it", err=True)
        except CrisisbookError:  # another file does not validate yet: no handbook to read owners from
            click.echo(f"once `crisisbook validate` passes, run `crisisbook codeowners` ({owners} must name "
                       "the new scenario's owners, or CI fails)", err=True)


@new.command(name="handbook")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def new_handbook_cmd(directory: Path) -> None:
    """Create a handbook repository in DIRECTORY: playbook skeleton, a first scenario, site
    settings, templates, schema, CI workflow, pre-commit hook and a README for the team."""
    from .scaffold import new_handbook
    from .validate import today

    written = new_handbook(directory, today())
    click.echo(f"wrote {len(written)} files into {directory}; next: cd {directory} && make site, "
               f"then replace every TODO (`crisisbook validate --strict` lists them)", err=True)


@main.command(name="codeowners")
@project_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=".github/CODEOWNERS",
              show_default=True, help="Where the file goes, relative to the project.")
@click.option("--check", is_flag=True, help="Exit 1 if the file is not up to date, instead of writing it.")
def codeowners_cmd(project: Path, out: Path, check: bool) -> None:
    """Write CODEOWNERS so each scenario's owner role reviews changes to it: crisisbook's block
    between its marker lines; every other line is kept as written."""
    from .codeowners import stale

    if check:  # crisisbook's block only: the project's own lines are the project's
        behind = stale(*_codeowners(project, out))
        if behind is not None:
            raise click.ClickException(f"{out} is out of date ({behind}): run `crisisbook codeowners` and commit it")
        return
    _write_codeowners(project, out)
    click.echo(f"wrote {out}", err=True)


def _codeowners(project: Path, out: Path):
    """(the handbook, the file's text or None): what the block is made from, and what it is now."""
    import os

    from . import fsguard
    from .build import handbook_of

    try:
        hb, _ = handbook_of(project, audience="team")  # every scenario has an owner, team-only ones too
    except ValidationFailed as e:  # said by validate (and the hook before this one): not twice
        errors = sum(p.is_error for p in e.problems)
        raise click.ClickException(f"{out} can be checked once `crisisbook validate` passes (it finds "
                                   f"{errors} error{'s' if errors != 1 else ''} now)") from None
    root = project.resolve()
    target = root / out
    return hb, fsguard.read_text(root, target) if os.path.lexists(target) else None, str(out)


def _write_codeowners(project: Path, out: Path) -> None:
    from . import fsguard
    from .codeowners import updated

    hb, current, name = _codeowners(project, out)
    fsguard.write_bytes(project.resolve(), project.resolve() / out, updated(current, hb, name).encode())


@main.command()
@project_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default="dist",
              show_default=True, help="Folder for the zip.")
@audience_option
def bundle(project: Path, out: Path, audience: str) -> None:
    """Zip the offline edition (works from disk, search included), stamped with its version."""
    from .bundle import bundle as run

    click.echo(f"wrote {run(project, out, audience)}", err=True)


@main.command(name="print")
@project_option
@click.argument("scenarios", nargs=-1)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default="print", show_default=True)
@click.option("--lang", default=None, help="Language of the paper (default: the handbook's default).")
@audience_option
def print_cmd(project: Path, scenarios: tuple[str, ...], out: Path, lang: str | None, audience: str) -> None:
    """PDFs for paper: per scenario a one-page checklist, action cards per role and the full
    scenario; with no SCENARIO given, all of them plus the whole handbook."""
    from .printing import print_scenarios

    for path in print_scenarios(project, list(scenarios), out, lang, audience):
        click.echo(f"wrote {path}", err=True)


@main.command()
@project_option
@click.argument("scenario")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default="print", show_default=True)
@click.option("--lang", default=None, help="Language of the pack (default: the handbook's default).")
@audience_option
def drill(project: Path, scenario: str, out: Path, lang: str | None, audience: str) -> None:
    """A tabletop exercise pack for SCENARIO from its drill: section."""
    from .drill import drill_pack

    for path in drill_pack(project, scenario, out, lang, audience):
        click.echo(f"wrote {path}", err=True)
