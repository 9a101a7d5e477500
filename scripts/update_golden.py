"""Regenerate tests/golden/small/ (all-staff) and tests/golden/small-team/ (the crisis team's
edition), every language, from tests/fixtures/small/ with the shipped templates.

Run it (`make golden`) after an intended change to the templates or the renderer, then read
the diff (`git diff tests/golden`) before committing: the diff is the change readers will see.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from conftest import GOLDEN_EDITIONS, render_golden  # noqa: E402


def main() -> None:
    for audience, folder in GOLDEN_EDITIONS.items():
        shutil.rmtree(folder, ignore_errors=True)
        for name, text in render_golden(audience).items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        print(f"wrote {folder.relative_to(REPO)}")


if __name__ == "__main__":
    main()
