"""A staff member in a crisis, on a phone (390 px) or a desk: no page scrolls sideways, one
fill-in panel fills every statement and reply, counts follow what was typed, copy never hands
over an unfilled {blank}, and the crisis clock keeps time across reloads. In a real browser
(Debian's chromium via Playwright), over http and from disk (file://), in both editions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import CHROMIUM

pytest.importorskip("playwright.sync_api")
if not CHROMIUM.exists():  # `make test` installs it; a bare `pytest` elsewhere may lack it
    pytest.skip("Debian's chromium is not installed (run `make test`)", allow_module_level=True)

PHONE = {"width": 390, "height": 844}
SCENARIO = "scenarios/product-recall"
EDITIONS = ["", "zh-Hant/"]


@pytest.fixture(params=["http", "file"])
def where(request, example_sites, example_server):
    """(form, function giving a page's URL): the web server form over http, the offline form
    from disk."""
    if request.param == "http":
        return "http", lambda page: example_server + (page + "/" if page and not page.endswith("/") else page)
    base = example_sites[1].as_uri() + "/"
    return "file", lambda page: base + (page.rstrip("/") + ".html" if page and not page.endswith("/")
                                        else page + "index.html")


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport=PHONE, timezone_id="Asia/Hong_Kong", locale="en-GB")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    yield tab
    assert tab.errors == []
    context.close()


# Offenders on a page: the document or any element that can be scrolled sideways, and any
# element of the page's content wider than its box (clipped or sticking out). The theme's own
# one-line titles (cut with an ellipsis) and its off-screen navigation drawer are not content.
SIDEWAYS = """() => {
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth) out.push(`document ${doc.scrollWidth} > ${doc.clientWidth}`);
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                     (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '');
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    const scrolls = ['auto', 'scroll'].includes(style.overflowX);
    const content = el.closest('.md-content');
    if ((scrolls || content) && el.clientWidth > 0 && el.scrollWidth > el.clientWidth)
      out.push(`${name(el)} ${el.scrollWidth} > ${el.clientWidth}`);
  }
  return out;
}"""


def _pages(site) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


@pytest.mark.parametrize("form", ["http", "file"])
def test_no_page_scrolls_sideways_on_a_phone(chromium, example_sites, example_server, form):
    site = example_sites[0] if form == "http" else example_sites[1]
    pages = _pages(site)
    assert len(pages) > 40  # every generated page of both editions, hand-written ones too
    context = chromium.new_context(viewport=PHONE)
    tab = context.new_page()
    offenders = {}
    for path in pages:
        url = example_server + path if form == "http" else (site / path).as_uri()
        tab.goto(url)
        found = tab.evaluate(SIDEWAYS)
        if found:
            offenders[path] = found[:5]
    context.close()
    assert offenders == {}


DESKS = [{"width": 1280, "height": 900}, {"width": 1024, "height": 768}]

# Offenders among a page's tables on a desk: a table (or a box around it) that scrolls or clips
# sideways, which the theme allows, leaving the last columns out of sight behind a scrollbar
# that does not show; a table that ends past the text column; a cell whose content is wider than
# the cell. (The theme's scroll box sticks out of the text column a little on each side, by
# design: boxes that show what overflows them are not counted.)
TABLES_CLIPPED = """() => {
  const out = [];
  const article = document.querySelector('article.md-content__inner');
  const edge = article.getBoundingClientRect().right;
  document.querySelectorAll('article table').forEach((table, i) => {
    const th = table.querySelector('th');
    const name = `table ${i + 1} (${th ? th.textContent.trim() : ''}…)`;
    for (let box = table; box && box !== article; box = box.parentElement)
      if (getComputedStyle(box).overflowX !== 'visible' && box.scrollWidth > box.clientWidth)
        out.push(`${name}: ${box.tagName.toLowerCase()}.${box.className} scrolls sideways, ${box.scrollWidth} > ${box.clientWidth} px`);
    const right = table.getBoundingClientRect().right;
    if (right > edge + 1) out.push(`${name} ends at ${right} px, past the text column at ${edge} px`);
    table.querySelectorAll('th, td').forEach(cell => {
      if (cell.scrollWidth > cell.clientWidth)
        out.push(`${name}: cell '${cell.textContent.trim().slice(0, 40)}' ${cell.scrollWidth} > ${cell.clientWidth} px`);
    });
  });
  return out;
}"""


@pytest.mark.parametrize("viewport", DESKS, ids=lambda v: f"{v['width']}x{v['height']}")
def test_every_table_is_seen_whole_on_a_desk(chromium, example_sites, viewport):
    """The roster's people (six columns, long e-mail addresses) used to be 926 px wide in a 720 px
    column (825 px in Chinese): the chat handles cut ("@ada.") and the roles out of sight. Every
    table of both editions fits its column at desk sizes; phones get cards (above)."""
    site = example_sites[1]
    pages = _pages(site)
    assert {"roster.html", "zh-Hant/roster.html"} <= set(pages)
    context = chromium.new_context(viewport=viewport)
    tab = context.new_page()
    offenders = {}
    for path in pages:
        tab.goto((site / path).as_uri())
        found = tab.evaluate(TABLES_CLIPPED)
        if found:
            offenders[path] = found[:5]
    tab.goto((site / "roster.html").as_uri())
    assert tab.locator("article table").count() == 2  # the check saw the people table
    context.close()
    assert offenders == {}


def test_tables_become_cards_with_their_column_names_on_a_phone(phone, where):
    _, url = where
    phone.goto(url("roster"))
    cell = phone.locator("article table td").nth(1)
    assert cell.get_attribute("data-label") == "Primary"
    assert phone.evaluate("getComputedStyle(document.querySelector('article table tr')).display") == "block"
    label = phone.evaluate("getComputedStyle(document.querySelectorAll('article table td')[1], '::before').content")
    assert label == '"Primary"'
    # a phone number is never broken across lines
    link = phone.locator("article a[href^='tel:']").first
    assert link.evaluate("a => getComputedStyle(a).whiteSpace") == "nowrap"
    assert link.evaluate("a => a.getClientRects().length") == 1


def _fill(page, name: str, value: str) -> None:
    page.fill(f"#cb-fill input[name={name}]", value)


@pytest.mark.parametrize("edition", EDITIONS)
def test_one_value_fills_every_statement_and_reply_and_is_kept(phone, where, edition):
    _, url = where
    phone.goto(url(edition + SCENARIO))
    assert phone.locator("#cb-fill").count() == 1 and phone.locator("form.cb-fill-form").count() == 1
    marks = phone.locator("pre mark[data-blank=product]")
    in_replies = phone.locator("pre.cb-reply mark[data-blank=product]")
    assert marks.count() > 5 and in_replies.count() >= 1
    _fill(phone, "product", "AeroCrisp 5L")
    assert set(marks.all_inner_texts()) == {"AeroCrisp 5L"}
    phone.reload()
    assert phone.input_value("#cb-fill input[name=product]") == "AeroCrisp 5L"
    assert set(marks.all_inner_texts()) == {"AeroCrisp 5L"} and in_replies.first.inner_text() == "AeroCrisp 5L"
    phone.click("#cb-fill button.cb-clear")
    assert set(marks.all_inner_texts()) == {"{product}"}
    phone.reload()
    assert phone.input_value("#cb-fill input[name=product]") == ""


def _counts(page, statement: str) -> dict[str, str]:
    about = page.locator(f"#statement-{statement} + .cb-about")
    return {c.get_attribute("data-channel"): c.inner_text() for c in about.locator(".cb-count").all()}


@pytest.mark.parametrize("edition, typed, x_added, plain_added", [
    ("", "AeroCrisp 5L", 12, 12), ("zh-Hant/", "氣炸鍋", 6, 3)])
def test_counts_follow_what_was_typed_and_flag_an_overlong_text(phone, where, example_sites, edition, typed,
                                                               x_added, plain_added):
    _, url = where
    phone.goto(url(edition + SCENARIO))
    counts = _counts(phone, "holding")
    x, threads = (next(k for k in counts if k.startswith(p)) for p in ("X", "Threads"))
    # before anything is typed, the script counts what the build counted (a blank's name is no text)
    html = (example_sites[1] / f"{edition}{SCENARIO}.html").read_text(encoding="utf-8")
    built = html[html.index('id="statement-holding"'):]
    built = re.search(r'data-count="x-weighted">(\d+/280)</span>', built).group(1)
    assert counts[x] == built
    server = {c.get_attribute("data-channel"): c for c in phone.locator("#statement-holding + .cb-about .cb-count").all()}
    before = {k: int(re.match(r"(\d+)/", v).group(1)) for k, v in counts.items()}
    _fill(phone, "product", typed)
    after = {k: int(re.match(r"(\d+)/", v).group(1)) for k, v in _counts(phone, "holding").items()}
    assert after[x] - before[x] == x_added * phone.locator("#statement-holding ~ pre").first.locator(
        "mark[data-blank=product]").count()
    assert after[threads] - before[threads] == plain_added * phone.locator(
        "#statement-holding ~ pre").first.locator("mark[data-blank=product]").count()
    assert "cb-over" not in (server[x].get_attribute("class") or "")
    _fill(phone, "next_update_time", "6 pm " * 60)
    assert "cb-over" in server[x].get_attribute("class")
    copybar = phone.locator("#statement-holding ~ .cb-copybar").first
    copybar.locator("button").click()
    status = copybar.locator("output")
    phone.wait_for_function("o => o.textContent !== ''", arg=status.element_handle())
    # one sentence for every channel it is too long for (it once said "Copied, but" for each)
    over = [(channel, *map(int, count.split("/"))) for channel, count in _counts(phone, "holding").items()]
    over = [(channel, n - limit, limit) for channel, n, limit in over if n > limit]
    assert len(over) >= 2
    expected = ("Copied, but " + ", ".join(f"{n} characters over the {limit}-character limit of {channel}"
                                           for channel, n, limit in over) + ": shorten it before posting there."
                if not edition else
                "已複製，但超出" + "、".join(f"{channel}的{limit}字上限{n}字" for channel, n, limit in over)
                + "；在相關渠道發布前請先刪減。")
    assert status.inner_text() == expected and "cb-warn" in status.get_attribute("class")


def test_an_sms_counts_as_a_phone_sends_it_and_a_chinese_word_typed_in_makes_it_ucs2(phone, where):
    """An SMS holds 160 GSM characters but only 70 once any other character is in it: a date
    typed in Chinese into an English SMS sends it in UCS-2, and the count says so."""
    _, url = where
    phone.goto(url("scenarios/complaint-goes-viral"))
    sms = phone.locator("#statement-overdue-sms + .cb-about .cb-count")
    assert re.fullmatch(r"\d+/160", sms.inner_text()) and int(sms.inner_text().split("/")[0]) < 130
    _fill(phone, "callback_date", "Friday 5 December")
    n = int(sms.inner_text().split("/")[0])
    assert sms.inner_text() == f"{n}/160" and "cb-over" not in (sms.get_attribute("class") or "")
    _fill(phone, "callback_date", "12月5日（星期五）")
    assert sms.inner_text() == f"{n - len('Friday 5 December') + len('12月5日（星期五）')}/70"
    assert "cb-over" in sms.get_attribute("class")


@pytest.mark.parametrize("edition, refused", [("", "Not copied. Still blank: {product}, {next_update_time}"),
                                              ("zh-Hant/", "未能複製。尚未填寫：{product}、{next_update_time}")])
def test_copy_refuses_a_text_with_an_empty_blank(phone, where, edition, refused):
    form, url = where
    phone.goto(url(edition + SCENARIO))
    # the theme's own copy icon is not on statements or replies: it would copy the raw {blanks}
    assert phone.locator("article .md-clipboard").count() == 0
    assert phone.locator("article pre.cb-statement code, article pre.cb-reply code").count() == 0
    if form == "http":
        phone.evaluate("navigator.clipboard.writeText('before')")
    copybar = phone.locator("#statement-holding ~ .cb-copybar").first
    copybar.locator("button").click()
    assert copybar.locator("output").inner_text() == refused
    if form == "http":
        assert phone.evaluate("navigator.clipboard.readText()") == "before"
    # a reply with a blank is refused the same way; filled in, it is copied whole
    reply = phone.locator("pre.cb-reply:has(mark[data-blank=batch]) + .cb-copybar").first
    reply.locator("button").click()
    assert "{batch}" in reply.locator("output").inner_text()
    _fill(phone, "product", "AeroCrisp 5L")
    _fill(phone, "batch", "AF500-2603 to AF500-2605")
    reply.locator("button").click()
    phone.wait_for_function("o => o.classList.contains('cb-ok')", arg=reply.locator("output").element_handle())
    copied = reply.evaluate("bar => bar.previousElementSibling.dataset.copied")
    assert "AF500-2603 to AF500-2605" in copied and "{" not in copied
    if form == "http":
        assert phone.evaluate("navigator.clipboard.readText()") == copied


CLOCK = {"": {"start": "Start the clock", "due": "by 09:15", "overdue": "overdue", "done": "Done: 1 of",
              "next": "Next:", "started": "Clock started at 09:00 (T)"},
         "zh-Hant/": {"start": "開始計時", "due": "最遲 09:15", "overdue": "已逾時", "done": "已完成：1／",
                      "next": "下一步：", "started": "計時由 09:00（T）開始"}}


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_crisis_clock_keeps_time_across_reloads(phone, where, edition):
    form, url = where
    words = CLOCK[edition]
    phone.clock.install(time="2026-12-01T09:59:00+08:00")  # time flows on from here
    phone.goto(url(edition + SCENARIO))
    start = phone.locator("#cb-clock button.cb-start")
    assert start.inner_text() == words["start"]
    phone.fill("#cb-clock input[name=detected]", "2026-12-01T09:00")
    start.click()
    steps = phone.locator("li:has(.cb-due)")
    minutes = [int(m) for m in phone.locator(".cb-due").evaluate_all("els => els.map(e => e.dataset.minutes)")]
    assert steps.count() == len(minutes) > 10
    first = steps.first
    assert words["due"] in first.locator(".cb-due").inner_text() and words["overdue"] in first.inner_text()
    late = sum(1 for m in minutes if m < 59)  # due before 09:59
    assert phone.locator("li.cb-overdue").count() == late > 0
    summary = phone.locator(".cb-clock-summary").inner_text()
    assert words["started"] in summary
    next_due = phone.locator(".cb-clock-next").inner_text()
    assert "10:00" in next_due  # the first step due at or after now (T+1h), with its owner
    first.locator("input[type=checkbox]").check(force=True)
    phone.reload()
    assert phone.locator("li:has(.cb-due) input[type=checkbox]").first.is_checked()
    assert phone.locator("li.cb-overdue").count() == late - 1
    assert words["started"] in phone.locator(".cb-clock-summary").inner_text()
    assert phone.locator("#cb-clock button.cb-start").is_hidden()
    phone.locator("#cb-clock .cb-copy-status-button").click()
    phone.wait_for_function("() => document.querySelector('#cb-clock output').textContent !== ''")
    if form == "http":
        status = phone.evaluate("navigator.clipboard.readText()")
        assert words["done"] in status and words["next"] in status
        assert "Ada Kwok" in status  # owners, by name: the customer care lead's step is overdue
        title = phone.locator("h1").evaluate("h => h.firstChild.textContent")
        assert status.splitlines()[0] == f"{title} — {words['started']}"


def test_the_chinese_interface_is_chinese(phone, where):
    _, url = where
    phone.goto(url("zh-Hant/" + SCENARIO))
    assert phone.title().endswith("Lumora Home 危機處理手冊")
    assert phone.locator(".md-header__topic").first.inner_text().strip() == "Lumora Home 危機處理手冊"
    assert phone.locator(".cb-fill-intro").inner_text().startswith("每個空格只須填寫一次")
    assert set(phone.locator(".cb-copybar button").all_inner_texts()) == {"複製"}
    assert phone.locator("#cb-fill button.cb-clear").inner_text() == "清除所有空格"
    assert phone.locator("h2 .headerlink").first.get_attribute("title") == "此段落的固定連結"
    assert phone.locator("pre mark[data-blank=product]").first.get_attribute("title").startswith("產品名稱")
    text = phone.locator("body").inner_text()
    assert "个" not in text and "9 am to 9 pm" not in text and "每日上午9時至晚上9時" in text
    phone.goto(url("zh-Hant/"))
    assert "个" not in phone.locator("body").inner_text()


def test_opened_from_disk_every_link_leads_to_a_page(chromium, example_sites):
    """What the README says to open (`make site` builds the offline form): site/index.html from
    disk, where a link to a folder would show a file listing instead of a page."""
    from urllib.parse import unquote, urlsplit

    site = example_sites[1]
    context = chromium.new_context()
    tab = context.new_page()
    broken = set()
    for start in ["index.html", "zh-Hant/index.html", SCENARIO + ".html", "roster.html"]:
        tab.goto((site / start).as_uri())
        for href in tab.eval_on_selector_all("a[href]", "els => els.map(a => a.href)"):
            parts = urlsplit(href)
            if parts.scheme != "file":
                continue
            target = Path(unquote(parts.path))
            if not target.is_file():
                broken.add(f"{start}: {href}")
    context.close()
    assert broken == set()
