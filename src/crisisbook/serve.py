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

from .build import WORK, handbook_of, plan, today, write_edition
from .errors import CrisisbookError, ValidationFailed

WATCHED = ("playbook", "scenarios", "templates", "docs")


def refresh(root: Path, lang: str | None = None) -> tuple[Path, list[str]]:
    """Render one language into build/docs/<lang>; returns the engine config to serve and the
    pages that changed. Raises CrisisbookError."""
    hb, _ = handbook_of(root)
    the_plan = plan(root, hb, today())
    edition = next((e for e in the_plan.editions if e.lang == (lang or hb.default_language)), None)
    if edition is None:
        raise CrisisbookError(f"no language '{lang}' in playbook/organisation.yaml")
    return write_edition(root, the_plan, edition, root / WORK, root / "site", offline=False)


class _Handler(FileSystemEventHandler):
    """Debounces bursts of events (editors write a file in several steps) into one refresh."""

    def __init__(self, root: Path, lang: str | None, lock: threading.Lock):
        self.root, self.lang, self.timer, self.lock = root, lang, None, lock

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
            _, written = refresh(self.root, self.lang)
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


def serve(root: Path, dev_addr: str, lang: str | None = None) -> None:
    root = root.resolve()
    config, _ = refresh(root, lang)  # the first render must succeed: nothing to preview otherwise
    observer = Observer()
    handler = _Handler(root, lang, threading.Lock())
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
