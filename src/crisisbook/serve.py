"""Live preview: crisisbook re-renders the Markdown when a source changes; `mkdocs serve`
watches the Markdown and reloads the browser. A bad edit prints its problems and keeps the
last good pages on screen. One language is previewed at a time (the default, or --lang)."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import click
from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

from .build import WORK, plan, write_edition
from .errors import CrisisbookError, ValidationFailed
from .load import load_project
from .model import ALL_STAFF, build_handbook
from .render import Renderer
from .report import sort_key
from .validate import scenario_load_problems, today, validate_playbook, validate_scenario

WATCHED = ("playbook", "scenarios", "templates", "docs")


class Preview:
    """What the last refresh loaded, checked, built and rendered, so that the next one redoes
    only what a save changed: the saved file is parsed and checked again, its page rendered again;
    every other scenario is reused (pages that list all scenarios are always rendered again)."""

    def __init__(self, root: Path, lang: str | None = None, audience: str = ALL_STAFF):
        self.root, self.lang, self.audience = root.resolve(), lang, audience
        self.files: dict = {}  # path -> (stat stamp, (Document, load problem))
        self.checked: dict = {}  # scenario id -> (Document, date, problems)
        self.playbook: tuple = (None, None)  # (key, (problems, ok))
        self.memo: dict = {}  # model objects (see model.build_handbook)
        self.pages: dict = {}  # rendered scenario pages (see Renderer.render)
        self.templates = (None, None)  # (stamp of templates/, Renderer)
        self.written: dict = {}  # Markdown file -> hash of the bytes last written there

    def refresh(self) -> tuple[Path, list[str]]:
        """Render one language into build/docs/<lang>; returns the engine config to serve and
        the pages that changed. Raises CrisisbookError (ValidationFailed with every problem)."""
        sources = load_project(self.root, cache=self.files)
        on = today()
        problems = self._validate(sources, on)
        if any(p.is_error for p in problems):
            raise ValidationFailed(sorted(problems, key=sort_key))
        hb = build_handbook({k: d.data for k, d in sources.playbook.items()},
                            {k: (d.file, d.data) for k, d in sources.scenarios.items()}, self.memo,
                            self.audience)
        lang = self.lang or hb.default_language
        if lang not in hb.languages:
            raise CrisisbookError(f"no language '{lang}' in playbook/organisation.yaml")
        the_plan = plan(self.root, hb, on, langs=[lang], renderer=self._renderer(), cache=self.pages)
        edition = next(e for e in the_plan.editions if e.lang == lang)
        return write_edition(self.root, the_plan, edition, self.root / WORK, self.root / "site", offline=False,
                             known=self.written)

    def _validate(self, sources, on) -> list:
        key = tuple(id(doc) for doc in sources.playbook.values())
        if self.playbook[0] != key:  # playbook files are re-checked only when one of them changed
            self.playbook = (key, validate_playbook(sources))
            self.checked.clear()
        problems, ok = self.playbook[1]
        problems = list(problems) + scenario_load_problems(sources)
        for sid, doc in sources.scenarios.items():
            hit = self.checked.get(sid)
            if not (hit and hit[0] is doc and hit[1] == on):
                hit = self.checked[sid] = (doc, on, validate_scenario(sid, doc, sources, ok, on))
            problems += hit[2]
        return problems

    def _renderer(self) -> Renderer:
        folder = self.root / "templates"
        stamp = max((p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()), default=0)
        if self.templates[0] != stamp:  # a template changed: every page may look different
            self.templates = (stamp, Renderer(folder))
            self.pages.clear()
        return self.templates[1]


def refresh(root: Path, lang: str | None = None, audience: str = ALL_STAFF) -> tuple[Path, list[str]]:
    """One-off render for a preview (see Preview for the repeated, incremental one)."""
    return Preview(root, lang, audience).refresh()


class _Handler(FileSystemEventHandler):
    """Debounces bursts of events (editors write a file in several steps) into one refresh."""

    def __init__(self, preview: Preview, lock: threading.Lock):
        self.preview, self.timer, self.lock = preview, None, lock

    def on_any_event(self, event):
        if event.is_directory or not str(event.src_path).endswith((".yaml", ".yml", ".j2", ".md", ".css", ".js")):
            return
        if self.timer:
            self.timer.cancel()
        self.timer = threading.Timer(0.2, self.refresh)
        self.timer.start()

    def refresh(self) -> None:
        with self.lock:  # a refresh still running when the next save arrives finishes first
            self._refresh()

    def _refresh(self) -> None:
        started = time.perf_counter()
        try:
            _, written = self.preview.refresh()
        except ValidationFailed as e:
            for problem in e.problems:
                click.echo(str(problem), err=True)
            click.echo(f"{e.format_message()}; the preview keeps the last good pages", err=True)
            return
        except CrisisbookError as e:
            click.echo(f"Error: {e.format_message()}", err=True)
            return
        click.echo(f"re-rendered {len(written)} page(s) in {time.perf_counter() - started:.2f}s", err=True)


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def serve(root: Path, dev_addr: str, lang: str | None = None, audience: str = ALL_STAFF) -> None:
    root = root.resolve()
    preview = Preview(root, lang, audience)
    config, _ = preview.refresh()  # the first render must succeed: nothing to preview otherwise
    observer = Observer()
    handler = _Handler(preview, threading.Lock())
    for folder in WATCHED:
        if (root / folder).is_dir():
            observer.schedule(handler, str(root / folder), recursive=True)
    observer.start()
    engine = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", dev_addr])
    # SIGTERM (from a supervisor or a test) must stop the engine too, not orphan it
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        engine.wait()
    except KeyboardInterrupt:
        pass
    finally:
        engine.terminate()
        engine.wait()
        observer.stop()
        observer.join()
