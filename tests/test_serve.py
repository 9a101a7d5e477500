"""`crisisbook serve`: a real preview server that re-renders when a scenario is saved."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

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
