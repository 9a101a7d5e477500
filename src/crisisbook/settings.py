"""mkdocs.yml, the handbook's site settings: read as data, and held to what a build may ask of
the engine.

mkdocs.yml arrives in pull requests like the scenarios, and the engine trusts it whole: it reads
the file with PyYAML's full loader (a tag such as `!!python/object/apply:os.system` runs code),
imports every plugin, hook and Markdown extension it names, follows its INHERIT, reads
environment variables into the pages (`!ENV`) and copies a theme's `custom_dir` into the site,
wherever it is. So crisisbook reads the file first with a loader that constructs nothing, and
`validate` (before any build or preview starts the engine) refuses on its line whatever would
make the engine run code, or read or publish anything, from outside the project's checked files.

What stays allowed is what a Material handbook uses: Python-Markdown's, PyMdown's and Material's
extensions, the named formatters their documentation configures with `!!python/name:` (emoji
indexes, fence formats, slugifiers), the plugins crisisbook builds with (search, offline,
privacy, tags), and environment variables named CRISISBOOK_*.
"""

from __future__ import annotations

import importlib
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from . import fsguard, inert
from .errors import BuildError, LoadError
from .load import unreadable_value
from .report import Problem, field_path

FILE = "mkdocs.yml"
PLUGINS = ("search", "offline", "privacy", "tags")
# Python-Markdown's extensions by their short names
SHORT_EXTENSIONS = frozenset({
    "abbr", "admonition", "attr_list", "codehilite", "def_list", "extra", "fenced_code", "footnotes",
    "legacy_attrs", "legacy_em", "md_in_html", "meta", "nl2br", "sane_lists", "smarty", "tables", "toc",
    "wikilinks"})
TRUSTED_EXTENSIONS = ("markdown.extensions.", "pymdownx.", "material.")
# extensions that read files named in the page (`--8<-- "../../secret"`, an image's src) into it
_READ_FILES = {"pymdownx.snippets": "includes files named in a page", "pymdownx.b64": "embeds the files images name"}
# the functions Material's and PyMdown's documentation hands to extensions by name
_NAMES = frozenset({
    "material.extensions.emoji.twemoji", "material.extensions.emoji.to_svg",
    "pymdownx.superfences.fence_code_format", "pymdownx.superfences.fence_div_format",
    "pymdownx.arithmatex.arithmatex_inline_format", "pymdownx.arithmatex.arithmatex_fenced_format",
    "pymdownx.emoji.emojione", "pymdownx.emoji.gemoji", "pymdownx.emoji.twemoji", "pymdownx.emoji.to_svg",
    "pymdownx.emoji.to_png", "pymdownx.emoji.to_png_sprite", "pymdownx.emoji.to_svg_sprite",
    "pymdownx.emoji.to_alt", "pymdownx.emoji.to_awesome", "pymdownx.slugs.slugify", "pymdownx.slugs.uslugify",
    "pymdownx.slugs.uslugify_encoded", "pymdownx.slugs.gfm", "pymdownx.slugs.gfm_encoded",
    "pymdownx.highlight.highlight", "markdown.extensions.toc.slugify", "markdown.extensions.toc.slugify_unicode"})
_CALLS = frozenset({"pymdownx.slugs.slugify"})  # a slugifier factory, called with its options
_YAML = "tag:yaml.org,2002:"
_PLAIN = {_YAML + t for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp", "binary",
                              "omap", "pairs", "set", "merge", "value")}
_RELATIVE = re.compile(r"\$(config_dir|docs_dir)(/.*)?\Z")
_ENV_NAME = re.compile(r"CRISISBOOK_[A-Z0-9_]+\Z")
_MAX_DEPTH = 40  # the engine's settings nest five or six levels; deeper is a mistake or an attack
_REFUSED = {
    "INHERIT": "crisisbook's build config inherits this file; keep every setting in mkdocs.yml itself",
    "hooks": "hooks run Python the checks never see; crisisbook keeps the handbook's logic in its own code",
    "docs_dir": "crisisbook writes the Markdown under build/ itself; remove it",
    "site_dir": "crisisbook decides where the site goes (site/, or `crisisbook build -d`); remove it",
    "google_analytics": "it loads a script from outside the intranet into every page; remove it",
    # the theme's repository widget calls GitHub's API from every page a reader opens (offline too)
    "repo_url": "the theme then asks GitHub's API about the repository from every page a reader opens, "
                "telling GitHub who reads the handbook; link to it from a page instead",
}
# Material's default, and any font it is given by name, loads from Google's servers
_FONT = "write `font: false`: the theme otherwise loads its fonts from Google's servers into every page"
# under `extra`: what loads scripts from outside into every page
_EXTRA_REFUSED = {
    "analytics": "it loads a script from outside the intranet into every page; remove it",
    "polyfills": "it loads scripts into every page, from wherever it names; remove it (crisisbook's own "
                 "script is templates/assets/crisisbook.js)",
}
# every reader's browser splits the query with it (the theme's highlighter, also for a link's ?h=):
# `(a+)+b` hung a tab on a 40-letter query
_SEPARATOR = ("not allowed: crisisbook's search sets the separator its index is cut with, and every reader's "
              "browser splits the query with this pattern, where one such as (a+)+b hangs the page; remove it")
_PATH_OPTIONS = ("custom_icons",)  # besides *_dir, *_file and *_path: folders of icons read into pages
_LINKS = ("link", "url", "href", "edit_uri", "repo_url", "site_url")  # values the theme writes into href=
_PATH_LISTS = ("extra_css", "extra_javascript", "extra_templates", "watch")
# what every page loads as its code: a docs/ file (docs/notes.txt) there ran as a script on every page
_CODE = {"extra_css": (".css",), "extra_javascript": (".js", ".mjs")}


@dataclass(frozen=True)
class Tagged:
    """A value the engine resolves itself (`!ENV CRISISBOOK_URL`, `!!python/name:...`), kept as
    written: crisisbook never resolves it, and writes it back unchanged into the engine's config."""

    tag: str
    value: object


class _Loader(yaml.SafeLoader):
    """Constructs plain data only; every other tag becomes a Tagged (checked by `problems`)."""


def _tagged(loader: _Loader, suffix: str, node: yaml.Node) -> Tagged:
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return Tagged(node.tag, value)


_Loader.add_multi_constructor("", _tagged)  # after the plain tags, which SafeLoader constructs itself


class _Dumper(yaml.SafeDumper):
    """Writes a Tagged back with its tag, for the engine to resolve as it would in mkdocs.yml."""


def _represent(dumper: _Dumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


_Dumper.add_representer(Tagged, _represent)


def resolved(value: Tagged):
    """A named formatter of the allowed ones, as the engine resolves it (so that validate
    converts pages as the engine does: without its emoji generator, PyMdown's default writes
    <img> tags from a CDN); None for anything else, which only the engine reads."""
    name = value.tag.removeprefix(_YAML + "python/name:")
    call = value.tag.removeprefix(_YAML + "python/object/apply:")
    target = name if name in _NAMES else call if call in _CALLS else None
    if target is None:
        return None
    module, _, attribute = target.rpartition(".")
    found = getattr(importlib.import_module(module), attribute)
    if target == name:
        return found
    kwds = value.value.get("kwds", {}) if isinstance(value.value, dict) else {}
    return found(**kwds) if isinstance(kwds, dict) else None


def allowed_extension(name: str) -> bool:
    """A Markdown extension the engine (and `validate`'s link check) may load."""
    return name not in _READ_FILES and (name in SHORT_EXTENSIONS or name.startswith(TRUSTED_EXTENSIONS))


def dump(config: dict) -> bytes:
    """An engine config as YAML, with mkdocs.yml's own tags kept as written."""
    return yaml.dump(config, Dumper=_Dumper, allow_unicode=True, sort_keys=False).encode()


def read(root: Path) -> dict:
    """mkdocs.yml as data, for a build (which has checked it: see `problems`)."""
    try:
        data = yaml.load(fsguard.read_text(root, root / FILE), Loader=_Loader)
    except (yaml.YAMLError, RecursionError, ValueError) as e:  # ValueError: validate names its line
        raise BuildError(f"{FILE}: {_yaml_message(e)}") from None
    return data if isinstance(data, dict) else {}


def problems(root: Path) -> list[Problem]:
    """Everything in mkdocs.yml a build must not hand to the engine, each on its line (none
    when there is no mkdocs.yml: a build says it needs one, `validate` checks the data alone)."""
    if not os.path.lexists(root / FILE):
        return []
    try:
        text = fsguard.read_text(root, root / FILE)
    except LoadError as e:
        return [Problem(e.file, e.line, e.col, "", e.reason)]
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)  # composing builds nodes, runs nothing
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        return [Problem(FILE, mark.line + 1 if mark else None, mark.column + 1 if mark else None, "",
                        f"not valid YAML: {e.problem or e.context}")]
    except (yaml.YAMLError, RecursionError) as e:
        return [Problem(FILE, None, None, "", _yaml_message(e))]
    if node is None:
        return []
    found = _Check()
    found.walk(node, (), text=True)
    if isinstance(node, yaml.MappingNode):
        found.settings(node)
    return list(dict.fromkeys(found.out))  # a node walked twice (see walk) says its problem once


def _yaml_message(e: BaseException) -> str:
    if isinstance(e, RecursionError):
        return f"nested more than {_MAX_DEPTH} levels deep"
    return f"not valid YAML: {e}"


class _Check:
    def __init__(self):
        self.out: list[Problem] = []
        self._seen: set[tuple[int, bool]] = set()  # (node, whether its text is checked): see walk

    def add(self, node: yaml.Node, path: tuple, message: str) -> None:
        self.out.append(Problem(FILE, node.start_mark.line + 1, node.start_mark.column + 1, field_path(path), message))

    # --- every node: its tag, and the text the theme writes into pages ------------------------

    def walk(self, node: yaml.Node, path: tuple, text: bool) -> None:
        """Tags everywhere; the text of every value (see `markup`), the extensions' options too:
        a custom fence's class is written unescaped. An alias is the same node again: checked once
        (once more if it is also a key, whose text is not written into pages)."""
        if (id(node), text) in self._seen:
            return
        self._seen.add((id(node), text))
        if len(path) > _MAX_DEPTH:
            self.add(node, path, f"nested more than {_MAX_DEPTH} levels deep")
            return
        if node.tag not in _PLAIN:
            refused = self._tag(node)
            if refused:
                self.add(node, path, refused)
                return
        if isinstance(node, yaml.ScalarNode) and node.tag in (_YAML + "int", _YAML + "timestamp"):
            try:  # the value as the engine would build it: Python refuses some that YAML's syntax allows
                _Loader("").construct_object(node)
            except ValueError as e:
                self.add(node, path, f"a value YAML cannot read ({unreadable_value(e)}): quote it")
        if isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self.walk(item, path + (i,), text)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                self.walk(key, path + ("<key>",), False)
                self.walk(value, path + (_name(key),), text)
        elif text and path and isinstance(node, yaml.ScalarNode) and node.tag == _YAML + "str":
            self.markup(node, path)

    def _tag(self, node: yaml.Node) -> str | None:
        """Why the engine must not construct this tag, or None when it may."""
        tag = node.tag
        if tag == "!relative":  # a path from mkdocs.yml's own folder or docs/, for an extension
            value = node.value if isinstance(node, yaml.ScalarNode) else None
            if value is None or not _RELATIVE.match(value) or ".." in value.split("/"):
                return "!relative names a folder inside the project: $config_dir or $docs_dir, then a path in it"
            return None
        if tag == "!ENV":
            # a name, or names to try in turn followed by the default value (not a name)
            names = node.value[:-1] if isinstance(node, yaml.SequenceNode) else [node]
            for n in names:
                if not isinstance(n, yaml.ScalarNode) or not _ENV_NAME.match(n.value):
                    shown = n.value if isinstance(n, yaml.ScalarNode) else "?"
                    return (f"!ENV reads the environment variable '{shown}' into the handbook: only variables named "
                            "CRISISBOOK_... may be read, so that no build can publish a secret of the machine it runs on")
            return None
        shown = tag.replace(_YAML, "!!")
        if tag.removeprefix(_YAML + "python/name:") in _NAMES:
            return None
        if tag.removeprefix(_YAML + "python/object/apply:") in _CALLS:
            if all(isinstance(n, yaml.ScalarNode) for n in _leaves(node)):
                return None
        if tag.startswith(_YAML + "python/"):
            return (f"the tag '{shown}' makes the engine import or run Python: only the formatters of "
                    "Material's and PyMdown's documentation may be named (such as "
                    "!!python/name:pymdownx.superfences.fence_code_format)")
        return f"the tag '{shown}' is not one the engine reads: write the value plainly"

    # --- text: the theme writes mkdocs.yml's text into every page as it is --------------------

    def markup(self, node: yaml.ScalarNode, path: tuple) -> None:
        """Material's templates write the copyright line, names, descriptions and links from
        mkdocs.yml into every page without escaping them: `copyright: <img onerror=…>` or a social
        link to javascript: ran on every page. HTML is allowed where the theme's documentation
        shows it (the copyright line's links) and checked like a hand-written page's."""
        value, last = node.value, str(path[-1])
        found = [why for _, why in inert.problems(value)] if "<" in value else []
        if inert.runs_script(value) and (last in _LINKS or last.endswith("_url") or
                                         inert.plain(value).startswith(("javascript:", "vbscript:", "data:"))):
            found.append("runs script or opens what is not a page: link to a page or a web address")
        if '"' in value and path[0] != "copyright":
            found.append("holds '\"', which the theme writes into an HTML attribute as it is: "
                         "use “ ” or ' instead")
        for why in found:
            self.add(node, path, why)

    # --- settings: what would make the engine run, read or publish something from outside -----

    def settings(self, root: yaml.MappingNode) -> None:
        for key, value in root.value:
            name = _name(key)
            if name in _REFUSED:
                self.add(key, (name,), f"not allowed: {_REFUSED[name]}")
            elif name == "theme":
                self.theme(value)
            elif name == "plugins":
                self.plugins(value)
            elif name == "markdown_extensions":
                self.extensions(value)
            elif name in _PATH_LISTS and isinstance(value, yaml.SequenceNode):
                for i, item in enumerate(value.value):
                    if isinstance(item, yaml.MappingNode):  # extra_javascript: {path: ..., type: module}
                        self.path(next((v for k, v in item.value if _name(k) == "path"), None), (name, i, "path"),
                                  _CODE.get(name))
                    else:
                        self.path(item, (name, i), _CODE.get(name))
            elif name == "extra" and isinstance(value, yaml.MappingNode):
                for k, v in value.value:
                    if _name(k) in _EXTRA_REFUSED:
                        self.add(k, ("extra", _name(k)), f"not allowed: {_EXTRA_REFUSED[_name(k)]}")

    def theme(self, node: yaml.Node) -> None:
        if isinstance(node, yaml.ScalarNode):
            if node.value != "material":
                self.add(node, ("theme",), f"the theme '{node.value}' is not the one crisisbook's pages are "
                         "written for: use material")
            self.add(node, ("theme", "font"), _FONT)
            return
        if not isinstance(node, yaml.MappingNode):
            return
        font = next((v for k, v in node.value if _name(k) == "font"), None)
        if not (isinstance(font, yaml.ScalarNode) and font.value.lower() == "false"):
            self.add(font or node, ("theme", "font"), _FONT)
        for key, value in node.value:
            name = _name(key)
            if name == "name" and isinstance(value, yaml.ScalarNode) and value.value != "material":
                self.add(value, ("theme", "name"), f"the theme '{value.value}' is not the one crisisbook's pages "
                         "are written for: use material")
            elif name == "custom_dir":
                self.add(key, ("theme", "custom_dir"), "not allowed: the engine would copy that folder into the "
                         "site; put theme overrides in templates/theme/, which crisisbook hands to the engine")
            elif name in ("logo", "favicon"):
                self.path(value, ("theme", name))

    def plugins(self, node: yaml.Node) -> None:
        for path, key, config in _named_items(node, "plugins"):
            name = _name(key)
            plain = name.removeprefix("material/")
            if plain not in PLUGINS:
                self.add(key, path, f"the plugin '{name}' is not one crisisbook builds with: use "
                         f"{', '.join(PLUGINS[:-1])} or {PLUGINS[-1]} (any other runs code the checks never see)")
            else:
                self.paths(config, path)  # the privacy plugin's cache_dir and assets_fetch_dir...
                separator = next((k for k, _ in config.value if _name(k) == "separator"), None) \
                    if plain == "search" and isinstance(config, yaml.MappingNode) else None
                if separator is not None:
                    self.add(separator, path + ("search", "separator"), _SEPARATOR)

    def extensions(self, node: yaml.Node) -> None:
        for path, key, config in _named_items(node, "markdown_extensions"):
            name = _name(key)
            self.paths(config, path + (name,))
            if name in _READ_FILES:
                self.add(key, path, f"the extension '{name}' {_READ_FILES[name]}, from anywhere on the machine: "
                         "write shared text in templates/ instead")
            elif not allowed_extension(name):
                self.add(key, path, f"the extension '{name}' is not Python-Markdown's, PyMdown's or Material's: "
                         "the engine would import it, running code the checks never see")

    def paths(self, node: yaml.Node | None, path: tuple) -> None:
        """The options of a plugin or an extension that name files or folders it reads or writes
        (cache_dir, base_path, custom_icons...), wherever they sit in its config."""
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                option = _name(key)
                if option.endswith(("_dir", "_file", "_path")) or option in _PATH_OPTIONS:
                    for i, item in enumerate(value.value) if isinstance(value, yaml.SequenceNode) else [(None, value)]:
                        self.path(item, path + (option,) + (() if i is None else (i,)))
                else:
                    self.paths(value, path + (option,))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self.paths(item, path + (i,))

    def path(self, node: yaml.Node | None, path: tuple, kinds: tuple | None = None) -> None:
        """A file the engine links or reads must be a relative path inside the project; a script
        or a stylesheet, one of templates/assets/ (by its kind of name, which docs/ never holds)."""
        if not isinstance(node, yaml.ScalarNode) or node.tag != _YAML + "str":
            return
        value = node.value
        if kinds and not urlsplit(value).path.lower().endswith(kinds):
            self.add(node, path, f"'{value}' is not a {' or '.join(kinds)} file: every page loads it as code, and a "
                     "file of docs/ (.txt, .csv...) is not reviewed as code; put it in templates/assets/")
            return
        parts = urlsplit(value)
        if parts.scheme or parts.netloc or value.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", value):
            self.add(node, path, f"'{value}' is outside the project: name a path inside it (such as "
                     "assets/crisisbook.css), so nothing is read or loaded from elsewhere")
        elif posixpath.normpath(value.replace("\\", "/")).split("/")[0] == "..":
            self.add(node, path, f"'{value}' leads out of the project: name a file inside it")


def _name(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else "?"


def _leaves(node: yaml.Node):
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _leaves(item)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _leaves(key)
            yield from _leaves(value)
    else:
        yield node


def _named_items(node: yaml.Node, field: str):
    """(path, name node, config node) of each plugin or extension, listed or as a mapping."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield (field, _name(key)), key, value
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            if isinstance(item, yaml.MappingNode):
                for key, value in item.value:
                    yield (field, i), key, value
            else:
                yield (field, i), item, None
