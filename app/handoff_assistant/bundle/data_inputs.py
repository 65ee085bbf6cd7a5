"""The manifest's data contract: every file the code refers to, with size, SHA-256 and whether it travels.

A reference is a string literal in a code file that names a file existing in the project, relative to the
referring file's folder (``os.path.join(os.path.dirname(__file__), "vocab.txt.gz")``), to the project root
(``open("data/in.csv")``) or to a configured data folder. Such a file travels in ``code/`` whatever its
extension, up to a size limit (``BundleOptions.max_input_bytes``, 50 MB by default); a larger one, or a Git LFS
pointer (the data itself is not in the folder), is a *required input*: IT places it at ``code/<path>`` and
``handoff verify`` checks it against the recorded hash. Every referenced file passes ``bundle_path_gate`` first.

The literal search is a bounded regular expression over the text (no code is imported or run), linear in the
input: each literal is at most ``MAX_LITERAL`` characters.
"""
from __future__ import annotations

import dataclasses
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Optional

from handoff_assistant.bundle.path_gate import PathRefused, bundle_path_gate
from handoff_assistant.bundle.snapshot import SnapshotFile, SnapshotPlan, sha256_file
from handoff_assistant.scan.notebooks import NotebookError, parse_notebook
from handoff_assistant.scan.report import location_text
from handoff_assistant.tasks import CancelToken

DEFAULT_MAX_INPUT_BYTES = 50 * 1000 * 1000
MAX_LITERAL = 260
REFERRING_SUFFIXES = frozenset({".py", ".ipynb", ".r", ".rmd", ".qmd", ".sh", ".bash", ".sql", ".jl"})
_LITERAL = re.compile(r"""(["'])([^"'\\\r\n]{1,%d})\1""" % MAX_LITERAL)
LFS_POINTER_PREFIX = b"version https://git-lfs.github.com/spec/v1"
LFS_POINTER_MAX_BYTES = 1024  # a pointer file is about 130 bytes


@dataclass(frozen=True)
class DataInput:
    path: str  # posix, relative to the project root (and to code/ in the bundle)
    size: int
    sha256: str
    travels: bool  # copied into code/; otherwise IT must place it at code/<path>
    referenced_by: tuple[str, ...]  # "pkg/__init__.py:3", "nb.ipynb cell 2:4" (scan.report.location_text)
    reason: str = ""  # why it does not travel
    lfs_pointer: bool = False  # the file is a Git LFS pointer: the data itself is not in the folder


@dataclass(frozen=True)
class InputsPlan:
    inputs: tuple[DataInput, ...]
    snapshot: SnapshotPlan  # the snapshot with the small referenced files moved into code/
    warnings: tuple[str, ...]


def string_literals(text: str) -> Iterable[tuple[int, str]]:
    """(line, value) of each short single-line string literal; notebooks' code cells are read from their JSON."""
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _LITERAL.finditer(line):
            yield number, match.group(2)


def _code_units(path: Path) -> list[tuple[Optional[int], str]]:
    """(cell, text) of a file's code: the whole file (cell None), or each code cell of a notebook, read by the
    scan's own notebook reader so that places are named as everywhere else (``nb.ipynb cell 3:2``)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix.lower() != ".ipynb":
        return [(None, text)]
    try:
        return [(cell.index, cell.source) for cell in parse_notebook(text).cells if cell.cell_type == "code"]
    except NotebookError:
        return []  # the scan reports an unreadable notebook


def _candidates(value: str, referring: str, data_folders: tuple[str, ...]) -> list[str]:
    value = value.strip().replace("\\", "/")
    if not value or "://" in value or value.startswith(("/", "~")) or any(c in value for c in "*?{}$<>|\t"):
        return []
    if "." not in PurePosixPath(value).name:
        return []
    bases = [posixpath.dirname(referring), ""] + list(data_folders)
    found = []
    for base in bases:
        joined = posixpath.normpath(posixpath.join(base, value))
        if not joined.startswith("../") and joined != ".." and joined not in found:
            found.append(joined)
    return found


def find_references(root: Path, plan: SnapshotPlan, listed: set[str], data_folders: tuple[str, ...],
                    cancel: CancelToken) -> dict[str, list[str]]:
    """Listed files named by a literal in a travelling code file → where ("file:line")."""
    references: dict[str, list[str]] = {}
    for item in plan.files:
        if PurePosixPath(item.path).suffix.lower() not in REFERRING_SUFFIXES:
            continue
        cancel.raise_if_cancelled()
        try:
            units = _code_units(root / item.path)
        except OSError:
            continue
        for cell, text in units:
            for line, value in string_literals(text):
                for candidate in _candidates(value, item.path, data_folders):
                    if candidate in listed and candidate != item.path:
                        where = references.setdefault(candidate, [])
                        place = location_text(item.path, line, cell)
                        if place not in where:
                            where.append(place)
                        break
    return references


_LFS_OID = re.compile(r"^oid sha256:([0-9a-f]{64})$", re.MULTILINE)
_LFS_SIZE = re.compile(r"^size (\d{1,15})$", re.MULTILINE)


def lfs_pointer(path: Path) -> Optional[tuple[str, int]]:
    """(SHA-256, size) of the data a Git LFS pointer file stands for, or None when ``path`` is not a pointer."""
    try:
        if path.stat().st_size > LFS_POINTER_MAX_BYTES:
            return None
        head = path.read_bytes()
    except OSError:
        return None
    if not head.startswith(LFS_POINTER_PREFIX):
        return None
    text = head.decode("ascii", "replace")
    oid, size = _LFS_OID.search(text), _LFS_SIZE.search(text)
    return (oid.group(1), int(size.group(1))) if oid and size else ("", 0)


def plan_inputs(root: Path, plan: SnapshotPlan, cancel: CancelToken, max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES,
                data_folders: tuple[str, ...] = ()) -> InputsPlan:
    """The inputs record, and the snapshot with every referenced file up to ``max_input_bytes`` travelling."""
    listed = {f.path for f in plan.files} | {d.path for d in plan.data_references}
    references = find_references(root, plan, listed, data_folders, cancel)
    travelling = {f.path for f in plan.files}
    hashed = {d.path: d.sha256 for d in plan.data_references}  # the snapshot hashed these (the large files) already
    inputs, moved, warnings = [], [], []
    for path in sorted(references):
        try:
            full = bundle_path_gate(root, path)
        except PathRefused as refusal:
            if not refusal.secret:  # secret files are already named as left behind
                warnings.append(f"{path} is referenced by {references[path][0]} but cannot enter the bundle: "
                                f"{refusal.reason}.")
            continue
        status = full.stat()
        size, digest, where = status.st_size, hashed.get(path) or sha256_file(full), tuple(references[path])
        pointer = lfs_pointer(full)
        if pointer:  # the data's own hash and size are in the pointer (Git LFS's oid is its SHA-256)
            digest, size = pointer[0] or digest, pointer[1] or size
        reason = ("it is a Git LFS pointer: the data is not in the folder (git lfs pull)" if pointer else
                  f"it is larger than the limit of {_mb(max_input_bytes)}" if size > max_input_bytes else "")
        travels = not reason
        inputs.append(DataInput(path, size, digest, travels, where, reason, bool(pointer)))
        if travels and path not in travelling:
            moved.append(SnapshotFile(path, size, bool(status.st_mode & 0o111)))
        if not travels:
            warnings.append(f"Required input {path} ({_mb(size)}, referenced by {where[0]}) does not travel: "
                            f"{reason}. IT must place it at code/{path}; the runbook lists its SHA-256.")
    moved_paths = {m.path for m in moved}
    snapshot = dataclasses.replace(
        plan, files=tuple(sorted(plan.files + tuple(moved), key=lambda f: f.path)),
        data_references=tuple(d for d in plan.data_references if d.path not in moved_paths))
    return InputsPlan(tuple(inputs), snapshot, tuple(warnings))


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def required_inputs(manifest: Optional[dict]) -> dict[str, str]:
    """``code/<path>`` → SHA-256 of each declared input that does not travel (from a manifest's ``inputs``)."""
    entries = (manifest or {}).get("inputs") or []
    return {f"code/{e['path']}": e["sha256"] for e in entries if isinstance(e, dict) and not e.get("travels")
            and isinstance(e.get("path"), str) and isinstance(e.get("sha256"), str)}
