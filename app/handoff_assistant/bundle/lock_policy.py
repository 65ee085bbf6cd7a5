"""What a bundle's lock (env/requirements.txt) may tell pip before Prepare and test installs it.

A requirements file can carry pip options: ``--index-url`` or ``--extra-index-url`` send pip to any server,
``--trusted-host`` turns TLS checks off, ``-f`` adds a download location, ``-r``/``-c`` pull in other files,
per-requirement ``--global-option``/``--config-settings`` reach the build. A lock the app writes has none of
these (only ``--hash=``, and the ``--extra-index-url`` of a CPU-build index from resources/accelerators.yaml that
``handoff bundle --accelerator cpu`` writes, accepted only in a lock whose every requirement is hashed), so any
other option is refused unless the operator allows it explicitly.
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
    """One sentence for each pip option in the lock other than ``--hash=`` on a requirement (and the app's own
    CPU-build index lines when every requirement is hashed)."""
    refused = []
    known = _accelerator_index_lines() if _every_requirement_hashed(text) else frozenset()
    for number, statement in logical_lines(text):
        options = [match.group(1) for match in _OPTION.finditer(statement)]
        if " ".join(statement.split()) in known:
            continue
        if statement.startswith("-"):
            refused.append(f"line {number}: {statement.split()[0]} (a pip option for the whole install)")
            continue
        refused += [f"line {number}: {option.split('=')[0]} on {statement.split()[0]}" for option in options
                    if option.split("=")[0] not in ALLOWED_REQUIREMENT_OPTIONS]
    return tuple(refused)


def _every_requirement_hashed(text: str) -> bool:
    requirements = [s for _, s in logical_lines(text) if not s.startswith("-")]
    return bool(requirements) and all("--hash=" in s for s in requirements)


def _accelerator_index_lines() -> frozenset[str]:
    from handoff_assistant.assets import load_yaml_resource
    from handoff_assistant.bundle.accelerator import TABLE

    return frozenset(f"--extra-index-url {entry['cpu_index']}" for entry in load_yaml_resource(TABLE)["libraries"]
                     .values() if isinstance(entry, dict) and entry.get("cpu_index"))


def has_hashes(text: str) -> bool:
    return any("--hash=" in statement for _, statement in logical_lines(text))


def require_hashes(text: str, manifest_says_hashed: bool) -> bool:
    """``--require-hashes`` when the lock carries any hash or the manifest says it is hashed; the manifest can
    never switch hash checking off for a lock that has hashes."""
    return has_hashes(text) or manifest_says_hashed


__all__ = ["has_hashes", "logical_lines", "refused_options", "require_hashes"]
