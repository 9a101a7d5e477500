"""Stage 4: Handbook -> {relative path: Markdown}, through the project's Jinja2 templates.

Templates run in Jinja2's sandbox with StrictUndefined: a typo in a template is an error naming
the template and line, never an empty string on a page. Scenario text is data, not markup: every
string from YAML passes through `md` (inline Markdown/HTML escaped) or `statement` (an escaped
<pre> block) before it reaches a page, so `<script>` or `[x](javascript:…)` shows as inert text.
"""

from __future__ import annotations

import html
import json
import multiprocessing
import re
import traceback
from concurrent.futures import ProcessPoolExecutor
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from .errors import RenderError
from .load import load_file
from . import model
from .model import PLACEHOLDER, Handbook, Text

# One pass over inline text: HTML's three special characters become entities, and the characters
# Python-Markdown treats as syntax anywhere in a line get their backslash escape.
_INLINE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;",
                         **{c: "\\" + c for c in "\\`*_{}[]()!|"}})
# Characters that only mean something at the start of a line (lists, headings, quotes).
_LEADING = re.compile(r"^(\s*)([-+#>]|\d+\.)")
_LEADERS = set("-+#>0123456789")


@dataclass(frozen=True)
class Rendered:
    pages: dict[str, str]  # "scenarios/outage.md" -> Markdown
    nav: list  # MkDocs nav structure, sections and pruning decided here rather than in a plugin


class Fallback(str):
    """Text shown in the default language because the page's language has no translation."""

    lang: str


def md(value) -> str:
    """Inline text from data, made inert: HTML-escaped, Markdown syntax backslash-escaped."""
    text = " ".join(str(value).split()).translate(_INLINE)  # one line: table cells, list items
    if text[:1] in _LEADERS:  # rare: spare the regular expression on most text
        text = _LEADING.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return _mark_fallback(value, text)


def statement(value, blanks=()) -> str:
    """A statement as a copyable <pre><code> block, its blanks highlighted as fill-in fields."""
    descriptions = {name: str(desc) for name, desc in blanks}
    out, pos = [], 0
    text = str(value)
    for m in PLACEHOLDER.finditer(text):
        out.append(html.escape(text[pos:m.start()]))
        title = html.escape(descriptions.get(m.group(1), ""), quote=True)
        out.append(f'<mark class="cb-blank" data-blank="{m.group(1)}" title="{title}">'
                   f'{html.escape(m.group(0))}</mark>')
        pos = m.end()
    out.append(html.escape(text[pos:]))
    # A blank line would end the raw HTML block in some Markdown engines: keep it, as an entity.
    body = "".join(out).replace("\n\n", "\n&#10;")
    marked = f' cb-untranslated" lang="{value.lang}' if isinstance(value, Fallback) else ""
    return f'<pre class="cb-statement{marked}"><code>{body}</code></pre>'


def _mark_fallback(value, escaped: str) -> str:
    """Untranslated text is marked (lang attribute and a class the stylesheet labels), never
    silently mixed into a page of another language."""
    if not isinstance(value, Fallback):
        return escaped
    return f'<span class="cb-untranslated" lang="{value.lang}">{escaped}</span>'


def page_title(value) -> str:
    """A YAML-safe, HTML-escaped title for a page's front matter. MkDocs copies the page title
    unescaped into <title>, the navigation and search results; taking it from the H1 would turn
    `</title><script>` in a scenario title into markup there."""
    return json.dumps(html.escape(" ".join(str(value).split())), ensure_ascii=False)


def tel(phone: str) -> str:
    return "tel:" + re.sub(r"[^0-9+]", "", phone)


def mailto(email: str) -> str:
    return "mailto:" + quote(email, safe="@.+-_")


def deadline(by: str) -> str:
    return f"T+{by}"


NAV_SECTION = 30  # most scenarios one navigation section lists; larger categories are split


def _chunked(pages: list[str]) -> list:
    """A category's pages, split into sections of NAV_SECTION ("1–30", "31–60", …) when it is
    large: with pruning, a page's navigation then stays the same size at 100 or 1,000 scenarios."""
    if len(pages) <= NAV_SECTION:
        return pages
    return [{f"{i + 1}–{min(i + NAV_SECTION, len(pages))}": pages[i:i + NAV_SECTION]}
            for i in range(0, len(pages), NAV_SECTION)]


def _where(e: jinja2.TemplateError, template: str) -> str:
    """templates/pages/x.md.j2:12, from the error (syntax) or the innermost template frame."""
    frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename.endswith(".j2")]
    filename = getattr(e, "filename", None) or (frames[-1].filename if frames else template)
    lineno = getattr(e, "lineno", None) or (frames[-1].lineno if frames else "?")
    return f"{Path(filename).name}:{lineno}"


@jinja2.pass_context
def translate(context, value):
    """The one place a Text becomes a string: the page's language, else the default language
    marked as a Fallback."""
    if not isinstance(value, Text):
        return value
    lang = context["lang"]
    if lang in value.values:
        return value.values[lang]
    fallback = Fallback(value.get(lang))
    fallback.lang = value.default
    return fallback


PARALLEL_FROM = 128  # pages; below this, starting a process costs more than it saves
_FORK = "fork" in multiprocessing.get_all_start_methods()
_forked: tuple = ()  # what a forked renderer process inherits: (renderer, base, jobs, alternates)


def _render_jobs(renderer, base: dict, jobs, alternates) -> dict[str, str]:
    return {name: renderer.page(template, **base, **extra, alternates=alternates(name) if alternates else [])
            for name, template, extra in jobs}


def _render_slice(bounds: tuple[int, int]) -> dict[str, str]:
    renderer, base, jobs, alternates = _forked
    return _render_jobs(renderer, base, jobs[bounds[0]:bounds[1]], alternates)


def _render_forked(renderer, base: dict, jobs: list, alternates, workers: int) -> dict[str, str]:
    """The pages in `workers` slices: this process renders the first while forked copies of it
    render the others. Forked, because they then share the handbook and the compiled templates
    as they are, and only the Markdown comes back (a page's job holds closures that would not
    pickle)."""
    global _forked
    size = -(-len(jobs) // workers)
    bounds = [(start, min(start + size, len(jobs))) for start in range(0, len(jobs), size)]
    _forked = (renderer, base, jobs, alternates)
    try:
        with ProcessPoolExecutor(len(bounds) - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            others = [pool.submit(_render_slice, b) for b in bounds[1:]]
            pages = _render_jobs(renderer, base, jobs[:bounds[0][1]], alternates)
            for other in others:
                pages.update(other.result())
    finally:
        _forked = ()
    return pages


_MODEL = frozenset(cls for cls in vars(model).values() if dataclasses.is_dataclass(cls) and cls.__module__ == model.__name__)


class _Sandbox(SandboxedEnvironment):
    """Jinja2's sandbox, remembering its verdict per (type, attribute name): the verdict depends
    on nothing else (underscore names, and the internals of functions, methods, classes, frames
    and generators), and working it out on every access was a third of rendering time."""

    def __init__(self, **options):
        super().__init__(**options)
        self._verdicts: dict = {}

    def is_safe_attribute(self, obj, attr, value) -> bool:
        key = (type(obj), attr)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts[key] = super().is_safe_attribute(obj, attr, value)
        return verdict

    def getattr(self, obj, attribute):
        """`sc.title` on crisisbook's own model, once judged safe, is a plain attribute read. The
        sandbox's remaining step, wrapping `str.format` methods, cannot apply: no model class
        has such a method."""
        if type(obj) in _MODEL and self._verdicts.get((type(obj), attribute)):
            try:
                return getattr(obj, attribute)
            except AttributeError:
                pass
        return super().getattr(obj, attribute)


class Renderer:
    """Compiles the project's templates once and renders every page of a handbook."""

    def __init__(self, templates: Path):
        self.env = _Sandbox(
            loader=jinja2.FileSystemLoader([templates / "pages", templates]), undefined=jinja2.StrictUndefined,
            autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
        self.env.filters.update(md=md, statement=statement, tel=tel, mailto=mailto, deadline=deadline,
                                page_title=page_title, t=translate)
        self.env.globals["parts"] = self.parts
        self.parts_cache: dict = {}  # (part, scenario id, language, arguments) -> (Scenario, Markdown)
        strings = load_file(templates / "strings.yaml", "templates/strings.yaml").data
        self.strings = strings

    @jinja2.pass_context
    def parts(self, context, name: str, scenarios, **args) -> str:
        """Each scenario's piece of a page that lists every scenario (role pages, the statement
        library), rendered once per scenario and reused while the Scenario object is the same:
        an edit to one scenario re-renders its pieces only. One call per listing, not one per
        scenario: each call from a template pays the sandbox's checks."""
        lang = context["lang"]
        fixed = tuple((k, getattr(v, "id", v)) for k, v in args.items())
        out = []
        for sc in scenarios:
            key = (name, sc.id, lang, fixed)
            hit = self.parts_cache.get(key)
            if hit is None or hit[0] is not sc:
                text = self.page(f"parts/{name}.md.j2", s=context["s"], lang=lang, sc=sc, **args)
                hit = self.parts_cache[key] = (sc, text)
            out.append(hit[1])
        return "".join(out)

    def page(self, template: str, **context) -> str:
        try:
            return self.env.get_template(template).render(**context)
        except jinja2.TemplateError as e:
            raise RenderError(f"template {_where(e, template)}: {e.message}") from e

    def render(self, hb: Handbook, today, lang: str | None = None, alternates=None,
               cache: dict | None = None, workers: int = 1) -> Rendered:
        """Every page in one language. `alternates(page)` gives the links to the same page in
        the other languages (none by default). With `cache` (the live preview's), a scenario
        page whose Scenario object is unchanged is not rendered again. With `workers` > 1 (a
        build), a large handbook's pages are rendered in that many processes."""
        lang = lang or hb.default_language
        s = self.strings.get(lang) or self.strings[hb.default_language]
        base = dict(hb=hb, s=s, lang=lang, today=today)
        jobs = [("index.md", "home.md.j2", {}), ("scenarios/index.md", "scenarios.md.j2", {}),
                ("roles/index.md", "roles.md.j2", {}), ("severity.md", "severity.md.j2", {}),
                ("roster.md", "roster.md.j2", {}), ("statements.md", "statements.md.j2", {}),
                ("review.md", "review.md.j2", {})]
        jobs += [(f"scenarios/{sc.id}.md", "scenario.md.j2", {"sc": sc}) for sc in hb.scenarios]
        jobs += [(f"roles/{role.id}.md", "role.md.j2", {"role": role}) for role in hb.roles]
        if workers > 1 and cache is None and len(jobs) >= PARALLEL_FROM and _FORK:
            return Rendered(_render_forked(self, base, jobs, alternates, workers), self.nav(hb, s))
        pages = {}
        for name, template, extra in jobs:
            sc = extra.get("sc")
            hit = cache.get((name, lang)) if cache is not None and sc else None
            if hit and hit[0] is sc and hit[1] == today:
                pages[name] = hit[2]
                continue
            pages[name] = self.page(template, **base, **extra,
                                    alternates=alternates(name) if alternates else [])
            if cache is not None and sc:
                cache[(name, lang)] = (sc, today, pages[name])
        return Rendered(pages, self.nav(hb, s))

    def nav(self, hb: Handbook, s: dict) -> list:
        """Scenarios grouped by category, so a page's navigation lists its own section only."""
        by_category: dict[str, list] = {}
        for sc in hb.scenarios:
            by_category.setdefault(sc.category, []).append(f"scenarios/{sc.id}.md")
        return [
            {s["nav"]["home"]: "index.md"},
            {s["nav"]["scenarios"]: ["scenarios/index.md"] + [
                {s["categories"][cat]: _chunked(pages)} for cat, pages in by_category.items()]},
            {s["nav"]["severity"]: "severity.md"},
            {s["nav"]["roles"]: ["roles/index.md"] + [f"roles/{r.id}.md" for r in hb.roles]},
            {s["nav"]["roster"]: "roster.md"},
            {s["nav"]["statements"]: "statements.md"},
            {s["nav"]["review"]: "review.md"},
        ]
