"""What a bundle's lock (env/requirements.txt) may tell pip before Prepare and test installs it.

A requirements file can carry pip options: ``--index-url`` or ``--extra-index-url`` send pip to any server,
``--trusted-host`` turns TLS checks off, ``-f`` adds a download location, ``-r``/``-c`` pull in other files,
per-requirement ``--global-option``/``--config-settings`` reach the build. A lock the app writes has none of
these (only ``--hash=``), so any other option is refused unless the operator allows it explicitly.
Hash checking is decided from the lock itself: a manifest flag can turn it on, never off.
"""
from __future__ import annotations

import re

_OPTION = re.compile(r"(?:^|\s)(-{1,2}[A-Za-z][\w-]*)")
ALLOWED_REQUIREMENT_OPTIONS = frozenset({"--hash"})


def logical_lines(text: str) -> list[tuple[int, str]]:
    """``(first line number, text)`` of each statement: comments stripped, ``\\`` continuations joined."""
    statements, current, start = [], "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = "" if raw.lstrip().startswith("#") else re.split(r"\s#", raw, maxsplit=1)[0].rstrip()
        if not current:
            start = number
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        if current.strip():
            statements.append((start, current.strip()))
        current = ""
    if current.strip():
        statements.append((start, current.strip()))
    return statements


def refused_options(text: str) -> tuple[str, ...]:
    """One sentence for each pip option in the lock other than ``--hash=`` on a requirement."""
    refused = []
    for number, statement in logical_lines(text):
        options = [match.group(1) for match in _OPTION.finditer(statement)]
        if statement.startswith("-"):
            refused.append(f"line {number}: {statement.split()[0]} (a pip option for the whole install)")
            continue
        refused += [f"line {number}: {option.split('=')[0]} on {statement.split()[0]}" for option in options
                    if option.split("=")[0] not in ALLOWED_REQUIREMENT_OPTIONS]
    return tuple(refused)


def has_hashes(text: str) -> bool:
    return any("--hash=" in statement for _, statement in logical_lines(text))


def require_hashes(text: str, manifest_says_hashed: bool) -> bool:
    """``--require-hashes`` when the lock carries any hash or the manifest says it is hashed; the manifest can
    never switch hash checking off for a lock that has hashes."""
    return has_hashes(text) or manifest_says_hashed


__all__ = ["has_hashes", "logical_lines", "refused_options", "require_hashes"]
