"""Nothing outside the project is read, written or published (SECURITY.md, guarantees 5 and 6).

Each case is one a pull request can bring: git stores symbolic links, and `build/` can be
force-added. Links are made by the tests (a link in tests/corpus/ would be followed by the copy
that puts a corpus file into a project)."""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import edit
from test_cli import SOURCE_DATE, run
from test_hardening import tree

SECRET = "CRISISBOOK_TEST_SECRET_7f3a"  # in the build's environment, as a CI secret would be


def run_with_secret(*args, cwd, timeout=300, memory=None):
    """The CLI with a secret in its environment, memory capped like a small CI runner's."""
    def cap():
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    env = {**os.environ, **SOURCE_DATE, "CI_TOKEN": SECRET}
    return subprocess.run([sys.executable, "-m", "crisisbook", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout, preexec_fn=cap)


def nowhere_contains(folder: Path, text: bytes) -> bool:
    return not any(text in data for data in tree(folder).values()) if folder.exists() else True


# --- item 2: links out of the project publish outside files --------------------------------

LINKS_OUT = [
    ("docs/x.txt", "/etc/passwd", "file"),
    ("docs/env.txt", "/proc/self/environ", "file"),
    ("templates/assets/x", "/etc/passwd", "file"),
    ("templates/assets/vendor/etc", "/etc", "folder"),
    ("docs/git-config.txt", "../.git/config", None),  # CI keeps its token there
]


@pytest.mark.parametrize("link, target, kind", LINKS_OUT, ids=[link for link, _, _ in LINKS_OUT])
def test_a_link_out_of_the_project_is_never_published(small, link, target, kind):
    assert run("build", cwd=small).returncode == 0
    good = tree(small / "site")
    (small / ".git").mkdir()
    (small / ".git" / "config").write_text(f"[http]\n\textraheader = AUTHORIZATION: basic {SECRET}\n")
    (small / link).parent.mkdir(parents=True, exist_ok=True)
    (small / link).symlink_to(target)
    message = (f"{link}: is a link to a {kind} outside the project; refused" if kind
               else f"{link}: is a link into .git; refused")
    for command in (["build"], ["bundle"]):
        result = run_with_secret(*command, cwd=small)
        assert result.returncode == 1, command
        assert result.stderr == f"{message}\nError: 1 error, 0 warnings; nothing was built\n", command
    assert tree(small / "site") == good
    assert not (small / "dist").exists() or not list((small / "dist").iterdir())
    for folder in (small / "site", small / "build"):
        assert nowhere_contains(folder, SECRET.encode()) and nowhere_contains(folder, b"root:x:0:0")


def test_every_refused_file_is_named_in_one_run(small):
    (small / "docs").mkdir()
    (small / "docs" / "a.txt").symlink_to("/etc/passwd")
    (small / "docs" / "b.txt").symlink_to("/etc/hostname")
    result = run("build", cwd=small)
    assert result.stderr == ("docs/a.txt: is a link to a file outside the project; refused\n"
                             "docs/b.txt: is a link to a file outside the project; refused\n"
                             "Error: 2 errors, 0 warnings; nothing was built\n")


@pytest.mark.parametrize("link, target", [
    ("mkdocs.yml", "/etc/passwd"),
    ("templates/pages/home.md.j2", "/etc/passwd"),
    ("templates/strings.yaml", "/etc/passwd"),
    ("templates/search-terms.txt", "/etc/passwd"),
    ("playbook/roles.yaml", "/etc/passwd"),
])
def test_no_project_file_is_read_through_a_link_out(small, link, target):
    bilingual(small)  # search terms are read for a Chinese edition only
    path = small / link
    path.unlink()
    path.symlink_to(target)
    result = run("build", cwd=small)
    assert result.returncode == 1
    assert f"{link}: is a link to a file outside the project; refused" in result.stderr
    assert "Traceback" not in result.stderr and not (small / "site").exists()


def test_a_templates_folder_linked_out_is_refused(small, tmp_path):
    (small / "templates").rename(tmp_path / "templates")
    (small / "templates").symlink_to(tmp_path / "templates")
    result = run("build", cwd=small)
    assert result.returncode == 1
    assert result.stderr == "Error: templates/strings.yaml: is a link to a file outside the project; refused\n"
    assert not (small / "site").exists()


def test_a_link_out_in_the_theme_overrides_is_refused_not_published(small, tmp_path):
    """The engine copies every file of its custom_dir into the site: it gets crisisbook's copy of
    templates/theme/, read through fsguard, never the folder itself."""
    assert run("build", cwd=small).returncode == 0
    before = tree(small / "site")
    (tmp_path / "secret.txt").write_text(SECRET)
    (small / "templates" / "theme" / "leak.txt").symlink_to(tmp_path / "secret.txt")
    result = run("build", cwd=small)
    assert result.returncode == 1
    assert result.stderr == ("templates/theme/leak.txt: is a link to a file outside the project; refused\n"
                             "Error: 1 error, 0 warnings; nothing was built\n")
    assert tree(small / "site") == before
    (small / "templates" / "theme" / "leak.txt").unlink()
    (small / "templates" / "theme" / "note.txt").write_text("a file of the project's own\n")
    assert run("build", cwd=small).returncode == 0
    assert (small / "site" / "note.txt").read_text() == "a file of the project's own\n"
    assert nowhere_contains(small / "site", SECRET.encode()) and nowhere_contains(small / "build", SECRET.encode())


def test_a_print_template_linked_out_is_refused(small, tmp_path):
    (small / "templates" / "print" / "print.css").unlink()
    (small / "templates" / "print" / "print.css").symlink_to("/etc/passwd")
    result = run("print", "site-down", "--out", str(tmp_path / "paper"), cwd=small)
    assert result.returncode == 1
    assert result.stderr.endswith("\nError: templates/print/print.css: is a link to a file outside the project; refused\n")
    assert not list((tmp_path / "paper").rglob("*.pdf")) if (tmp_path / "paper").exists() else True


def test_links_inside_the_project_keep_working(small):
    """A scenarios folder linked to another folder of the project, and a page linked to a file
    of the project, build as if they were there."""
    (small / "data").mkdir()
    (small / "scenarios").rename(small / "data" / "scenarios")
    (small / "scenarios").symlink_to("data/scenarios")
    (small / "notes").mkdir()
    (small / "notes" / "drills.md").write_text("# Drills\n\nOnce a quarter.\n")
    (small / "docs").mkdir()
    (small / "docs" / "drills.md").symlink_to("../notes/drills.md")
    (small / "docs" / "loop").symlink_to(".")  # a loop ends: each folder is walked once
    result = run("build", cwd=small)
    assert result.returncode == 0, result.stderr
    assert (small / "site" / "scenarios" / "site-down" / "index.html").is_file()
    assert "Once a quarter." in (small / "site" / "drills" / "index.html").read_text()


# --- item 4: a scenario linked to /dev/zero, or a pipe, a folder ---------------------------

@pytest.mark.parametrize("name, make, message", [
    ("zero.yaml", lambda p: p.symlink_to("/dev/zero"), "is a link to a file outside the project; refused"),
    ("fifo.yaml", os.mkfifo, "is not a regular file (a device, pipe or socket); refused"),
    ("folder.yaml", lambda p: p.mkdir(), "is a folder, not a file"),
    ("broken.yaml", lambda p: p.symlink_to("missing.yaml"), "is a broken link: what it points at does not exist"),
    ("loop.yaml", lambda p: p.symlink_to("loop.yaml"),
     "is a symbolic link that loops back on itself; point it at a file or remove it"),
], ids=["dev-zero", "fifo", "folder", "broken-link", "link-loop"])
def test_a_scenario_that_is_not_a_file_is_refused_before_reading(small, name, make, message):
    make(small / "scenarios" / name)
    for command in ("validate", "build"):
        started = time.monotonic()
        result = run_with_secret(command, cwd=small, timeout=60, memory=1 << 30)
        assert time.monotonic() - started < 30
        assert result.returncode == 1
        assert f"scenarios/{name}: {message}" in (result.stdout + result.stderr).splitlines()
        assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr


def test_the_size_limit_is_checked_before_reading(small, monkeypatch):
    from crisisbook import fsguard
    from crisisbook.errors import UnsafePath

    big = small / "scenarios" / "big.yaml"
    with open(big, "wb") as handle:
        handle.truncate(5_000_000_000)  # a sparse file: 5 GB in its size, nothing on disk
    monkeypatch.setattr(fsguard, "_read_upto", lambda *a: pytest.fail("read before the size was checked"))
    with pytest.raises(UnsafePath, match=r"^scenarios/big.yaml: file is 5,000,000,000 bytes; the limit is 1,000,000$"):
        fsguard.read_bytes(small, big)


# --- item 3: serve and build never write through a linked output folder --------------------

LINKED_FOLDER = "{}: is a link; crisisbook writes nothing into a linked folder: remove the link"


def link_to_precious(small: Path, tmp_path: Path, link: str) -> Path:
    """Make `link` in the project a link to a folder outside it holding one file."""
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.md").write_text("years of work")
    (small / link).parent.mkdir(parents=True, exist_ok=True)
    (small / link).symlink_to(precious)
    return precious


def untouched(precious: Path) -> bool:
    return [p.name for p in precious.iterdir()] == ["thesis.md"] and (precious / "thesis.md").read_text() == "years of work"


@pytest.mark.parametrize("link", ["build/docs/en", "build/docs/en/scenarios", "build"])
def test_serve_never_empties_or_writes_into_a_linked_output_folder(small, tmp_path, link):
    from crisisbook.errors import UnsafePath
    from crisisbook.serve import Preview

    precious = link_to_precious(small, tmp_path, link)
    with pytest.raises(UnsafePath, match=f"^{re.escape(LINKED_FOLDER.format(link))}$"):
        Preview(small).refresh()
    assert untouched(precious)


@pytest.mark.parametrize("link", ["build", "build/docs"])
def test_build_never_writes_into_a_linked_folder(small, tmp_path, link):
    precious = link_to_precious(small, tmp_path, link)
    result = run("build", cwd=small)
    assert result.returncode == 1
    assert result.stderr == f"Error: {LINKED_FOLDER.format(link)}\n"
    assert untouched(precious) and not (small / "site").exists()


def test_a_link_inside_the_last_markdown_is_discarded_not_followed(small, tmp_path):
    """build/docs is replaced as a whole: a link planted inside it goes with it, its target stays."""
    precious = link_to_precious(small, tmp_path, "build/docs/en/scenarios")
    assert run("build", cwd=small).returncode == 0
    assert untouched(precious)
    assert (small / "build" / "docs" / "en" / "scenarios" / "site-down.md").is_file()


# --- item 5: no write follows a link at an output path --------------------------------------

def bilingual(root: Path) -> None:
    """The small fixture is bilingual already: the cases below need a Chinese edition (its
    search terms, its engine), so say so rather than assume it."""
    assert "\nlanguages: [en, zh-Hant]\n" in (root / "playbook" / "organisation.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("link", ["build/.lock", "build/mkdocs.en.yml", "build/mkdocs.zh-Hant.yml",
                                  "build/.cache/validate.json", "build/.cache/jieba.cache"])
def test_outputs_replace_a_link_and_never_write_through_it(small, tmp_path, link):
    bilingual(small)
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    (small / link).parent.mkdir(parents=True, exist_ok=True)
    (small / link).symlink_to(victim)
    assert run("validate", cwd=small).returncode == 0
    result = run("build", cwd=small)
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "untouched"
    assert run("build", cwd=small).returncode == 0  # and again, over what the first build left
    assert victim.read_text() == "untouched"


def test_the_remembered_data_is_never_written_through_a_link(small, tmp_path):
    """build/.cache/data (each scenario's checked data) arriving as a link to a folder elsewhere
    is never written into, and the build still checks everything; a link at one of its files is
    replaced by the file, never followed."""
    from conftest import TODAY
    from crisisbook.checker import DATA, Checker

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (small / DATA).parent.mkdir(parents=True)
    (small / DATA).symlink_to(elsewhere, target_is_directory=True)
    project = Checker(small, remember=True).check(TODAY)
    assert sorted(project.scenarios) == ["board-leak", "kettle-leak", "site-down"]
    assert list(elsewhere.iterdir()) == []
    (small / DATA).unlink()
    Checker(small, remember=True).check(TODAY)
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    entry = sorted((small / DATA).iterdir())[0]
    entry.unlink()
    entry.symlink_to(victim)
    Checker(small, remember=True).check(TODAY)
    assert victim.read_text() == "untouched"
    assert entry.is_file() and not entry.is_symlink()


def test_printing_replaces_a_link_at_a_pdf_and_never_writes_through_it(small, tmp_path):
    victim = tmp_path / "authorized_keys"
    victim.write_text("ssh-ed25519 AAAA admin\n")
    folder = small / "print" / "en" / "site-down"
    folder.mkdir(parents=True)
    (folder / "checklist.pdf").symlink_to(victim)
    (small / "print" / "en" / "kettle-leak").symlink_to(tmp_path)
    result = run("print", "site-down", cwd=small)
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "ssh-ed25519 AAAA admin\n"
    assert not (folder / "checklist.pdf").is_symlink()
    assert (folder / "checklist.pdf").read_bytes().startswith(b"%PDF")
    result = run("drill", "kettle-leak", cwd=small)
    assert result.returncode == 1
    assert result.stderr == f"Error: {LINKED_FOLDER.format('print/en/kettle-leak')}\n"
    assert not list(tmp_path.glob("*.pdf"))


def test_new_scenario_refuses_a_dangling_link_in_its_place(small, tmp_path):
    (small / "scenarios" / "fire.yaml").symlink_to(tmp_path / "planted.yaml")
    result = run("new", "scenario", "fire", "--category", "outage", cwd=small)
    assert result.returncode == 1
    assert result.stderr == "Error: scenarios/fire.yaml already exists (a link); choose another id\n"
    assert not (tmp_path / "planted.yaml").exists()


def test_the_bundle_replaces_a_link_at_the_zip(small, tmp_path):
    victim = tmp_path / "victim.zip"
    victim.write_bytes(b"untouched")
    (small / "dist").mkdir()
    (small / "dist" / "handbook-2026-11-01.zip").symlink_to(victim)
    result = subprocess.run([sys.executable, "-m", "crisisbook", "bundle"], cwd=small, capture_output=True,
                            text=True, env={**os.environ, "SOURCE_DATE_EPOCH": ""})
    assert result.returncode == 0, result.stderr
    assert victim.read_bytes() == b"untouched"
    assert zipfile.is_zipfile(small / "dist" / "handbook-2026-11-01.zip")


# --- items 6 and 7: `build -d D` and D.old --------------------------------------------------

def test_an_unrelated_d_old_is_never_removed_or_renamed(small, tmp_path):
    site, old = tmp_path / "www", tmp_path / "www.old"
    old.mkdir()
    (old / "photos.txt").write_text("mine")
    site.mkdir()
    (site / "notes.txt").write_text("mine too")
    refused = run("build", "-d", str(site), cwd=small)
    assert refused.returncode == 1 and "refusing to replace" in refused.stderr
    assert (old / "photos.txt").read_text() == "mine" and (site / "notes.txt").read_text() == "mine too"
    (site / "notes.txt").unlink()
    site.rmdir()
    for _ in range(2):  # D absent, then D a site crisisbook built: D.old stays as it is
        result = run("build", "-d", str(site), cwd=small)
        assert result.returncode == 0, result.stderr
        assert (site / "index.html").is_file()
        assert [p.name for p in old.iterdir()] == ["photos.txt"]


def test_a_site_moved_aside_by_a_killed_build_is_brought_back(small, tmp_path):
    site = tmp_path / "www"
    assert run("build", "-d", str(site), cwd=small).returncode == 0
    site.rename(tmp_path / "www.old")  # as if a build was killed after moving the old site aside
    edit(small / "mkdocs.yml", "site_name:", "no_such_option: 1\nsite_name:")
    assert run("build", "-d", str(site), cwd=small).returncode == 1  # the engine fails ...
    assert (site / "index.html").is_file()  # ... and D serves the previous site
    assert not (tmp_path / "www.old").exists()


def test_a_marked_site_old_from_the_repository_is_never_brought_back(small):
    """A repository can carry a site.old with crisisbook's marker: only a site this user's own
    build moved aside (its marker signed with the user's key) is brought back."""
    forged = small / "site.old"
    forged.mkdir()
    (forged / ".crisisbook-site").write_text("built by crisisbook; replaced on every build\n")
    (forged / "index.html").write_text("<script>pwned()</script>")
    (forged / "passwd.txt").symlink_to("/etc/passwd")
    edit(small / "scenarios" / "site-down.yaml", "title: Shop is down", "title: [")
    result = run("build", cwd=small)
    assert result.returncode == 1 and "nothing was built" in result.stderr
    assert not os.path.lexists(small / "site")
    assert (forged / "index.html").read_text() == "<script>pwned()</script>"  # left as it was


def test_without_an_atomic_exchange_the_swap_still_touches_only_its_own_folders(small, tmp_path, monkeypatch):
    """Where renameat2 cannot exchange (another kernel, some file systems) the swap is two
    renames; the old site goes aside under crisisbook's own name, never to an existing D.old."""
    from crisisbook import build as build_module, fsguard

    monkeypatch.setattr(fsguard, "exchange", lambda a, b: False)
    site, old = tmp_path / "www", tmp_path / "www.old"
    old.mkdir()
    (old / "photos.txt").write_text("mine")
    for title in ("Shop is down", "Shop is down again"):
        edit(small / "scenarios" / "site-down.yaml", "title: Shop is down", f"title: {title}")
        build_module.build(small, site)
        assert title in (site / "scenarios" / "site-down" / "index.html").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small", "www", "www.old"]
    assert [p.name for p in old.iterdir()] == ["photos.txt"]


def other_file_system() -> Path | None:
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and os.stat(shm).st_dev != os.stat(Path.cwd()).st_dev:
        return shm
    return None


@pytest.mark.skipif(other_file_system() is None, reason="needs /dev/shm on a file system of its own")
def test_a_site_on_another_file_system_is_swapped_in_and_never_taken_offline(small, tmp_path):
    import tempfile

    assert os.stat(small).st_dev != os.stat(other_file_system()).st_dev
    with tempfile.TemporaryDirectory(dir=other_file_system(), prefix="crisisbook-test-") as where:
        site = Path(where) / "www"
        for title in ("Shop is down", "Shop is down again"):
            edit(small / "scenarios" / "site-down.yaml", "title: Shop is down", f"title: {title}")
            result = run("build", "-d", str(site), cwd=small)
            assert result.returncode == 0, result.stderr
            assert title in (site / "scenarios" / "site-down" / "index.html").read_text()
            assert sorted(p.name for p in Path(where).iterdir()) == ["www"]  # no staging or .old left
        edit(small / "mkdocs.yml", "site_name:", "no_such_option: 1\nsite_name:")
        assert run("build", "-d", str(site), cwd=small).returncode == 1
        assert "Shop is down again" in (site / "scenarios" / "site-down" / "index.html").read_text()


def test_the_site_is_staged_beside_its_destination(small, tmp_path, monkeypatch):
    """The staging folder is on the destination's file system, so the swap is renames there."""
    from crisisbook import build as build_module

    seen = []
    original = build_module._swap_in
    monkeypatch.setattr(build_module, "_swap_in", lambda new, dest: seen.append(
        (new.parent.parent, dest, os.stat(new).st_dev == os.stat(dest.parent).st_dev)) or original(new, dest))
    build_module.build(small, tmp_path / "www")
    assert seen == [(tmp_path, tmp_path / "www", True), (small / "build", small / "build" / "docs", True),
                    (small / "build", small / "build" / "theme", True)]  # the copy of templates/theme/


# --- item 14: engines die with their parent -------------------------------------------------

def children_of(pid: int) -> list[int]:
    """Every process whose parent chain reaches `pid` (read from /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        kids = [p for p, parent in parents.items() if parent == current]
        found += kids
        frontier += kids
    return found


def is_engine(pid: int) -> bool:
    """Whether `pid` runs a site engine: its command line starts with one of build.ENGINES."""
    from crisisbook.build import ENGINES

    try:
        args = (Path("/proc") / str(pid) / "cmdline").read_bytes().decode().split("\0")
    except OSError:
        return False
    return any(args[:len(command)] == command for command in ENGINES.values())


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_killing_the_build_alone_kills_its_engines(small):
    bilingual(small)  # two engines side by side
    (small / "docs").mkdir()
    for i in range(800):  # enough pages that an engine left alone would run for many seconds
        (small / "docs" / f"page-{i:03d}.md").write_text(f"# Page {i}\n\nText.\n")
    proc = subprocess.Popen([sys.executable, "-m", "crisisbook", "build"], cwd=small,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    engines: list[int] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not engines and proc.poll() is None:
        engines = [p for p in children_of(proc.pid) if is_engine(p)]
        time.sleep(0.02)
    assert engines, "no engine was seen running"
    os.kill(proc.pid, signal.SIGKILL)  # the build only, not its process group
    proc.wait()
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and any(alive(p) for p in engines):
        time.sleep(0.05)
    survivors = [p for p in engines if alive(p)]
    for pid in survivors:  # leave no process behind, whatever the result
        os.kill(pid, signal.SIGKILL)
    assert survivors == []


def test_forked_workers_die_with_their_parent():
    """The render and check workers ask for the same signal when they start."""
    code = ("import os, time\n"
            "from concurrent.futures import ProcessPoolExecutor\n"
            "from crisisbook.children import die_with_parent\n"
            "pool = ProcessPoolExecutor(1, initializer=die_with_parent, initargs=(os.getpid(),))\n"
            "print(pool.submit(os.getpid).result(), flush=True)\n"
            "time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    worker = int(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and alive(worker):
        time.sleep(0.05)
    if alive(worker):
        os.kill(worker, signal.SIGKILL)
        pytest.fail("the worker outlived its parent")


def test_validate_never_writes_through_a_linked_build_folder(small, tmp_path):
    """`validate` run in the project (the CLI's "." as the project) with `build/` arriving as a
    link to a folder elsewhere: its results are not remembered there, or anywhere."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (small / "build").symlink_to(outside, target_is_directory=True)
    assert run("validate", cwd=small).returncode == 0
    assert run("validate", str(small / "scenarios" / "site-down.yaml"), cwd=small).returncode == 0
    assert list(outside.rglob("*")) == []


def test_a_docs_folder_linked_out_of_the_project_is_one_refusal(example, tmp_path):
    """Not a walk of what the link leads to, nor its file names in the report."""
    from conftest import TODAY
    from crisisbook.checker import check_project

    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "secrets").mkdir(parents=True)
    (elsewhere / "secrets" / "id_rsa.md").write_text("key")
    shutil.rmtree(example / "docs")
    (example / "docs").symlink_to(elsewhere, target_is_directory=True)
    problems = [str(p) for p in check_project(example, TODAY).problems if p.is_error]
    assert problems == ["docs: is a link to a folder outside the project; refused"]


def test_a_file_name_that_is_not_utf8_is_one_line_and_never_remembered(small):
    """A name is bytes: `bad\\xff` reaches Python as a lone surrogate, which validate's JSON
    cache could not write (the run ended in an internal error, the real problem lost) and a
    strict UTF-8 terminal could not print."""
    bad = os.fsdecode(b"bad\xff")
    shutil.copy(small / "scenarios" / "site-down.yaml", small / "scenarios" / f"{bad}.yaml")
    (small / "docs" / os.fsdecode(b"d\xfe")).mkdir(parents=True)
    (small / "docs" / os.fsdecode(b"d\xfe") / "page.md").write_text("# A page\n")
    (small / "templates" / os.fsdecode(b"t\xfb.j2")).write_text("x")
    env = {**os.environ, **SOURCE_DATE, "PYTHONIOENCODING": "utf-8:strict"}
    expected = [f"{name}: the file name is not valid UTF-8: rename it (letters, digits and hyphens)"
                for name in (r"docs/d\xfe", r"scenarios/bad\xff.yaml", r"templates/t\xfb.j2")]
    for args in (["validate"], ["validate"], ["validate", f"scenarios/{bad}.yaml"], ["build"]):  # twice: cached
        result = subprocess.run([sys.executable, "-m", "crisisbook", *args], cwd=small, env=env,
                                capture_output=True, text=True)
        assert result.returncode == 1, args
        lines = (result.stdout + result.stderr).splitlines()
        assert [line for line in lines if "UTF-8" in line] == expected, args
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    store = (small / "build" / ".cache" / "validate.json").read_bytes()
    # the file's name, not "bad": a hex digest in a cache key may spell that (the test once failed so)
    assert b"scenarios/bad" not in store and b"\\udc" not in store
    assert not (small / "site").exists()
