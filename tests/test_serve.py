"""`crisisbook serve`: a real preview server that re-renders when a scenario is saved."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import edit


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def test_serve_rerenders_on_save_and_keeps_last_good_pages(small):
    port = free_port()
    url = f"http://127.0.0.1:{port}/scenarios/site-down/"
    proc = subprocess.Popen([sys.executable, "-m", "crisisbook", "serve", "-a", f"127.0.0.1:{port}"],
                            cwd=small, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert wait_for(lambda: "Shop is down" in fetch(url)), "preview did not start"
        edit(small / "scenarios" / "site-down.yaml", "title: Shop is down", "title: Online shop unreachable")
        assert wait_for(lambda: "Online shop unreachable" in fetch(url)), "edit was not re-rendered"
        # a broken edit is reported, and the preview keeps the last good page
        edit(small / "scenarios" / "site-down.yaml", "category: outage", "category: outtage")
        markdown = small / "build" / "docs" / "en" / "scenarios" / "site-down.md"
        time.sleep(1.5)
        assert "Online shop unreachable" in markdown.read_text()
        assert "Online shop unreachable" in fetch(url)
    finally:
        proc.terminate()
        output = proc.communicate(timeout=10)[0]
    assert "scenarios/site-down.yaml:2:11: category: 'outtage' is not allowed (did you mean 'outage'?)" in output
    assert "the preview keeps the last good pages" in output
    assert "Traceback" not in output


@pytest.mark.parametrize("engine", ["mkdocs", "properdocs"])
def test_serve_runs_the_engine_chosen(small, engine):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "crisisbook", "serve", "--engine", engine, "-a",
                             f"127.0.0.1:{port}"], cwd=small, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert wait_for(lambda: "Shop is down" in fetch(f"http://127.0.0.1:{port}/scenarios/site-down/"))
        engines = subprocess.run(["ps", "-o", "args=", "--ppid", str(proc.pid)], capture_output=True,
                                 text=True).stdout
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
    assert f"-m {engine} serve -f " in engines


def test_an_edit_re_renders_only_the_scenario_it_changed(small, monkeypatch):
    from crisisbook.render import Renderer
    from crisisbook.serve import Preview

    rendered = []
    original = Renderer.page
    monkeypatch.setattr(Renderer, "page", lambda self, template, **c: rendered.append(
        (template, c.get("sc").id if "sc" in c else None)) or original(self, template, **c))
    preview = Preview(small)
    preview.refresh()
    assert ("scenario.md.j2", "kettle-leak") in rendered and ("scenario.md.j2", "site-down") in rendered
    rendered.clear()
    edit(small / "scenarios" / "site-down.yaml", "title: Shop is down", "title: Shop is unreachable")
    _, written = preview.refresh()
    assert [sid for template, sid in rendered if template == "scenario.md.j2"] == ["site-down"]
    assert "scenarios/site-down.md" in written and "scenarios/kettle-leak.md" not in written
    assert "Shop is unreachable" in (small / "build" / "docs" / "en" / "scenarios" / "site-down.md").read_text()
    # a template change re-renders everything
    rendered.clear()
    page = small / "templates" / "pages" / "scenario.md.j2"
    page.write_text(page.read_text() + "\n")
    preview.refresh()
    assert {sid for template, sid in rendered if template == "scenario.md.j2"} == {"kettle-leak", "site-down"}
