"""The staging folder a bundle is assembled in, and the clean-up of ones a killed build left behind.

A build assembles the bundle in ``OUTPUT/.handoff-partial-<host>-<pid>-<random>`` and moves it into place in
one rename; a failure or a cancel removes the folder. A build killed outright (SIGKILL, power loss) cannot, so
the next build into the same folder removes staging folders that are stale: made on this machine by a process
that no longer runs, or (made elsewhere, or named the old way without a process id) untouched for a day.
A folder of a build still running, here or on another machine sharing the folder, is left alone.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import time
from pathlib import Path

PREFIX = ".handoff-partial-"
STALE_AFTER_SECONDS = 24 * 3600  # for staging folders whose process cannot be checked from here
_NAME = re.compile(rf"^{re.escape(PREFIX)}(?P<host>[A-Za-z0-9_.]+)-(?P<pid>\d+)-[A-Za-z0-9_]+$")


def new_staging(output_dir: Path) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{_host()}-{os.getpid()}-", dir=output_dir))


def clean_stale(output_dir: Path, now: float | None = None) -> tuple[str, ...]:
    """Remove stale staging folders in ``output_dir``; the names of those removed."""
    now = time.time() if now is None else now
    removed = []
    try:
        candidates = [p for p in output_dir.iterdir() if p.name.startswith(PREFIX)]
    except OSError:
        return ()
    for folder in candidates:
        if folder.is_symlink() or not folder.is_dir() or not _is_stale(folder, now):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append(folder.name)
    return tuple(sorted(removed))


def _is_stale(folder: Path, now: float) -> bool:
    match = _NAME.match(folder.name)
    if match and match.group("host") == _host() and os.name != "nt":  # on Windows os.kill(pid, 0) is not a probe
        return not _running(int(match.group("pid")))
    try:
        return now - folder.stat().st_mtime > STALE_AFTER_SECONDS
    except OSError:
        return False


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists (another user's process), or cannot be told: leave its folder alone
    return True


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9_.]", "_", socket.gethostname()) or "host"


__all__ = ["PREFIX", "clean_stale", "new_staging"]
