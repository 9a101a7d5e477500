"""PR leads' workflow: output formats, --strict, TODO markers, scaffolding, review dates."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, TODAY, edit
from crisisbook.checker import check_project
from crisisbook.errors import CrisisbookError
from crisisbook.load import load_bytes
from crisisbook.scaffold import new_scenario
from test_cli import SOURCE_DATE, run

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
        problems = check_project(small, on).problems
        return [p.file for p in problems if "overdue" in p.message]
    assert overdue(dt.date(2026, 4, 10)) == []  # due that day: not yet overdue
    assert overdue(dt.date(2026, 4, 11)) == ["scenarios/kettle-leak.yaml"]


@pytest.mark.parametrize("scaffold", SCAFFOLDS)
def test_new_scenario_passes_validate_with_todo_warnings(example, scaffold):
    category = "outage" if scaffold == "default" else scaffold
    path = new_scenario(example, f"new-{scaffold}", category, "Warehouse: fire", TODAY)
    problems = check_project(example, TODAY, [path]).problems
    assert [p for p in problems if p.is_error] == []
    todos = [str(p) for p in problems if "TODO" in p.message]
    assert len(todos) >= 40
    # the handbook's two languages, each with its TODO: the zh-Hant title is still to be written
    assert todos[:3] == [f"scenarios/new-{scaffold}.yaml:{line}:{col}: warning: {field}: still says TODO: "
                         f"write it before the scenario is published"
                         for line, col, field in [(4, 12, "title.zh-Hant"), (7, 7, "summary.en"),
                                                  (9, 12, "summary.zh-Hant")]]
    assert 'title:\n  en: "Warehouse: fire"\n  zh-Hant: "TODO (zh-Hant): Warehouse: fire"\n' in path.read_text()


@pytest.mark.parametrize("scaffold", SCAFFOLDS)
def test_every_text_of_a_skeleton_is_in_every_language(example, scaffold):
    """A skeleton in the default language only drew no translation warning (its TODOs hid
    them): a PR lead learnt of the zh-Hant text only once the English was written."""
    from crisisbook import schema as S
    from crisisbook.i18n import text_fields

    category = "outage" if scaffold == "default" else scaffold
    path = new_scenario(example, f"new-{scaffold}", category, None, TODAY)
    fields = text_fields({"type": "dict", "schema": S.SCENARIO}, load_bytes(path.read_bytes(), path.name).data)
    assert len(fields) >= 40
    for field, value in fields:
        assert isinstance(value, dict) and list(value) == ["en", "zh-Hant"], field
        assert value["zh-Hant"] == "TODO (zh-Hant): " + value["en"].removeprefix("TODO: "), field


@pytest.mark.parametrize("category, owners", [
    ("employee-misconduct", ["social-media-manager", "hr", "executive", "legal", "customer-care"]),
    ("data-breach", ["social-media-manager", "legal", "security-lead", "executive", "customer-care"])])
def test_a_skeleton_step_is_owned_by_the_role_that_does_it(example, category, owners):
    """The internal investigation fell to the social media manager, who posts the holding
    statement, and HR got a second, empty step of its own."""
    path = new_scenario(example, "new-one", category, None, TODAY)
    steps = load_bytes(path.read_bytes(), path.name).data["steps"]["respond"]
    assert [step["owner"] for step in steps] == owners


def test_a_translation_still_to_write_shows_the_default_text_marked_untranslated(example):
    """The Chinese page of a skeleton whose English is written showed the skeleton's hint, as
    "TODO (zh-Hant): …", where a missing translation shows the English text, marked."""
    from crisisbook.build import handbook_of
    from crisisbook.render import Renderer

    path = new_scenario(example, "food-recall", "product-failure", "Food recall", TODAY)
    edit(path, '    - do:\n        en: "TODO: Collect the model, serial number and purchase date of every report."',
         '    - do:\n        en: "Log the batch code of every report."')
    hb, _ = handbook_of(example, TODAY)
    page = Renderer(example / "templates").render(hb, TODAY, "zh-Hant").pages["scenarios/food-recall.md"]
    assert 'lang="en" data-note="未有中文版本">Log the batch code of every report.</span>' in page
    assert "Collect the model" not in page and "TODO (zh-Hant)" not in page
    # and every translation still to write likewise: the title, the English TODOs (validate lists them)
    assert '# <span class="cb-untranslated" lang="en" data-note="未有中文版本">Food recall</span>' in page


def test_new_scenario_for_the_shipped_playbook_is_exactly_the_golden_file(example):
    """The whole skeleton, as a PR lead of the shipped handbook gets it (scripts/update_golden.py
    writes the file)."""
    path = new_scenario(example, "food-recall", "product-failure", "Food recall", TODAY)
    assert path.read_text() == (REPO / "tests" / "golden" / "scaffold" / "food-recall.yaml").read_text()


def test_new_scenario_in_fewer_languages_says_which(example):
    result = run("new", "scenario", "food-recall", "--category", "product-failure", "--languages", "en",
                 cwd=example)
    assert result.returncode == 0, result.stderr
    path = example / "scenarios" / "food-recall.yaml"
    text = path.read_text()
    assert "\nlanguages: [en]\n" in text and "zh-Hant" not in text
    assert "\ntitle: \"Food recall\"\n" in text
    problems = check_project(example, TODAY, [path]).problems
    assert [p for p in problems if p.is_error or "translation" in p.message] == []
    both = run("new", "scenario", "food-scare", "--category", "product-failure", "--languages", "zh-Hant,en",
               cwd=example)
    assert both.returncode == 0, both.stderr
    both_text = (example / "scenarios" / "food-scare.yaml").read_text()
    assert "languages:" not in both_text.replace("# optional", "") and "  zh-Hant: " in both_text


def test_a_skeletons_english_hints_are_marked_in_every_other_language(example):
    """Its words are English whatever the default language: a Chinese-first handbook got
    "Holding statement" as its Chinese text, with no TODO; the title is the PR lead's own."""
    edit(example / "playbook" / "organisation.yaml", "default_language: en", "default_language: zh-Hant")
    path = new_scenario(example, "warehouse-fire", "product-failure", "倉庫火警", TODAY)
    data = load_bytes(path.read_bytes(), path.name).data
    assert data["title"] == {"en": "TODO (en): 倉庫火警", "zh-Hant": "倉庫火警"}
    assert data["statements"][0]["title"] == {"en": "Holding statement", "zh-Hant": "TODO (zh-Hant): Holding statement"}
    assert [str(p) for p in check_project(example, TODAY, [path]).problems if p.is_error] == []
    alone = new_scenario(example, "store-fire", "product-failure", "店舖火警", TODAY, ["zh-Hant"])
    data = load_bytes(alone.read_bytes(), alone.name).data
    assert (data["languages"], data["title"], data["statements"][0]["title"]) == (
        ["zh-Hant"], "店舖火警", "TODO (zh-Hant): Holding statement")


def test_new_scenario_refuses_a_language_the_handbook_lacks(example):
    result = run("new", "scenario", "food-recall", "--category", "product-failure", "--languages", "en,zh-hant",
                 cwd=example)
    assert result.returncode == 1
    assert result.stderr == ("Error: 'zh-hant' is not a language of the handbook (did you mean 'zh-Hant'?); "
                             "see languages in playbook/organisation.yaml\n")
    assert not (example / "scenarios" / "food-recall.yaml").exists()


def test_default_scaffold_serves_categories_without_their_own(example):
    (example / "templates" / "scaffold" / "outage.yaml.j2").unlink()
    path = new_scenario(example, "cloud-down", "outage", None, TODAY)
    assert "title:\n  en: \"Cloud down\"\n" in path.read_text()
    problems = check_project(example, TODAY, [path]).problems
    assert not any(p.is_error for p in problems)


def test_new_refuses_existing_and_bad_ids(example):
    with pytest.raises(CrisisbookError, match=r"^scenarios/data-breach.yaml already exists; choose another id$"):
        new_scenario(example, "data-breach", "data-breach", None, TODAY)
    with pytest.raises(CrisisbookError, match=r"^'Data_Breach' is not a valid id"):
        new_scenario(example, "Data_Breach", "data-breach", None, TODAY)
    with pytest.raises(CrisisbookError, match=r"^unknown category 'leak'"):
        new_scenario(example, "leak", "leak", None, TODAY)
    with pytest.raises(CrisisbookError, match=r"^id 'index' is reserved: its page would replace the handbook's "
                                              r"own scenarios/index.md; choose another id$"):
        new_scenario(example, "index", "data-breach", None, TODAY)
    assert not (example / "scenarios" / "index.yaml").exists()


def test_new_then_validate_from_the_command_line(example):
    assert run("codeowners", cwd=example).returncode == 0
    result = run("new", "scenario", "warehouse-fire", "--category", "product-failure", cwd=example)
    assert result.returncode == 0, result.stderr
    # CI checks CODEOWNERS names every scenario's owners: the new one is added at once
    assert result.stderr.endswith("added it to .github/CODEOWNERS: its owner role reviews changes to it\n")
    assert run("codeowners", "--check", cwd=example).returncode == 0
    assert "/scenarios/warehouse-fire.yaml @" in (example / ".github" / "CODEOWNERS").read_text()
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
    assert result.stderr == OUT_OF_DATE
    assert run("codeowners", cwd=example).returncode == 0
    assert "/scenarios/data-breach.yaml @priya-nair-lumora @kenneth-yip-lumora\n" in (
        example / ".github" / "CODEOWNERS").read_text()


OUT_OF_DATE = ("Error: .github/CODEOWNERS is out of date (scenarios/data-breach.yaml not as the scenarios and the "
               "roster say): run `crisisbook codeowners` and commit it\n")


def test_codeowners_rewrites_its_block_only_and_keeps_the_projects_own_lines(example):
    """A project names the reviewers of its code in CODEOWNERS too (SECURITY.md): `--check`
    (CI) failed at the first such line, and `codeowners` wrote over it."""
    from crisisbook.codeowners import BEGIN, END, OLD_HEADER

    file = example / ".github" / "CODEOWNERS"
    assert run("codeowners", cwd=example).returncode == 0
    ours = file.read_text()
    assert ours.startswith(BEGIN) and ours.endswith(END)
    # a file an older crisisbook wrote, with a line added by hand since: its generated part
    # becomes the block, the hand-written line stays
    old = ours.replace(BEGIN, OLD_HEADER).replace(END, "")
    file.write_text(old + "/templates/ @lumora/crisisbook-maintainers\n")
    assert run("codeowners", "--check", cwd=example).stderr == OUT_OF_DATE.replace(
        "scenarios/data-breach.yaml not as the scenarios and the roster say", "it has no crisisbook block")
    assert run("codeowners", cwd=example).returncode == 0
    assert file.read_text() == ours + "/templates/ @lumora/crisisbook-maintainers\n"
    # lines before and after the block are the project's: --check passes, a rewrite keeps them
    file.write_text("# ours\n* @lumora/handbook-editors\n\n" + ours + "\n/src/ @lumora/crisisbook-maintainers\n")
    mine = file.read_text()
    assert run("codeowners", "--check", cwd=example).returncode == 0
    edit(example / "scenarios" / "data-breach.yaml", "\nowner: security-lead", "\nowner: legal")
    assert run("codeowners", "--check", cwd=example).stderr == OUT_OF_DATE
    assert run("codeowners", cwd=example).returncode == 0
    after = file.read_text()
    assert after == mine.replace("/scenarios/data-breach.yaml @tom-chow-lumora @irene-mak-lumora\n",
                                 "/scenarios/data-breach.yaml @priya-nair-lumora @kenneth-yip-lumora\n")
    assert run("codeowners", "--check", cwd=example).returncode == 0


def test_codeowners_without_its_end_marker_is_refused_not_guessed(example):
    file = example / ".github" / "CODEOWNERS"
    file.parent.mkdir()
    file.write_text("# BEGIN crisisbook: generated\n/scenarios/x.yaml @someone\n/src/ @lumora/crisisbook-maintainers\n")
    before = file.read_text()
    for args in (["codeowners"], ["codeowners", "--check"]):
        result = run(*args, cwd=example)
        assert (result.returncode, result.stderr) == (1, "Error: .github/CODEOWNERS: has a '# BEGIN crisisbook' "
                                                         "line but no '# END crisisbook' line after it: put that "
                                                         "line back after the last generated line\n")
    assert file.read_text() == before


def test_the_shipped_codeowners_asks_the_maintainers_to_review_code():
    """SECURITY.md: templates/, mkdocs.yml, docs/, src/ and .github/ are reviewed as code; their
    lines come after the block, so that they win (GitHub: the last matching pattern)."""
    text = (REPO / ".github" / "CODEOWNERS").read_text()
    after = text.split("# END crisisbook\n")[1]
    rules = [line.split() for line in after.splitlines() if line and not line.startswith("#")]
    assert rules == [[path, "@lumora/crisisbook-maintainers"]
                     for path in ("/templates/", "/mkdocs.yml", "/docs/", "/src/", "/.github/")]


def _git(repo, *args, **kwargs):
    return subprocess.run(["git", "-c", "user.name=PR lead", "-c", "user.email=lead@example.com",
                           "-c", "commit.gpgsign=false", *args], cwd=repo, capture_output=True,
                          text=True, **kwargs)


def test_pre_commit_blocks_a_broken_scenario_printing_its_problem_once(small, tmp_path):
    """The shipped .pre-commit-config.yaml, run by the real pre-commit in a scratch handbook
    repository that has the project's install (.venv) as `make site` leaves it."""
    shutil.copy(REPO / ".pre-commit-config.yaml", small / ".pre-commit-config.yaml")
    shutil.copy(REPO / ".gitignore", small / ".gitignore")
    (small / ".venv").symlink_to(Path(sys.prefix))
    # the fixture's "today", so which reviews and approvals are overdue never depends on the clock
    env = {**os.environ, **SOURCE_DATE, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    assert run("codeowners", cwd=small).returncode == 0  # CI checks it, and so does the hook
    assert _git(small, "init", "-q", ".").returncode == 0
    _git(small, "add", "-A")
    assert _git(small, "commit", "-qm", "handbook", "--no-verify").returncode == 0
    installed = subprocess.run([".venv/bin/pre-commit", "install"], cwd=small, env=env,
                               capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    edit(small / "scenarios" / "site-down.yaml", "category: outage", "category: outtage")
    with (small / "scenarios" / "kettle-leak.yaml").open("a") as second:  # two files, one run
        second.write("# checked again\n")
    _git(small, "add", "-A")
    blocked = _git(small, "commit", "-m", "Outage: new category", env=env)
    assert blocked.returncode == 1
    output = blocked.stdout + blocked.stderr
    problem = "scenarios/site-down.yaml:2:11: category: 'outtage' is not allowed (did you mean 'outage'?)"
    assert output.count(problem) == 1, output
    # the fixture's warnings on 2026-06-01: kettle-leak overdue for review, one expired approval
    assert output.count("1 error, 2 warnings") == 1, output
    assert "crisisbook validate....." in output
    assert _git(small, "log", "--oneline").stdout.count("\n") == 1  # nothing was committed
    edit(small / "scenarios" / "site-down.yaml", "category: outtage", "category: outage")
    _git(small, "add", "-A")
    passed = _git(small, "commit", "-m", "Outage: category fixed", env=env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    # CODEOWNERS no longer naming a scenario's owners fails CI: the hook says so at the commit
    owners = small / ".github" / "CODEOWNERS"
    owners.write_text("".join(line for line in owners.read_text().splitlines(keepends=True)
                              if "/scenarios/site-down.yaml" not in line))
    _git(small, "add", "-A")
    stale = _git(small, "commit", "-m", "CODEOWNERS by hand", env=env)
    assert stale.returncode == 1
    assert ("Error: .github/CODEOWNERS is out of date (scenarios/site-down.yaml not as the scenarios and the "
            "roster say): run `crisisbook codeowners` and commit it") in stale.stdout + stale.stderr
    assert run("codeowners", cwd=small).returncode == 0  # the fix: back as the last commit has it
    _git(small, "add", "-A")
    assert _git(small, "status", "--porcelain").stdout == ""


WORKFLOW = REPO / ".github" / "workflows" / "handbook.yml"


def _workflow() -> dict:
    import yaml
    return yaml.load(WORKFLOW.read_text(), yaml.BaseLoader)  # `on:` stays a key, not True


def test_ci_workflow_validates_builds_and_uploads():
    steps = _workflow()["jobs"]["handbook"]["steps"]
    commands = [step.get("run", "") for step in steps]
    assert "crisisbook validate --format github" in commands
    assert "crisisbook codeowners --check" in commands
    assert any(command.rstrip().endswith("crisisbook build") for command in commands)
    assert steps[-1]["uses"].startswith("actions/upload-pages-artifact@")
    assert steps[-1]["with"]["path"] == "site/"


def test_ci_workflow_is_locked_down():
    workflow = _workflow()
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["handbook"]["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["group"] == "handbook-${{ github.ref }}"
    uses = [step["uses"] for job in workflow["jobs"].values() for step in job["steps"] if "uses" in step]
    assert {u.split("@")[0] for u in uses} == {
        "actions/checkout", "actions/setup-python", "actions/upload-pages-artifact",
        "actions/deploy-pages"}  # no actions/cache: a restored build/.cache is never trusted (SECURITY.md 8)
    for use in uses:  # a full commit SHA, with the tag it stands for in a comment
        sha = use.split("@")[1]
        assert len(sha) == 40 and all(c in "0123456789abcdef" for c in sha), use
        assert f"{use}  # v" in WORKFLOW.read_text(), use
    checkout, python = workflow["jobs"]["handbook"]["steps"][:2]
    assert checkout["with"]["persist-credentials"] == "false"
    assert python["with"]["cache"] == "pip"


def test_deploy_is_switched_on_by_a_variable_and_needs_the_build():
    deploy = _workflow()["jobs"]["deploy"]
    assert deploy["needs"] == "handbook"
    assert deploy["if"].startswith("vars.DEPLOY_PAGES == 'true' && ")
    assert "github.ref == 'refs/heads/main'" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


def _tool(name: str) -> str:
    return str(Path(sys.prefix) / "bin" / name)


@pytest.mark.parametrize("command", [
    ["actionlint", "-no-color"],
    ["zizmor", "--offline", "--no-progress", "--min-severity", "medium"],
], ids=["actionlint", "zizmor"])
def test_ci_workflow_is_clean_under_the_linters(command, tmp_path):
    result = subprocess.run([_tool(command[0]), *command[1:], str(WORKFLOW)], capture_output=True,
                            text=True, cwd=REPO, env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_linters_catch_what_the_old_workflow_did(tmp_path):
    """The linters run for real: actions pinned to tags fail zizmor, a misspelt job fails actionlint."""
    old = tmp_path / ".github" / "workflows" / "old.yml"
    old.parent.mkdir(parents=True)
    text = WORKFLOW.read_text()
    for sha, tag in re.findall(r"@([0-9a-f]{40})  # (v[0-9.]+)", text):
        text = text.replace(f"@{sha}  # {tag}", "@v4")
    old.write_text(text)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    zizmor = subprocess.run([_tool("zizmor"), "--offline", "--no-progress", "--min-severity", "medium",
                             str(old)], capture_output=True, text=True, env=env)
    assert zizmor.returncode != 0 and "unpinned-uses" in zizmor.stdout + zizmor.stderr
    broken = old.with_name("broken.yml")
    broken.write_text(WORKFLOW.read_text().replace("needs: handbook", "needs: handbok"))
    actionlint = subprocess.run([_tool("actionlint"), "-no-color", str(broken)], capture_output=True, text=True)
    assert actionlint.returncode == 1 and "handbok" in actionlint.stdout


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
    assert 'en: "TODO: the reply to an inquiry comment"' in text
    assert 'en: "TODO: the reply to an abuse comment"' in text
    assert 'en: "TODO: the reply to a complaint comment"' in text
    data = load_file(path).data
    assert [i["at"] for i in data["drill"]["injects"]] == ["0m", "30m"]
    assert data["drill"]["injects"][0]["post"]["platform"] == "x"  # the playbook's first feed channel
    assert data["steps"]["respond"][0]["posts"] == "holding"
    written = drill_pack(example, "rumour-mill", tmp_path)
    assert [p.name for p in written] == ["facilitator-guide.pdf", "inject-cards.pdf", "participant-handout.pdf",
                                         "evaluation-and-after-action.pdf"]


def test_new_handbook_is_a_repository_that_validates_and_builds(tmp_path):
    from crisisbook.build import build
    result = run("new", "handbook", "our-handbook", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    root = tmp_path / "our-handbook"
    assert result.stderr.startswith("wrote ") and "our-handbook && make site" in result.stderr
    for name in ["playbook/organisation.yaml", "playbook/roles.yaml", "playbook/roster.yaml",
                 "playbook/severity.yaml", "playbook/channels.yaml", "scenarios/service-outage.yaml",
                 "mkdocs.yml", "templates/pages/scenario.md.j2", "schema/scenario.json",
                 ".github/workflows/handbook.yml", ".github/CODEOWNERS", ".pre-commit-config.yaml",
                 "README.md", "Makefile", ".gitignore", "pyproject.toml", "src/crisisbook/cli.py",
                 "docs/contributing.md"]:
        assert (root / name).is_file(), name
    assert not (root / "templates" / "handbook").exists()
    assert (root / "schema" / "scenario.json").read_text() == (REPO / "schema" / "scenario.json").read_text()
    assert "TODO" in (root / "playbook" / "organisation.yaml").read_text()
    problems = check_project(root, TODAY).problems
    assert problems and all(not p.is_error for p in problems)  # warnings only: the TODOs
    # the TODOs, and the scaffold's holding statement, a draft until it is approved
    assert all("still says TODO" in p.message or "the holding statement is still a draft" in p.message
               for p in problems)
    # the playbook's blanks too, each on its line: a handbook is not published with "TODO full name"
    assert "playbook/roster.yaml:7:11: warning: people.person-one.name: still says TODO: write it before " \
           "the handbook is published" in [str(p) for p in problems]
    assert "playbook/organisation.yaml:4:8: warning: brand: still says TODO: write it before the handbook " \
           "is published" in [str(p) for p in problems]
    assert run("validate", cwd=root).returncode == 0
    assert run("validate", "--strict", cwd=root).returncode == 1
    assert run("codeowners", "--check", cwd=root).returncode == 0
    build(root, on=TODAY)  # the engine with --strict
    assert "Crisis handbook" in (root / "site" / "index.html").read_text()
    assert (root / "site" / "scenarios" / "service-outage" / "index.html").is_file()


def test_new_handbook_refuses_a_folder_in_use(tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("x")
    result = run("new", "handbook", "busy", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == "Error: busy already exists and is not empty; choose a new folder\n"


# the titles a skeleton's step text names its statement by; "update" is left out of the
# converse check, since "status page update" is no statement
_NAMED_BY = ("holding statement", "apology", "resolution", "internal memo", "answer for journalists",
             "correction", "notice to affected customers")


@pytest.mark.parametrize("scaffold", SCAFFOLDS)
def test_every_skeleton_step_posts_the_statement_its_text_names(example, scaffold):
    """A step that posts a statement says which, and a step that names one posts it: the
    data-breach skeleton once posted the holding statement from 'Notify the regulators…'."""
    category = "outage" if scaffold == "default" else scaffold
    path = new_scenario(example, f"new-{scaffold}", category, None, TODAY)
    expected = ("still says TODO", "the holding statement is still a draft")
    assert [str(p) for p in check_project(example, TODAY, [path]).problems
            if p.is_error or not any(e in p.message for e in expected)] == []
    data = load_bytes(path.read_bytes(), path.name).data
    titles = {st["id"]: st["title"]["en"].lower() for st in data["statements"]}  # the zh-Hant: TODO and the same
    posting = [(step["do"]["en"].lower(), step.get("posts")) for steps in data["steps"].values() for step in steps]
    assert any(posts for _, posts in posting)
    for do, posts in posting:
        if posts:
            assert titles[posts] in do, (do, posts)
        named = [t for t in _NAMED_BY if t in do and t in titles.values()]
        assert named == ([titles[posts]] if posts and titles[posts] in _NAMED_BY else []), (do, posts)


def test_a_chinese_title_is_written_as_it_is_typed(example):
    """`--title 倉庫火警` was written "\\u5009\\u5eab\\u706b\\u8b66" into the file a PR lead edits next;
    what a YAML file may not hold raw (a line separator) is still escaped."""
    path = new_scenario(example, "warehouse-fire", "external-event", "倉庫火警\u2028（觀塘）", TODAY)
    text = path.read_text(encoding="utf-8")
    assert '\n  en: "倉庫火警\\u2028（觀塘）"\n' in text and "\u2028" not in text
    assert load_bytes(path.read_bytes(), "x").data["title"]["en"] == "倉庫火警\u2028（觀塘）"
