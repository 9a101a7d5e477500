"""`make screenshots`: phone (390x844) and desktop (1366x900) screenshots of a scenario, the
roster and the severity page in both languages, for a reviewer to look at.

Builds the example's offline form into build/screenshots/site and opens it from disk in
Debian's chromium (Playwright). On the scenario page the crisis clock is started an hour and a
half before "now" and one blank is filled in, so deadlines, overdue steps and a filled statement
show. Writes build/screenshots/<lang>-<page>-<phone|desktop>.png (whole pages).
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from conftest import BROWSER_ARGS, CHROMIUM  # noqa: E402
from crisisbook.build import build  # noqa: E402

OUT = REPO / "build" / "screenshots"
PAGES = {"scenario": "scenarios/product-recall.html", "roster": "roster.html", "severity": "severity.html"}
EDITIONS = {"en": "", "zh-Hant": "zh-Hant/"}
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


def prepare(page) -> None:
    """Start the clock 90 minutes ago and fill one blank, as in the middle of an incident."""
    if not page.locator("#cb-clock").count():
        return
    page.fill("#cb-fill input[name=product]", "AeroCrisp Air Fryer 5L (LH-AF500)")
    if page.locator("#cb-clock button.cb-start").is_hidden():  # one incident: started in the other language
        return
    started = dt.datetime.now() - dt.timedelta(minutes=90)
    page.fill("#cb-clock input[name=detected]", started.strftime("%Y-%m-%dT%H:%M"))
    page.click("#cb-clock button.cb-start")
    page.locator("li:has(.cb-due) input[type=checkbox]").first.check(force=True)


def main() -> None:
    from playwright.sync_api import sync_playwright

    site = OUT / "site"
    shutil.rmtree(site, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    build(REPO, site, offline=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        for size, viewport in SIZES.items():
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            for lang, prefix in EDITIONS.items():
                for name, path in PAGES.items():
                    page.goto((site / (prefix + path)).as_uri())
                    prepare(page)
                    page.evaluate("window.scrollTo(0, 0)")  # the theme's header sits at the top
                    target = OUT / f"{lang}-{name}-{size}.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(target.relative_to(REPO))
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
