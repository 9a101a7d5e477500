"""The compiled fast path may be stricter than Cerberus, never looser: whenever it vouches for a
document, Cerberus accepts it too and normalises it to the same data, in the same key order."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, SMALL
from crisisbook import schema as S
from crisisbook.fastcheck import compile_schema
from crisisbook.load import LoadError, load_file
from crisisbook.validate import Validator
from test_properties import MUTATION, _DROP, _paths, _replace, scenarios

SCHEMAS = {"scenario": S.SCENARIO, **{name: schema for name, schema in S.PLAYBOOK.items()}}
FAST = {name: compile_schema(schema) for name, schema in SCHEMAS.items()}


def agree(name: str, data) -> object:
    """Assert the one-way agreement; returns what the fast path said."""
    fast = FAST[name](copy.deepcopy(data))
    if fast is not None:
        v = Validator(SCHEMAS[name])
        assert v.validate(copy.deepcopy(data)), v.errors
        assert json.dumps(fast, ensure_ascii=False) == json.dumps(v.document, ensure_ascii=False)
    return fast


def _files():
    for folder in (REPO / "scenarios", SMALL / "scenarios", REPO / "tests" / "corpus"):
        for path in sorted(folder.glob("*.yaml")):
            yield "scenario", path
    for folder in (REPO / "playbook", SMALL / "playbook"):
        for path in sorted(folder.glob("*.yaml")):
            yield path.name, path


@pytest.mark.parametrize("name,path", list(_files()), ids=lambda x: getattr(x, "name", x))
def test_fast_path_agrees_on_every_file_we_have(name, path):
    try:
        data = load_file(path).data
    except LoadError:
        return
    fast = agree(name, data)
    if "corpus" not in path.parts:  # shipped and fixture files are valid: the fast path must vouch
        assert fast is not None


@pytest.mark.parametrize("schema", sorted(SCHEMAS))
def test_a_broken_document_is_left_to_cerberus(schema):
    assert FAST[schema]({"no such field": "x"}) is None
    assert FAST[schema]([]) is None


# Values where Cerberus' rules have corners: null replaced by a default, True as an integer,
# digits coerced, '$' matching before a final newline, empty text and lists.
CORNERS = [None, True, False, "12", "0", "-3", "abc\n", "abc\r\n", "a@b\n", "", " ", [], {}, ["x"], {"en": "x"}, 7]


@pytest.mark.parametrize("name, data", [
    ("roster.yaml", {"people": {"a": {"name": "A", "job_title": "J", "phone": "1", "email": "a@b",
                                      "github": "name\n"}}, "assignments": {}}),
    ("organisation.yaml", {"brand": "B", "legal_name": "L", "website": "https://x", "status_page": "https://x",
                           "support_hotline": "1", "support_email": "a@b", "default_language": "en\n"}),
])
def test_a_trailing_newline_breaks_a_pattern_on_both_paths(name, data):
    assert FAST[name](copy.deepcopy(data)) is None
    assert not Validator(SCHEMAS[name]).validate(copy.deepcopy(data))


@pytest.mark.parametrize("name, data", [
    ("roles.yaml", {"roles": {"a": {"title": "T", "summary": "S", "duties": ["d"] * (S.MAX_ITEMS + 1)}}}),
    ("roles.yaml", {"roles": {"a": {"title": "T" * (S.MAX_CHARS + 1), "summary": "S", "duties": ["d"]}}}),
    ("roles.yaml", {"roles": {"a": {"title": {"en": "T", "zh-Hant": "網" * (S.MAX_CHARS + 1)},
                                    "summary": "S", "duties": ["d"]}}}),
    ("organisation.yaml", {"brand": "B", "legal_name": "L", "website": "https://x", "status_page": "https://x",
                           "support_hotline": "1", "support_email": "a@b", "default_language": "en",
                           "social": {"x": "@" + "k" * S.MAX_NAME_CHARS}}),
])
def test_past_a_limit_on_both_paths(name, data):
    assert FAST[name](copy.deepcopy(data)) is None
    assert not Validator(SCHEMAS[name]).validate(copy.deepcopy(data))


@pytest.mark.parametrize("field,value", [(f, v) for f in ("limit", "count", "name") for v in CORNERS])
def test_channel_corners(field, value):
    data = {"channels": {"x": {"name": "X", "limit": "280", "count": "x-weighted"}}}
    data["channels"]["x"][field] = value
    agree("channels.yaml", data)


@pytest.mark.parametrize("field,value", [(f, v) for f in ("active", "github", "email", "phone") for v in CORNERS])
def test_person_corners(field, value):
    roster = load_file(SMALL / "playbook" / "roster.yaml").data
    person = next(iter(roster["people"].values()))
    person[field] = value
    agree("roster.yaml", roster)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_fast_path_vouches_for_generated_valid_scenarios(data):
    assert agree("scenario", data) is not None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.data())
def test_fast_path_never_vouches_for_what_cerberus_rejects(data, pick):
    path = pick.draw(st.sampled_from(list(_paths(data))[1:]))
    mutation = pick.draw(st.one_of(MUTATION, st.sampled_from(CORNERS)))
    mutated = _replace(copy.deepcopy(data), path, mutation if mutation is _DROP else copy.deepcopy(mutation))
    agree("scenario", mutated)
