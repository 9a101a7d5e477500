"""Stage 3: the validated data as frozen objects that templates read.

Only validated documents reach this module, so it converts without checking. Text fields stay
`Text` (language -> string) until a template asks for one language, which is what lets a
translation be added to any field later without touching the others.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from ._twitter import parse_tweet, valid_cctld, valid_gtld

from .schema import COMMENT_CATEGORIES, PHASES

ALL_STAFF, TEAM = "all-staff", "team"  # the two audiences a handbook is built for
DURATION = re.compile(r"(0|[1-9][0-9]{0,3})(m|h|d|w)")  # 9999w: no date arithmetic overflows
MINUTES = {"m": 1, "h": 60, "d": 24 * 60, "w": 7 * 24 * 60}
# `{name}` or `{social.x}`; `{{ … }}` is left alone so text that looks like a template stays text
# (the brace comes first, and the look back after it: a pattern that starts with a character is
# found by a fast search for it, one that starts with a look back is tried at every position,
# ten times slower over a scenario; "no { before this {" is the same test either way)
PLACEHOLDER = re.compile(r"\{(?<!\{\{)([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*)\}(?!\})")


def parse_duration(text) -> int | None:
    """'15m' -> 15, '3d' -> 4320 (minutes); None when it does not parse."""
    m = DURATION.fullmatch(text) if isinstance(text, str) else None
    return int(m.group(1)) * MINUTES[m.group(2)] if m else None


# X (Twitter) counts these code points once and every other (CJK, emoji…) twice (twitter-text v3):
# U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F, U+2032–U+2037.
_X_DOUBLE = re.compile("[^\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]")


# twitter-text's own parser counts each link 23 whatever its length, knows which names are
# domains (lumorahome.example is not, lh.hk/r1 is) and counts an emoji sequence (♻️, 👍🏽) as
# one emoji. It takes ~2 ms a text, so it runs only where X might see a link (a name ending in
# a top-level domain X knows, from twitter-text's own list) or an emoji (the code points emoji
# are made of, © ® ™ included); for other text, Chinese and punctuation such as "…" too, the
# weights are one regular expression and give the same count (tests: any text, every shipped one).
_NAME = re.compile(r"[\w-]+(?:\.[\w-]+)+")
_EMOJI = re.compile("[\u00a9\u00ae\u200d\u203c\u2049\u20e3\u2122\u2139\u2194-\u21aa\u231a-\u23ff\u24c2"
                    "\u25aa-\u25fe\u2600-\u27bf\u2934\u2935\u2b05-\u2b55\u3030\u303d\u3297\u3299\ufe0e\ufe0f"
                    "\U0001f000-\U0001faff\U000e0020-\U000e007f]")


def _x_parses(text: str) -> bool:
    """Whether only twitter-text itself counts `text` right: a link or an emoji may be in it."""
    if _EMOJI.search(text):
        return True
    # any label after a dot, not only the last: X links "0.AL" in "0.AL.0" and counts the ".0" on
    return "." in text and any(valid_gtld.fullmatch(tld) or valid_cctld.fullmatch(tld)
                               for m in _NAME.finditer(text) for tld in m.group().lower().split(".")[1:])


# The GSM 03.38 alphabet a phone sends an SMS in, 7 bits a character: 160 to a message. A text
# with any other character (Chinese, emoji, a curly quote) goes in UCS-2, 16 bits a character
# (an emoji two), and only 70 fit: the same 140 bytes. The extension's characters take two.
GSM_BASIC = frozenset("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
                      "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")


def outside_gsm(text: str) -> str | None:
    """The first character of `text` that the GSM alphabet lacks (so the SMS goes in UCS-2)."""
    return next((ch for ch in text if ch not in GSM_BASIC and ch not in GSM_EXTENSION), None)


def sms_limit(limit: int, text: str) -> int:
    """A channel's SMS limit, given in GSM characters, for this text: 7/16 of it in UCS-2 (160: 70)."""
    return limit * 7 // 16 if outside_gsm(text) else limit


def post_length(text: str, count: str = "characters") -> int:
    if count == "sms":
        if outside_gsm(text):
            return len(text.encode("utf-16-le")) // 2
        return len(text) + sum(ch in GSM_EXTENSION for ch in text)
    if count != "x-weighted":
        return len(text)
    if _x_parses(text):
        return parse_tweet(text).weightedLength
    if not text.isascii():  # X counts the text in its composed form (NFC), as twitter-text does:
        text = unicodedata.normalize("NFC", text)  # U+0958 is two code points then, é typed as e+◌́ one
    return len(text) + len(_X_DOUBLE.findall(text))


def placeholders(text: str) -> list[str]:
    return PLACEHOLDER.findall(text) if "{" in text else []  # most text has none: skip the search


def fill(text: str, facts: Mapping[str, str]) -> str:
    """Replace known {facts}; any other {name} (a blank) stays for the reader to fill in."""
    if "{" not in text:  # most text has none: no substitution to set up (each statement, each check)
        return text
    return PLACEHOLDER.sub(lambda m: facts.get(m.group(1), m.group(0)), text)


UNTRANSLATED = "TODO ({lang}): "  # how `crisisbook new` marks a translation still to write


@dataclass(frozen=True)
class Text:
    """A text field in one or more languages; `get` falls back to the default language."""

    values: Mapping[str, str]
    default: str

    @classmethod
    def of(cls, raw, default: str) -> "Text":
        if not isinstance(raw, dict):
            return cls(MappingProxyType({default: raw}), default)
        for text in raw.values():  # (a loop, not any(): this runs for every text of every page)
            if text.startswith("TODO ("):  # (validated: every translation is a string)
                # a translation `crisisbook new` left to write is none: the page shows the default
                # language's text, marked as untranslated, not the skeleton's hint in its place
                raw = {lang: text for lang, text in raw.items()
                       if lang == default or not text.startswith(UNTRANSLATED.format(lang=lang))}
                break
        return cls(MappingProxyType(raw), default)

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
            # (.get: without the default language it is an error validate reports, not a crash)
            facts[key] = value.get(lang) or value.get(org["default_language"]) or ""
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
    kind: str = "web"  # microblog, short-video, chat, …: how a drill inject on it looks

    def length(self, text: str) -> int:
        return post_length(text, self.count)

    def limit_for(self, text: str) -> int | None:
        """The limit `text` is held to: an SMS's depends on the alphabet it is sent in."""
        return sms_limit(self.limit, text) if self.limit and self.count == "sms" else self.limit


@dataclass(frozen=True, eq=False)  # one object per contact: compared, and hashed, by identity
class Contact:
    id: str
    name: Text
    organisation: Text
    kind: str
    markets: tuple[str, ...]
    phone: str | None
    email: str | None
    url: str | None
    notes: Text | None
    relationship: str | None  # influencers: paid, standing-partner, organic
    last_reviewed: dt.date | None
    team_only: bool = False
    scenario: str | None = None  # the scenario that declares it (its own contacts); None: the playbook's

    @property
    def anchor(self) -> str:
        """Its id on the Contacts page: a scenario's own contact is `<scenario>--<id>` there, since
        two scenarios may each call their supplier `supplier` (an id never holds "--")."""
        return self.id if self.scenario is None else f"{self.scenario}--{self.id}"


@dataclass(frozen=True)
class Approval:
    state: str  # draft, legal-approved, approved
    by: tuple[Role, ...]  # who approved it; for a draft, whose approval it needs
    on: dt.date | None
    expires: dt.date | None

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and today > self.expires


@dataclass(frozen=True)
class Statement:
    id: str
    kind: str
    title: Text
    audience: Text
    channels: tuple[Channel, ...]
    text: Text  # organisation facts already filled in; blanks remain as {name}
    blanks: tuple[tuple[str, Text], ...]  # the blanks this statement uses, in order
    to: tuple[Contact, ...] = ()  # whom a letter or notice is addressed to
    approval: Approval | None = None
    team_only: bool = False  # only ever true in the crisis team's edition


@dataclass(frozen=True)
class Step:
    phase: str
    do: Text
    owner: Role
    by: str  # as written: 15m, 1h, 3d
    minutes: int  # for sorting the timeline
    every: str | None = None  # as written: 4h; repeats until the recover phase starts
    repeats: tuple[int, ...] = ()  # minutes after detection of each repeat (not the first time)
    contacts: tuple[Contact, ...] = ()  # whom the owner contacts or notifies
    posts: Statement | None = None  # the statement this step publishes (its channels are the step's)
    team_only: bool = False

    @property
    def channels(self) -> tuple[Channel, ...]:
        return self.posts.channels if self.posts else ()


@dataclass(frozen=True)
class Reply:
    category: str
    action: str
    reply: Text
    escalate_to: Role | None
    note: Text | None
    blanks: tuple[tuple[str, Text], ...] = ()  # the blanks the reply uses, in order
    team_only: bool = False


@dataclass(frozen=True)
class Kol:
    when: Text
    who: Text
    brief: tuple[Text, ...]
    avoid: tuple[Text, ...]


@dataclass(frozen=True)
class Post:
    platform: Channel  # any declared channel; its kind decides how the card looks
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
class Cue:
    """One time a repeating step falls due during a drill, on the exercise clock."""

    at: int  # exercise minutes
    scenario_minutes: int  # the scenario time it plays
    step: Step


@dataclass(frozen=True)
class Drill:
    duration: str
    briefing: Text
    participants: tuple[Role, ...]
    objectives: tuple[Objective, ...]
    injects: tuple[Inject, ...]
    discussion_questions: tuple[Text, ...]
    time_scale: int = 1  # scenario minutes per exercise minute
    cues: tuple[Cue, ...] = ()  # the repeats of repeating steps within the drill, in time order


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
    tags: tuple[Text, ...]  # as each edition shows them (playbook/tags.yaml), else the slug
    severity: tuple[tuple[Level, Text], ...]  # in the playbook's order
    keywords: tuple[Text, ...]
    hashtags: tuple[str, ...]
    team: tuple[Role, ...]
    steps: tuple[Step, ...]  # sorted by deadline, then phase order
    statements: tuple[Statement, ...]
    replies: tuple[Reply, ...]
    kol: Kol | None  # None: no KOL part in this crisis, and no KOL section on its page
    donts: tuple[Text, ...]
    review_questions: tuple[Text, ...]
    drill: Drill | None = None
    languages: tuple[str, ...] | None = None  # written only in these; None: every language
    team_only: bool = False
    contacts: tuple[Contact, ...] = ()  # everyone its steps and statements name, first mention first
    own_contacts: tuple[Contact, ...] = ()  # the contacts it declares itself, in file order

    def written_in(self, lang: str) -> bool:
        return self.languages is None or lang in self.languages
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
    contacts: tuple[Contact, ...] = ()  # playbook/contacts.yaml, in file order
    audience: str = ALL_STAFF  # whose edition this is: all-staff or team

    def edition(self, lang: str) -> "Handbook":
        """The handbook as the `lang` edition shows it: only the scenarios written in `lang`
        have pages there (the others are listed, linking to an edition that has them)."""
        if all(sc.written_in(lang) for sc in self.scenarios):
            return self
        return dataclasses.replace(self, scenarios=tuple(sc for sc in self.scenarios if sc.written_in(lang)))

    @property
    def all_contacts(self) -> tuple[Contact, ...]:
        """The Contacts page's: the playbook's, then each scenario's own, scenario by scenario."""
        return self.contacts + tuple(x for sc in self.scenarios for x in sc.own_contacts)

    def contact_users(self, contact: Contact) -> tuple[Scenario, ...]:
        return tuple(sc for sc in self.scenarios if contact in sc.contacts)

    def levels_activating(self, role: Role) -> tuple[Level, ...]:
        return tuple(level for level in self.levels if role in level.activate)


def build_handbook(playbook: dict, scenarios: dict, memo: dict | None = None,
                   audience: str = ALL_STAFF) -> Handbook:
    """playbook: stem -> data, scenarios: id -> (file, data); all already validated.
    `audience` decides the edition: the default all-staff handbook leaves out every team-only
    scenario, step, statement, reply and contact here, before any object exists, so no page,
    navigation, search index, PDF, drill pack or bundle built from the model can contain them.
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
    channels = {cid: Channel(cid, T(c["name"]), c.get("limit"), c.get("count", "characters"),
                             c.get("kind", "web"))
                for cid, c in playbook["channels"]["channels"].items()}
    contacts = {cid: _contact(cid, c, T)
                for cid, c in (playbook.get("contacts") or {}).get("contacts", {}).items()
                if visible(c, audience)}
    facts = organisation_facts(org)
    # each language's statements are filled with that language's facts (a zh-Hant statement
    # gives the opening hours in Chinese), plain strings with the default language's
    facts_in = {None: facts} | {other: organisation_facts(org, other) for other in org.get("languages", [])}
    tags = {tag: T(label) for tag, label in (playbook.get("tags") or {}).get("tags", {}).items()}
    ctx = _Context(T, roles, levels, channels, facts_in, contacts, audience, lang, tags,
                   tuple(org.get("languages", [lang])))
    if memo is not None:
        previous = memo.get("playbook", [])
        if len(previous) != len(playbook) or any(a is not b for a, b in zip(previous, playbook.values())) \
                or memo.get("audience") != audience:
            memo.clear()
            memo["playbook"] = list(playbook.values())
            memo["audience"] = audience
            memo["base"] = (people, ctx)
        people, ctx = memo["base"]  # the same Person and Role objects the cached scenarios use
        roles, levels, channels, contacts = ctx.roles, ctx.levels, ctx.channels, ctx.contacts
    built = []
    for sid, (file, data) in scenarios.items():
        if not visible(data, audience):
            continue
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
                    tuple(channels.values()), tuple(built), tuple(contacts.values()), audience)


def visible(item: dict, audience: str) -> bool:
    """Whether a scenario, step, statement, reply or contact belongs in `audience`'s edition."""
    return audience == TEAM or item.get("visibility") != TEAM


def _contact(cid: str, c: dict, T, scenario: str | None = None) -> Contact:
    reviewed = c.get("last_reviewed")
    return Contact(cid, T(c["name"]), T(c["organisation"]), c["kind"], tuple(c.get("markets", [])),
                   c.get("phone"), c.get("email"), c.get("url"), T(c["notes"]) if c.get("notes") else None,
                   c.get("relationship"), dt.date.fromisoformat(reviewed) if reviewed else None,
                   c.get("visibility") == TEAM, scenario)


@dataclass(frozen=True)
class _Context:
    T: object
    roles: dict
    levels: dict
    channels: dict
    facts: dict  # language -> that language's organisation facts
    contacts: dict
    audience: str
    lang: str  # the handbook's default language
    tags: dict  # tag -> its label, for the tags playbook/tags.yaml names
    languages: tuple  # the handbook's

    def tag(self, slug: str) -> Text:
        """A tag as each edition shows it: its label, else the slug itself in every language
        (the same word on every page, not marked as untranslated: validate warns instead)."""
        return self.tags.get(slug) or Text(MappingProxyType(dict.fromkeys(self.languages, slug)), self.lang)


def repeats(by: int, every: int | None, until: int, most: int = 100) -> tuple[int, ...]:
    """When a step repeats (minutes after detection): every `every` after its first deadline,
    while before `until` (the start of the recover phase); at most `most` of them."""
    if not every:
        return ()
    return tuple(range(by + every, until, every))[:most]


def base_language(languages, default: str) -> str:
    """The language a scenario's untranslated text is in: the handbook's default, unless the
    scenario is written only in other languages."""
    return default if not languages or default in languages else languages[0]


def _scenario(sid: str, file: str, d: dict, c: _Context) -> Scenario:
    if d.get("languages"):
        base = base_language(d["languages"], c.lang)
        c = dataclasses.replace(c, T=lambda raw: Text.of(raw, base))
    T, roles, aud = c.T, c.roles, c.audience
    own = {cid: _contact(cid, x, T, sid) for cid, x in d.get("contacts", {}).items() if visible(x, aud)}
    if own:  # its steps and statements name its own contacts beside the playbook's
        c = dataclasses.replace(c, contacts={**c.contacts, **own})
    reviewed = dt.date.fromisoformat(d["last_reviewed"])
    order = {p: i for i, p in enumerate(PHASES)}
    # repeats stop when recovery starts, as the full scenario has it (the same in both editions)
    until = min(parse_duration(s["by"]) for s in d["steps"]["recover"])
    blanks = {k: T(v) for k, v in d.get("blanks", {}).items()}
    statements = {s["id"]: _statement(s, blanks, c) for s in d["statements"] if visible(s, aud)}
    steps = [_step(phase, s, c, statements, until) for phase in PHASES for s in d["steps"][phase]
             if visible(s, aud)]
    steps.sort(key=lambda s: (s.minutes, order[s.phase]))  # stable: file order breaks ties
    replies = [Reply(cat, r["action"], _filled(r["reply"], c), roles.get(r.get("escalate_to")),
                     T(r["note"]) if r.get("note") else None, _blanks_in(r["reply"], blanks),
                     r.get("visibility") == TEAM)
               for cat in COMMENT_CATEGORIES if (r := d["comment_replies"].get(cat)) and visible(r, aud)]
    named = [x for st in steps for x in st.contacts] + [x for st in statements.values() for x in st.to]
    return Scenario(
        id=sid, file=file, title=T(d["title"]), category=d["category"], summary=T(d["summary"]),
        owner=roles[d["owner"]], last_reviewed=reviewed, review_interval=d["review_interval"],
        next_review=reviewed + dt.timedelta(minutes=parse_duration(d["review_interval"])),
        tags=tuple(map(c.tag, d.get("tags", []))),
        severity=tuple((lvl, T(d["severity"][lid])) for lid, lvl in c.levels.items()),
        keywords=tuple(map(T, d["monitoring"]["keywords"])),
        hashtags=tuple(d["monitoring"].get("hashtags", [])),
        team=tuple(roles[r] for r in d["team"]), steps=tuple(steps),
        statements=tuple(statements.values()),
        replies=tuple(replies),
        kol=_kol(d["kol"], T) if "kol" in d else None,
        donts=tuple(map(T, d["donts"])), review_questions=tuple(map(T, d["review_questions"])),
        drill=_drill(d["drill"], c, steps) if "drill" in d else None,
        languages=tuple(d["languages"]) if "languages" in d else None,
        team_only=d.get("visibility") == TEAM,
        contacts=tuple(dict.fromkeys(named)), own_contacts=tuple(own.values()), blanks=tuple(blanks.items()),
    )


def _kol(k: dict, T) -> Kol:
    return Kol(T(k["when"]), T(k["who"]), tuple(map(T, k["brief"])), tuple(map(T, k.get("avoid", []))))


def _step(phase: str, s: dict, c: _Context, statements: dict, until: int) -> Step:
    minutes, every = parse_duration(s["by"]), parse_duration(s.get("every"))
    return Step(phase, _filled(s["do"], c), c.roles[s["owner"]], s["by"], minutes, s.get("every"),
                repeats(minutes, every, until), _named(s.get("with", []), c),
                statements.get(s.get("posts")), s.get("visibility") == TEAM)


def _named(ids, c: _Context) -> tuple[Contact, ...]:
    """The contacts named, those of this edition only (a team-only contact is not in the
    all-staff one, and validate makes sure only team-only items name one)."""
    return tuple(c.contacts[i] for i in ids if i in c.contacts)


def _drill(d: dict, c: _Context, steps: list[Step]) -> Drill:
    T = c.T
    maybe = lambda raw: T(raw) if raw is not None else None  # noqa: E731

    def post(p):
        return Post(c.channels[p["platform"]], p["account"], p["name"], T(p["text"]), p.get("likes", 0),
                    p.get("shares", 0)) if p else None

    scale, length = d.get("time_scale", 1), parse_duration(d["duration"])
    injects = [Inject(i["at"], parse_duration(i["at"]), T(i["title"]), T(i["what_happens"]),
                      post(i.get("post")), maybe(i.get("press_question")),
                      tuple(map(T, i["expected_actions"])), maybe(i.get("facilitator_notes")))
               for i in d["injects"]]
    return Drill(d["duration"], T(d["briefing"]), tuple(c.roles[r] for r in d["participants"]),
                 tuple(Objective(o["id"], T(o["text"]), tuple(map(T, o["measures"]))) for o in d["objectives"]),
                 tuple(sorted(injects, key=lambda i: i.minutes)),
                 tuple(map(T, d["discussion_questions"])), scale, _cues(steps, scale, length))


def _cues(steps: list[Step], scale: int, length: int) -> tuple[Cue, ...]:
    """Every repeat of a repeating step that falls within the drill, on the exercise clock."""
    cues = [Cue(at // scale, at, step) for step in steps for at in step.repeats if at // scale < length]
    return tuple(sorted(cues, key=lambda q: q.at))


def _filled(raw, c: _Context) -> Text:
    T = c.T
    if isinstance(raw, dict):
        return T({lang: fill(s, c.facts.get(lang) or c.facts[None]) for lang, s in raw.items()})
    return T(fill(raw, c.facts[None]))


def _blanks_in(raw, blanks: dict) -> tuple[tuple[str, Text], ...]:
    used = [n for _, t in text_variants(raw) for n in placeholders(t) if n in blanks]
    return tuple((n, blanks[n]) for n in dict.fromkeys(used))


def _statement(s: dict, blanks: dict, c: _Context) -> Statement:
    a = s.get("approval")
    date = lambda key: dt.date.fromisoformat(a[key]) if a.get(key) else None  # noqa: E731
    approval = Approval(a["state"], tuple(c.roles[r] for r in a.get("by", [])), date("on"),
                        date("expires")) if a else None
    return Statement(s["id"], s["kind"], _filled(s["title"], c), _filled(s["audience"], c),
                     tuple(c.channels[ch] for ch in s["channels"]), _filled(s["text"], c),
                     _blanks_in(s["text"], blanks), _named(s.get("to", []), c), approval,
                     s.get("visibility") == TEAM)
