"""Child processes that die with crisisbook: the site engines and the forked workers.

A build killed on its own (SIGKILL to its pid, as a CI runner's timeout or the OOM killer does)
runs no cleanup code, so its engines would go on writing into a staging folder nobody will swap
in, and its workers would wait for work forever. Linux's parent-death signal ends them with
their parent whatever killed it. (Elsewhere only a normal exit or Ctrl-C stops them.) Linux
sends the signal when the *thread* that started the child ends, so children are started from
the main thread (build, serve) or from the pool that owns them.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys

_PR_SET_PDEATHSIG = 1
_prctl = None
if sys.platform.startswith("linux"):
    try:  # looked up before any fork: a forked child must not load libraries
        _prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (AttributeError, OSError):  # pragma: no cover - a libc without prctl
        _prctl = None


def die_with_parent(parent: int) -> None:
    """In a child: be killed when `parent` dies. If it died before this ran, die now."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)


def popen(command: list[str], **options) -> subprocess.Popen:
    """subprocess.Popen for a command that must not outlive this process."""
    parent = os.getpid()
    # preexec_fn only makes one system call through a function looked up beforehand, which is
    # safe even when other threads (the preview's file watcher) hold locks at the fork
    return subprocess.Popen(command, preexec_fn=lambda: die_with_parent(parent), **options)
