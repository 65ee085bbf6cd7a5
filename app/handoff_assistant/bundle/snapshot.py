"""The code snapshot: which project files travel in ``code/``, which are secrets left behind, which are data.

The listing is the scan's (git-aware: tracked plus untracked-not-ignored files in a repository). Every file
passes ``path_gate.bundle_path_gate``: secret files and keys never travel; data files (by format, or anything
larger than ``LARGE_FILE_BYTES``) stay behind and are listed in the manifest with size and SHA-256 so IT can
check the copy they are given.
"""
from __future__ import annotations

import fnmatch
import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable

from handoff_assistant.bundle.path_gate import PathRefused, bundle_path_gate
from handoff_assistant.scan.files import list_files
from handoff_assistant.tasks import CancelToken

LARGE_FILE_BYTES = 5 * 1024 * 1024
DATA_SUFFIXES = frozenset({
    ".csv", ".tsv", ".parquet", ".feather", ".arrow", ".orc", ".avro", ".xlsx", ".xls", ".json.gz",
    ".pkl", ".pickle", ".joblib", ".h5", ".hdf5", ".npy", ".npz", ".mat", ".sav", ".dta", ".sas7bdat",
    ".rds", ".rdata", ".rda", ".db", ".sqlite", ".sqlite3", ".duckdb", ".zip", ".gz", ".bz2", ".xz", ".tar",
    ".7z", ".onnx", ".pt", ".pth", ".ckpt", ".safetensors", ".bin", ".model",
})


@dataclass(frozen=True)
class SnapshotFile:
    path: str  # posix, relative to the project root (and to code/)
    size: int
    executable: bool


@dataclass(frozen=True)
class DataReference:
    path: str
    size: int
    sha256: str
    reason: str  # "data format" or "larger than 5 MiB"


@dataclass(frozen=True)
class SnapshotPlan:
    files: tuple[SnapshotFile, ...]
    secret_files: tuple[str, ...]  # left behind; only their names are recorded
    data_references: tuple[DataReference, ...]
    links: tuple[str, ...] = ()  # symbolic links are not followed into a bundle
    refused: tuple[str, ...] = ()  # other files the path gate kept out, each a sentence with the reason
    temporary: tuple[str, ...] = ()  # Office lock files and editor temporaries: never part of a handoff


# An open document's lock (~$report.docx, .~lock.data.csv#), editor swap and backup files, OS folder metadata.
TEMPORARY_FILE_PATTERNS = ("~$*", ".~lock.*#", "*~", "*.swp", "*.swo", "*.swx", ".#*", "#*#", "*.tmp", "*.bak",
                           ".DS_Store", "Thumbs.db", "desktop.ini", "._*")


def is_temporary_file(path: str) -> bool:
    name = PurePosixPath(path).name
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in TEMPORARY_FILE_PATTERNS)


def data_reason(path: str, size: int) -> str:
    """Why a file is data that stays behind, or "" when it is code that travels."""
    lower = path.lower()
    if any(lower.endswith(suffix) for suffix in DATA_SUFFIXES):
        return "data format"
    if size > LARGE_FILE_BYTES:
        return f"larger than {LARGE_FILE_BYTES // (1024 * 1024)} MiB"
    return ""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def plan_snapshot(root: Path, cancel: CancelToken, exclude: Iterable[Path] = ()) -> SnapshotPlan:
    """Sort every listed file into code, secret (left behind) or data (referenced by hash)."""
    excluded = [p.resolve() for p in exclude]
    files, secrets, data, links, refused, temporary = [], [], [], [], [], []
    for entry in list_files(root, cancel).entries:
        cancel.raise_if_cancelled()
        full = root / entry.path
        if any(_is_within(full, folder) for folder in excluded):
            continue
        if is_temporary_file(entry.path):
            temporary.append(entry.path)
            continue
        if full.is_symlink():
            links.append(entry.path)
            continue
        try:
            full = bundle_path_gate(root, entry.path)
        except PathRefused as refusal:
            (secrets if refusal.secret else refused).append(entry.path if refusal.secret else str(refusal))
            continue
        if reason := data_reason(entry.path, entry.size):
            data.append(DataReference(entry.path, entry.size, sha256_file(full), reason))
        else:
            files.append(SnapshotFile(entry.path, entry.size, bool(full.stat().st_mode & 0o111)))
    return SnapshotPlan(tuple(files), tuple(secrets), tuple(data), tuple(links), tuple(refused), tuple(temporary))


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder)
    except ValueError:
        return False
    return True


def copy_snapshot(root: Path, plan: SnapshotPlan, dest: Path, cancel: CancelToken) -> None:
    """Copy the planned files into ``dest`` (bytes only: no timestamps or owners, so builds are reproducible)."""
    for item in plan.files:
        cancel.raise_if_cancelled()
        target = dest / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(bundle_path_gate(root, item.path).read_bytes())  # again: the file may have changed
        target.chmod(0o755 if item.executable else 0o644)
