"""Stage 2: each mistake a PR lead can make comes back as one exact line."""

from __future__ import annotations

import subprocess

import pytest

from conftest import SMALL, TODAY, edit
from crisisbook.checker import check_project


def check(root, only=None, on=TODAY):
    project = check_project(root, on, only)
    return project, project.problems

SITE = "scenarios/site-down.yaml"
KETTLE = "scenarios/kettle-leak.yaml"
BOARD = "scenarios/board-leak.yaml"  # team-only
ROSTER = "playbook/roster.yaml"
CONTACTS = "playbook/contacts.yaml"

CASES = [
    # one typo, one line: no "summary: required field is missing" beside it
    ("unknown field", SITE, "summary: The online", "summmary: The online", [
        "scenarios/site-down.yaml:3:1: summmary: unknown field (did you mean 'summary'?)"]),
    # a text given per language: the slip is named on the translation's own line
    ("empty translation", KETTLE, "  zh-Hant: 某型號水煲會漏出熱水。", "  zh-Hant: ''\n  fr: x\n  x: 某", [
        "scenarios/kettle-leak.yaml:5:12: summary.zh-Hant: is empty: write it (a translation not written yet "
        "is left out)"]),
    ("translation not text", KETTLE, "title: {en: Kettle leaks when full, zh-Hant: 水煲注滿時漏水}",
     "title: {en: Kettle leaks when full, zh-Hant: [水煲注滿時漏水]}", [
         "scenarios/kettle-leak.yaml:1:46: title.zh-Hant: must be text, found a list"]),
    ("language key", KETTLE, "title: {en: Kettle leaks when full, zh-Hant: 水煲注滿時漏水}",
     "title: {en: Kettle leaks when full, zh_Hant: 水煲注滿時漏水}", [
         "scenarios/kettle-leak.yaml:1:8: title: 'zh_Hant' is not a language: a text's keys are languages "
         "such as en or zh-Hant"]),
    # a value written the way people say it: the form the field takes, as the hint
    ("duration in words", SITE, "review_interval: 180d", "review_interval: 6 months", [
        "scenarios/site-down.yaml:6:18: review_interval: must be a duration such as 15m, 2h, 3d or 2w, "
        "found '6 months' (did you mean '180d'?)"]),
    ("fractional duration", SITE, "owner: crisis-lead, by: 30m}", "owner: crisis-lead, by: 1.5h}", [
        "scenarios/site-down.yaml:17:57: steps.assess[0].by: must be a duration such as 15m, 2h, 3d or 2w, "
        "found '1.5h' (did you mean '90m'?)"]),
    ("slashed date", SITE, "last_reviewed: 2026-11-01", "last_reviewed: 2026/11/1", [
        "scenarios/site-down.yaml:5:16: last_reviewed: must be a date written YYYY-MM-DD, found '2026/11/1' "
        "(did you mean '2026-11-01'?)"]),
    ("role title for an id", SITE, "{do: Confirm the outage., owner: crisis-lead", "{do: Confirm the outage., owner: Crisis Lead", [
        "scenarios/site-down.yaml:15:40: steps.detect[0].owner: must be an id (lowercase letters, digits and "
        "hyphens, e.g. crisis-lead), found 'Crisis Lead' (did you mean 'crisis-lead'?)"]),
    # a step's text takes the organisation's facts, as statements do; not the reader's blanks
    ("unknown placeholder in a step", SITE, "{do: Post an update., owner: spokesperson",
     '{do: "Post an update on {social.facebook}.", owner: spokesperson', [
         "scenarios/site-down.yaml:19:12: steps.respond[0].do: unknown placeholder '{social.facebook}' (did you "
         "mean 'social.x'?); write it out or add it to playbook/organisation.yaml"]),
    ("zero-width space in an id", SITE, "{do: Confirm the outage., owner: crisis-lead",
     '{do: Confirm the outage., owner: "crisis\u200b-lead"', [
         "scenarios/site-down.yaml:15:40: steps.detect[0].owner: must be an id (lowercase letters, digits and "
         "hyphens, e.g. crisis-lead), found 'crisis\\u200b-lead' (did you mean 'crisis-lead'?)"]),
    ("wrong type", SITE, "review_interval: 180d", "review_interval: 180", [
        "scenarios/site-down.yaml:6:18: review_interval: must be a duration such as 15m, 2h, 3d or 2w, "
        "found '180'"]),
    # the hint says how to write what a PR lead means, not the same rule a second time
    ("repeat written in words", KETTLE, "      every: 30m\n", "      every: daily\n", [
        "scenarios/kettle-leak.yaml:39:14: steps.respond[2].every: must be a duration such as 15m, 2h, 3d or "
        "2w, found 'daily'; daily is 1d, every four hours 4h"]),
    ("duration too large for a date", SITE, "review_interval: 180d", "review_interval: 99999999999d", [
        "scenarios/site-down.yaml:6:18: review_interval: must be a duration such as 15m, 2h, 3d or 2w, "
        "found '99999999999d'"]),
    ("text without the default language", "playbook/channels.yaml", "x: {name: {en: X, zh-Hant: X}",
     "x: {name: {zh-Hant: X}", [
        "playbook/channels.yaml:2:13: channels.x.name: no en text: write it first; en is the default language, "
        "shown wherever a translation is missing"]),
    ("a contact that is not a mapping", CONTACTS, "  leak-lab:\n    name: {en: Urgent desk, zh-Hant: 急件部}\n"
     "    organisation: {en: Leak Test Lab, zh-Hant: 滲漏測試實驗室}\n    kind: laboratory\n"
     "    phone: \"+852 2000 2000\"\n    visibility: team\n", "  leak-lab: x\n  leak-lab-notes:\n", [
        "playbook/contacts.yaml:18:13: contacts.leak-lab: must be a mapping of fields, found 'x'",
        "playbook/contacts.yaml:20:5: contacts.leak-lab-notes.kind: required field is missing",
        "playbook/contacts.yaml:20:5: contacts.leak-lab-notes.name: required field is missing",
        "playbook/contacts.yaml:20:5: contacts.leak-lab-notes.organisation: required field is missing"]),
    ("empty value", SITE, "title: Shop is down\n", "title:\n", [
        "scenarios/site-down.yaml:1:7: title: is empty; give it a value"]),
    ("unknown category", SITE, "category: outage", "category: outtage", [
        "scenarios/site-down.yaml:2:11: category: 'outtage' is not allowed (did you mean 'outage'?)"]),
    ("unknown scenario owner", SITE, "owner: spokesperson\nlast", "owner: spokesman\nlast", [
        "scenarios/site-down.yaml:4:8: owner: unknown role 'spokesman' (did you mean 'spokesperson'?); "
        "see playbook/roles.yaml"]),
    ("unknown channel", SITE, "channels: [x]", "channels: [x, twitter]", [
        "scenarios/site-down.yaml:29:19: statements[0].channels[1]: unknown channel 'twitter' "
        "(expected one of: x, facebook, internal-memo, tiktok, whatsapp, regulator-letter, news-site); "
        "see playbook/channels.yaml"]),
    ("unknown placeholder", SITE, "Updates at {status_page}.", "Updates at {status_pag}.", [
        "scenarios/site-down.yaml:30:11: statements[0].text: unknown placeholder '{status_pag}' "
        "(did you mean 'status_page'?); declare it under blanks or add it to playbook/organisation.yaml"]),
    ("unused blank", KETTLE, "  model: {en: Model", "  batch: Batch code\n  model: {en: Model", [
        "scenarios/kettle-leak.yaml:20:3: blanks.batch: blank 'batch' is declared but no statement or reply uses it"]),
    ("over the channel limit", SITE, "text: Our shop is down.", "text: " + "Our shop is down. " * 16 + "Really.", [
        "scenarios/site-down.yaml:30:11: statements[0].text: 342 X-weighted characters is 62 over the "
        "280-character limit of 'x' (Chinese characters and emoji count 2, a link 23, a blank as its {name})"]),
    # X counts a link 23 whatever its length: twelve 8-character links are 276, not 107
    ("a link counts 23 on X", SITE, "text: Our shop is down.", "text: Our shop is down. " + "lh.hk/r1 " * 12, [
        "scenarios/site-down.yaml:30:11: statements[0].text: 353 X-weighted characters is 73 over the "
        "280-character limit of 'x' (Chinese characters and emoji count 2, a link 23, a blank as its {name})"]),
    ("duplicate statement id", KETTLE, "  - id: memo", "  - id: holding", [
        "scenarios/kettle-leak.yaml:68:9: statements[1].id: duplicate statement id 'holding' (also statements[0])"]),
    ("deadline after review", SITE, "owner: spokesperson, by: 1d}", "owner: spokesperson, by: 8d}", [
        "scenarios/site-down.yaml:21:59: steps.recover[0].by: deadline 8d is later than the first review "
        "step (7d); review comes last"]),
    ("deadline does not parse", SITE, "owner: spokesperson, by: 1h}", "owner: spokesperson, by: soon}", [
        "scenarios/site-down.yaml:19:54: steps.respond[0].by: must be a duration such as 15m, 2h, 3d or 2w, "
        "found 'soon'"]),
    ("unknown severity level", SITE, "  sev2: Down at night.", "  sev3: Down at night.", [
        "scenarios/site-down.yaml:8:3: severity: no description for severity level 'sev2'",
        "scenarios/site-down.yaml:9:9: severity.sev3: unknown severity level 'sev3' (did you mean 'sev2'?); "
        "see playbook/severity.yaml"]),
    ("step owner outside the team", SITE, "owner: crisis-lead, by: 15m}", "owner: legal, by: 15m}", [
        "scenarios/site-down.yaml:15:40: steps.detect[0].owner: 'legal' owns a step but is not in the team; "
        "add it to team"]),
    ("escalate without a role", SITE, "press: {action: escalate, escalate_to: spokesperson,", "press: {action: escalate,", [
        "scenarios/site-down.yaml:35:10: comment_replies.press: action 'escalate' needs 'escalate_to': "
        "the role to hand it to"]),
    # any kinds of comment, at least one: the page shows only those given
    ("unknown kind of comment", SITE, "  complaint: {action", "  complain: {action", [
        "scenarios/site-down.yaml:33:3: comment_replies.complain: unknown field (did you mean 'complaint'?)"]),
    ("same primary and backup", ROSTER, "legal: {primary: cy-ho, backup: ann-lee}", "legal: {primary: cy-ho, backup: cy-ho}", [
        "playbook/roster.yaml:21:35: assignments.legal.backup: 'cy-ho' is both primary and backup of 'legal'"]),
    ("role without assignment", ROSTER, "  legal: {primary: cy-ho, backup: ann-lee}\n", "", [
        "playbook/roster.yaml:19:3: assignments: role 'legal' has no primary and no backup"]),
    ("inactive person assigned", ROSTER, "    email: cy@kettleworks.example\n",
     "    email: cy@kettleworks.example\n    active: false\n", [
        "playbook/roster.yaml:22:20: assignments.legal.primary: 'cy-ho' is marked inactive but is still the primary"]),
    ("yes is not a boolean", ROSTER, "    email: cy@kettleworks.example\n",
     "    email: cy@kettleworks.example\n    active: no\n", [
        "playbook/roster.yaml:18:13: people.cy-ho.active: must be true or false, found 'no'; "
        "write true or false (yes and no are read as text)"]),
    ("pattern with a trailing newline", ROSTER, "    email: cy@kettleworks.example\n",
     '    email: cy@kettleworks.example\n    github: "cy-ho\\n"\n', [
        "playbook/roster.yaml:18:13: people.cy-ho.github: 'cy-ho\\n' is not in the expected form; "
        "the GitHub user name, without @"]),
    # a bidi override shows +852 1111 0001 on the page while its tel: link dials 1000 1111; a
    # zero-width space or words hide in a number too
    ("phone number with a bidi override", ROSTER, 'phone: "+852 1111 0001"', 'phone: "+852 \u202e1000 1111"', [
        "playbook/roster.yaml:5:12: people.ann-lee.phone: '+852 \\u202e1000 1111' is not in the expected form; "
        'quote phone numbers, written in digits, spaces and + ( ) - only: "+852 9123 4567"',
        "playbook/roster.yaml:5:12: people.ann-lee.phone: holds the Unicode direction control \\u202e, which "
        "reorders the text after it on the page (a phone number beside a name shows backwards): remove it"]),
    # seen in Chromium: the home page showed "Crisis lead: Ann Lee1000 1111 258+ ," for +852 1111 0001
    ("name with a bidi override", ROSTER, "name: Ann Lee", 'name: "Ann Lee\u202e"', [
        "playbook/roster.yaml:3:11: people.ann-lee.name: holds the Unicode direction control \\u202e, which "
        "reorders the text after it on the page (a phone number beside a name shows backwards): remove it"]),
    ("phone number with words", "playbook/contacts.yaml", 'phone: "+852 2000 1000"',
     'phone: "+852 2000 1000 or call +1 900 555"', [
        "playbook/contacts.yaml:7:12: contacts.safety-office.phone: '+852 2000 1000 or call +1 900 555' is not in the "
        'expected form; quote phone numbers, written in digits, spaces and + ( ) - only: "+852 2879 2222"']),
    ("blank name with a trailing newline", KETTLE, "  model: {en: Model number on the base",
     '  "model\\n": {en: Model number on the base', [
        "scenarios/kettle-leak.yaml:20:14: blanks.model\\n: 'model\\n' is not in the expected form; "
        "blank names are lower_snake_case"]),
    ("unknown person", ROSTER, "spokesperson: {primary: bo-chan,", "spokesperson: {primary: bo-chen,", [
        "playbook/roster.yaml:20:27: assignments.spokesperson.primary: unknown person 'bo-chen' "
        "(did you mean 'bo-chan'?); see people in this file"]),
    ("unknown approver", "playbook/severity.yaml", "approves_statements: crisis-lead\n  sev2",
     "approves_statements: ceo\n  sev2", [
        "playbook/severity.yaml:13:26: levels.sev1.approves_statements: unknown role 'ceo' "
        "(expected one of: crisis-lead, spokesperson, legal); see playbook/roles.yaml"]),
]


def errors(root):
    _, problems = check(root, on=TODAY)
    return [str(p) for p in problems if p.is_error]


def test_the_fixture_is_valid():
    _, problems = check(SMALL, on=TODAY)
    assert [str(p) for p in problems] == [
        "scenarios/kettle-leak.yaml:7:16: warning: last_reviewed: overdue for review since 2026-04-10 "
        "(last reviewed 2026-01-10, every 90d)",
        "scenarios/kettle-leak.yaml:83:84: warning: statements[2].approval.expires: approval expired on "
        "2026-05-10: have it approved again, or mark it draft"]


@pytest.mark.parametrize("file, old, new, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_mistake_is_reported_exactly(small, file, old, new, expected):
    edit(small / file, old, new)
    assert errors(small) == expected


def test_comment_replies_need_one_kind_of_comment_at_least(small):
    text = (small / SITE).read_text(encoding="utf-8")
    start, end = text.index("comment_replies:"), text.index("donts:")
    (small / SITE).write_text(text[:start] + "comment_replies: {}\n" + text[end:], encoding="utf-8")
    assert errors(small) == [
        "scenarios/site-down.yaml:31:18: comment_replies: needs at least one of: inquiry, complaint, "
        "misinformation, abuse, praise, press; give only those this crisis draws"]


def test_every_file_is_reported_in_one_run_sorted(small):
    edit(small / SITE, "category: outage", "category: outtage")
    edit(small / KETTLE, "channels: [x, facebook]", "channels: [x, fb]")
    (small / "scenarios" / "Bad_Name.yaml").write_text((small / SITE).read_text())
    assert [e.split(": ")[0] for e in errors(small)] == [
        "scenarios/Bad_Name.yaml", "scenarios/Bad_Name.yaml:2:11",
        "scenarios/kettle-leak.yaml:57:19", "scenarios/site-down.yaml:2:11"]
    assert errors(small)[0] == ("scenarios/Bad_Name.yaml: file name 'Bad_Name' is not a slug: use lowercase "
                                "letters, digits and hyphens, e.g. product-recall.yaml")


def test_broken_yaml_does_not_hide_other_files(small):
    (small / KETTLE).write_bytes(b"title: [unclosed\n")
    edit(small / SITE, "category: outage", "category: outtage")
    assert len(errors(small)) == 2


def test_an_id_that_would_replace_a_handbook_page_is_refused(small):
    (small / "scenarios" / "index.yaml").write_text((small / SITE).read_text())
    with open(small / "playbook" / "roles.yaml", "a") as roles:
        roles.write("  index:\n    title: Index keeper\n    summary: Keeps the index.\n    duties: [Keep it.]\n")
    with open(small / ROSTER, "a") as roster:
        roster.write("  index: {primary: cy-ho, backup: ann-lee}\n")
    assert errors(small) == [
        "playbook/roles.yaml:20:3: roles.index: role id 'index' is reserved: its page would replace the "
        "handbook's own roles/index.md; choose another id",
        "scenarios/index.yaml: file name 'index' is reserved: its page would replace the handbook's own "
        "scenarios/index.md; choose another id"]


def test_reserved_ids_are_the_renderers_own_page_names(monkeypatch):
    from crisisbook import pages

    assert pages.reserved("scenario") == {"index": "scenarios/index.md", "tags": "scenarios/tags.md"}
    assert pages.reserved("role") == {"index": "roles/index.md"}
    assert pages.reserved("person") == {}  # no page per person: any id will do
    # a page added to the renderer is reserved at once, for every kind with pages beside it
    monkeypatch.setitem(pages.FIXED, "scenarios/by-tag.md", "tags.md.j2")
    monkeypatch.setitem(pages.PER_ID, "person", ("people/{}.md", "person-page.md.j2"))
    monkeypatch.setitem(pages.FIXED, "people/index.md", "people.md.j2")
    assert pages.reserved("scenario") == {"index": "scenarios/index.md", "tags": "scenarios/tags.md",
                                          "by-tag": "scenarios/by-tag.md"}
    assert pages.reserved("person") == {"index": "people/index.md"}


def test_missing_playbook_file(small):
    (small / "playbook" / "channels.yaml").unlink()
    assert errors(small) == ["playbook/channels.yaml: file is missing"]


def test_shipped_example_is_valid():
    from conftest import REPO
    _, problems = check(REPO, on=TODAY)
    assert [str(p) for p in problems] == []


def test_concurrent_validation_keeps_documents_apart():
    """serve validates in timer threads; a Validator shared between threads once swapped the
    normalised data of two scenarios (a page showed another scenario's content)."""
    from concurrent.futures import ThreadPoolExecutor

    from crisisbook.load import load_file
    from crisisbook.schema import SCENARIO
    from crisisbook.validate import check_schema

    def titles(name):
        out = set()
        for _ in range(40):
            doc = load_file(SMALL / "scenarios" / f"{name}.yaml")
            check_schema(doc, SCENARIO)
            out.add(str(doc.data["title"]))
        return out

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(titles, ["kettle-leak", "site-down"] * 4))
    assert results == [{str({"en": "Kettle leaks when full", "zh-Hant": "水煲注滿時漏水"})}, {"Shop is down"}] * 4


def remembered(root):
    """What `validate` says, through the results it keeps in build/.cache."""
    return check_project(root, TODAY, keep=False, remember=True).problems


def test_cached_and_parallel_validation_says_exactly_what_a_full_run_says(small, monkeypatch):
    import shutil

    from conftest import REPO
    from crisisbook import checker

    for path in (REPO / "tests" / "corpus").glob("*.yaml"):
        if path.name != "EXPECTED.yaml":
            shutil.copy(path, small / "scenarios" / path.name)
    edit(small / SITE, "category: outage", "category: outtage")
    _, expected = check(small, on=TODAY)
    monkeypatch.setattr(checker, "_PARALLEL_FROM", 1)  # both cores even for a few files
    assert remembered(small) == expected  # cold: parsed in two processes
    assert (small / "build" / ".cache" / "validate.json").is_file()
    monkeypatch.setattr(checker, "_check_one", lambda *a, **k: pytest.fail("a cached file was parsed again"))
    monkeypatch.setattr(checker, "_PARALLEL_FROM", 10_000)
    assert remembered(small) == expected  # warm: nothing parsed


@pytest.mark.parametrize("parallel_from", [1, 10_000])
def test_a_builds_load_and_check_on_both_cores_gives_what_a_full_run_gives(small, monkeypatch, parallel_from):
    from crisisbook import checker

    edit(small / SITE, "category: outage", "category: outtage")
    (small / "scenarios" / "broken.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    monkeypatch.setattr(checker, "_PARALLEL_FROM", 10_000)
    expected, _ = check(small, on=TODAY)
    monkeypatch.setattr(checker, "_PARALLEL_FROM", parallel_from)
    got, _ = check(small, on=TODAY)
    assert got == expected and any(p.file == "scenarios/broken.yaml" for p in got.problems)
    assert set(got.scenarios) == {"board-leak", "kettle-leak", "site-down"}


def test_cache_notices_a_changed_file_and_playbook(small):
    assert [p for p in remembered(small) if p.is_error] == []
    edit(small / SITE, "category: outage", "category: outtage")
    assert [str(p) for p in remembered(small) if p.is_error] == [
        "scenarios/site-down.yaml:2:11: category: 'outtage' is not allowed (did you mean 'outage'?)"]
    edit(small / SITE, "category: outtage", "category: outage")
    edit(small / ROSTER, "spokesperson: {primary: bo-chan,", "spokesperson: {primary: bo-chen,")
    assert len([p for p in remembered(small) if p.is_error]) == 1


def test_one_checker_checks_only_what_changed(small, monkeypatch):
    from crisisbook import checker

    parsed = []
    original = checker._check_one
    monkeypatch.setattr(checker, "_check_one", lambda job: parsed.append(job[1]) or original(job))
    preview = checker.Checker(small)
    first = preview.check(TODAY)
    assert sorted(parsed) == [BOARD, KETTLE, SITE]
    parsed.clear()
    assert preview.check(TODAY) == first and parsed == []
    edit(small / SITE, "title: Shop is down", "title: Shop is unreachable")
    again = preview.check(TODAY)
    assert parsed == [SITE]
    assert again.scenarios["kettle-leak"][1] is first.scenarios["kettle-leak"][1]  # the same data object
    assert again.scenarios["site-down"][1]["title"] == "Shop is unreachable"
    parsed.clear()
    edit(small / ROSTER, "spokesperson: {primary: bo-chan,", "spokesperson: {primary: bo-chen,")
    preview.check(TODAY)
    assert sorted(parsed) == [BOARD, KETTLE, SITE]  # a playbook edit can change any scenario's problems


def test_x_weighted_length_is_the_count_x_makes():
    """post_length asks twitter-text only where a link or an emoji may be; everywhere its count is
    twitter-text's own (CJK and emoji twice, an emoji sequence once, a link 23)."""
    from hypothesis import example, given, strategies as st
    from twitter_text import parse_tweet

    from crisisbook.model import post_length

    @given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"])))
    @example("\u0958")  # X counts the composed form: one code point here, two once composed (NFC)
    @example("Cafe\u0301 \u00e9")  # e + combining accent: one character to X
    @example("0.AL.0")  # a link, "0.AL", with more after it: 23 + 2
    def agrees(text):
        assert post_length(text, "x-weighted") == parse_tweet(text).weightedLength

    agrees()
    assert post_length("停機 ok 🔥", "x-weighted") == 2 + 2 + 1 + 2 + 1 + 2
    assert post_length("Repair ♻️ now", "x-weighted") == 7 + 2 + 4  # the emoji and its variation selector: 2
    assert post_length("See lh.hk/recall/air-fryer-lh-af500 now", "x-weighted") == 4 + 23 + 4
    assert post_length("See lumorahome.example/recall now", "x-weighted") == 33  # not a domain X knows
    assert post_length("停機", "characters") == 2


@pytest.mark.parametrize("content", ["not json", "[]", '{"k": [["a", "1", 2, "f", "m", "error"]]}',
                                     '{"k": [[1, 2]]}', '{"k": 5}', '{"entries": "{}", "mac": 5}'])
def test_a_damaged_validation_cache_is_ignored(small, content):
    expected = remembered(small)
    store = small / "build" / ".cache" / "validate.json"
    store.write_text(content)
    assert remembered(small) == expected


def test_translations_are_checked_field_by_field(small):
    """A missing translation is a warning (the page falls back, marked); a language the handbook
    does not list and placeholders that differ between languages are errors."""
    edit(small / SITE, "languages: [en]", "tags: [web]")  # site-down, now for every language
    edit(small / SITE, "title: Shop is down", "title: {en: Shop is down, zh-Hant: 網店停機, fr: Boutique fermée}")
    edit(small / SITE, "    text: Our shop is down. Updates at {status_page}.",
         "    text:\n      en: Our shop is down. Updates at {status_page}.\n      zh-Hant: 網店停機，請留意 {website}。")
    _, problems = check(small, on=TODAY)
    site = [str(p) for p in problems if p.file == SITE]
    assert "scenarios/site-down.yaml:1:46: title.fr: language 'fr' is not listed in playbook/organisation.yaml " \
           "languages (en, zh-Hant)" in site
    assert "scenarios/site-down.yaml:32:16: statements[0].text.zh-Hant: the zh-Hant text uses placeholders " \
           "{website} but the en text uses {status_page}" in site
    assert "scenarios/site-down.yaml:3:10: warning: summary: no zh-Hant translation: the page shows the en " \
           "text, marked as untranslated" in site
    assert not any(": title: no zh-Hant translation" in line for line in site)  # it has one


def test_a_schema_error_does_not_hide_the_files_other_problems(small):
    edit(small / SITE, "category: outage", "category: outtage")
    edit(small / SITE, "owner: spokesperson\nlast", "owner: spokesman\nlast")
    edit(small / SITE, "team: [crisis-lead, spokesperson]", "team: [crisis-lead, spokesperson, cfo]")
    edit(small / SITE, "owner: spokesperson, by: 1h}", "owner: spokesperson, by: soon}")
    _, problems = check(small)
    assert [str(p) for p in problems if p.file == SITE] == [
        "scenarios/site-down.yaml:2:11: category: 'outtage' is not allowed (did you mean 'outage'?)",
        "scenarios/site-down.yaml:4:8: owner: unknown role 'spokesman' (did you mean 'spokesperson'?); "
        "see playbook/roles.yaml",
        "scenarios/site-down.yaml:12:35: team[2]: unknown role 'cfo' (expected one of: crisis-lead, "
        "spokesperson, legal); see playbook/roles.yaml",
        "scenarios/site-down.yaml:19:54: steps.respond[0].by: must be a duration such as 15m, 2h, 3d or 2w, "
        "found 'soon'",
        "3 checks skipped in scenarios/site-down.yaml until line 19 is fixed"]  # steps; first response; their placeholders


def test_a_mistake_in_one_item_does_not_hide_the_checks_of_the_others(small):
    """One step's bad deadline and one statement's bad approval date: every other step and
    statement is still checked against the playbook, in the same run, and nothing is reported
    for want of the items left out (the step posting the left-out statement is not 'unknown')."""
    edit(small / KETTLE, "owner: crisis-lead, by: 15m}", "owner: crisis-lead, by: soon}")
    edit(small / KETTLE, "      with: [mei-kitchen]", "      with: [mei-kitchin]")
    edit(small / KETTLE, "expires: 2026-05-10}", "expires: 2026-05-40}")
    edit(small / KETTLE, "    to: [leak-lab]", "    to: [leak-labs]")
    _, problems = check(small)
    assert [str(p) for p in problems if p.file == KETTLE and p.severity != "warning"] == [
        "scenarios/kettle-leak.yaml:24:84: steps.detect[0].by: must be a duration such as 15m, 2h, 3d or 2w, "
        "found 'soon'",
        "3 checks skipped in scenarios/kettle-leak.yaml until line 24 is fixed",
        "scenarios/kettle-leak.yaml:40:14: steps.respond[2].with[0]: unknown contact 'mei-kitchin' (did you mean "
        "'mei-kitchen'?); see playbook/contacts.yaml, or declare it under contacts in this file",
        "scenarios/kettle-leak.yaml:83:84: statements[2].approval.expires: 2026-05-40 is no date of the calendar: "
        "check the month and the day",
        "5 checks skipped in scenarios/kettle-leak.yaml until line 83 is fixed",
        "scenarios/kettle-leak.yaml:92:10: statements[3].to[0]: unknown contact 'leak-labs' (did you mean "
        "'leak-lab'?); see playbook/contacts.yaml, or declare it under contacts in this file"]


def test_a_playbook_error_does_not_hide_the_scenarios_cross_checks(small):
    edit(small / "playbook" / "channels.yaml", "limit: 280", "limit: lots")
    edit(small / SITE, "owner: spokesperson\nlast", "owner: spokesman\nlast")
    edit(small / KETTLE, "channels: [x, facebook]", "channels: [x, fb]")
    _, problems = check(small)
    assert [str(p) for p in problems if not p.severity == "warning"] == [
        "playbook/channels.yaml:2:41: channels.x.limit: must be a whole number, found 'lots'",
        "3 checks skipped in 3 files until playbook/channels.yaml line 2 is fixed",  # lengths, per scenario
        "scenarios/kettle-leak.yaml:57:19: statements[0].channels[1]: unknown channel 'fb' (expected one "
        "of: x, facebook, internal-memo, tiktok, whatsapp, regulator-letter, news-site); "
        "see playbook/channels.yaml",
        "scenarios/site-down.yaml:4:8: owner: unknown role 'spokesman' (did you mean 'spokesperson'?); "
        "see playbook/roles.yaml"]


def test_a_missing_playbook_file_says_what_waits_for_it(small):
    (small / "playbook" / "roles.yaml").unlink()
    _, problems = check(small)
    assert [str(p) for p in problems if p.file.startswith("playbook/")] == [
        "playbook/roles.yaml: file is missing",
        # roster, severity, and team, steps, approvals, replies and drill in each of 3 scenarios
        "17 checks skipped in 5 files until playbook/roles.yaml is fixed"]


def test_warnings_are_counted_while_errors_exist(small):
    from crisisbook.report import summary

    edit(small / KETTLE, "category: product-failure", "category: product")
    _, problems = check(small)
    assert [str(p) for p in problems if p.file == KETTLE] == [
        "scenarios/kettle-leak.yaml:2:11: category: 'product' is not allowed (did you mean "
        "'product-failure'?)",
        "scenarios/kettle-leak.yaml:7:16: warning: last_reviewed: overdue for review since 2026-04-10 "
        "(last reviewed 2026-01-10, every 90d)",
        "scenarios/kettle-leak.yaml:83:84: warning: statements[2].approval.expires: approval expired on "
        "2026-05-10: have it approved again, or mark it draft"]
    assert summary(problems) == "1 error, 2 warnings"


def test_a_forged_validation_cache_is_not_trusted(small, tmp_path):
    """A pull request (or a restored CI cache) can carry build/.cache/validate.json: results
    that say "no problems" for broken files must not be believed unless this user signed them."""
    import hashlib
    import hmac
    import json
    import subprocess
    import sys

    edit(small / SITE, "category: outage", "category: outtage")
    expected = remembered(small)
    store = small / "build" / ".cache" / "validate.json"
    entries = json.loads(json.loads(store.read_text())["entries"])
    clean = json.dumps({key: [[], []] for key in entries})
    forgeries = [
        json.dumps({"entries": clean, "mac": hmac.new(b"k" * 32, clean.encode(), hashlib.sha256).hexdigest()}),
        json.dumps({"entries": clean, "mac": json.loads(store.read_text())["mac"]}),
        json.dumps({key: [] for key in entries}),  # the unsigned form of earlier versions
    ]
    for forged in forgeries:
        store.write_text(forged)
        assert remembered(small) == expected
    # CI: a fresh runner restores the hostile cache; its own key is new, and validate still fails
    store.write_text(forgeries[0])
    fresh = {**__import__("os").environ, "XDG_CACHE_HOME": str(tmp_path / "fresh-runner")}
    result = subprocess.run([sys.executable, "-m", "crisisbook", "validate"], cwd=small, env=fresh,
                            capture_output=True, text=True)
    assert result.returncode == 1 and "'outtage' is not allowed" in result.stdout


def test_the_signing_key_is_private_and_never_read_through_a_link(small, tmp_path, monkeypatch):
    import os
    import stat

    from crisisbook import checker

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    remembered(small)
    key = tmp_path / "cache" / "crisisbook" / "key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and key.stat().st_size == 32
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    # a key file anyone could have written (a link, or readable by others) is not used
    (tmp_path / "elsewhere").write_bytes(b"k" * 32)
    key.unlink()
    key.symlink_to(tmp_path / "elsewhere")
    assert checker.signing_key() is None
    key.unlink()
    key.write_bytes(b"k" * 32)
    os.chmod(key, 0o644)
    assert checker.signing_key() is None
    edit(small / SITE, "category: outage", "category: outtage")
    assert any(p.is_error for p in remembered(small))  # still checked, just not remembered


def test_the_validation_cache_is_never_written_through_a_link(small, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (small / "build").mkdir()
    (small / "build" / ".cache").symlink_to(outside)
    assert [p for p in remembered(small) if p.is_error] == []
    assert list(outside.iterdir()) == []


NEW_FIELD_CASES = [  # every problem one change adds, warnings included
    # the page lists steps by deadline, the file is read top to bottom: a warning, not an error
    ("step due before the one above it", SITE, "{do: Review., owner: crisis-lead, by: 7d}",
     "{do: Review., owner: crisis-lead, by: 7d}\n    - {do: Share the notes., owner: crisis-lead, by: 8d}\n"
     "    - {do: Hold the review., owner: crisis-lead, by: 7d}", [
        "scenarios/site-down.yaml:25:54: warning: steps.review[2].by: deadline 7d is earlier than the step "
        "before it (steps.review[1], by 8d); list a phase's steps in deadline order"]),
    # "at once" is not a deadline of zero: it has passed before anyone reads the page
    ("deadline 0m", SITE, "owner: crisis-lead, by: 15m}", "owner: crisis-lead, by: 0m}", [
        "scenarios/site-down.yaml:15:57: steps.detect[0].by: a deadline of 0m has passed the moment the "
        "crisis is detected; for 'at once' give the time it takes, such as 5m or 15m"]),
    ("deadline 0h", SITE, "owner: crisis-lead, by: 15m}", "owner: crisis-lead, by: 0h}", [
        "scenarios/site-down.yaml:15:57: steps.detect[0].by: a deadline of 0h has passed the moment the "
        "crisis is detected; for 'at once' give the time it takes, such as 5m or 15m"]),
    ("same deadline as the step above is in order", SITE, "{do: Review., owner: crisis-lead, by: 7d}",
     "{do: Review., owner: crisis-lead, by: 7d}\n    - {do: Share the notes., owner: crisis-lead, by: 7d}", []),
    ("unknown contact in with", KETTLE, "with: [safety-office]", "with: [safety-ofice]", [
        "scenarios/kettle-leak.yaml:31:14: steps.respond[0].with[0]: unknown contact 'safety-ofice' "
        "(did you mean 'safety-office'?); see playbook/contacts.yaml, or declare it under contacts in this file"]),
    ("unknown contact in to", KETTLE, "to: [safety-office]", "to: [consumer-council]", [
        "scenarios/kettle-leak.yaml:82:10: statements[2].to[0]: unknown contact 'consumer-council' "
        "(expected one of: safety-office, mei-kitchen, leak-lab, kettle-maker); see playbook/contacts.yaml, "
        "or declare it under contacts in this file"]),
    ("posts an unknown statement", KETTLE, "posts: holding", "posts: holdng", [
        "scenarios/kettle-leak.yaml:35:14: steps.respond[1].posts: unknown statement 'holdng' (did "
        "you mean 'holding'?); see statements in this file"]),
    ("public step leads to team-only", KETTLE, "      posts: insurer-note\n      visibility: team\n", "      posts: insurer-note\n", [
        "scenarios/kettle-leak.yaml:45:14: steps.respond[3].with[0]: contact 'leak-lab' is team-only "
        "but this step is visible to all staff; mark the step visibility: team or name another "
        "contact",
        "scenarios/kettle-leak.yaml:46:14: steps.respond[3].posts: statement 'insurer-note' is "
        "team-only but this step is visible to all staff; mark the step visibility: team"]),
    ("approval by an unknown role", KETTLE, "by: [legal], on: 2026-05-01", "by: [lawyer], on: 2026-05-01", [
        "scenarios/kettle-leak.yaml:58:44: statements[0].approval.by[0]: unknown role 'lawyer' "
        "(expected one of: crisis-lead, spokesperson, legal); see playbook/roles.yaml"]),
    ("approved by nobody", KETTLE, "{state: approved, by: [legal, crisis-lead], on:", "{state: approved, on:", [
        "scenarios/kettle-leak.yaml:83:15: statements[2].approval: approval 'approved' needs 'by': "
        "the roles that approved it"]),
    ("expires before approved", KETTLE, "on: 2026-05-01, expires: 2026-11-01", "on: 2026-05-01, expires: 2026-04-01", [
        "scenarios/kettle-leak.yaml:58:77: statements[0].approval.expires: expires 2026-04-01 is "
        "before it was approved on 2026-05-01"]),
    ("holding statement still a draft", KETTLE, "approval: {state: legal-approved, by: [legal], on: 2026-05-01, expires: 2026-11-01}", "approval: {state: draft}", [
        "scenarios/kettle-leak.yaml:58:23: warning: statements[0].approval.state: the holding "
        "statement is still a draft: have it pre-approved, so it can go out within the first "
        "response time"]),
    ("holding statement after first response", KETTLE, "by: 1h\n      posts: holding", "by: 2h\n      posts: holding", [
        "scenarios/kettle-leak.yaml:34:11: warning: steps.respond[1].by: posts the holding statement "
        "'holding' at 2h, after the 1h first response of 'sev1'; bring it forward",
        "scenarios/kettle-leak.yaml:38:11: warning: steps.respond[2].by: deadline 1h is earlier than the "
        "step before it (steps.respond[1], by 2h); list a phase's steps in deadline order"]),
    ("team role owning no step", SITE, "team: [crisis-lead, spokesperson]", "team: [crisis-lead, spokesperson, legal]", [
        "scenarios/site-down.yaml:12:35: warning: team[2]: 'legal' is in the team but owns no step; "
        "give it one or take it off the team"]),
    ("recover step repeats", SITE, "owner: spokesperson, by: 1d}", "owner: spokesperson, by: 1d, every: 4h}", [
        "scenarios/site-down.yaml:21:70: steps.recover[0].every: a recover step cannot repeat: "
        "repeats stop when the recover phase starts"]),
    ("every 0m", SITE, "owner: spokesperson, by: 1h}", "owner: spokesperson, by: 1h, every: 0m}", [
        "scenarios/site-down.yaml:19:65: steps.respond[0].every: every 0m would repeat without end; "
        "give a duration such as 4h"]),
    ("unknown inject channel", KETTLE, "platform: whatsapp", "platform: whatsap", [
        "scenarios/kettle-leak.yaml:148:24: drill.injects[1].post.platform: unknown channel "
        "'whatsap' (did you mean 'whatsapp'?); see playbook/channels.yaml"]),
    ("scenario language not in the handbook", SITE, "languages: [en]", "languages: [en, fr]", [
        "scenarios/site-down.yaml:38:17: languages[1]: 'fr' is not a language of the handbook "
        "(expected one of: en, zh-Hant); see languages in playbook/organisation.yaml"]),
    ("influencer without relationship", CONTACTS, "    relationship: standing-partner\n", "", [
        "playbook/contacts.yaml:11:5: contacts.mei-kitchen: an influencer needs 'relationship': "
        "paid, standing-partner or organic"]),
    # a Chinese input method's braces: the blank would go out as typed; said even where the
    # translations still agree (here both languages have the same slip)
    ("full-width braces", KETTLE, "case {case_number}.\", zh-Hant: \"非常抱歉，我們已就個案{case_number}私訊你。",
     "case {case_number｝.\", zh-Hant: \"非常抱歉，我們已就個案｛case_number｝私訊你。", [
         "scenarios/kettle-leak.yaml:21:3: blanks.case_number: blank 'case_number' is declared but no statement "
         "or reply uses it",
         "scenarios/kettle-leak.yaml:101:17: comment_replies.complaint.reply.en: '{case_number｝' is written with "
         "full-width braces, so it is not filled in and would be posted as typed: write {case_number}",
         "scenarios/kettle-leak.yaml:101:91: comment_replies.complaint.reply.zh-Hant: '｛case_number｝' is written "
         "with full-width braces, so it is not filled in and would be posted as typed: write {case_number}"]),
    ("unknown blank in a reply", KETTLE, "message about case {case_number}.", "message about case {case_no}.", [
        "scenarios/kettle-leak.yaml:101:12: comment_replies.complaint.reply: unknown placeholder "
        "'{case_no}' (did you mean 'case_number'?); declare it under blanks or add it to "
        "playbook/organisation.yaml",
        "scenarios/kettle-leak.yaml:101:87: comment_replies.complaint.reply.zh-Hant: the zh-Hant "
        "text uses placeholders {case_number} but the en text uses {case_no}"]),
]


@pytest.mark.parametrize("file, old, new, expected", [c[1:] for c in NEW_FIELD_CASES], ids=[c[0] for c in NEW_FIELD_CASES])
def test_new_field_mistake_is_reported_exactly(small, file, old, new, expected):
    key = lambda p: (p.file, p.field, p.message)  # noqa: E731 - a problem the edit only moved is not new
    before = {key(p) for p in check(small, on=TODAY)[1]}
    edit(small / file, old, new)
    _, problems = check(small, on=TODAY)
    assert [str(p) for p in problems if key(p) not in before] == expected


def append_to_using(example, text: str) -> int:
    """Add `text` to the example's docs/using.md; returns how many lines it had before."""
    page = example / "docs" / "using.md"
    before = page.read_text(encoding="utf-8")
    page.write_text(before + text, encoding="utf-8")
    return before.count("\n")


def test_a_broken_link_in_a_hand_written_page_is_reported_with_its_line(example):
    """The engine's strict build would refuse these links at its end, without a line; validate
    says each one first. What the engine lets through is left: links with a scheme, to an anchor,
    to a folder or to a name without an extension, code, footnotes, escaped brackets."""
    lines = append_to_using(example, (
        "See the [levels](sevirity.md), the [roster](roster.md#crisis-lead) and the [outage](scenarios/outage.md),\n"
        "[a lead](roles/crisis-leed.md), [gone](scenarios/no-such.md) and [out](../../etc/passwd.md).\n"
        "Fine: [web](https://example.com), [mail](mailto:a@example.com), [top](#top), [list](scenarios/),\n"
        "[home](index), \\[not a link\\](nowhere.md), a footnote[^1] and the [review page][review].\n"
        "```\n[in a code block](nowhere.md)\n```\n\nand `[inline code](nowhere.md)`.\n\n"
        "    [indented code](nowhere.md)\n\n"
        "[review]: review.mdx\n[^1]: See the 2024 review.\n"))
    (example / "docs" / "roster.md").write_text("# Our roster\n", encoding="utf-8")
    (example / "docs" / "severity.zh-Hant.md").write_text("# 嚴重程度\n", encoding="utf-8")  # no original: not published
    (example / "docs" / "zh-Hant").mkdir()  # the Chinese edition's own folder in the site
    (example / "docs" / "zh-Hant" / "using.md").write_text("# 使用說明\n", encoding="utf-8")
    problems = [str(p) for p in check_project(example, TODAY).problems if p.file.startswith("docs/")]
    first, second = lines + 1, lines + 2
    assert problems == [
        "docs/roster.md: has the name of a page crisisbook writes: rename it (the build would refuse it)",
        f"docs/using.md:{first}:18: link 'sevirity.md' leads to no page of the handbook: did you mean 'severity.md'?",
        f"docs/using.md:{first}:85: link 'scenarios/outage.md' leads to no page of the handbook: "
        "did you mean 'scenarios/service-outage.md'?",
        f"docs/using.md:{second}:10: link 'roles/crisis-leed.md' leads to no page of the handbook: "
        "did you mean 'roles/crisis-lead.md'?",
        f"docs/using.md:{second}:40: link 'scenarios/no-such.md' leads to no page of the handbook: "
        "there is no scenarios/no-such.yaml",
        f"docs/using.md:{second}:72: link '../../etc/passwd.md' leads outside the handbook: link to one of its pages",
        f"docs/using.md:{lines + 13}:11: link 'review.mdx' leads to no page of the handbook: did you mean 'review.md'?",
        "docs/zh-Hant/using.md: is in a folder named after the zh-Hant edition, which the build makes: write a "
        "translation as docs/<page>.zh-Hant.md",
    ]


def _contacts_in_the_scenario_only(small) -> None:
    """The small fixture with its playbook contacts moved into kettle-leak's own."""
    playbook = small / CONTACTS
    marker = "contacts:  # this scenario's own: the factory of this kettle only, beside the playbook's contacts\n"
    edit(small / KETTLE, marker, marker + playbook.read_text(encoding="utf-8").split("\n", 1)[1])
    playbook.unlink()
    (small / "docs").mkdir()
    (small / "docs" / "using.md").write_text("# Using\n\nCall the [outside contacts](contacts.md).\n", encoding="utf-8")


def test_a_link_to_the_contacts_page_that_only_scenarios_fill_is_sound(small):
    """The build writes the Contacts page for a scenario's own contacts too: validate refused a
    hand-written page's link to it when the playbook had none."""
    from crisisbook.build import build
    _contacts_in_the_scenario_only(small)
    assert [str(p) for p in check_project(small, TODAY).problems if p.is_error] == []
    build(small, small / "site", on=TODAY)  # the engine with --strict: the link is sound
    assert "Pearl River Kettle Factory" in (small / "site" / "contacts" / "index.html").read_text()


def test_a_link_to_a_contacts_page_only_the_team_has_is_refused(small):
    """Every contact team-only: the all-staff edition has no Contacts page, and its strict build
    would refuse the link."""
    _contacts_in_the_scenario_only(small)
    edit(small / KETTLE, "    phone: \"+86 20 0000 0000\"\n", "    phone: \"+86 20 0000 0000\"\n    visibility: team\n")
    for cid in ("safety-office", "mei-kitchen"):
        edit(small / KETTLE, f"  {cid}:\n", f"  {cid}:\n    visibility: team\n")
    assert [str(p) for p in check_project(small, TODAY).problems if p.file.startswith("docs/")] == [
        "docs/using.md:3:29: link 'contacts.md' leads to a page only the crisis team's edition has (every "
        "contact is visibility: team or in a scenario that is), so the all-staff handbook would not build: "
        "link to a page every edition has"]
    edit(small / KETTLE, "0000 0000\"\n    visibility: team\n", "0000 0000\"\n")  # the factory for everyone
    assert [str(p) for p in check_project(small, TODAY).problems if p.file.startswith("docs/")] == []


def test_no_file_meant_to_be_checked_is_passed_over_in_silence(small, tmp_path):
    """A scenario saved as .yml (the build would leave it out) and a file outside the project
    (nothing of it is checked) each get their line, not "no problems found"."""
    (small / "scenarios" / "warehouse-fire.yml").write_text((small / SITE).read_text())
    outside = tmp_path / "draft.yaml"
    outside.write_text("title: [\n")
    found = check(small, only=[small / "scenarios" / "warehouse-fire.yml", outside])[1]
    assert [str(p) for p in found if p.is_error] == [
        f"{outside}: is outside the project: crisisbook checks the project's own files (scenarios/*.yaml, "
        "playbook/*.yaml)",
        "scenarios/warehouse-fire.yml: is not read: scenario files end in .yaml; rename it to warehouse-fire.yaml"]
    assert "scenarios/warehouse-fire.yml: is not read: scenario files end in .yaml; rename it to " \
           "warehouse-fire.yaml" in [str(p) for p in check(small)[1]]


def test_placeholders_in_a_statements_title_and_audience_are_filled_or_refused(small):
    """Organisation facts are filled in a statement's title and audience as in its text; a typo
    and a blank (which only the text's fill-in panel fills) are errors, not shown as typed."""
    edit(small / KETTLE, "audience: {en: Our insurer, zh-Hant: 本公司保險公司}",
         "audience: {en: '{brand} insurer, {produkt} owners', zh-Hant: '{brand}保險公司，{produkt}用戶'}")
    edit(small / KETTLE, "title: {en: TEAMONLY-STATEMENT-9d4e Insurer briefing,",
         "title: {en: 'TEAMONLY-STATEMENT-9d4e Insurer briefing on {model}',")
    edit(small / KETTLE, "zh-Hant: TEAMONLY-STATEMENT-9d4e 保險公司簡報}", "zh-Hant: 'TEAMONLY-STATEMENT-9d4e 保險公司簡報（{model}）'}")
    assert errors(small) == [
        "scenarios/kettle-leak.yaml:89:12: statements[3].title: blank '{model}' cannot be filled in here: blanks "
        "are filled in the statement's text; write it out, or use an organisation fact",
        "scenarios/kettle-leak.yaml:89:12: statements[3].title: blank '{model}' cannot be filled in here: blanks "
        "are filled in the statement's text; write it out, or use an organisation fact",
        "scenarios/kettle-leak.yaml:90:15: statements[3].audience: unknown placeholder '{produkt}' (expected one "
        "of: brand, legal_name, website, status_page, support_hotline, support_email, social.x); write it out or "
        "add it to playbook/organisation.yaml",
        "scenarios/kettle-leak.yaml:90:15: statements[3].audience: unknown placeholder '{produkt}' (expected one "
        "of: brand, legal_name, website, status_page, support_hotline, support_email, social.x); write it out or "
        "add it to playbook/organisation.yaml"]


def test_organisation_facts_are_filled_in_a_statements_title_and_audience(small):
    from crisisbook.build import handbook_of
    edit(small / KETTLE, "audience: {en: Our insurer, zh-Hant: 本公司保險公司}",
         "audience: {en: '{brand} insurer', zh-Hant: '{brand}保險公司'}")
    hb, _ = handbook_of(small, TODAY, audience="team")
    statement = next(st for sc in hb.scenarios for st in sc.statements if st.id == "insurer-note")
    assert (str(statement.audience.get("en")), str(statement.audience.get("zh-Hant"))) == \
        ("Kettleworks insurer", "Kettleworks保險公司")


def test_a_misspelt_field_is_where_its_skipped_checks_wait(small):
    """`ownr` for `owner`: the checks of the owner wait for the line of the misspelling, not for
    the top of the file where the missing field is reported."""
    edit(small / SITE, "owner: spokesperson\nlast", "ownr: spokesperson\nlast")
    assert [str(p) for p in check(small)[1] if p.file == SITE and p.severity != "warning"] == [
        "scenarios/site-down.yaml:4:1: ownr: unknown field (did you mean 'owner'?)",
        "1 check skipped in scenarios/site-down.yaml until line 4 is fixed"]


def test_a_misspelt_field_in_a_step_is_where_its_skipped_checks_wait(small):
    """`ower` for a step's `owner`, on its own line: the note names that line, not the step's
    first line (`- do:`), where a PR lead finds nothing wrong."""
    edit(small / SITE, "    - {do: Judge the severity., owner: crisis-lead, by: 30m}",
         "    - do: Judge the severity.\n      ower: crisis-lead\n      by: 30m")
    assert [str(p) for p in check(small)[1] if p.file == SITE and p.severity != "warning"] == [
        "scenarios/site-down.yaml:18:7: steps.assess[0].ower: unknown field (did you mean 'owner'?)",
        "3 checks skipped in scenarios/site-down.yaml until line 18 is fixed"]


def test_a_hand_written_page_may_not_run_script_in_readers_browsers(example):
    """docs/ arrives in pull requests too, and the engine publishes its HTML as written. What is
    checked is the page as the engine converts it, read as a browser reads HTML: attributes that
    attr_list and md_in_html add, a comment the browser ends early, SVG animation setting a link."""
    lines = append_to_using(example, (
        "\n<script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n"
        "[click](javascript:alert(3)) and [fine](https://example.com)\n\n"
        "<a href=\" jav&#x61;script:alert(4)\">x</a> <span style=\"background:url(//evil.example/t.png)\">y</span>\n\n"
        "<img src=\"data:image/png;base64,iVBOR\" alt=\"a plain image is fine\"> <b>bold is fine</b>\n\n"
        "A [link](https://example.com){: onclick=\"alert(5)\" }\n\n"
        "A paragraph\n{: onmouseover=\"alert(6)\" }\n\n"
        "<!--><img src=x onerror=\"alert(7)\">-->\n\n"
        "<svg><a><set attributeName=\"href\" to=\"javascript:alert(8)\"/><text>x</text></a></svg>\n\n"
        "<div markdown=\"1\" onclick=\"alert(9)\">\ninside **md**\n</div>\n"))
    assert [str(p) for p in check_project(example, TODAY).problems if p.file.startswith("docs/")] == [
        f"docs/using.md:{lines + 2}:1: <script> is not allowed in a hand-written page: it could run or load "
        "something in every reader's browser; styles and scripts belong in templates/assets/",
        f"docs/using.md:{lines + 4}:12: the onerror attribute on <img> would run script in every reader's browser: "
        "remove it",
        f"docs/using.md:{lines + 6}:20: <a href=\"javascript:alert(3)\"> runs script or opens what is not a page: "
        "link to a page or a web address",
        f"docs/using.md:{lines + 8}:27: <a href=\" javascript:alert(4)\"> runs script or opens what is not a page: "
        "link to a page or a web address",
        f"docs/using.md:{lines + 8}:56: a style on <span> loads from elsewhere: keep styles in "
        "templates/assets/crisisbook.css",
        f"docs/using.md:{lines + 12}:33: the onclick attribute on <a> would run script in every reader's browser: "
        "remove it",
        f"docs/using.md:{lines + 15}:4: the onmouseover attribute on <p> would run script in every reader's "
        "browser: remove it",
        f"docs/using.md:{lines + 17}:17: the onerror attribute on <img> would run script in every reader's browser: "
        "remove it",
        f"docs/using.md:{lines + 19}:6: <a> inside <svg> is not allowed in a hand-written page: it could run or "
        "load something in every reader's browser; styles and scripts belong in templates/assets/",
        f"docs/using.md:{lines + 19}:9: <set> inside <svg> is not allowed in a hand-written page: it could run or "
        "load something in every reader's browser; styles and scripts belong in templates/assets/",
        f"docs/using.md:{lines + 21}:19: the onclick attribute on <div> would run script in every reader's "
        "browser: remove it"]


def test_a_hand_written_page_may_not_link_to_a_team_only_scenario(small):
    """A page of docs/ is in every edition; a team-only scenario's page is not in the all-staff
    one, whose build the engine would fail at its end, without a line."""
    (small / "docs").mkdir()
    (small / "docs" / "notes.md").write_text("# Notes\n\nSee [the board leak](scenarios/board-leak.md) and "
                                             "[the outage](scenarios/site-down.md).\n", encoding="utf-8")
    assert [str(p) for p in check(small)[1] if p.file.startswith("docs/")] == [
        "docs/notes.md:3:22: link 'scenarios/board-leak.md' leads to a page only the crisis team's edition has "
        "(scenarios/board-leak.yaml is visibility: team), so the all-staff handbook would not build: link to a "
        "page every edition has"]


def test_the_pages_live_count_is_validates_count(tmp_path):
    """The page counts a statement as its blanks are typed in (crisisbook.js); validate counts with
    twitter-text. Run on every shipped text and on links, emoji and Chinese, the two agree."""
    import json
    import shutil

    from conftest import REPO
    from crisisbook.load import load_file
    from crisisbook.model import post_length, sms_limit

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is installed by make test (system-deps)")
    script = (REPO / "templates" / "assets" / "crisisbook.js").read_text(encoding="utf-8")
    counting = script[script.index("  var X_SINGLE"):script.index("  function Fill(panel)")]

    def texts(value):
        if isinstance(value, dict):
            for v in value.values():
                yield from texts(v)
        elif isinstance(value, list):
            for v in value:
                yield from texts(v)
        elif isinstance(value, str):
            yield value

    samples = sorted({t for path in (REPO / "scenarios").glob("*.yaml") for t in texts(load_file(path).data)})
    samples += ["Check your model: lh.hk/r1 Refunds: lh.hk/r2 Collection: https://lumorahome.hk/recall/af500",
                "Repair ♻️ now 👍🏽", "停機 ok 🔥 見 www.lumorahome.com.hk", "See lumorahome.example/recall now",
                "Cafe\u0301", "\u0958",  # counted composed (NFC), as X does: 4 and 2
                # an SMS: the GSM alphabet's extension counts 2; a curly quote, Chinese or an emoji
                # (two UTF-16 units) sends the whole text in UCS-2, 70 to a message
                "€5 {x} [^~]|\\", "We’re sorry", "Ça coûte 5€", "🙏ok", "短訊 ok\r\n"]
    (tmp_path / "count.js").write_text(counting + f"\nvar texts = {json.dumps(samples)};\n"
                                       "console.log(JSON.stringify(texts.map(function (t) { return [postLength(t, "
                                       "'x-weighted'), postLength(t, 'sms'), limitFor(t, 'sms', 160)]; })));\n",
                                       encoding="utf-8")
    out = subprocess.run([node, str(tmp_path / "count.js")], capture_output=True, text=True, check=True).stdout
    assert [(t, n) for t, n in zip(samples, json.loads(out))
            if n != [post_length(t, "x-weighted"), post_length(t, "sms"), sms_limit(160, t)]] == []
    sms = {t: (post_length(t, "sms"), sms_limit(160, t)) for t in samples[-5:]}
    assert sms == {"€5 {x} [^~]|\\": (22, 160), "We’re sorry": (11, 70), "Ça coûte 5€": (11, 70),
                   "🙏ok": (4, 70), "短訊 ok\r\n": (7, 70)}


def test_a_reference_to_a_statement_left_out_for_its_own_mistake_gets_the_right_hint(example):
    """The holding statement is left out of the cross-file checks while its approval is wrong;
    a step's `posts: holdng` still got the list of the other ids, without the one meant."""
    scenario = example / "scenarios" / "service-outage.yaml"
    edit(scenario, "      posts: holding\n", "      posts: holdng\n")
    edit(scenario, "approval: {state: legal-approved, by: [legal], on: 2026-11-02",
         "approval: {state: legal-aproved, by: [legal], on: 2026-11-02")
    found = [str(p) for p in check_project(example, TODAY).problems if p.file == "scenarios/service-outage.yaml"
             and p.is_error]
    assert found == [
        "scenarios/service-outage.yaml:239:14: steps.respond[2].posts: unknown statement 'holdng' (did you mean "
        "'holding'?); see statements in this file",
        "scenarios/service-outage.yaml:362:23: statements[0].approval.state: 'legal-aproved' is not allowed (did "
        "you mean 'legal-approved'?)"]


TAGS = "playbook/tags.yaml"


def test_a_tag_without_a_label_is_a_warning_in_a_handbook_of_two_languages(small):
    """A Chinese page would show the English slug; the warning says where to give its words."""
    edit(small / KETTLE, "tags: [leak, safety]", "tags: [leak, safety, recall]")
    _, problems = check(small, on=TODAY)
    assert [str(p) for p in problems if "tags" in p.field] == [
        "scenarios/kettle-leak.yaml:9:22: warning: tags[2]: tag 'recall' has no label in playbook/tags.yaml, "
        "so the zh-Hant edition shows 'recall': add `recall: {en: …, zh-Hant: …}` under tags:"]
    # in one language the slug is the word every page shows: nothing to warn about
    edit(small / "playbook" / "organisation.yaml", "languages: [en, zh-Hant]", "languages: [en]")
    for name in (SITE, BOARD):  # their own `languages: [en]` would now be the only one: drop it
        path = small / name
        path.write_text("\n".join(line for line in path.read_text().splitlines()
                                  if not line.startswith("languages:")) + "\n")
    (small / TAGS).unlink()
    _, problems = check(small, on=TODAY)
    assert not [p for p in problems if "tags" in p.field]


def test_without_tags_yaml_every_tag_of_a_two_language_handbook_is_warned_at_its_line(small):
    (small / TAGS).unlink()
    _, problems = check(small, on=TODAY)
    assert [f"{p.line}:{p.col} {p.field}" for p in problems if p.file == KETTLE and "tags" in p.field] == [
        "9:8 tags[0]", "9:14 tags[1]"]


def test_a_tags_label_is_a_word_or_two_a_page_can_carry(small):
    edit(small / TAGS, "leak: {en: leak, zh-Hant: 漏水}", 'leak: {en: "leak\\"><b>", zh-Hant: 漏水}')
    edit(small / TAGS, "safety: {en: product safety, zh-Hant: 產品安全}",
         f"safety: {{en: product safety, zh-Hant: {'安全' * 21}}}")
    _, problems = check(small, on=TODAY)
    assert [str(p) for p in problems if p.file == TAGS] == [
        "playbook/tags.yaml:2:14: tags.leak.en: a tag's label is a word or two, without < > & \" ' ` or line "
        "breaks: the page writes it into links and its front matter",
        "playbook/tags.yaml:3:41: tags.safety.zh-Hant: 42 characters is over the 40 a tag's label may have: "
        "it is a chip on the page, a word or two"]


def test_two_labels_the_tags_page_cannot_tell_apart_are_refused(small):
    """'Product safety' and 'product-safety' are one anchor on the tags page: two headings with
    one id, both tags' chips leading to the first (red10). The same words are one tag: fine."""
    edit(small / TAGS, "leak: {en: leak, zh-Hant: 漏水}", "leak: {en: product safety, zh-Hant: 產品安全}")
    _, problems = check(small, on=TODAY)
    assert [str(p) for p in problems if p.file == TAGS] == []
    edit(small / TAGS, "leak: {en: product safety,", "leak: {en: Product-Safety!,")
    _, problems = check(small, on=TODAY)
    assert [str(p) for p in problems if p.file == TAGS] == [
        "playbook/tags.yaml:3:16: tags.safety.en: 'product safety' and tags.leak's 'Product-Safety!' get one "
        "anchor on the tags page (#tag:product-safety), and both tags' chips lead to the first: write them "
        "the same, or in words that differ by more than case and punctuation"]


def test_a_tags_label_without_its_translation_is_the_usual_translation_warning(small):
    edit(small / TAGS, "leak: {en: leak, zh-Hant: 漏水}", "leak: leak")
    _, problems = check(small, on=TODAY)
    assert [str(p) for p in problems if p.file == TAGS] == [
        "playbook/tags.yaml:2:9: warning: tags.leak: no zh-Hant translation: the page shows the en text, "
        "marked as untranslated"]


def test_a_flood_of_unknown_names_is_reported_without_a_search_for_each(small, monkeypatch):
    """A did-you-mean compares the name with every known one: 870 unknown contacts against a
    playbook of 14,000 took 30 s (red10). Past a budget of comparisons per file, an unknown name
    is reported without a suggestion; a file's messages never depend on other files."""
    from crisisbook import validate

    monkeypatch.setattr(validate, "SUGGESTION_BUDGET", 5_000, raising=False)
    path = small / CONTACTS
    path.write_text(path.read_text().replace("contacts:\n", "contacts:\n" + "".join(
        f"  partner-{i}:\n    name: Desk\n    organisation: Partner {i}\n    kind: partner\n" for i in range(300)), 1))
    typos = ", ".join(f"safety-office{chr(97 + i % 26)}{i // 26 or ''}" for i in range(29))  # 30 in all
    edit(small / KETTLE, "with: [safety-office]", f"with: [safety-office, {typos}]")
    _, problems = check(small, on=TODAY)
    unknown = [p.message for p in problems if p.file == KETTLE and "unknown contact" in p.message]
    assert len(unknown) == 29
    assert unknown[0] == ("unknown contact 'safety-officea' (did you mean 'safety-office'?); see "
                          "playbook/contacts.yaml, or declare it under contacts in this file")
    assert unknown[-1] == ("unknown contact 'safety-officec1'; see playbook/contacts.yaml, or declare it "
                           "under contacts in this file")
    assert sum("did you mean" in m for m in unknown) == 5_000 // 304  # 304 contacts known to it


OWN_CONTACT = "  kettle-maker:\n    name: {en: Quality manager, zh-Hant: 品質經理}\n"
OWN_CONTACT_CASES = [  # a scenario's own contacts (kettle-leak declares kettle-maker): every problem one change adds
    ("unknown own contact in with", [("with: [kettle-maker]", "with: [kettle-maker, kettle-makr]")], [
        "scenarios/kettle-leak.yaml:49:100: steps.recover[0].with[1]: unknown contact 'kettle-makr' (did you "
        "mean 'kettle-maker'?); see playbook/contacts.yaml, or declare it under contacts in this file"]),
    ("own contact in a statement's to", [("to: [safety-office]", "to: [safety-office, kettle-maker]")], []),
    ("own contact named by nobody", [("with: [kettle-maker]", "with: [safety-office]")], [
        "scenarios/kettle-leak.yaml:168:3: warning: contacts.kettle-maker: contact 'kettle-maker' is declared "
        "but no step (with:) or statement (to:) names it"]),
    ("own contact with a playbook contact's id", [("with: [kettle-maker]", "with: [safety-office]"),
                                                   (OWN_CONTACT, OWN_CONTACT.replace("kettle-maker", "safety-office"))], [
        "scenarios/kettle-leak.yaml:168:3: contacts.safety-office: contact 'safety-office' is already in "
        "playbook/contacts.yaml: name it in with: or to: without declaring it here, or choose another id"]),
    ("own influencer without relationship", [("    kind: supplier\n", "    kind: influencer\n    last_reviewed: 2026-05-01\n")], [
        "scenarios/kettle-leak.yaml:169:5: contacts.kettle-maker: an influencer needs 'relationship': "
        "paid, standing-partner or organic"]),
    ("team-only own contact named by a public step", [("    kind: supplier\n", "    kind: supplier\n    visibility: team\n")], [
        "scenarios/kettle-leak.yaml:49:86: steps.recover[0].with[0]: contact 'kettle-maker' is team-only but this "
        "step is visible to all staff; mark the step visibility: team or name another contact"]),
    ("own contact without its kind", [("    kind: supplier\n", "")], [
        "scenarios/kettle-leak.yaml:169:5: contacts.kettle-maker.kind: required field is missing",
        "3 checks skipped in scenarios/kettle-leak.yaml until line 169 is fixed"]),
]


@pytest.mark.parametrize("edits, expected", [c[1:] for c in OWN_CONTACT_CASES], ids=[c[0] for c in OWN_CONTACT_CASES])
def test_a_scenarios_own_contact_mistake_is_reported_exactly(small, edits, expected):
    key = lambda p: (p.file, p.field, p.message)  # noqa: E731 - a problem the edit only moved is not new
    before = {key(p) for p in check(small, on=TODAY)[1]}
    for old, new in edits:
        edit(small / KETTLE, old, new)
    _, problems = check(small, on=TODAY)
    assert [str(p) for p in problems if key(p) not in before] == expected


def test_a_placeholder_where_nothing_fills_it_in_is_a_warning(small):
    """The page would show '{brand}' in braces: only statements, comment replies and steps fill
    placeholders in."""
    edit(small / SITE, "summary: The online", "summary: The {brand} online")
    edit(small / SITE, "{do: Post an update., owner: spokesperson", '{do: "Post an update on {social.x}.", owner: spokesperson')
    _, problems = check(small, on=TODAY)
    assert [str(p) for p in problems if p.file == SITE and "{" in p.message] == [
        "scenarios/site-down.yaml:3:10: warning: summary: '{brand}' is shown as written here: placeholders are "
        "filled in statements, comment replies and steps only; write the words out"]


def test_an_sms_with_one_character_outside_the_gsm_alphabet_is_held_to_70(example):
    """A curly apostrophe (as a word processor types it) sends an SMS in UCS-2, 70 characters to
    a message: the English text that fitted in 160 goes as two, and validate says which character."""
    scenario = example / "scenarios" / "complaint-goes-viral.yaml"
    edit(scenario, "{brand}: we're sorry your repair", "{brand}: we\u2019re sorry your repair")
    found = [str(p) for p in check_project(example, TODAY).problems if p.file == "scenarios/complaint-goes-viral.yaml"]
    assert found == [
        "scenarios/complaint-goes-viral.yaml:434:7: statements[3].text: 141 characters (en) is 71 over the "
        "70-character limit of 'sms' ('\u2019' is not in the GSM alphabet, so phones send the text in UCS-2, 70 "
        "characters a message)"]
    edit(scenario, "{brand}: we\u2019re sorry your repair", "{brand}: we're sorry [really] your repair")
    assert [p for p in check_project(example, TODAY).problems if p.file == "scenarios/complaint-goes-viral.yaml"] == []


def test_a_language_listed_twice_in_another_case_is_an_error(small):
    """zh-hant is zh-Hant (a language tag's case means nothing): listed both ways, the build made
    two Chinese editions of one language."""
    edit(small / "playbook" / "organisation.yaml", "languages: [en, zh-Hant]", "languages: [en, zh-Hant, zh-hant, en]")
    assert [str(p) for p in check(small)[1] if p.field.startswith("languages")] == [
        "playbook/organisation.yaml:11:26: languages[2]: 'zh-hant' is listed already as 'zh-Hant' (a language "
        "tag's case does not matter): list each language once",
        "playbook/organisation.yaml:11:35: languages[3]: 'en' is listed already: list each language once"]


def test_a_long_wrong_value_is_quoted_by_its_start(small):
    """A 5,000-character category was quoted whole: one line of a message, one annotation on the
    pull request, 5 KB wide (a file may hold 1 MB of it)."""
    edit(small / KETTLE, "category: product-failure", "category: " + "x" * 5000)
    found = [str(p) for p in check(small)[1] if p.field == "category"]
    assert len(found) == 1 and found[0].startswith(
        "scenarios/kettle-leak.yaml:2:11: category: '" + "x" * 60 + "… (5,000 characters)' is not allowed (expected "
        "one of: product-failure,")
