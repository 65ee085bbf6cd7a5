"""Child processes that obey file modes, also when the tests run as root.

Root ignores file modes through the CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH capabilities, so a test that
makes a file unreadable or a folder read-only proves nothing in the test process itself. The child drops both
capabilities from its bounding set before exec: after exec it has neither, ``open``, ``scandir``, ``mkdir`` and
``os.access`` answer as for any user, and it can still run the venv's Python. Linux only (prctl); as a normal
user nothing needs dropping.
"""
from __future__ import annotations

import ctypes
import os
import subprocess
import sys

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def drop_permission_override() -> None:
    """preexec_fn: remove root's power to ignore file modes from the child about to be exec'd."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if os.geteuid() == 0 and libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def python_obeying_file_modes(code: str, *args: str, env: dict[str, str] | None = None,
                              timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python -c code args...`` with this interpreter in a child that file modes apply to."""
    return subprocess.run([sys.executable, "-c", code, *args], preexec_fn=drop_permission_override,
                          capture_output=True, text=True, timeout=timeout, env=env)
