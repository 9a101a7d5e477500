"""The JSON Schema for editors and the Cerberus schema agree, and the committed copy is current."""

from __future__ import annotations

import copy
import re

import jsonschema
import pytest
import yaml

from conftest import REPO, SMALL
from crisisbook.load import Document, load_bytes
from crisisbook.schema import PLAYBOOK, SCENARIO
from crisisbook.schema_export import dumps, reference, schemas
from crisisbook.validate import check_schema

SCHEMAS = schemas()


class EditorLoader(yaml.SafeLoader):
    """YAML as an editor's language server reads it: YAML 1.2's core schema, as the `yaml`
    package under yaml-language-server resolves it (yes/no and dates are strings; True and NULL
    are a boolean and a null; 0123, 0x1F and 1e3 are numbers)."""


EditorLoader.yaml_implicit_resolvers = {}
for tag, pattern, first in [
        ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
        ("null", r"^(?:~|null|Null|NULL|)$", "~nN"),
        ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
        ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                  r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+.0123456789")]:
    EditorLoader.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", re.compile(pattern),
                                       list(first) + [""] * (tag == "null"))  # "" : an empty value


def _int12(loader, node):
    text = loader.construct_scalar(node)
    return int(text[2:], 8) if text.startswith("0o") else int(text, 16) if text.startswith("0x") else int(text)


def _float12(loader, node):
    text = loader.construct_scalar(node).lower()
    return float(text.replace(".inf", "inf").replace(".nan", "nan"))


EditorLoader.add_constructor("tag:yaml.org,2002:int", _int12)
EditorLoader.add_constructor("tag:yaml.org,2002:float", _float12)


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
    "no comment category": (_BASE[_BASE.index("comment_replies:"):_BASE.index("donts:")], "comment_replies: {}\n"),
    "unknown comment category": ("  complaint: {action", "  complain: {action"),
    "kol without its brief": ("donts:", "kol: {when: Never., who: Nobody.}\ndonts:"),
    "statement kind not allowed": ("kind: update", "kind: rant"),
    "pattern with a trailing newline": ("keywords: [kettleworks down]",
                                        'keywords: [kettleworks down]\nblanks: {"a\\n": x}'),
    "more items than the limit": ("keywords: [kettleworks down]", "keywords: [" + "k, " * 30 + "k]"),
    "longer text than the limit": ("title: Shop is down", "title: " + "x" * 2001),
    "longer translation than the limit": ("title: Shop is down", "title: {en: x, zh-Hant: " + "網" * 2001 + "}"),
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
    "reply visibility not allowed": ("reply: Sorry.}", "reply: Sorry., visibility: crisis}"),
}


@pytest.mark.parametrize("old, new", INVALID.values(), ids=INVALID.keys())
def test_invalid_scenario_is_rejected_by_both(old, new):
    assert _BASE.count(old) == 1
    assert both(_BASE.replace(old, new), "scenario") == (False, False)


VALID = {
    "number where text is expected": ("title: Shop is down", "title: 1984"),
    "yes where text is expected": ("title: Shop is down", "title: yes"),
    "translated text": ("title: Shop is down", "title: {en: Shop is down, zh-Hant: 網店停機}"),
    "text at the limit": ("title: Shop is down", "title: " + "x" * 2000),
    "items at the limit": ("keywords: [kettleworks down]", "keywords: [" + "k, " * 29 + "k]"),
    "new statement kind": ("kind: update", "kind: customer-notice"),
    "every new field at once": ("by: 1h}", "by: 1h, every: 4h, with: [harbour-daily], posts: update, "
                                           "visibility: team}"),
    "statement to, approval, visibility": (
        "channels: [x]\n", "channels: [x]\n    to: [consumer-council]\n    visibility: all-staff\n"
                           "    approval: {state: legal-approved, by: [legal], on: 2026-11-01, expires: 2027-05-01}\n"),
    "scenario visibility and languages": ("languages: [en]", "visibility: team\nlanguages: [en, zh-Hant]"),
    "team-only reply": ("reply: Sorry.}", "reply: Sorry., visibility: team}"),
    # the fixture gives four kinds of comment and no kol: one kind is enough, kol may be given
    "one kind of comment": ("  inquiry: {action: reply, reply: \"See {status_page}.\"}\n  complaint: {action: reply, reply: Sorry.}\n"
                            "  abuse: {action: hide-and-report, reply: Rules apply.}\n", ""),
    "every kind of comment and a kol": ("  press:", "  misinformation: {action: reply, reply: No.}\n"
                                        "  praise: {action: reply, reply: Thanks.}\n  press:"),
    "a kol": ("donts:", "kol: {when: Never., who: Nobody., brief: [Nothing.]}\ndonts:"),
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


# Agreement, systematically: every field of a real file (one item of each list), replaced by
# each value of a palette that covers every type, form and YAML spelling crisisbook and editors
# read alike, plus every key removed and an unknown key added to every mapping. Each variant is
# judged by Cerberus (as `validate` loads it) and by the JSON Schema (as the editor parses it):
# the two verdicts must be the same. Spellings the two read differently are in NOT_EXPRESSIBLE.
PALETTE = [
    "x", "Shop is down", "crisis-lead", "sev1", "mei-chan", "15m", "0m", "180d", "2026-11-01",
    "1 Nov 2026", "'2026-11-01'", "280", '"280"', "0", '"0"', "0123", "-1", "1.5", "1984",
    '"+852 9123 4567"', "+852 9123 4567", "yes", "no", "true", "True", "FALSE",
    "null", "NULL", "~", "", "''", '"   "', "Shop | down", "[x]", "[]", "[crisis-lead]", "['#tag']",
    "[1984]", "{en: x}", "{en: x, zh-Hant: 網店停機}", "{EN: x}", "{en: ''}", "{}", "{a: b}",
    "x@example.com", "https://example.com", "'#down'", "'@handle'", "Mei Chan", "meichan",
    "outage", "holding", "reply", "escalate", "x-weighted", "characters", "facebook", "en", "zh-Hant",
    "blank_name", "Not-A-Slug", "a--b",
]
ODD_KEYS = ["zz-unknown", "Not A Slug", "en", "sev9"]


def _scalar(text: str) -> tuple:
    """(crisisbook's value, the editor's value) of one YAML value as written."""
    return (load_bytes(f"v: {text}\n".encode(), "v.yaml").data["v"],
            yaml.load(f"v: {text}\n", EditorLoader)["v"])


_VALUES = [(text, *_scalar(text)) for text in PALETTE]


def _positions(data, path=()):
    """Every path into `data`, taking only the first item of each list (the others repeat it)."""
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _positions(value, path + (key,))
    elif isinstance(data, list) and data:
        yield from _positions(data[0], path + (0,))


def _first_items(data):
    """`data` with every list cut to its first item: a smaller document that is still valid."""
    if isinstance(data, dict):
        return {key: _first_items(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_first_items(item) for item in data[:1]]
    return data


def _edit(data, path, change):
    """A deep copy of `data` with `change(parent, last)` applied at `path`."""
    data = copy.deepcopy(data)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    change(parent, path[-1])
    return data


_IN_A_LANGUAGE: dict = {}  # id of a text field's rules -> the rules of one language's text in it


def _rules_at(schema: dict, path) -> dict:
    node = {"type": "dict", "schema": schema}
    for part in path:
        if node["type"] == "list":
            node = node["schema"]
        elif node["type"] == "text":  # a translated text: part is a language
            node = _IN_A_LANGUAGE.setdefault(id(node), {"type": "text in one language", "of": node})
        elif "schema" in node:
            node = node["schema"][part]
        else:
            node = node["valuesrules"]
    return node


def _distinct(schema: dict, data):
    """The positions in `data` whose rules differ (steps.detect[0].owner and steps.respond[0].owner
    share theirs: one of them stands for both)."""
    seen = set()
    for path in _positions(data):
        rules = _rules_at(schema, path)
        if id(rules) not in seen:
            seen.add(id(rules))
            yield path


def _variants(schema, cerberus_data, editor_data):
    for path in _distinct(schema, cerberus_data):
        if not path:
            continue
        for text, ours, theirs in _VALUES:
            yield f"{_show(path)} = {text}", (
                _edit(cerberus_data, path, lambda p, k: p.__setitem__(k, copy.deepcopy(ours))),
                _edit(editor_data, path, lambda p, k: p.__setitem__(k, copy.deepcopy(theirs))))
        if not isinstance(path[-1], int):
            yield f"{_show(path)} removed", (_edit(cerberus_data, path, lambda p, k: p.pop(k)),
                                              _edit(editor_data, path, lambda p, k: p.pop(k)))
    for path in _distinct(schema, cerberus_data):
        for key in ODD_KEYS:
            yield f"{_show(path)} + {key}: x", (_add(cerberus_data, path, key), _add(editor_data, path, key))


def _add(data, path, key):
    """A deep copy of `data` with `key: x` added to the mapping at `path` (if it is one)."""
    data = copy.deepcopy(data)
    node = data
    for part in path:
        node = node[part]
    if isinstance(node, dict) and key not in node:
        node[key] = "x"
    return data


def _show(path) -> str:
    return ".".join(str(p) for p in path) or "(file)"


AGREEMENT_FILES = [SMALL / "scenarios" / "kettle-leak.yaml",
                   *sorted((SMALL / "playbook").glob("*.yaml"))]


@pytest.mark.parametrize("path", AGREEMENT_FILES, ids=lambda p: p.name)
def test_validate_and_the_editor_agree_on_every_mutation(path):
    stem = "scenario" if path.parent.name == "scenarios" else path.stem
    cerberus_schema = SCENARIO if stem == "scenario" else PLAYBOOK[f"{stem}.yaml"]
    editor = jsonschema.Draft7Validator(SCHEMAS[f"{stem}.json"])
    text = path.read_text(encoding="utf-8")
    cerberus_data = _first_items(load_bytes(text.encode(), "x.yaml").data)
    editor_data = _first_items(yaml.load(text, EditorLoader))
    disagreements, seen = [], 0
    for name, (ours, theirs) in _variants(cerberus_schema, cerberus_data, editor_data):
        seen += 1
        accepted = not check_schema(Document("x.yaml", ours), cerberus_schema)
        if accepted != editor.is_valid(theirs):
            disagreements.append(f"{name}: validate {'accepts' if accepted else 'rejects'}, "
                                 f"the editor {'rejects' if accepted else 'accepts'}")
    assert seen > 3 * len(PALETTE)
    assert not disagreements, "\n".join(disagreements[:40])


# The two cases the issue found: the editor flagged them, `validate` let them pass.
PLAYBOOK_VARIANTS = {
    "quoted limit": ("channels", "zh-Hant: X}, limit: 280,", 'zh-Hant: X}, limit: "280",', True),
    "limit zero": ("channels", "zh-Hant: X}, limit: 280,", "zh-Hant: X}, limit: 0,", False),
    "limit as words": ("channels", "zh-Hant: X}, limit: 280,", "zh-Hant: X}, limit: many,", False),
    "limit true": ("channels", "zh-Hant: X}, limit: 280,", "zh-Hant: X}, limit: true,", False),
}


@pytest.mark.parametrize("stem, old, new, ok", PLAYBOOK_VARIANTS.values(), ids=PLAYBOOK_VARIANTS.keys())
def test_playbook_variants_get_one_verdict(stem, old, new, ok):
    text = (SMALL / "playbook" / f"{stem}.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1
    assert both(text.replace(old, new), stem) == (ok, ok)


@pytest.mark.parametrize("phone", ["+852 9123 4567", "+85291234567", '"+852 9123 4567"', "91234567"])
def test_an_unquoted_phone_number_is_text_to_both(phone):
    text = (SMALL / "playbook" / "roster.yaml").read_text(encoding="utf-8")
    new, count = re.subn(r"phone: [^,}\n]+", f"phone: {phone}", text)
    assert count >= 1
    assert both(new, "roster") == (True, True)


def _properties(schema, path=""):
    for name, sub in schema.get("properties", {}).items():
        yield f"{path}{name}", sub
        yield from _nested(sub, f"{path}{name}.")
    if isinstance(schema.get("additionalProperties"), dict):
        yield f"{path}<id>", schema["additionalProperties"]  # what each entry of a mapping is
        yield from _nested(schema["additionalProperties"], f"{path}<id>.")


def _nested(schema, path):
    yield from _properties(schema, path)
    if "items" in schema:
        yield from _properties(schema["items"], path)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_field_is_described_for_the_editor(name):
    fields = dict(_properties(SCHEMAS[name]))
    assert len(fields) > 1  # the walk found them (tags.json: the mapping and what each entry is)
    undocumented = [path for path, sub in fields.items()
                    if not sub.get("description") or not sub.get("markdownDescription")]
    assert not undocumented
    for path, sub in fields.items():
        if "enum" in sub:
            assert len(sub["enumDescriptions"]) == len(sub["enum"]), path


def test_readme_data_reference_is_generated_from_the_schema():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- data reference: generated from schema.py -->\n", "<!-- end of data reference -->"
    assert readme.count(start) == 1 and readme.count(end) == 1
    section = readme.split(start)[1].split(end)[0]
    assert section == "\n" + reference() + "\n", (
        "README.md's data reference is out of date: run `python scripts/update_reference.py`")
