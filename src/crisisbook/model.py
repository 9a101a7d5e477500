"""Stage 3: the validated data as frozen objects that templates read.

Only validated documents reach this module, so it converts without checking. Text fields stay
`Text` (language -> string) until a template asks for one language, which is what lets a
translation be added to any field later without touching the others.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from .schema import COMMENT_CATEGORIES, PHASES

DURATION = re.compile(r"(0|[1-9][0-9]*)(m|h|d|w)")
MINUTES = {"m": 1, "h": 60, "d": 24 * 60, "w": 7 * 24 * 60}
# `{name}` or `{social.x}`; `{{ … }}` is left alone so text that looks like a template stays text
PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*)\}(?!\})")


def parse_duration(text) -> int | None:
    """'15m' -> 15, '3d' -> 4320 (minutes); None when it does not parse."""
    m = DURATION.fullmatch(text) if isinstance(text, str) else None
    return int(m.group(1)) * MINUTES[m.group(2)] if m else None


# X (Twitter) counts these code points once and every other (CJK, emoji…) twice (twitter-text v3):
# U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F, U+2032–U+2037.
_X_DOUBLE = re.compile("[^\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]")


def post_length(text: str, count: str = "characters") -> int:
    if count != "x-weighted":
        return len(text)
    return len(text) + len(_X_DOUBLE.findall(text))


def placeholders(text: str) -> list[str]:
    return PLACEHOLDER.findall(text) if "{" in text else []  # most text has none: skip the search


def fill(text: str, facts: Mapping[str, str]) -> str:
    """Replace known {facts}; any other {name} (a blank) stays for the reader to fill in."""
    return PLACEHOLDER.sub(lambda m: facts.get(m.group(1), m.group(0)), text)


@dataclass(frozen=True)
class Text:
    """A text field in one or more languages; `get` falls back to the default language."""

    values: Mapping[str, str]
    default: str

    @classmethod
    def of(cls, raw, default: str) -> "Text":
        return cls(MappingProxyType(raw if isinstance(raw, dict) else {default: raw}), default)

    def get(self, lang: str) -> str:
        return self.values.get(lang) or self.values[self.default]

    def __str__(self) -> str:
        return self.values[self.default]


def text_variants(raw) -> list[tuple[str | None, str]]:
    """Each language's string of a raw text field: [(None, s)] for a plain string."""
    return list(raw.items()) if isinstance(raw, dict) else [(None, raw)]


def organisation_facts(org: dict, lang: str | None = None) -> dict[str, str]:
    """The {placeholders} organisation.yaml provides, flattened: social.x, brand, …"""
    facts: dict[str, str] = {}
    for key, value in org.items():
        if key == "social":
            facts.update({f"social.{k}": v for k, v in value.items()})
        elif key in ("languages", "default_language"):
            continue
        elif isinstance(value, dict):  # a translated fact: this language, else the default
            facts[key] = value.get(lang) or value[org["default_language"]]
        elif isinstance(value, str):
            facts[key] = value
    return facts


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    job_title: Text
    phone: str
    email: str
    chat: str | None
    active: bool
    github: str | None = None


@dataclass(frozen=True)
class Role:
    id: str
    title: Text
    summary: Text
    duties: tuple[Text, ...]
    authority: tuple[Text, ...]
    primary: Person
    backup: Person


@dataclass(frozen=True)
class Level:
    id: str
    name: Text
    summary: Text
    criteria: Mapping[str, Text]
    first_response: str
    activate: tuple[Role, ...]
    approver: Role


@dataclass(frozen=True)
class Channel:
    id: str
    name: Text
    limit: int | None
    count: str = "characters"

    def length(self, text: str) -> int:
        return post_length(text, self.count)


@dataclass(frozen=True)
class Step:
    phase: str
    do: Text
    owner: Role
    by: str  # as written: 15m, 1h, 3d
    minutes: int  # for sorting the timeline


@dataclass(frozen=True)
class Statement:
    id: str
    kind: str
    title: Text
    audience: Text
    channels: tuple[Channel, ...]
    text: Text  # organisation facts already filled in; blanks remain as {name}
    blanks: tuple[tuple[str, Text], ...]  # the blanks this statement uses, in order


@dataclass(frozen=True)
class Reply:
    category: str
    action: str
    reply: Text
    escalate_to: Role | None
    note: Text | None


@dataclass(frozen=True)
class Kol:
    when: Text
    who: Text
    brief: tuple[Text, ...]
    avoid: tuple[Text, ...]


@dataclass(frozen=True)
class Post:
    platform: str
    account: str
    name: str
    text: Text
    likes: int
    shares: int


@dataclass(frozen=True)
class Inject:
    at: str  # as written: 0m, 10m
    minutes: int
    title: Text
    what_happens: Text
    post: Post | None
    press_question: Text | None
    expected_actions: tuple[Text, ...]
    facilitator_notes: Text | None


@dataclass(frozen=True)
class Objective:
    id: str
    text: Text
    measures: tuple[Text, ...]


@dataclass(frozen=True)
class Drill:
    duration: str
    briefing: Text
    participants: tuple[Role, ...]
    objectives: tuple[Objective, ...]
    injects: tuple[Inject, ...]
    discussion_questions: tuple[Text, ...]


@dataclass(frozen=True)
class Scenario:
    id: str
    file: str
    title: Text
    category: str
    summary: Text
    owner: Role
    last_reviewed: dt.date
    review_interval: str
    next_review: dt.date
    tags: tuple[str, ...]
    severity: tuple[tuple[Level, Text], ...]  # in the playbook's order
    keywords: tuple[Text, ...]
    hashtags: tuple[str, ...]
    team: tuple[Role, ...]
    steps: tuple[Step, ...]  # sorted by deadline, then phase order
    statements: tuple[Statement, ...]
    replies: tuple[Reply, ...]
    kol: Kol
    donts: tuple[Text, ...]
    review_questions: tuple[Text, ...]
    drill: Drill | None = None
    blanks: tuple[tuple[str, Text], ...] = ()  # the fill-in fields its statements and replies use

    def overdue(self, today: dt.date) -> bool:
        return today > self.next_review

    def steps_of(self, role: Role) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.owner is role)


@dataclass(frozen=True)
class Handbook:
    organisation: Mapping[str, object]
    facts: Mapping[str, str]
    languages: tuple[str, ...]
    default_language: str
    people: tuple[Person, ...]
    roles: tuple[Role, ...]
    levels: tuple[Level, ...]
    channels: tuple[Channel, ...]
    scenarios: tuple[Scenario, ...]  # sorted by category, then title

    def levels_activating(self, role: Role) -> tuple[Level, ...]:
        return tuple(level for level in self.levels if role in level.activate)


def build_handbook(playbook: dict, scenarios: dict, memo: dict | None = None) -> Handbook:
    """playbook: stem -> data, scenarios: id -> (file, data); all already validated.
    `memo` (kept by a caller that builds again and again, like the live preview) reuses the
    objects of every scenario whose data object, and playbook, are unchanged."""
    org = playbook["organisation"]
    lang = org["default_language"]
    T = lambda raw: Text.of(raw, lang)  # noqa: E731 - a local shorthand read on every line below
    people = {pid: Person(pid, p["name"], T(p["job_title"]), p["phone"], p["email"], p.get("chat"),
                          p.get("active", True), p.get("github"))
              for pid, p in playbook["roster"]["people"].items()}
    assign = playbook["roster"]["assignments"]
    roles = {rid: Role(rid, T(r["title"]), T(r["summary"]), tuple(map(T, r["duties"])),
                       tuple(map(T, r.get("authority", []))),
                       people[assign[rid]["primary"]], people[assign[rid]["backup"]])
             for rid, r in playbook["roles"]["roles"].items()}
    levels = {lid: Level(lid, T(v["name"]), T(v["summary"]),
                         MappingProxyType({k: T(c) for k, c in v["criteria"].items()}),
                         v["first_response"], tuple(roles[r] for r in v["activate"]),
                         roles[v["approves_statements"]])
              for lid, v in playbook["severity"]["levels"].items()}
    channels = {cid: Channel(cid, T(c["name"]), c.get("limit"), c.get("count", "characters"))
                for cid, c in playbook["channels"]["channels"].items()}
    facts = organisation_facts(org)
    # each language's statements are filled with that language's facts (a zh-Hant statement
    # gives the opening hours in Chinese), plain strings with the default language's
    facts_in = {None: facts} | {other: organisation_facts(org, other) for other in org.get("languages", [])}
    ctx = _Context(T, roles, levels, channels, facts_in)
    if memo is not None:
        previous = memo.get("playbook", [])
        if len(previous) != len(playbook) or any(a is not b for a, b in zip(previous, playbook.values())):
            memo.clear()
            memo["playbook"] = list(playbook.values())
            memo["base"] = (people, ctx)
        people, ctx = memo["base"]  # the same Person and Role objects the cached scenarios use
        roles, levels, channels = ctx.roles, ctx.levels, ctx.channels
    built = []
    for sid, (file, data) in scenarios.items():
        cached = memo.get(("scenario", sid)) if memo is not None else None
        if cached and cached[0] is data:
            built.append(cached[1])
            continue
        built.append(_scenario(sid, file, data, ctx))
        if memo is not None:
            memo[("scenario", sid)] = (data, built[-1])
    built.sort(key=lambda s: (s.category, str(s.title).lower(), s.id))
    return Handbook(MappingProxyType(org), MappingProxyType(facts), tuple(org.get("languages", [lang])),
                    lang, tuple(people.values()), tuple(roles.values()), tuple(levels.values()),
                    tuple(channels.values()), tuple(built))


@dataclass(frozen=True)
class _Context:
    T: object
    roles: dict
    levels: dict
    channels: dict
    facts: dict  # language -> that language's organisation facts


def _scenario(sid: str, file: str, d: dict, c: _Context) -> Scenario:
    T, roles = c.T, c.roles
    reviewed = dt.date.fromisoformat(d["last_reviewed"])
    order = {p: i for i, p in enumerate(PHASES)}
    steps = [Step(phase, T(s["do"]), roles[s["owner"]], s["by"], parse_duration(s["by"]))
             for phase in PHASES for s in d["steps"][phase]]
    steps.sort(key=lambda s: (s.minutes, order[s.phase]))  # stable: file order breaks ties
    blanks = {k: T(v) for k, v in d.get("blanks", {}).items()}
    replies = [Reply(cat, r["action"], _filled(r["reply"], c), roles.get(r.get("escalate_to")),
                     T(r["note"]) if r.get("note") else None)
               for cat in COMMENT_CATEGORIES if (r := d["comment_replies"][cat])]
    return Scenario(
        id=sid, file=file, title=T(d["title"]), category=d["category"], summary=T(d["summary"]),
        owner=roles[d["owner"]], last_reviewed=reviewed, review_interval=d["review_interval"],
        next_review=reviewed + dt.timedelta(minutes=parse_duration(d["review_interval"])),
        tags=tuple(d.get("tags", [])),
        severity=tuple((lvl, T(d["severity"][lid])) for lid, lvl in c.levels.items()),
        keywords=tuple(map(T, d["monitoring"]["keywords"])),
        hashtags=tuple(d["monitoring"].get("hashtags", [])),
        team=tuple(roles[r] for r in d["team"]), steps=tuple(steps),
        statements=tuple(_statement(s, blanks, c) for s in d["statements"]),
        replies=tuple(replies),
        kol=Kol(T(d["kol"]["when"]), T(d["kol"]["who"]), tuple(map(T, d["kol"]["brief"])),
                tuple(map(T, d["kol"].get("avoid", [])))),
        donts=tuple(map(T, d["donts"])), review_questions=tuple(map(T, d["review_questions"])),
        drill=_drill(d["drill"], c) if "drill" in d else None, blanks=tuple(blanks.items()),
    )


def _drill(d: dict, c: _Context) -> Drill:
    T = c.T
    maybe = lambda raw: T(raw) if raw is not None else None  # noqa: E731

    def post(p):
        return Post(p["platform"], p["account"], p["name"], T(p["text"]), p.get("likes", 0),
                    p.get("shares", 0)) if p else None

    injects = [Inject(i["at"], parse_duration(i["at"]), T(i["title"]), T(i["what_happens"]),
                      post(i.get("post")), maybe(i.get("press_question")),
                      tuple(map(T, i["expected_actions"])), maybe(i.get("facilitator_notes")))
               for i in d["injects"]]
    return Drill(d["duration"], T(d["briefing"]), tuple(c.roles[r] for r in d["participants"]),
                 tuple(Objective(o["id"], T(o["text"]), tuple(map(T, o["measures"]))) for o in d["objectives"]),
                 tuple(sorted(injects, key=lambda i: i.minutes)),
                 tuple(map(T, d["discussion_questions"])))


def _filled(raw, c: _Context) -> Text:
    T = c.T
    if isinstance(raw, dict):
        return T({lang: fill(s, c.facts.get(lang) or c.facts[None]) for lang, s in raw.items()})
    return T(fill(raw, c.facts[None]))


def _statement(s: dict, blanks: dict, c: _Context) -> Statement:
    used = [n for _, t in text_variants(s["text"]) for n in placeholders(t) if n in blanks]
    return Statement(s["id"], s["kind"], c.T(s["title"]), c.T(s["audience"]),
                     tuple(c.channels[ch] for ch in s["channels"]), _filled(s["text"], c),
                     tuple((n, blanks[n]) for n in dict.fromkeys(used)))
