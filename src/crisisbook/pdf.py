"""Stage for paper: Handbook -> HTML (templates/print/, Jinja2 sandbox, autoescaped) -> PDF with
WeasyPrint. Shared by `crisisbook print` (checklists, action cards, handbooks) and
`crisisbook drill` (exercise packs)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from .errors import RenderError
from .model import Handbook, Text
from .render import _where, span


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
    def __init__(self, templates: Path, hb: Handbook, lang: str, stamp: Stamp, strings: dict,
                 away: tuple = ()):
        self.hb, self.lang, self.stamp = hb, lang, stamp
        self.away = away  # scenarios written in other languages only: not on this paper
        self.s = strings.get(lang) or strings[hb.default_language]
        self.base = Path(templates) / "print"
        self.env = SandboxedEnvironment(loader=jinja2.FileSystemLoader(self.base),
                                        undefined=jinja2.StrictUndefined, autoescape=True,
                                        trim_blocks=True, lstrip_blocks=True)
        self.env.filters["t"] = lambda v: v.get(lang) if isinstance(v, Text) else v
        self.env.filters["span"] = span
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

    def pdf(self, template: str, target: Path, **context) -> Path:
        from weasyprint import HTML  # imported here: it loads Pango, which validate never needs

        html = self.html(template, **context)
        target.parent.mkdir(parents=True, exist_ok=True)
        HTML(string=html, base_url=str(self.base)).write_pdf(target)
        return target
