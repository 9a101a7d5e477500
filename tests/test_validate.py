"""Stage 2: each mistake a PR lead can make comes back as one exact line."""

from __future__ import annotations

import pytest

from conftest import SMALL, TODAY, edit
from crisisbook.validate import check

SITE = "scenarios/site-down.yaml"
KETTLE = "scenarios/kettle-leak.yaml"
ROSTER = "playbook/roster.yaml"
CONTACTS = "playbook/contacts.yaml"

CASES = [
    ("unknown field", SITE, "summary: The online", "summmary: The online", [
        "scenarios/site-down.yaml:1:1: summary: required field is missing",
        "scenarios/site-down.yaml:3:1: summmary: unknown field (did you mean 'summary'?)"]),
    ("wrong type", SITE, "review_interval: 180d", "review_interval: 180", [
        "scenarios/site-down.yaml:6:18: review_interval: must be a duration such as 15m, 2h, 3d or 2w, "
        "found '180'"]),
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
        "scenarios/site-down.yaml:30:11: statements[0].text: 342 characters is 62 over the 280-character "
        "limit of 'x'"]),
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
        "scenarios/site-down.yaml:37:10: comment_replies.press: action 'escalate' needs 'escalate_to': "
        "the role to hand it to"]),
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


def test_cached_and_parallel_validation_says_exactly_what_a_full_run_says(small, monkeypatch):
    import shutil

    from conftest import REPO
    from crisisbook import cache
    from crisisbook.cache import check_cached

    for path in (REPO / "tests" / "corpus").glob("*.yaml"):
        if path.name != "EXPECTED.yaml":
            shutil.copy(path, small / "scenarios" / path.name)
    edit(small / SITE, "category: outage", "category: outtage")
    _, expected = check(small, on=TODAY)
    monkeypatch.setattr(cache, "_PARALLEL_FROM", 1)  # both cores even for a few files
    assert check_cached(small, None, TODAY) == expected  # cold: parsed in two processes
    assert (small / "build" / ".cache" / "validate.json").is_file()
    monkeypatch.setattr(cache, "_check_many", lambda *a, **k: pytest.fail("a cached file was parsed again"))
    assert check_cached(small, None, TODAY) == expected  # warm: nothing parsed


@pytest.mark.parametrize("parallel_from", [1, 10_000])
def test_a_builds_load_and_check_on_both_cores_gives_what_a_full_run_gives(small, monkeypatch, parallel_from):
    from crisisbook import cache

    edit(small / SITE, "category: outage", "category: outtage")
    (small / "scenarios" / "broken.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    sources, expected = check(small, on=TODAY)
    monkeypatch.setattr(cache, "_PARALLEL_FROM", parallel_from)
    got_sources, got = cache.check_all(small, TODAY)
    assert got == expected and any(p.file == "scenarios/broken.yaml" for p in got)
    assert {k: d.data for k, d in got_sources.scenarios.items()} == {
        k: d.data for k, d in sources.scenarios.items()}
    assert {k: d.data for k, d in got_sources.playbook.items()} == {
        k: d.data for k, d in sources.playbook.items()}


def test_cache_notices_a_changed_file_and_playbook(small):
    from crisisbook.cache import check_cached

    assert [p for p in check_cached(small, None, TODAY) if p.is_error] == []
    edit(small / SITE, "category: outage", "category: outtage")
    assert [str(p) for p in check_cached(small, None, TODAY) if p.is_error] == [
        "scenarios/site-down.yaml:2:11: category: 'outtage' is not allowed (did you mean 'outage'?)"]
    edit(small / SITE, "category: outtage", "category: outage")
    edit(small / ROSTER, "spokesperson: {primary: bo-chan,", "spokesperson: {primary: bo-chen,")
    assert len([p for p in check_cached(small, None, TODAY) if p.is_error]) == 1


def test_x_weighted_length_counts_cjk_and_emoji_twice():
    from hypothesis import given, strategies as st

    from crisisbook.model import post_length

    single = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))  # twitter-text v3's ranges

    @given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"])))
    def agrees(text):
        expected = sum(1 if any(lo <= ord(ch) <= hi for lo, hi in single) else 2 for ch in text)
        assert post_length(text, "x-weighted") == expected

    agrees()
    assert post_length("停機 ok 🔥", "x-weighted") == 2 + 2 + 1 + 2 + 1 + 2
    assert post_length("停機", "characters") == 2


@pytest.mark.parametrize("content", ["not json", "[]", '{"k": [["a", "1", 2, "f", "m", "error"]]}',
                                     '{"k": [[1, 2]]}', '{"k": 5}'])
def test_a_damaged_validation_cache_is_ignored(small, content):
    from crisisbook.cache import check_cached

    expected = check_cached(small, None, TODAY)
    store = small / "build" / ".cache" / "validate.json"
    store.write_text(content)
    assert check_cached(small, None, TODAY) == expected


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


NEW_FIELD_CASES = [  # every problem one change adds, warnings included
    ("unknown contact in with", KETTLE, "with: [safety-office]", "with: [safety-ofice]", [
        "scenarios/kettle-leak.yaml:35:14: steps.respond[1].with[0]: unknown contact 'safety-ofice' "
        "(did you mean 'safety-office'?); see playbook/contacts.yaml"]),
    ("unknown contact in to", KETTLE, "to: [safety-office]", "to: [consumer-council]", [
        "scenarios/kettle-leak.yaml:82:10: statements[2].to[0]: unknown contact 'consumer-council' "
        "(expected one of: safety-office, mei-kitchen, leak-lab); see playbook/contacts.yaml"]),
    ("posts an unknown statement", KETTLE, "posts: holding", "posts: holdng", [
        "scenarios/kettle-leak.yaml:31:14: steps.respond[0].posts: unknown statement 'holdng' (did "
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
        "scenarios/kettle-leak.yaml:30:11: warning: steps.respond[0].by: posts the holding statement "
        "'holding' at 2h, after the 1h first response of 'sev1'; bring it forward"]),
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
        "scenarios/site-down.yaml:44:17: languages[1]: 'fr' is not a language of the handbook "
        "(expected one of: en, zh-Hant); see languages in playbook/organisation.yaml"]),
    ("influencer without relationship", CONTACTS, "    relationship: standing-partner\n", "", [
        "playbook/contacts.yaml:11:5: contacts.mei-kitchen: an influencer needs 'relationship': "
        "paid, standing-partner or organic"]),
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
