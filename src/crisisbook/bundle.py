"""`crisisbook bundle`: the offline edition of the handbook as one zip, for phones and laptops
without the intranet. Opened from disk (file://), every page and the search work."""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
import zipfile
from pathlib import Path

from . import fsguard
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
    work = fsguard.make_dirs(root, root / WORK)
    with tempfile.TemporaryDirectory(dir=work, prefix=".bundle-") as tmp:
        site = Path(tmp).resolve() / "site"
        build(root, site, offline=True, audience=audience)
        # the team's zip is named so that nobody hands it to all staff by mistake
        name = f"handbook{'-crisis-team' if audience == TEAM else ''}-{stamp}.zip"
        target = fsguard.make_dirs(root, out) / name
        # fixed timestamps and order: the same commit gives the same zip
        when = dt.datetime.fromtimestamp(max(epoch, 315532800), dt.timezone.utc).timetuple()[:6]
        with fsguard.replacing(root, target) as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            info = zipfile.ZipInfo("handbook/VERSION.txt", when)
            archive.writestr(info, f"{stamp}\nOpen handbook/index.html in a browser.\n")
            for path in fsguard.files(site, site):  # only what the build put there, no link out of it
                info = zipfile.ZipInfo(f"handbook/{path.relative_to(site).as_posix()}", when)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, fsguard.read_bytes(site, path, fsguard.MAX_ASSET))
    return out / target.name
