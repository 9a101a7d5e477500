"""The site's layout for the engine: one edition per language, each a Markdown folder plus the
engine config that builds it. The default language sits at the site's root, every other one in
a folder named after it (site/zh-Hant/). All of it is data for the engine, written by crisisbook:
no MkDocs hook or custom plugin, so another engine reading mkdocs.yml can take over."""

from __future__ import annotations

import html
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path


from . import frontmatter, fsguard, settings
from .errors import BuildError
from .model import Handbook, organisation_facts
from .pages import translated_from
from .render import Rendered
from .search import plugin_config

@dataclass(frozen=True)
class Edition:
    lang: str
    prefix: str  # "" for the default language, "zh-Hant/" for the others
    label: str  # the language's own name, for the switch
    site_name: str | None = None  # the handbook's name in this language; None: mkdocs.yml's
    permalink: str | None = None  # the heading anchors' tooltip in this language; None: the engine's

    def url(self, page: str, offline: bool) -> str:
        """Site-relative URL of a Markdown page in this edition."""
        stem = page.removesuffix(".md")
        if offline:  # file:// cannot open a folder's index.html by itself
            return self.prefix + stem + ".html"
        stem = stem.removesuffix("index")
        return self.prefix + (stem + "/" if stem and not stem.endswith("/") else stem)


def editions(hb: Handbook, strings: dict) -> list[Edition]:
    langs = [hb.default_language] + [lang for lang in hb.languages if lang != hb.default_language]
    return [_edition(hb, lang, strings.get(lang) or {}) for lang in langs]


def _edition(hb: Handbook, lang: str, s: dict) -> Edition:
    if lang == hb.default_language:
        return Edition(lang, "", s.get("language_name", lang))
    # every other edition is named in its own language, with the brand as that language writes it
    name = s.get("site_name")
    # the engine writes site_name into every page's HTML as it is: the brand is data, so escaped
    brand = html.escape(organisation_facts(dict(hb.organisation), lang).get("brand", ""))
    return Edition(lang, f"{lang}/", s.get("language_name", lang), name and name.replace("{brand}", brand),
                   s.get("permalink"))


def alternates(page: str, current: Edition, all_editions: list[Edition], offline: bool,
               target: str | None = None) -> list[dict]:
    """Links from `page` in `current` to the same page (or to `target`) in every other edition,
    page-relative."""
    up = "../" * current.url(page, offline).count("/")  # from the page's folder to the site root
    return [{"lang": e.lang, "label": e.label, "href": up + e.url(target or page, offline)}
            for e in all_editions if e.lang != current.lang]


def handwritten(docs: dict[str, bytes], edition: Edition, languages: list[str], note: str) -> dict[str, bytes]:
    """docs/name.md, or its translation docs/name.<lang>.md; an untranslated page gets a note
    (after its front matter, which the engine reads only at the top). Every page's front matter
    is handed on as frontmatter.py writes it: the engine never reads a page's own."""
    out = {}
    for name, data in docs.items():
        if translated_from(name, languages):
            continue
        if not name.endswith(".md"):
            out[name] = data
            continue
        translated = name.removesuffix(".md") + f".{edition.lang}.md"
        untranslated = edition.prefix and translated not in docs
        source = docs[translated] if edition.prefix and not untranslated else data
        meta, body, _, _ = frontmatter.split(source.decode("utf-8", "replace"))
        out[name] = frontmatter.for_engine(meta, body, f'!!! note ""\n    {note}\n\n' if untranslated else "").encode()
    return out


def docs_files(root: Path, rendered: Rendered, edition: Edition, languages: list[str], note: str,
               cache: dict | None = None):
    """Every file of one edition's Markdown folder: pages, hand-written docs, assets. With
    `cache` (the live preview's), a page that was not rendered again keeps its encoded bytes,
    whose hash Python remembers, so finding what to rewrite costs nothing for it."""
    files = {}
    for path, text in rendered.pages.items():
        key = ("encoded", edition.lang, path)
        hit = cache.get(key) if cache is not None else None
        if hit is None or hit[0] is not text:
            hit = (text, text.encode())
            if cache is not None:
                cache[key] = hit
        files[path] = hit[1]
    # everything copied into the site is read through fsguard: a link out of the project is refused
    copied = fsguard.read_trees(root, {"": root / "docs", "assets/": root / "templates" / "assets"})
    docs = {name: data for name, data in copied.items() if not name.startswith("assets/")}
    extras = handwritten(docs, edition, languages, note)
    extras |= {name: data for name, data in copied.items() if name.startswith("assets/")}
    for name in extras:
        if name in files:
            raise BuildError(f"docs/{name}: clashes with a generated page of the same name")
    return files | extras


def engine_config(root: Path, rendered: Rendered, docs: Path, site: Path, edition: Edition,
                  offline: bool, files, site_url: str | None = None, theme: Path | None = None) -> dict:
    """The engine's config for one edition: the project's mkdocs.yml (inherited), plus where the
    Markdown is (holding exactly `files`), the navigation, the language, search, the language
    switch and, for a published handbook, the edition's address (sitemap, canonical links).
    `theme`: the copy of templates/theme/ (see write_theme), when the project has one."""
    project = settings.read(root)
    plugins = _plugins(project.get("plugins", ["search"]))
    plugins["search"] = plugin_config(plugins.get("search"))
    if offline:
        plugins.setdefault("offline", {})
    # hand-written pages follow the generated ones, in file name order
    pages = sorted(name for name in files if name.endswith(".md") and not name.startswith("assets/")
                   and name not in rendered.pages)
    config = {
        "INHERIT": str((root / "mkdocs.yml").resolve()),
        "docs_dir": str(docs.resolve()),
        "site_dir": str(site.resolve()),
        "use_directory_urls": not offline,
        "theme": {"language": theme_language(edition.lang, theme),
                  **({"custom_dir": str(theme.resolve())} if theme else {})},
        **({"site_name": edition.site_name} if edition.site_name else {}),
        **({"markdown_extensions": _permalink_titled(project.get("markdown_extensions", []), edition.permalink)}
           if edition.permalink else {}),
        "plugins": [{name: conf} if conf else name for name, conf in plugins.items()],
        # No `extra.alternate`: Material's switch then takes over every click on a link into
        # another edition and, without a sitemap entry, lands on that edition's home page. Each
        # page links to itself in the other languages instead (templates/pages/langbar.md.j2).
        "nav": rendered.nav + pages,
    }
    if site_url and not offline:  # an offline copy is opened from disk: no address of its own
        config["site_url"] = site_url.rstrip("/") + "/" + edition.prefix
    return config


def theme_language(lang: str, theme: Path | None = None) -> str:
    """The theme's interface language for an edition in `lang`: Material has a file per language
    (partials/languages/zh-Hant.html), and a language without one (zh-hant, yue) stopped the
    engine with a traceback. The same tag in another case, else its base language (en-GB: en),
    else English, the theme's own fallback; a file of the overrides' (templates/theme) counts."""
    import importlib.util

    folders = [Path(importlib.util.find_spec("material").submodule_search_locations[0]) / "templates"]
    has = {p.stem: p.stem for folder in ([theme] if theme else []) + folders
           for p in (folder / "partials" / "languages").glob("*.html")}
    by_case = {tag.lower(): tag for tag in has}
    for tag in (lang, lang.split("-")[0]):
        if tag.lower() in by_case:
            return by_case[tag.lower()]
    return "en"


def _permalink_titled(extensions: list, title: str) -> list:
    """The project's Markdown extensions with the heading anchors' tooltip in the edition's
    language. The whole list: a child config replaces the inherited one."""
    out = []
    for item in extensions:
        if item == "toc" or (isinstance(item, dict) and "toc" in item):
            options = dict(item["toc"] or {}) if isinstance(item, dict) else {}
            item = {"toc": options | {"permalink_title": title}}
        out.append(item)
    return out


THEME = Path("templates") / "theme"


def theme_files(root: Path) -> dict[str, bytes] | None:
    """templates/theme/ (overrides of the theme's own templates, such as its interface strings),
    read through fsguard, or None when the project has none. The engine copies every file of its
    custom_dir into the site, so it is given this copy, never the folder: a link there to a file
    anywhere on the machine would otherwise be published."""
    folder = root / THEME
    if not os.path.lexists(folder):
        return None
    return fsguard.read_trees(root, {"": folder})


def write_config(root: Path, config: dict, target: Path) -> Path:
    data = settings.dump(config)
    if not fsguard.same_bytes(target, data):
        fsguard.write_bytes(root, target, data)
    return target




def _plugins(listed) -> dict:
    """The project's plugins as name -> config; the child config replaces the list, so all of
    them are carried over."""
    if isinstance(listed, dict):
        return {name: dict(conf or {}) for name, conf in listed.items()}
    out = {}
    for item in listed:
        if isinstance(item, dict):
            out.update({name: dict(conf or {}) for name, conf in item.items()})
        else:
            out[item] = {}
    return out


# Material's offline plugin loads this shim from a CDN; the offline site must load nothing from
# outside, so every page gets the vendored copy (templates/assets/vendor/) instead.
_SHIM_CDN = "https://unpkg.com/iframe-worker/shim"
_SHIM_LOCAL = "assets/vendor/iframe-worker-shim.js"
_OUTSIDE = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=["']((?:https?:)?//[^"']+)""")


def localise_offline(edition_site: Path) -> None:
    """Point every page of an offline edition at local copies; fail if anything outside remains."""
    for page in sorted(edition_site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        depth = len(page.relative_to(edition_site).parts) - 1
        text = text.replace(_SHIM_CDN, "../" * depth + _SHIM_LOCAL)
        outside = _OUTSIDE.search(text)
        if outside:
            raise BuildError(f"the offline page {page.relative_to(edition_site)} would load "
                             f"{outside.group(1)} from outside the site")
        page.write_text(text, encoding="utf-8")
