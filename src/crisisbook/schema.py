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
MAX_ID = 80  # an id names a page and its file: far below a file system's 255 bytes a name
LANGUAGE = r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*"  # BCP 47, e.g. en, zh-Hant
WHOLE_NUMBER = r"[0-9]+"  # digits as written; a numeric field may be quoted ("280") or not
EMAIL = r"[^@\s]+@[^@\s]+"
URL = r"""https?://[^\s"'<>`\\]+"""  # no quote, bracket or backslash: the engine writes site_url into HTML as it is
# digits and what people write between them: a bidi override (+852 \u202e1000 1111 shows as
# +852 1111 0001 while its tel: link dials 1000 1111), a zero-width space or words cannot hide in it
PHONE = r"\+?\(?[0-9]([0-9 ()-]*[0-9])?"

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
    "regulator-notice": "A formal notification to a regulator, in the form and time the rules ask.",
    "partner-briefing": "For retail and franchise partners, suppliers or agencies: the facts and what they should do.",
    "customer-notice": "A direct notice to affected customers (e-mail, SMS, in-app or in-store).",
    "correction": "Puts a false or mistaken claim right, with the facts and their source.",
    "hotline-script": "What hotline and customer service staff say on the phone.",
    "video-script": "What the spokesperson says in a short video.",
}
CHANNEL_KIND_DOCS = {  # what a channel is like: decides how a drill inject posted on it looks
    "microblog": "A public feed of short posts (X, Facebook, Threads, Weibo, LIHKG).",
    "short-video": "A video platform where the post is a clip and a caption (TikTok, YouTube, Xiaohongshu).",
    "chat": "A messaging app (WhatsApp, LINE, WeChat).",
    "direct": "A notice straight to customers (in-app, in-store, hotline script).",
    "press": "For journalists: a press release or prepared answers.",
    "letter": "A formal letter or notification (a regulator, a partner).",
    "internal": "For staff only.",
    "web": "A page on the brand's own site (newsroom, status page).",
}
CONTACT_KIND_DOCS = {
    "regulator": "A government body the brand must notify or answer to.",
    "partner": "A retail or franchise partner that sells or serves for the brand.",
    "supplier": "A supplier of parts, ingredients or services.",
    "laboratory": "An independent testing laboratory.",
    "agency": "A PR, legal or other agency working for the brand.",
    "media": "A journalist or newsroom desk.",
    "union": "A staff union or association.",
    "influencer": "A key opinion leader (KOL); give relationship and last_reviewed.",
}
RELATIONSHIP_DOCS = {  # how an influencer works with the brand
    "paid": "Paid for posts under a contract.",
    "standing-partner": "A standing partnership with an agreed review process.",
    "organic": "Speaks about the brand on their own; no agreement.",
}
APPROVAL_STATE_DOCS = {
    "draft": "Not approved yet: it needs the roles in `by` before it is posted.",
    "legal-approved": "Cleared by legal; the level's approver still signs it off.",
    "approved": "Pre-approved: may be posted as it is, until it expires.",
}
VISIBILITY_DOCS = {
    "all-staff": "In the all-staff handbook (the default).",
    "team": "Only in the crisis team's edition (build --audience team).",
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
    "hide-and-report": "Hide the comment and report it to the platform; do not engage: the reply is "
                       "a note that a comment was hidden, never an answer to it.",
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
    "sms": "As a phone sends an SMS: `limit` GSM characters (160 to a message; ^{}[]~|€\\ count twice), "
           "or 7/16 of it (70) when the text has any other character (Chinese, emoji, a curly quote), "
           "which is sent in UCS-2.",
}
STATEMENT_KINDS = tuple(STATEMENT_KIND_DOCS)
CHANNEL_KINDS = tuple(CHANNEL_KIND_DOCS)
CONTACT_KINDS = tuple(CONTACT_KIND_DOCS)
RELATIONSHIPS = tuple(RELATIONSHIP_DOCS)
APPROVAL_STATES = tuple(APPROVAL_STATE_DOCS)
COMMENT_CATEGORIES = tuple(COMMENT_CATEGORY_DOCS)
REPLY_ACTIONS = tuple(REPLY_ACTION_DOCS)
assert tuple(CATEGORY_DOCS) == CATEGORIES and tuple(PHASE_DOCS) == PHASES
assert tuple(CRITERIA_DOCS) == CRITERIA


# What one scenario may hold (README, "Limits"). The largest shipped scenario uses about half of
# each; past them a scenario is no longer a page a person can act on, and printing it takes
# minutes and gigabytes (a valid 1 MB scenario once took 311 s and 2 GB).
MAX_ITEMS = 30  # items in any one list of a scenario (steps of a phase, statements, keywords, …)
MAX_CHARS = 2_000  # characters in one text field, per language
MAX_STATEMENT_CHARS = 5_000  # a statement's text: a press release or staff memo runs longer
MAX_NAME_CHARS = 200  # a one-line string: a name, an account
MAX_SCENARIO_CHARS = 40_000  # characters of text in one scenario, per language (validate.py)


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
    return doc({"type": "text", "maxchars": MAX_CHARS, **extra}, description, *examples)


def _text_list(description: str, minlength: int = 1, *examples, **extra) -> dict:
    return doc({"type": "list", "minlength": minlength, "maxlength": MAX_ITEMS,
                "schema": {"type": "text", "maxchars": MAX_CHARS}, **extra}, description, *examples)


def _id_list(description: str, id_hint: str, minlength: int = 1, *examples, **extra) -> dict:
    return doc({"type": "list", "minlength": minlength, "maxlength": MAX_ITEMS,
                "schema": {"type": "slug", "meta": hint(id_hint)}, **extra}, description, *examples)


def _visibility(what: str) -> dict:
    return _allowed(VISIBILITY_DOCS, f"Who may read {what}: team keeps it out of the all-staff "
                    f"handbook and every output built from it.")


def _id(description: str, *examples, **extra) -> dict:
    return doc({"type": "slug", **extra}, description, *examples)


def _email(description: str, *examples, **extra) -> dict:
    return doc({"type": "string", "regex": EMAIL, **extra}, description, *examples)


def _phone(description: str, example: str, **extra) -> dict:
    return doc({"type": "string", "regex": PHONE, "maxlength": MAX_NAME_CHARS,
                "meta": hint(f'quote phone numbers, written in digits, spaces and + ( ) - only: "{example}"'),
                **extra}, description, example)


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


# Each value is a {placeholder} fact, filled into every step and statement that names it: one
# line each (MAX_NAME_CHARS). Unbounded, a 900 KB account named 150 times in one step made a
# 135 MB page, and the build ran out of memory after 100 s.
ORGANISATION = {
    "brand": _text("The name customers know; statements write it as {brand}.", "Lumora Home",
                   required=True, maxchars=MAX_NAME_CHARS),
    "legal_name": _text("The registered company name, for press releases and legal notices "
                        "({legal_name}).", "Lumora Home Appliances Limited", required=True,
                        maxchars=MAX_NAME_CHARS),
    "website": _url("The public website ({website}).", "https://www.lumora.example",
                    required=True, maxlength=MAX_NAME_CHARS),
    "status_page": _url("Where service status is published during an outage ({status_page}).",
                        "https://status.lumora.example", required=True, maxlength=MAX_NAME_CHARS),
    "support_hotline": _phone("Customer support phone number ({support_hotline}); quote it so the + "
                              "and leading zeros are kept.", "+852 3001 8800", required=True),
    "support_hours": _text("When the hotline answers ({support_hours}).",
                           "Monday to Saturday, 9 am to 9 pm", maxchars=MAX_NAME_CHARS),
    "support_email": _email("Customer support e-mail address ({support_email}).",
                            "care@lumora.example", required=True, maxlength=MAX_NAME_CHARS),
    "press_email": _email("Where journalists write ({press_email}).", "press@lumora.example",
                          maxlength=MAX_NAME_CHARS),
    "privacy_email": _email("The data protection officer's address ({privacy_email}); used in "
                            "data-breach statements.", "privacy@lumora.example",
                            maxlength=MAX_NAME_CHARS),
    "social": doc({"type": "dict", "keysrules": {"type": "slug"},
                   "valuesrules": doc({"type": "string", "empty": False, "maxlength": MAX_NAME_CHARS},
                                      "The brand's account on this platform.", "@LumoraHome")},
                  "The brand's account on each platform, by platform id; statements write "
                  "{social.x}, {social.facebook} and so on.", {"x": "@LumoraHome"}),
    "languages": doc({"type": "list", "minlength": 1, "schema": {"type": "string", "regex": LANGUAGE}},
                     "The languages the handbook is written in (BCP 47 tags); one site edition "
                     "is built for each.", ("en", "zh-Hant")),
    "default_language": doc({"type": "string", "required": True, "regex": LANGUAGE},
                            "The language of plain (untranslated) text, built at the site's root.",
                            "en"),
    "site_url": _url("Where the handbook is published; makes the sitemap, canonical links and "
                     "the QR codes on printed pages real.", "https://handbook.lumora.example/",
                     maxlength=MAX_NAME_CHARS),
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
    "name": doc({"type": "string", "required": True, "empty": False, "maxlength": MAX_NAME_CHARS},
                "Full name.", "Mei Chan"),
    "job_title": _text("Job title in the organisation (not the crisis role).",
                       "Head of Corporate Communications", required=True),
    "phone": _phone("Mobile number for urgent calls, with country code; quote it.", "+852 9123 4567",
                    required=True),
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
    "kind": _allowed(CHANNEL_KIND_DOCS, "What the channel is like; decides how a drill inject "
                     "posted on it looks.", required=True),
}
CHANNELS = {"channels": _mapping_of(CHANNEL, "Where statements are posted, by channel id; "
                                    "statements name these ids.", "One channel.",
                                    "channel ids are slugs such as x", required=True)}

CONTACT = {  # an outside party the team calls, notifies or writes to
    "name": _text("The person or desk to ask for.", "Duty officer", required=True),
    "organisation": _text("The organisation they work for.", "Centre for Food Safety", required=True),
    "kind": _allowed(CONTACT_KIND_DOCS, "What kind of outside party this is.", required=True),
    "markets": doc({"type": "list", "minlength": 1, "maxlength": MAX_ITEMS,
                    "schema": {"type": "string", "empty": False, "maxlength": MAX_NAME_CHARS}},
                   "The markets they cover.", ("HK", "MO")),
    "phone": _phone("Phone number, with country code; quote it.", "+852 2879 2222", empty=False),
    "email": _email("E-mail address.", "duty@cfs.example"),
    "url": _url("Web page or online form.", "https://www.cfs.example/report"),
    "notes": _text("When to use them and what they expect."),
    "relationship": _allowed(RELATIONSHIP_DOCS, "For influencers (required): how they work with "
                             "the brand."),
    "last_reviewed": doc({"type": "isodate"}, "For influencers (required): when the relationship "
                         "was last checked, YYYY-MM-DD.", "2026-10-01"),
    "visibility": _visibility("this contact (a private number, a paid deal)"),
}
CONTACTS = {"contacts": _mapping_of(CONTACT, "Outside parties by contact id: regulators, partners, "
                                    "suppliers, laboratories, agencies, media, unions, influencers; "
                                    "steps name them in with:, statements in to:.", "One contact.",
                                    "contact ids are slugs such as food-safety-centre", required=True)}

TAG_LABEL_CHARS = 40  # a tag is a chip on the page and a heading on the tags page: a word or two
TAGS = {"tags": doc({"type": "dict", "required": True, "minlength": 1,
                     "keysrules": {"type": "slug", "meta": hint("tags are the slugs scenarios "
                                                                "list under tags:, such as recall")},
                     "valuesrules": _text("The tag as each edition shows it.", "recall")},
                    "The words each edition shows for the scenarios' tags, by tag: "
                    "{en: recall, zh-Hant: 產品回收}. A tag not listed here is shown as it is written.")}

STEP = {
    "do": _text("One action, in the imperative.", "Post the holding statement on X and Facebook.",
                required=True),
    "owner": _id("The role that does it (role id, in the scenario's team).", "crisis-lead",
                 required=True),
    "by": doc({"type": "duration", "required": True},
              "Deadline after detection: minutes, hours, days or weeks; never 0m, and no earlier "
              "than the step above it in the phase (a warning).", "15m", "1h", "3d"),
    "every": doc({"type": "duration", "meta": hint("daily is 1d, every four hours 4h")},
                 "Repeat the step this often after its deadline, until the recover phase starts.",
                 "4h"),
    "with": _id_list("Contacts the owner calls or notifies (contact ids from playbook/contacts.yaml "
                     "or this file's contacts).", "contact ids from playbook/contacts.yaml or this "
                     "file's contacts", 1, ("food-safety-centre",)),
    "posts": _id("The statement this step publishes (a statement id of this file); the step's "
                 "channels are the statement's.", "holding"),
    "visibility": _visibility("this step"),
}
APPROVAL = {  # where a pre-drafted statement stands, shown at a glance on its page
    "state": _allowed(APPROVAL_STATE_DOCS, "Where the statement stands.", required=True),
    "by": _id_list("The roles that approved it (for a draft: whose approval it needs).",
                   "role ids", 1, ("legal",)),
    "on": doc({"type": "isodate"}, "When it was approved, YYYY-MM-DD.", "2026-11-01"),
    "expires": doc({"type": "isodate"}, "After this date it must be approved again; validate "
                   "warns once it has passed.", "2027-05-01"),
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
                  required=True, maxchars=MAX_STATEMENT_CHARS),
    "to": _id_list("Whom a letter or notice is addressed to (contact ids from "
                   "playbook/contacts.yaml or this file's contacts).", "contact ids from "
                   "playbook/contacts.yaml or this file's contacts", 1, ("food-safety-centre",)),
    "approval": doc({"type": "dict", "schema": APPROVAL},
                    "Whether the statement is pre-approved, by whom and until when."),
    "visibility": _visibility("this statement"),
}
REPLY = {
    "action": _allowed(REPLY_ACTION_DOCS, "What the moderator does with such a comment.",
                       required=True),
    "reply": _text("The reply to post (or the first message, for private-message).",
                   required=True),
    "escalate_to": _id("The role that takes escalated comments; required when action is "
                       "escalate.", "spokesperson"),
    "note": _text("Guidance for the moderator; never posted."),
    "visibility": _visibility("this reply rule"),
}
POST = {
    "platform": _id("Where the mock post appears: a channel id from playbook/channels.yaml; the "
                    "channel's kind decides how the card looks.", "x", required=True),
    "account": doc({"type": "string", "required": True, "empty": False, "maxlength": MAX_NAME_CHARS},
                   "The posting account's handle; fictional.", "@kettle_fan_hk"),
    "name": doc({"type": "string", "required": True, "empty": False, "maxlength": MAX_NAME_CHARS},
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
    "time_scale": _count("Scenario minutes one exercise minute plays (4: a 2-hour drill plays the "
                         "first 8 hours); the facilitator's schedule places every repeat of a "
                         "repeating step on this clock.", 1, 4),
    "briefing": _text("The situation at the start, read out to the participants.", required=True),
    "participants": _id_list("The roles that take part (role ids).", "role ids", required=True),
    "objectives": doc({"type": "list", "required": True, "minlength": 1, "maxlength": MAX_ITEMS,
                       "schema": {"type": "dict", "schema": OBJECTIVE}},
                      "What the exercise tests, each with its measures."),
    "injects": doc({"type": "list", "required": True, "minlength": 1, "maxlength": MAX_ITEMS,
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
    "tags": doc({"type": "list", "maxlength": MAX_ITEMS, "schema": {"type": "slug"}},
                "Keywords for search and the tags page (slugs).", ("recall", "product-safety")),
    "visibility": _visibility("the whole scenario"),
    "languages": doc({"type": "list", "minlength": 1, "maxlength": MAX_ITEMS,
                      "schema": {"type": "string", "regex": LANGUAGE}},
                     "The languages this scenario is written in, when fewer than the handbook's: "
                     "no missing-translation warnings, and the other editions link to it.", ("en",)),
    "severity": doc({"type": "dict", "required": True, "maxlength": MAX_ITEMS, "keysrules": {"type": "slug"},
                     "valuesrules": _text("What this level looks like in this scenario.")},
                    "How each level of playbook/severity.yaml looks in this scenario, by level id."),
    "monitoring": doc({"type": "dict", "required": True, "schema": {
        "keywords": _text_list("Search terms for social listening.", 1,
                               ("Lumora air fryer fire",), required=True),
        "hashtags": doc({"type": "list", "maxlength": MAX_ITEMS,
                         "schema": {"type": "string", "regex": r"#\S+", "maxlength": MAX_NAME_CHARS}},
                        "Hashtags to watch; quote them, since # starts a YAML comment.",
                        ("#LumoraRecall",)),
    }}, "What the monitoring analyst watches for this scenario."),
    "team": _id_list("The roles involved (role ids from playbook/roles.yaml); every step owner "
                     "must be one of them.", "role ids from playbook/roles.yaml", 1,
                     ("crisis-lead", "spokesperson"), required=True),
    "blanks": doc({"type": "dict", "maxlength": MAX_ITEMS,
                   "keysrules": {"type": "string", "regex": r"[a-z][a-z0-9_]*",
                                 "meta": hint("blank names are lower_snake_case")},
                   "valuesrules": _text("What the reader fills in, as the fill-in panel asks for it.",
                                        "Product name and model")},
                  "Fill-in fields the statements use as {name}: each name with what the reader "
                  "fills in before posting.", {"product": "Product name and model number"}),
    "steps": doc({"type": "dict", "required": True, "schema": {
        phase: doc({"type": "list", "required": True, "minlength": 1, "maxlength": MAX_ITEMS,
                    "schema": {"type": "dict", "schema": STEP}}, text)
        for phase, text in PHASE_DOCS.items()}},
        "The response plan, phase by phase; every deadline counts from detection."),
    # a party of this case only (the supplier whose system leaked) is declared here, beside the
    # steps that call it; parties every scenario shares stay in playbook/contacts.yaml
    "contacts": _mapping_of(CONTACT, "Outside parties of this scenario only (the supplier or "
                            "partner of this case), by contact id, with the fields of "
                            "playbook/contacts.yaml; its steps name them in with:, its statements "
                            "in to:, beside the playbook's contacts.", "One contact.",
                            "contact ids are slugs such as payroll-vendor", maxlength=MAX_ITEMS),
    "statements": doc({"type": "list", "required": True, "minlength": 1, "maxlength": MAX_ITEMS,
                       "schema": {"type": "dict", "schema": STATEMENT}},
                      "Statements ready to post, each for its channels."),
    # at least one kind: every crisis on social media draws comments, but not every kind of them
    # (a supplier's data leak draws no praise); the page shows only the kinds given
    "comment_replies": doc({"type": "dict", "required": True, "minlength": 1, "schema": {
        category: doc({"type": "dict", "schema": REPLY}, text)
        for category, text in COMMENT_CATEGORY_DOCS.items()}},
        "How moderators answer each kind of comment: at least one kind, only those this crisis "
        "draws."),
    # optional: a crisis without an influencer angle (a supplier's data leak) leaves it out, and
    # its page has no KOL section
    "kol": doc({"type": "dict", "schema": {
        "when": _text("When to bring in key opinion leaders (influencers), if at all.",
                      required=True),
        "who": _text("What kind of KOL fits this crisis.", required=True),
        "brief": _text_list("What to tell them.", required=True),
        "avoid": _text_list("What to avoid asking or giving them.", 0)}},
        "Working with key opinion leaders (KOLs) in this crisis; leave it out when they have no "
        "part in it."),
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
    "contacts.yaml": CONTACTS,
    "tags.yaml": TAGS,
}
# a project without outside contacts, or in one language, may leave these out
OPTIONAL_PLAYBOOK = ("contacts.yaml", "tags.yaml")
