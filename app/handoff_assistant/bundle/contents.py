"""Read a bundle's files without extracting anything: what the bundle view and ``handoff diff`` show.

``read_contents(path)`` checks every member of a zip with the reader's rules first (an unsafe archive raises
``UnsafeBundleError``), then reads members from the archive in memory on request. A folder is read in place.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from handoff_assistant.bundle.manifest import MANIFEST_NAME
from handoff_assistant.bundle.options import BundleError
from handoff_assistant.bundle.reader import Member, checked_members, open_zip, read_manifest, read_member
from handoff_assistant.bundle.verify import VerificationResult, verify_bundle
from handoff_assistant.signing import PublicKey
from handoff_assistant.tasks import CancelToken, ProgressCallback, ensure_cancel, ensure_progress

MAX_TEXT_BYTES = 2 * 1024 ** 2  # larger files are not shown or compared line by line
LOCK_PATH = "env/requirements.txt"
RUNBOOK_PATH = "RUNBOOK.md"


@dataclass(frozen=True)
class LockRow:
    distribution: str
    version: str
    hashes: int
    marker: str = ""


@dataclass(frozen=True)
class BundleContents:
    """A bundle opened for reading: its manifest and its file list; ``read`` gives a file's bytes."""

    source: Path
    manifest: dict[str, Any]
    paths: tuple[str, ...]  # every file, sorted
    _members: dict[str, Member] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_zip(self) -> bool:
        return self.source.is_file()

    def read(self, path: str, limit: int = MAX_TEXT_BYTES) -> bytes:
        """The file's bytes; BundleError when it is absent or larger than ``limit``."""
        if path not in self.paths:
            raise BundleError(f"{path} is not part of the bundle.")
        if self.is_zip:
            member = self._members[path]
            if member.info.file_size > limit:
                raise BundleError(f"{path} is too large to show ({member.info.file_size:,} bytes).")
            with open_zip(self.source) as archive:
                return b"".join(read_member(archive, member))
        target = self.source / path
        if target.stat().st_size > limit:
            raise BundleError(f"{path} is too large to show ({target.stat().st_size:,} bytes).")
        return target.read_bytes()

    def text(self, path: str) -> Optional[str]:
        """The file as UTF-8 text, or None when it is binary, not UTF-8, too large or absent."""
        try:
            data = self.read(path)
        except (BundleError, OSError):
            return None
        if b"\0" in data[:8192]:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def code_files(self) -> tuple[str, ...]:
        return tuple(p for p in self.paths if p.startswith("code/"))


def read_contents(path: Path | str) -> BundleContents:
    source = Path(path)
    if source.is_dir():
        paths = tuple(sorted(p.relative_to(source).as_posix() for p in source.rglob("*")
                             if p.is_file() and not p.is_symlink()))
        return BundleContents(source, read_manifest(source / MANIFEST_NAME), paths)
    if not source.is_file():
        raise BundleError(f"{source} does not exist. Choose a bundle folder or a .zip.")
    with open_zip(source) as archive:
        members = {m.path: m for m in checked_members(archive)}
        if MANIFEST_NAME not in members:
            raise BundleError(f"This is not a handoff bundle: {MANIFEST_NAME} is missing.")
        manifest_bytes = b"".join(read_member(archive, members[MANIFEST_NAME]))
    return BundleContents(source, _manifest_from_bytes(manifest_bytes), tuple(sorted(members)), members)


def _manifest_from_bytes(data: bytes) -> dict[str, Any]:
    """The same checks as ``reader.read_manifest``, on the member's bytes."""
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BundleError(f"{MANIFEST_NAME} cannot be read ({error}); the bundle is damaged.") from error
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        raise BundleError(f"{MANIFEST_NAME} has no file list; the bundle is damaged or not a handoff bundle.")
    return manifest


def lock_rows(text: str) -> tuple[LockRow, ...]:
    """The pinned distributions of a pip-compile style lockfile, with how many hashes each has."""
    from packaging.requirements import InvalidRequirement, Requirement

    rows: list[LockRow] = []
    for statement in _statements(text):
        parts = statement.split()
        hashes = sum(1 for part in parts if part.startswith("--hash="))
        spec = " ".join(part for part in parts if not part.startswith("--hash="))
        try:
            requirement = Requirement(spec)
        except InvalidRequirement:
            continue
        version = next((s.version for s in requirement.specifier if s.operator in ("==", "===")), str(requirement.specifier))
        rows.append(LockRow(requirement.name, version, hashes, str(requirement.marker or "")))
    return tuple(rows)


def _statements(text: str) -> list[str]:
    """Logical lines: continuations joined, comments and options (-i, --find-links, ...) left out."""
    statements, current = [], ""
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        if current.strip() and not current.lstrip().startswith("-"):
            statements.append(current.strip())
        current = ""
    return statements


@dataclass(frozen=True)
class BundleOverview:
    """What the bundle view shows first: the integrity verdict, then the contents (None when refused)."""

    source: Path
    integrity: VerificationResult
    contents: Optional[BundleContents]
    refused: str = ""  # why the bundle cannot be opened at all (unsafe archive, not a bundle)
    runbook: str = ""
    lock: tuple[LockRow, ...] = ()


def inspect_bundle(path: Path | str, progress: Optional[ProgressCallback] = None,
                   cancel: Optional[CancelToken] = None, trust: Optional[PublicKey] = None) -> BundleOverview:
    """Verify (requiring a signature by ``trust`` when given), then read the manifest, runbook and lock; an unsafe
    or unreadable bundle gives ``refused``."""
    report, token = ensure_progress(progress), ensure_cancel(cancel)
    source = Path(path)
    report(0, 2, f"Checking every file of {source.name} against SHA256SUMS and the manifest")
    integrity = verify_bundle(source, trust=trust)
    token.raise_if_cancelled()
    report(1, 2, "Reading the manifest, runbook and lock")
    try:
        contents = read_contents(source)
    except BundleError as error:
        return BundleOverview(source, integrity, None, refused=str(error))
    report(2, 2, "Opened")
    return BundleOverview(source, integrity, contents, runbook=contents.text(RUNBOOK_PATH) or "",
                          lock=lock_rows(contents.text(LOCK_PATH) or ""))
