"""What a reader's browser would run: HTML that arrives in a pull request (a hand-written page
once converted, mkdocs.yml's copyright line) checked against what a handbook page needs.

An allowlist, not a list of what is known to be dangerous: every element, attribute and link
scheme not named here is refused. A list of dangers was bypassed each time (attributes that
attr_list or md_in_html put on elements, SVG animation setting an href, a comment the browser
ends sooner than Python's HTML parser). The HTML is read by a parser that follows the HTML
standard (tinyhtml5, WeasyPrint's), so a comment, a tag or an attribute is what the browser
will take it for, not what a looser parser guesses.
"""

from __future__ import annotations

import html
import re

import tinyhtml5

_HTML = "{http://www.w3.org/1999/xhtml}"
_SVG = "{http://www.w3.org/2000/svg}"

# What Markdown and its extensions write (tables, footnotes, admonitions, details, tabs, task
# lists, code highlighting, abbreviations, definition lists, critic marks, keys) and the plain
# markup a page author may write by hand.
ELEMENTS = set("""a abbr address article aside b bdi bdo blockquote body br caption cite code col colgroup
dd del details dfn div dl dt em figcaption figure h1 h2 h3 h4 h5 h6 head header hr html i img input ins kbd
label li main mark nav ol p picture pre q rp rt ruby s samp section small source span strong sub summary sup
table tbody td tfoot th thead time tr u ul var wbr""".split())
# Inline SVG (the emoji extension's icons, simple drawings): shapes only. No <script>,
# <foreignObject>, <animate>/<set> (they can set an href to javascript:), no <a>, <image> or <use>
# (they fetch or point elsewhere).
SVG_ELEMENTS = set("""svg g path circle ellipse line polyline polygon rect defs title desc text tspan
lineargradient radialgradient stop clippath mask symbol""".split())
_GLOBAL = set("""id class title lang dir style role hidden translate tabindex""".split())
ATTRIBUTES = {
    "a": {"href", "name", "target", "rel", "hreflang", "type", "download"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "source": {"srcset", "type", "media", "width", "height"},
    "input": {"type", "checked", "disabled", "name", "value"},
    "label": {"for"},
    "ol": {"start", "reversed", "type"}, "li": {"value"},
    "td": {"colspan", "rowspan", "align", "headers"}, "th": {"colspan", "rowspan", "align", "scope", "headers"},
    "col": {"span", "width"}, "colgroup": {"span"}, "table": {"align"},
    "time": {"datetime"}, "details": {"open"},
    "blockquote": {"cite"}, "q": {"cite"}, "del": {"cite", "datetime"}, "ins": {"cite", "datetime"},
    "p": {"align"}, "div": {"align"}, **{f"h{n}": {"align"} for n in range(1, 7)},
}
_INPUTS = {"checkbox", "radio"}  # task lists and content tabs
_URLS = {"href", "src", "cite", "srcset"}
_TABBED = re.compile(r"__tabbed_\d+_\d+")  # the ids PyMdown's content tabs give their inputs
_LOADED = {"src", "srcset"}  # fetched as the page opens, not followed when clicked
_SCHEMES = ("http:", "https:", "mailto:", "tel:")
_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*:")  # a URL that names one; without, a page of the site
_SAFE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp)[;,]")
_STYLE_LOADS = re.compile(r"url\s*\(|expression\s*\(|@import|behavior\s*:|-moz-binding|image-set\s*\(", re.I)
# url() pointing elsewhere than into the page itself (`url(#gradient)`)
_URL_OUT = re.compile(r"url\s*\((?!\s*[\"']?\s*#)", re.I)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\\(.)|/\*.*?(\*/|\Z)", re.S)


def css(value: str) -> str:
    """CSS text as the browser's CSS parser reads it: entities, escapes (`\\75 rl(` is `url(`)
    and comments decoded, so a check sees the functions it names."""
    def decoded(m: re.Match) -> str:
        if m.group(1):
            point = int(m.group(1), 16)
            return chr(point) if 0 < point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF else "\ufffd"
        return m.group(2) if m.group(2) is not None else ""
    return _CSS_ESCAPE.sub(decoded, html.unescape(value))


def plain(url: str) -> str:
    """A URL as the browser takes it: entities decoded, the controls and spaces it skips gone."""
    return re.sub(r"[\x00-\x20]", "", html.unescape(url)).lower()


def runs_script(url: str) -> bool:
    """A link that is not to a page, a web address, a mail address or a phone number: a
    javascript:, vbscript: or data: (other than a plain image) link, however it is spelt."""
    plain_url = plain(url)
    if not _SCHEME.match(plain_url):
        return False  # a page of the site, an anchor
    return not (plain_url.startswith(_SCHEMES) or _SAFE_DATA.match(plain_url))


def loads_from_elsewhere(url: str) -> bool:
    """An image address on another server (`https://…`, `//host/…`, `\\host/…`, which browsers
    take for `//host/…`): every reader's browser fetches it as the page opens, telling that
    server who reads the handbook and when (a tracking pixel), the offline copy shows a hole, and
    the privacy plugin would fetch it on the build machine (an intranet address included) and
    publish what it answers."""
    plain_url = plain(url).replace("\\", "/")
    return plain_url.startswith("//") or (bool(_SCHEME.match(plain_url)) and not _SAFE_DATA.match(plain_url))


def problems(markup: str, heading_is_title: bool = False) -> list[tuple[str, str]]:
    """(what to look for in the source, why it is refused) for each thing in `markup` that
    the handbook does not publish; nothing for plain page markup. `heading_is_title`: a page
    without a title of its own, which the engine titles with its first heading."""
    out: list[tuple[str, str]] = []
    tree = tinyhtml5.parse(f"<!DOCTYPE html><html><head></head><body>{markup}</body></html>")
    if heading_is_title and (why := _title_problem(tree)):
        out.append(("# ", why))
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue  # a comment: the browser shows and runs nothing of it
        if el.tag.startswith(_HTML):
            tag, allowed = el.tag[len(_HTML):], ELEMENTS
        elif el.tag.startswith(_SVG):
            tag, allowed = el.tag[len(_SVG):], SVG_ELEMENTS
        else:  # MathML, or a namespace nothing here expects
            tag, allowed = el.tag.rpartition("}")[2], set()
        if tag.lower() not in allowed:
            where = " inside <svg>" if el.tag.startswith(_SVG) else ""
            out.append((f"<{tag}", f"<{tag}>{where} is not allowed in a hand-written page: it could run or load something "
                                   "in every reader's browser; styles and scripts belong in templates/assets/"))
            continue
        for name, value in el.attrib.items():
            out += _attribute(tag, el.tag.startswith(_SVG), name.rpartition("}")[2].lower(), value, el)
    return out


def _attribute(tag: str, svg: bool, name: str, value: str, el) -> list[tuple[str, str]]:
    if name.startswith("on"):
        return [(name, f"the {name} attribute on <{tag}> would run script in every reader's browser: remove it")]
    if name == "style":
        return [(value, f"a style on <{tag}> loads from elsewhere: keep styles in templates/assets/crisisbook.css")] \
            if _STYLE_LOADS.search(css(value)) else []
    if name in _URLS:
        urls = [part.split()[0] for part in value.split(",") if part.strip()] if name == "srcset" else [value]
        bad = [url for url in urls if runs_script(url)]
        if bad:  # found in the page by what follows the scheme: entities hide the scheme, rarely the rest
            return [(bad[0].partition(":")[2].strip() or bad[0], f"<{tag} {name}=\"{bad[0]}\"> runs script or opens what "
                     "is not a page: link to a page or a web address")]
        remote = [url for url in urls if loads_from_elsewhere(url)] if name in _LOADED else []
        return [(remote[0].strip(), f"<{tag} {name}=\"{remote[0]}\"> loads from another server in every reader's "
                 "browser (and not at all offline): put the image in docs/ and name it by its path")] if remote else []
    if svg:  # presentation attributes (fill, d, viewBox…); links were refused with <a> and <use>
        if name in ("href", "xlink:href"):
            return [(name, f"<{tag} {name}> is not allowed: remove it")]
        # fill, mask, clip-path, marker-end, cursor: url() fetches another file as the page opens
        return [(value, f"the {name} attribute on <{tag}> loads from elsewhere: refer to the drawing's own "
                        "parts only, url(#id)")] if _URL_OUT.search(css(value)) else []
    if name == "id" and value.startswith("__") and not _TABBED.fullmatch(value):
        # the theme finds its elements by these ids, the first in the page: a <div id="__config">
        # before its own gave every reader's browser settings (a base address elsewhere) from the page
        return [(value, f"the id '{value}' on <{tag}> is one the theme gives its own elements (it reads its "
                        "settings from #__config): choose an id that does not start with '__'")]
    if name.startswith("data-md-"):  # the theme's own components (data-md-component="source" calls GitHub)
        return [(name, f"the {name} attribute on <{tag}> is the theme's own: remove it")]
    if name.startswith(("data-", "aria-")) or name in _GLOBAL or name in ATTRIBUTES.get(tag, ()):
        if tag == "input" and name == "type" and value.lower() not in _INPUTS:
            return [(f"<input", f"<input type=\"{value}\"> is not allowed in a hand-written page: only the "
                                "checkboxes of task lists and the tabs of content tabs are")]
        return []
    return [(name, f"the {name} attribute on <{tag}> is not one a hand-written page may carry: remove it")]


def _title_problem(tree) -> str | None:
    """The engine takes a page's title from its first heading when its front matter gives none,
    and writes it into <title> with its entities decoded: a `<` there would be live markup."""
    body = tree.find(f"{_HTML}body")
    first = next((el for el in body if isinstance(el.tag, str)), None) if body is not None else None
    if first is None or first.tag != f"{_HTML}h1":
        return None
    # the engine's title is the heading's text with each image as its alt text
    text = "".join(first.itertext()) + "".join(v for el in first.iter() if isinstance(el.tag, str)
                                               for v in el.attrib.values())
    return None if "<" not in text else (
        "the first heading holds '<', and the engine writes the heading into the page's <title> as markup: "
        "write it without '<', or give the page a title in its front matter (title: …)")
