"""Stage for paper: Handbook -> HTML (templates/print/, Jinja2 sandbox, autoescaped) -> PDF with
WeasyPrint. Shared by `crisisbook print` (checklists, action cards, handbooks) and
`crisisbook drill` (exercise packs)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import mimetypes
import signal
import threading
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from . import fsguard
from .errors import CrisisbookError, PrintError, RenderError
from .model import Handbook, Text
from .render import TemplateLoader, _where, deadline, phones_whole, span


# Bounds on one document, past validate's limits on what a scenario holds (README, "Limits"): a
# scenario at those limits prints in seconds and some dozens of pages; layout time grows with
# the text, so these stop whatever still gets through before it takes the machine.
MAX_PAGES_PER_SCENARIO = 100  # a document of n scenarios (the handbook) may have n times as many
MAX_SECONDS = 300  # laying out and writing one document


@contextlib.contextmanager
def _time_limit(seconds: float, name: str):
    """PrintError when the block runs longer than `seconds` (a timer signal, so only where
    signals can be handled: the main thread of a POSIX process; elsewhere, no limit). Yields a
    check to call before anything is written: WeasyPrint catches and logs errors raised while it
    loads a resource, so the timer's error may not get out of it on its own."""
    message = (f"{name}: printing took longer than {seconds:g} s, the limit for one document; "
               f"shorten the scenario (see Limits in the README)")
    fired: list[bool] = []

    def check() -> None:
        if fired:
            raise PrintError(message)

    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield check
        return

    def expired(signum, frame):
        fired.append(True)
        raise PrintError(message)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield check
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Stamp:
    """What every printed page carries in its footer."""

    version: str  # git commit or date of the handbook's content
    printed: dt.date
    site_url: str | None  # for QR codes; None when the handbook is not published online


# Pictographs, with their variation selectors and joiners. Only these are set in the colour emoji
# font: given the font for a whole post, Pango takes digits, '#' and '*' from it too (it covers
# them for keycaps), and prints them as gaps.
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF]"
                    "[\uFE0F\u200D\U0001F3FB-\U0001F3FF\U0001F000-\U0001FAFF]*")


def emoji(text) -> Markup:
    """Escaped text whose emoji are marked for the emoji font (print.css: .emoji)."""
    return Markup(_EMOJI.sub(lambda m: f'<span class="emoji">{m.group(0)}</span>', str(escape(text))))


def phones(text) -> Markup:
    """Escaped text whose phone numbers are kept on one line (print.css: .cb-tel)."""
    return Markup(phones_whole(str(escape(text))))


def translator(lang: str, note: str):
    """The `t` filter of paper in `lang`: a Text in that language, else its default language's
    text marked as untranslated (print.css labels .cb-untranslated with `note`), as the site
    marks it (render.translate)."""
    def t(value):
        if not isinstance(value, Text):
            return value
        if lang in value.values:
            return value.values[lang]
        return Markup('<span class="cb-untranslated" lang="{}" data-note="{}">{}</span>').format(
            value.default, note, value.get(lang))
    return t


# Where an e-mail address may wrap: after its "@" and before a ".", so that a line never ends
# inside a name ("newsdesk@citytv.exampl" / "e").
_ADDRESS_BREAK = re.compile(r"(?<=@)|(?=\.)")


def email(address) -> Markup:
    """Escaped address with a <wbr> at each place it may wrap (it adds nothing to what is copied
    or searched); print.css (.addr) breaks it nowhere else while its pieces fit."""
    return Markup(_ADDRESS_BREAK.sub("<wbr>", str(escape(address))))


def qr_svg(url: str) -> str:
    """An inline SVG QR code (no image library needed)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=1)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    # qrcode names every code's path id="qr-path": with several codes in one document the id
    # repeats (WeasyPrint: "Anchor defined twice"). Nothing refers to it, so it goes.
    return svg[svg.index("<svg"):].replace(' id="qr-path"', "")


class Printer:
    def __init__(self, templates: Path, hb: Handbook, lang: str, stamp: Stamp, strings: dict,
                 away: tuple = ()):
        self.hb, self.lang, self.stamp = hb, lang, stamp
        self.away = away  # scenarios written in other languages only: not on this paper
        self.s = strings.get(lang) or strings[hb.default_language]
        self.base = Path(templates) / "print"
        self.root = Path(templates).parent.resolve()  # the project: `templates` itself may be a link
        self.env = SandboxedEnvironment(loader=TemplateLoader(self.root, [self.base]),
                                        undefined=jinja2.StrictUndefined, autoescape=True,
                                        trim_blocks=True, lstrip_blocks=True)
        self.env.filters["t"] = translator(lang, self.s.get("untranslated_mark", ""))
        self.env.filters["plain"] = lambda v: v.get(lang) if isinstance(v, Text) else v  # <title>: no markup
        self.env.filters["span"] = span
        self.env.filters["deadline"] = deadline
        self.env.filters["email"] = email
        self.env.filters["emoji"] = emoji
        self.env.filters["phones"] = phones
        self.env.globals["qr"] = lambda path: Markup(qr_svg(self.url(path))) if stamp.site_url else ""

    def url(self, page: str) -> str:
        prefix = "" if self.lang == self.hb.default_language else f"{self.lang}/"
        return f"{self.stamp.site_url.rstrip('/')}/{prefix}{page}"

    def html(self, template: str, **context) -> str:
        try:
            return self.env.get_template(template).render(
                hb=self.hb, s=self.s, lang=self.lang, stamp=self.stamp, **context)
        except jinja2.TemplateError as e:
            raise RenderError(f"template {_where(e, template)}: {e.message}") from e

    def pdf(self, template: str, target: Path, top: Path | None = None, scenarios: int = 1,
            **context) -> Path:
        """Print one document of `scenarios` scenarios into `target` (below the output folder
        `top`), through fsguard: the folders on the way may not be links, and a link at the file
        itself is replaced. Nothing is written past MAX_PAGES_PER_SCENARIO or MAX_SECONDS."""
        from weasyprint import HTML  # imported here: it loads Pango, which validate never needs

        html = self.html(template, **context)
        fetcher = _project_fetcher(self.root)
        with _time_limit(MAX_SECONDS, str(target)) as in_time:
            document = HTML(string=html, base_url=str(self.base.resolve()) + "/",
                            url_fetcher=fetcher).render()
            in_time()
            if fetcher.refused:  # the PDF is not put in place
                raise fetcher.refused[0]
            limit = MAX_PAGES_PER_SCENARIO * max(scenarios, 1)
            if len(document.pages) > limit:
                raise PrintError(f"{target}: {len(document.pages):,} pages is over the limit of "
                                 f"{limit:,}; shorten the scenario (see Limits in the README)")
            with fsguard.replacing(self.root, target, top) as handle:
                document.write_pdf(handle)
                in_time()  # before the file is put in place
        return target


def _project_fetcher(root: Path):
    """WeasyPrint's resources (the stylesheet, images) read as project files through fsguard;
    nothing is fetched from a network or from outside the project. Refusals are kept in
    `refused`: WeasyPrint logs a failed fetch and carries on without the resource."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectFiles(URLFetcher):
        def __init__(self):
            super().__init__()
            self.refused: list[CrisisbookError] = []

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            try:
                if not url.startswith("file:"):
                    raise RenderError(f"the print templates load {url}: only files of the project may be used")
                path = Path(url2pathname(urlsplit(url).path))
                data = fsguard.read_bytes(root, path, fsguard.MAX_ASSET)
            except CrisisbookError as e:
                self.refused.append(e)
                raise
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, data, {"Content-Type": kind})

    return ProjectFiles()
