"""Files written beside a bundle by the people who handle it: ``review.json`` and ``verification.json``.

Several bundles usually land in one folder, so each sidecar is named after its bundle:
``churn-2026-11-26.zip`` → ``churn-2026-11-26.review.json`` (same for a bundle folder). A sidecar
inside a bundle folder (``BUNDLE/verification.json``) is read too.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

REVIEW = "review"
VERIFICATION = "verification"


def sidecar_path(bundle: Path, kind: str) -> Path:
    """Where a sidecar of ``kind`` for ``bundle`` is written."""
    stem = bundle.name[:-4] if bundle.name.lower().endswith(".zip") else bundle.name
    return bundle.parent / f"{stem}.{kind}.json"


def find_sidecar(bundle: Path, kind: str) -> Optional[Path]:
    candidates = [sidecar_path(bundle, kind)]
    if bundle.is_dir():
        candidates.append(bundle / f"{kind}.json")
    return next((c for c in candidates if c.is_file()), None)


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
