"""Files written beside a bundle by the people who handle it, e.g. the lead's ``review.json``.

Several bundles usually land in one folder, so each sidecar is named after its bundle, the same way
``bundle.verification_record`` names IT's ``verification.json``: ``churn-handoff.zip`` →
``churn-handoff.review.json`` (a bundle folder ``churn-handoff/`` likewise).
"""
from __future__ import annotations

import json
from pathlib import Path

REVIEW = "review"


def sidecar_path(bundle: Path, kind: str) -> Path:
    """Where a sidecar of ``kind`` for ``bundle`` is written."""
    stem = bundle.name[:-4] if bundle.name.lower().endswith(".zip") else bundle.name
    return bundle.parent / f"{stem}.{kind}.json"


class SidecarError(ValueError):
    """A sidecar exists but cannot be used; the message says why."""


# A review is a few hundred bytes; anything this large is not one and is refused before it is read.
MAX_SIDECAR_BYTES = 1_000_000


def load_sidecar(path: Path, max_bytes: int = MAX_SIDECAR_BYTES) -> dict:
    """The JSON object in ``path``; a file too large, not UTF-8, not JSON or nested too deeply is a SidecarError."""
    try:
        raw = _read_at_most(path, max_bytes)
        data = json.loads(raw.decode("utf-8"))
    except SidecarError:
        raise
    except OSError as error:
        raise SidecarError(f"{path.name} cannot be read: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise SidecarError(f"{path.name} is not UTF-8 text") from error
    except json.JSONDecodeError as error:
        raise SidecarError(f"{path.name} is not valid JSON (line {error.lineno}: {error.msg})") from error
    except RecursionError as error:
        raise SidecarError(f"{path.name} is nested too deeply to be read") from error
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        raise SidecarError(f"{path.name} holds a value that cannot be read ({str(error)[:80]})") from error
    if not isinstance(data, dict):
        raise SidecarError(f"{path.name} does not hold a JSON object")
    return data


def _read_at_most(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refused by its size before reading (and again if it grew meanwhile)."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        raw = handle.read(max_bytes + 1) if size <= max_bytes else b""
    if size > max_bytes or len(raw) > max_bytes:
        raise SidecarError(f"{path.name} is larger than {max_bytes:,} bytes and was not read")
    return raw
