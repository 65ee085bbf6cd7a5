"""Run a tool (pip-compile, uv, pip download) in a subprocess that a cancel token can stop.

Every child starts in its own process group (a new session on POSIX), so a timeout or a cancel stops what it
started too (a build backend, a harness's entry point, a daemon it forked), not only the direct child.
"""
from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Sequence

from handoff_assistant.tasks import CancelToken, Cancelled

POLL_SECONDS = 0.2


@dataclass(frozen=True)
class CommandResult:
    returncode: int
    stdout: str
    stderr: str


def run_command(args: Sequence[str], cwd: Path, env: Optional[Mapping[str, str]], cancel: CancelToken,
                timeout: float = 1800) -> CommandResult:
    """Run ``args``; output goes to temp files so a chatty tool never blocks on a full pipe."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(list(args), cwd=str(cwd), env=dict(env) if env is not None else None,
                                   stdout=out, stderr=err, stdin=subprocess.DEVNULL, **GROUP_OPTIONS)
        deadline = time.monotonic() + timeout
        while process.poll() is None:
            if cancel.cancelled or time.monotonic() > deadline:
                kill_group(process)
                if cancel.cancelled:
                    raise Cancelled()
                raise TimeoutError(f"{' '.join(args[:4])} did not finish within {int(timeout)} seconds")
            time.sleep(POLL_SECONDS)
        out.seek(0)
        err.seek(0)
        return CommandResult(process.returncode, out.read().decode("utf-8", "replace"),
                             err.read().decode("utf-8", "replace"))


# Popen keyword arguments that start the child as the leader of a new process group.
GROUP_OPTIONS: dict = ({"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if os.name == "nt"
                       else {"start_new_session": True})


def kill_group(process: subprocess.Popen) -> None:
    """Kill ``process`` and every process of its group (started with ``GROUP_OPTIONS``), then reap it."""
    if os.name == "nt":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, check=False)
    else:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    try:
        process.kill()
    except OSError:
        pass
    process.wait()
