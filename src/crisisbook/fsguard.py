"""The one way crisisbook touches the file system: every file it reads from a project, and every
file or folder it writes, goes through here.

Scenarios, docs and even `build/` arrive by pull request, and git stores symbolic links, named
pipes cannot be committed but can be made by a checkout script, and CI runners keep secrets in
/proc/self/environ. So:

- A project file is read only if its real path (every link resolved) lies inside the project and
  outside `.git/` (where CI keeps its token), and it is a regular file: not a folder, device,
  pipe or /proc entry. Its size is checked on the opened file before a byte is read, and the read
  stops one byte past the limit, so a file that grows or lies about its size cannot exhaust
  memory. Links that stay inside the project (a `scenarios/` folder linked to `data/scenarios/`)
  keep working.
- Nothing is written through a link. A file is written to a new file beside it (created with
  O_EXCL | O_NOFOLLOW) and renamed over it, so a link in its place is replaced, never followed;
  a folder on the way that is a link is refused, because writing into it or emptying it would
  reach whatever it points at. Removing an entry removes a link, never what it points at.

These checks stop links and special files that arrive in a repository. They do not defend
against another process changing the file system while crisisbook runs.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import os
import re
import secrets
import stat
from pathlib import Path

from .errors import LoadError, UnsafePath

log = logging.getLogger(__name__)

MAX_TEXT = 1_000_000  # YAML, templates, Markdown, mkdocs.yml: a large scenario is ~80 KB
MAX_ASSET = 50_000_000  # stylesheets, scripts, images and downloads copied into the site

_OUT_OF_PROJECT = "is a link to a {kind} outside the project; refused"
_INTO_GIT = "is a link into .git; refused"
_LINKED_FOLDER = "is a link; crisisbook writes nothing into a linked folder: remove the link"


def shown(path: Path, root: Path) -> str:
    """The path as a user reads it: relative to the project when inside it, bytes of its name
    that are not UTF-8 written as escapes (see readable)."""
    return readable(_relative(path, root))


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(os.path.abspath(path)).relative_to(root).as_posix()
    except ValueError:
        return str(path)


# A file name is bytes; Python keeps the bytes that are not UTF-8 as lone surrogates (U+DC80 to
# U+DCFF), which no UTF-8 writer takes: validate's JSON cache, a page, a strict terminal. Such a
# name is never listed (files, listed) and never read (read_bytes), only reported, readably.
NOT_UTF8 = "the file name is not valid UTF-8: rename it (letters, digits and hyphens)"
_SURROGATE = re.compile("[\ud800-\udfff]")


def undecodable(name: str) -> bool:
    """Whether a name from the file system holds bytes that are not UTF-8."""
    return _SURROGATE.search(name) is not None


def readable(name: str) -> str:
    r"""The name with each byte that is not UTF-8 written as `\xff`: safe to print and to store."""
    return _SURROGATE.sub(lambda m: f"\\x{ord(m.group()) - 0xdc00:02x}" if ord(m.group()) >= 0xdc80
                          else f"\\u{ord(m.group()):04x}", name)


def listed(folder: Path, pattern: str = "*") -> list[Path]:
    """The entries of one folder matching `pattern`, sorted, without those whose names are not
    UTF-8 (misnamed reports them)."""
    return sorted(p for p in folder.glob(pattern) if not undecodable(p.name)) if folder.is_dir() else []


def _allowed(root: Path, real: str) -> str | None:
    """Why a resolved path may not be read, or None."""
    inside = Path(real)
    if not inside.is_relative_to(root):
        return _OUT_OF_PROJECT.format(kind="folder" if os.path.isdir(real) else "file")
    if inside.relative_to(root).parts[:1] == (".git",):
        return _INTO_GIT
    return None


def read_bytes(root: Path, path: Path, limit: int = MAX_TEXT) -> bytes:
    """The bytes of a project file, or UnsafePath naming it (relative to `root`, the project's
    resolved root) and why it is refused."""
    name = shown(path, root)
    if undecodable(_relative(path, root)):  # the project's own folder may have any name
        raise UnsafePath(name, NOT_UTF8)
    real = os.path.realpath(path)
    reason = _allowed(root, real)
    if reason:
        raise UnsafePath(name, reason)
    try:  # O_NONBLOCK: opening a named pipe must not wait for a writer; no effect on files
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise UnsafePath(name, "is a symbolic link that loops back on itself; point it at a "
                                   "file or remove it") from None
        broken = e.errno == errno.ENOENT and os.path.islink(path)
        raise UnsafePath(name, "is a broken link: what it points at does not exist" if broken
                         else f"cannot read file: {e.strerror}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnsafePath(name, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise UnsafePath(name, "is not a regular file (a device, pipe or socket); refused")
        if info.st_size > limit:
            raise UnsafePath(name, f"file is {info.st_size:,} bytes; the limit is {limit:,}")
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb", buffering=0) as handle:
        data = _read_upto(handle, limit + 1)
    if len(data) > limit:  # it grew while being read
        raise UnsafePath(name, f"file is over {limit:,} bytes, the limit")
    return data


def _read_upto(handle, size: int) -> bytes:
    chunks, left = [], size
    while left > 0 and (chunk := handle.read(min(left, 1 << 20))):
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_text(root: Path, path: Path, limit: int = MAX_TEXT) -> str:
    data = read_bytes(root, path, limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise LoadError(shown(path, root), "not UTF-8 text; save the file as UTF-8") from None


def files(root: Path, folder: Path) -> list[Path]:
    """Every entry under `folder` that is not a folder, by its path under `folder`, sorted.
    Links to folders inside the project are walked (each folder once, so a loop ends); every
    other link is listed, for read_bytes to judge. A name that is not UTF-8 is left out, and so
    is what is under such a folder: misnamed reports them."""
    return _walk(root, folder)[0]


def misnamed(root: Path, folders: list[Path]) -> list[str]:
    """The entries under these folders whose names are not UTF-8, as shown to a user (a folder
    so named once, not every file in it)."""
    return [shown(path, root) for folder in folders for path in _walk(root, folder)[1]]


def _walk(root: Path, folder: Path) -> tuple[list[Path], list[Path]]:
    """(what files lists, the entries left out for their names), each sorted."""
    found: list[Path] = []
    bad: list[Path] = []
    seen: set[str] = set()

    def walk(current: Path) -> None:
        real = os.path.realpath(current)
        if real in seen:
            return
        seen.add(real)
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            found.append(current)  # read_bytes will say why
            return
        for entry in entries:
            path = Path(entry.path)
            if undecodable(entry.name):
                bad.append(path)
            elif entry.is_dir(follow_symlinks=False):
                walk(path)
            elif entry.is_symlink() and os.path.isdir(path) and not _allowed(root, os.path.realpath(path)):
                walk(path)
            else:
                found.append(path)

    if folder.is_dir() and _allowed(Path(os.path.realpath(root)), os.path.realpath(folder)):
        return [folder], []  # itself a link out of the project: one entry, which read_bytes refuses
    if folder.is_dir():
        walk(folder)
    return sorted(found), sorted(bad)


def read_trees(root: Path, folders: dict[str, Path], limit: int = MAX_ASSET) -> dict[str, bytes]:
    """{prefix + name under its folder: bytes} of every file under each folder; every refused
    file is reported at once (ValidationFailed), before anything is written."""
    from .errors import ValidationFailed
    from .report import Problem

    out, refused = {}, []
    for prefix, folder in folders.items():
        for path in files(root, folder):
            try:
                out[prefix + path.relative_to(folder).as_posix()] = read_bytes(root, path, limit)
            except LoadError as e:
                refused.append(Problem(e.file, None, None, "", e.reason))
    if refused:
        raise ValidationFailed(refused)
    return out


# --- writing ---------------------------------------------------------------------------------

def private_folder(*parts: str) -> Path:
    """A folder of this user's own cache (~/.cache/crisisbook/..., 0700), outside every project:
    where what crisisbook trusts between runs lives (validate's signing key, jieba's dictionary
    cache), since a repository can carry anything in its own build/.cache. Raises OSError."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base.joinpath("crisisbook", *parts)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _top(root: Path, target: Path, top: Path | None) -> Path:
    """Where the checks of a write start: the project root for a path inside the project, else
    the output folder the user named (`top`), else the target's own folder."""
    target, root = Path(os.path.abspath(target)), Path(os.path.abspath(root))
    if target.is_relative_to(root):
        return root
    return Path(os.path.abspath(top)) if top is not None else target.parent


def make_dirs(root: Path, folder: Path, top: Path | None = None) -> Path:
    """Create `folder` and the folders between `top` and it, refusing any that is a link or a
    file; returns `folder`. A folder outside the project that the user named is taken as it is."""
    folder = Path(os.path.abspath(folder))
    start = _top(root, folder / "x", top)
    if start != Path(os.path.abspath(root)):
        os.makedirs(start, exist_ok=True)
    current = start
    for part in folder.relative_to(start).parts:
        current = current / part
        with contextlib.suppress(FileExistsError):
            os.mkdir(current)
        mode = os.lstat(current).st_mode
        if stat.S_ISLNK(mode):
            raise UnsafePath(shown(current, root), _LINKED_FOLDER)
        if not stat.S_ISDIR(mode):
            raise UnsafePath(shown(current, root), "is a file where crisisbook needs a folder: remove it")
    return folder


def check_folder(root: Path, folder: Path) -> None:
    """Refuse an existing output folder that is a link."""
    if os.path.islink(folder):
        raise UnsafePath(shown(folder, root), _LINKED_FOLDER)


@contextlib.contextmanager
def replacing(root: Path, target: Path, top: Path | None = None, folders_checked: bool = False):
    """A binary file to write `target`'s new content to. It is a new file beside the target,
    renamed over it when the block ends without error (readers never see half a file), and a
    link at the target is replaced, not followed. On error the target is left as it was.
    `folders_checked`: the caller made the folders on the way with make_dirs already."""
    if not folders_checked:
        make_dirs(root, target.parent, top)
    if os.path.isdir(target) and not os.path.islink(target):
        raise UnsafePath(shown(target, root), "is a folder where crisisbook writes a file: remove it")
    if os.path.islink(target):
        log.warning("%s was a link; it is replaced by the file itself", shown(target, root))
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.replace(tmp, target)  # rename(2) replaces a link itself, never what it points at
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_bytes(root: Path, target: Path, data: bytes, top: Path | None = None,
                folders_checked: bool = False) -> None:
    with replacing(root, target, top, folders_checked) as handle:
        handle.write(data)


def is_file(path: Path) -> bool:
    """A regular file, not a link to one."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def same_bytes(path: Path, data: bytes) -> bool:
    """Whether `path` is a regular file (not a link) holding exactly `data`."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as handle:
        return _read_upto(handle, len(data) + 1) == data


def create(root: Path, target: Path, data: bytes) -> None:
    """Write a file that must not exist yet; an entry already there, even a broken link, is
    refused (O_CREAT | O_EXCL does not follow a link)."""
    make_dirs(root, target.parent)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    except FileExistsError:
        kind = " (a link)" if os.path.islink(target) else ""
        raise UnsafePath(shown(target, root), f"already exists{kind}; choose another id") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def open_lock(root: Path, path: Path):
    """The lock file, opened for flock; a link in its place is removed first, never followed."""
    make_dirs(root, path.parent)
    if os.path.islink(path):
        os.unlink(path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    return os.fdopen(fd, "w")


def entries(folder: Path) -> list[Path]:
    """Every entry under `folder` that is not a real folder (files and links), links not followed."""
    out = []
    for current, dirs, names in os.walk(folder):  # os.walk does not descend into linked folders
        base = Path(current)
        out += [base / name for name in names]
        out += [base / name for name in dirs if os.path.islink(base / name)]
    return out


def remove(path: Path) -> None:
    """Remove a file, a link (not what it points at) or a folder and everything in it."""
    import shutil

    if os.path.islink(path) or not os.path.isdir(path):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
    else:
        shutil.rmtree(path)  # on Linux rmtree works through folder descriptors and never follows a link


# renameat2(2) with RENAME_EXCHANGE swaps two folders in one step: the destination always holds a
# whole site, the old one or the new one. Linux 3.15+, glibc 2.28+; elsewhere two renames.
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Swap two entries of one file system atomically; False when the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))
