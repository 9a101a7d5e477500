"""Stage 4: Handbook -> {relative path: Markdown}, through the project's Jinja2 templates.

Templates run in Jinja2's sandbox with StrictUndefined: a typo in a template is an error naming
the template and line, never an empty string on a page. Scenario text is data, not markup, and a
template cannot forget to say so: every `{{ … }}` goes through `_finalize`, which escapes anything
that is not already `Markdown` (made safe by `md`, `code`, `statement` and the other filters, or
the interface strings of templates/strings.yaml). So `<script>` or `[x](javascript:…)` shows as
inert text in whatever field it is written, and a template that writes `{{ field }}` gets it
escaped exactly as `{{ field|md }}`. In raw HTML (attributes, hidden blocks) `|e` escapes for HTML.
"""

from __future__ import annotations

import html
import json
import multiprocessing
import os
import re
import traceback
from concurrent.futures import ProcessPoolExecutor
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import jinja2
from jinja2.filters import do_truncate
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from . import fsguard
from .children import die_with_parent
from .errors import RenderError
from .load import load_file
from . import model
from .pages import FIXED, PER_ID, page_of
from .model import PLACEHOLDER, Handbook, Text

# One pass over inline text: HTML's three special characters become entities, and the characters
# Python-Markdown treats as syntax anywhere in a line get their backslash escape.
_INLINE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;",
                         **{c: "\\" + c for c in "\\`*_{}[]()!|"}})
# Any character _INLINE changes. Most inline text (names, ids, numbers, durations: ~94% of md's
# calls on a large handbook) has none, and a search for one is ~5x cheaper than translate,
# whose replacements of several characters are looked up character by character.
_ESCAPED = re.compile(r"[&<>\\`*_{}\[\]()!|]")
# Characters that only mean something at the start of a line (lists, headings, quotes).
_LEADING = re.compile(r"^(\s*)([-+#>]|\d+\.)")
_LEADERS = set("-+#>0123456789")
# An international phone number in running text ("+852 3001 8800"): kept on one line.
_PHONE = re.compile(r"\+\d{1,3}(?:[ -]\d{2,5}){1,4}")


def phones_whole(escaped: str) -> str:
    """Escaped text with each phone number in a span the stylesheets keep from wrapping."""
    if "+" not in escaped:  # most text has none: spare the regular expression
        return escaped
    return _PHONE.sub(lambda m: f'<span class="cb-tel">{m.group(0)}</span>', escaped)


@dataclass(frozen=True)
class Rendered:
    pages: dict[str, str]  # "scenarios/outage.md" -> Markdown
    nav: list  # MkDocs nav structure, sections and pruning decided here rather than in a plugin


class Fallback(str):
    """Text shown in the default language because the page's language has no translation."""

    lang: str
    note: str  # the mark the page shows next to it, in the page's language ("未有中文版本")


class Markdown(str):
    """Text that is safe to put on a page as it is: data already escaped by a filter here, or
    crisisbook's own interface strings. Anything else a template outputs is escaped by
    `_finalize`. (An operation on it, such as `+` or `replace`, gives a plain str again, which is
    then escaped: the safe direction.)"""


def md(value, truncate: int | None = None) -> Markdown:
    """Inline text from data, made inert: HTML-escaped, Markdown syntax backslash-escaped, on one
    line (table cells, list items). `truncate` shortens the text before it is escaped, so an
    escape or an entity is never cut in half."""
    text = " ".join(str(value).split())
    if truncate is not None:
        text = do_truncate(None, text, truncate, leeway=5)  # Jinja's `truncate`, same result
    if _ESCAPED.search(text):
        text = text.translate(_INLINE)
    text = phones_whole(text)  # first: a number that starts the text then needs no escape
    if text[:1] in _LEADERS:  # rare: spare the regular expression on most text
        text = _LEADING.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return Markdown(_mark_fallback(value, text))


def code(value) -> Markdown:
    """Inline text from data shown as code (keywords, hashtags, tags). Not a Markdown code span:
    its content cannot be escaped, and a blank line in it would end the span and the paragraph,
    leaving the rest as live Markdown and HTML. The same escaping as `md`, in a <code> element."""
    return Markdown(f"<code>{md(value)}</code>")


# What Markdown (or HTML) could take for syntax in an attribute value. `|e` alone is not enough
# there: the engine's Markdown runs over inline HTML in a paragraph, so `[x](y)` in an attribute
# became `<a href="y">`, whose quotes ended the attribute. As character references the browser
# reads the same text, and Markdown sees none of its syntax.
_ATTRIBUTE = {ord(c): f"&#{ord(c)};" for c in "&<>\"'`[]()*_!{}\\|~"}


def attribute(value) -> Markdown:
    """Free text from data for an HTML attribute's quoted value (data-channel="…"), on one line.
    (Ids and blank names, whose patterns allow none of this syntax, keep `|e`.)"""
    return Markdown(" ".join(str(value).split()).translate(_ATTRIBUTE))


def _finalize(value) -> str:
    """Every `{{ … }}` of a page template ends here: what a filter made safe passes, Markup
    (`|e`, for raw HTML) passes, anything else (a field written without a filter, text a filter
    such as `replace` gave back as a plain string, a number) is escaped as `md` does. Leading and
    trailing spaces are kept: templates write separators such as `", "`."""
    if isinstance(value, (Markdown, Markup)):
        return value
    text = str(value)
    escaped = md(text)
    lead = " " if text[:1].isspace() and escaped else ""
    trail = " " if text[-1:].isspace() else ""
    return f"{lead}{escaped}{trail}"


@jinja2.pass_context
def statement_filter(context, value, blanks=(), kind: str = "statement") -> Markdown:
    """`statement` with the blanks' descriptions in the page's language."""
    return statement(value, [(name, translate(context, desc)) for name, desc in blanks], kind)


def statement(value, blanks=(), kind: str = "statement") -> Markdown:
    """A statement (or comment reply) as a <pre> block, its blanks highlighted as fill-in fields.
    A bare <pre>, not <pre><code>: the theme puts its own copy button on code blocks, which
    would copy the raw {blanks}; crisisbook.js adds one that checks them."""
    descriptions = {name: str(desc) for name, desc in blanks}
    out, pos, described = [], 0, set()
    text = str(value)
    for m in PLACEHOLDER.finditer(text):
        out.append(phones_whole(html.escape(text[pos:m.start()])))
        # its description at its first use only: a 2,000-character description on each of 1,666
        # uses in a statement made a 24 MB page of a 40 KB scenario (the fill-in panel has them all)
        name, title = m.group(1), ""
        if name not in described:
            described.add(name)
            title = f' title="{html.escape(descriptions.get(name, ""), quote=True)}"'
        out.append(f'<mark class="cb-blank" data-blank="{name}"{title}>{html.escape(m.group(0))}</mark>')
        pos = m.end()
    out.append(phones_whole(html.escape(text[pos:])))
    # A blank line would end the raw HTML block in some Markdown engines: keep it, as an entity.
    body = "".join(out).replace("\n\n", "\n&#10;")
    marked = f' cb-untranslated" lang="{value.lang}" data-note="{html.escape(value.note, quote=True)}' \
        if isinstance(value, Fallback) else ""
    return Markdown(f'<pre class="cb-{kind}{marked}">{body}</pre>')


def blankless(value) -> str:
    """The text without its {blanks}, for character counts: a blank's own name is not text that
    will be posted (the page's script adds what the reader types)."""
    return PLACEHOLDER.sub("", str(value))


def cut(value, length: int) -> str:
    """At most `length` characters of plain text, cut at a word where the text has spaces and at
    a character otherwise (Chinese), then "…". Cut before escaping, so never inside markup; an
    untranslated text stays marked as such."""
    text = " ".join(str(value).split())
    if len(text) > length:
        short = text[:length]
        space = short.rfind(" ")
        text = (short[:space] if space > length * 2 // 3 else short).rstrip(" ,;:.，、；：。") + "…"
    if isinstance(value, Fallback):
        out = Fallback(text)
        out.lang, out.note = value.lang, value.note
        return out
    return text


def _mark_fallback(value, escaped: str) -> str:
    """Untranslated text is marked (lang attribute and a class the stylesheet labels), never
    silently mixed into a page of another language."""
    if not isinstance(value, Fallback):
        return escaped
    note = html.escape(value.note, quote=True)
    return f'<span class="cb-untranslated" lang="{value.lang}" data-note="{note}">{escaped}</span>'


def page_title(value) -> Markdown:
    """A YAML-safe, HTML-escaped title for a page's front matter. MkDocs copies the page title
    unescaped into <title>, the navigation and search results; taking it from the H1 would turn
    `</title><script>` in a scenario title into markup there."""
    return Markdown(json.dumps(html.escape(" ".join(str(value).split())), ensure_ascii=False))


def tel(phone: str) -> Markdown:
    return Markdown("tel:" + re.sub(r"[^0-9+]", "", phone))


def mailto(email: str) -> Markdown:
    return Markdown("mailto:" + quote(email, safe="@.+-_"))  # percent-encoded: inert in a link


def email(address: str) -> Markdown:
    """An e-mail address shown as text (escaped as `md` does) that may wrap after its "@" (a
    <wbr>, which adds no character to what is copied or searched): in a narrow table column it
    breaks into its two halves instead of widening the table past the page."""
    text = md(address)
    local, _, domain = text.rpartition("@")
    return Markdown(f"{local}@<wbr>{domain}") if local and domain else text


def href(url: str) -> Markdown:
    """A URL from data, safe as a Markdown link target: brackets, quotes and spaces encoded."""
    return Markdown(quote(url, safe=":/?#@!$&*+,;=%-._~"))


def span(duration: str, units: dict) -> str:
    """'4h' in the page's language: units from strings.yaml ('4h', '4小時')."""
    return duration[:-1] + units.get(duration[-1], duration[-1])


def deadline(by: str, units: dict) -> Markdown:
    """A step's deadline, 'T+4h', in the page's language ('T+4小時')."""
    return Markdown(f"T+{md(span(by, units))}")


def _trusted(strings):
    """templates/strings.yaml, the handbook's interface text, is part of the templates (reviewed
    as code) and may be written as Markdown: each string marked safe."""
    if isinstance(strings, dict):
        return {key: _trusted(value) for key, value in strings.items()}
    if isinstance(strings, list):
        return [_trusted(value) for value in strings]
    return Markdown(strings) if isinstance(strings, str) else strings


NAV_SECTION = 30  # most scenarios one navigation section lists; larger categories are split


def _chunked(pages: list[str]) -> list:
    """A category's pages, split into sections of NAV_SECTION ("1–30", "31–60", …) when it is
    large: with pruning, a page's navigation then stays the same size at 100 or 1,000 scenarios."""
    if len(pages) <= NAV_SECTION:
        return pages
    return [{f"{i + 1}–{min(i + NAV_SECTION, len(pages))}": pages[i:i + NAV_SECTION]}
            for i in range(0, len(pages), NAV_SECTION)]


def _where(e: Exception, template: str) -> str:
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
    fallback.note = context["s"].get("untranslated_mark", value.default)
    return fallback


PARALLEL_FROM = 128  # pages; below this, starting a process costs more than it saves
_FORK = "fork" in multiprocessing.get_all_start_methods()
_forked: tuple = ()  # what a forked renderer process inherits: (renderer, base, jobs, alternates)


def _render_jobs(renderer, base: dict, jobs, alternates) -> dict[str, str]:
    return {name: renderer.page(template, **base, **extra, **_links(name, extra.get("sc"), base, alternates))
            for name, template, extra in jobs}


def _links(name: str, sc, base: dict, alternates) -> dict:
    """A page's links to other editions: `alternates` (the same page in each language that has
    it) and `elsewhere` (scenario id -> the link to an edition written in its language, for the
    scenarios this edition lists without a page of their own)."""
    if not alternates:
        return {"alternates": [], "elsewhere": {}}
    alts = alternates(name)
    if sc is not None and sc.languages is not None:
        alts = [a for a in alts if sc.written_in(a["lang"])]
    elsewhere = {}
    for away in base["away"]:
        targets = [a for a in alternates(name, f"scenarios/{away.id}.md") if away.written_in(a["lang"])]
        if targets:
            elsewhere[away.id] = targets[0]
    return {"alternates": alts, "elsewhere": elsewhere}


def _render_slice(part: int, parts: int) -> dict[str, str]:
    renderer, base, jobs, alternates = _forked
    return _render_jobs(renderer, base, jobs[part::parts], alternates)


def _render_forked(renderer, base: dict, jobs: list, alternates, workers: int) -> dict[str, str]:
    """The pages in `workers` slices: this process renders the first while forked copies of it
    render the others. Forked, because they then share the handbook and the compiled templates
    as they are, and only the Markdown comes back (a page's job holds closures that would not
    pickle). Every `workers`-th page goes to one slice, so each gets its share of the listing
    pages (the statement library, the roster), which cost far more than a scenario's page."""
    global _forked
    parts = min(workers, len(jobs))
    _forked = (renderer, base, jobs, alternates)
    try:
        with ProcessPoolExecutor(parts - 1, mp_context=multiprocessing.get_context("fork"),
                                 initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            others = [pool.submit(_render_slice, part, parts) for part in range(1, parts)]
            pages = _render_slice(0, parts)
            for other in others:
                pages.update(other.result())
    finally:
        _forked = ()
    return {name: pages[name] for name, _, _ in jobs}  # in the order a single process renders them


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


class TemplateLoader(jinja2.BaseLoader):
    """Jinja2's FileSystemLoader, reading through fsguard: a template that is a link out of the
    project, a device or a folder is refused like any other project file."""

    def __init__(self, root: Path, folders: list[Path]):
        self.root, self.folders = root, [Path(f) for f in folders]

    def get_source(self, environment, template: str):
        parts = jinja2.loaders.split_template_path(template)  # refuses ".." and absolute names
        for folder in self.folders:
            path = folder.joinpath(*parts)
            if os.path.lexists(path) and not (path.is_dir() and not path.is_symlink()):
                source = fsguard.read_text(self.root, path)
                stamp = os.stat(path).st_mtime_ns
                return source, str(path), lambda: _mtime(path) == stamp
        raise jinja2.TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        return sorted({p.relative_to(folder).as_posix() for folder in self.folders
                       for p in fsguard.files(self.root, folder)})


def _mtime(path: Path):
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


class Renderer:
    """Compiles the project's templates once and renders every page of a handbook."""

    def __init__(self, templates: Path):
        root = Path(templates).parent.resolve()  # the project: `templates` itself may be a link
        self.env = _Sandbox(
            loader=TemplateLoader(root, [templates / "pages", templates]), undefined=jinja2.StrictUndefined,
            autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
            finalize=_finalize)
        for name in ("safe", "urlize"):  # they mark data as markup: the escaping hook would pass it
            del self.env.filters[name]
        self.env.filters.update(md=md, code=code, attribute=attribute, statement=statement_filter, tel=tel,
                                mailto=mailto, email=email, deadline=deadline, href=href, span=span,
                                page_title=page_title, t=translate, blankless=blankless, cut=cut)
        self.env.globals["parts"] = self.parts
        self.parts_cache: dict = {}  # (part, scenario id, language, arguments) -> (Scenario, Markdown)
        self.strings = load_file(templates / "strings.yaml", "templates/strings.yaml", root).data
        self.page_strings = _trusted(self.strings)  # what templates see as `s`

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
        return Markdown("".join(out))

    def page(self, template: str, **context) -> str:
        try:
            return self.env.get_template(template).render(**context)
        except jinja2.TemplateError as e:
            raise RenderError(f"template {_where(e, template)}: {e.message}") from e
        except RecursionError as e:  # a macro or include calling itself without end
            raise RenderError(f"template {_where(e, template)}: calls itself without end; give the macro or "
                              "include a case that stops") from None

    def render(self, hb: Handbook, today, lang: str | None = None, alternates=None,
               cache: dict | None = None, workers: int = 1) -> Rendered:
        """Every page in one language. `alternates(page)` gives the links to the same page in
        the other languages (none by default). With `cache` (the live preview's), a scenario
        page whose Scenario object is unchanged is not rendered again. With `workers` > 1 (a
        build), a large handbook's pages are rendered in that many processes."""
        lang = lang or hb.default_language
        s = self.strings.get(lang) or self.strings[hb.default_language]
        away = tuple(sc for sc in hb.scenarios if not sc.written_in(lang))  # listed, linked elsewhere
        hb = hb.edition(lang)
        safe = self.page_strings.get(lang) or self.page_strings[hb.default_language]
        base = dict(hb=hb, s=safe, lang=lang, today=today, away=away)
        jobs = [(page, template, {}) for page, template in FIXED.items()
                if page != "contacts.md" or hb.all_contacts]  # no outside contacts: no page
        jobs += [(page_of("scenario", sc.id), PER_ID["scenario"][1], {"sc": sc}) for sc in hb.scenarios]
        jobs += [(page_of("role", role.id), PER_ID["role"][1], {"role": role}) for role in hb.roles]
        if workers > 1 and cache is None and len(jobs) >= PARALLEL_FROM and _FORK:
            return Rendered(_render_forked(self, base, jobs, alternates, workers), self.nav(hb, s))
        pages = {}
        for name, template, extra in jobs:
            sc = extra.get("sc")
            hit = cache.get((name, lang)) if cache is not None and sc else None
            if hit and hit[0] is sc and hit[1] == today:
                pages[name] = hit[2]
                continue
            pages[name] = self.page(template, **base, **extra, **_links(name, sc, base, alternates))
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
                {s["categories"][cat]: _chunked(pages)} for cat, pages in by_category.items()] + [
                {s["nav"]["tags"]: "scenarios/tags.md"}]},
            {s["nav"]["severity"]: "severity.md"},
            {s["nav"]["roles"]: ["roles/index.md"] + [f"roles/{r.id}.md" for r in hb.roles]},
            {s["nav"]["roster"]: "roster.md"},
            {s["nav"]["statements"]: "statements.md"},
            *([{s["nav"]["contacts"]: "contacts.md"}] if hb.all_contacts else []),
            {s["nav"]["review"]: "review.md"},
        ]
