"""`crisisbook serve`: a real preview server that re-renders when a scenario is saved."""

from __future__ import annotations

import os
import re
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


class Serving:
    """`crisisbook serve` running on a project, its output collected."""

    def __init__(self, root, *args):
        self.port = free_port()
        self.proc = subprocess.Popen([sys.executable, "-m", "crisisbook", "serve", "-a", f"127.0.0.1:{self.port}",
                                      *args], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.output = ""

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def stop(self) -> str:
        self.proc.terminate()
        self.output = self.proc.communicate(timeout=20)[0]
        return self.output


def test_serve_rerenders_on_save_and_keeps_last_good_pages(small):
    serving = Serving(small)
    url = serving.url("scenarios/site-down/")
    try:
        assert wait_for(lambda: "Shop is down" in fetch(url)), "preview did not start"
        edit(small / "scenarios" / "site-down.yaml", "title: Shop is down", "title: Online shop unreachable")
        assert wait_for(lambda: "Online shop unreachable" in fetch(url)), "edit was not re-rendered"
        # a broken edit is reported, in the terminal and on the page, and the last good page stays
        edit(small / "scenarios" / "site-down.yaml", "category: outage", "category: outtage")
        assert wait_for(lambda: "is not allowed" in fetch(url)), "the problem is not shown on the page"
        page = fetch(url)
        assert "Online shop unreachable" in page
        assert ("scenarios/site-down.yaml:2:11: category: &#x27;outtage&#x27; is not allowed (did you mean "
                "&#x27;outage&#x27;?)") in page
        markdown = small / "build" / "docs" / "en" / "scenarios" / "site-down.md"
        assert "Online shop unreachable" in markdown.read_text()
        # fixed again: the problems leave the page
        edit(small / "scenarios" / "site-down.yaml", "category: outtage", "category: outage")
        assert wait_for(lambda: "is not allowed" not in fetch(url))
    finally:
        output = serving.stop()
    assert "scenarios/site-down.yaml:2:11: category: 'outtage' is not allowed (did you mean 'outage'?)" in output
    assert "the preview keeps the last good pages" in output
    assert "Traceback" not in output


def test_the_preview_shows_the_page_build_publishes(small, monkeypatch):
    from crisisbook.build import build
    from crisisbook.live import undecorated

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780272000")  # one date for both: 2026-06-01
    serving = Serving(small)
    url = serving.url("scenarios/site-down/")
    try:
        assert wait_for(lambda: "Shop is down" in fetch(url)), "preview did not start"
        edit(small / "scenarios" / "site-down.yaml", "Post an update.", "Post an update on every channel.")
        assert wait_for(lambda: "Post an update on every channel." in fetch(url))
        served = {path: undecorated(fetch(serving.url(path)))
                  for path in ("scenarios/site-down/", "scenarios/kettle-leak/", "roles/spokesperson/")}
    finally:
        output = serving.stop()
    assert "Traceback" not in output
    build(small)
    for path, page in served.items():
        assert page == (small / "site" / path / "index.html").read_text(encoding="utf-8"), path


def test_after_a_tag_edit_the_preview_lists_by_tag_as_build_publishes(small, monkeypatch):
    """A save that changes a scenario's tags, or a tag's words, changes "Scenarios by tag", a
    page crisisbook did not rewrite: the engine fills it from every page's tags."""
    from crisisbook.build import build
    from crisisbook.live import undecorated

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780272000")
    serving = Serving(small)
    listing = serving.url("scenarios/tags/")
    try:
        assert wait_for(lambda: 'id="tag:leak"' in fetch(listing)), "preview did not start"
        edit(small / "scenarios" / "kettle-leak.yaml", "tags: [leak, safety]", "tags: [drip, safety]")
        edit(small / "playbook" / "tags.yaml", "leak: {en: leak,", "drip: {en: dripping,")
        assert wait_for(lambda: 'id="tag:dripping"' in fetch(listing)), "the listing kept the old tags"
        served = undecorated(fetch(listing))
    finally:
        output = serving.stop()
    assert "Traceback" not in output
    assert 'id="tag:leak"' not in served
    build(small)
    assert served == (small / "site" / "scenarios" / "tags" / "index.html").read_text(encoding="utf-8")


def test_serve_on_an_invalid_project_prints_every_problem_as_validate_does(small, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780272000")  # the fixture's "today", 2026-06-01, for both runs
    edit(small / "scenarios" / "site-down.yaml", "category: outage", "category: outtage")
    (small / "scenarios" / "loop.yaml").symlink_to("loop.yaml")
    validate = subprocess.run([sys.executable, "-m", "crisisbook", "validate"], cwd=small,
                              capture_output=True, text=True)
    serving = Serving(small)
    assert serving.proc.wait(timeout=60) == 1
    output = serving.stop()
    lines = validate.stdout.splitlines()
    assert lines == [
        "scenarios/kettle-leak.yaml:7:16: warning: last_reviewed: overdue for review since 2026-04-10 "
        "(last reviewed 2026-01-10, every 90d)",
        "scenarios/kettle-leak.yaml:83:84: warning: statements[2].approval.expires: approval expired on "
        "2026-05-10: have it approved again, or mark it draft",
        "scenarios/loop.yaml: is a symbolic link that loops back on itself; point it at a file or remove it",
        "scenarios/site-down.yaml:2:11: category: 'outtage' is not allowed (did you mean 'outage'?)"]
    assert output.splitlines() == lines + ["Error: 2 errors, 2 warnings; nothing was built"]


def test_a_symlink_loop_made_while_serving_is_one_line_not_a_traceback(small):
    serving = Serving(small)
    url = serving.url("scenarios/site-down/")
    try:
        assert wait_for(lambda: "Shop is down" in fetch(url)), "preview did not start"
        (small / "scenarios" / "loop.yaml").symlink_to("loop.yaml")
        (small / "templates" / "loop").symlink_to("loop")
        edit(small / "scenarios" / "site-down.yaml", "title: Shop is down", "title: Shop unreachable")
        assert wait_for(lambda: "symbolic link that loops" in fetch(url))
        assert "Shop is down" in fetch(url)
    finally:
        output = serving.stop()
    assert ("scenarios/loop.yaml: is a symbolic link that loops back on itself; point it at a file or "
            "remove it") in output.splitlines()
    assert "Traceback" not in output and "internal error" not in output


def test_a_template_error_while_serving_reaches_the_terminal_escaped(small):
    """A template naming a missing include is reported with the name as written, and a pull
    request's template may write an escape sequence there: `build` printed it escaped, the
    preview's terminal as it was (red10)."""
    serving = Serving(small)
    url = serving.url("scenarios/site-down/")
    forged = "\x1b[2K\rno problems found\x1b]0;pwned\x07"
    try:
        assert wait_for(lambda: "Shop is down" in fetch(url)), "preview did not start"
        edit(small / "templates" / "pages" / "scenario.md.j2", "\n# {{ sc.title",
             '\n{% include "' + forged + '" %}\n# {{ sc.title')
        assert wait_for(lambda: "no problems found" in fetch(url)), "the problem is not shown on the page"
    finally:
        output = serving.stop()
    assert "Error: template scenario.md.j2:11: \\x1b[2K\\nno problems found\\x1b]0;pwned\\x07" in output.splitlines()
    assert "\x1b" not in output and "\x07" not in output


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


def test_a_template_edit_rebuilds_every_page_and_says_so(small):
    from crisisbook.serve import _PARTIAL_UP_TO

    site_down = (small / "scenarios" / "site-down.yaml").read_text()
    for i in range(_PARTIAL_UP_TO):  # more pages than a save rebuilds one by one
        (small / "scenarios" / f"copy-{i}.yaml").write_text(site_down)
    serving = Serving(small)
    url = serving.url("scenarios/kettle-leak/")
    try:
        assert wait_for(lambda: "Kettle leaks when full" in fetch(url)), "preview did not start"
        page = small / "templates" / "pages" / "scenario.md.j2"
        page.write_text(page.read_text() + "\nReviewed in the preview.\n")
        assert wait_for(lambda: "Reviewed in the preview." in fetch(url))
        assert "Reviewed in the preview." in fetch(serving.url("scenarios/site-down/"))
    finally:
        output = serving.stop()
    assert re.search(r"^rebuilding every page, about \d+ s$", output, re.M), output



def test_the_preview_searches_the_index_build_publishes(small, monkeypatch):
    """The preview serves crisisbook's search index and worker (not the theme's), brought up to
    date after a save: the same index `build` publishes for the same sources."""
    from crisisbook.build import build
    from crisisbook.search import worker_script

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780272000")  # one date for both: 2026-06-01
    serving = Serving(small)
    index_url = serving.url("search/search_index.json")
    try:
        assert wait_for(lambda: '"terms":' in fetch(index_url), 60), "the preview has no crisisbook index"
        worker = next((small / "build" / "preview" / "en").glob("*/assets/javascripts/workers/search.*.min.js"))
        assert fetch(serving.url(worker.relative_to(worker.parents[3]).as_posix())) == worker_script()
        edit(small / "scenarios" / "site-down.yaml", "Post an update.", "Post an update on Mastodon too.")
        assert wait_for(lambda: '"mastodon":' in fetch(index_url), 60), "the index missed the save"
        served = fetch(index_url)
    finally:
        output = serving.stop()
    assert "Traceback" not in output
    build(small)
    assert served == (small / "site" / "search" / "search_index.json").read_text(encoding="utf-8")


def test_a_tab_closed_while_waiting_for_a_reload_prints_nothing(small):
    """Each preview tab waits on the server for the next save; a tab closed or moved on leaves
    the server answering a closed connection, which printed a BrokenPipeError traceback."""
    import struct

    serving = Serving(small)
    url = serving.url("scenarios/site-down/")
    try:
        assert wait_for(lambda: "Shop is down" in fetch(url)), "preview did not start"
        epoch = fetch(serving.url(".crisisbook/wait?epoch=0"))
        for _ in range(3):  # waiting tabs, each gone at once (a reset, as a closed browser tab)
            tab = socket.create_connection(("127.0.0.1", serving.port))
            tab.sendall(f"GET /.crisisbook/wait?epoch={epoch} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            time.sleep(0.2)
            tab.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            tab.close()
        edit(small / "scenarios" / "site-down.yaml", "title: Shop is down", "title: Online shop unreachable")
        assert wait_for(lambda: "Online shop unreachable" in fetch(url)), "edit was not re-rendered"
        time.sleep(1)
    finally:
        output = serving.stop()
    assert "Traceback" not in output and "BrokenPipe" not in output and "ConnectionReset" not in output, output


def request(port: int, path: str, host: str | None) -> tuple[int, str]:
    """(status, body without what the preview adds) of a GET with this Host header (None: no
    Host header at all)."""
    import http.client

    from crisisbook.live import undecorated

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, undecorated(response.read().decode())
    finally:
        connection.close()


def refusal(port: int, everywhere: bool = False) -> str:
    return (f"This crisisbook preview answers only at http://localhost:{port}/, http://127.0.0.1:{port}/, "
            f"http://[::1]:{port}/{' or at any IP address of this computer' if everywhere else ''}; another "
            f"name could be a web page reading the preview.\n")


@pytest.fixture
def started(tmp_path):
    """A preview server (live.Server) on a folder of one page, serving in a thread."""
    import threading

    from crisisbook.live import Server

    servers = []

    def start(host: str) -> "Server":
        site = tmp_path / "site"
        site.mkdir(exist_ok=True)
        (site / "index.html").write_text("<html><body>the team's page</body></html>")
        server = Server(site, host, 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()


REFUSED = "preview: refused a request for {}: not an address of this computer (a web page may be trying to read " \
          "the preview)"


def test_the_preview_answers_only_a_host_that_names_this_computer(started, caplog):
    """DNS rebinding: a web page whose name now points at 127.0.0.1 asks for the preview with
    its own name as the Host; only names of this computer and IP literals are answered."""
    server = started("127.0.0.1")
    port = server.httpd.server_address[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost", f"LocalHost:{port}", "127.0.0.2",
                 f"[::1]:{port}", "[::1]"):
        assert request(port, "/", host) == (200, ANY_PAGE), host
    for host in (f"attacker.example:{port}", f"attacker.example:{port}", "attacker.example", "192.168.1.5",
                 f"localhost.attacker.example:{port}", "", None, None):
        assert request(port, "/", host) == (403, refusal(port)), host
    assert request(port, "/.crisisbook/wait?epoch=0", f"evil.example:{port}") == (403, refusal(port))
    assert [r.getMessage() for r in caplog.records if r.name == "crisisbook.live"] == [
        REFUSED.format(f"host 'attacker.example:{port}'"), REFUSED.format("host 'attacker.example'"),
        REFUSED.format("host '192.168.1.5'"), REFUSED.format(f"host 'localhost.attacker.example:{port}'"),
        REFUSED.format("no host"), REFUSED.format(f"host 'evil.example:{port}'")]


ANY_PAGE = "<html><body>the team's page</body></html>"


def test_a_connection_that_never_finishes_its_request_is_closed_and_the_preview_goes_on(started, monkeypatch):
    """A slow or silent client (slowloris) would otherwise hold a thread of the preview for ever."""
    from crisisbook import live

    monkeypatch.setattr(live, "_READ_TIMEOUT", 0.5)
    server = started("127.0.0.1")
    port = server.httpd.server_address[1]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as slow:
        slow.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the blank line
        started_at = time.monotonic()
        assert slow.recv(1024) == b""  # closed by the server, not by the client's 10 s
        assert time.monotonic() - started_at < 5
    assert request(port, "/", "127.0.0.1") == (200, "<html><body>the team's page</body></html>")


def test_a_request_sent_a_byte_at_a_time_is_closed_when_its_time_is_up(started, monkeypatch):
    """The time limit is for the whole request: a socket's timeout counts from the last byte, and
    a client sending one byte a little faster than it held its thread for ever (red10)."""
    from crisisbook import live

    monkeypatch.setattr(live, "_READ_TIMEOUT", 0.5)
    server = started("127.0.0.1")
    port = server.httpd.server_address[1]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as slow:
        started_at = time.monotonic()
        closed = False
        slow.sendall(b"GET / HTTP/1.1\r\n")  # the request line at once, then its headers slowly
        for byte in b"Host: 127.0.0.1\r\nX-Slow: " + b"x" * 100:
            try:
                slow.sendall(bytes([byte]))
            except OSError:  # the server closed the connection
                closed = True
                break
            slow.settimeout(0.2)
            try:
                if slow.recv(1024) == b"":
                    closed = True
                    break
            except TimeoutError:
                pass
        assert closed and time.monotonic() - started_at < 5
    assert request(port, "/", "127.0.0.1") == (200, ANY_PAGE)


def test_bound_to_every_interface_the_preview_answers_any_ip_address(started):
    """On 0.0.0.0 a colleague opens it at this computer's address; a name is still refused
    (an IP literal cannot be rebound, a name can)."""
    server = started("0.0.0.0")
    port = server.httpd.server_address[1]
    for host in (f"192.168.1.5:{port}", "10.0.0.7", f"[fe80::1]:{port}", f"127.0.0.1:{port}", "localhost"):
        assert request(port, "/", host)[0] == 200, host
    assert request(port, "/", f"attacker.example:{port}") == (403, refusal(port, everywhere=True))


def test_an_unexpected_error_in_a_request_is_one_line_and_the_preview_goes_on(started, caplog, capfd, monkeypatch):
    import http.client

    server = started("127.0.0.1")
    port = server.httpd.server_address[1]
    original = server.page
    monkeypatch.setattr(server, "page", lambda path: 1 / 0 if path == "/broken" else original(path))
    with pytest.raises(http.client.RemoteDisconnected):
        request(port, "/broken", "127.0.0.1")
    assert request(port, "/", "127.0.0.1") == (200, ANY_PAGE)
    assert [r.getMessage() for r in caplog.records if r.name == "crisisbook.live"] == [
        "preview: a request failed: ZeroDivisionError: division by zero"]
    assert "Traceback" not in capfd.readouterr().err


def test_a_web_page_can_neither_read_the_preview_nor_break_its_reload(small):
    """The red team's requests against `crisisbook serve --audience team`: another name as the
    Host is refused (said once in the terminal), and reload waits with an epoch that is not
    ASCII digits ('²'.isdigit() is True) or too long for int() are answered, not a traceback."""
    serving = Serving(small, "--audience", "team")
    port = serving.port
    try:
        assert wait_for(lambda: "Shop is down" in fetch(serving.url("scenarios/site-down/"))), "preview did not start"
        for _ in range(3):
            assert request(port, "/roster/", f"attacker.example:{port}") == (403, refusal(port))
        assert request(port, "/roster/", f"localhost:{port}")[0] == 200
        epoch = fetch(serving.url(".crisisbook/wait?epoch=0"))
        for payload in ("%C2%B2", "9" * 5000, "-1", "1e3"):
            assert request(port, f"/.crisisbook/wait?epoch={payload}", f"127.0.0.1:{port}") == (200, epoch), payload
        assert "Shop is down" in fetch(serving.url("scenarios/site-down/"))
    finally:
        output = serving.stop()
    assert output.count("preview: ") == 1, output
    assert REFUSED.format(f"host 'attacker.example:{port}'") in output.splitlines()
    assert "Traceback" not in output and "request failed" not in output, output


def panel_lines(page: str) -> list[str]:
    """The problem lines of the served page's problems panel, in order, as the author reads them."""
    import html

    return [html.unescape(line) for line in re.findall(r'<div class="cb-preview-problem"[^>]*>(.*?)</div>', page, re.S)]


def english_first(root) -> None:
    """site-down.yaml untranslated but not marked English-only: a warning for each of its 24 text fields."""
    edit(root / "scenarios" / "site-down.yaml", "languages: [en]  # not yet translated: the Chinese edition "
                                                "links to the English page\n", "")


KETTLE_ERROR = ("scenarios/kettle-leak.yaml:2:11: category: 'product-failur' is not allowed (did you mean "
                "'product-failure'?)")
BAD_SAVES = [  # (scenario, the edit, the line its error shows in the panel)
    ("board-leak", ("category: employee-misconduct", "category: misconduct"),
     "scenarios/board-leak.yaml:2:11: category: 'misconduct' is not allowed"),
    ("kettle-leak", ("category: product-failure", "category: product-failur"), KETTLE_ERROR)]
PANEL = [KETTLE_ERROR,  # the file just saved: its error first, then every other error, in full
         "scenarios/board-leak.yaml:2:11: category: 'misconduct' is not allowed (did you mean "
         "'employee-misconduct'?)",
         "scenarios/kettle-leak.yaml:7:16: warning: last_reviewed: overdue for review since 2026-04-10 "
         "(last reviewed 2026-01-10, every 90d)",
         "scenarios/kettle-leak.yaml:83:84: warning: statements[2].approval.expires: approval expired on "
         "2026-05-10: have it approved again, or mark it draft",
         "scenarios/site-down.yaml: 19 warnings (run crisisbook validate to see them)"]


def bad_saves(small, serving: Serving, url: str) -> None:
    """Break two scenarios one after the other, each time waiting until the panel shows it."""
    for name, (old, new), line in BAD_SAVES:
        edit(small / "scenarios" / f"{name}.yaml", old, new)
        assert wait_for(lambda: any(p.startswith(line) for p in panel_lines(fetch(url))), 60), name


def test_after_a_bad_save_its_errors_come_first_and_other_files_warnings_are_one_line(small, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780272000")  # the fixture's "today", 2026-06-01
    english_first(small)
    serving = Serving(small)
    url = serving.url("scenarios/kettle-leak/")
    try:
        assert wait_for(lambda: "Kettle leaks when full" in fetch(url)), "preview did not start"
        bad_saves(small, serving, url)
        page = fetch(url)
    finally:
        output = serving.stop()
    assert panel_lines(page) == PANEL
    assert "Kettle leaks when full" in page  # the last good page, below the problems
    lines = output.splitlines()
    last = len(lines) - 1 - lines[::-1].index(KETTLE_ERROR)
    assert lines[last:last + 6] == PANEL + ["2 errors, 21 warnings; nothing was built; the preview keeps the "
                                            "last good pages"]


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)])  # a phone, a laptop
def test_the_first_error_is_on_screen_and_the_panel_leaves_the_page_in_view(small, monkeypatch, chromium,
                                                                            tmp_path, width, height):
    """The panel is sticky: unbounded, 24 lines of warnings made it taller than the screen, and
    the error just made was below its bottom edge whichever way the author scrolled."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780272000")
    english_first(small)
    serving = Serving(small)
    url = serving.url("scenarios/kettle-leak/")
    context = chromium.new_context(viewport={"width": width, "height": height})
    try:
        assert wait_for(lambda: "Kettle leaks when full" in fetch(url)), "preview did not start"
        bad_saves(small, serving, url)
        tab = context.new_page()
        tab.goto(url)
        for scrolled in (0, 3000):  # at the top of the page, and read far down it
            tab.evaluate(f"window.scrollTo(0, {scrolled})")
            tab.screenshot(path=str(tmp_path / f"problems-{width}x{height}-{scrolled}.png"))
            panel = tab.locator(".cb-preview-problems").bounding_box()
            first = tab.locator(".cb-preview-problem").first
            box = first.bounding_box()
            assert first.inner_text() == KETTLE_ERROR
            assert 0 <= panel["y"] and panel["y"] + panel["height"] <= 0.4 * height, (scrolled, panel)
            assert panel["y"] <= box["y"] and box["y"] + box["height"] <= panel["y"] + panel["height"], (scrolled, box)
        assert tab.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    finally:
        context.close()
        serving.stop()


def paragraphs(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", p) for p in re.findall(r"<p\b.*?</p>", page, re.S)]


TO_CHINESE = ["此預覽顯示的是英文版；要預覽中文版，請執行 crisisbook serve --lang zh-Hant。 返回英文版",
              "This preview shows the English edition; run crisisbook serve --lang zh-Hant to preview the "
              "Chinese one. Back to the English edition"]


def test_the_language_link_to_an_edition_not_previewed_says_how_to_preview_it(small):
    from urllib.parse import urljoin

    serving = Serving(small)
    url = serving.url("scenarios/kettle-leak/")
    try:
        assert wait_for(lambda: "Kettle leaks when full" in fetch(url)), "preview did not start"
        link = re.search(r'<a href="([^"]+)" lang="zh-Hant"', fetch(url)).group(1)
        assert link == "../../zh-Hant/scenarios/kettle-leak/"
        for path in (urljoin("/scenarios/kettle-leak/", link), "/zh-Hant/", "/zh-Hant"):
            status, page = request(serving.port, path, "127.0.0.1")
            assert (status, paragraphs(page)) == (200, TO_CHINESE), path
            assert '<a href="/">Back to the English edition</a>' in page
        assert request(serving.port, "/scenarios/no-such-page/", "127.0.0.1")[0] == 404
        assert request(serving.port, "/zh-Hantx/", "127.0.0.1")[0] == 404  # not the edition's folder
    finally:
        output = serving.stop()
    assert "Traceback" not in output


def test_serve_lang_previews_that_edition_at_the_address_build_publishes_it(small, monkeypatch):
    from crisisbook.build import build
    from crisisbook.live import undecorated

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780272000")  # one date for both: 2026-06-01
    serving = Serving(small, "--lang", "zh-Hant")
    url = serving.url("zh-Hant/scenarios/kettle-leak/")
    try:
        assert wait_for(lambda: "水煲注滿時漏水" in fetch(url)), "preview did not start"
        edit(small / "scenarios" / "kettle-leak.yaml", "zh-Hant: 水煲注滿時漏水", "zh-Hant: 水煲注水後漏水")
        pages = ("zh-Hant/scenarios/kettle-leak/", "zh-Hant/roles/spokesperson/")  # the role's lists the title
        assert wait_for(lambda: all("水煲注水後漏水" in fetch(serving.url(p)) for p in pages)), "not at /zh-Hant/"
        served = {path: undecorated(fetch(serving.url(path))) for path in pages}
        status, home = request(serving.port, "/", "127.0.0.1")
        other = request(serving.port, "/scenarios/kettle-leak/", "127.0.0.1")
    finally:
        output = serving.stop()
    assert (status, paragraphs(home)) == (200, [
        "此預覽顯示的是中文版；要預覽英文版，請執行 crisisbook serve --lang en。 返回中文版",
        "This preview shows the Chinese edition; run crisisbook serve --lang en to preview the English one. "
        "Back to the Chinese edition"][::-1])
    assert '<a href="/zh-Hant/">' in home and other == (status, home)
    assert re.search(rf"^serving on http://127\.0\.0\.1:{serving.port}/zh-Hant/ \(ready in", output, re.M), output
    build(small)
    for path, page in served.items():
        assert page == (small / "site" / path / "index.html").read_text(encoding="utf-8"), path


def test_problem_lines_keep_a_note_with_its_error_and_count_one_warning_as_one():
    from crisisbook.previewtext import problem_lines
    from crisisbook.report import NOTE, WARNING, Problem

    note = "2 checks skipped in scenarios/b.yaml until line 4 is fixed"
    problems = [Problem("scenarios/a.yaml", 3, 5, "title", "no zh-Hant translation", WARNING),
                Problem("scenarios/b.yaml", 4, 2, "owner", "unknown role 'cfo'"),
                Problem("scenarios/b.yaml", 4, 0, "", note, NOTE),
                Problem("scenarios/c.yaml", 9, 1, "summary", "TODO marker", WARNING)]
    assert problem_lines(problems, {"scenarios/c.yaml"}) == [
        "scenarios/b.yaml:4:2: owner: unknown role 'cfo'", note,
        "scenarios/c.yaml:9:1: warning: summary: TODO marker",
        "scenarios/a.yaml: 1 warning (run crisisbook validate to see them)"]
