"""Shared helpers: the repository's paths, a fixed "today", and throw-away project copies."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SMALL = REPO / "tests" / "fixtures" / "small"
GOLDEN = REPO / "tests" / "golden" / "small"
TODAY = dt.date(2026, 6, 1)  # fixed so overdue banners and warnings never depend on the clock
# golden/small: the all-staff edition, default language at the top, other languages in <lang>/;
# golden/small-team: the crisis team's edition, laid out the same way
GOLDEN_EDITIONS = {"all-staff": GOLDEN, "team": GOLDEN.with_name("small-team")}


def render_golden(audience: str) -> dict[str, str]:
    """Every page of the small fixture's editions for `audience`, as the build renders them
    (language switch and links between editions included), keyed by their golden path."""
    from crisisbook.build import handbook_of
    from crisisbook.render import Renderer
    from crisisbook.site import alternates, editions

    hb, _ = handbook_of(SMALL, TODAY, audience=audience)
    renderer = Renderer(REPO / "templates")
    all_editions = editions(hb, renderer.strings)
    pages = {}
    for edition in all_editions:
        links = lambda page, target=None, e=edition: alternates(page, e, all_editions, False, target)  # noqa: E731
        rendered = renderer.render(hb, TODAY, edition.lang, links)
        pages |= {edition.prefix + name: text for name, text in rendered.pages.items()}
    return pages


@pytest.fixture
def small(tmp_path) -> Path:
    """A writable copy of the small fixture project, with the shipped templates and site config."""
    root = tmp_path / "small"
    shutil.copytree(SMALL, root)
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


@pytest.fixture
def example(tmp_path) -> Path:
    """A writable copy of the shipped example handbook."""
    root = tmp_path / "example"
    root.mkdir()
    for name in ("playbook", "scenarios", "templates", "docs"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def edit(path: Path, old: str, new: str) -> None:
    """Replace one exact piece of a file; fails loudly if the piece is not there."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """The user's cache folder (where validate's signing key lives) is the test's own, never
    the real one, and the same for every process a test starts."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))


# One build of the example for every browser test (test_browser.py, test_phone.py): the web
# server form (clean URLs) and the offline form (opened from disk), both editions.
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-sync", "--disable-background-networking", "--disable-component-update"]
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def example_sites(tmp_path_factory) -> tuple[Path, Path]:
    from crisisbook.build import build
    root = tmp_path_factory.mktemp("example-site")
    for name in ("playbook", "scenarios", "templates", "docs"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    build(root, root / "site", on=TODAY)
    build(root, root / "offline", on=TODAY, offline=True)
    return root / "site", root / "offline"


@pytest.fixture(scope="session")
def example_server(example_sites):
    """http://127.0.0.1:<free port>/ serving the web server form."""
    import functools
    import http.server
    import socketserver
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(example_sites[0]))
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium, driven by Playwright (which downloads no browser of its own)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (run `make test`)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        yield browser
        browser.close()
