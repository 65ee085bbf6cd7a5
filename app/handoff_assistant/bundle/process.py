"""Run a tool (pip-compile, uv, pip download) in a subprocess that a cancel token can stop."""
from __future__ import annotations

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
                                   stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while process.poll() is None:
            if cancel.cancelled or time.monotonic() > deadline:
                process.kill()
                process.wait()
                if cancel.cancelled:
                    raise Cancelled()
                raise TimeoutError(f"{' '.join(args[:4])} did not finish within {int(timeout)} seconds")
            time.sleep(POLL_SECONDS)
        out.seek(0)
        err.seek(0)
        return CommandResult(process.returncode, out.read().decode("utf-8", "replace"),
                             err.read().decode("utf-8", "replace"))
