"""The orchestrator: load -> validate -> model -> render -> write -> site engine -> swap into place.

Everything is gathered and checked before anything is written, and the site is built in a
staging folder beside the output and renamed into place only when the engine succeeded, so a
failed build leaves the previous site exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import posixpath
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


from .errors import BuildError, ValidationFailed
from .model import Handbook, build_handbook
from .render import Rendered, Renderer
from . import search
from .site import Edition, alternates, docs_files, editions, engine_config, localise_offline, write_config
from .cache import check_all
from .validate import today

log = logging.getLogger(__name__)

MARKER = ".crisisbook-site"  # in every site we build: only such a folder is ever replaced
WORK = "build"
STAGING = ".staging-"  # prefix of the folders a build assembles its output in  # git-ignored: generated Markdown, the engine's config, staging folders
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


def _epoch_date(epoch: int) -> dt.date:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).date()


def handbook_of(root: Path, on: dt.date | None = None, strict: bool = False) -> tuple[Handbook, list]:
    """A validated Handbook and its warnings, or ValidationFailed with every problem
    (warnings count as errors when strict)."""
    sources, problems = check_all(root, on or today())
    if any(p.is_error or strict for p in problems):
        raise ValidationFailed(problems)
    playbook = {stem: doc.data for stem, doc in sources.playbook.items()}
    scenarios = {sid: (doc.file, doc.data) for sid, doc in sources.scenarios.items()}
    return build_handbook(playbook, scenarios), problems


@dataclass
class Plan:
    """What one build writes: for every edition (language), its Markdown and engine config."""

    editions: list[Edition]
    rendered: dict[str, Rendered]  # lang -> pages and nav
    files: dict[str, dict[str, bytes]]  # lang -> Markdown folder contents


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
        links = lambda page, e=edition: alternates(page, e, all_editions, offline)  # noqa: E731
        rendered[edition.lang] = renderer.render(hb, on, edition.lang, links, cache, workers)
        note = (renderer.strings.get(edition.lang) or {}).get("untranslated_page", "")
        files[edition.lang] = docs_files(root, rendered[edition.lang], edition, list(hb.languages), note, cache)
    return Plan(all_editions, rendered, files)


def write_docs(files: dict[str, bytes], docs: Path, known: dict | None = None) -> list[str]:
    """Make `docs` hold exactly `files`; only files whose bytes changed are rewritten (so a live
    preview reloads just those). Returns the paths written. `known` (the live preview's) maps
    each file this process wrote to a hash of its bytes, which spares reading them back."""
    written = []
    for name, data in sorted(files.items()):
        target = _inside(docs, name)
        if known is not None and known.get(target) == hash(data) and target.exists():
            continue
        if known is not None:
            known[target] = hash(data)
        if not target.exists() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written.append(name)
    for stale in (p for p in docs.rglob("*") if p.is_file()):
        if stale.relative_to(docs).as_posix() not in files:
            stale.unlink()
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
    written = write_docs(p.files[edition.lang], work / "docs" / edition.lang, known)
    return edition_config(root, p, edition, work, site, offline, known), written


def edition_config(root: Path, p: Plan, edition: Edition, work: Path, site: Path, offline: bool,
                   known: dict | None = None) -> Path:
    """Write the engine config of one edition whose Markdown is (or will be) in work/docs/<lang>."""
    config = engine_config(root, p.rendered[edition.lang], work / "docs" / edition.lang, site / edition.prefix,
                           edition, offline, p.files[edition.lang])
    target = work / f"mkdocs.{edition.lang}.yml"
    if known is not None and known.get(target) == config and target.exists():
        return target  # the live preview: unchanged since it was last written
    if known is not None:
        known[target] = config
    return write_config(config, target)


def _outline(p: Plan, lang: str) -> Plan:
    """A plan without its page texts: enough to write the engine config again, while the memory
    of an edition's Markdown is given back as soon as it is on disk."""
    rendered = p.rendered[lang]
    return Plan(p.editions, {lang: Rendered(dict.fromkeys(rendered.pages, ""), rendered.nav)},
                {lang: dict.fromkeys(p.files[lang], b"")})


def build(root: Path, site: Path | None = None, on: dt.date | None = None, strict: bool = False,
          engine: str = "mkdocs", offline: bool = False) -> list:
    """Build the handbook into `site` (default: root/site). Returns the warnings.
    `on` is the date review banners are judged by (default: the build epoch's date)."""
    root = root.resolve()
    site = (site or root / "site").absolute()
    _check_replaceable(site)
    if not (root / "mkdocs.yml").is_file():
        raise BuildError(f"{root / 'mkdocs.yml'} is missing: it holds the site's settings (theme, search)")
    hb, problems = handbook_of(root, on, strict)
    epoch = build_epoch(root, hb)
    day = on or _epoch_date(epoch)
    renderer = Renderer(root / "templates")
    plans: list[tuple[Edition, Plan]] = []
    work = root / WORK
    work.mkdir(exist_ok=True)
    with _lock(work), tempfile.TemporaryDirectory(dir=work, prefix=STAGING) as tmp, _Engines() as engines:
        staging = Path(tmp)
        # Editions are independent sites: each one's engine starts as soon as its Markdown is
        # written, so the next edition renders, and its engine runs, beside it (the engine is
        # single-threaded; this machine class has two cores). Each engine gets its own output
        # folder, because MkDocs empties its site_dir first; the others move in afterwards.
        for edition in editions(hb, renderer.strings):
            the_plan = plan(root, hb, day, offline, [edition.lang], renderer, workers=os.cpu_count() or 1)
            output = staging / "site" if not edition.prefix else staging / "editions"
            config, _ = write_edition(root, the_plan, edition, staging, output, offline)
            engines.start(edition, config, engine, epoch, output / edition.prefix)
            plans.append((edition, _outline(the_plan, edition.lang)))
            del the_plan
        for edition, output in engines.finish():
            search.install(output, search.tokenizer(edition.lang, hb, root))
            if offline:
                localise_offline(output)
            if edition.prefix:
                output.rename(staging / "site" / edition.prefix)
        (staging / "site" / MARKER).write_text("built by crisisbook; replaced on every build\n")
        _swap(staging / "site", site)
        _swap(staging / "docs", work / "docs")  # kept for inspection and for `serve`
    # the same configs for build/docs, so any engine can be run by hand on the last good Markdown
    for edition, outline in plans:
        edition_config(root, outline, edition, work, site, offline)
    log.info("built %d language edition(s) into %s", len(plans), site)
    return problems


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
        proc = subprocess.Popen([*ENGINES[engine], "-f", str(config)], stdout=log_file,
                                stderr=subprocess.STDOUT, text=True, env=env)
        self.running.append((edition, output, proc, log_file))

    def finish(self):
        """Wait for every engine in turn; yields (edition, output folder) of each that built."""
        while self.running:
            edition, output, proc, log_file = self.running[0]
            proc.wait()
            log_file.seek(0)
            lines = log_file.read().splitlines()
            log_file.close()
            self.running.pop(0)
            # `mkdocs build --strict` can exit 0 after printing warnings (with -q): read the output too.
            trouble = [line for line in lines if line.startswith(("WARNING", "ERROR", "Error", "Aborted"))]
            if proc.returncode != 0 or trouble:
                detail = "\n".join(trouble or lines[-15:])
                raise BuildError(f"the site engine failed; the previous site was kept.\n{detail}")
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
    if site.is_dir() and not (site / MARKER).exists() and any(site.iterdir()):
        raise BuildError(f"refusing to replace {site}: it is not a site crisisbook built "
                         f"(no {MARKER} file); remove it or choose another --site-dir")
    if site.exists() and not site.is_dir():
        raise BuildError(f"refusing to replace {site}: it is a file, not a folder")


def _swap(new: Path, dest: Path) -> None:
    """Put `new` in place of `dest`: two renames on one file system, the old copy removed last."""
    old = dest.with_name(dest.name + ".old")
    _recover(dest)
    if dest.exists():
        dest.rename(old)
    new.rename(dest)
    shutil.rmtree(old, ignore_errors=True)


def _recover(dest: Path) -> None:
    """A build killed between the two renames leaves only `dest.old`: bring it back."""
    old = dest.with_name(dest.name + ".old")
    if old.exists() and not dest.exists():
        old.rename(dest)
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _lock(work: Path):
    """One build per project at a time; the holder also clears what killed builds left behind."""
    with open(work / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError("another crisisbook build is running in this project; "
                             "wait for it to finish") from None
        for stale in work.glob(STAGING + "*"):
            shutil.rmtree(stale, ignore_errors=True)
        yield
