"""What the live preview says besides the pages: a bad save's problems, in the order a PR lead
acts on them, and the page a link into an edition that is not being previewed gets."""

from __future__ import annotations

import html
from collections import Counter

from .report import WARNING, Problem, printable, sort_key
from .site import Edition


def problem_lines(problems: list[Problem], saved: set[str]) -> list[str]:
    """Errors first, the saved files' before the others', every error in full on its own line;
    then the saved files' warnings; each other file's warnings as one line with their count.
    (Listed in file order, the 56 untranslated fields of an English-first scenario came before
    the error just made, and the sticky panel pushed it off the screen.)"""
    def group(p: Problem) -> int:  # notes of skipped checks go with the errors they wait for
        return 2 * (p.severity == WARNING) + (p.file not in saved)

    ordered = sorted(problems, key=lambda p: (group(p), sort_key(p)))
    lines = [str(p) for p in ordered if group(p) < 3]
    folded = Counter(p.file for p in ordered if group(p) == 3)
    return lines + [f"{printable(file)}: {n} warning{'s' * (n != 1)} (run crisisbook validate to see them)"
                    for file, n in folded.items()]


# A link into another edition of the handbook (the language switch) while one is previewed.
# Each language names the others in its own words; a language not listed here says it in English.
_ELSEWHERE = {
    "en": "This preview shows the {shown} edition; run crisisbook serve --lang {lang} to preview the {wanted} one.",
    "zh-Hant": "此預覽顯示的是{shown}版；要預覽{wanted}版，請執行 crisisbook serve --lang {lang}。",
}
_BACK = {"en": "Back to the {shown} edition", "zh-Hant": "返回{shown}版"}
_NAMES = {"en": {"en": "English", "zh-Hant": "Chinese"}, "zh-Hant": {"en": "英文", "zh-Hant": "中文"}}


def elsewhere_page(shown: Edition, wanted: Edition) -> bytes:
    """A short page, in the language asked for and the one previewed, saying which edition this
    preview shows and the command that previews the other: better than a 404 for a link that
    works once published."""
    paragraphs = []
    for lang in dict.fromkeys((wanted.lang, shown.lang)):
        words = lang if lang in _ELSEWHERE else "en"
        names = _NAMES.get(words, {})
        say = {"shown": names.get(shown.lang, shown.label), "wanted": names.get(wanted.lang, wanted.label),
               "lang": wanted.lang}
        paragraphs.append(f'<p lang="{html.escape(words)}">{html.escape(_ELSEWHERE[words].format(**say))} '
                          f'<a href="/{html.escape(shown.prefix)}">{html.escape(_BACK[words].format(**say))}</a></p>')
    return ('<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" '
            'content="width=device-width,initial-scale=1"><title>crisisbook preview</title></head>'
            f'<body style="font:16px/1.5 sans-serif;max-width:40em;margin:2em auto;padding:0 1em">'
            f'{"".join(paragraphs)}</body></html>').encode()
