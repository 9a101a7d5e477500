"""Regenerate tests/golden/small/ from tests/fixtures/small/ with the shipped templates.

Run it (`make golden`) after an intended change to the templates or the renderer, then read
the diff (`git diff tests/golden`) before committing: the diff is the change readers will see.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from conftest import GOLDEN, SMALL, TODAY  # noqa: E402
from crisisbook.build import handbook_of  # noqa: E402
from crisisbook.render import Renderer  # noqa: E402


def render_small() -> dict[str, str]:
    hb, _ = handbook_of(SMALL, TODAY)
    return Renderer(REPO / "templates").render(hb, TODAY).pages


def main() -> None:
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for name, text in render_small().items():
        target = GOLDEN / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    print(f"wrote {GOLDEN.relative_to(REPO)}")


if __name__ == "__main__":
    main()
