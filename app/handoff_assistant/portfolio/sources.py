"""Find bundles and project folders below the folders a team lead points the portfolio at.

A bundle is a folder or a ``.zip`` with ``handoff-manifest.json`` at its root (a zip that cannot be
opened at all counts too, so a damaged bundle shows up as a row with the reason). A project folder is a
folder with ``handoff.yaml``. Nothing below a bundle is searched; below a project folder only bundles
are looked for (e.g. its ``dist/``).
"""
from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional

from handoff_assistant.portfolio.model import BUNDLE, PROJECT_FOLDER
from handoff_assistant.tasks import CancelToken, ensure_cancel

MANIFEST_NAME = "handoff-manifest.json"
PROJECT_FILE_NAME = "handoff.yaml"
MAX_DEPTH = 8
SKIPPED_FOLDERS = frozenset({".git", ".hg", ".svn", ".venv", "venv", "env", "node_modules", "__pycache__",
                             ".mypy_cache", ".pytest_cache", ".tox", ".ipynb_checkpoints", "site-packages"})


@dataclass(frozen=True)
class Found:
    path: Path
    kind: str  # "bundle" or "project folder" (see portfolio.model)


@dataclass(frozen=True)
class Missing:
    """A source the user named that cannot be searched; shown as a row with the reason."""

    path: Path
    reason: str


def discover(sources: Iterable[Path | str], cancel: Optional[CancelToken] = None) -> Iterator[Found | Missing]:
    """Yield every bundle and project folder below ``sources`` once, in a stable (sorted) order."""
    cancel = ensure_cancel(cancel)
    seen: set[Path] = set()
    for source in sources:
        path = Path(source).expanduser()
        if path.is_file() and path.suffix.lower() == ".zip":
            found: Iterable[Found | Missing] = [Found(path.resolve(), BUNDLE)]
        elif not path.is_dir():
            found = [Missing(path, "not found" if not path.exists() else "not a folder or a .zip bundle")]
        else:
            found = _walk(path.resolve(), 0, False, cancel)
        for item in found:
            if isinstance(item, Found):
                if item.path in seen:
                    continue
                seen.add(item.path)
            yield item


def _walk(folder: Path, depth: int, inside_project: bool, cancel: CancelToken) -> Iterator[Found | Missing]:
    cancel.raise_if_cancelled()
    if (folder / MANIFEST_NAME).is_file():
        yield Found(folder, BUNDLE)
        return
    if not inside_project and (folder / PROJECT_FILE_NAME).is_file():
        yield Found(folder, PROJECT_FOLDER)
        inside_project = True
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as error:
        yield Missing(folder, f"cannot list the folder: {error.strerror or error}")
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.is_symlink():
            continue
        if entry.is_file() and entry.name.lower().endswith(".zip") and looks_like_bundle_zip(Path(entry.path)):
            yield Found(Path(entry.path), BUNDLE)
        elif entry.is_dir() and entry.name not in SKIPPED_FOLDERS and depth < MAX_DEPTH:
            yield from _walk(Path(entry.path), depth + 1, inside_project, cancel)


def looks_like_bundle_zip(path: Path) -> bool:
    """True for a zip holding a manifest at its root, and for a zip too damaged to tell."""
    try:
        with zipfile.ZipFile(path) as archive:
            return MANIFEST_NAME in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return True
