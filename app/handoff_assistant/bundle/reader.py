"""Open a bundle (folder or .zip) safely: ``open_bundle(path, extract_to=None) -> OpenedBundle``.

Every member of an archive is checked before anything is written: absolute paths, ``..``, links, special
files, duplicates, oversized members and archives with too many members are refused with
``UnsafeBundleError`` naming the member, so nothing can be written outside the chosen folder.
"""
from __future__ import annotations

import json
import re
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Iterator, Optional

from handoff_assistant.bundle.manifest import MANIFEST_NAME
from handoff_assistant.bundle.options import BundleError, UnsafeBundleError

MAX_MEMBER_BYTES = 2 * 1024 ** 3  # one wheel or data sample; a bigger member is a zip bomb or a mistake
MAX_TOTAL_BYTES = 8 * 1024 ** 3
MAX_MEMBERS = 50_000
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class Member:
    info: zipfile.ZipInfo
    path: str  # normalised posix path inside the bundle
    executable: bool


@dataclass(frozen=True)
class OpenedBundle:
    source: Path  # the folder or .zip that was opened
    root: Path  # the folder holding the bundle's files
    manifest: dict[str, Any]
    extracted: bool  # the files were extracted from a zip into ``root``
    temporary: bool  # ``root`` is a temporary folder that ``close()`` removes

    def close(self) -> None:
        if self.temporary:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "OpenedBundle":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def checked_members(archive: zipfile.ZipFile) -> list[Member]:
    """The archive's file members, or UnsafeBundleError for the first one that is not safe to extract."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise UnsafeBundleError(infos[MAX_MEMBERS].filename, f"is past the limit of {MAX_MEMBERS} members")
    members, seen, total = [], set(), 0
    for info in infos:
        path = _safe_path(info.filename)
        mode = info.external_attr >> 16
        kind = stat.S_IFMT(mode)
        if kind == stat.S_IFLNK:
            raise UnsafeBundleError(info.filename, "is a symbolic link")
        if info.is_dir() or kind == stat.S_IFDIR:
            continue
        if kind not in (0, stat.S_IFREG):
            raise UnsafeBundleError(info.filename, "is not a regular file")
        if path in seen:
            raise UnsafeBundleError(info.filename, "appears twice")
        if info.file_size > MAX_MEMBER_BYTES:
            raise UnsafeBundleError(info.filename, f"is larger than {MAX_MEMBER_BYTES // 1024 ** 3} GiB")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise UnsafeBundleError(info.filename, f"takes the archive past {MAX_TOTAL_BYTES // 1024 ** 3} GiB")
        seen.add(path)
        members.append(Member(info, path, bool(mode & 0o111)))
    folders = {"/".join(m.path.split("/")[:i]) for m in members for i in range(1, m.path.count("/") + 1)}
    clash = next((m for m in members if m.path in folders), None)
    if clash is not None:
        raise UnsafeBundleError(clash.info.filename, "is both a file and a folder in the archive")
    return members


def _safe_path(name: str) -> str:
    if "\0" in name:
        raise UnsafeBundleError(name, "has a NUL byte in its name")
    text = name.replace("\\", "/")
    if text.startswith("/") or _DRIVE.match(text):
        raise UnsafeBundleError(name, "is an absolute path")
    parts = [part for part in PurePosixPath(text).parts if part not in ("", ".")]
    if ".." in parts:
        raise UnsafeBundleError(name, "leaves the bundle folder (..)")
    if not parts:
        raise UnsafeBundleError(name, "has an empty name")
    return "/".join(parts)


def open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise BundleError(f"{path} is not a readable zip archive ({error}).") from error


def read_member(archive: zipfile.ZipFile, member: Member) -> Iterator[bytes]:
    """The member's bytes in blocks (zipfile stops at the declared size and checks the CRC)."""
    try:
        with archive.open(member.info) as handle:
            yield from iter(lambda: handle.read(1024 * 1024), b"")
    except (zipfile.BadZipFile, OSError) as error:
        raise BundleError(f"The member {member.path} of the bundle is damaged ({error}).") from error


def open_bundle(path: Path | str, extract_to: Optional[Path | str] = None) -> OpenedBundle:
    """A bundle folder as it is, or a zip extracted (after every member passed the checks)."""
    source = Path(path)
    if source.is_dir():
        return OpenedBundle(source, source, read_manifest(source / MANIFEST_NAME), False, False)
    if not source.is_file():
        raise BundleError(f"{source} does not exist. Choose a bundle folder or a .zip.")
    with open_zip(source) as archive:
        members = checked_members(archive)
        root, temporary = _extraction_folder(extract_to)
        try:
            for member in members:
                _extract(archive, member, root)
            return OpenedBundle(source, root, read_manifest(root / MANIFEST_NAME), True, temporary)
        except OSError as error:  # a full disk, a quota, a read-only or vanished folder
            remove_partial(root, whole=temporary)
            where = f": {error.filename}" if error.filename else ""
            raise BundleError(f"The bundle could not be extracted into {root} ({error.strerror or error}{where}); "
                              "what was extracted was removed.") from error
        except BaseException:
            remove_partial(root, whole=temporary)
            raise


def remove_partial(root: Path, whole: bool) -> None:
    """Remove what a failed extraction or copy wrote into a folder that was new or empty before, so all of its
    content is ours; with ``whole``, the folder too (it was made for this)."""
    if whole:
        shutil.rmtree(root, ignore_errors=True)
        return
    for child in list(root.iterdir()) if root.is_dir() else ():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _extraction_folder(extract_to: Optional[Path | str]) -> tuple[Path, bool]:
    root = Path(extract_to) if extract_to is not None else Path(tempfile.gettempdir())
    try:
        if extract_to is None:
            return Path(tempfile.mkdtemp(prefix="handoff-bundle-")), True
        if root.exists() and any(root.iterdir()):
            raise BundleError(f"{root} is not empty. Choose an empty folder to open the bundle into.")
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BundleError(f"Cannot open the bundle into {root} ({error.strerror or error}). Choose another "
                          "folder.") from error
    return root, False


def _extract(archive: zipfile.ZipFile, member: Member, root: Path) -> None:
    target = root / member.path
    if not target.resolve().is_relative_to(root.resolve()):
        raise UnsafeBundleError(member.info.filename, "leaves the bundle folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as handle:
        for block in read_member(archive, member):
            handle.write(block)
    target.chmod(0o755 if member.executable else 0o644)


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BundleError(f"This is not a handoff bundle: {MANIFEST_NAME} is missing.") from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BundleError(f"{MANIFEST_NAME} cannot be read ({error}); the bundle is damaged.") from error
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        raise BundleError(f"{MANIFEST_NAME} has no file list; the bundle is damaged or not a handoff bundle.")
    return data
