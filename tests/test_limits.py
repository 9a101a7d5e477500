"""What one scenario may hold (schema.MAX_*): past the limits validate says so, field by field;
at the limits the scenario validates and prints; print itself stops cleanly past its bounds."""

from __future__ import annotations

import pytest
import yaml

from conftest import TODAY
from crisisbook import pdf
from crisisbook import schema as S
from crisisbook.errors import PrintError
from crisisbook.i18n import text_fields
from crisisbook.printing import print_scenarios
from crisisbook.checker import check_project

SENTENCE = "Check the reports and count them by channel and by hour, then tell the crisis lead. "


def text(n: int) -> str:
    return (SENTENCE * (n // len(SENTENCE) + 1))[:n - 1] + "."


def at_the_limits(d: dict) -> dict:
    """site-down.yaml with every list of the scenario at MAX_ITEMS and, in all, MAX_SCENARIO_CHARS
    of text, spread over the fields (each within MAX_CHARS)."""
    by = {"detect": "15m", "assess": "30m", "respond": "1h", "recover": "1d", "review": "7d"}
    owners = ["crisis-lead", "spokesperson"]
    d["tags"] = [f"tag-{i}" for i in range(S.MAX_ITEMS)]
    d["steps"] = {phase: [{"do": "x", "owner": owners[i % 2], "by": by[phase]} for i in range(S.MAX_ITEMS)]
                  for phase in S.PHASES}
    d["statements"] = [{"id": f"s{i}", "kind": "update", "title": "x", "audience": "x",
                        "channels": ["facebook"], "text": "x"} for i in range(S.MAX_ITEMS)]
    for key in ("donts", "review_questions"):
        d[key] = ["x"] * S.MAX_ITEMS
    d["monitoring"]["keywords"] = ["x"] * S.MAX_ITEMS
    fields = text_fields({"type": "dict", "schema": S.SCENARIO}, d)
    share = S.MAX_SCENARIO_CHARS // len(fields)
    assert share <= S.MAX_CHARS
    spare = S.MAX_SCENARIO_CHARS - share * len(fields)
    for i, (path, _) in enumerate(fields):
        parent = d
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = text(share + (spare if i == 0 else 0))
    return d


def test_a_scenario_at_the_limits_validates_and_prints(small):
    target = small / "scenarios" / "site-down.yaml"
    d = at_the_limits(yaml.safe_load(target.read_text()))
    target.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    problems = check_project(small, TODAY).problems
    assert [str(p) for p in problems if p.is_error] == []
    written = print_scenarios(small, ["site-down"], small / "print", "en")
    assert [p.name for p in written] == ["checklist.pdf", "action-cards.pdf", "scenario.pdf"]


def test_one_character_more_is_past_the_limit(small):
    target = small / "scenarios" / "site-down.yaml"
    d = at_the_limits(yaml.safe_load(target.read_text()))
    d["summary"] += "!"
    target.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    problems = check_project(small, TODAY).problems
    assert [str(p) for p in problems if p.is_error] == [
        "scenarios/site-down.yaml: holds 40,001 characters of text; the limit is 40,000 per language: "
        "split it into scenarios of their own"]


def test_print_stops_past_its_page_limit_and_writes_nothing(small, monkeypatch):
    monkeypatch.setattr(pdf, "MAX_PAGES_PER_SCENARIO", 1)
    with pytest.raises(PrintError) as caught:
        print_scenarios(small, ["kettle-leak"], small / "print", "en")
    out = small / "print" / "en" / "kettle-leak"
    assert caught.value.format_message() == (
        f"{out / 'action-cards.pdf'}: 3 pages is over the limit of 1; shorten the scenario "
        f"(see Limits in the README)")
    assert sorted(p.name for p in out.iterdir()) == ["checklist.pdf"]  # the one within the limit


def test_print_stops_past_its_time_limit(small, monkeypatch):
    monkeypatch.setattr(pdf, "MAX_SECONDS", 0.01)
    with pytest.raises(PrintError) as caught:
        print_scenarios(small, ["site-down"], small / "print", "en")
    assert caught.value.format_message() == (
        f"{small / 'print' / 'en' / 'site-down' / 'checklist.pdf'}: printing took longer than 0.01 s, "
        f"the limit for one document; shorten the scenario (see Limits in the README)")
    assert not (small / "print" / "en" / "site-down" / "checklist.pdf").exists()


def test_an_organisation_fact_is_one_line(small):
    """A fact is filled into every step and statement that names it: a 900 KB account named 150
    times in one step made a 135 MB page, and the build ran out of memory after 100 s (red10)."""
    org = small / "playbook" / "organisation.yaml"
    text = org.read_text(encoding="utf-8")
    long = "k" * S.MAX_NAME_CHARS
    text = text.replace('x: "@kettleworks"', f'x: "@{long}"').replace(
        "website: https://kettleworks.example", f"website: https://{long}.example")
    org.write_text(text.replace("brand: {en: Kettleworks,", f"brand: {{en: K{long},"), encoding="utf-8")
    problems = check_project(small, TODAY).problems
    assert [str(p) for p in problems if p.is_error] == [
        "playbook/organisation.yaml:1:8: brand: is 201 characters long (en); the limit is 200",
        "playbook/organisation.yaml:5:10: website: has 216 characters; the limit is 200",
        "playbook/organisation.yaml:10:6: social.x: has 201 characters; the limit is 200"]
