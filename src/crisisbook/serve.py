"""Live preview: crisisbook re-renders the Markdown when a source changes, the engine (in this
process, see live.py) builds the pages that changed, and the browser reloads. A bad edit prints
its problems, in the terminal and above the last good page, which stays on screen. One
language is previewed at a time (the default, or --lang), at the address `build` publishes it
at (/zh-Hant/); a link into another edition gets a page naming the command that previews it.
Building every edition would double the first preview (114 s at 1,000 scenarios, BENCHMARKS.md)."""

from __future__ import annotations

import logging
import signal
import threading
import time
from pathlib import Path

import click
from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

from .build import WORK, build_epoch, epoch_date, handbook, plan, write_edition
from .checker import Checker
from . import fsguard
from .errors import CrisisbookError, ValidationFailed
from .live import Engine, Server
from .load import display_name
from .model import ALL_STAFF
from .previewtext import elsewhere_page, problem_lines
from .render import Renderer
from .report import printable
from .search import Reindexer
from .validate import today

WATCHED = ("playbook", "scenarios", "templates", "docs")
log = logging.getLogger(__name__)
_CHANGES = ("created", "modified", "moved", "deleted", "closed")  # "closed": after writing
_PARTIAL_UP_TO = 40  # pages rebuilt one by one after a save; beyond, the whole edition at once
_SOURCES = (".yaml", ".yml", ".j2", ".md", ".css", ".js", ".txt")


class Preview:
    """What the last refresh loaded, checked, built and rendered, so that the next one redoes
    only what a save changed: the saved file is parsed and checked again, its page rendered again;
    every other scenario is reused (pages that list all scenarios are always rendered again)."""

    def __init__(self, root: Path, lang: str | None = None, audience: str = ALL_STAFF):
        self.root, self.lang, self.audience = root.resolve(), lang, audience
        self.checker = Checker(self.root)  # each file checked again only when its content changed
        self.memo: dict = {}  # model objects (see model.build_handbook)
        self.pages: dict = {}  # rendered scenario pages (see Renderer.render)
        self.templates = (None, None)  # (stamp of templates/, Renderer)
        self.written: dict = {}  # Markdown file -> hash of the bytes last written there
        self.hb = None  # the handbook of the last good refresh
        self.edition_lang: str | None = None
        self.editions: list = []  # every edition of the last good refresh (site.Edition), the previewed one first

    def refresh(self) -> tuple[Path, list[str]]:
        """Render one language into build/docs/<lang>; returns the engine config to serve and
        the pages that changed. Raises CrisisbookError (ValidationFailed with every problem)."""
        hb, _ = handbook(self.checker.check(today()), memo=self.memo, audience=self.audience)
        lang = self.lang or hb.default_language
        if lang not in hb.languages:
            raise CrisisbookError(f"no language '{lang}' in playbook/organisation.yaml")
        day = epoch_date(build_epoch(self.root, hb))  # as `build` dates its pages
        the_plan = plan(self.root, hb, day, langs=[lang], renderer=self._renderer(), cache=self.pages)
        edition = next(e for e in the_plan.editions if e.lang == lang)
        self.hb, self.edition_lang = hb, lang
        self.editions = [edition] + [e for e in the_plan.editions if e is not edition]
        return write_edition(self.root, the_plan, edition, self.root / WORK, self.root / "site", offline=False,
                             known=self.written)

    def _renderer(self) -> Renderer:
        folder = self.root / "templates"
        stamp = max((p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()), default=0)
        if self.templates[0] != stamp:  # a template changed: every page may look different
            self.templates = (stamp, Renderer(folder))
            self.pages.clear()
        return self.templates[1]


class _Handler(FileSystemEventHandler):
    """Debounces bursts of events (editors write a file in several steps) into one refresh,
    then has the engine build the pages that changed, the saved scenario's first."""

    def __init__(self, preview: Preview, engine: Engine, server: Server, config: Path, reindexer: Reindexer):
        self.preview, self.engine, self.server, self.reindexer = preview, engine, server, reindexer
        self.timer, self.lock = None, threading.Lock()
        self.saved: set[str] = set()  # the sources saved since the last refresh, as problems name them
        self.saved_lock = threading.Lock()
        self.config = config.read_bytes()  # the engine config the engine's state was built from

    def on_any_event(self, event):
        # only changes: a refresh reads the sources, and reading is an event too ("opened")
        paths = (str(event.src_path), str(getattr(event, "dest_path", "") or ""))  # an editor's rename
        if event.event_type not in _CHANGES or event.is_directory or not any(p.endswith(_SOURCES) for p in paths):
            return
        with self.saved_lock:
            self.saved.update(display_name(Path(p), self.preview.root) for p in paths if p.endswith(_SOURCES))
        if self.timer:
            self.timer.cancel()
        self.timer = threading.Timer(0.1, self.refresh)
        self.timer.start()

    def refresh(self) -> None:
        with self.lock:  # a refresh still running when the next save arrives finishes first
            try:
                self._refresh()
            except Exception as e:  # a bug must not end the watcher with a traceback
                log.debug("refresh failed", exc_info=True)
                click.echo(f"Error: internal error: {e!r}; run with -v for details and report it", err=True)

    def _refresh(self) -> None:
        started = time.perf_counter()
        with self.saved_lock:
            saved, self.saved = self.saved, set()
        try:
            config, written = self.preview.refresh()
        except ValidationFailed as e:
            lines = problem_lines(e.problems, saved)
            for line in lines:
                click.echo(line, err=True)
            click.echo(f"{e.format_message()}; the preview keeps the last good pages", err=True)
            self.server.changed(lines)
            return
        except CrisisbookError as e:  # a template's error quotes the template: escaped, as the CLI's are
            line = printable(f"Error: {e.format_message()}")
            click.echo(line, err=True)
            self.server.changed([line])
            return
        self.server.elsewhere = _notices(self.preview.editions)  # organisation.yaml may list other languages now
        text = config.read_bytes()
        _, files, _, _ = self.engine.state
        if text != self.config or len(written) > _PARTIAL_UP_TO \
                or any(files.get_file_from_path(name) is None for name in written):
            # new or removed pages, or the navigation changed (every page shows it), or most
            # pages changed (a playbook or template edit): one clean build is faster
            click.echo(f"rebuilding every page, about {self.engine.took:.0f} s", err=True)
            previous = self.engine.build_all()  # the last full build is served until it is done
            self.server.site_dir = self.engine.site_dir
            self.engine.drop(previous)
            self.config = text
        else:
            if len(written) > 3:  # a playbook edit reaches many pages: more than a second, so say so first
                click.echo(f"rebuilding {len(written)} pages that changed", err=True)
            first = sorted(written, key=lambda name: (not _scenario_page(name), name))
            self.engine.build_pages(first, done=self.server.changed)
        self.server.changed()
        # the search index follows, made in a process of its own (search.Reindexer)
        self.reindexer.submit(self.engine.site_dir, self.engine.search_sections(), self.preview.hb)
        click.echo(f"re-rendered {len(written)} page(s) in {time.perf_counter() - started:.2f}s", err=True)


def _scenario_page(name: str) -> bool:
    return name.startswith("scenarios/") and name != "scenarios/index.md"


def _notices(all_editions: list) -> dict[str, bytes]:
    """The page each edition not previewed gets (all_editions[0] is the previewed one), by its prefix."""
    shown = all_editions[0]
    return {e.prefix: elsewhere_page(shown, e) for e in all_editions[1:]}


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def serve(root: Path, dev_addr: str, lang: str | None = None, engine: str = "mkdocs",
          audience: str = ALL_STAFF) -> None:
    """Preview one edition for `audience` at dev_addr (host:port) until interrupted."""
    root = root.resolve()
    preview = Preview(root, lang, audience)
    # the first render must succeed: nothing to preview otherwise (ValidationFailed shows every problem)
    config, _ = preview.refresh()
    site = _output(root, config)
    started = time.perf_counter()
    logging.getLogger(engine).setLevel(logging.WARNING)  # its progress lines, not ours
    try:  # the theme's search segments Chinese with jieba, whose logger prints its progress
        import jieba
        jieba.setLogLevel(logging.WARNING)
    except ImportError:
        pass
    live = Engine(config, site, engine)
    live.build_all()
    reindexer = Reindexer(preview.edition_lang, root)  # crisisbook's search index, as `build` makes it
    reindexer.submit(live.site_dir, live.search_sections(), preview.hb)
    host, _, port = dev_addr.rpartition(":")
    server = Server(live.site_dir, host or "127.0.0.1", int(port), preview.editions[0].prefix)
    server.elsewhere = _notices(preview.editions)
    observer = Observer()
    handler = _Handler(preview, live, server, config, reindexer)
    for folder in WATCHED:
        if (root / folder).is_dir():
            observer.schedule(handler, str(root / folder), recursive=True)
    observer.start()
    click.echo(f"serving on http://{host or '127.0.0.1'}:{port}/{preview.editions[0].prefix} "
               f"(ready in {time.perf_counter() - started:.1f}s; Ctrl-C stops)", err=True)
    # SIGTERM (from a supervisor or a test) stops the server like Ctrl-C
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        observer.stop()
        observer.join()
        reindexer.close()


def _output(root: Path, config: Path) -> Path:
    """build/preview/<lang>, where the engine writes (a numbered folder per full build); never
    a folder reached through a link. What earlier previews left there is removed."""
    lang = config.name.removeprefix("mkdocs.").removesuffix(".yml")
    site = root / WORK / "preview" / lang
    for folder in (root / WORK, site.parent, site):
        if folder.is_symlink():
            raise CrisisbookError(f"refusing to write the preview into {folder}: it is a symbolic link")
    site.mkdir(parents=True, exist_ok=True)
    for old in site.iterdir():
        fsguard.remove(old)
    return site
