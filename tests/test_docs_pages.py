"""Hand-written pages (docs/) and mkdocs.yml's text arrive in pull requests: what of them reaches
a reader's browser, checked on real builds and read as a browser reads HTML (tinyhtml5)."""

from __future__ import annotations

import tinyhtml5

from conftest import TODAY
from crisisbook.checker import check_project
from test_cli import run

HTML = "{http://www.w3.org/1999/xhtml}"


def docs_problems(root) -> list[str]:
    return [str(p) for p in check_project(root, TODAY).problems if p.file.startswith(("docs/", "mkdocs.yml"))]


def parsed(path):
    return tinyhtml5.parse(path.read_text(encoding="utf-8"))


def test_a_pages_front_matter_reaches_every_page_as_text_in_every_edition(small):
    """The engine wrote a page's title (YAML escapes hide the tag from a look at the page) into
    <title> and the navigation of every page, and its description into an attribute, as they
    were. crisisbook hands them on escaped: the reader sees the text, no element comes of it."""
    (small / "docs").mkdir()
    (small / "docs" / "notes.md").write_text(
        '---\ntitle: "Notes \\x3cimg src=x onerror=alert(1)\\x3e"\n'
        'description: "\\x22><img src=x onerror=alert(2)>"\nhide: [toc]\n---\n\nSee the roster.\n', encoding="utf-8")
    # MultiMarkdown's `Key: value` lines, which the engine reads as meta data too
    (small / "docs" / "more.md").write_text("Title: More <img src=x onerror=alert(3)>\n\nBody text.\n",
                                            encoding="utf-8")
    # a tab after `title:` (only PyYAML's C loader, the engine's, takes it); an empty block, then one
    # the engine would have read as the page's meta
    (small / "docs" / "tabbed.md").write_text('---\ntitle:\t"Tab \\x3cimg src=x onerror=alert(4)\\x3e"\n---\n\nBody.\n',
                                              encoding="utf-8")
    (small / "docs" / "second.md").write_text('---\n{}\n---\n---\ntitle: "\\x3c/title\\x3e\\x3cimg src=x '
                                              'onerror=alert(5)\\x3e"\n---\n\nBody.\n', encoding="utf-8")
    result = run("-q", "build", cwd=small)
    assert result.returncode == 0, result.stderr
    pages = sorted((small / "site").rglob("*.html"))
    assert len(pages) > 20
    for page in pages:  # the navigation of every page lists both titles
        tree = parsed(page)
        assert [el.get("src") for el in tree.iter(f"{HTML}img") if el.get("src") == "x"] == [], page
        assert not [k for el in tree.iter() if isinstance(el.tag, str) for k in el.attrib if k.startswith("on")], page
    for prefix in ("", "zh-Hant/"):  # the other edition reads the front matter too: it is still at the top
        notes = parsed(small / "site" / prefix / "notes" / "index.html")
        assert notes.find(f"{HTML}head/{HTML}title").text.startswith("Notes <img src=x onerror=alert(1)> - ")
        assert [m.get("content") for m in notes.iter(f"{HTML}meta") if m.get("name") == "description"] == [
            '"><img src=x onerror=alert(2)>']
        more = parsed(small / "site" / prefix / "more" / "index.html")
        assert more.find(f"{HTML}head/{HTML}title").text.startswith("More <img src=x onerror=alert(3)> - ")
        tabbed = parsed(small / "site" / prefix / "tabbed" / "index.html")
        assert tabbed.find(f"{HTML}head/{HTML}title").text.startswith("Tab <img src=x onerror=alert(4)> - ")
        second = parsed(small / "site" / prefix / "second" / "index.html")
        assert second.find(f"{HTML}head/{HTML}title").text.startswith("Second - ")  # its own block ignored
    # the untranslated page's note comes after its front matter, which the edition still reads
    zh = (small / "site" / "zh-Hant" / "notes" / "index.html").read_text(encoding="utf-8")
    assert "---" not in zh.split('<article')[1].split("</article>")[0]


def test_what_docs_may_hold_and_what_its_front_matter_may_say(small):
    docs = small / "docs"
    docs.mkdir()
    (docs / "page.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    (docs / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")
    (docs / "logo.png").write_bytes(b"\x89PNG\r\n")
    (docs / "my notes.md").write_text("# Notes\n", encoding="utf-8")
    (docs / "meta.md").write_text("---\ntemplate: main.html\nhide: [everything]\ntags: ['<b>x</b>']\n---\n# Meta\n",
                                  encoding="utf-8")
    (docs / "heading.md").write_text("# Plans &lt;/title&gt;&lt;img src=x&gt;\n\ntext\n", encoding="utf-8")
    (docs / "titled.md").write_text("---\ntitle: Plans\n---\n# Plans &lt;b&gt;\n", encoding="utf-8")  # title given
    (docs / "pictured.md").write_text("# ![</title><img src=x onerror=alert(1)>](#a)\n\nbody\n", encoding="utf-8")
    (docs / "widget.md").write_text("# Widget\n\n[x](https://example.com){: data-md-component=\"source\" }\n",
                                    encoding="utf-8")
    (docs / "broken.md").write_text("---\ntitle: [unclosed\n---\n# Broken\n", encoding="utf-8")
    assert docs_problems(small) == [
        "docs/broken.md:1:1: the front matter is not valid YAML: did not find expected ',' or ']'",
        "docs/heading.md:1:1: the first heading holds '<', and the engine writes the heading into the page's "
        "<title> as markup: write it without '<', or give the page a title in its front matter (title: …)",
        "docs/logo.svg: is published as it is, and a browser would run what such a file holds: docs/ takes pages "
        "(.md) and .png, .jpg, .jpeg, .gif, .webp, .avif, .ico, .pdf, .txt, .csv; styles and scripts belong in "
        "templates/assets/",
        "docs/meta.md:2:1: front matter 'template' is not one crisisbook passes to the engine: use only title, "
        "description, search, hide, tags",
        "docs/meta.md:3:1: front matter 'hide' is a list of: feedback, footer, navigation, path, tags, toc",
        "docs/meta.md:4:1: front matter 'tags' is a list of words, without < > & \" ' or `",
        "docs/my notes.md: has a name the site cannot carry safely: use letters, digits, '-', '_' and '.' in file "
        "and folder names (the name becomes the page's address and, without a title, its title)",
        "docs/page.html: is published as it is, and a browser would run what such a file holds: docs/ takes pages "
        "(.md) and .png, .jpg, .jpeg, .gif, .webp, .avif, .ico, .pdf, .txt, .csv; styles and scripts belong in "
        "templates/assets/",
        "docs/pictured.md:1:1: the first heading holds '<', and the engine writes the heading into the page's "
        "<title> as markup: write it without '<', or give the page a title in its front matter (title: …)",
        "docs/widget.md:3:28: the data-md-component attribute on <a> is the theme's own: remove it"]


def test_a_page_the_markdown_engine_would_take_minutes_over_is_one_line(small):
    """Python-Markdown's time grows with the square of unclosed brackets or tags in a paragraph
    (16 KB of `[` took a minute) and it recurses into nested lists: validate, pre-commit, CI and
    every build would hang or crash on such a page. Each is refused at once, on its line."""
    docs = small / "docs"
    docs.mkdir()
    (docs / "brackets.md").write_text("# Brackets\n\nA [link](severity.md).\n\n" + "[" * 30000 + "\n", encoding="utf-8")
    (docs / "tags.md").write_text("# Tags\n\n" + "<a " * 20000 + "\n", encoding="utf-8")
    (docs / "nested.md").write_text("# Nested\n\n" + "- " * 3000 + "x\n", encoding="utf-8")
    (docs / "backslashes.md").write_text("# B\n\n" + "\\" * 5000 + "\n", encoding="utf-8")
    (docs / "wide.md").write_text("# W\n\n" + "|a" * 500 + "|\n" + "|-" * 500 + "|\n", encoding="utf-8")
    # under the bracket limit in each paragraph, but hundreds of such paragraphs (15 s)
    (docs / "many.md").write_text("# M\n\n" + ("[" * 299 + " text" * 100 + "\n\n") * 100, encoding="utf-8")
    (docs / "long.md").write_text("# L\n\n" + "word " * 50_000 + "\n", encoding="utf-8")
    assert docs_problems(small) == [
        "docs/backslashes.md:3:1: has 5000 backslashes in one paragraph (at most 2000): the Markdown engine's time "
        "grows with their square; split the paragraph",
        "docs/brackets.md:5:1: has 30000 '[' in one paragraph (at most 300): the Markdown engine's time grows with "
        "their square; split the paragraph, or write \\[ for a bracket",
        "docs/long.md:1:1: has 250,006 characters: a hand-written page has at most 200,000 (the Markdown engine's "
        "time grows faster than the page); split it into pages",
        "docs/many.md:3:1: has too many '[' in long paragraphs (the costliest starts here): the Markdown engine "
        "tries each as a link up to its paragraph's end; split the paragraphs, or write \\[",
        "docs/nested.md: is nested too deeply for the Markdown engine (lists or quotes inside each other, "
        "hundreds deep): flatten it",
        "docs/tags.md:3:1: has 20000 '<' that start an HTML tag no '>' closes (at most 50; the first is here): the "
        "Markdown engine's time grows with their square; write &lt; for a '<' that is text",
        "docs/wide.md:3:1: has a line with 501 '|' (at most 100): a table that wide takes the Markdown engine "
        "minutes and no reader can read it; split the table"]


def test_a_page_of_dense_markup_or_deep_html_is_one_line_and_long_pages_still_pass(small):
    """Each tag, emphasis, code span or entity the engine finds copies its paragraph's text once
    more: 190 KB of `<a>` in one paragraph took validate 17 s, `*a` repeated 11 s. Raw HTML
    nested deep makes the HTML parser look through every open element at each new one: 20,000
    `<div>` took 33 s, `a<b>` repeated 100 s. Each is refused at once on its line; long pages as
    people write them (a table of 1,000 rows, a list of 2,000 items, long prose, many drawings)
    are not."""
    docs = small / "docs"
    docs.mkdir()
    (docs / "tags.md").write_text("# Tags\n\n" + "<a>" * 63_000 + "\n", encoding="utf-8")
    (docs / "stars.md").write_text("# Stars\n\nFine *text*.\n\n" + "*a" * 95_000 + "\n", encoding="utf-8")
    (docs / "divs.md").write_text("# Divs\n\n" + "<div>\n\n<div/>\n\n" * 10_000, encoding="utf-8")  # <div/> is open
    (docs / "bold.md").write_text("# Bold\n\n" + "a<b></x>\n\n" * 15_000, encoding="utf-8")  # a stray end tag closes nothing
    (docs / "table.md").write_text("# Table\n\n| Who | What | Where |\n|---|---|---|\n" + (
        "| **Duty manager** | `call` the *desk* &amp; log | <br> [roster](index.md) |\n" * 1000), encoding="utf-8")
    (docs / "list.md").write_text("# List\n\n" + "- **a** `b` _c_ &amp; an item\n" * 2000, encoding="utf-8")
    (docs / "prose.md").write_text("# Prose\n\n" + (
        "Call the *duty manager* first, then `log` it &amp; tell the **desk**. " * 60 + "\n\n") * 40, encoding="utf-8")
    (docs / "drawings.md").write_text("# Drawings\n\n" + (
        "<div><svg viewBox='0 0 1 1'><g><path d='M0 0'/><circle r='1'/></g></svg><p>text</div>\n\n") * 2000,
        encoding="utf-8")
    why = ("has too much markup (tags, *, _, `, &) in too long paragraphs (the costliest starts here): the Markdown "
           "engine copies a paragraph's text once for each; split the paragraphs")
    deep = ("nests HTML elements more than 100 deep (the one past the limit is here; an element is open until its "
            "end tag): reading such HTML takes time that grows with the square of its depth; close each element, "
            "or write &lt; for a '<' that is text")
    assert docs_problems(small) == [f"docs/bold.md:203:1: {deep}", f"docs/divs.md:203:1: {deep}",
                                    f"docs/stars.md:5:1: {why}", f"docs/tags.md:3:1: {why}"]


def test_what_a_page_spells_with_character_references_is_refused_on_its_line(small):
    """A problem is found in the converted page, where the browser has decoded `&#104;` to `h`;
    it was printed without a line, since the page as written does not hold the decoded text.
    It is looked for in the page with its references decoded, and placed where they are."""
    (small / "docs").mkdir()
    (small / "docs" / "spelt.md").write_text(
        "# Spelt\n\nText.\n\n![](&#104;ttps://evil.example/x.png)\n\n"
        "<b style=\"u&#114;l(https://evil.example/)\">a</b>\n\n<div id=\"&#95;_config\">x</div>\n", encoding="utf-8")
    assert docs_problems(small) == [
        "docs/spelt.md:5:5: <img src=\"https://evil.example/x.png\"> loads from another server in every reader's "
        "browser (and not at all offline): put the image in docs/ and name it by its path",
        "docs/spelt.md:7:11: a style on <b> loads from elsewhere: keep styles in templates/assets/crisisbook.css",
        "docs/spelt.md:9:10: the id '__config' on <div> is one the theme gives its own elements (it reads its "
        "settings from #__config): choose an id that does not start with '__'"]


def test_mkdocs_yml_text_the_theme_writes_into_every_page_is_checked(small):
    """Material writes the copyright line as HTML and social links as href into every page."""
    config = small / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("extra:\n", (
        "extra:\n  social:\n    - icon: material/github\n      link: \" JavaScript:alert(1)\"\n"
        "      name: 'Our \"repo\"'\n    - icon: material/web\n      link: https://lumora.example/\n"))
    config.write_text(text + "copyright: 'Copyright &copy; 2026 <a href=\"https://lumora.example\">Lumora</a>"
                             " <img src=x onerror=\"alert(2)\">'\n", encoding="utf-8")
    line = text.count("\n") + 1
    social = text[:text.index("JavaScript")].count("\n") + 1
    assert docs_problems(small) == [
        f"mkdocs.yml:{social}:13: extra.social[0].link: runs script or opens what is not a page: link to a page "
        "or a web address",
        f"mkdocs.yml:{social + 1}:13: extra.social[0].name: holds '\"', which the theme writes into an HTML "
        "attribute as it is: use “ ” or ' instead",
        f"mkdocs.yml:{line}:12: copyright: the onerror attribute on <img> would run script in every reader's "
        "browser: remove it"]


def test_mkdocs_yml_may_not_load_anything_from_outside_into_every_page(small):
    """Material loads scripts named under extra.polyfills, Google's fonts unless `font: false`,
    and asks GitHub's API about repo_url from every page (opened from disk too)."""
    config = small / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("  font: false", "  font: {text: Roboto}").replace(
        "extra:\n", "extra:\n  polyfills: ['data:text/javascript,alert(7)']\n  homepage: \"jav\\tascript:alert(8)\"\n")
    config.write_text(text + "repo_url: https://github.com/lumora/handbook\n", encoding="utf-8")
    lines = text.splitlines()
    at = lambda needle: next(i for i, line in enumerate(lines, 1) if needle in line)  # noqa: E731
    assert docs_problems(small) == [
        f"mkdocs.yml:{at('font:')}:9: theme.font: write `font: false`: the theme otherwise loads its fonts from "
        "Google's servers into every page",
        f"mkdocs.yml:{at('polyfills')}:3: extra.polyfills: not allowed: it loads scripts into every page, from "
        "wherever it names; remove it (crisisbook's own script is templates/assets/crisisbook.js)",
        f"mkdocs.yml:{at('polyfills')}:15: extra.polyfills[0]: runs script or opens what is not a page: link to a "
        "page or a web address",
        f"mkdocs.yml:{at('homepage')}:13: extra.homepage: runs script or opens what is not a page: link to a page "
        "or a web address",
        f"mkdocs.yml:{len(lines) + 1}:1: repo_url: not allowed: the theme then asks GitHub's API about the "
        "repository from every page a reader opens, telling GitHub who reads the handbook; link to it from a "
        "page instead"]


def test_a_page_loads_no_image_from_another_server_and_the_build_fetches_none(small, tmp_path):
    """An image on another server is fetched by every reader's browser as the page opens (a
    tracking pixel, and a hole in the offline copy); with the privacy plugin the build machine
    fetched it and published its answer, an intranet address's included. `\\\\host/x` is
    `//host/x` to a browser. The build is refused and nothing is fetched."""
    import functools
    import http.server
    import threading

    fetched: list[str] = []

    class Intranet(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            fetched.append(self.path)
            super().do_GET()

        def log_message(self, *args):
            pass

    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "secret.png").write_text("INTRANET-SECRET-5f1c")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Intranet, directory=tmp_path / "www"))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    secret = f"http://127.0.0.1:{httpd.server_address[1]}/secret.png"
    config = small / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - search\n", "  - search\n  - privacy:\n      assets_exclude: ['unpkg.com/*']\n"), encoding="utf-8")
    (small / "docs").mkdir()
    (small / "docs" / "logo.png").write_bytes(b"\x89PNG\r\n")
    (small / "docs" / "notes.md").write_text(
        f"# Notes\n\n![our logo](logo.png) ![inline](data:image/png;base64,iVBOR)\n\n![pixel]({secret})\n\n"
        "<img src=\"//evil.example/a.png\" alt=\"a\"> <img src=\"\\\\evil.example/b.png\" alt=\"b\">\n\n"
        "<picture><source srcset=\"logo.png 1x, HTTPS://evil.example/c.png 2x\"><img src=\"logo.png\" alt=\"c\">"
        "</picture>\n", encoding="utf-8")
    try:
        result = run("build", cwd=small)
    finally:
        httpd.shutdown()
    why = "loads from another server in every reader's browser (and not at all offline): put the image in docs/ " \
          "and name it by its path"
    assert result.stderr.splitlines()[:4] == [
        f"docs/notes.md:5:10: <img src=\"{secret}\"> {why}",
        f"docs/notes.md:7:11: <img src=\"//evil.example/a.png\"> {why}",
        f"docs/notes.md:7:52: <img src=\"\\\\evil.example/b.png\"> {why}",
        f"docs/notes.md:9:39: <source srcset=\"HTTPS://evil.example/c.png\"> {why}"]
    assert result.returncode == 1 and fetched == [] and not (small / "site").exists()


def test_a_style_or_a_drawing_loads_nothing_from_elsewhere(small):
    """The browser decodes CSS escapes (`\\75 rl(` and `u\\rl(` are `url(`), and an SVG shape's
    fill, mask, clip-path, marker or cursor fetches the file its url() names."""
    (small / "docs").mkdir()
    (small / "docs" / "drawn.md").write_text(
        "# Drawn\n\n<p style=\"background:\\75 rl(https://evil.example/a.png)\">a</p>\n\n"
        "<p style=\"background:u\\rl(https://evil.example/b.png)\">b</p>\n\n"
        "<svg><defs><linearGradient id=\"g\"><stop offset=\"0\"/></linearGradient></defs>"
        "<rect width=\"9\" height=\"9\" fill=\"url(#g)\" stroke=\"url( '#g')\"/>"
        "<rect width=\"9\" height=\"9\" mask=\"url(https://evil.example/m.svg#m)\"/>"
        "<path d=\"M0 0L9 9\" marker-end=\"u\\72l(//evil.example/k.svg#k)\"/></svg>\n", encoding="utf-8")
    style = "loads from elsewhere: keep styles in templates/assets/crisisbook.css"
    drawing = "loads from elsewhere: refer to the drawing's own parts only, url(#id)"
    assert docs_problems(small) == [
        f"docs/drawn.md:3:11: a style on <p> {style}",
        f"docs/drawn.md:5:11: a style on <p> {style}",
        f"docs/drawn.md:7:173: the mask attribute on <rect> {drawing}",
        f"docs/drawn.md:7:240: the marker-end attribute on <path> {drawing}"]


# What a hand-written page might try; the allowlist must refuse each one a browser fetches with
LOADING = [
    '<img src="https://evil.example/1.png" alt="">', '<img src="//evil.example/2.png" alt="">',
    '<img src="\\\\evil.example/3.png" alt="">', '<img src="/\\evil.example/4.png" alt="">',
    '<picture><source srcset="x.png 1x, https://evil.example/5.png 2x"><img src="x.png" alt=""></picture>',
    '<p style="background:\\75 rl(https://evil.example/6.png)">a</p>',
    '<p style="background:u\\rl(https://evil.example/7.png)">a</p>',
    '<p style="background-image:image\\-set(\'https://evil.example/8.png\' 1x)">a</p>',
    '<p style="cursor:url(https://evil.example/9.png),auto">a</p>',
    '<svg><rect width="9" height="9" fill="url(https://evil.example/10.svg#g)"/></svg>',
    '<svg><rect width="9" height="9" mask="url(https://evil.example/11.svg#m)"/></svg>',
    '<svg><rect width="9" height="9" clip-path="url(https://evil.example/12.svg#c)"/></svg>',
    '<svg><path d="M0 0L9 9" marker-end="url(https://evil.example/13.svg#k)"/></svg>',
    '<svg><rect width="9" height="9" cursor="url(https://evil.example/14.png), auto"/></svg>',
    '<a href="https://evil.example/15" ping="https://evil.example/15p">a</a>',
    '<svg><rect width="9" height="9" fill="url(#g)"/></svg> <img src="x.png" alt="ours">',
]


def test_what_the_allowlist_passes_fetches_nothing_in_a_browser(chromium, tmp_path):
    """Each payload opened in the real browser: any that asks another server for something is one
    the allowlist refuses (and the recording sees the requests of the ones it refuses)."""
    from crisisbook import inert
    fetching, asked = [], []

    def answer(route):
        asked.append(route.request.url)
        route.fulfill(body="") if route.request.url.startswith("http://127.0.0.1/") else route.abort()

    page = chromium.new_page()
    page.route("**/*", answer)
    try:
        for i, markup in enumerate(LOADING):
            page.goto("http://127.0.0.1/")
            asked.clear()
            page.set_content(f"<!DOCTYPE html><html><body>{markup}</body></html>")
            page.mouse.move(3, 3)  # a cursor is fetched when the pointer is over it
            page.wait_for_timeout(300)
            if any("evil.example" in url for url in asked):
                fetching.append(i)
    finally:
        page.close()
    assert [i for i in fetching if not inert.problems(LOADING[i])] == []
    assert len(fetching) >= 12  # the browser did fetch what the payloads name


def test_a_front_matter_python_cannot_build_is_one_line_not_a_crash(small):
    """The front matter is read with PyYAML's C loader, as the engine reads it: its composer
    recursed once per level, and 60,000 `[` or `- ` crashed validate with a segmentation fault;
    a date that is no date and a number of 5,000 digits ended in 'internal error'."""
    (small / "docs").mkdir()
    pages = {"flow": "extra: " + "[" * 60_000 + "\n", "block": "extra:\n" + "- " * 60_000 + "x\n",
             "date": "title: 2026-13-45\n", "number": "title: " + "9" * 5_000 + "\n"}
    for name, front in pages.items():
        (small / "docs" / f"{name}.md").write_text(f"---\n{front}---\n# {name}\n\ntext\n", encoding="utf-8")
    result = run("validate", cwd=small)
    deep = "the front matter is nested more than 32 levels deep (line {}): a page's front matter holds a few plain " \
           "fields"
    assert (result.returncode, [line for line in result.stdout.splitlines() if "front matter" in line]) == (1, [
        "docs/block.md:1:1: " + deep.format(3),
        "docs/date.md:1:1: the front matter holds a value YAML cannot read (month must be in 1..12): quote it",
        "docs/flow.md:1:1: " + deep.format(2),
        "docs/number.md:1:1: the front matter holds a value YAML cannot read (a number of more than 4,300 digits): "
        "quote it"])


def test_a_page_of_thousands_of_headings_is_one_line(small):
    """The table of contents gives headings alike their own anchors (a, a_1, a_2...) by trying
    each number in turn: 8,000 `# a` lines (32 KB) took the engine 11 s, 47,500 (a page within
    the size limit) minutes, in validate and in each edition's build."""
    (small / "docs").mkdir()
    (small / "docs" / "headings.md").write_text("# Headings\n\n" + "## a\n\n" * 10_000, encoding="utf-8")
    assert docs_problems(small) == [
        "docs/headings.md:601:1: has 10001 headings (at most 300; the one past the limit is here): the Markdown "
        "engine's time grows with the square of headings alike; split the page"]


def test_a_page_cannot_hand_the_theme_its_settings(small):
    """The theme reads its settings from the first element with id `__config`: a page's
    `<div id="__config">{"base": "https://evil.example/", "version": {"provider": "mike"}}</div>`
    came before the theme's own, and every reader's browser asked evil.example for versions.json
    and sitemap.xml. The content tabs' own ids (`__tabbed_1_1`) stay fine."""
    (small / "docs").mkdir()
    (small / "docs" / "notes.md").write_text(
        "# Notes\n\n<div id=\"__config\" hidden>{\"base\": \"https://evil.example/\", \"features\": [], "
        "\"translations\": {}, \"version\": {\"provider\": \"mike\"}}</div>\n\n"
        "## Fine {: #__search }\n\n<input type=\"radio\" id=\"__tabbed_1_1\" name=\"__tabbed_1\">\n",
        encoding="utf-8")
    why = "is one the theme gives its own elements (it reads its settings from #__config): choose an id that " \
          "does not start with '__'"
    assert docs_problems(small) == [f"docs/notes.md:3:10: the id '__config' on <div> {why}",
                                    f"docs/notes.md:5:13: the id '__search' on <h2> {why}"]
