"""mkdocs.yml arrives in pull requests too: what it may ask of the engine (settings.py)."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import edit
from test_cli import SOURCE_DATE, run
from test_hardening import tree

HOSTILE = """\
copyright: !!python/object/apply:os.system ["touch {pwned}"]
site_author: !ENV HOME
hooks:
  - evil.py
INHERIT: ../other.yml
docs_dir: /etc
extra_javascript:
  - https://evil.example/x.js
  - path: ../../x.js
    type: module
watch:
  - /etc
extra:
  analytics:
    provider: google
"""

EXPECTED = [
    "mkdocs.yml:9:3: theme.custom_dir: not allowed: the engine would copy that folder into the site; put theme "
    "overrides in templates/theme/, which crisisbook hands to the engine",
    "mkdocs.yml:25:5: plugins[1]: the plugin 'macros' is not one crisisbook builds with: use search, offline, "
    "privacy or tags (any other runs code the checks never see)",
    "mkdocs.yml:27:18: plugins[2].cache_dir: '/tmp/cache' is outside the project: name a path inside it (such as "
    "assets/crisisbook.css), so nothing is read or loaded from elsewhere",
    "mkdocs.yml:46:5: markdown_extensions[5]: the extension 'pymdownx.snippets' includes files named in a page, "
    "from anywhere on the machine: write shared text in templates/ instead",
    "mkdocs.yml:47:5: markdown_extensions[6]: the extension 'evil_ext' is not Python-Markdown's, PyMdown's or "
    "Material's: the engine would import it, running code the checks never see",
    "mkdocs.yml:51:19: markdown_extensions[7].pymdownx.superfences.custom_fences[0].format: the tag "
    "'!!python/name:os.system' makes the engine import or run Python: only the formatters of Material's and "
    "PyMdown's documentation may be named (such as !!python/name:pymdownx.superfences.fence_code_format)",
    "mkdocs.yml:54:12: copyright: the tag '!!python/object/apply:os.system' makes the engine import or run "
    "Python: only the formatters of Material's and PyMdown's documentation may be named (such as "
    "!!python/name:pymdownx.superfences.fence_code_format)",
    "mkdocs.yml:55:14: site_author: !ENV reads the environment variable 'HOME' into the handbook: only variables "
    "named CRISISBOOK_... may be read, so that no build can publish a secret of the machine it runs on",
    "mkdocs.yml:56:1: hooks: not allowed: hooks run Python the checks never see; crisisbook keeps the handbook's "
    "logic in its own code",
    "mkdocs.yml:58:1: INHERIT: not allowed: crisisbook's build config inherits this file; keep every setting in "
    "mkdocs.yml itself",
    "mkdocs.yml:59:1: docs_dir: not allowed: crisisbook writes the Markdown under build/ itself; remove it",
    "mkdocs.yml:61:5: extra_javascript[0]: 'https://evil.example/x.js' is outside the project: name a path inside "
    "it (such as assets/crisisbook.css), so nothing is read or loaded from elsewhere",
    "mkdocs.yml:62:11: extra_javascript[1].path: '../../x.js' leads out of the project: name a file inside it",
    "mkdocs.yml:65:5: watch[0]: '/etc' is outside the project: name a path inside it (such as "
    "assets/crisisbook.css), so nothing is read or loaded from elsewhere",
    "mkdocs.yml:67:3: extra.analytics: not allowed: it loads a script from outside the intranet into every page; "
    "remove it",
]


def hostile(project, pwned) -> None:
    config = project / "mkdocs.yml"
    edit(config, "  name: material\n", "  name: material\n  custom_dir: /home\n")
    edit(config, "  - tags  #", "  - macros\n  - privacy:\n      cache_dir: /tmp/cache\n  - tags  #")
    edit(config, "  - admonition\n", "  - admonition\n  - pymdownx.snippets\n  - evil_ext\n  - pymdownx.superfences:\n"
         "      custom_fences:\n        - name: x\n          format: !!python/name:os.system\n")
    with open(config, "a", encoding="utf-8") as f:
        f.write(HOSTILE.format(pwned=pwned))


def test_validate_refuses_what_would_make_the_engine_run_read_or_publish_from_outside(small, tmp_path):
    pwned = tmp_path / "pwned"
    hostile(small, pwned)
    result = run("validate", cwd=small)
    assert result.returncode == 1
    assert [line for line in result.stdout.splitlines() if line.startswith("mkdocs.yml")] == EXPECTED
    assert "Traceback" not in result.stderr and not pwned.exists()


def test_a_hostile_mkdocs_yml_stops_the_build_before_the_engine_and_keeps_the_site(small, tmp_path):
    assert run("build", cwd=small).returncode == 0
    before = tree(small / "site")
    pwned = tmp_path / "pwned"
    hostile(small, pwned)
    result = run("-q", "build", cwd=small)
    assert result.returncode == 1
    assert all(line + "\n" in result.stderr for line in EXPECTED)
    assert "15 errors" in result.stderr and "nothing was built" in result.stderr
    assert "Traceback" not in result.stderr and not pwned.exists()
    assert tree(small / "site") == before


def test_what_a_material_handbook_uses_still_builds(small):
    """The named formatters of Material's documentation, and CRISISBOOK_ variables."""
    config = small / "mkdocs.yml"
    edit(config, "      permalink: true\n", "      permalink: true\n"
         "      slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}\n")
    edit(config, "  - admonition\n", "  - admonition\n  - pymdownx.superfences:\n      custom_fences:\n"
         "        - name: mermaid\n          class: mermaid\n"
         "          format: !!python/name:pymdownx.superfences.fence_code_format\n"
         "  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
         "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n")
    with open(config, "a", encoding="utf-8") as f:
        f.write("copyright: !ENV [CRISISBOOK_COPYRIGHT, Kettleworks]\n")
    (small / "docs").mkdir()
    (small / "docs" / "notes.md").write_text("# Notes\n\n```mermaid\ngraph LR\n  A --> B\n```\n\n:material-fire: Now\n")
    env = {**os.environ, **SOURCE_DATE, "CRISISBOOK_COPYRIGHT": "© Kettleworks comms team"}
    result = subprocess.run([sys.executable, "-m", "crisisbook", "build"], cwd=small, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    page = (small / "site" / "notes" / "index.html").read_text()
    assert '<pre class="mermaid"><code>graph LR' in page
    assert 'class="twemoji"><svg' in page  # :material-fire:, drawn by Material's own emoji index, inline
    assert "© Kettleworks comms team" in page  # the variable, read by the engine
    assert 'id="notes"' in page  # the slugifier, lower case


def test_folders_an_extension_reads_stay_inside_the_project(small):
    edit(small / "mkdocs.yml", "  - admonition\n", "  - admonition\n  - pymdownx.emoji:\n      options:\n"
         "        custom_icons:\n          - templates/icons\n          - /home\n          - !relative $config_dir/../..\n"
         "          - !relative $docs_dir/icons\n")
    result = run("validate", cwd=small)
    assert [line for line in result.stdout.splitlines() if line.startswith("mkdocs.yml")] == [
        "mkdocs.yml:46:13: markdown_extensions[5].pymdownx.emoji.options.custom_icons[1]: '/home' is outside the "
        "project: name a path inside it (such as assets/crisisbook.css), so nothing is read or loaded from elsewhere",
        "mkdocs.yml:47:13: markdown_extensions[5].pymdownx.emoji.options.custom_icons[2]: !relative names a folder "
        "inside the project: $config_dir or $docs_dir, then a path in it"]


def test_an_alias_bomb_or_deep_nesting_in_mkdocs_yml_is_one_line(small):
    config = small / "mkdocs.yml"
    text = config.read_text()
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8))
    config.write_text(text + "extra:\n  bomb:\n" + "".join("    " + line for line in bomb.splitlines(True)))
    result = run("validate", cwd=small)
    assert result.returncode == 0, result.stdout  # each node is looked at once, not 9**9 times
    config.write_text(text + "extra:\n  deep: " + "[" * 5000 + "]" * 5000 + "\n")
    result = run("validate", cwd=small)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == "mkdocs.yml: nested more than 40 levels deep"
    assert "Traceback" not in result.stderr


def test_text_aliased_from_a_key_is_still_checked_where_the_theme_writes_it(tmp_path):
    """mkdocs.yml's nodes are walked once for tags and text together, each node once: a string
    first met as a key (whose text no page shows) and aliased into copyright is checked there."""
    from crisisbook import settings

    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Handbook\n"
        "extra:\n"
        "  ? &a '<img src=x onerror=alert(1)>'\n"
        "  : 1\n"
        "copyright: *a\n", encoding="utf-8")
    assert [str(p) for p in settings.problems(tmp_path)] == [
        "mkdocs.yml:3:5: copyright: the onerror attribute on <img> would run script in every reader's browser: "
        "remove it"]
def test_a_number_or_a_date_python_cannot_build_is_one_line_on_its_field(small):
    """YAML's syntax takes a number of 5,000 digits and 2026-13-45 as a date; Python refuses to
    build either (ValueError), and validate and build ended in 'internal error' without a line."""
    config = small / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("extra:\n", "extra:\n  when: 2026-13-45\n  count: "
                                                      + "9" * 5000 + "\n")
    config.write_text(text, encoding="utf-8")
    line = text[:text.index("when:")].count("\n") + 1
    for command in ("validate", "build"):
        result = run(command, cwd=small)
        assert (result.returncode, (result.stdout + result.stderr).splitlines()[:2]) == (1, [
            f"mkdocs.yml:{line}:9: extra.when: a value YAML cannot read (month must be in 1..12): quote it",
            f"mkdocs.yml:{line + 1}:10: extra.count: a value YAML cannot read (a number of more than 4,300 "
            "digits): quote it"])


def test_a_file_of_docs_is_never_loaded_as_every_pages_script_or_style(small):
    """docs/ may hold .txt and .csv files, held to no check as code: named in extra_javascript,
    docs/notes.txt ran as a script on every page of both editions (Chromium runs a text/plain
    script), opened from disk too."""
    (small / "docs").mkdir()
    (small / "docs" / "notes.txt").write_text("document.title = 'PWNED'\n", encoding="utf-8")
    (small / "docs" / "table.csv").write_text("body{background:url(https://evil.example/x.png)}\n", encoding="utf-8")
    config = small / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("  - assets/crisisbook.js", "  - assets/crisisbook.js\n"
                                                      "  - path: notes.txt?.js\n    type: module").replace(
        "  - assets/crisisbook.css", "  - assets/crisisbook.css\n  - table.csv")
    config.write_text(text, encoding="utf-8")
    at = lambda needle: text[:text.index(needle)].count("\n") + 1  # noqa: E731
    why = "every page loads it as code, and a file of docs/ (.txt, .csv...) is not reviewed as code; put it in " \
          "templates/assets/"
    result = run("build", cwd=small)
    assert (result.returncode, result.stderr.splitlines()[:2]) == (1, [
        f"mkdocs.yml:{at('table.csv')}:5: extra_css[1]: 'table.csv' is not a .css file: {why}",
        f"mkdocs.yml:{at('notes.txt')}:11: extra_javascript[1].path: 'notes.txt?.js' is not a .js or .mjs file: "
        f"{why}"])
    assert not (small / "site").exists()


def test_pages_are_checked_with_the_emoji_formatter_the_engine_uses(small):
    """validate converts pages with mkdocs.yml's named formatters, as the engine does. With
    Material's emoji setup an icon is drawn inline, but a Unicode emoji's shortcode (:fire:) is an
    <img> from cdn.jsdelivr.net in every reader's browser; validate, converting with PyMdown's
    default instead, saw a CDN's PNG and would have missed the difference between the two."""
    edit(small / "mkdocs.yml", "  - admonition\n", "  - admonition\n  - pymdownx.emoji:\n"
         "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
         "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n")
    (small / "docs").mkdir()
    (small / "docs" / "notes.md").write_text("# Notes\n\n:material-fire: is fine, :fire: is not\n", encoding="utf-8")
    result = run("validate", cwd=small)
    assert (result.returncode, [line for line in result.stdout.splitlines() if line.startswith("docs/")]) == (1, [
        "docs/notes.md: <img src=\"https://cdn.jsdelivr.net/gh/jdecked/twemoji@16.0.1/assets/svg/1f525.svg\"> loads "
        "from another server in every reader's browser (and not at all offline): put the image in docs/ and name it "
        "by its path"])


def test_a_custom_fence_cannot_write_markup_into_a_page(small):
    """PyMdown's fence formatter writes a custom fence's class, and a fence's attributes, into the
    page unescaped: `class: 'mermaid"><img onerror=…>'` in mkdocs.yml, or `{.mermaid data-x="1\\"
    onclick=\\"…"}` on a page's fence, ran script on the page. validate dropped the `format:`
    formatter nested in custom_fences, so it converted the page without superfences and saw
    nothing; the build published both."""
    edit(small / "mkdocs.yml", "  - admonition\n", "  - admonition\n  - pymdownx.superfences:\n      custom_fences:\n"
         "        - name: mermaid\n          class: 'mermaid\"><img src=x onerror=alert(1)><b class=\"'\n"
         "          format: !!python/name:pymdownx.superfences.fence_code_format\n")
    (small / "docs").mkdir()
    (small / "docs" / "chart.md").write_text(
        "# Chart\n\n```mermaid\ngraph LR\n```\n\n```{.mermaid data-x=\"1\\\" onclick=\\\"alert(2)\"}\nx\n```\n",
        encoding="utf-8")
    line = (small / "mkdocs.yml").read_text(encoding="utf-8").split("\n").index(
        "          class: 'mermaid\"><img src=x onerror=alert(1)><b class=\"'") + 1
    result = run("build", cwd=small)
    field = "markdown_extensions[5].pymdownx.superfences.custom_fences[0].class"
    onerror = "the onerror attribute on <img> would run script in every reader's browser: remove it"
    assert (result.returncode, result.stderr.splitlines()[:6]) == (1, [
        "docs/chart.md: the alert(2)\"\" attribute on <b> is not one a hand-written page may carry: remove it",
        f"docs/chart.md: {onerror}", f"docs/chart.md: {onerror}",
        "docs/chart.md:7:26: the onclick attribute on <b> would run script in every reader's browser: remove it",
        f"mkdocs.yml:{line}:18: {field}: holds '\"', which the theme writes into an HTML attribute as it is: use "
        "“ ” or ' instead",
        f"mkdocs.yml:{line}:18: {field}: {onerror}"])
    assert not (small / "site").exists()


def test_the_search_separator_is_crisisbooks_own(small):
    """The theme's highlighter splits every query, and a search result's link (?h=…), with the
    separator in every reader's browser: with `(a+)+b`, a link ending ?h=aaaa… (40 letters) hung
    the page in Chromium."""
    edit(small / "mkdocs.yml", "  - search\n", "  - search:\n      separator: '(a+)+b'\n")
    line = (small / "mkdocs.yml").read_text(encoding="utf-8").split("\n").index("      separator: '(a+)+b'") + 1
    result = run("validate", cwd=small)
    assert (result.returncode, [p for p in result.stdout.splitlines() if p.startswith("mkdocs.yml")]) == (1, [
        f"mkdocs.yml:{line}:7: plugins[0].search.separator: not allowed: crisisbook's search sets the separator "
        "its index is cut with, and every reader's browser splits the query with this pattern, where one such as "
        "(a+)+b hangs the page; remove it"])
