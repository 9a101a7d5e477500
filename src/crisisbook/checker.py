"""The one way a project is loaded and checked, for `validate`, `build` and `serve`.

A Checker keeps each file's outcome (its problems, skipped checks and normalised data) under a
key made of the file's content, the playbook's, the date and crisisbook's own checking code, so
a file is parsed and checked once for as long as none of those change: the live preview keeps
one Checker between saves, and `validate` and `build` also remember outcomes on disk
(build/.cache: the problems, and for a build each scenario's normalised data, so the next build
parses and checks only the files that changed), signed with a key of the user's own so that a
cache folder restored or forged by anyone else is ignored.
Many files are checked on both cores (a bilingual scenario costs ~4 ms to parse and ~2 ms to
check: 1,000 of them are 6 s of CPU).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import secrets
import stat
from concurrent.futures import ProcessPoolExecutor
from dataclasses import astuple, dataclass
from itertools import chain
from pathlib import Path

from . import fsguard, settings
from .errors import CrisisbookError, LoadError
from .children import die_with_parent
from .links import check_docs
from .load import OPTIONAL_FILES, PLAYBOOK_FILES, Document, display_name, load_bytes, read_source, scenario_files
from .model import ALL_STAFF, TEAM, visible
from .report import WARNING, Problem, sort_key
from .validate import Playbook, check_playbook, check_scenario, skip_notes

log = logging.getLogger(__name__)

_CODE = ("load.py", "schema.py", "fastcheck.py", "pages.py", "validate.py", "i18n.py", "model.py", "report.py", "checker.py")
_PARALLEL_FROM = 64  # below this, starting worker processes costs more than it saves
STORE = Path("build") / ".cache" / "validate.json"
# one file per scenario: its normalised data as JSON, signed (a build's, to skip parsing it next time)
DATA = Path("build") / ".cache" / "data"
LISTED = ("scenarios", "playbook", "docs", "templates")  # the folders whose files crisisbook lists


@dataclass
class Project:
    """What one check found: the normalised data (when kept) and every problem, sorted."""

    playbook: dict[str, dict]  # "roles" -> normalised data, for the files that loaded
    scenarios: dict[str, tuple[str, dict]]  # id -> (file as shown, normalised data)
    problems: list[Problem]

    def failed(self, strict: bool = False) -> bool:
        """Any error (or, when strict, any warning)."""
        return any(p.is_error or (strict and p.severity == WARNING) for p in self.problems)


@dataclass
class _Outcome:
    problems: list[Problem]
    skips: list  # validate.Skip
    data: dict | None  # normalised, when the checker keeps data and the file loaded


class Checker:
    """Checks a project again and again, redoing only what changed since the last check.
    `keep`: hold each scenario's normalised data (a build and the preview need it, `validate`
    does not). `remember`: also keep outcomes in build/.cache between runs (`validate`, and
    `build`, which keeps the data there too)."""

    def __init__(self, root: Path, keep: bool = True, remember: bool = False):
        self.root, self.keep, self.remember = root, keep, remember
        # what build/.cache is written and read under: the real project folder, so fsguard checks
        # every folder from there down (`validate` is given "."; a `build` arriving as a link to
        # a folder elsewhere is then refused, not followed)
        self.real = Path(os.path.realpath(root))
        self._code = _code_key()
        self._playbook: tuple = (None, None)  # (key, (problems, skips, Playbook))
        self._outcomes: dict[str, _Outcome] = {}  # content key -> outcome, of the last check
        self._digests: dict[Path, tuple] = {}  # path -> (stat stamp, sha1 of its bytes)

    def check(self, on: dt.date, only: list[Path] | None = None) -> Project:
        """Every problem of the playbook and the scenarios (all, or those in `only`)."""
        pb_problems, pb_skips, pb = self._check_playbook()
        base = f"{self._code}:{self._playbook[0]}:{on.isoformat()}"
        signing = signing_key() if self.remember else None  # read once, not once per file
        stored = _read_store(self.real, self._store(), signing) if self.remember else {}
        known = {**stored, **self._outcomes}
        outcomes, todo, problems, files = {}, [], list(pb_problems), {}
        for path in self._scenarios(only):
            name = display_name(path, self.root)
            try:
                key, raw = self._key(path, name, base, known)
            except LoadError as e:  # unreadable: its one problem, not remembered
                problems.append(Problem(e.file, e.line, e.col, "", e.reason))
                continue
            files[key] = (path.stem, name)
            outcome = known.get(key)
            if outcome is not None and outcome.data is None and self.keep and self.remember:
                outcome = _remembered_data(self.real, outcome, key, signing)
            if outcome is not None and (outcome.data is not None or not self.keep):
                outcomes[key] = outcome
            else:
                todo.append((key, name, path.stem, raw or read_source(path, self.root, name)))
        data = self._data_folder() if self.remember and self.keep else None
        found = _check_many(pb, todo, on, self.keep, data and todo and (self.real, data, signing))
        outcomes.update({job[0]: outcome for job, outcome in zip(todo, found)})
        if self.remember and todo:
            # a check of some files keeps what is remembered of the others (the next full check
            # drops what no file has any more)
            _write_store(self.real, self._store(), outcomes if only is None else {**stored, **outcomes}, signing)
        if data and only is None:  # every scenario was seen: the data of any other file is stale
            _forget_data(data, outcomes)
        self._outcomes = outcomes  # only what this check used: edited files' old outcomes go
        skips, scenarios = list(pb_skips), {}
        for key, outcome in outcomes.items():
            problems += outcome.problems
            skips += outcome.skips
            if outcome.data is not None:
                sid, name = files[key]
                scenarios[sid] = (name, outcome.data)
        problems += skip_notes(skips) + self._check_docs(pb, scenarios) + settings.problems(self.real) + self._unread(only)
        return Project(pb.data, scenarios, sorted(problems, key=sort_key))

    def _unread(self, only: list[Path] | None) -> list[Problem]:
        """Files a PR lead means to be checked that no check reads: a scenario saved as .yml
        (the build would leave it out without a word), a named file outside the project, a file
        whose name is not UTF-8 (no listing has it)."""
        out = [Problem(display_name(path, self.root), None, None, "",
                       f"is not read: scenario files end in .yaml; rename it to {path.stem}.yaml")
               for path in fsguard.listed(self.root / "scenarios") if path.suffix.lower() in (".yml", ".yaml")
               and path.suffix != ".yaml"]
        out += [Problem(fsguard.readable(str(path)), None, None, "", "is outside the project: crisisbook checks "
                        "the project's own files (scenarios/*.yaml, playbook/*.yaml)")
                for path in only or [] if not Path(os.path.realpath(path)).is_relative_to(self.real)]
        return out + [Problem(name, None, None, "", fsguard.NOT_UTF8)
                      for name in fsguard.misnamed(self.real, [self.real / folder for folder in LISTED])]

    def _check_docs(self, pb: Playbook, scenarios: dict) -> list[Problem]:
        """The hand-written pages' links, against every page the handbook will have; not while
        the playbook parts that decide which pages there are cannot be read (their own problems
        say what to fix). `scenarios`: id -> (file, data) of those checked."""
        if any(part in pb.blocked for part in ("organisation", "roles", "contacts")):
            return []
        org = pb.parts["organisation"]
        ids = [path.stem for path in scenario_files(self.root)]
        return check_docs(self.real, ids, list(pb.parts["roles"]), list(org.languages), org.default,
                          _contacts_page(pb.parts["contacts"], (self._scenario(sid, scenarios) for sid in ids)),
                          self._team_only)

    def _scenario(self, sid: str, checked: dict):
        """A scenario's data: as checked, or read (a check of some files has not the others');
        None when it cannot be read (it says so on its own)."""
        if sid in checked:
            return checked[sid][1]
        path = self.root / "scenarios" / f"{sid}.yaml"
        name = display_name(path, self.root)
        try:
            data = load_bytes(read_source(path, self.root, name), name).data
        except LoadError:
            return None
        return data if isinstance(data, dict) else None

    def _team_only(self, sid: str) -> bool:
        """Whether a scenario is in the crisis team's edition only (read for the few that a
        hand-written page links to)."""
        data = self._scenario(sid, {})
        return data is not None and data.get("visibility") == TEAM

    def _check_playbook(self) -> tuple:
        """The playbook, checked again only when one of its files changed."""
        raws, failed = {}, []
        for stem in PLAYBOOK_FILES:
            path = self.root / "playbook" / f"{stem}.yaml"
            name = display_name(path, self.root)
            if not os.path.lexists(path) and stem in OPTIONAL_FILES:
                continue  # a project without outside contacts may leave contacts.yaml out
            try:
                if not os.path.lexists(path):
                    raise LoadError(name, "file is missing")
                raws[stem] = read_source(path, self.root, name)
            except LoadError as e:
                failed.append(Problem(e.file, e.line, e.col, "", e.reason))
        key = hashlib.sha1(repr((sorted(raws.items()), failed)).encode()).hexdigest()
        if self._playbook[0] != key:
            docs = {}
            for stem, raw in raws.items():
                name = f"playbook/{stem}.yaml"
                try:
                    docs[stem] = load_bytes(raw, name)
                except LoadError as e:
                    failed.append(Problem(e.file, e.line, e.col, "", e.reason))
            self._playbook = (key, check_playbook(docs, failed))
        return self._playbook[1]

    def _scenarios(self, only: list[Path] | None) -> list[Path]:
        """The scenario files named, or all of them when none is named or a playbook file is
        among the names (a change to the playbook can break any scenario)."""
        folder = os.path.realpath(self.root / "scenarios")
        if only is None or any(os.path.dirname(os.path.realpath(p)) != folder for p in only):
            return scenario_files(self.root)
        return sorted(p for p in only if p.suffix == ".yaml" and not fsguard.undecodable(p.name))

    def _key(self, path: Path, name: str, base: str, known: dict) -> tuple[str, bytes | None]:
        """The content key of one file, and its bytes when they had to be read. A file whose
        size, time and inode are unchanged since the last check is not read again."""
        try:
            info = os.stat(path)
            stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
        except OSError:
            stamp = None
        hit = self._digests.get(path)
        if stamp and hit and hit[0] == stamp and f"{base}:{name}:{hit[1]}" in known:
            return f"{base}:{name}:{hit[1]}", None
        raw = read_source(path, self.root, name)
        digest = hashlib.sha1(raw).hexdigest()
        if stamp:
            self._digests[path] = (stamp, digest)
        return f"{base}:{name}:{digest}", raw

    def _store(self) -> Path:
        return self.real / STORE

    def _data_folder(self) -> Path | None:
        """build/.cache/data, made if need be; None (nothing remembered) if that cannot be done
        safely: a link on the way, a read-only checkout."""
        try:
            return fsguard.make_dirs(self.real, self.real / DATA)
        except (OSError, CrisisbookError) as e:
            log.debug("scenario data not remembered: %s", e)
            return None


def check_project(root: Path, on: dt.date, only: list[Path] | None = None, keep: bool = True,
                  remember: bool = False) -> Project:
    """One check of a project (see Checker for repeated ones)."""
    return Checker(root, keep, remember).check(on, only)


def _code_key() -> str:
    here = Path(__file__).parent
    return hashlib.sha1(b"".join((here / name).read_bytes() for name in _CODE)).hexdigest()


# ---------------------------------------------------------------------------- checking, on both cores


def _check_many(pb: Playbook, jobs: list, on: dt.date, keep: bool, store: tuple | None) -> list[_Outcome]:
    """The outcome of each (content key, file name, scenario id, bytes) in `jobs`; with `store`
    (root, data folder, signing key), each worker also writes the data it checked there."""
    jobs = [(*job, on, keep) for job in jobs]
    workers = min(os.cpu_count() or 1, 2 if len(jobs) >= _PARALLEL_FROM else 1)
    if workers == 1:
        _worker_init(pb, store)
        return [_check_one(job) for job in jobs]
    # Each worker receives the playbook and the jobs once, as its initializer's arguments, and
    # is sent only their indexes: forked workers inherit those arguments without a copy through
    # a pipe (the files' bytes are 24-67 MB at 1,000 scenarios; pickling them to the workers took
    # this process's CPU while both workers needed the two cores). Each dies with this process.
    with ProcessPoolExecutor(workers, initializer=_worker_init, initargs=(pb, store, os.getpid(), jobs)) as pool:
        # chunks of 8: a worker that runs out of chunks waits at most for one of the other's
        # (30-50 ms of files, where 32 could leave one core idle for 0.1-0.2 s); each chunk
        # costs a message each way (indexes out; outcomes back, whose size does not change)
        return list(pool.map(_check_nth, range(len(jobs)), chunksize=8))


# in a worker (or this process): [the Playbook checked against, the data store, the jobs]
_worker: list = []


def _worker_init(pb: Playbook, store: tuple | None, parent: int | None = None, jobs: list | None = None) -> None:
    if parent:
        die_with_parent(parent)
    _worker[:] = [pb, store, jobs]


def _check_nth(i: int) -> _Outcome:
    return _check_one(_worker[2][i])


def _check_one(job) -> _Outcome:
    key, name, sid, raw, on, keep = job
    try:
        doc: Document = load_bytes(raw, name)
    except LoadError as e:
        return _Outcome([Problem(e.file, e.line, e.col, "", e.reason)], [], None)
    problems, skips = check_scenario(sid, doc, _worker[0], on)
    if keep and _worker[1]:
        _remember_data(*_worker[1], key, doc.data)
    return _Outcome(problems, skips, doc.data if keep else None)


# ---------------------------------------------------------------------------- the signed store
#
# CI restores build/.cache from a cache anyone with a pull request can have written, and a
# checkout may carry one: an outcome is trusted only if it is signed with a key that never
# leaves this user's own cache folder. A fresh CI runner has a fresh key, so a restored store is
# simply ignored there (a slower run, never a wrong one).


def signing_key() -> bytes | None:
    """This user's key, created on first use (0600, in a 0700 folder); None if there is no safe
    place for it (then nothing is remembered)."""
    try:
        folder = fsguard.private_folder()
        return _read_key(folder / "key") or _create_key(folder / "key")
    except OSError as e:
        log.debug("validation results are not remembered: %s", e)
        return None


def _read_key(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
            raise OSError(f"{path} is not a private file of this user")
        key = handle.read(64)
    if len(key) != 32:
        raise OSError(f"{path} is damaged; remove it")
    return key


def _create_key(path: Path) -> bytes:
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


_SHAPE = (str, (int, type(None)), (int, type(None)), str, str, str)  # Problem's fields


def _read_store(root: Path, store: Path, key: bytes | None) -> dict[str, _Outcome]:
    """The remembered outcomes whose signature holds. JSON, not pickle (reading it must never
    run code), checked field by field; anything else is ignored."""
    try:
        if not os.path.lexists(store):
            return {}
        outer = json.loads(fsguard.read_bytes(root, store, _STORE_LIMIT))
        body, mac = outer["entries"], outer["mac"]
        if key is None or not _same_mac(mac, _sign(key, body)):
            return {}
        return {k: _Outcome([_problem(p) for p in found], [_skip(s) for s in skips], None)
                for k, (found, skips) in json.loads(body).items()}
    except (OSError, ValueError, TypeError, AttributeError, KeyError, CrisisbookError):
        return {}


_STORE_LIMIT = 64 * fsguard.MAX_TEXT  # the problems of thousands of files


def _same_mac(given, expected: str) -> bool:
    """compare_digest raises on a str that is not ASCII: a forged file must be ignored, not crash."""
    return isinstance(given, str) and hmac.compare_digest(given.encode("utf-8"), expected.encode("ascii"))


def _sign(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


def _problem(fields) -> Problem:
    if len(fields) != len(_SHAPE) or not all(isinstance(f, t) for f, t in zip(fields, _SHAPE)):
        raise ValueError("not a remembered problem")
    return Problem(*fields)


def _skip(fields) -> tuple:
    if len(fields) != 3 or not isinstance(fields[0], str) or not isinstance(fields[1], str) \
            or not isinstance(fields[2], (int, type(None))):
        raise ValueError("not a remembered skip")
    return tuple(fields)


def _write_store(root: Path, store: Path, outcomes: dict[str, _Outcome], key: bytes | None) -> None:
    """Replace the store whole (fsguard: never through a link, readers never see half of it)."""
    if key is None:
        return
    body = json.dumps({k: [[astuple(p) for p in o.problems], [list(s) for s in o.skips]]
                       for k, o in outcomes.items()}, ensure_ascii=False)
    text = json.dumps({"entries": body, "mac": _sign(key, body)}, ensure_ascii=False)
    try:
        fsguard.write_bytes(root, store, text.encode("utf-8"))
    except (OSError, CrisisbookError) as e:  # a read-only checkout still validates, just without remembering
        log.debug("validation results not remembered: %s", e)


# A scenario's normalised data is plain JSON data (the loader keeps every key and scalar as text
# but for booleans and nulls; the schema makes a few fields integers), so JSON gives it back
# exactly; anything else (a float, a date) raises, and that file is simply not remembered.
# Each file is signed with its content key inside: a file copied under another key's name fails.

def _data_file(folder: Path, key: str) -> Path:
    return folder / (hashlib.sha1(key.encode("utf-8")).hexdigest() + ".json")


def _remember_data(root: Path, folder: Path, signing: bytes | None, key: str, data: dict) -> None:
    if signing is None:
        return
    try:
        text = json.dumps(data, ensure_ascii=False, allow_nan=False, default=_not_json)
        entry = f"{_sign(signing, key + chr(10) + text)}\n{text}".encode("utf-8")
        fsguard.write_bytes(root, _data_file(folder, key), entry, folders_checked=True)
    except (TypeError, ValueError, OSError, CrisisbookError) as e:
        log.debug("the data of %s is not remembered: %s", key.rsplit(":", 2)[-2], e)


def _not_json(value):
    raise TypeError(f"{type(value).__name__} is not JSON data")


def _remembered_data(root: Path, outcome: _Outcome, key: str, signing: bytes | None) -> _Outcome | None:
    """The outcome with its data read back from the store; None if there is none to trust."""
    try:
        mac, _, text = fsguard.read_bytes(root, _data_file(root / DATA, key), 4 * fsguard.MAX_TEXT) \
            .decode("utf-8").partition("\n")
        if signing is None or not _same_mac(mac, _sign(signing, key + chr(10) + text)):
            return None
        data = json.loads(text)
    except (OSError, ValueError, CrisisbookError):
        return None
    return _Outcome(outcome.problems, outcome.skips, data) if isinstance(data, dict) else None


def _forget_data(folder: Path, outcomes: dict[str, _Outcome]) -> None:
    """Remove the data of files no longer in the project, or no longer as they were."""
    kept = {_data_file(folder, key).name for key in outcomes}
    try:
        for entry in fsguard.entries(folder):
            if entry.name not in kept and entry.parent == folder:
                fsguard.remove(entry)
    except OSError as e:  # a read-only cache folder: the next build tries again
        log.debug("stale scenario data not removed: %s", e)


def _contacts_page(playbook: dict, scenarios) -> str | None:
    """Which editions have the Contacts page, as model.build_handbook decides (a page of the
    contacts every edition shows, of the playbook's and of each scenario's own): "all", "team"
    (the crisis team's only) or None. A hand-written page linking to it was refused when only
    scenarios had contacts, though the build writes it."""
    found = None
    lists = chain([(playbook, True)], ((d.get("contacts"), visible(d, ALL_STAFF)) for d in scenarios if d))
    for contacts, shown in lists:  # (the scenarios are read one by one, as far as needed)
        if not isinstance(contacts, dict) or not contacts:
            continue
        if shown and any(isinstance(c, dict) and visible(c, ALL_STAFF) for c in contacts.values()):
            return "all"
        found = "team"
    return found
