"""The Cerberus schemas of every file crisisbook reads, declared once.

Types beyond Cerberus' own ("text", "slug", "duration", "isodate", "placeholder-text") are
implemented in validate.Validator. `meta.hint` is appended to the message when a value breaks
the rule, so each field carries its own advice for the person editing the file.
"""

from __future__ import annotations

SLUG = r"[a-z0-9]+(-[a-z0-9]+)*"
LANGUAGE = r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*"  # BCP 47, e.g. en, zh-Hant

PHASES = ("detect", "assess", "respond", "recover", "review")
STATEMENT_KINDS = ("holding", "apology", "update", "resolution", "internal-memo", "press-answer",
                   "regulator-notice", "partner-briefing", "customer-notice", "correction",
                   "hotline-script", "video-script")
# what a channel is like: decides how a drill inject posted on it looks
CHANNEL_KINDS = ("microblog", "short-video", "chat", "direct", "press", "letter", "internal", "web")
CONTACT_KINDS = ("regulator", "partner", "supplier", "laboratory", "agency", "media", "union",
                 "influencer")
RELATIONSHIPS = ("paid", "standing-partner", "organic")  # how an influencer works with the brand
APPROVAL_STATES = ("draft", "legal-approved", "approved")
# who may read it: everyone on staff (the default), or the crisis team's edition only
VISIBILITY = {"type": "string", "allowed": ("all-staff", "team"),
              "meta": {"hint": "team: only in the crisis team's edition (build --audience team)"}}
COMMENT_CATEGORIES = ("inquiry", "complaint", "misinformation", "abuse", "praise", "press")
REPLY_ACTIONS = ("reply", "private-message", "hide-and-report", "escalate")
CATEGORIES = (
    "product-failure", "employee-misconduct", "outage", "viral-backlash", "data-breach",
    "offensive-post", "misinformation", "customer-complaint", "external-event",
)
CRITERIA = ("negative_mentions", "spread", "media", "harm", "business")


def _text(**extra) -> dict:
    """Human-readable text: a string now, or later a mapping of language -> string."""
    return {"type": "text", **extra}


def _text_list(minlength: int = 1) -> dict:
    return {"type": "list", "minlength": minlength, "schema": _text()}


def _id_list(hint: str, minlength: int = 1) -> dict:
    return {"type": "list", "minlength": minlength,
            "schema": {"type": "slug", "meta": {"hint": hint}}}


def _mapping_of(value_schema: dict, key_hint: str, minlength: int = 1) -> dict:
    """A mapping keyed by slug ids: ids are unique by construction (duplicate keys are refused)."""
    return {"type": "dict", "minlength": minlength,
            "keysrules": {"type": "slug", "meta": {"hint": key_hint}},
            "valuesrules": {"type": "dict", "schema": value_schema}}


ORGANISATION = {
    "brand": _text(required=True),  # {brand}: the name customers know
    "legal_name": _text(required=True),  # {legal_name}: for press releases and legal notices
    "website": {"type": "string", "required": True, "regex": r"https?://\S+"},
    "status_page": {"type": "string", "required": True, "regex": r"https?://\S+"},
    "support_hotline": {"type": "string", "required": True,
                        "meta": {"hint": 'quote phone numbers: "+852 3001 8800"'}},
    "support_hours": _text(),
    "support_email": {"type": "string", "required": True, "regex": r"[^@\s]+@[^@\s]+"},
    "press_email": {"type": "string", "regex": r"[^@\s]+@[^@\s]+"},
    "privacy_email": {"type": "string", "regex": r"[^@\s]+@[^@\s]+"},
    "social": {"type": "dict", "keysrules": {"type": "slug"},  # {social.x}, {social.facebook}, …
               "valuesrules": {"type": "string", "empty": False}},
    "languages": {"type": "list", "minlength": 1,  # the languages the handbook is written in
                  "schema": {"type": "string", "regex": LANGUAGE}},
    "default_language": {"type": "string", "required": True, "regex": LANGUAGE},
    "site_url": {"type": "string", "regex": r"https?://\S+"},  # where the handbook is published
}

ROLE = {
    "title": _text(required=True),
    "summary": _text(required=True),  # one line: why the role exists
    "duties": _text_list() | {"required": True},  # what the role does in every crisis
    "authority": _text_list(0),  # what the role may decide without asking
}
ROLES = {"roles": _mapping_of(ROLE, "role ids are slugs such as crisis-lead") | {"required": True}}

PERSON = {
    "name": {"type": "string", "required": True, "empty": False},
    "job_title": _text(required=True),
    "phone": {"type": "string", "required": True,
              "meta": {"hint": 'quote phone numbers: "+852 9123 4567"'}},
    "email": {"type": "string", "required": True, "regex": r"[^@\s]+@[^@\s]+"},
    "chat": {"type": "string"},  # handle in the staff chat, for the fastest contact
    "github": {"type": "string", "regex": r"[A-Za-z0-9](-?[A-Za-z0-9])*",  # for CODEOWNERS
               "meta": {"hint": "the GitHub user name, without @"}},
    "active": {"type": "boolean", "default": True,
               "meta": {"hint": "write true or false (yes and no are read as text)"}},
}
ASSIGNMENT = {
    "primary": {"type": "slug", "required": True},  # person id
    "backup": {"type": "slug", "required": True},  # person id, never the same as primary
}
ROSTER = {
    "people": _mapping_of(PERSON, "person ids are slugs such as mei-chan") | {"required": True},
    "assignments": {"type": "dict", "required": True, "keysrules": {"type": "slug"},
                    "valuesrules": {"type": "dict", "schema": ASSIGNMENT}},
}

LEVEL = {
    "name": _text(required=True),
    "summary": _text(required=True),
    "criteria": {"type": "dict", "required": True,  # the five inputs of a severity judgement
                 "schema": {c: _text(required=True) for c in CRITERIA}},
    "first_response": {"type": "duration", "required": True},  # first public word, after detection
    "activate": _id_list("role ids") | {"required": True},  # roles called in at this level
    "approves_statements": {"type": "slug", "required": True},  # role id
}
SEVERITY = {"levels": _mapping_of(LEVEL, "level ids are slugs such as sev1") | {"required": True}}

def _whole_number(value):
    """YAML numbers arrive as their text (see load.py); turn digits into an int, leave the rest
    for the type rule to report."""
    return int(value) if isinstance(value, str) and value.isdigit() else value


CHANNEL = {
    "name": _text(required=True),
    "limit": {"type": "integer", "min": 1,  # characters per post; none means no practical limit
              "coerce": _whole_number},
    # how the limit counts: every character once, or X's rule (CJK and emoji count twice)
    "count": {"type": "string", "allowed": ("characters", "x-weighted"), "default": "characters"},
    "kind": {"type": "string", "required": True, "allowed": CHANNEL_KINDS},  # how an inject looks
}
CHANNELS = {"channels": _mapping_of(CHANNEL, "channel ids are slugs such as x") | {"required": True}}

CONTACT = {  # an outside party the team calls, notifies or writes to
    "name": _text(required=True),  # the person or desk, e.g. "Duty officer"
    "organisation": _text(required=True),
    "kind": {"type": "string", "required": True, "allowed": CONTACT_KINDS},
    "markets": {"type": "list", "minlength": 1,  # the markets they cover, e.g. [HK, MO]
                "schema": {"type": "string", "empty": False}},
    "phone": {"type": "string", "empty": False,
              "meta": {"hint": 'quote phone numbers: "+852 2879 2222"'}},
    "email": {"type": "string", "regex": r"[^@\s]+@[^@\s]+"},
    "url": {"type": "string", "regex": r"https?://\S+"},
    "notes": _text(),  # when to use them, what they expect
    "relationship": {"type": "string", "allowed": RELATIONSHIPS},  # influencers: required
    "last_reviewed": {"type": "isodate"},  # influencers: required; when the relationship was checked
    "visibility": VISIBILITY,  # team: a private number or a paid deal stays out of the staff edition
}
CONTACTS = {"contacts": _mapping_of(CONTACT, "contact ids are slugs such as food-safety-centre")
            | {"required": True}}

STEP = {
    "do": _text(required=True),  # one action, in the imperative
    "owner": {"type": "slug", "required": True},  # role id
    "by": {"type": "duration", "required": True},  # deadline after detection: 15m, 1h, 3d
    "every": {"type": "duration",  # repeat every 4h after `by`, until the recover phase starts
              "meta": {"hint": "a duration such as 30m or 4h"}},
    "with": _id_list("contact ids from playbook/contacts.yaml"),  # whom the owner contacts
    "posts": {"type": "slug"},  # id of the statement this step publishes: its channels are the step's
    "visibility": VISIBILITY,
}
APPROVAL = {  # where a pre-drafted statement stands, shown at a glance on its page
    "state": {"type": "string", "required": True, "allowed": APPROVAL_STATES},
    "by": _id_list("role ids"),  # who approved it (or, for a draft, whose approval it needs)
    "on": {"type": "isodate"},  # when it was approved
    "expires": {"type": "isodate"},  # after this date it must be approved again (validate warns)
}
STATEMENT = {
    "id": {"type": "slug", "required": True},
    "kind": {"type": "string", "required": True, "allowed": STATEMENT_KINDS},
    "title": _text(required=True),
    "audience": _text(required=True),
    "channels": _id_list("channel ids from playbook/channels.yaml") | {"required": True},
    "text": _text(required=True),  # may use {organisation facts} and the scenario's {blanks}
    "to": _id_list("contact ids from playbook/contacts.yaml"),  # whom a letter or notice is addressed to
    "approval": {"type": "dict", "schema": APPROVAL},
    "visibility": VISIBILITY,
}
REPLY = {
    "action": {"type": "string", "required": True, "allowed": REPLY_ACTIONS},
    "reply": _text(required=True),
    "escalate_to": {"type": "slug"},  # role id; required when action is escalate
    "note": _text(),  # guidance for the moderator, not posted
    "visibility": VISIBILITY,
}
POST = {  # a mock social post shown on an inject card
    "platform": {"type": "slug", "required": True},  # channel id: its kind decides the card's look
    "account": {"type": "string", "required": True, "empty": False},  # "@handle", fictional
    "name": {"type": "string", "required": True, "empty": False},  # display name
    "text": _text(required=True),
    "likes": {"type": "integer", "min": 0, "coerce": _whole_number},
    "shares": {"type": "integer", "min": 0, "coerce": _whole_number},
}
INJECT = {
    "at": {"type": "duration", "required": True},  # minutes into the exercise: 0m, 10m, …
    "title": _text(required=True),
    "what_happens": _text(required=True),  # what the facilitator announces
    "post": {"type": "dict", "schema": POST},
    "press_question": _text(),  # a journalist's question for the spokesperson
    "expected_actions": _text_list() | {"required": True},
    "facilitator_notes": _text(),  # private: left out of the participants' handout
}
DRILL = {  # a tabletop exercise of the scenario, printed by `crisisbook drill`
    "duration": {"type": "duration", "required": True},
    # scenario minutes one exercise minute plays (4: a 2-hour drill plays the first 8 hours);
    # the facilitator's schedule places every repeat of a repeating step on this clock
    "time_scale": {"type": "integer", "min": 1, "coerce": _whole_number},
    "briefing": _text(required=True),  # the situation at T+0, read out at the start
    "participants": _id_list("role ids") | {"required": True},
    "objectives": {"type": "list", "required": True, "minlength": 1, "schema": {"type": "dict", "schema": {
        "id": {"type": "slug", "required": True},
        "text": _text(required=True),
        "measures": _text_list() | {"required": True},  # what the evaluator ticks
    }}},
    "injects": {"type": "list", "required": True, "minlength": 1,
                "schema": {"type": "dict", "schema": INJECT}},
    "discussion_questions": _text_list() | {"required": True},
}

SCENARIO = {
    "title": _text(required=True),
    "category": {"type": "string", "required": True, "allowed": CATEGORIES},
    "summary": _text(required=True),
    "owner": {"type": "slug", "required": True},  # role that keeps this scenario current
    "last_reviewed": {"type": "isodate", "required": True},
    "review_interval": {"type": "duration", "required": True},  # e.g. 180d
    "tags": {"type": "list", "schema": {"type": "slug"}},
    "visibility": VISIBILITY,  # team: the whole scenario is left out of the all-staff handbook
    "languages": {"type": "list", "minlength": 1,  # written only in these (default: the handbook's)
                  "schema": {"type": "string", "regex": LANGUAGE}},
    "severity": {"type": "dict", "required": True,  # how each level looks in this scenario
                 "keysrules": {"type": "slug"}, "valuesrules": _text()},
    "monitoring": {"type": "dict", "required": True, "schema": {
        "keywords": {"type": "list", "required": True, "minlength": 1, "schema": _text()},
        "hashtags": {"type": "list", "schema": {"type": "string", "regex": r"#\S+"}},
    }},
    "team": _id_list("role ids from playbook/roles.yaml") | {"required": True},
    "blanks": {"type": "dict", "keysrules": {"type": "string", "regex": r"[a-z][a-z0-9_]*",
                                            "meta": {"hint": "blank names are lower_snake_case"}},
               "valuesrules": _text()},  # name -> what the reader must fill in
    "steps": {"type": "dict", "required": True, "schema": {
        phase: {"type": "list", "required": True, "minlength": 1,
                "schema": {"type": "dict", "schema": STEP}} for phase in PHASES}},
    "statements": {"type": "list", "required": True, "minlength": 1,
                   "schema": {"type": "dict", "schema": STATEMENT}},
    "comment_replies": {"type": "dict", "required": True, "schema": {
        category: {"type": "dict", "required": True, "schema": REPLY}
        for category in COMMENT_CATEGORIES}},
    "kol": {"type": "dict", "required": True, "schema": {
        "when": _text(required=True), "who": _text(required=True),
        "brief": _text_list() | {"required": True}, "avoid": _text_list(0)}},
    "donts": _text_list() | {"required": True},
    "review_questions": _text_list() | {"required": True},
    "drill": {"type": "dict", "schema": DRILL},  # optional tabletop exercise
}

PLAYBOOK = {  # file name in playbook/ -> schema
    "organisation.yaml": ORGANISATION,
    "roles.yaml": ROLES,
    "roster.yaml": ROSTER,
    "severity.yaml": SEVERITY,
    "channels.yaml": CHANNELS,
    "contacts.yaml": CONTACTS,
}
OPTIONAL_PLAYBOOK = ("contacts.yaml",)  # a project without outside contacts may leave it out
