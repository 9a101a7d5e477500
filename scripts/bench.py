"""`make bench`: crisisbook against the engine's own cost, on synthetic handbooks of 10, 100 and
1,000 scenarios (two languages), all measured in one run. Writes BENCHMARKS.md.

Machines here are shared and noisy: every figure is a median of several runs with its spread,
and the targets are ratios between figures measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

CATEGORIES = ["product-failure", "employee-misconduct", "outage", "viral-backlash", "data-breach",
              "offensive-post", "misinformation", "customer-complaint", "external-event"]


def generate(root: Path, n: int) -> Path:
    """A handbook of n realistic scenarios: the six shipped ones, varied, across nine categories."""
    from crisisbook.load import load_file

    for name in ("playbook", "templates", "docs"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / "scenarios").mkdir()
    bases = [load_file(p).data for p in sorted((REPO / "scenarios").glob("*.yaml"))]
    for i in range(n):
        data = json.loads(json.dumps(bases[i % len(bases)]))  # a deep copy
        data["title"] = {lang: f"{text} ({i + 1})" for lang, text in data["title"].items()}
        data["category"] = CATEGORIES[i % len(CATEGORIES)]
        data["last_reviewed"] = f"2026-{1 + i % 10:02d}-{1 + i % 28:02d}"
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        (root / "scenarios" / f"scenario-{i + 1:04d}.yaml").write_text(text, encoding="utf-8")
    return root


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def stats(samples: list[float]) -> dict:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "n": len(samples)}


def run(cmd, cwd, env=None) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, env={**os.environ, **(env or {})})
    return time.perf_counter() - started


def stages(root: Path, repeat: int) -> dict:
    """crisisbook's own stages, in this process (the interpreter and imports already warm)."""
    from crisisbook.build import build_epoch, plan, write_docs
    from crisisbook.load import load_project
    from crisisbook.model import build_handbook
    from crisisbook.validate import validate

    out = {"load": [], "validate": [], "model": [], "render": [], "write": []}
    for _ in range(repeat):
        t0 = time.perf_counter()
        sources = load_project(root)
        t1 = time.perf_counter()
        problems = validate(sources)
        assert not any(p.is_error for p in problems), problems[:3]
        t2 = time.perf_counter()
        hb = build_handbook({k: d.data for k, d in sources.playbook.items()},
                            {k: (d.file, d.data) for k, d in sources.scenarios.items()})
        t3 = time.perf_counter()
        the_plan = plan(root, hb, __import__("datetime").date(2026, 11, 21))
        t4 = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            for lang, files in the_plan.files.items():
                write_docs(files, Path(tmp) / lang)
            t5 = time.perf_counter()
        for key, value in zip(out, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
            out[key].append(value)
    return {k: stats(v) for k, v in out.items()}


def io_floor(root: Path, repeat: int) -> dict:
    """Reading every scenario and writing as many files: what no pipeline can go below."""
    def once():
        data = [p.read_bytes() for p in sorted((root / "scenarios").glob("*.yaml"))]
        with tempfile.TemporaryDirectory() as tmp:
            for i, blob in enumerate(data):
                (Path(tmp) / f"{i}.md").write_bytes(blob)
    return stats(timed(once, repeat))


def sizes(site: Path, n: int) -> dict:
    pages = [p for p in site.rglob("*.html") if "/scenarios/scenario-" in p.as_posix()]
    index = [site / "search" / "search_index.json", site / "zh-Hant" / "search" / "search_index.json"]
    all_pages = len(list(site.rglob("*.html"))) - 2  # 404 pages are not indexed
    return {"scenario_page_html_bytes": statistics.mean(p.stat().st_size for p in pages),
            "search_index_bytes_per_page": sum(p.stat().st_size for p in index) / max(all_pages, 1),
            "pages": all_pages}


def bench(n: int, repeat: int, work: Path) -> dict:
    root = generate(work / f"n{n}", n)
    py = [sys.executable, "-m", "crisisbook"]
    one = sorted((root / "scenarios").glob("*.yaml"))[0]
    result = {"n": n, "io_floor": io_floor(root, repeat), "stages": stages(root, repeat)}
    result["validate_all"] = stats([run(py + ["validate"], root) for _ in range(repeat)])
    result["validate_one"] = stats([run(py + ["validate", str(one)], root) for _ in range(repeat)])
    env = {"SOURCE_DATE_EPOCH": "1795219200"}
    builds = [run(py + ["build"], root, env) for _ in range(max(1, repeat - 1))]
    result["build"] = stats(builds)
    engine = [run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(c)], root, env)
              for _ in range(max(1, repeat - 1)) for c in [root / "build" / "mkdocs.en.yml"]]
    zh = [run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "build" / "mkdocs.zh-Hant.yml")],
              root, env) for _ in range(max(1, repeat - 1))]
    result["engine"] = stats([a + b for a, b in zip(engine, zh)])
    result["sizes"] = sizes(root / "site", n)
    # peak memory of a whole build, as a child process
    code = ("import resource, sys; sys.argv=['crisisbook','build']; from crisisbook.cli import main\n"
            "try: main()\nexcept SystemExit: pass\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, env={**os.environ, **env})
    result["peak_rss_mb"] = int(proc.stdout.strip().splitlines()[-1]) / 1024
    result["serve_edit"] = stats(serve_edit(root, repeat))
    return result


def serve_edit(root: Path, repeat: int) -> list[float]:
    """From saving one scenario to its Markdown on disk, as `crisisbook serve` does it."""
    from crisisbook.serve import Preview

    preview = Preview(root)
    preview.refresh()
    target = sorted((root / "scenarios").glob("*.yaml"))[0]
    page = root / "build" / "docs" / "en" / "scenarios" / f"{target.stem}.md"
    out = []
    for i in range(repeat):
        text = target.read_text(encoding="utf-8").replace("title:\n  en: ", f"title:\n  en: Edit {i} ", 1)
        started = time.perf_counter()
        target.write_text(text, encoding="utf-8")
        preview.refresh()
        assert f"Edit {i}" in page.read_text(encoding="utf-8")
        out.append(time.perf_counter() - started)
    return out
