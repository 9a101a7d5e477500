"""`crisisbook new scenario`: a new scenario file that passes `validate` at once, with TODO
markers where the author must write (each a warning; `validate --strict` fails on them).
`crisisbook new handbook`: a new handbook repository, likewise valid with TODOs."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from . import fsguard
from .errors import CrisisbookError
from .checker import check_project
from .render import TemplateLoader
from .model import UNTRANSLATED, base_language
from .schema import CATEGORIES, MAX_ID, SLUG, STATEMENT_KINDS
from .pages import reserved
from .schema_export import write as write_schemas
from .validate import reserved_message, suggest

# Channels a statement kind goes to when the playbook has them; otherwise its first channel.
_PREFERRED = {"internal-memo": ["internal-memo"], "press-answer": ["press-answer", "press-release"],
              "customer-notice": ["customer-email", "sms", "in-app-notice", "private-message"]}
_PUBLIC = ["x", "facebook"]


def new_scenario(root: Path, sid: str, category: str, title: str | None, today: dt.date,
                 languages: list[str] | None = None) -> Path:
    """`languages`: those the scenario is written in, the handbook's (playbook/organisation.yaml)
    by default; every text field carries each of them, with a TODO in each."""
    if not re.fullmatch(SLUG, sid) or len(sid) > MAX_ID:
        raise CrisisbookError(f"'{sid}' is not a valid id: use lowercase letters, digits and hyphens, "
                              f"at most {MAX_ID}, e.g. warehouse-fire")
    if sid in reserved("scenario"):  # validate would refuse the file it writes
        raise CrisisbookError(reserved_message("id", sid, "scenario"))
    if category not in CATEGORIES:
        raise CrisisbookError(f"unknown category '{category}'; choose one of: {', '.join(CATEGORIES)}")
    given, root = root, root.resolve()
    target = root / "scenarios" / f"{sid}.yaml"
    if os.path.lexists(target):  # a broken link too: writing through it would create its target
        kind = " (a link)" if target.is_symlink() else ""
        raise CrisisbookError(f"{target.relative_to(root)} already exists{kind}; choose another id")
    project = check_project(root, today, only=[])
    if project.failed():
        raise CrisisbookError("the playbook has problems; run `crisisbook validate` and fix them first")
    text = _render(root, sid, category, title, today, project.playbook, languages)
    fsguard.create(root, target, text.encode())
    return given / "scenarios" / f"{sid}.yaml"


def _languages(organisation: dict, wanted: list[str] | None) -> tuple[list[str], str, bool]:
    """The skeleton's languages (the handbook's by default), the one its plain text is in, and
    whether they are fewer than the handbook's (the scenario then says which it is written in)."""
    default = organisation["default_language"]
    known = organisation.get("languages") or [default]
    for lang in wanted or ():
        if lang not in known:
            raise CrisisbookError(f"'{lang}' is not a language of the handbook{suggest(lang, known, always=True)}; "
                                  f"see languages in playbook/organisation.yaml")
    chosen = [lang for lang in known if lang in (wanted or known)]  # in the handbook's order
    return chosen, base_language(chosen, default), len(chosen) < len(known)


# characters a YAML file may not hold unescaped (YAML 1.2, 5.1), and the line and paragraph
# separators, which editors show as line breaks
_NOT_RAW = re.compile("[\x7f-\x84\x86-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


def _text_filter(languages: list[str], base: str):
    """The `text` filter of the skeleton templates (see templates/scaffold/default.yaml.j2)."""
    def scalar(value: str, indent: int, style: str | None) -> str:
        if style is None:
            # a JSON string is a valid YAML scalar, safely quoted; Chinese kept as written (a PR
            # lead reads 中文, not \u4e2d\u6587), what YAML may not hold raw escaped
            return _NOT_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))
        return style + "".join(f"\n{' ' * indent}{line}" for line in value.splitlines())

    def text(value, indent: int, style: str | None = None, item: bool = False, given: bool = False) -> str:
        value = str(value).strip()
        # the skeleton's words are English and the PR lead's (`given`: the title) in the scenario's
        # own language; each other language says whose text it is to be, and keeps the hint and
        # its placeholders
        written = base if given else next((lang for lang in languages if lang.split("-")[0] == "en"), None)
        texts = [value if lang == written else UNTRANSLATED.format(lang=lang) + value.removeprefix("TODO: ")
                 for lang in languages]
        if len(languages) == 1:
            return scalar(texts[0], indent, style)
        lines = [f"{lang}: " + scalar(t, indent + 2, style) for lang, t in zip(languages, texts)]
        first = "" if item else f"\n{' ' * indent}"
        return first + f"\n{' ' * indent}".join(lines)
    return text


def _render(root: Path, sid, category, title, today, playbook: dict, wanted: list[str] | None = None) -> str:
    roles = list(playbook["roles"]["roles"])
    declared = playbook["channels"]["channels"]
    channels = list(declared)
    # the drill's first inject is a public post: on a feed-like channel if the playbook has one
    feed = next((c for c, spec in declared.items() if spec.get("kind") == "microblog"), channels[0])

    def pick(*wanted: str) -> str:
        return next((r for r in wanted if r in roles), roles[0])

    def pick_all(*wanted: str) -> list[str]:
        return [r for r in wanted if r in roles] or [roles[0]]

    def channels_for(kind: str) -> list[str]:
        found = [c for c in _PREFERRED.get(kind, _PUBLIC) if c in channels]
        return found or channels[:1]

    env = SandboxedEnvironment(loader=TemplateLoader(root, [root / "templates" / "scaffold"]),
                               undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                               keep_trailing_newline=True)
    languages, base, fewer = _languages(playbook["organisation"], wanted)
    env.filters["text"] = _text_filter(languages, base)
    env.filters["yaml"] = json.dumps  # for a handbook's own skeletons written before `text`
    names = env.list_templates()
    template = f"{category}.yaml.j2" if f"{category}.yaml.j2" in names else "default.yaml.j2"
    try:
        text = env.get_template(template).render(
            id=sid, title=title or sid.replace("-", " ").capitalize(), category=category,
            today=today.isoformat(), levels=list(playbook["severity"]["levels"]),
            statement_channels={k: channels_for(k) for k in STATEMENT_KINDS}, pick=pick, pick_all=pick_all,
            inject_channel=feed, languages=languages if fewer else [])
    except jinja2.TemplateError as e:
        raise CrisisbookError(f"templates/scaffold/{template}: {e.message}") from e
    return re.sub(r"[ \t]+$", "", text, flags=re.M)  # a mapping's key ends its line: `summary:`


# `crisisbook new handbook DIR`: a handbook repository holds the team's data and the tool together
# (like this repository), so a clone builds with nothing but Python and make. It is made from
# the crisisbook source this command runs from.
SOURCE = Path(__file__).resolve().parents[2]  # src/crisisbook/scaffold.py -> the repository
TOOL = ("pyproject.toml", "src/crisisbook", "templates", ".github/workflows/handbook.yml",
        ".pre-commit-config.yaml", "docs/contributing.md", "docs/contributing.zh-Hant.md")
SKELETON = "templates/handbook"  # playbook/, README.md, Makefile, gitignore for the new repository
FIRST_SCENARIO = ("service-outage", "outage", "Website or app down")


def new_handbook(target: Path, today: dt.date, source: Path = SOURCE) -> list[Path]:
    """Create a handbook repository in `target` (new or empty); returns the files written."""
    if not (source / "pyproject.toml").is_file() or not (source / SKELETON).is_dir():
        raise CrisisbookError(f"{source}: not a crisisbook source tree; run `crisisbook new handbook` "
                              f"from a clone of crisisbook (installed with `make site`)")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise CrisisbookError(f"{target} already exists and is not empty; choose a new folder")
    target.mkdir(parents=True, exist_ok=True)
    for name in TOOL:
        _copy(source / name, target / name)
    skeleton = source / SKELETON
    for path in sorted(p for p in skeleton.rglob("*") if p.is_file()):
        relative = path.relative_to(skeleton).as_posix()
        _copy(path, target / (".gitignore" if relative == "gitignore" else relative))
    shutil.rmtree(target / SKELETON)  # the skeleton came with templates/; the copy needs none
    _name_the_site(source / "mkdocs.yml", target / "mkdocs.yml")
    write_schemas(target / "schema")
    new_scenario(target, *FIRST_SCENARIO, today)
    _write_codeowners(target)
    return sorted(p for p in target.rglob("*") if p.is_file())


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    else:
        shutil.copy2(source, target)


def _name_the_site(source: Path, target: Path) -> None:
    """The example's site settings, with a name to replace."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    named = {"site_name:": "site_name: Crisis handbook  # TODO: the brand's name, e.g. Lumora Home crisis handbook\n",
             "site_description:": "site_description: What to do, who does it, and what to say when the brand is in trouble.\n"}
    target.write_text("".join(next((v for k, v in named.items() if line.startswith(k)), line)
                              for line in lines), encoding="utf-8")


def _write_codeowners(root: Path) -> None:
    from .build import handbook_of
    from .codeowners import block

    hb, _ = handbook_of(root)
    (root / ".github" / "CODEOWNERS").write_text(block(hb), encoding="utf-8")
