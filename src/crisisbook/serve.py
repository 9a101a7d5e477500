"""Live preview: crisisbook re-renders the Markdown when a source changes; `mkdocs serve`
watches the Markdown and reloads the browser. A bad edit prints its problems and keeps the
last good pages on screen."""

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

from .build import WORK, engine_config, handbook_of, render, write_docs
from .errors import CrisisbookError, ValidationFailed

WATCHED = ("playbook", "scenarios", "templates", "docs")


def refresh(root: Path) -> list[str]:
    """Render into build/docs; returns the pages that changed. Raises CrisisbookError."""
    hb, _ = handbook_of(root)
    rendered = render(root, hb)
    work = root / WORK
    written = write_docs(root, rendered, work / "docs")
    engine_config(root, rendered, work / "docs", root / "site", work / "mkdocs.yml")
    return written


def _refresh_and_report(root: Path) -> None:
    started = time.perf_counter()
    try:
        written = refresh(root)
    except ValidationFailed as e:
        for problem in e.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{e.format_message()}; the preview keeps the last good pages", err=True)
        return
    except CrisisbookError as e:
        click.echo(f"Error: {e.format_message()}", err=True)
        return
    click.echo(f"re-rendered {len(written)} page(s) in {time.perf_counter() - started:.2f}s", err=True)


class _Handler(FileSystemEventHandler):
    """Debounces bursts of events (editors write a file in several steps) into one refresh."""

    def __init__(self, root: Path):
        self.root, self.timer = root, None

    def on_any_event(self, event):
        if event.is_directory or not str(event.src_path).endswith((".yaml", ".yml", ".j2", ".md", ".css", ".js")):
            return
        if self.timer:
            self.timer.cancel()
        self.timer = threading.Timer(0.2, _refresh_and_report, [self.root])
        self.timer.start()


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def serve(root: Path, dev_addr: str) -> None:
    root = root.resolve()
    refresh(root)  # the first render must succeed: there is nothing to preview otherwise
    observer = Observer()
    for folder in WATCHED:
        if (root / folder).is_dir():
            observer.schedule(_Handler(root), str(root / folder), recursive=True)
    observer.start()
    config = root / WORK / "mkdocs.yml"
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
