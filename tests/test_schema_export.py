"""The JSON Schema for editors and the Cerberus schema agree, and the committed copy is current."""

from __future__ import annotations

import re

import jsonschema
import pytest
import yaml

from conftest import REPO, SMALL
from crisisbook.load import load_bytes
from crisisbook.schema import PLAYBOOK, SCENARIO
from crisisbook.schema_export import dumps, schemas
from crisisbook.validate import check_schema

SCHEMAS = schemas()


class EditorLoader(yaml.SafeLoader):
    """YAML as an editor's language server reads it: the YAML 1.2 core schema (yes/no and dates
    are strings, 42 is a number)."""


EditorLoader.yaml_implicit_resolvers = {}
for tag, pattern, first in [
        ("bool", r"^(?:true|false)$", "tf"), ("null", r"^(?:~|null|)$", "~n"),
        ("int", r"^[-+]?[0-9]+$", "-+0123456789"),
        ("float", r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$", "-+.0123456789")]:
    EditorLoader.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", re.compile(pattern), list(first))


def both(text: str, stem: str) -> tuple[bool, bool]:
    """(crisisbook accepts, JSON Schema accepts) for one file's text."""
    doc = load_bytes(text.encode(), "x.yaml")
    cerberus_ok = not check_schema(doc, SCENARIO if stem == "scenario" else PLAYBOOK[f"{stem}.yaml"])
    json_ok = jsonschema.Draft7Validator(SCHEMAS[f"{stem}.json"]).is_valid(yaml.load(text, EditorLoader))
    return cerberus_ok, json_ok


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_is_up_to_date(name):
    committed = REPO / "schema" / name
    assert committed.read_text(encoding="utf-8") == dumps(SCHEMAS[name]), (
        "schema/ is out of date: run `crisisbook schema --out schema/` and commit it")


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schemas_are_valid_draft_07(name):
    jsonschema.Draft7Validator.check_schema(SCHEMAS[name])


SHIPPED = sorted([*(REPO / "scenarios").glob("*.yaml"), *(REPO / "playbook").glob("*.yaml"),
                  *(SMALL / "scenarios").glob("*.yaml"), *(SMALL / "playbook").glob("*.yaml")])


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_shipped_file_passes_both(path):
    stem = "scenario" if path.parent.name == "scenarios" else path.stem
    assert both(path.read_text(encoding="utf-8"), stem) == (True, True)


def test_shipped_files_point_editors_at_the_schema():
    for path in SHIPPED:
        if SMALL in path.parents:
            continue
        name = "scenario" if path.parent.name == "scenarios" else path.stem
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schema/{name}.json", path


# Invalid scenarios, each made from a valid one by one change. Both validators must reject each.
_BASE = (SMALL / "scenarios" / "site-down.yaml").read_text(encoding="utf-8")
INVALID = {
    "missing required field": ("title: Shop is down\n", ""),
    "unknown field": ("title: Shop is down\n", "title: Shop is down\nsubtitle: x\n"),
    "category not allowed": ("category: outage", "category: outtage"),
    "owner not a slug": ("owner: spokesperson\nlast", "owner: Spokes Person\nlast"),
    "date in the wrong form": ("last_reviewed: 2026-11-01", "last_reviewed: 1 Nov 2026"),
    "duration in the wrong form": ("review_interval: 180d", "review_interval: six months"),
    "list where text is expected": ("title: Shop is down", "title: [42]"),
    "blank text": ("title: Shop is down", "title: '   '"),
    "list where a mapping is expected": ("monitoring:\n  keywords: [kettleworks down]", "monitoring: [x]"),
    "empty list": ("team: [crisis-lead, spokesperson]", "team: []"),
    "reply action not allowed": ("complaint: {action: reply,", "complaint: {action: shout,"),
    "missing comment category": ("  praise: {action: reply, reply: Thanks.}\n", ""),
    "statement kind not allowed": ("kind: update", "kind: rant"),
    "hashtag without #": ("keywords: [kettleworks down]", "keywords: [kettleworks down]\n  hashtags: [down]"),
    "bad language code in a translation": ("title: Shop is down", "title: {EN: Shop is down}"),
    "new statement kind misspelt": ("kind: update", "kind: regulator-notise"),
    "contact id not a slug": ("channels: [x]\n", "channels: [x]\n    to: [Consumer Council]\n"),
    "approval state not allowed": ("channels: [x]\n", "channels: [x]\n    approval: {state: signed}\n"),
    "approval without a state": ("channels: [x]\n", "channels: [x]\n    approval: {by: [legal]}\n"),
    "approval date in the wrong form": ("channels: [x]\n",
                                        "channels: [x]\n    approval: {state: approved, expires: 2027/01/01}\n"),
    "every not a duration": ("by: 1h}", "by: 1h, every: hourly}"),
    "with given as text": ("by: 1h}", "by: 1h, with: harbour-daily}"),
    "posts not a slug": ("by: 1h}", "by: 1h, posts: The Update}"),
    "visibility not allowed": ("by: 1h}", "by: 1h, visibility: secret}"),
    "scenario languages empty": ("languages: [en]", "languages: []"),
    "scenario language not a tag": ("languages: [en]", "languages: [English]"),
    "reply visibility not allowed": ("reply: Thanks.}", "reply: Thanks., visibility: crisis}"),
}


@pytest.mark.parametrize("old, new", INVALID.values(), ids=INVALID.keys())
def test_invalid_scenario_is_rejected_by_both(old, new):
    assert _BASE.count(old) == 1
    assert both(_BASE.replace(old, new), "scenario") == (False, False)


VALID = {
    "number where text is expected": ("title: Shop is down", "title: 1984"),
    "yes where text is expected": ("title: Shop is down", "title: yes"),
    "translated text": ("title: Shop is down", "title: {en: Shop is down, zh-Hant: 網店停機}"),
    "new statement kind": ("kind: update", "kind: customer-notice"),
    "every new field at once": ("by: 1h}", "by: 1h, every: 4h, with: [harbour-daily], posts: update, "
                                           "visibility: team}"),
    "statement to, approval, visibility": (
        "channels: [x]\n", "channels: [x]\n    to: [consumer-council]\n    visibility: all-staff\n"
                           "    approval: {state: legal-approved, by: [legal], on: 2026-11-01, expires: 2027-05-01}\n"),
    "scenario visibility and languages": ("languages: [en]", "visibility: team\nlanguages: [en, zh-Hant]"),
    "team-only reply": ("reply: Thanks.}", "reply: Thanks., visibility: team}"),
}


@pytest.mark.parametrize("old, new", VALID.values(), ids=VALID.keys())
def test_valid_variants_are_accepted_by_both(old, new):
    assert both(_BASE.replace(old, new), "scenario") == (True, True)


_CONTACTS = (REPO / "playbook" / "contacts.yaml").read_text(encoding="utf-8")
CONTACT_CASES = {  # (old, new, accepted by both)
    "contact kind not allowed": ("kind: laboratory", "kind: lab", False),
    "relationship not allowed": ("relationship: organic", "relationship: friendly", False),
    "last_reviewed in the wrong form": ("last_reviewed: 2026-09-30", "last_reviewed: Sept 2026", False),
    "market list empty": ("markets: [HK, TW]", "markets: []", False),
    "url without a scheme": ("url: https://www.pcpd.org.hk/", "url: www.pcpd.org.hk", False),
    "contact visibility not allowed": ("    visibility: team\n", "    visibility: private\n", False),
    "contact without notes or phone": ("    phone: \"+852 2827 2827\"\n", "", True),
}


@pytest.mark.parametrize("old, new, ok", CONTACT_CASES.values(), ids=CONTACT_CASES.keys())
def test_contacts_variants_agree(old, new, ok):
    assert _CONTACTS.count(old) == 1
    assert both(_CONTACTS.replace(old, new), "contacts") == (ok, ok)


def test_channel_kind_is_required_by_both():
    text = "channels:\n  x: {name: X, limit: 280}\n"
    assert both(text, "channels") == (False, False)
    assert both(text.replace("}", ", kind: microblog}"), "channels") == (True, True)
