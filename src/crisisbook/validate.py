"""Stage 2: check every loaded file, alone (Cerberus) and against the others (cross-checks).

Nothing here raises on bad data: every problem becomes a Problem with file, line, column and
field, so a PR lead sees all of their mistakes in one run.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import threading
from pathlib import Path

import cerberus

from . import schema as S
from .fastcheck import compile_schema, is_duration, is_isodate, is_slug, is_text
from .i18n import check_translations
from .load import Document, Sources
from .model import base_language, fill, organisation_facts, parse_duration, placeholders, post_length, text_variants
from .report import ERROR, WARNING, Problem, field_path, sort_key

_SLUG = re.compile(S.SLUG)
_TYPE_NAMES = {
    "text": "text", "string": "text", "slug": "an id (lowercase letters, digits and hyphens, e.g. crisis-lead)",
    "duration": "a duration such as 15m, 2h, 3d or 2w", "isodate": "a date written YYYY-MM-DD",
    "integer": "a whole number", "boolean": "true or false", "list": "a list", "dict": "a mapping of fields",
}


class Validator(cerberus.Validator):
    """Cerberus with crisisbook's own types (shared with the fast path)."""

    def _validate_type_text(self, value):
        return is_text(value)

    def _validate_type_slug(self, value):
        return is_slug(value)

    def _validate_type_duration(self, value):
        return is_duration(value)

    def _validate_type_isodate(self, value):
        return is_isodate(value)


# A Validator keeps the document it checks: one per schema and thread (serve validates in a
# timer thread while another may still be running).
_local = threading.local()
_FAST: dict = {}  # id(schema) -> compiled fast path; stateless, so shared by threads


def check_schema(doc: Document, schema: dict) -> list[Problem]:
    """Cerberus problems of one document, each placed on its line. A valid document's data is
    replaced by its normalised form. The compiled fast path vouches for most documents; Cerberus
    checks the rest and explains what is wrong."""
    fast = _FAST.get(id(schema))
    if fast is None:
        fast = _FAST[id(schema)] = compile_schema(schema)
    normalised = fast(doc.data)
    if normalised is not None:
        doc.data = normalised
        return []
    validators = _local.__dict__.setdefault("validators", {})
    v = validators.get(id(schema))
    if v is None:  # building a Validator checks the schema itself: do it once per schema
        v = validators[id(schema)] = Validator(schema)
    if v.validate(doc.data):
        doc.data = v.document  # normalised: numeric fields converted, defaults filled in
        return []
    return [_problem(doc, v, e) for e in _leaves(v._errors)]


def _leaves(errors):
    for e in errors:
        if e.is_group_error:
            yield from _leaves(e.child_errors)
        else:
            yield e


def _rules_at(schema, schema_path) -> dict:
    node = schema
    for part in schema_path:
        node = node[part]
    return node


def _problem(doc: Document, v: Validator, e) -> Problem:
    path = e.document_path
    if e.code == cerberus.errors.UNKNOWN_FIELD.code:
        parent = _rules_at(v.schema, e.schema_path) if e.schema_path else v.schema
        known = list(parent.keys())
        line, col = doc.mark(path, key=True)
        return Problem(doc.file, line, col, field_path(path),
                       f"unknown field{suggest(str(path[-1]), known)}")
    rules = _rules_at(v.schema, e.schema_path[:-1])
    line, col = doc.mark(path, key=e.rule == "keysrules")
    message = _message(e, rules)
    hint = (rules.get("meta") or {}).get("hint")
    if hint and e.rule in ("type", "regex"):
        message += f"; {hint}"
    return Problem(doc.file, line, col, field_path(path), message)


def _message(e, rules) -> str:
    value = e.value
    if e.rule == "required":
        return "required field is missing"
    if e.rule == "nullable" or (e.rule == "type" and value is None):
        return "is empty; give it a value"
    if e.rule == "type":
        wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in
                             (e.constraint if isinstance(e.constraint, list) else [e.constraint]))
        return f"must be {wanted}, found {_describe(value)}"
    if e.rule == "allowed":
        return f"'{value}' is not allowed{suggest(str(value), e.constraint, always=True)}"
    if e.rule == "regex":
        return f"'{value}' is not in the expected form"
    if e.rule == "minlength":
        return f"needs at least {e.constraint} item{'s' * (e.constraint != 1)}"
    if e.rule == "min":
        return f"must be at least {e.constraint}"
    if e.rule == "empty":
        return "is empty; give it a value"
    return f"breaks the rule '{e.rule}'"  # pragma: no cover - every rule in schema.py is above


def _describe(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return "empty text" if not value.strip() else f"'{value}'"
    return type(value).__name__


def suggest(name: str, known, always: bool = False) -> str:
    """' (did you mean 'x'?)', or the list of known names for short lists."""
    known = [str(k) for k in known]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f" (did you mean '{close[0]}'?)"
    if always or len(known) <= 8:
        return f" (expected one of: {', '.join(known)})"
    return ""


def today() -> dt.date:
    """The date `validate` judges review dates by: SOURCE_DATE_EPOCH when set, else the clock
    (a PR lead wants to know what is overdue now)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


def check(root: Path, only: list[Path] | None = None, on: dt.date | None = None):
    """Load and validate; returns (sources, problems). Never raises on bad data."""
    from .load import load_project

    sources = load_project(root, only)
    return sources, validate(sources, on or today())


# ---------------------------------------------------------------------------- cross-file checks


class _Checker:
    """Collects problems for one document; `at` places them on the field's line."""

    def __init__(self, doc: Document, out: list[Problem]):
        self.doc, self.out = doc, out

    def at(self, path, message: str, severity: str = ERROR, key: bool = False) -> None:
        line, col = self.doc.mark(tuple(path), key=key)
        self.out.append(Problem(self.doc.file, line, col, field_path(path), message, severity))

    def known(self, path, value, known, what: str, where: str) -> bool:
        if value in known:
            return True
        self.at(path, f"unknown {what} '{value}'{suggest(value, known)}"
                      f"{'' if value in known else f'; see {where}'}")
        return False


def validate(sources: Sources, today: dt.date | None = None) -> list[Problem]:
    """All problems of the project, sorted by file and line."""
    problems, playbook_ok = validate_playbook(sources)
    problems += scenario_load_problems(sources)
    for sid, doc in sources.scenarios.items():
        problems += validate_scenario(sid, doc, sources, playbook_ok, today or dt.date.today())
    return sorted(problems, key=sort_key)


def scenario_load_problems(sources: Sources) -> list[Problem]:
    """Scenario files that could not be loaded (validate_playbook reports the playbook's)."""
    return [p for p in sources.problems if not p.file.startswith("playbook/")]


def validate_playbook(sources: Sources) -> tuple[list[Problem], bool]:
    """The playbook's problems, and whether it is whole enough to check scenarios against."""
    playbook: list[Problem] = [p for p in sources.problems if p.file.startswith("playbook/")]
    for stem, doc in sources.playbook.items():
        playbook += check_schema(doc, S.PLAYBOOK[f"{stem}.yaml"])
    required = [f for f in S.PLAYBOOK if f not in S.OPTIONAL_PLAYBOOK]
    playbook_ok = all(f.removesuffix(".yaml") in sources.playbook for f in required) and not playbook
    if playbook_ok:  # cross-checks need a whole, well-formed playbook
        _check_playbook(sources.playbook, playbook)
        for stem, doc in sources.playbook.items():
            playbook += _translations(doc, S.PLAYBOOK[f"{stem}.yaml"], sources)
    return playbook, playbook_ok


def validate_scenario(sid: str, doc: Document, sources: Sources, playbook_ok: bool,
                      today: dt.date) -> list[Problem]:
    """One scenario's problems: alone, then against a whole playbook (if it is one)."""
    problems = []
    if not _SLUG.fullmatch(sid):
        problems.append(Problem(doc.file, None, None, "",
                                f"file name '{sid}' is not a slug: use lowercase letters, "
                                f"digits and hyphens, e.g. product-recall.yaml"))
    found = check_schema(doc, S.SCENARIO)
    problems += found + _todos(doc)
    if playbook_ok and not found:
        _check_scenario(doc, sources.playbook, problems, today)
        problems += _translations(doc, S.SCENARIO, sources)
    return problems


def _translations(doc: Document, schema: dict, sources: Sources) -> list[Problem]:
    org = sources.playbook["organisation"].data
    default = org["default_language"]
    languages = org.get("languages") or [default]
    if schema is S.SCENARIO and doc.data.get("languages"):
        # a scenario written in fewer languages is checked in those only (model.base_language)
        languages = [lang for lang in doc.data["languages"] if lang in languages] or languages
        default = base_language(languages, default)
    return check_translations(doc, schema, languages, default)


def _todos(doc: Document) -> list[Problem]:
    """A TODO left by `crisisbook new` (or by anyone): fine in a draft, not in a published page."""
    out: list[Problem] = []

    def walk(value, path):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, path + (key,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, path + (i,))
        elif isinstance(value, str) and "TODO" in value:
            line, col = doc.mark(path)
            out.append(Problem(doc.file, line, col, field_path(path),
                               "still says TODO: write it before the scenario is published", WARNING))

    walk(doc.data, ())
    return out


def _check_playbook(pb: dict[str, Document], out: list[Problem]) -> None:
    roles = pb["roles"].data["roles"]
    people = pb["roster"].data["people"]
    org = _Checker(pb["organisation"], out)
    langs = pb["organisation"].data.get("languages", [])
    default = pb["organisation"].data["default_language"]
    if langs and default not in langs:
        org.at(("default_language",), f"'{default}' is not in languages{suggest(default, langs)}")
    roster = _Checker(pb["roster"], out)
    assignments = pb["roster"].data["assignments"]
    for rid in assignments:
        roster.known(("assignments", rid), rid, roles, "role", "playbook/roles.yaml")
    for rid in roles:
        a = assignments.get(rid)
        if a is None:
            roster.at(("assignments",), f"role '{rid}' has no primary and no backup")
            continue
        for slot in ("primary", "backup"):
            pid = a[slot]
            if roster.known(("assignments", rid, slot), pid, people, "person", "people in this file") \
                    and not people[pid].get("active", True):
                roster.at(("assignments", rid, slot), f"'{pid}' is marked inactive but is still the {slot}")
        if a["primary"] == a["backup"]:
            roster.at(("assignments", rid, "backup"), f"'{a['backup']}' is both primary and backup of '{rid}'")
    if "contacts" in pb:
        _check_contacts(_Checker(pb["contacts"], out), pb["contacts"].data["contacts"])
    sev = _Checker(pb["severity"], out)
    for lid, level in pb["severity"].data["levels"].items():
        for i, rid in enumerate(level["activate"]):
            sev.known(("levels", lid, "activate", i), rid, roles, "role", "playbook/roles.yaml")
        sev.known(("levels", lid, "approves_statements"), level["approves_statements"], roles,
                  "role", "playbook/roles.yaml")


def _check_contacts(c: _Checker, contacts: dict) -> None:
    for cid, contact in contacts.items():
        if contact["kind"] != "influencer":
            continue
        for name, why in (("relationship", "paid, standing-partner or organic"),
                          ("last_reviewed", "the date the relationship was last checked")):
            if name not in contact:
                c.at(("contacts", cid), f"an influencer needs '{name}': {why}")


class _Refs:
    """What a scenario's steps and statements may name: contacts, statements, and which of them
    are team-only (an item every staff member reads may not lead to one)."""

    def __init__(self, c: _Checker, d: dict, pb: dict[str, Document]):
        self.c = c
        self.contacts = pb["contacts"].data["contacts"] if "contacts" in pb else {}
        self.statements = {st["id"]: st for st in d["statements"]}
        self.team_scenario = d.get("visibility") == "team"

    def public(self, item: dict) -> bool:
        return not self.team_scenario and item.get("visibility") != "team"

    def contact_ids(self, path, item: dict, field: str, what: str) -> None:
        for j, cid in enumerate(item.get(field, [])):
            if not self.c.known(path + (field, j), cid, self.contacts, "contact", "playbook/contacts.yaml"):
                continue
            if self.public(item) and self.contacts[cid].get("visibility") == "team":
                self.c.at(path + (field, j), f"contact '{cid}' is team-only but this {what} is visible to all "
                                             f"staff; mark the {what} visibility: team or name another contact")


def _check_scenario(doc: Document, pb: dict[str, Document], out: list[Problem], today: dt.date) -> None:
    c = _Checker(doc, out)
    d = doc.data
    roles = pb["roles"].data["roles"]
    role = lambda path, rid: c.known(path, rid, roles, "role", "playbook/roles.yaml")  # noqa: E731
    role(("owner",), d["owner"])
    for i, rid in enumerate(d["team"]):
        role(("team", i), rid)
    team = set(d["team"])
    _check_languages(c, d, pb["organisation"].data)
    _check_severity(c, d, pb["severity"].data["levels"])
    refs = _Refs(c, d, pb)
    _check_steps(c, d, role, team, refs)
    _check_first_response(c, d, pb["severity"].data["levels"], refs)
    _check_statements(c, d, pb)
    _check_approvals(c, d, role, refs, today)
    for cat, rule in d["comment_replies"].items():
        if rule["action"] == "escalate" and "escalate_to" not in rule:
            c.at(("comment_replies", cat), "action 'escalate' needs 'escalate_to': the role to hand it to")
        if "escalate_to" in rule:
            role(("comment_replies", cat, "escalate_to"), rule["escalate_to"])
    if "drill" in d:
        _check_drill(c, d["drill"], role, pb["channels"].data["channels"])
    reviewed = dt.date.fromisoformat(d["last_reviewed"])
    due = reviewed + dt.timedelta(minutes=parse_duration(d["review_interval"]))
    if today > due:
        c.at(("last_reviewed",), f"overdue for review since {due.isoformat()} "
                                 f"(last reviewed {reviewed.isoformat()}, every {d['review_interval']})",
             WARNING)


def _check_languages(c: _Checker, d: dict, org: dict) -> None:
    known = org.get("languages") or [org["default_language"]]
    for i, lang in enumerate(d.get("languages", [])):
        if lang not in known:
            c.at(("languages", i), f"'{lang}' is not a language of the handbook{suggest(lang, known, always=True)}; "
                                   f"see languages in playbook/organisation.yaml")


def _check_drill(c: _Checker, drill: dict, role, channels: dict) -> None:
    for i, rid in enumerate(drill["participants"]):
        role(("drill", "participants", i), rid)
    length = parse_duration(drill["duration"])
    previous = -1
    for i, inject in enumerate(drill["injects"]):
        path = ("drill", "injects", i)
        at = parse_duration(inject["at"])
        if at < previous:
            c.at(path + ("at",), f"inject at {inject['at']} comes before the previous one; keep injects in time order")
        if at >= length:
            c.at(path + ("at",), f"inject at {inject['at']} is not within the drill's {drill['duration']}")
        if "post" not in inject and "press_question" not in inject:
            c.at(path, "an inject needs a post or a press_question to show the players")
        if "post" in inject:
            c.known(path + ("post", "platform"), inject["post"]["platform"], channels, "channel",
                    "playbook/channels.yaml")
        previous = at
    seen = set()
    for i, objective in enumerate(drill["objectives"]):
        if objective["id"] in seen:
            c.at(("drill", "objectives", i, "id"), f"duplicate objective id '{objective['id']}'")
        seen.add(objective["id"])


def _check_severity(c: _Checker, d: dict, levels: dict) -> None:
    for lid in d["severity"]:
        c.known(("severity", lid), lid, levels, "severity level", "playbook/severity.yaml")
    for lid in levels:
        if lid not in d["severity"]:
            c.at(("severity",), f"no description for severity level '{lid}'")


def _check_steps(c: _Checker, d: dict, role, team: set, refs: _Refs) -> None:
    first_review = min(d["steps"]["review"], key=lambda s: parse_duration(s["by"]))["by"]
    review_starts = parse_duration(first_review)
    owners = set()
    for phase in S.PHASES:
        for i, step in enumerate(d["steps"][phase]):
            path = ("steps", phase, i)
            owners.add(step["owner"])
            if role(path + ("owner",), step["owner"]) and step["owner"] not in team:
                c.at(path + ("owner",), f"'{step['owner']}' owns a step but is not in the team; add it to team")
            if phase != "review" and parse_duration(step["by"]) > review_starts:
                c.at(path + ("by",), f"deadline {step['by']} is later than the first review step "
                                     f"({first_review}); review comes last")
            _check_step_links(c, path, phase, step, refs)
    for i, rid in enumerate(d["team"]):
        if rid not in owners:
            c.at(("team", i), f"'{rid}' is in the team but owns no step; give it one or take it off the team",
                 WARNING)


def _check_step_links(c: _Checker, path, phase: str, step: dict, refs: _Refs) -> None:
    refs.contact_ids(path, step, "with", "step")
    if "posts" in step:
        sid = step["posts"]
        if c.known(path + ("posts",), sid, refs.statements, "statement", "statements in this file") \
                and refs.public(step) and refs.statements[sid].get("visibility") == "team":
            c.at(path + ("posts",), f"statement '{sid}' is team-only but this step is visible to all staff; "
                                    f"mark the step visibility: team")
    if "every" in step:
        if phase in ("recover", "review"):
            c.at(path + ("every",), f"a {phase} step cannot repeat: repeats stop when the recover phase starts")
        elif parse_duration(step["every"]) == 0:
            c.at(path + ("every",), "every 0m would repeat without end; give a duration such as 4h")


def _check_first_response(c: _Checker, d: dict, levels: dict, refs: _Refs) -> None:
    """The holding statement must be out within the first response time of the most severe
    level (the first in playbook/severity.yaml): the step that posts it may not be due later."""
    if not levels:
        return
    lid, top = next(iter(levels.items()))
    limit = parse_duration(top["first_response"])
    for phase in S.PHASES:
        for i, step in enumerate(d["steps"][phase]):
            st = refs.statements.get(step.get("posts"))
            if st and st["kind"] == "holding" and parse_duration(step["by"]) > limit:
                c.at(("steps", phase, i, "by"), f"posts the holding statement '{st['id']}' at {step['by']}, after "
                                                f"the {top['first_response']} first response of '{lid}'; "
                                                f"bring it forward", WARNING)


def _check_approvals(c: _Checker, d: dict, role, refs: _Refs, today: dt.date) -> None:
    for i, st in enumerate(d["statements"]):
        path = ("statements", i)
        refs.contact_ids(path, st, "to", "statement")
        a = st.get("approval")
        if a is None:
            continue
        for j, rid in enumerate(a.get("by", [])):
            role(path + ("approval", "by", j), rid)
        if a["state"] != "draft" and not a.get("by"):
            c.at(path + ("approval",), f"approval '{a['state']}' needs 'by': the roles that approved it")
        if a.get("on") and a.get("expires") and a["expires"] < a["on"]:
            c.at(path + ("approval", "expires"), f"expires {a['expires']} is before it was approved on {a['on']}")
        elif a["state"] != "draft" and a.get("expires") and dt.date.fromisoformat(a["expires"]) < today:
            c.at(path + ("approval", "expires"), f"approval expired on {a['expires']}: have it approved again, "
                                                 f"or mark it draft", WARNING)
        if a["state"] == "draft" and st["kind"] == "holding":
            c.at(path + ("approval", "state"), "the holding statement is still a draft: have it pre-approved, "
                                               "so it can go out within the first response time", WARNING)


def _check_statements(c: _Checker, d: dict, pb: dict[str, Document]) -> None:
    channels = pb["channels"].data["channels"]
    org = pb["organisation"].data
    facts = organisation_facts(org)
    # the facts in each language, worked out once per scenario rather than per statement and channel
    facts_in = {lang: organisation_facts(org, lang) for lang in [None, *org.get("languages", [])]}
    blanks = d.get("blanks", {})
    used: set[str] = set()
    seen: dict[str, int] = {}
    for i, st in enumerate(d["statements"]):
        path = ("statements", i)
        if st["id"] in seen:
            c.at(path + ("id",), f"duplicate statement id '{st['id']}' (also statements[{seen[st['id']]}])")
        seen.setdefault(st["id"], i)
        used |= _check_placeholders(c, path + ("text",), st["text"], facts, blanks)
        for j, ch in enumerate(st["channels"]):
            if c.known(path + ("channels", j), ch, channels, "channel", "playbook/channels.yaml"):
                _check_length(c, path, st["text"], ch, channels[ch], facts_in)
    for cat, rule in d["comment_replies"].items():
        used |= _check_placeholders(c, ("comment_replies", cat, "reply"), rule["reply"], facts, blanks)
    for name in blanks:
        if name not in used:
            c.at(("blanks", name), f"blank '{name}' is declared but no statement or reply uses it",
                 key=True)


def _check_placeholders(c: _Checker, path, raw, facts: dict, blanks: dict) -> set[str]:
    used = set()
    for _, text in text_variants(raw):
        for name in placeholders(text):
            used.add(name)
            if name not in facts and name not in blanks:
                c.at(path, f"unknown placeholder '{{{name}}}'{suggest(name, [*facts, *blanks])}; "
                           f"declare it under blanks or add it to playbook/organisation.yaml")
    return used


def _check_length(c: _Checker, path, raw, channel: str, spec: dict, facts_in: dict) -> None:
    limit = spec.get("limit")
    if limit is None:
        return
    for lang, text in text_variants(raw):
        facts = facts_in.get(lang) or facts_in[None]
        length = post_length(fill(text, facts), spec.get("count", "characters"))
        if length > limit:
            c.at(path + ("text",), f"{length} characters{f' ({lang})' if lang else ''} is "
                                   f"{length - limit} over the {limit}-character limit of '{channel}'")
