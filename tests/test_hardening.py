"""Hostile and broken input (the corpus in tests/corpus/), and crash-safe, reproducible builds."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import REPO, TODAY, edit
from crisisbook.build import build, write_docs
from crisisbook.errors import BuildError
from crisisbook.load import load_file
from test_cli import run

CORPUS = REPO / "tests" / "corpus"
EXPECTED = load_file(CORPUS / "EXPECTED.yaml").data


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_corpus_and_expected_list_match():
    assert sorted(EXPECTED) == sorted(p.name for p in CORPUS.glob("*.yaml") if p.name != "EXPECTED.yaml")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file_gets_its_exact_message(small, name):
    shutil.copy(CORPUS / name, small / "scenarios" / name)
    result = run("validate", f"scenarios/{name}", cwd=small)
    # the corpus is English: the bilingual fixture's warnings about its missing Chinese are not the point
    lines = [line for line in result.stdout.splitlines() if "no zh-Hant translation" not in line]
    assert lines == EXPECTED[name]
    assert result.returncode == (1 if EXPECTED[name] else 0)
    assert "Traceback" not in result.stderr and not (small / "pwned").exists()


def test_whole_corpus_in_one_build_fails_cleanly_and_writes_nothing(small):
    assert run("build", cwd=small).returncode == 0
    before = tree(small / "site")
    for name in EXPECTED:
        shutil.copy(CORPUS / name, small / "scenarios" / name)
    result = run("build", cwd=small)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for message in (m for messages in EXPECTED.values() for m in messages):
        assert message in result.stderr
    assert tree(small / "site") == before


def test_ten_megabyte_file_is_refused_before_parsing(small):
    (small / "scenarios" / "huge.yaml").write_bytes(b"title: " + b"x" * 10_000_000 + b"\n")
    result = run("validate", cwd=small)
    assert result.returncode == 1
    assert "scenarios/huge.yaml: file is 10,000,008 bytes; the limit is 1,000,000" in result.stdout


def test_symlink_out_of_the_repository_is_refused(small, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("title: not yours\n")
    (small / "scenarios" / "leak.yaml").symlink_to(secret)
    result = run("validate", cwd=small)
    assert result.returncode == 1
    assert "scenarios/leak.yaml: is a link to a file outside the project; refused" in result.stdout.splitlines()


def test_output_path_escaping_the_output_folder_is_refused(small, tmp_path):
    with pytest.raises(BuildError, match=r"^refusing to write '../evil.md': it is outside the output folder$"):
        write_docs(tmp_path, {"../evil.md": b"x"}, tmp_path / "docs")
    assert not (tmp_path / "evil.md").exists()


class _Tags(HTMLParser):
    """Every element, attribute and script or style body a browser would create from a page."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict, str]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs), ""))

    def handle_data(self, data):
        if self.tags and self.tags[-1][0] in ("script", "style"):
            tag, attrs, body = self.tags[-1]
            self.tags[-1] = (tag, attrs, body + data)


def live_markup(page: str) -> list[str]:
    """Elements or attributes from scenario data that could run code, hide the page or load
    something from outside. (The test data's scripts all mention "pwned"; the theme's do not.)"""
    found = []
    for tag, attrs, body in _Tags(page).tags:
        if tag in ("iframe", "object", "embed") or (tag in ("script", "style") and (
                "pwned" in body or "display:none" in body)):
            found.append(f"<{tag}>")
        for name, value in attrs.items():
            value = (value or "").strip().lower()
            if name.startswith("on") or value.startswith("javascript:"):
                found.append(f"<{tag} {name}={value}>")
            # a canonical link names the published address (site_url) and loads nothing
            canonical = tag == "link" and (attrs.get("rel") or "") == "canonical"
            if name in ("src", "href") and value.startswith(("http:", "https:", "//")) and tag != "a" and not canonical:
                found.append(f"<{tag} {name}={value}>")
    return found


def test_markup_in_yaml_is_inert_in_the_built_page(small):
    shutil.copy(CORPUS / "markup-injection.yaml", small / "scenarios" / "markup-injection.yaml")
    shutil.copy(CORPUS / "template-syntax-is-text.yaml", small / "scenarios" / "template-syntax-is-text.yaml")
    shutil.copy(CORPUS / "keyword-html-block.yaml", small / "scenarios" / "keyword-html-block.yaml")
    build(small, on=TODAY)
    for page in (small / "site").rglob("*.html"):
        assert live_markup(page.read_text()) == [], page
    page = (small / "site" / "scenarios" / "markup-injection" / "index.html").read_text()
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page  # shown as text
    assert "[click me](javascript:window.pwned=3)" in page
    assert "&lt;/title&gt;&lt;script&gt;window.pwned=8" in page
    keywords = (small / "site" / "scenarios" / "keyword-html-block" / "index.html").read_text()
    assert "<code>kettleworks down &lt;img src=x onerror=\"window.pwned=10\"&gt; &lt;script&gt;" in keywords
    templated = (small / "site" / "scenarios" / "template-syntax-is-text" / "index.html").read_text()
    assert "{{ 7*7 }} {% if true %}x{% endif %}" in templated and ">49<" not in templated


def test_the_inertness_check_sees_live_markup():
    assert live_markup('<p><img src=x onerror="pwned(1)"></p>') == ["<img onerror=pwned(1)>"]
    assert live_markup('<a href=" javascript:alert(1)">x</a>') == ["<a href=javascript:alert(1)>"]
    assert live_markup('<script>window.pwned=1</script>') == ["<script>"]
    assert live_markup('<script src="assets/x.js"></script><a href="https://ok.example">x</a>') == []
    assert live_markup('<img src="https://evil.example/t.png">') == ["<img src=https://evil.example/t.png>"]


def test_two_builds_at_once_do_not_corrupt_each_other(small):
    (small / "build").mkdir()
    with open(small / "build" / ".lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = run("build", cwd=small)
    assert result.returncode == 1
    assert result.stderr.endswith(
        "Error: another crisisbook build is running in this project; wait for it to finish\n")
    assert not (small / "site").exists()


def test_engine_warnings_fail_the_build_whatever_the_verbosity(small):
    # a warning only the engine gives (a setting it does not know), so validate lets it through
    (small / "mkdocs.yml").write_text((small / "mkdocs.yml").read_text() + "\nno_such_option: 1\n")
    result = run("-q", "build", cwd=small)
    assert result.returncode == 1
    assert "the site engine failed; the previous site was kept." in result.stderr
    assert "\nWARNING -  Config value 'no_such_option': Unrecognised configuration name: no_such_option\n" \
        in result.stderr  # the engine's own lines, each on its own line
    assert not (small / "site").exists()


def test_a_broken_link_in_a_hand_written_page_stops_the_build_before_the_engine(small):
    """The engine would refuse it at the end of its run, without a line; validate says it first."""
    (small / "docs").mkdir()
    (small / "docs" / "notes.md").write_text("# Notes\n\nSee [the plan](missing-plan.md).\n")
    result = run("-q", "build", cwd=small)
    assert result.returncode == 1
    assert "docs/notes.md:3:16: link 'missing-plan.md' leads to no page of the handbook: link to a page of " \
           "the handbook, such as 'severity.md' or 'scenarios/<id>.md'\n" in result.stderr
    assert "nothing was built" in result.stderr and "the site engine failed" not in result.stderr
    assert not (small / "site").exists()


def test_building_twice_gives_identical_bytes(small, tmp_path):
    with open(small / "mkdocs.yml", "a") as config:
        config.write("\nsite_url: https://handbook.kettleworks.example/\n")  # sitemap dates appear
    env = {"SOURCE_DATE_EPOCH": ""}  # unset: the date must come from the data (no git here)
    for site in ("one", "two"):
        result = subprocess.run([sys.executable, "-m", "crisisbook", "build", "-d", str(tmp_path / site)],
                                cwd=small, capture_output=True, text=True, env={**os.environ, **env})
        assert result.returncode == 0, result.stderr
        time.sleep(1.1)  # a clock-based date would now differ
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    sitemap = (tmp_path / "one" / "sitemap.xml").read_text()
    assert "<lastmod>2026-11-01</lastmod>" in sitemap  # the newest last_reviewed in the fixture


def test_killing_the_build_at_any_moment_keeps_the_previous_site(small):
    assert run("build", cwd=small).returncode == 0
    good = tree(small / "site")
    edit(small / "scenarios" / "site-down.yaml", "title: Shop is down", "title: Shop is down again")
    for delay in (0.05, 0.3, 0.6, 0.9, 1.2, 1.5, 2.0, 2.5):
        proc = subprocess.Popen([sys.executable, "-m", "crisisbook", "build"], cwd=small,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()  # its engines die with it (children.py), so nothing writes on after this
        site = small / "site" if (small / "site").exists() else small / "site.old"
        now = tree(site)
        # either the old site, whole, or the new one, whole: never a mix or a half-written file
        assert now == good or ("Shop is down again" in now["scenarios/site-down/index.html"].decode()
                               and set(now) == set(good)), f"killed after {delay}s"
    assert run("build", cwd=small).returncode == 0
    assert "Shop is down again" in (small / "site" / "scenarios" / "site-down" / "index.html").read_text()
    assert not list((small / "build").glob(".staging-*")) and not (small / "site.old").exists()
    assert not list(small.glob(".site.crisisbook-*"))  # the site's staging, beside it
