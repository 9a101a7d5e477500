"""The command line as a user runs it: a real process, exact output, exit codes, no traceback."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conftest import edit

SOURCE_DATE = {"SOURCE_DATE_EPOCH": "1780272000"}  # 2026-06-01, the fixture's "today"


def run(*args, cwd):
    import os
    env = {**os.environ, **SOURCE_DATE}
    return subprocess.run([sys.executable, "-m", "crisisbook", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


def test_validate_clean_project_exits_0(small):
    result = run("validate", cwd=small)
    assert result.returncode == 0
    assert result.stdout == (
        "scenarios/kettle-leak.yaml:7:16: warning: last_reviewed: overdue for review "
        "since 2026-04-10 (last reviewed 2026-01-10, every 90d)\n"
        "scenarios/kettle-leak.yaml:83:84: warning: statements[2].approval.expires: approval expired on "
        "2026-05-10: have it approved again, or mark it draft\n")
    assert result.stderr == "0 errors, 2 warnings\n"


def test_validate_prints_every_problem_and_exits_1(small):
    edit(small / "scenarios" / "site-down.yaml", "category: outage", "category: outtage")
    (small / "scenarios" / "kettle-leak.yaml").write_bytes(b"title: x\ntitle: y\n")
    result = run("validate", cwd=small)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "scenarios/kettle-leak.yaml:2:1: duplicate key 'title' (first defined on line 1)",
        "scenarios/site-down.yaml:2:11: category: 'outtage' is not allowed (did you mean 'outage'?)",
    ]
    assert result.stderr == "2 errors, 0 warnings\n"
    assert "Traceback" not in result.stdout + result.stderr


def test_validate_one_file(small):
    edit(small / "scenarios" / "kettle-leak.yaml", "category: product-failure", "category: x")
    result = run("validate", "scenarios/site-down.yaml", cwd=small)
    assert result.returncode == 0, result.stdout


def test_build_reports_problems_and_keeps_site(small):
    assert run("build", cwd=small).returncode == 0
    index = (small / "site" / "index.html").read_bytes()
    (small / "scenarios" / "evil.yaml").write_bytes(b"title: !!python/object/apply:os.system ['touch pwned']\n")
    result = run("build", cwd=small)
    assert result.returncode == 1
    assert result.stderr == (
        "scenarios/evil.yaml:1:8: tag '!!python/object/apply:os.system' is not allowed: crisisbook reads "
        "plain data only\nscenarios/kettle-leak.yaml:7:16: warning: last_reviewed: overdue for review since "
        "2026-04-10 (last reviewed 2026-01-10, every 90d)\nscenarios/kettle-leak.yaml:83:84: warning: "
        "statements[2].approval.expires: approval expired on 2026-05-10: have it approved again, or mark it "
        "draft\nError: 1 error, 2 warnings; nothing was built\n")
    assert (small / "site" / "index.html").read_bytes() == index
    assert not (small / "pwned").exists()


def test_bad_template_is_one_line_not_a_traceback(small):
    (small / "templates" / "pages" / "roles.md.j2").write_text("{% for x in %}\n")
    result = run("build", cwd=small)
    assert result.returncode == 1
    assert result.stderr == "Error: template roles.md.j2:1: Expected an expression, got 'end of statement block'\n"


def test_missing_project_is_a_clear_error(tmp_path):
    result = run("validate", "-p", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("playbook/channels.yaml: file is missing")


def test_unwritable_site_is_one_line(small):
    (small / "site").write_text("a file where the site folder should be")
    result = run("build", cwd=small)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.endswith(f"Error: refusing to replace {small / 'site'}: it is a file, not a folder\n")
    assert (small / "site").read_text() == "a file where the site folder should be"


def test_a_folder_crisisbook_did_not_build_is_never_replaced(small):
    (small / "mine").mkdir()
    (small / "mine" / "notes.txt").write_text("precious")
    result = run("build", "--site-dir", "mine", cwd=small)
    assert result.returncode == 1
    assert result.stderr == (f"Error: refusing to replace {small / 'mine'}: it is not a site crisisbook built "
                             f"(no .crisisbook-site file); remove it or choose another --site-dir\n")
    assert (small / "mine" / "notes.txt").read_text() == "precious"


CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # all but \n


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_terminal_control_characters_in_data_cannot_forge_a_clean_run(small, fmt):
    edit(small / "scenarios" / "site-down.yaml", "category: outage",
         'category: "outage\\e[2K\\r\\e[1Ano problems found\\u202e"')
    edit(small / "scenarios" / "kettle-leak.yaml", "channels: [x, facebook]",
         'channels: [x, "fb\\e]0;pwned\\a\\x9b2J"]')
    result = run("validate", "--format", fmt, cwd=small)
    assert result.returncode == 1
    assert CONTROLS.findall(result.stdout + result.stderr) == []
    if fmt == "json":
        messages = [p["message"] for p in json.loads(result.stdout)["problems"]]
        assert any("'outage\x1b[2K\r\x1b[1Ano problems found\u202e' is not allowed" in m for m in messages)  # as written
    else:
        assert "'outage\\x1b[2K\\r\\x1b[1Ano problems found\\u202e' is not allowed" in result.stdout
        assert "found 'fb\\x1b]0;pwned\\x07\\x9b2J'" in result.stdout
        assert "holds the Unicode direction control \\u202e" in result.stdout
        assert result.stderr == "3 errors, 1 warning\n"  # kettle-leak's overdue review still counts


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_a_file_name_cannot_forge_a_line_in_a_note_of_skipped_checks(small, fmt):
    """A note ("2 checks skipped in <file> until line 12 is fixed") names the file, and a pull
    request chooses the file's name: the text format printed it raw, so a line break in it began
    a line of its own, a GitHub workflow command in CI (red10)."""
    forged = "x\r\n::error file=README.md,line=1::forged\x1b]0;pwned\x07"
    path = small / "scenarios" / f"{forged}.yaml"
    path.write_text((small / "scenarios" / "site-down.yaml").read_text().replace(
        "team: [crisis-lead, spokesperson]", "team: 5"))
    result = run("validate", "--format", fmt, cwd=small)
    assert result.returncode == 1
    assert CONTROLS.findall(result.stdout) == []
    assert not [line for line in result.stdout.splitlines() if "forged" in line and line.startswith("::error file=README.md")]
    note = [line for line in result.stdout.splitlines() if "checks skipped" in line]
    escaped = "x\\r\\n::error file=README.md,line=1::forged\\x1b]0;pwned\\x07"
    if fmt == "text":
        assert note == [f"2 checks skipped in scenarios/{escaped}.yaml until line 12 is fixed"]
    else:
        assert len(note) == 1 and note[0].endswith(f"::2 checks skipped in scenarios/{escaped}.yaml until line 12 is fixed")


def test_terminal_control_characters_in_an_error_message_are_escaped(small):
    result = run("print", "site-down\x1b[2K\r", cwd=small)
    assert result.returncode == 1
    assert result.stderr == ("Error: no scenario 'site-down\\x1b[2K\\r'; known: site-down, kettle-leak\n")
