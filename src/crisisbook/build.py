"""The orchestrator: load -> validate -> model -> render -> write -> site engine -> swap into place.

Everything is gathered and checked before anything is written, and the site is built in a
staging folder beside the output and renamed into place only when the engine succeeded, so a
failed build leaves the previous site exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import gc
import hashlib
import logging
import multiprocessing
import os
import posixpath
import queue
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


from . import children, fsguard
from .errors import BuildError, EngineFailed, ValidationFailed
from .model import ALL_STAFF, Handbook, build_handbook
from .render import Rendered, Renderer
from . import search
from .site import THEME, Edition, alternates, docs_files, editions, engine_config, localise_offline, theme_files, write_config
from .checker import Project, check_project
from .validate import today

log = logging.getLogger(__name__)

MARKER = ".crisisbook-site"  # in every site we build: only such a folder is ever replaced
WORK = "build"  # git-ignored: generated Markdown, the engine's config, staging folders
STAGING = ".staging-"  # prefix of the folders under build/ a build writes its Markdown in
SITE_STAGING = ".crisisbook-staging-"  # .<site>.crisisbook-staging-*: the new site, beside the old one
STAGED = ".crisisbook-staging"  # the marker in such a folder: only marked ones are cleared
ASIDE = ".crisisbook-old-"  # .<site>.crisisbook-old-*: the previous site, while a swap cannot be atomic
# The site engine is one command. MkDocs 1.x is unmaintained; ProperDocs, its maintained fork,
# reads the same config and Markdown (tested), so moving engines is a change of this table.
# The theme's search plugin segments Chinese with jieba whenever it can import it, loading
# jieba's dictionary (4 s) in every edition, English too; crisisbook makes the search index
# itself (search.py), so the engine runs with that import blocked.
_WITHOUT_JIEBA = "import runpy, sys; sys.modules['jieba'] = None; runpy.run_module({!r}, run_name='__main__', alter_sys=True)"
ENGINES = {
    "mkdocs": [sys.executable, "-c", _WITHOUT_JIEBA.format("mkdocs"), "build", "--strict"],
    "properdocs": [sys.executable, "-c", _WITHOUT_JIEBA.format("properdocs"), "build", "--strict"],
}


def build_epoch(root: Path, hb: Handbook) -> int:
    """The moment a build is "made at", never the clock, so one commit always builds to the same
    bytes: SOURCE_DATE_EPOCH when set, else the time of the last git commit, else the newest
    last_reviewed date in the data."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return int(epoch)
    try:
        proc = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct"],
                              capture_output=True, text=True, timeout=10)
        if proc.returncode == 0 and proc.stdout.strip().isdigit():
            return int(proc.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    newest = max((sc.last_reviewed for sc in hb.scenarios), default=dt.date(1970, 1, 1))
    return int(dt.datetime.combine(newest, dt.time(), dt.timezone.utc).timestamp())


def epoch_date(epoch: int) -> dt.date:
    """The date pages judge review banners by: the build epoch's (the live preview's too)."""
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).date()


def handbook_of(root: Path, on: dt.date | None = None, strict: bool = False,
                audience: str = ALL_STAFF) -> tuple[Handbook, list]:
    """A validated Handbook for `audience` (all-staff, or team: see model.build_handbook) and
    its warnings, or ValidationFailed with every problem (warnings count as errors when strict)."""
    return handbook(check_project(root, on or today()), strict, audience=audience)


def handbook(project: Project, strict: bool = False, memo: dict | None = None,
             audience: str = ALL_STAFF) -> tuple[Handbook, list]:
    """The Handbook of a checked project for `audience`, or ValidationFailed with every problem."""
    if project.failed(strict):
        raise ValidationFailed(project.problems)
    return build_handbook(project.playbook, project.scenarios, memo, audience=audience), project.problems


@dataclass
class Plan:
    """What one build writes: for every edition (language), its Markdown and engine config."""

    editions: list[Edition]
    rendered: dict[str, Rendered]  # lang -> pages and nav
    files: dict[str, dict[str, bytes]]  # lang -> Markdown folder contents
    site_url: str | None = None  # where the handbook is published (organisation.yaml)


def plan(root: Path, hb: Handbook, on: dt.date, offline: bool = False, langs: list[str] | None = None,
         renderer: Renderer | None = None, cache: dict | None = None, workers: int = 1) -> Plan:
    """Render every edition (or those in `langs`). The live preview passes its own renderer and
    page cache so that an edit re-renders only what it changed."""
    renderer = renderer or Renderer(root / "templates")
    all_editions = editions(hb, renderer.strings)
    rendered, files = {}, {}
    for edition in all_editions:
        if langs is not None and edition.lang not in langs:
            continue
        links = lambda page, target=None, e=edition: alternates(page, e, all_editions, offline, target)  # noqa: E731
        rendered[edition.lang] = renderer.render(hb, on, edition.lang, links, cache, workers)
        note = (renderer.strings.get(edition.lang) or {}).get("untranslated_page", "")
        files[edition.lang] = docs_files(root, rendered[edition.lang], edition, list(hb.languages), note, cache)
    return Plan(all_editions, rendered, files, hb.organisation.get("site_url"))


def write_docs(root: Path, files: dict[str, bytes], docs: Path, known: dict | None = None) -> list[str]:
    """Make `docs` (inside the project `root`) hold exactly `files`; only files whose bytes
    changed are rewritten (so a live preview reloads just those). Returns the paths written.
    `known` (the live preview's) maps each file this process wrote to a hash of its bytes, which
    spares reading them back. No folder on the way may be a link (fsguard)."""
    written, folders = [], set()
    for name, data in sorted(files.items()):
        target = _inside(docs, name)
        if known is not None and known.get(target) == hash(data) and fsguard.is_file(target):
            continue
        if known is not None:
            known[target] = hash(data)
        if not fsguard.same_bytes(target, data):
            if target.parent not in folders:
                folders.add(fsguard.make_dirs(root, target.parent))
            fsguard.write_bytes(root, target, data, folders_checked=True)
            written.append(name)
    for stale in fsguard.entries(fsguard.make_dirs(root, docs)):
        if stale.relative_to(docs).as_posix() not in files:
            fsguard.remove(stale)  # a link is removed, never what it points at
    return written


def _inside(folder: Path, name: str) -> Path:
    """folder/name, refused if it would land outside folder (ids are slugs, but belt and braces)."""
    norm = posixpath.normpath(name)
    if norm == ".." or norm.startswith(("../", "/")):
        raise BuildError(f"refusing to write '{name}': it is outside the output folder")
    return folder / norm


def write_edition(root: Path, p: Plan, edition: Edition, work: Path, site: Path, offline: bool,
                  known: dict | None = None) -> tuple[Path, list]:
    """Write one edition's Markdown under work/docs/<lang> and its engine config; returns the
    config's path and the pages written."""
    written = write_docs(root, p.files[edition.lang], work / "docs" / edition.lang, known)
    theme = theme_files(root)
    if theme is not None:
        write_docs(root, theme, work / "theme", known)
    elif os.path.lexists(work / "theme"):
        fsguard.remove(work / "theme")
    return edition_config(root, p, edition, work, site, offline, known), written


def edition_config(root: Path, p: Plan, edition: Edition, work: Path, site: Path, offline: bool,
                   known: dict | None = None) -> Path:
    """Write the engine config of one edition whose Markdown is (or will be) in work/docs/<lang>."""
    theme = work / "theme"
    config = engine_config(root, p.rendered[edition.lang], work / "docs" / edition.lang, site / edition.prefix,
                           edition, offline, p.files[edition.lang], p.site_url,
                           theme if os.path.lexists(root / THEME) else None)
    target = work / f"mkdocs.{edition.lang}.yml"
    if known is not None and known.get(target) == config and target.exists():
        return target  # the live preview: unchanged since it was last written
    if known is not None:
        known[target] = config
    return write_config(root, config, target)


def _outline(p: Plan, lang: str) -> Plan:
    """A plan without its page texts: enough to write the engine config again, while the memory
    of an edition's Markdown is given back as soon as it is on disk."""
    rendered = p.rendered[lang]
    return Plan(p.editions, {lang: Rendered(dict.fromkeys(rendered.pages, ""), rendered.nav)},
                {lang: dict.fromkeys(p.files[lang], b"")}, p.site_url)


def build(root: Path, site: Path | None = None, on: dt.date | None = None, strict: bool = False,
          engine: str = "mkdocs", offline: bool = False, audience: str = ALL_STAFF) -> list:
    """Build the handbook into `site` (default: root/site). Returns the warnings.
    `on` is the date review banners are judged by (default: the build epoch's date).
    `audience` team builds the crisis team's edition, with the team-only content."""
    timeline("started", start=True)
    root = root.resolve()
    site = Path(os.path.abspath(site or root / "site"))
    _check_replaceable(site)
    if not os.path.lexists(root / "mkdocs.yml"):
        raise BuildError(f"{root / 'mkdocs.yml'} is missing: it holds the site's settings (theme, search)")
    # load and validate every file; unchanged ones come back from build/.cache already checked
    project = check_project(root, on or today(), remember=True)
    timeline("checked")
    hb, problems = handbook(project, strict, audience=audience)  # the model, or every problem
    timeline("model built")
    with _frozen():
        return _build(root, site, hb, problems, on, engine, offline)


@contextmanager
def _frozen():
    """The checked data and the model live until the build ends: moved out of the garbage
    collector's sight, they are not scanned again and again while pages are rendered, and the
    forked renderers and post-processes do not copy the memory the collector would otherwise
    touch in them (1,000 scenarios: an edition rendered in 3.9 s instead of 4.8 s)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()  # a caller living on (a test, the preview) collects them again


def _build(root: Path, site: Path, hb: Handbook, problems: list, on: dt.date | None, engine: str,
           offline: bool) -> list:
    epoch = build_epoch(root, hb)
    day = on or epoch_date(epoch)
    renderer = Renderer(root / "templates")
    plans: list[tuple[Edition, Plan]] = []
    work = fsguard.make_dirs(root, root / WORK)  # `build/` may arrive as a link in a pull request
    fsguard.check_folder(root, work / "docs")
    with _lock(root, work, site), tempfile.TemporaryDirectory(dir=work, prefix=STAGING) as tmp, \
            _staging_beside(root, site) as staged, _Engines() as engines:
        staging = Path(tmp)
        # Editions are independent sites: each one's engine starts as soon as its Markdown is
        # written, so the next edition renders, and its engine runs, beside it (the engine is
        # single-threaded; this machine class has two cores). The first edition renders on
        # every core; the next ones on the cores the running engines leave free, since the
        # first engine is the longest and slowing it would delay the whole build. Each engine
        # gets its own output folder, because MkDocs empties its site_dir first; the others
        # move in afterwards.
        cores = os.cpu_count() or 1
        for edition in editions(hb, renderer.strings):
            workers = max(1, cores - len(engines.running))
            the_plan = plan(root, hb, day, offline, [edition.lang], renderer, workers=workers)
            output = staged / "site" if not edition.prefix else staged / "editions"
            config, _ = write_edition(root, the_plan, edition, staging, output, offline)
            engines.start(edition, config, engine, epoch, output / edition.prefix)
            timeline(f"{edition.lang}: rendered and written, its engine started")
            plans.append((edition, _outline(the_plan, edition.lang)))
            del the_plan
        # each edition's tokenizer (jieba's dictionary and the handbook's terms for Chinese:
        # seconds) is loaded in its post-process, after its engine: loaded here, it would take
        # a core from the two engines building; after the shorter engine, it runs beside the
        # longer one, on the core the shorter one left
        built = _post_process(engines.finish(), hb, root, offline)
        for edition, output in built:  # only now: an engine still building owns its folder
            if edition.prefix:
                output.rename(staged / "site" / edition.prefix)
        (staged / "site" / MARKER).write_text("built by crisisbook; replaced on every build\n")
        (staging / "docs" / MARKER).write_text("written by crisisbook; replaced on every build\n")
        _swap_in(staged / "site", site)
        _remember_site(site)
        _swap_in(staging / "docs", work / "docs")  # kept for inspection and for `serve`
        if os.path.lexists(staging / "theme"):  # the configs below name it
            _swap_in(staging / "theme", work / "theme")
        timeline("swapped into place")
    # the same configs for build/docs, so any engine can be run by hand on the last good Markdown
    for edition, outline in plans:
        edition_config(root, outline, edition, work, site, offline)
    log.info("built %d language edition(s) into %s", len(plans), site)
    return problems


_inherited: tuple = ()  # what a forked post-processing process inherits: (handbook, root, offline)


def _post_process(finished, hb: Handbook, root: Path, offline: bool) -> list[tuple[Edition, Path]]:
    """What follows each engine (crisisbook's search index; an offline copy's local assets),
    started as soon as that engine ends (`finished` yields them so), each edition in a forked
    process of its own: the first runs beside the engine still building, and when the engines
    end close together, the two run side by side instead of one after the other (each is
    seconds of CPU at 1,000 scenarios). Forked, so they share the handbook."""
    global _inherited
    _inherited = (hb, root, offline)
    built = []
    try:
        with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"),
                                 initializer=children.die_with_parent, initargs=(os.getpid(),)) as pool:
            jobs = []
            for edition, output in finished:
                timeline(f"{edition.lang}: its engine ended")
                jobs.append((edition, output, pool.submit(_edition_post_process, edition.lang, output)))
            for edition, output, job in jobs:
                job.result()  # its error, if any, raised here
                built.append((edition, output))
    finally:
        _inherited = ()
    return built


def _edition_post_process(lang: str, output: Path) -> None:
    hb, root, offline = _inherited
    search.install(output, search.tokenizer(lang, search.terms_of(lang, hb, root)))
    if offline:
        localise_offline(output)
    timeline(f"{lang}: search index made" + (", offline assets localised" if offline else ""))


_started = time.perf_counter()


def timeline(step: str, start: bool = False) -> None:
    """Where a build's wall time goes, at debug level (`crisisbook -v build`; `make bench`
    reports it): seconds since the build started, as each step ends (in a forked process too)."""
    global _started
    if start:
        _started = time.perf_counter()
    log.debug("build timeline: %.2f s %s", time.perf_counter() - _started, step)


class _Engines:
    """Engine processes running side by side. Their output goes to files, not pipes: a pipe
    nobody reads yet would stall a chatty engine. Leaving the block early (an error, Ctrl-C)
    stops every engine still running."""

    def __init__(self):
        self.running: list = []

    def __enter__(self):
        return self

    def start(self, edition, config: Path, engine: str, epoch: int, output) -> None:
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}  # the engine's sitemap dates, gzip headers
        log_file = tempfile.TemporaryFile("w+", encoding="utf-8")
        # the engine dies with this process, however it ends (children.py)
        proc = children.popen([*ENGINES[engine], "-f", str(config)], stdout=log_file,
                              stderr=subprocess.STDOUT, text=True, env=env)
        self.running.append((edition, output, proc, log_file))

    def finish(self):
        """Yields (edition, output folder) of each engine that built, as soon as it ends, so
        that what follows an engine (the search index) runs while the other is still building."""
        ended: queue.SimpleQueue = queue.SimpleQueue()
        for entry in self.running:  # a waiting thread per engine: no polling, no other child reaped
            threading.Thread(target=lambda e=entry: (e[2].wait(), ended.put(e)), daemon=True).start()
        while self.running:
            entry = ended.get()
            edition, output, proc, log_file = entry
            log_file.seek(0)
            lines = log_file.read().splitlines()
            log_file.close()
            self.running.remove(entry)
            # `mkdocs build --strict` can exit 0 after printing warnings (with -q): read the output too.
            trouble = [line for line in lines if line.startswith(("WARNING", "ERROR", "Error", "Aborted"))]
            if proc.returncode != 0 or trouble:
                raise EngineFailed("the site engine failed; the previous site was kept.", trouble or lines[-15:])
            yield edition, output

    def __exit__(self, *exc):
        for _, _, proc, log_file in self.running:
            proc.kill()
            proc.wait()
            log_file.close()
        self.running.clear()


def _check_replaceable(site: Path) -> None:
    """Never replace a folder crisisbook did not build: --site-dir could point anywhere."""
    _recover(site)
    if os.path.islink(site):
        raise BuildError(f"refusing to replace {site}: it is a link; give the folder itself as --site-dir")
    if site.exists() and not site.is_dir():
        raise BuildError(f"refusing to replace {site}: it is a file, not a folder")
    if site.is_dir() and not _ours(site) and any(site.iterdir()):
        raise BuildError(f"refusing to replace {site}: it is not a site crisisbook built "
                         f"(no {MARKER} file); remove it or choose another --site-dir")


def _ours(folder: Path) -> bool:
    """A real folder (not a link) that crisisbook marked as its own."""
    return (folder.is_dir() and not folder.is_symlink() and (folder / MARKER).is_file()
            and not (folder / MARKER).is_symlink())


@contextmanager
def _staging_beside(root: Path, site: Path):
    """A fresh folder in the site's own parent, hence on its file system, for the engines to
    build into: the swap is then renames there, wherever the project is. Removed afterwards."""
    try:
        fsguard.make_dirs(root, site.parent)
        staged = Path(tempfile.mkdtemp(dir=site.parent, prefix=f".{site.name}{SITE_STAGING}"))
    except OSError as e:
        raise BuildError(f"cannot create a staging folder beside {site}: {e.strerror}") from None
    (staged / STAGED).write_text("a crisisbook build in progress; removed when it ends\n")
    try:
        yield staged
    finally:
        fsguard.remove(staged)


def _swap_in(new: Path, dest: Path) -> None:
    """Put the folder `new` in place of `dest`, its sibling. Where Linux can exchange two folders
    in one step, `dest` always holds a whole site, the old or the new; elsewhere it is two
    renames, the old site moved aside under a name of crisisbook's own (an unrelated `dest.old`
    is never touched), and a build killed between them is recovered by the next one."""
    if not os.path.lexists(dest):
        new.rename(dest)
    elif fsguard.exchange(new, dest):
        fsguard.remove(new)  # now the previous site
    else:
        aside = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}{ASIDE}"))
        dest.rename(aside)  # rename(2) replaces the empty folder
        new.rename(dest)
        fsguard.remove(aside)


def _record(site: Path) -> Path:
    """Where this user's crisisbook notes which folder it last put in place at `site`."""
    place = os.path.join(os.path.realpath(site.parent), site.name)
    return fsguard.private_folder("sites") / hashlib.sha1(place.encode("utf-8")).hexdigest()


def _identity(folder: Path) -> str:
    info = os.lstat(folder)
    return f"{info.st_dev} {info.st_ino}\n"  # kept by a rename: the site moved aside is still it


def _remember_site(site: Path) -> None:
    """The folder now at `site`, by its identity on disk, kept outside the project (in the
    user's own folder): the site a killed build moved aside is brought back only if it is this
    one, never a marked copy a repository carries. Nothing in the site itself, which stays the
    same bytes for every user."""
    try:
        _record(site).write_text(_identity(site))
    except OSError as e:
        log.debug("the site's place is not remembered: %s", e)


def _built_here(folder: Path, dest: Path) -> bool:
    try:
        return _ours(folder) and _record(dest).read_text() == _identity(folder)
    except OSError:
        return False


def _recover(dest: Path) -> None:
    """A build killed between the two renames of a swap leaves no `dest`: bring the previous
    site back from where it was moved aside, if crisisbook marked it as its own."""
    if os.path.lexists(dest):
        return
    moved = [dest.with_name(dest.name + ".old")] + sorted(dest.parent.glob(f".{dest.name}{ASIDE}*"))
    # only the site this user's last build put at `dest`: a repository can carry a marked site.old
    found = next((folder for folder in moved if _built_here(folder, dest)), None)
    if found:
        found.rename(dest)


@contextmanager
def _lock(root: Path, work: Path, site: Path):
    """One build per project at a time; the holder also clears what killed builds left behind
    (only folders crisisbook named and marked as its staging)."""
    with fsguard.open_lock(root, work / ".lock") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError("another crisisbook build is running in this project; "
                             "wait for it to finish") from None
        for stale in work.glob(STAGING + "*"):
            fsguard.remove(stale)
        for stale in site.parent.glob(f".{site.name}{SITE_STAGING}*"):
            if (stale / STAGED).is_file() and not stale.is_symlink():
                fsguard.remove(stale)
        for stale in site.parent.glob(f".{site.name}{ASIDE}*"):
            if _ours(stale) or (stale.is_dir() and not stale.is_symlink() and not any(stale.iterdir())):
                fsguard.remove(stale)
        yield
