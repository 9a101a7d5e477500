"""`crisisbook bundle`: the offline edition of the handbook as one zip, for phones and laptops
without the intranet. Opened from disk (file://), every page and the search work."""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
import zipfile
from pathlib import Path

from .build import WORK, build, build_epoch, handbook_of
from .model import ALL_STAFF, TEAM


def version(root: Path, epoch: int) -> str:
    """The handbook's version stamp: the git commit (with -dirty for local changes), else the date."""
    try:
        proc = subprocess.run(["git", "-C", str(root), "describe", "--always", "--dirty", "--tags"],
                              capture_output=True, text=True, timeout=10)
        if proc.returncode == 0 and proc.stdout.strip():
            return proc.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y-%m-%d")


def bundle(root: Path, out: Path, audience: str = ALL_STAFF) -> Path:
    root = root.resolve()
    hb, _ = handbook_of(root, audience=audience)
    epoch = build_epoch(root, hb)
    stamp = version(root, epoch)
    (root / WORK).mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root / WORK, prefix=".bundle-") as tmp:
        site = Path(tmp) / "site"
        build(root, site, offline=True, audience=audience)
        out.mkdir(parents=True, exist_ok=True)
        # the team's zip is named so that nobody hands it to all staff by mistake
        target = out / f"handbook{'-crisis-team' if audience == TEAM else ''}-{stamp}.zip"
        # fixed timestamps and order: the same commit gives the same zip
        when = dt.datetime.fromtimestamp(max(epoch, 315532800), dt.timezone.utc).timetuple()[:6]
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            info = zipfile.ZipInfo("handbook/VERSION.txt", when)
            archive.writestr(info, f"{stamp}\nOpen handbook/index.html in a browser.\n")
            for path in sorted(p for p in site.rglob("*") if p.is_file()):
                info = zipfile.ZipInfo(f"handbook/{path.relative_to(site).as_posix()}", when)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
    return target
