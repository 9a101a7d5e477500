"""The Cerberus schemas of every file crisisbook reads, declared once, with their documentation.

Types beyond Cerberus' own ("text", "slug", "duration", "isodate") are implemented in
validate.Validator. Cerberus ignores `meta`, which carries each field's documentation:
- `description`: what the field is for, shown by editors on hover and completion (through the
  JSON Schema that schema_export.py writes) and in the README's data reference;
- `examples`: typical values, offered by editors;
- `values`: what each allowed value means, for fields with a fixed list of values;
- `hint`: appended to `validate`'s message when a value breaks the field's type or form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SLUG = r"[a-z0-9]+(-[a-z0-9]+)*"
LANGUAGE = r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*"  # BCP 47, e.g. en, zh-Hant
WHOLE_NUMBER = r"[0-9]+"  # digits as written; a numeric field may be quoted ("280") or not
EMAIL = r"[^@\s]+@[^@\s]+"
URL = r"https?://\S+"

PHASES = ("detect", "assess", "respond", "recover", "review")
CATEGORIES = (
    "product-failure", "employee-misconduct", "outage", "viral-backlash", "data-breach",
    "offensive-post", "misinformation", "customer-complaint", "external-event",
)
CRITERIA = ("negative_mentions", "spread", "media", "harm", "business")

# What each allowed value means: shown by editors next to the value and in the data reference.
PHASE_DOCS = {
    "detect": "Spot the problem and raise the alarm: monitoring, first alert, first facts.",
    "assess": "Judge the severity and gather the facts before anyone speaks publicly.",
    "respond": "Speak and act: statements, replies, pausing scheduled posts, remedies.",
    "recover": "Repair the damage: follow-ups, remedies delivered, scheduled posts resumed.",
    "review": "Learn from it: the after-action review and the changes it leads to.",
}
CATEGORY_DOCS = {
    "product-failure": "A defect, recall, harmful ingredient or failed launch.",
    "employee-misconduct": "An offensive post, leaked internal e-mail or video involving staff.",
    "outage": "The website, app or service is down or broken.",
    "viral-backlash": "A post, video or decision goes viral against the brand.",
    "data-breach": "Customer or staff data leaked, a hack, or another privacy incident.",
    "offensive-post": "The brand's own post is tone-deaf, offensive or infringes copyright.",
    "misinformation": "False claims, a smear campaign or a hijacked account.",
    "customer-complaint": "One unhappy customer's complaint gains reach.",
    "external-event": "A disaster, tragedy or political event the brand must respond to with care.",
}
STATEMENT_KIND_DOCS = {
    "holding": "The first public word: what is known, what is being done, when the next update comes.",
    "apology": "Owns the problem: a specific apology, what happened, the remedy, how a repeat is prevented.",
    "update": "New facts or progress since the last statement.",
    "resolution": "The problem is fixed: what was done and what customers should do now.",
    "internal-memo": "For staff: what happened and what they may and may not say.",
    "press-answer": "A prepared answer the spokesperson gives to journalists.",
}
COMMENT_CATEGORY_DOCS = {
    "inquiry": "A question about the incident.",
    "complaint": "A customer affected by the incident, angry or asking for a remedy.",
    "misinformation": "A false claim about the incident.",
    "abuse": "Insults, threats, hate speech or spam.",
    "praise": "Support or thanks.",
    "press": "A journalist asking for comment in public.",
}
REPLY_ACTION_DOCS = {
    "reply": "Answer in public with the reply text.",
    "private-message": "Post the reply in public and continue in a private message.",
    "hide-and-report": "Hide the comment and report it to the platform; do not engage.",
    "escalate": "Hand the comment to the role in escalate_to before anything is posted.",
}
CRITERIA_DOCS = {
    "negative_mentions": "How many negative mentions, and how fast they grow.",
    "spread": "How far it has spread: shares, reach, other platforms.",
    "media": "Whether journalists or news sites have picked it up.",
    "harm": "Harm to people's safety, money or data.",
    "business": "Impact on sales, partners, investors or regulators.",
}
COUNT_DOCS = {
    "characters": "Every character counts once.",
    "x-weighted": "X's rule: Chinese, Japanese and Korean characters and emoji count twice, a link counts 23.",
}
PLATFORM_DOCS = {
    "x": "X (formerly Twitter)", "facebook": "Facebook", "instagram": "Instagram",
    "threads": "Threads", "lihkg": "LIHKG, the Hong Kong discussion forum", "news-site": "A news website",
}
STATEMENT_KINDS = tuple(STATEMENT_KIND_DOCS)
COMMENT_CATEGORIES = tuple(COMMENT_CATEGORY_DOCS)
REPLY_ACTIONS = tuple(REPLY_ACTION_DOCS)
assert tuple(CATEGORY_DOCS) == CATEGORIES and tuple(PHASE_DOCS) == PHASES
assert tuple(CRITERIA_DOCS) == CRITERIA


@dataclass(frozen=True, eq=False)
class Meta:
    """A field's documentation. Not a dict: Cerberus hashes every rule of a schema it checks,
    and an object is hashed at once where nested descriptions would be walked each time."""

    description: str = ""
    examples: tuple = ()
    values: dict = field(default_factory=dict)  # allowed value -> what it means
    hint: str = ""

    def get(self, name: str, default=None):
        return getattr(self, name, default) or default


def doc(rules: dict, description: str, *examples, **meta) -> dict:
    """`rules` with its documentation in `meta` (which Cerberus ignores)."""
    old = rules.get("meta") or Meta()
    merged = {"description": description, "examples": examples or old.examples,
              "values": meta.pop("values", old.values), "hint": meta.pop("hint", old.hint)}
    return rules | {"meta": Meta(**merged)}


def hint(text: str) -> Meta:
    return Meta(hint=text)


def _allowed(values: dict, description: str, **extra) -> dict:
    return doc({"type": "string", "allowed": tuple(values), **extra}, description, values=values)


def _text(description: str, *examples, **extra) -> dict:
    """Human-readable text: a string, or a mapping of language -> string for translations."""
    return doc({"type": "text", **extra}, description, *examples)


def _text_list(description: str, minlength: int = 1, *examples, **extra) -> dict:
    return doc({"type": "list", "minlength": minlength, "schema": {"type": "text"}, **extra},
               description, *examples)


def _id_list(description: str, id_hint: str, minlength: int = 1, *examples, **extra) -> dict:
    return doc({"type": "list", "minlength": minlength,
                "schema": {"type": "slug", "meta": hint(id_hint)}, **extra}, description, *examples)


def _id(description: str, *examples, **extra) -> dict:
    return doc({"type": "slug", **extra}, description, *examples)


def _email(description: str, *examples, **extra) -> dict:
    return doc({"type": "string", "regex": EMAIL, **extra}, description, *examples)


def _url(description: str, *examples, **extra) -> dict:
    return doc({"type": "string", "regex": URL, **extra}, description, *examples)


def _mapping_of(value_schema: dict, description: str, item: str, key_hint: str,
                minlength: int = 1, **extra) -> dict:
    """A mapping keyed by slug ids: ids are unique by construction (duplicate keys are refused)."""
    return doc({"type": "dict", "minlength": minlength,
                "keysrules": {"type": "slug", "meta": hint(key_hint)},
                "valuesrules": doc({"type": "dict", "schema": value_schema}, item), **extra},
               description)


def _whole_number(value):
    """YAML numbers arrive as their text (see load.py): digits become an int; anything else is
    left for the type rule to report. Quoted digits ("280") count too: the loader cannot tell
    them apart, and the exported JSON Schema accepts both spellings."""
    return int(value) if isinstance(value, str) and re.fullmatch(WHOLE_NUMBER, value) else value


def _count(description: str, least: int, *examples) -> dict:
    return doc({"type": "integer", "min": least, "coerce": _whole_number}, description, *examples)


ORGANISATION = {
    "brand": _text("The name customers know; statements write it as {brand}.", "Lumora Home",
                   required=True),
    "legal_name": _text("The registered company name, for press releases and legal notices "
                        "({legal_name}).", "Lumora Home Appliances Limited", required=True),
    "website": _url("The public website ({website}).", "https://www.lumora.example",
                    required=True),
    "status_page": _url("Where service status is published during an outage ({status_page}).",
                        "https://status.lumora.example", required=True),
    "support_hotline": doc({"type": "string", "required": True,
                            "meta": hint('quote phone numbers: "+852 3001 8800"')},
                           "Customer support phone number ({support_hotline}); quote it so the + "
                           "and leading zeros are kept.", "+852 3001 8800"),
    "support_hours": _text("When the hotline answers ({support_hours}).",
                           "Monday to Saturday, 9 am to 9 pm"),
    "support_email": _email("Customer support e-mail address ({support_email}).",
                            "care@lumora.example", required=True),
    "press_email": _email("Where journalists write ({press_email}).", "press@lumora.example"),
    "privacy_email": _email("The data protection officer's address ({privacy_email}); used in "
                            "data-breach statements.", "privacy@lumora.example"),
    "social": doc({"type": "dict", "keysrules": {"type": "slug"},
                   "valuesrules": {"type": "string", "empty": False}},
                  "The brand's account on each platform, by platform id; statements write "
                  "{social.x}, {social.facebook} and so on.", {"x": "@LumoraHome"}),
    "languages": doc({"type": "list", "minlength": 1, "schema": {"type": "string", "regex": LANGUAGE}},
                     "The languages the handbook is written in (BCP 47 tags); one site edition "
                     "is built for each.", ("en", "zh-Hant")),
    "default_language": doc({"type": "string", "required": True, "regex": LANGUAGE},
                            "The language of plain (untranslated) text, built at the site's root.",
                            "en"),
    "site_url": _url("Where the handbook is published; makes the sitemap, canonical links and "
                     "the QR codes on printed pages real.", "https://handbook.lumora.example/"),
}

ROLE = {
    "title": _text("The role's name as the team says it.", "Crisis lead", required=True),
    "summary": _text("One line: why the role exists.", required=True),
    "duties": _text_list("What the role does in every crisis, one duty per item.",
                         required=True),
    "authority": _text_list("What the role may decide without asking anyone.", 0),
}
ROLES = {"roles": _mapping_of(ROLE, "The crisis team's roles, by role id; scenarios, severity "
                              "levels and the roster refer to these ids.", "One role.",
                              "role ids are slugs such as crisis-lead", required=True)}

PERSON = {
    "name": doc({"type": "string", "required": True, "empty": False}, "Full name.", "Mei Chan"),
    "job_title": _text("Job title in the organisation (not the crisis role).",
                       "Head of Corporate Communications", required=True),
    "phone": doc({"type": "string", "required": True,
                  "meta": hint('quote phone numbers: "+852 9123 4567"')},
                 "Mobile number for urgent calls, with country code; quote it.",
                 "+852 9123 4567"),
    "email": _email("Work e-mail address.", "mei.chan@lumora.example", required=True),
    "chat": doc({"type": "string"}, "Handle in the staff chat, for the fastest contact.",
                "@mei"),
    "github": doc({"type": "string", "regex": r"[A-Za-z0-9](-?[A-Za-z0-9])*",
                   "meta": hint("the GitHub user name, without @")},
                  "GitHub user name, without @; `crisisbook codeowners` makes the person a "
                  "reviewer of the scenarios their roles own.", "meichan"),
    "active": doc({"type": "boolean", "default": True,
                   "meta": hint("write true or false (yes and no are read as text)")},
                  "false while the person is away or has left: the roster then shows the backup.",
                  True, False),
}
ASSIGNMENT = {
    "primary": _id("The person (id from people) who takes the role.", "mei-chan", required=True),
    "backup": _id("The person who takes over when the primary cannot be reached; never the "
                  "same as primary.", "kelvin-lau", required=True),
}
ROSTER = {
    "people": _mapping_of(PERSON, "Everyone on the crisis team, by person id.", "One person.",
                          "person ids are slugs such as mei-chan", required=True),
    "assignments": doc({"type": "dict", "required": True, "keysrules": {"type": "slug"},
                        "valuesrules": doc({"type": "dict", "schema": ASSIGNMENT},
                                           "Who holds the role, and who stands in.")},
                       "For every role id in roles.yaml: a primary and a backup person."),
}

LEVEL = {
    "name": _text("Short name of the level.", "Critical", required=True),
    "summary": _text("One line: what a crisis at this level looks like.", required=True),
    "criteria": doc({"type": "dict", "required": True,
                     "schema": {c: _text(d, required=True) for c, d in CRITERIA_DOCS.items()}},
                    "The five inputs of a severity judgement, as they look at this level."),
    "first_response": doc({"type": "duration", "required": True},
                          "Deadline for the first public word, counted from detection.", "1h"),
    "activate": _id_list("The roles called in at this level (role ids).", "role ids",
                         required=True),
    "approves_statements": _id("The role that signs off statements at this level.",
                               "executive", required=True),
}
SEVERITY = {"levels": _mapping_of(LEVEL, "The severity levels, most severe first, by level id.",
                                  "One severity level.", "level ids are slugs such as sev1",
                                  required=True)}

CHANNEL = {
    "name": _text("The channel's name as shown on statement cards.", "X", required=True),
    "limit": _count("Characters per post; leave it out when there is no practical limit.", 1,
                    280, 2200),
    "count": _allowed(COUNT_DOCS, "How the limit counts characters.", default="characters"),
}
CHANNELS = {"channels": _mapping_of(CHANNEL, "Where statements are posted, by channel id; "
                                    "statements name these ids.", "One channel.",
                                    "channel ids are slugs such as x", required=True)}

STEP = {
    "do": _text("One action, in the imperative.", "Post the holding statement on X and Facebook.",
                required=True),
    "owner": _id("The role that does it (role id, in the scenario's team).", "crisis-lead",
                 required=True),
    "by": doc({"type": "duration", "required": True},
              "Deadline after detection: minutes, hours, days or weeks.", "15m", "1h", "3d"),
}
STATEMENT = {
    "id": _id("Unique within the scenario; used in links and file names.", "holding",
              required=True),
    "kind": _allowed(STATEMENT_KIND_DOCS, "What the statement is for.", required=True),
    "title": _text("Heading of the statement card.", "Holding statement", required=True),
    "audience": _text("Who the statement is written for.", "Customers and the public",
                      required=True),
    "channels": _id_list("Where it is posted (channel ids from playbook/channels.yaml); the text "
                         "must fit each channel's limit.", "channel ids from playbook/channels.yaml",
                         1, ("x", "facebook"), required=True),
    "text": _text("The statement, ready to post. {brand} and other organisation facts are "
                  "filled in; {blank} names declared under blanks stay as fill-in fields.",
                  required=True),
}
REPLY = {
    "action": _allowed(REPLY_ACTION_DOCS, "What the moderator does with such a comment.",
                       required=True),
    "reply": _text("The reply to post (or the first message, for private-message).",
                   required=True),
    "escalate_to": _id("The role that takes escalated comments; required when action is "
                       "escalate.", "spokesperson"),
    "note": _text("Guidance for the moderator; never posted."),
}
POST = {
    "platform": _allowed(PLATFORM_DOCS, "Where the mock post appears.", required=True),
    "account": doc({"type": "string", "required": True, "empty": False},
                   "The posting account's handle; fictional.", "@kettle_fan_hk"),
    "name": doc({"type": "string", "required": True, "empty": False},
                "The account's display name; fictional.", "Kettle Fan"),
    "text": _text("What the post says.", required=True),
    "likes": _count("Likes shown on the card.", 0, 120),
    "shares": _count("Shares shown on the card.", 0, 45),
}
INJECT = {
    "at": doc({"type": "duration", "required": True},
              "When the facilitator plays it, counted from the start of the exercise.", "0m", "10m"),
    "title": _text("Short name of the inject.", "A customer video goes viral", required=True),
    "what_happens": _text("What the facilitator announces.", required=True),
    "post": doc({"type": "dict", "schema": POST}, "A mock social post printed on the inject card."),
    "press_question": _text("A journalist's question for the spokesperson to answer."),
    "expected_actions": _text_list("What the team should do in response; the evaluator ticks "
                                   "them.", required=True),
    "facilitator_notes": _text("Private notes, left out of the participants' handout."),
}
OBJECTIVE = {
    "id": _id("Unique within the drill.", "holding-in-time", required=True),
    "text": _text("What the exercise tests.", "Publish a holding statement within the hour.",
                  required=True),
    "measures": _text_list("What the evaluator ticks to judge it.", required=True),
}
DRILL = {
    "duration": doc({"type": "duration", "required": True}, "How long the exercise runs.", "90m"),
    "briefing": _text("The situation at the start, read out to the participants.", required=True),
    "participants": _id_list("The roles that take part (role ids).", "role ids", required=True),
    "objectives": doc({"type": "list", "required": True, "minlength": 1,
                       "schema": {"type": "dict", "schema": OBJECTIVE}},
                      "What the exercise tests, each with its measures."),
    "injects": doc({"type": "list", "required": True, "minlength": 1,
                    "schema": {"type": "dict", "schema": INJECT}},
                   "Developments the facilitator plays in, in time order."),
    "discussion_questions": _text_list("Questions for the debrief after the exercise.",
                                       required=True),
}

SCENARIO = {
    "title": _text("The scenario's name, as it appears in the navigation.",
                   "Product overheating and recall", required=True),
    "category": _allowed(CATEGORY_DOCS, "The kind of crisis; groups scenarios in the navigation.",
                         required=True),
    "summary": _text("Two or three sentences: what happens and why it matters.", required=True),
    "owner": _id("The role that keeps this scenario current (role id); its holders review the "
                 "file's changes.", "crisis-lead", required=True),
    "last_reviewed": doc({"type": "isodate", "required": True},
                         "When the scenario was last checked, written YYYY-MM-DD.", "2026-09-15"),
    "review_interval": doc({"type": "duration", "required": True},
                           "How often it must be reviewed; once overdue, validate warns and the "
                           "page shows a banner.", "90d", "180d"),
    "tags": doc({"type": "list", "schema": {"type": "slug"}},
                "Keywords for search and the tags page (slugs).", ("recall", "product-safety")),
    "severity": doc({"type": "dict", "required": True, "keysrules": {"type": "slug"},
                     "valuesrules": {"type": "text"}},
                    "How each level of playbook/severity.yaml looks in this scenario, by level id."),
    "monitoring": doc({"type": "dict", "required": True, "schema": {
        "keywords": _text_list("Search terms for social listening.", 1,
                               ("Lumora air fryer fire",), required=True),
        "hashtags": doc({"type": "list", "schema": {"type": "string", "regex": r"#\S+"}},
                        "Hashtags to watch; quote them, since # starts a YAML comment.",
                        ("#LumoraRecall",)),
    }}, "What the monitoring analyst watches for this scenario."),
    "team": _id_list("The roles involved (role ids from playbook/roles.yaml); every step owner "
                     "must be one of them.", "role ids from playbook/roles.yaml", 1,
                     ("crisis-lead", "spokesperson"), required=True),
    "blanks": doc({"type": "dict", "keysrules": {"type": "string", "regex": r"[a-z][a-z0-9_]*",
                                                 "meta": hint("blank names are lower_snake_case")},
                   "valuesrules": {"type": "text"}},
                  "Fill-in fields the statements use as {name}: each name with what the reader "
                  "fills in before posting.", {"product": "Product name and model number"}),
    "steps": doc({"type": "dict", "required": True, "schema": {
        phase: doc({"type": "list", "required": True, "minlength": 1,
                    "schema": {"type": "dict", "schema": STEP}}, text)
        for phase, text in PHASE_DOCS.items()}},
        "The response plan, phase by phase; every deadline counts from detection."),
    "statements": doc({"type": "list", "required": True, "minlength": 1,
                       "schema": {"type": "dict", "schema": STATEMENT}},
                      "Statements ready to post, each for its channels."),
    "comment_replies": doc({"type": "dict", "required": True, "schema": {
        category: doc({"type": "dict", "required": True, "schema": REPLY}, text)
        for category, text in COMMENT_CATEGORY_DOCS.items()}},
        "How moderators answer each kind of comment."),
    "kol": doc({"type": "dict", "required": True, "schema": {
        "when": _text("When to bring in key opinion leaders (influencers), if at all.",
                      required=True),
        "who": _text("What kind of KOL fits this crisis.", required=True),
        "brief": _text_list("What to tell them.", required=True),
        "avoid": _text_list("What to avoid asking or giving them.", 0)}},
        "Working with key opinion leaders (KOLs) in this crisis."),
    "donts": _text_list("What nobody does or says in this crisis.", required=True),
    "review_questions": _text_list("Questions for the after-action review.", required=True),
    "drill": doc({"type": "dict", "schema": DRILL},
                 "A tabletop exercise of the scenario, printed by `crisisbook drill`."),
}

PLAYBOOK = {  # file name in playbook/ -> schema
    "organisation.yaml": ORGANISATION,
    "roles.yaml": ROLES,
    "roster.yaml": ROSTER,
    "severity.yaml": SEVERITY,
    "channels.yaml": CHANNELS,
}
