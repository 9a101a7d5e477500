"""PR leads' workflow: output formats, --strict, TODO markers, scaffolding, review dates."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import REPO, TODAY, edit
from crisisbook.validate import check
from crisisbook.errors import CrisisbookError
from crisisbook.scaffold import new_scenario
from test_cli import run

SCAFFOLDS = sorted(p.name.removesuffix(".yaml.j2") for p in (REPO / "templates" / "scaffold").glob("*.j2"))


def test_json_format(small):
    edit(small / "scenarios" / "site-down.yaml", "category: outage", "category: outtage")
    result = run("validate", "--format", "json", cwd=small)
    assert result.returncode == 1
    assert json.loads(result.stdout) == {
        "problems": [
            {"file": "scenarios/kettle-leak.yaml", "line": 7, "col": 16, "field": "last_reviewed",
             "message": "overdue for review since 2026-04-10 (last reviewed 2026-01-10, every 90d)",
             "severity": "warning"},
            {"file": "scenarios/kettle-leak.yaml", "line": 83, "col": 84, "field": "statements[2].approval.expires",
             "message": "approval expired on 2026-05-10: have it approved again, or mark it draft",
             "severity": "warning"},
            {"file": "scenarios/site-down.yaml", "line": 2, "col": 11, "field": "category",
             "message": "'outtage' is not allowed (did you mean 'outage'?)", "severity": "error"}],
        "errors": 1, "warnings": 2}


def test_github_format_annotates_the_diff(small):
    edit(small / "scenarios" / "site-down.yaml", "category: outage", "category: outtage")
    result = run("validate", "--format", "github", cwd=small)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::warning file=scenarios/kettle-leak.yaml,line=7,col=16,title=last_reviewed::overdue for review "
        "since 2026-04-10 (last reviewed 2026-01-10, every 90d)",
        "::warning file=scenarios/kettle-leak.yaml,line=83,col=84,title=statements[2].approval.expires::"
        "approval expired on 2026-05-10: have it approved again, or mark it draft",
        "::error file=scenarios/site-down.yaml,line=2,col=11,title=category::'outtage' is not allowed "
        "(did you mean 'outage'?)"]


def test_strict_fails_on_an_overdue_review(small):
    assert run("validate", cwd=small).returncode == 0
    result = run("validate", "--strict", cwd=small)
    assert result.returncode == 1
    assert result.stderr == "0 errors, 2 warnings\n"


def test_overdue_is_decided_by_the_date(small):
    def overdue(on):
        _, problems = check(small, on=on)
        return [p.file for p in problems if "overdue" in p.message]
    assert overdue(dt.date(2026, 4, 10)) == []  # due that day: not yet overdue
    assert overdue(dt.date(2026, 4, 11)) == ["scenarios/kettle-leak.yaml"]


@pytest.mark.parametrize("scaffold", SCAFFOLDS)
def test_new_scenario_passes_validate_with_todo_warnings(example, scaffold):
    category = "outage" if scaffold == "default" else scaffold
    path = new_scenario(example, f"new-{scaffold}", category, "Warehouse: fire", TODAY)
    _, problems = check(example, [path], on=TODAY)
    assert [p for p in problems if p.is_error] == []
    todos = [p for p in problems if "TODO" in p.message]
    assert len(todos) >= 20
    assert str(todos[0]) == (f"scenarios/new-{scaffold}.yaml:4:10: warning: summary: still says TODO: "
                             f"write it before the scenario is published")
    assert "title: \"Warehouse: fire\"" in path.read_text()


def test_default_scaffold_serves_categories_without_their_own(example):
    (example / "templates" / "scaffold" / "outage.yaml.j2").unlink()
    path = new_scenario(example, "cloud-down", "outage", None, TODAY)
    assert "title: \"Cloud down\"" in path.read_text()
    _, problems = check(example, [path], on=TODAY)
    assert not any(p.is_error for p in problems)


def test_new_refuses_existing_and_bad_ids(example):
    with pytest.raises(CrisisbookError, match=r"^scenarios/data-breach.yaml already exists; choose another id$"):
        new_scenario(example, "data-breach", "data-breach", None, TODAY)
    with pytest.raises(CrisisbookError, match=r"^'Data_Breach' is not a valid id"):
        new_scenario(example, "Data_Breach", "data-breach", None, TODAY)
    with pytest.raises(CrisisbookError, match=r"^unknown category 'leak'"):
        new_scenario(example, "leak", "leak", None, TODAY)


def test_new_then_validate_from_the_command_line(example):
    result = run("new", "scenario", "warehouse-fire", "--category", "product-failure", cwd=example)
    assert result.returncode == 0, result.stderr
    assert run("validate", "scenarios/warehouse-fire.yaml", cwd=example).returncode == 0
    assert run("validate", "--strict", "scenarios/warehouse-fire.yaml", cwd=example).returncode == 1


def test_committed_codeowners_is_up_to_date():
    result = run("codeowners", "--check", cwd=REPO)
    assert result.returncode == 0, result.stderr


def test_codeowners_follows_the_owner_role(example):
    assert run("codeowners", cwd=example).returncode == 0
    assert run("codeowners", "--check", cwd=example).returncode == 0
    edit(example / "scenarios" / "data-breach.yaml", "\nowner: security-lead", "\nowner: legal")
    result = run("codeowners", "--check", cwd=example)
    assert result.returncode == 1
    assert result.stderr == "Error: .github/CODEOWNERS is out of date: run `crisisbook codeowners` and commit it\n"
    assert run("codeowners", cwd=example).returncode == 0
    assert "/scenarios/data-breach.yaml @priya-nair-lumora @kenneth-yip-lumora\n" in (
        example / ".github" / "CODEOWNERS").read_text()


def test_pre_commit_hook_runs_validate_on_the_changed_files(small):
    import re
    import shlex
    import yaml
    hook = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())[0]
    assert re.search(hook["files"], "scenarios/site-down.yaml") and re.search(hook["files"], "playbook/roles.yaml")
    assert not re.search(hook["files"], "docs/using.md")
    entry = shlex.split(hook["entry"])
    assert entry[0] == "crisisbook"
    edit(small / "scenarios" / "site-down.yaml", "category: outage", "category: outtage")
    assert run(*entry[1:], "scenarios/kettle-leak.yaml", cwd=small).returncode == 0
    result = run(*entry[1:], "scenarios/site-down.yaml", cwd=small)
    assert result.returncode == 1 and "outtage" in result.stdout
    # a changed playbook file re-checks every scenario
    assert run(*entry[1:], "playbook/roles.yaml", cwd=small).returncode == 1


def test_ci_workflow_validates_builds_and_uploads():
    import yaml
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "handbook.yml").read_text())
    commands = [step.get("run", "") for step in workflow["jobs"]["handbook"]["steps"]]
    assert "crisisbook validate --format github" in commands
    assert any("crisisbook build" in command for command in commands)
    assert any(step.get("uses", "").startswith("actions/upload-artifact") for step in
               workflow["jobs"]["handbook"]["steps"])


def test_build_strict_fails_on_warnings_and_keeps_site(small):
    assert run("build", cwd=small).returncode == 0
    result = run("build", "--strict", cwd=small)
    assert result.returncode == 1
    assert result.stderr.endswith("Error: 0 errors, 2 warnings; nothing was built\n")


def test_new_scenario_has_a_drill_that_prints_and_reads_correctly(example, tmp_path):
    from crisisbook.drill import drill_pack
    from crisisbook.load import load_file

    path = new_scenario(example, "rumour-mill", "misinformation", None, TODAY)
    text = path.read_text()
    assert 'reply: "TODO: the reply to an inquiry comment"' in text
    assert 'reply: "TODO: the reply to an abuse comment"' in text
    assert 'reply: "TODO: the reply to a complaint comment"' in text
    data = load_file(path).data
    assert [i["at"] for i in data["drill"]["injects"]] == ["0m", "30m"]
    assert data["drill"]["injects"][0]["post"]["platform"] == "x"  # the playbook's first feed channel
    assert data["steps"]["respond"][0]["posts"] == "holding"
    written = drill_pack(example, "rumour-mill", tmp_path)
    assert [p.name for p in written] == ["facilitator-guide.pdf", "inject-cards.pdf", "participant-handout.pdf",
                                         "evaluation-and-after-action.pdf"]
