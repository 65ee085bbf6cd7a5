"""The user's pip configuration, handed on to uv, which does not read it.

A corporate machine points pip at its index in pip.conf files (global, user, ``PIP_CONFIG_FILE``) and ``PIP_*``
variables. pip-tools runs pip, so it follows them; uv reads only its own settings. ``pip config list`` — pip
itself, so the files are found and merged exactly as pip does — gives the values, and ``uv_env`` passes the ones
that choose where packages come from on under uv's names. A ``UV_*`` value the user set wins. pip's
``no-index`` has no uv variable (uv ignores ``UV_NO_INDEX``), so ``uv_flags`` turns it into ``--no-index``:
without it uv would take a package from PyPI that the user's pip is told never to use.
"""
from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from typing import Mapping, Optional

# pip setting -> uv environment variable, and how uv separates a list of values.
UV_NAMES: dict[str, tuple[str, str]] = {
    "index-url": ("UV_INDEX_URL", " "),
    "extra-index-url": ("UV_EXTRA_INDEX_URL", " "),
    "find-links": ("UV_FIND_LINKS", ","),
    "trusted-host": ("UV_INSECURE_HOST", " "),
    "cert": ("SSL_CERT_FILE", " "),
    "client-cert": ("SSL_CLIENT_CERT", " "),
    "constraint": ("UV_CONSTRAINT", " "),  # a company's caps (e.g. torch<=2.14): uv resolves within them as pip does
}
NO_INDEX = "no-index"  # a flag for uv, not a variable
# pip takes the best version from all its sources together; uv by default only from the first index that has the
# package. With pip's sources, uv resolves as pip does (else a version on the second index is "not found").
SOURCES = {"index-url", "extra-index-url", "find-links"}
PIP_INDEX_STRATEGY = "unsafe-best-match"
# Where pip looks for an install option, lowest precedence first ("install" is the command's own section).
SECTIONS = ("global", "install", ":env:")
_LINE = re.compile(r"^(?P<section>[^.]+)\.(?P<key>[^=]+)=(?P<value>.*)$")
_TRUE = {"1", "true", "yes", "on"}


def pip_settings(env: Mapping[str, str], python: Optional[str] = None) -> dict[str, str]:
    """The effective index settings of pip run with ``env``: ``{"index-url": ..., "find-links": ...}``.

    Empty when no pip can be asked (a frozen app on a machine without Python): then uv keeps its own defaults.
    """
    python = python or app_python()
    if python is None:
        return {}
    try:
        done = subprocess.run([python, "-m", "pip", "config", "list"], env=dict(env), capture_output=True,
                              text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    found: dict[tuple[str, str], str] = {}
    for line in done.stdout.splitlines() if done.returncode == 0 else ():
        match = _LINE.match(line.strip())
        if match:
            found[(match["section"], match["key"])] = _unquoted(match["value"])
    settings: dict[str, str] = {}
    for section in SECTIONS:
        settings |= {key: found[(section, key)] for key in (*UV_NAMES, NO_INDEX) if (section, key) in found}
    return settings


def uv_env(env: Mapping[str, str], settings: Mapping[str, str]) -> dict[str, str]:
    """``env`` plus ``settings`` (from ``pip_settings``) under uv's names; a variable already in ``env`` wins."""
    result = dict(env)
    for key, value in settings.items():
        if key not in UV_NAMES:
            continue
        name, separator = UV_NAMES[key]
        if name in env or (name == "UV_INDEX_URL" and "UV_DEFAULT_INDEX" in env):
            continue
        result[name] = separator.join(value.split())  # pip lists: spaces or one value per line
    if settings.keys() & SOURCES and "UV_INDEX_STRATEGY" not in env:
        result["UV_INDEX_STRATEGY"] = PIP_INDEX_STRATEGY
    return result


def uv_flags(settings: Mapping[str, str]) -> list[str]:
    """The pip settings uv takes only as command-line flags."""
    return ["--no-index"] if settings.get(NO_INDEX, "").strip().lower() in _TRUE else []


def _unquoted(value: str) -> str:
    try:
        return str(ast.literal_eval(value))  # pip prints repr() of the value
    except (ValueError, SyntaxError):
        return value


def app_python() -> Optional[str]:
    """The interpreter that runs pip, pip-tools and uv's defaults: the app's own; a frozen app has none, so the
    first Python on PATH."""
    if not getattr(sys, "frozen", False):
        return sys.executable
    return shutil.which("python3") or shutil.which("python")
