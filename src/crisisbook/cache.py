"""Loading and checking many scenarios quickly.

`crisisbook validate` remembers each scenario's problems by content: a file whose bytes, the
playbook, the date and crisisbook's own checking code are unchanged is not parsed again. A cold
run, and the load-and-check stage of a build, parse scenarios on both cores (a bilingual scenario
costs ~4 ms to parse and ~2 ms to check: 1,000 of them are 6 s of CPU)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import astuple
from pathlib import Path

from . import fsguard
from .children import die_with_parent
from .errors import CrisisbookError
from .load import (Document, LoadError, Sources, _display, _scenarios_to_load, load_bytes, load_project,
                   read_source)
from .report import Problem, sort_key
from .validate import validate_playbook, validate_scenario

_CODE = ("load.py", "schema.py", "fastcheck.py", "validate.py", "i18n.py", "model.py", "report.py")
_PARALLEL_FROM = 64  # below this, starting worker processes costs more than it saves


def _code_key() -> str:
    here = Path(__file__).parent
    return hashlib.sha1(b"".join((here / name).read_bytes() for name in _CODE)).hexdigest()


def check_cached(root: Path, only: list[Path] | None, on: dt.date) -> list[Problem]:
    sources, problems, ok = _playbook_checked(root)
    playbook = hashlib.sha1(b"".join(read_source(root, root / "playbook" / f"{s}.yaml")
                                     for s in sorted(sources.playbook))).hexdigest()
    base = f"{_code_key()}:{playbook}:{ok}:{on.isoformat()}"
    store = root / "build" / ".cache" / "validate.json"
    cache = _read(root, store)
    todo, keys = [], {}
    for path, raw in _read_scenarios(root, only, problems):
        keys[path] = key = f"{base}:{_display(path, root)}:{hashlib.sha1(raw).hexdigest()}"
        if key in cache:
            problems += cache[key]
        else:
            todo.append((path, raw))
    if todo:
        found = [problems for problems, _ in _check_many(sources, todo, ok, on, keep=False)]
        for (path, _), result in zip(todo, found):
            cache[keys[path]] = result
            problems += result
        _write(root, store, {key: cache[key] for key in keys.values()})
    return sorted(problems, key=sort_key)


def check_all(root: Path, on: dt.date) -> tuple[Sources, list[Problem]]:
    """Load and validate the whole project, as validate.check does, scenarios on both cores.
    The scenarios come back as their normalised data only: positions are needed to report
    problems, and those are already reported."""
    sources, problems, ok = _playbook_checked(root)
    todo = _read_scenarios(root, None, problems)
    for (path, _), (found, data) in zip(todo, _check_many(sources, todo, ok, on, keep=True)):
        problems += found
        if data is not None:
            sources.scenarios[path.stem] = Document(_display(path, root), data)
    return sources, sorted(problems, key=sort_key)


def _playbook_checked(root: Path) -> tuple[Sources, list[Problem], bool]:
    """The playbook alone, loaded and validated (hence normalised), its problems, and whether
    scenarios can be checked against it."""
    sources = load_project(root, only=[])
    problems, ok = validate_playbook(sources)
    return sources, problems, ok


def _read_scenarios(root: Path, only: list[Path] | None, problems: list[Problem]) -> list[tuple[Path, bytes]]:
    """(path, bytes) of the scenario files to check; a file that cannot be read is a problem."""
    out = []
    for path in _scenarios_to_load(root, only):
        try:
            out.append((path, read_source(root, path)))
        except LoadError as e:
            problems.append(Problem(e.file, None, None, "", e.reason))
    return out


def _check_many(sources: Sources, todo: list, ok: bool, on: dt.date, keep: bool) -> list[tuple]:
    """(problems, normalised data or None) of each file; the data only when `keep`. `sources`
    holds the playbook, loaded and validated (hence normalised) by the caller."""
    jobs = [(str(path), raw, ok, on, keep) for path, raw in todo]
    workers = min(os.cpu_count() or 1, 2 if len(jobs) >= _PARALLEL_FROM else 1)
    if workers == 1:
        _worker_playbook(sources)
        return [_check_one(job) for job in jobs]
    # each worker receives the caller's playbook once, not with every file
    with ProcessPoolExecutor(workers, initializer=_worker_playbook,
                             initargs=(sources, os.getpid())) as pool:
        return list(pool.map(_check_one, jobs, chunksize=32))


_playbook: list = []  # in a worker (or this process): the Sources holding the playbook checked against


def _worker_playbook(sources: Sources, parent: int | None = None) -> None:
    if parent:
        die_with_parent(parent)
    _playbook[:] = [Sources(sources.root, sources.playbook)]


def _check_one(job) -> tuple[list[Problem], dict | None]:
    path, raw, ok, on, keep = job
    root, path = _playbook[0].root, Path(path)
    name = _display(path, root)
    try:
        doc = load_bytes(raw, name)  # read by read_source, which checked the path before reading
    except LoadError as e:
        return [Problem(e.file, e.line, e.col, "", e.reason)], None
    checking = Sources(root, _playbook[0].playbook, {path.stem: doc})
    return validate_scenario(path.stem, doc, checking, ok, on), doc.data if keep else None


def _read(root: Path, store: Path) -> dict:
    """The remembered problems. JSON, not pickle: CI may restore this folder from a cache, and
    reading it must never run code; anything malformed, or linked elsewhere, is ignored (only a
    slower run)."""
    try:
        data = json.loads(fsguard.read_bytes(root.resolve(), store, 100 * fsguard.MAX_TEXT))
        return {key: [_problem(fields) for fields in found] for key, found in data.items()}
    except (CrisisbookError, ValueError, TypeError, AttributeError):
        return {}


_SHAPE = (str, (int, type(None)), (int, type(None)), str, str, str)  # Problem's fields


def _problem(fields) -> Problem:
    if len(fields) != len(_SHAPE) or not all(isinstance(f, t) for f, t in zip(fields, _SHAPE)):
        raise ValueError("not a remembered problem")
    return Problem(*fields)


def _write(root: Path, store: Path, data: dict) -> None:
    try:
        fsguard.write_bytes(root.resolve(), store, json.dumps(
            {key: [astuple(p) for p in found] for key, found in data.items()}, ensure_ascii=False).encode())
    except (OSError, CrisisbookError):
        pass  # a read-only checkout still validates, just without remembering
