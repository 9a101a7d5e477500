"""The live preview's engine and web server.

`mkdocs serve` rebuilds the whole site on every change (115 s at 1,000 bilingual scenarios), so
the preview runs the engine in this process instead, through the same steps as its `build`
command (mkdocs/commands/build.py::build), and keeps what the build gathered (files, navigation,
theme): after a save only the pages crisisbook rewrote are read and built again, with the same
functions, so each page is the one `build` publishes. Only when the set of pages, the navigation
or the engine config changed is every page built again, and the terminal says so first.

The server is crisisbook's own: it serves the engine's output folder, adds a small script that
reloads the page when it changed, and while the last save has problems shows them above the
last good page. No MkDocs plugin or hook is involved.
"""

from __future__ import annotations

import html
import importlib
import logging
import mimetypes
import posixpath
import re
import socket
import sys
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from . import fsguard
from .errors import CrisisbookError
from .hosts import Hosts

log = logging.getLogger(__name__)

START, END = "<!-- crisisbook preview -->", "<!-- /crisisbook preview -->"  # around what the preview adds
_WAIT = "/.crisisbook/wait"
_BODY = re.compile(rb"<body[^>]*>")
_EPOCH = re.compile(r"[0-9]{1,18}")  # ASCII digits only ('²'.isdigit()), short of int()'s limit
_READ_TIMEOUT = 30.0  # seconds a connection may take to send its request
_REFUSALS_SHOWN = 20  # refused hosts named in the terminal, each once; a flood says no more


class Engine:
    """One edition built by the engine in this process, its state kept for partial builds."""

    def __init__(self, config_file: Path, folder: Path, engine: str = "mkdocs"):
        self.config_file, self.folder = config_file, folder
        self.site_dir: Path | None = None  # the folder of the last full build, served
        self.api = _Api(engine)
        self.state = None  # (config, files, nav, env) of the last full build
        self.took = 0.0  # seconds the last full build took
        self.builds = 0

    def build_all(self) -> Path:
        """Every page, as the engine's build does it (the engine's own steps, in its order),
        into a new folder: the last one is served, whole, until this one is done. Returns it."""
        started = time.perf_counter()
        a = self.api
        self.builds += 1
        target = self.folder / str(self.builds)
        fsguard.remove(target)
        target.mkdir(parents=True)
        config = a.load_config(config_file=str(self.config_file), site_dir=str(target))
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        files = a.get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        a.set_exclusions(files, config)
        nav = a.get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)
        for file in files.documentation_pages():
            if file.page is None:
                a.Page(None, file, config)
            a.build._populate_page(file.page, config, files)
        env = config.plugins.on_env(env, config=config, files=files)
        files.copy_static_files()
        for template in config.theme.static_templates:
            a.build._build_theme_template(template, env, files, config, nav)
        for template in config.extra_templates:
            a.build._build_extra_template(template, files, config, nav)
        doc_files = files.documentation_pages()
        for file in doc_files:
            a.build._build_page(file.page, config, doc_files, nav, env)
        config.plugins.on_post_build(config=config)
        previous, self.site_dir = self.site_dir, target
        self.state = (config, files, nav, env)
        self.took = time.perf_counter() - started
        return previous

    def drop(self, folder: Path | None) -> None:
        """Remove a folder an earlier full build wrote (once nothing serves it)."""
        if folder is not None:
            fsguard.remove(folder)

    def build_pages(self, names: list[str], done=None) -> list[str]:
        """Read and build again the pages at these docs paths (copy other files); `done` is
        called after the first, the page the author is looking at. A page whose title changed
        also rebuilds its neighbours in the navigation, which show that title; a page whose
        tags changed, the pages that list pages by tag."""
        config, files, nav, env = self.state
        a, built = self.api, []
        doc_files = files.documentation_pages()
        tags = _Tags.of(config)
        retagged, listings = False, []
        for i, name in enumerate(names):
            file = files.get_file_from_path(name)
            if file is None:
                continue
            if file.page is None:
                file.copy_file()
                continue
            if tags and tags.lists(file.page):
                listings.append(file.page)  # last: after every page's tags are read again
                continue
            title, before = file.page.title, tags.forget(file.page) if tags else None
            a.build._populate_page(file.page, config, files)
            retagged |= bool(tags) and file.page.meta.get("tags") != before
            pages = [file.page]
            if file.page.title != title:
                pages += _neighbours(file.page)
            for page in pages:
                self._build_one(page, doc_files, nav, env)
                built.append(page.file.src_uri)
            if i == 0 and done:
                done()
        if tags and retagged:
            listings += [page for page in tags.listing_pages() if page not in listings]
        for page in listings:
            tags.forget_listings(page)
            a.build._populate_page(page, config, files)  # the tags plugin marks where its listing goes
            tags.populate(page, env, config)
            self._build_one(page, doc_files, nav, env)
            built.append(page.file.src_uri)
        return built

    def _build_one(self, page, doc_files, nav, env) -> None:
        config = self.state[0]
        with _indexed_in_place(self._search_entries(), page.url):
            self.api.build._build_page(page, config, doc_files, nav, env)

    def search_sections(self) -> dict | None:
        """The theme's search index of the pages as they are now, as its plugin would write it
        after a full build (None without the plugin): what crisisbook's index is made from. A
        copy of the list of sections, not JSON: it is taken on the save's path, and the
        sections themselves are never changed, only replaced (_indexed_in_place), so the copy
        stays as it was while the reindexer serialises it in the background."""
        plugin = self._search_plugin()
        if plugin is None:
            return None
        index = plugin.search_index
        return {"config": {key: index.config[key] for key in ("lang", "separator", "pipeline", "fields")},
                "docs": list(index.entries)}

    def _search_plugin(self):
        config = self.state[0]
        return next((p for p in config.plugins.values() if hasattr(p, "search_index")), None)

    def _search_entries(self) -> list | None:
        plugin = self._search_plugin()
        return plugin.search_index.entries if plugin else None


@contextmanager
def _indexed_in_place(entries: list | None, url: str):
    """Around building one page again: the theme's search plugin appends the page's sections to
    its index; the old ones are taken out and the new ones put where they were, so the index
    holds each page once, in the order a full build gives (and crisisbook's index is the same)."""
    if entries is None:
        yield
        return
    mine = [i for i, entry in enumerate(entries) if entry["location"].split("#")[0] == url]
    at = mine[0] if mine else len(entries)
    entries[:] = [entry for entry in entries if entry["location"].split("#")[0] != url]
    before = len(entries)
    yield
    fresh = entries[before:]
    del entries[before:]
    entries[at:at] = fresh



class _Tags:
    """The theme's tags plugin, for a partial build. A full build has it read every page's tags
    (on_page_markdown) and then fill the listing pages (on_env); a partial one must do the same
    for what changed, or "Scenarios by tag" keeps the tags of the first build."""

    def __init__(self, plugin):
        self.plugin = plugin

    @classmethod
    def of(cls, config) -> "_Tags | None":
        plugin = next((p for p in config.plugins.values() if hasattr(p, "listings") and hasattr(p, "mappings")), None)
        return cls(plugin) if plugin is not None and getattr(plugin.config, "enabled", True) else None

    def lists(self, page) -> bool:
        return any(listing.page is page for listing in self.plugin.listings.data)

    def listing_pages(self) -> list:
        return list({id(listing.page): listing.page for listing in self.plugin.listings.data}.values())

    def forget(self, page):
        """Drop the page's tags before it is read again (a page left with no tags adds none,
        so its old ones would stay listed); returns the tags it had."""
        self.plugin.mappings.data.pop(page.url, None)
        return (page.meta or {}).get("tags")

    def forget_listings(self, page) -> None:
        self.plugin.listings.data = {listing for listing in self.plugin.listings.data if listing.page is not page}

    def populate(self, page, env, config) -> None:
        from material.plugins.tags.renderer import Renderer  # the plugin's own, as its on_env uses

        renderer = Renderer(env, config)
        for listing in [listing for listing in self.plugin.listings.data if listing.page is page]:
            self.plugin.listings.populate(listing, self.plugin.mappings, renderer)


def _neighbours(page) -> list:
    """The pages whose navigation or footer shows `page`'s title (navigation.prune: its section)."""
    siblings = page.parent.children if page.parent else []
    out = [p for p in siblings if getattr(p, "is_page", False) and p is not page]
    return out + [p for p in (page.previous_page, page.next_page) if p is not None and p not in out]


class _Api:
    """The engine's build functions. MkDocs only for now: ProperDocs has the same ones, but its
    plugins (Material's included) find them only through an import hook installed before
    anything imports mkdocs, which this process has already done."""

    def __init__(self, engine: str):
        if engine != "mkdocs":
            raise CrisisbookError(f"the live preview runs the mkdocs engine only; check the site with "
                                  f"`crisisbook build --engine {engine}`")
        self.build = importlib.import_module(f"{engine}.commands.build")
        self.utils = importlib.import_module(f"{engine}.utils")
        self.load_config = importlib.import_module(f"{engine}.config").load_config
        files = importlib.import_module(f"{engine}.structure.files")
        self.get_files, self.set_exclusions = files.get_files, files.set_exclusions
        self.get_navigation = importlib.import_module(f"{engine}.structure.nav").get_navigation
        self.Page = importlib.import_module(f"{engine}.structure.pages").Page


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A request that failed unexpectedly: one line, not socketserver's traceback (any page
        the author has open can send requests here); the preview goes on serving."""
        kind, error, _ = sys.exc_info()
        log.error("preview: a request failed: %s: %s", kind.__name__, str(error)[:300])


class Server:
    """Serves one folder to the browser at its edition's address (and, at the other editions'
    addresses, the page saying how to preview them); pages reload themselves when `changed()`
    is called."""

    def __init__(self, site_dir: Path, host: str, port: int, prefix: str = ""):
        self.site_dir = site_dir
        self.prefix = prefix  # where the edition is published ("zh-Hant/"): served there, as `build` lays it out
        self.elsewhere: dict[str, bytes] = {}  # another edition's prefix -> the page its addresses get
        self.epoch = 1
        self.problems: list[str] = []  # the last save's problems, shown above every page
        self.cond = threading.Condition()
        self.httpd = _HTTPServer((host, port), _handler(self))
        self.hosts = Hosts(host, self.httpd.server_address[0])
        self.refused: set[str] = set()  # Host headers refused so far, each said once

    def answers(self, host: str | None) -> bool:
        """Whether to answer a request with this Host header (see hosts.py); the first refusal
        of each host is said in the terminal."""
        if self.hosts.answers(host):
            return True
        host = host or None  # an empty Host is no host
        with self.cond:
            first = host not in self.refused and len(self.refused) < _REFUSALS_SHOWN
            if first:
                self.refused.add(host)
        if first:
            log.warning("preview: refused a request for %s: not an address of this computer "
                        "(a web page may be trying to read the preview)",
                        f"host '{host[:100]}'" if host else "no host")
        return False

    def changed(self, problems: list[str] | None = None) -> None:
        with self.cond:
            self.problems = list(problems or [])
            self.epoch += 1
            self.cond.notify_all()

    def wait(self, epoch: int, timeout: float = 25.0) -> int:
        with self.cond:
            self.cond.wait_for(lambda: self.epoch != epoch, timeout)
            return self.epoch

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.2)

    def shutdown(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def page(self, url_path: str) -> tuple[int, str, bytes]:
        """(status, content type, body) for a request path, never outside the folder."""
        site = self.site_dir  # one folder for the whole answer (a full rebuild switches it)
        path = posixpath.normpath(unquote(url_path)).lstrip("/")
        if path.startswith("..") or "\0" in path:
            return 404, "text/plain", b"not found"
        elsewhere = self.elsewhere  # one set of editions for the whole answer (a save may change it)
        edition = next((p for p in (self.prefix, *elsewhere) if p and _within(path, p)), "")
        if edition != self.prefix:
            if edition in elsewhere:  # another edition's page: what previews it
                return 200, "text/html", elsewhere[edition]
            return 404, "text/plain", b"not found"
        path = path[len(self.prefix):] if path.startswith(self.prefix) else ""
        target = site / path if path not in ("", ".") else site
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            status, target = 404, site / "404.html"
            if not target.is_file():
                return 404, "text/plain", b"not found"
        else:
            status = 200
        body = target.read_bytes()
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind == "text/html":
            body = self.decorate(body)
        return status, kind, body

    def decorate(self, page: bytes) -> bytes:
        """The page with the reload script and, while the last save has problems, the problems."""
        with self.cond:
            epoch, problems = self.epoch, list(self.problems)
        added = START + _script(epoch) + (_banner(problems) if problems else "") + END
        found = _BODY.search(page)
        at = found.end() if found else 0
        return page[:at] + added.encode() + page[at:]


def _within(path: str, prefix: str) -> bool:
    """Whether a site path is in the edition published under `prefix` ("" or "zh-Hant/")."""
    return not prefix or path == prefix[:-1] or path.startswith(prefix)


def _script(epoch: int) -> str:
    return ("<script>(function(){var e=%d;function w(){fetch('%s?epoch='+e).then(function(r){return r.text()})"
            ".then(function(t){if(t!=String(e)){location.reload()}else{w()}})"
            ".catch(function(){setTimeout(w,1000)})}w()})();</script>" % (epoch, _WAIT))


def _banner(problems: list[str]) -> str:
    # at most 40% of the screen, scrolling on its own: the last good page stays in view below,
    # and the first line, the first error (previewtext.problem_lines), is seen without scrolling
    # a hanging indent: on a phone each problem wraps over lines, and shows where it starts
    lines = "".join(f'<div class="cb-preview-problem" style="padding-left:2ch;text-indent:-2ch">'
                    f'{html.escape(p)}</div>' for p in problems)
    return ('<div class="cb-preview-problems" role="alert" style="position:sticky;top:0;z-index:9;'
            'max-height:40vh;overflow:auto;overscroll-behavior:contain;box-sizing:border-box;'
            'background:#b00020;color:#fff;padding:.6em 1em;font:14px/1.4 monospace;white-space:pre-wrap;'
            'overflow-wrap:anywhere"><strong>The last save has problems; this is the last good page.</strong>'
            f'{lines}</div>')


def undecorated(page: str) -> str:
    """A served page without what the preview adds: the page the engine wrote."""
    return re.sub(re.escape(START) + ".*?" + re.escape(END), "", page, flags=re.S)


def _handler(server: Server):
    class Handler(BaseHTTPRequestHandler):
        # A connection that sends nothing, or a request a byte at a time, would hold its thread
        # for ever; a browser's request arrives at once. (The reload's long wait is not a read.)
        # The socket's timeout counts from the last byte, so the whole request gets a deadline
        # too: past it the connection is shut, and the read waiting on it ends.
        timeout = _READ_TIMEOUT

        def setup(self):
            super().setup()
            self.deadline = threading.Timer(_READ_TIMEOUT, self._too_slow)
            self.deadline.daemon = True
            self.deadline.start()

        def _too_slow(self):
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed

        def parse_request(self):  # reads the headers: once they are in, the deadline is met
            parsed = super().parse_request()
            self.deadline.cancel()
            return parsed

        def finish(self):
            self.deadline.cancel()
            super().finish()

        def handle(self):
            try:
                super().handle()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the tab moved on or closed mid-answer (a waiting reload): nothing to report

        def do_GET(self):  # noqa: N802 - the name http.server calls
            url = urlsplit(self.path)
            hosts = self.headers.get_all("Host") or []
            if not server.answers(hosts[0] if len(hosts) == 1 else None):
                status, kind = 403, "text/plain"
                body = server.hosts.refusal(server.httpd.server_address[1]).encode()
            elif url.path == _WAIT:
                since = parse_qs(url.query).get("epoch", ["0"])[0]  # any other value counts as 0
                body = str(server.wait(int(since) if _EPOCH.fullmatch(since) else 0)).encode()
                status, kind = 200, "text/plain"
            else:
                status, kind, body = server.page(url.path)
            self.send_response(status)
            self.send_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # quiet: the terminal shows what was rebuilt, not each request
            pass

    return Handler
