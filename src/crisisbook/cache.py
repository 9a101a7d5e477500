"""`crisisbook validate` remembers each scenario's problems by content: a file whose bytes, the
playbook, the date and crisisbook's own checking code are unchanged is not parsed again. A cold
run parses on both cores. (Cerberus takes ~15 ms for a full bilingual scenario: 1,000 of them
take 15 s of CPU, so checking only what changed is what keeps a PR lead's run short.)"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .load import LoadError, Sources, _check_inside, _display, load_bytes, load_project
from .report import Problem, sort_key
from .validate import validate_playbook, validate_scenario

_CODE = ("load.py", "schema.py", "validate.py", "i18n.py", "model.py", "report.py")
_PARALLEL_FROM = 64  # below this, starting worker processes costs more than it saves


def _code_key() -> str:
    here = Path(__file__).parent
    return hashlib.sha1(b"".join((here / name).read_bytes() for name in _CODE)).hexdigest()


def check_cached(root: Path, only: list[Path] | None, on: dt.date) -> list[Problem]:
    sources = load_project(root, only=[])  # the playbook only
    problems, ok = validate_playbook(sources)
    problems += [p for p in sources.problems if not p.file.startswith("playbook/")]
    playbook = hashlib.sha1(b"".join((root / "playbook" / f"{s}.yaml").read_bytes()
                                     for s in sorted(sources.playbook))).hexdigest()
    base = f"{_code_key()}:{playbook}:{ok}:{on.isoformat()}"
    store = root / "build" / ".cache" / "validate.pickle"
    cache = _read(store)
    paths = _paths(root, only)
    todo, keys = [], {}
    for path in paths:
        try:
            raw = path.read_bytes()
        except OSError as e:
            problems.append(Problem(_display(path, root), None, None, "", f"cannot read file: {e.strerror}"))
            continue
        keys[path] = key = f"{base}:{_display(path, root)}:{hashlib.sha1(raw).hexdigest()}"
        if key in cache:
            problems += cache[key]
        else:
            todo.append((path, raw))
    if todo:
        found = _check_many(root, todo, ok, on)
        for (path, _), result in zip(todo, found):
            cache[keys[path]] = result
            problems += result
        _write(store, {keys[p]: cache[keys[p]] for p in paths if p in keys})
    return sorted(problems, key=sort_key)


def _paths(root: Path, only: list[Path] | None) -> list[Path]:
    from .load import _scenarios_to_load
    return _scenarios_to_load(root, only)


def _check_many(root: Path, todo: list, ok: bool, on: dt.date) -> list[list[Problem]]:
    jobs = [(str(root), str(path), raw, ok, on) for path, raw in todo]
    workers = min(os.cpu_count() or 1, 2 if len(jobs) >= _PARALLEL_FROM else 1)
    if workers == 1:
        return [_check_one(job) for job in jobs]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(_check_one, jobs, chunksize=32))


_playbooks: dict = {}  # per worker process: root -> Sources with the playbook


def _check_one(job) -> list[Problem]:
    root, path, raw, ok, on = job
    root, path = Path(root), Path(path)
    sources = _playbooks.get(root)
    if sources is None:
        sources = _playbooks[root] = load_project(root, only=[])
        validate_playbook(sources)  # normalises the playbook documents, as in a whole run
    name = _display(path, root)
    try:
        _check_inside(path, root, name)
        doc = load_bytes(raw, name)
    except LoadError as e:
        return [Problem(e.file, e.line, e.col, "", e.reason)]
    checking = Sources(root, sources.playbook, {path.stem: doc})
    return validate_scenario(path.stem, doc, checking, ok, on)


def _read(store: Path) -> dict:
    try:
        with open(store, "rb") as handle:
            data = pickle.load(handle)
        return data if isinstance(data, dict) else {}
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return {}  # a missing or unreadable cache is only a slower run


def _write(store: Path, data: dict) -> None:
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        tmp = store.with_suffix(".tmp")
        with open(tmp, "wb") as handle:
            pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(store)
    except OSError:
        pass  # a read-only checkout still validates, just without remembering
