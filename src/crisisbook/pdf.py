"""Stage for paper: Handbook -> HTML (templates/print/, Jinja2 sandbox, autoescaped) -> PDF with
WeasyPrint. Shared by `crisisbook print` (checklists, action cards, handbooks) and
`crisisbook drill` (exercise packs)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import signal
import threading
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from .errors import PrintError, RenderError
from .model import Handbook, Text
from .render import _where


# Bounds on one document, past validate's limits on what a scenario holds (README, "Limits"): a
# scenario at those limits prints in seconds and some dozens of pages; layout time grows with
# the text, so these stop whatever still gets through before it takes the machine.
MAX_PAGES_PER_SCENARIO = 100  # a document of n scenarios (the handbook) may have n times as many
MAX_SECONDS = 300  # laying out and writing one document


@contextlib.contextmanager
def _time_limit(seconds: float, name: str):
    """PrintError when the block runs longer than `seconds` (a timer signal, so only where
    signals can be handled: the main thread of a POSIX process; elsewhere, no limit)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise PrintError(f"{name}: printing took longer than {seconds:g} s, the limit for one "
                         f"document; shorten the scenario (see Limits in the README)")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Stamp:
    """What every printed page carries in its footer."""

    version: str  # git commit or date of the handbook's content
    printed: dt.date
    site_url: str | None  # for QR codes; None when the handbook is not published online


def qr_svg(url: str) -> str:
    """An inline SVG QR code (no image library needed)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=1)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):]


class Printer:
    def __init__(self, templates: Path, hb: Handbook, lang: str, stamp: Stamp, strings: dict):
        self.hb, self.lang, self.stamp = hb, lang, stamp
        self.s = strings.get(lang) or strings[hb.default_language]
        self.base = Path(templates) / "print"
        self.env = SandboxedEnvironment(loader=jinja2.FileSystemLoader(self.base),
                                        undefined=jinja2.StrictUndefined, autoescape=True,
                                        trim_blocks=True, lstrip_blocks=True)
        self.env.filters["t"] = lambda v: v.get(lang) if isinstance(v, Text) else v
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

    def pdf(self, template: str, target: Path, scenarios: int = 1, **context) -> Path:
        """Print one document of `scenarios` scenarios into `target`; nothing is written when
        it is past MAX_PAGES_PER_SCENARIO or MAX_SECONDS."""
        from weasyprint import HTML  # imported here: it loads Pango, which validate never needs

        html = self.html(template, **context)
        with _time_limit(MAX_SECONDS, str(target)):
            document = HTML(string=html, base_url=str(self.base)).render()
            limit = MAX_PAGES_PER_SCENARIO * max(scenarios, 1)
            if len(document.pages) > limit:
                raise PrintError(f"{target}: {len(document.pages):,} pages is over the limit of "
                                 f"{limit:,}; shorten the scenario (see Limits in the README)")
            target.parent.mkdir(parents=True, exist_ok=True)
            document.write_pdf(target)
        return target
