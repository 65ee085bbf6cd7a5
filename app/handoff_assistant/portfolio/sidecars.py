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


def load_sidecar(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SidecarError(f"{path.name} cannot be read: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise SidecarError(f"{path.name} is not UTF-8 text") from error
    except json.JSONDecodeError as error:
        raise SidecarError(f"{path.name} is not valid JSON (line {error.lineno}: {error.msg})") from error
    if not isinstance(data, dict):
        raise SidecarError(f"{path.name} does not hold a JSON object")
    return data
