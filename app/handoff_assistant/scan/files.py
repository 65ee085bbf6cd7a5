"""Which files a scan looks at, and reading their text safely.

The listing is git-aware: in a git work tree it is the tracked files plus the untracked files git does not
ignore; elsewhere it is a walk that skips the usual environment and build folders. Either way a link is only
followed when it stays inside the root, and a file that cannot be listed becomes a problem, not an exception.

Thresholds (see also ``ScanOptions.max_text_bytes``, 5 MB by default):
- a file above ``max_text_bytes`` is never read; it is skipped as "too-large" and listed as data "large" (a
  program, by its name, is also a problem: its code was not checked, see ``analysis``);
  notebooks get ``NOTEBOOK_MAX_BYTES`` (50 MB) instead: their size is mostly plot images in outputs, and their
  code must still be read;
- a data-format file (``DATA_EXTENSIONS``) of ``DATA_FILE_MIN_BYTES`` (1 MB) or more is listed as data "data":
  small fixtures travel with the code, real data sets do not;
- any other binary file of 1 MB or more is listed as data "binary".
"""
from __future__ import annotations

import codecs
import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from handoff_assistant.scan.git_state import git_listing
from handoff_assistant.scan.report import DataFile, Problem, SkippedFile
from handoff_assistant.tasks import CancelToken

DEFAULT_IGNORED_DIRS = frozenset(
    {".git", ".venv", "venv", "env", "__pycache__", ".ipynb_checkpoints", "node_modules", "build", "dist"}
)
# Ignored without a mention in the report: every project has them and nobody wants to read about it.
_SILENTLY_IGNORED_DIRS = frozenset({".git", "__pycache__", ".ipynb_checkpoints"})
# A folder holding one of these is a Python or conda environment, whatever its name.
_ENVIRONMENT_MARKERS = frozenset({"pyvenv.cfg", "conda-meta"})

DATA_FILE_MIN_BYTES = 1024 * 1024
NOTEBOOK_MAX_BYTES = 50 * 1024 * 1024
DATA_EXTENSIONS = frozenset({
    ".csv", ".tsv", ".parquet", ".pq", ".feather", ".arrow", ".orc", ".avro", ".pkl", ".pickle", ".h5", ".hdf5",
    ".hdf", ".xlsx", ".xls", ".npy", ".npz", ".mat", ".rds", ".rdata", ".rda", ".sav", ".dta", ".sas7bdat",
    ".zip", ".gz", ".bz2", ".xz", ".zst", ".tar", ".7z", ".db", ".sqlite", ".sqlite3", ".duckdb", ".joblib",
    ".pt", ".pth", ".ckpt", ".onnx", ".safetensors", ".pb", ".tfrecord", ".bin", ".model", ".jsonl", ".ndjson",
    ".nc", ".tif", ".tiff", ".shp",
})
# Recognised by name so the scan does not even open them (text data formats such as .csv are not here).
BINARY_EXTENSIONS = frozenset({
    ".parquet", ".pq", ".feather", ".arrow", ".orc", ".avro", ".pkl", ".pickle", ".h5", ".hdf5", ".hdf",
    ".xlsx", ".xls", ".npy", ".npz", ".mat", ".rds", ".rdata", ".rda", ".sav", ".dta", ".sas7bdat", ".zip",
    ".gz", ".bz2", ".xz", ".zst", ".tar", ".7z", ".db", ".sqlite", ".sqlite3", ".duckdb", ".joblib", ".pt",
    ".pth", ".ckpt", ".onnx", ".safetensors", ".pb", ".tfrecord", ".bin", ".nc", ".tif", ".tiff", ".shp",
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".webp", ".pdf", ".docx", ".pptx", ".so", ".dll",
    ".dylib", ".exe", ".o", ".a", ".pyc", ".pyo", ".whl", ".egg", ".jar", ".class", ".mp3", ".mp4", ".wav",
    ".avi", ".mov", ".ttf", ".otf", ".woff", ".woff2",
})
_SNIFF_BYTES = 8192
_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class FileEntry:
    path: str  # posix, relative to the root
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class FileInventory:
    entries: tuple[FileEntry, ...]
    skipped: tuple[SkippedFile, ...] = ()
    problems: tuple[Problem, ...] = ()
    listing: str = "walk"  # "git" or "walk"


@dataclass(frozen=True)
class TextContent:
    text: str
    encoding: str  # the codec that decoded it: "utf-8", "utf-16-le", "cp1252", "latin-1"...


class NotText(Exception):
    """The file is not text the scan can analyse (binary, too large); ``reason`` is a SkippedFile reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Listing:
    """Accumulates what a listing finds; one per ``list_files`` call."""

    def __init__(self, root: Path, cancel: CancelToken) -> None:
        self.root = root
        self.cancel = cancel
        self.entries: list[FileEntry] = []
        self.skipped: list[SkippedFile] = []
        self.problems: list[Problem] = []

    def add(self, relative: str, full: str) -> None:
        """Stat one path (``relative``: posix, to the root; ``full``: for the OS) and file it as an entry, a
        skip or a problem.

        A link to a file inside the root is listed; a link to a folder is not walked (its files are listed
        under their real path, and walking it could loop); links out of the root or in circles are skipped.
        """
        try:
            info = os.lstat(full)
            if stat.S_ISLNK(info.st_mode):
                reason = _link_problem(self.root, Path(full))
                if reason:
                    self.skipped.append(SkippedFile(relative, reason))
                    return
                info = os.stat(full)
                if stat.S_ISDIR(info.st_mode):
                    self.skipped.append(SkippedFile(relative, "link-to-folder"))
                    return
        except OSError as error:
            self.problems.append(Problem(relative, f"cannot read: {_describe(error)}"))
            return
        if stat.S_ISREG(info.st_mode):
            self.entries.append(FileEntry(relative, info.st_size, info.st_mtime_ns))
        elif not stat.S_ISDIR(info.st_mode):  # FIFO, socket, device: opening one could block the scan
            self.skipped.append(SkippedFile(relative, "not-a-regular-file"))

    def inventory(self, listing: str) -> FileInventory:
        return FileInventory(
            tuple(sorted(self.entries, key=lambda e: e.path)), tuple(self.skipped), tuple(self.problems), listing
        )


def list_files(root: Path, cancel: CancelToken) -> FileInventory:
    """The files of the project under ``root`` (already resolved), sorted by path."""
    listing = _Listing(root, cancel)
    tracked = git_listing(root)
    if tracked is not None:
        for relative in tracked:
            cancel.raise_if_cancelled()
            listing.add(relative, os.path.join(root, relative))
        return listing.inventory("git")
    _walk(listing, "")
    return listing.inventory("walk")


def _walk(listing: _Listing, top: str) -> None:
    """Depth first, in name order, with a stack of its own: a folder nested 1,000 levels deep made the
    recursive walk fail the whole scan (RecursionError)."""
    pending = [top]
    while pending:
        relative_dir = pending.pop()
        subfolders = _walk_folder(listing, relative_dir)
        pending.extend(reversed(subfolders))


def _walk_folder(listing: _Listing, relative_dir: str) -> list[str]:
    """Add the files of one folder to the listing; return its sub-folders to walk, in name order."""
    directory = os.path.join(listing.root, relative_dir)
    try:
        with os.scandir(directory) as scanned:
            children = sorted(scanned, key=lambda child: child.name)
    except OSError as error:
        listing.problems.append(Problem(relative_dir or ".", f"cannot list folder: {_describe(error)}"))
        return []
    if relative_dir and any(child.name in _ENVIRONMENT_MARKERS for child in children):
        listing.skipped.append(SkippedFile(relative_dir, "ignored-dir"))
        return []
    subfolders = []
    for child in children:
        listing.cancel.raise_if_cancelled()
        relative = f"{relative_dir}/{child.name}" if relative_dir else child.name
        if child.is_dir(follow_symlinks=False):
            if child.name in DEFAULT_IGNORED_DIRS:
                if child.name not in _SILENTLY_IGNORED_DIRS:
                    listing.skipped.append(SkippedFile(relative, "ignored-dir"))
            else:
                subfolders.append(relative)
        else:
            listing.add(relative, child.path)
    return subfolders


def _link_problem(root: Path, link: Path) -> Optional[str]:
    """Why a link must not be followed ("link-loop", "link-outside-root", "broken-link"), or None."""
    try:
        target = link.resolve(strict=True)
    except RuntimeError:  # Python < 3.13 reports a loop this way
        return "link-loop"
    except OSError as error:
        return "link-loop" if error.errno == errno.ELOOP else "broken-link"
    if not target.is_relative_to(root):
        return "link-outside-root"
    if target.is_dir() and link.parent.resolve().is_relative_to(target):
        return "link-loop"
    return None


def _describe(error: OSError) -> str:
    return error.strerror or str(error)


def read_text(path: Path, max_bytes: int) -> TextContent:
    """The decoded text of a file, or NotText when it is binary or larger than ``max_bytes``.

    A file above the cap is not read at all. Decoding: a byte-order mark wins (UTF-8, UTF-16, UTF-32), then
    strict UTF-8, then cp1252 (Windows editors), then latin-1, which accepts any byte.
    """
    if _suffix(path.name) in BINARY_EXTENSIONS:
        raise NotText("binary")
    max_bytes = text_cap(path.name, max_bytes)
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size > max_bytes:
            raise NotText("too-large")
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew since the listing
        raise NotText("too-large")
    return decode(data)


def read_head(path: Path, max_bytes: int) -> str:
    """Up to ``max_bytes`` of a file as text (undecodable bytes replaced), or "" when it cannot be read: for
    small facts looked up in a file (a version pin, a GPU call), where a partial or missing read is no error."""
    try:
        with path.open("rb") as handle:
            return handle.read(max_bytes).decode("utf-8", errors="replace")
    except OSError:
        return ""


def decode(data: bytes) -> TextContent:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return TextContent(data[len(bom):].decode(encoding), encoding)
            except UnicodeDecodeError:
                raise NotText("binary") from None
    if b"\0" in data[:_SNIFF_BYTES]:
        raise NotText("binary")
    for encoding in ("utf-8", "cp1252"):
        try:
            return TextContent(data.decode(encoding), encoding)
        except UnicodeDecodeError:
            continue
    return TextContent(data.decode("latin-1"), "latin-1")


def data_files(entries: Iterable[FileEntry], binary_paths: Iterable[str], max_text_bytes: int
               ) -> tuple[DataFile, ...]:
    """The files that should not travel with the code: too large to analyse, big data formats, big binaries."""
    binary = set(binary_paths)
    found = []
    for entry in entries:
        if entry.size > text_cap(entry.path, max_text_bytes):
            found.append(DataFile(entry.path, entry.size, "large"))
        elif entry.size >= DATA_FILE_MIN_BYTES and _suffix(entry.path) in DATA_EXTENSIONS:
            found.append(DataFile(entry.path, entry.size, "data"))
        elif entry.size >= DATA_FILE_MIN_BYTES and entry.path in binary:
            found.append(DataFile(entry.path, entry.size, "binary"))
    return tuple(found)


def text_cap(path: str, max_text_bytes: int) -> int:
    """The most bytes of ``path`` the scan reads: ``max_text_bytes``, or more for a notebook."""
    return max(max_text_bytes, NOTEBOOK_MAX_BYTES) if _suffix(path) == ".ipynb" else max_text_bytes


def _suffix(name: str) -> str:
    return os.path.splitext(name)[1].lower()
