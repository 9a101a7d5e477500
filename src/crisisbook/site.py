"""The site's layout for the engine: one edition per language, each a Markdown folder plus the
engine config that builds it. The default language sits at the site's root, every other one in
a folder named after it (site/zh-Hant/). All of it is data for the engine, written by crisisbook:
no MkDocs hook or custom plugin, so another engine reading mkdocs.yml can take over."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import BuildError
from .model import Handbook
from .render import Rendered
from .search import plugin_config

@dataclass(frozen=True)
class Edition:
    lang: str
    prefix: str  # "" for the default language, "zh-Hant/" for the others
    label: str  # the language's own name, for the switch

    def url(self, page: str, offline: bool) -> str:
        """Site-relative URL of a Markdown page in this edition."""
        stem = page.removesuffix(".md")
        if offline:  # file:// cannot open a folder's index.html by itself
            return self.prefix + stem + ".html"
        stem = stem.removesuffix("index")
        return self.prefix + (stem + "/" if stem and not stem.endswith("/") else stem)


def editions(hb: Handbook, strings: dict) -> list[Edition]:
    langs = [hb.default_language] + [lang for lang in hb.languages if lang != hb.default_language]
    return [Edition(lang, "" if lang == hb.default_language else f"{lang}/",
                    (strings.get(lang) or {}).get("language_name", lang)) for lang in langs]


def alternates(page: str, current: Edition, all_editions: list[Edition], offline: bool) -> list[dict]:
    """Links from `page` in `current` to the same page in every other edition, page-relative."""
    up = "../" * current.url(page, offline).count("/")  # from the page's folder to the site root
    return [{"lang": e.lang, "label": e.label, "href": up + e.url(page, offline)}
            for e in all_editions if e.lang != current.lang]


def handwritten(root: Path, edition: Edition, languages: list[str], note: str) -> dict[str, bytes]:
    """docs/name.md, or its translation docs/name.<lang>.md; an untranslated page gets a note."""
    folder = root / "docs"
    if not folder.is_dir():
        return {}
    suffixes = tuple(f".{lang}.md" for lang in languages)
    out = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name.endswith(suffixes):
            continue
        name = path.relative_to(folder).as_posix()
        translated = path.with_name(path.name.removesuffix(".md") + f".{edition.lang}.md")
        if path.suffix == ".md" and edition.prefix and translated.exists():
            out[name] = translated.read_bytes()
        elif path.suffix == ".md" and edition.prefix:
            out[name] = f'!!! note ""\n    {note}\n\n'.encode() + path.read_bytes()
        else:
            out[name] = path.read_bytes()
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
    extras = handwritten(root, edition, languages, note)
    assets = root / "templates" / "assets"
    if assets.is_dir():
        extras |= {f"assets/{p.relative_to(assets).as_posix()}": p.read_bytes()
                   for p in sorted(assets.rglob("*")) if p.is_file()}
    for name in extras:
        if name in files:
            raise BuildError(f"docs/{name}: clashes with a generated page of the same name")
    return files | extras


def engine_config(root: Path, rendered: Rendered, docs: Path, site: Path, edition: Edition,
                  offline: bool, files) -> dict:
    """The engine's config for one edition: the project's mkdocs.yml (inherited), plus where the
    Markdown is (holding exactly `files`), the navigation, the language, search and the language
    switch."""
    project = _project_config(root)
    plugins = _plugins(project.get("plugins", ["search"]))
    plugins["search"] = plugin_config(plugins.get("search"))
    if offline:
        plugins.setdefault("offline", {})
    # hand-written pages follow the generated ones, in file name order
    pages = sorted(name for name in files if name.endswith(".md") and not name.startswith("assets/")
                   and name not in rendered.pages)
    return {
        "INHERIT": str((root / "mkdocs.yml").resolve()),
        "docs_dir": str(docs.resolve()),
        "site_dir": str(site.resolve()),
        "use_directory_urls": not offline,
        "theme": {"language": edition.lang, **_theme_overrides(root)},
        "plugins": [{name: conf} if conf else name for name, conf in plugins.items()],
        # No `extra.alternate`: Material's switch then takes over every click on a link into
        # another edition and, without a sitemap entry, lands on that edition's home page. Each
        # page links to itself in the other languages instead (templates/pages/langbar.md.j2).
        "nav": rendered.nav + pages,
    }


def _theme_overrides(root: Path) -> dict:
    """templates/theme/ overrides parts of the theme (its interface strings) when it exists."""
    folder = root / "templates" / "theme"
    return {"custom_dir": str(folder.resolve())} if folder.is_dir() else {}


def write_config(config: dict, target: Path) -> Path:
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return target


def _project_config(root: Path) -> dict:
    from mkdocs.utils.yaml import get_yaml_loader  # understands mkdocs.yml's own tags (!ENV)

    try:
        with open(root / "mkdocs.yml", encoding="utf-8") as handle:
            return yaml.load(handle, Loader=get_yaml_loader()) or {}
    except (OSError, yaml.YAMLError) as e:
        raise BuildError(f"mkdocs.yml: {e}") from e


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
