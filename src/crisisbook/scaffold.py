"""`crisisbook new scenario`: a new scenario file that passes `validate` at once, with TODO
markers where the author must write (each a warning; `validate --strict` fails on them)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from .errors import CrisisbookError
from .load import load_project
from .schema import CATEGORIES, SLUG

# Channels a statement kind goes to when the playbook has them; otherwise its first channel.
_PREFERRED = {"internal-memo": ["internal-memo"], "press-answer": ["press-answer", "press-release"]}
_PUBLIC = ["x", "facebook"]


def new_scenario(root: Path, sid: str, category: str, title: str | None, today: dt.date) -> Path:
    if not re.fullmatch(SLUG, sid):
        raise CrisisbookError(f"'{sid}' is not a valid id: use lowercase letters, digits and hyphens, "
                              f"e.g. warehouse-fire")
    if category not in CATEGORIES:
        raise CrisisbookError(f"unknown category '{category}'; choose one of: {', '.join(CATEGORIES)}")
    target = root / "scenarios" / f"{sid}.yaml"
    if target.exists():
        raise CrisisbookError(f"{target.relative_to(root)} already exists; choose another id")
    sources = load_project(root, only=[])
    if sources.problems:
        raise CrisisbookError("the playbook has problems; run `crisisbook validate` and fix them first")
    text = _render(root, sid, category, title, today, sources)
    target.parent.mkdir(exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def _render(root: Path, sid, category, title, today, sources) -> str:
    roles = list(sources.playbook["roles"].data["roles"])
    declared = sources.playbook["channels"].data["channels"]
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

    env = SandboxedEnvironment(loader=jinja2.FileSystemLoader(root / "templates" / "scaffold"),
                               undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                               keep_trailing_newline=True)
    env.filters["yaml"] = json.dumps  # a JSON string is a valid YAML scalar, safely quoted
    names = env.list_templates()
    template = f"{category}.yaml.j2" if f"{category}.yaml.j2" in names else "default.yaml.j2"
    kinds = ("holding", "apology", "update", "resolution", "internal-memo", "press-answer")
    try:
        return env.get_template(template).render(
            id=sid, title=title or sid.replace("-", " ").capitalize(), category=category,
            today=today.isoformat(), levels=list(sources.playbook["severity"].data["levels"]),
            statement_channels={k: channels_for(k) for k in kinds}, pick=pick, pick_all=pick_all,
            inject_channel=feed)
    except jinja2.TemplateError as e:
        raise CrisisbookError(f"templates/scaffold/{template}: {e.message}") from e
