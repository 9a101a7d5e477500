"""Stage 1: every kind of broken file gets one exact line naming file, line and column."""

from __future__ import annotations

import time

import pytest

from crisisbook.errors import LoadError
from crisisbook.load import load_bytes

BAD = [
    ("malformed", b"title: a: b\n", "x.yaml:1:9: unexpected ':'; quote a value that contains ': '"),
    ("unclosed flow", b"team: [a, b\nowner: c\n",
     "x.yaml:2:6: a flow list or mapping ([ ] or { }) is not closed; quote values that contain "
     "braces, commas or ': '"),
    ("duplicate key", b"title: a\ntitle: b\n", "x.yaml:2:1: duplicate key 'title' (first defined on line 1)"),
    ("duplicate nested key", b"kol:\n  who: a\n  when: b\n  who: c\n",
     "x.yaml:4:3: duplicate key 'who' (first defined on line 2)"),
    ("empty file", b"", "x.yaml:1:1: file is empty: it must hold a mapping of fields"),
    ("only a comment", b"# nothing yet\n", "x.yaml:1:1: file is empty: it must hold a mapping of fields"),
    ("top-level list", b"- a\n- b\n", "x.yaml:1:1: the top level must be a mapping of fields, found a list"),
    ("top-level scalar", b"hello\n", "x.yaml:1:1: the top level must be a mapping of fields, found a single value"),
    ("not utf-8", b"title: ok\nsummary: caf\xe9\n", "x.yaml:2:13: not UTF-8 text (byte 0xe9); save the file as UTF-8"),
    ("tab indentation", b"kol:\n\twho: a\n", "x.yaml:2:1: a tab character is not allowed here: indent with spaces"),
    # a PR lead's space too many or too few: where the line belongs, not libyaml's words
    ("indented one space short", b"steps:\n  detect:\n    - do: x\n      owner: a\n     by: 1h\n",
     "x.yaml:5:6: this line is indented 5 spaces, which lines up with no key above it: indent it "
     "6 spaces, like 'owner:' on line 4"),
    ("list item indented short", b"steps:\n  detect:\n    - do: x\n      owner: a\n   - do: y\n",
     "x.yaml:5:4: this line is indented 3 spaces, which lines up with no key above it: indent it "
     "4 spaces, like '- do:' on line 3"),
    ("key dedented one space", b"severity:\n  sev1: a\n sev2: b\n",
     "x.yaml:3:2: this line is indented 1 space, which lines up with no key above it: indent it "
     "2 spaces, like 'sev1:' on line 2"),
    ("key after a list", b"team:\n  - a\n  b: c\n",
     "x.yaml:3:3: this line does not fit the block started on line 2: check its indentation, and "
     "whether it needs a '- ' (a list item) or a 'key:'"),
    ("key indented short after a text block",
     b"steps:\n  detect:\n    - do:\n        en: >-\n          Alert the lead.\n     owner: a\n",
     "x.yaml:6:6: this line is indented 5 spaces, which lines up with no key above it: indent it "
     "6 spaces, like 'do:' on line 3"),
    ("flow item indented short", b"steps:\n  detect:\n    - {do: x, owner: a, by: 1h}\n   - {do: y}\n",
     "x.yaml:4:4: this line is indented 3 spaces, which lines up with no key above it: indent it "
     "4 spaces, like line 3"),
    ("key indented too far", b"steps:\n  detect:\n    - do: x\n      owner: a\n        by: 1h\n",
     "x.yaml:5:11: this line is indented more than line 4, so it reads as more of that line's "
     "value: indent it 6 spaces like line 4, or quote a value that contains ': '"),
    ("python tag", b"title: !!python/object/apply:os.system ['touch /tmp/pwned']\n",
     "x.yaml:1:8: tag '!!python/object/apply:os.system' is not allowed: crisisbook reads plain data only"),
    ("unknown tag", b"title: !secret x\n", "x.yaml:1:8: tag '!secret' is not allowed: crisisbook reads plain data only"),
    ("alias", b"a: &x [1]\nb: *x\n",
     "x.yaml:2:1: anchors and aliases (&name, *name) are not supported: write the value out"),
    ("merge key", b"a: &x {b: 1}\nc:\n  <<: *x\n", "x.yaml:3:3: merge keys (<<) are not supported: write the fields out"),
    ("two documents", b"a: 1\n---\nb: 2\n", "x.yaml:2:1: the file holds more than one YAML document (---)"),
    ("deep nesting", b"a: " + b"[" * 60_000, "x.yaml:1:36: nested more than 32 levels deep"),
    ("too large", b"a: " + b"x" * 2_000_000, "x.yaml: file is 2,000,003 bytes; the limit is 1,000,000"),
]


@pytest.mark.parametrize("raw, expected", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_file_gets_one_exact_line(raw, expected):
    with pytest.raises(LoadError) as caught:
        load_bytes(raw, "x.yaml")
    assert caught.value.format_message() == expected


def test_alias_bomb_is_refused_before_it_expands():
    # "billion laughs": nine levels of nine aliases would be 9**9 strings once walked
    lines = ['a0: &a0 "lol"']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    started = time.perf_counter()
    with pytest.raises(LoadError, match="anchors and aliases"):
        load_bytes("\n".join(lines).encode(), "bomb.yaml")
    assert time.perf_counter() - started < 1  # generous: expanding it would take minutes


def test_values_keep_what_was_written():
    doc = load_bytes(b"a: yes\nb: no\nc: on\nd: 0123\ne: +852 2000 0000\nf: 2026-01-31\n"
                     b"g: true\nh: 12\ni: 1.5\nj: ~\nk: '12'\n", "x.yaml")
    assert doc.data == {"a": "yes", "b": "no", "c": "on", "d": "0123", "e": "+852 2000 0000",
                        "f": "2026-01-31", "g": True, "h": "12", "i": "1.5", "j": None, "k": "12"}


def test_bom_and_crlf_are_accepted():
    doc = load_bytes("\ufefftitle: a\r\nowner: b\r\n".encode(), "x.yaml")
    assert doc.data == {"title": "a", "owner": "b"}
    assert doc.marks[("owner",)] == (2, 8)


def test_marks_point_at_values_and_keys():
    doc = load_bytes(b"steps:\n  respond:\n    - do: x\n      owner: cfo\n", "x.yaml")
    assert doc.marks[("steps", "respond", 0, "owner")] == (4, 14)
    assert doc.key_marks[("steps", "respond", 0, "owner")] == (4, 7)
    assert doc.mark(("steps", "respond", 0, "by")) == (3, 7)  # missing: nearest existing parent


QUOTED_BRACKETS = [
    ("single-quoted", "a: 'an unclosed [ in prose " + "[" * 40 + "'\n", "an unclosed [ in prose " + "[" * 40),
    ("double-quoted with escapes", 'a: "say \\"[\\" ' + "{" * 40 + '"\n', 'say "[" ' + "{" * 40),
    ("single quote doubled", "a: 'it''s [" + "[" * 40 + "'\n", "it's [" + "[" * 40),
    ("quoted in a flow list", "a: ['[" + "[" * 40 + "', \"]\"]\n", ["[" + "[" * 40, "]"]),
    ("multi-line quoted", "a: \"one [\n  " + "[" * 40 + " two\"\n", "one [ " + "[" * 40 + " two"),
    ("comment", "a: b  # see [" + "[" * 40 + "\n", "b"),
]


@pytest.mark.parametrize("text, value", [c[1:] for c in QUOTED_BRACKETS], ids=[c[0] for c in QUOTED_BRACKETS])
def test_brackets_in_quoted_text_and_comments_are_not_nesting(text, value):
    assert load_bytes(text.encode(), "x.yaml").data == {"a": value}


def test_deep_nesting_after_quoted_text_is_still_refused():
    text = "a: 'it''s [ fine'  # [ [\nb: " + "[" * 60_000
    with pytest.raises(LoadError, match=r"^x.yaml:2:36: nested more than 32 levels deep$"):
        load_bytes(text.encode(), "x.yaml")
    # an apostrophe inside plain text does not open a quote that would hide the nesting
    with pytest.raises(LoadError, match=r"^x.yaml:1:42: nested more than 32 levels deep$"):
        load_bytes(("a: don't " + "[" * 60_000).encode(), "x.yaml")


def test_blank_pairs_do_not_hide_deep_nesting():
    """The scan is skipped only when a bound says it cannot refuse: `{blank}` pairs, dozens a
    scenario, count as one level together, so a file of them loads without the scan, and a pair
    at the 33rd level is still refused where it opens."""
    text = "Dear {name}, " * 100 + "regards"
    assert load_bytes(f"a: {text}\n".encode(), "x.yaml").data == {"a": text}
    with pytest.raises(LoadError, match=r"^x.yaml:1:36: nested more than 32 levels deep$"):
        load_bytes(("a: " + "[" * 32 + "{x}" + "]" * 32 + "\n").encode(), "x.yaml")
