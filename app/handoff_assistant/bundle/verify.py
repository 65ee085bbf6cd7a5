"""``verify_bundle(path) -> VerificationResult``: every file against SHA256SUMS, and the manifest against both.

A zip is checked in place (nothing is extracted); an archive member that is not safe fails verification.
In a folder every file that SHA256SUMS does not list is an extra file and fails verification: a planted
``__pycache__/*.pyc`` runs on import and a planted ``.venv/**/*.pth`` when the environment starts, so nothing is
skipped. Verify a folder before setting it up (or verify the zip IT was given). The one exception is a
required input (manifest ``inputs``, ``travels: false``) placed at ``code/<path>``: accepted when its SHA-256 is
the recorded one, named when it differs (a failure) or is missing (a note). ``SHA256SUMS.minisig``, the
signature of SHA256SUMS, is checked against the key given as ``trust`` (see bundle/signature.py).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional

from handoff_assistant.bundle.data_inputs import required_inputs
from handoff_assistant.bundle.manifest import MANIFEST_NAME, SUMS_NAME, parse_sums
from handoff_assistant.bundle.options import BundleError, UnsafeBundleError
from handoff_assistant.bundle.reader import checked_members, open_zip, read_member
from handoff_assistant.bundle.signature import SIGNATURE_NAME, check_signature
from handoff_assistant.bundle.snapshot import sha256_file
from handoff_assistant.signing import PublicKey


@dataclass(frozen=True)
class VerificationResult:
    path: str
    ok: bool
    checked: int  # files whose hash matched
    mismatched: tuple[str, ...] = ()  # content differs from SHA256SUMS
    missing: tuple[str, ...] = ()  # listed but absent
    extra: tuple[str, ...] = ()  # present but listed nowhere
    problems: tuple[str, ...] = ()  # sentences: unsafe member, manifest and SHA256SUMS disagree, unreadable
    project: str = ""
    created_at: str = ""
    level: str = ""
    hashes: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)  # every file as found
    inputs_missing: tuple[str, ...] = ()  # required inputs (manifest "inputs", travels: false) not placed yet
    inputs_different: tuple[str, ...] = ()  # placed where the manifest says, but with another SHA-256
    signature: str = ""  # what SHA256SUMS.minisig says ("" when unsigned and no signature was required)
    signature_state: str = "unsigned"  # bundle.signature: unsigned, trusted, unchecked, other key or invalid
    signer: str = ""  # the key id the signature names ("" when unsigned or unreadable)

    def differing_files(self) -> tuple[str, ...]:
        """Each file that fails the check, with what is wrong."""
        return (tuple(f"{p}: content differs from SHA256SUMS" for p in self.mismatched)
                + tuple(f"{p}: missing" for p in self.missing)
                + tuple(f"{p}: not part of the bundle" for p in self.extra)
                + tuple(f"{p}: a required input whose SHA-256 differs from the manifest" for p in self.inputs_different))

    def differing_lines(self) -> tuple[str, ...]:
        """Each file that fails the check, then each other problem."""
        return self.differing_files() + self.problems


def verify_bundle(path: Path | str, recreated: tuple[str, ...] = (),
                  trust: Optional[PublicKey] = None) -> VerificationResult:
    """``recreated``: top-level folders of a bundle folder that the caller empties before use (the harness's
    ``.venv``, made again with ``venv --clear``), so what they hold cannot run; nothing else is ever skipped.
    ``trust``: the public key whose signature of SHA256SUMS (``SHA256SUMS.minisig``) is required."""
    source = Path(path)
    try:
        actual = _zip_hashes(source) if source.is_file() else _folder_hashes(source, recreated)
    except UnsafeBundleError as error:
        return VerificationResult(str(source), False, 0, problems=(str(error),))
    except BundleError as error:
        return VerificationResult(str(source), False, 0, problems=(str(error),))
    result = _compare(str(source), actual)
    signed = check_signature(actual.sums_bytes, actual.signature_text, trust)
    return dataclasses.replace(result, ok=result.ok and not signed.problem, signature=signed.sentence,
                               signature_state=signed.state, signer=signed.signer,
                               problems=result.problems + ((signed.problem,) if signed.problem else ()))


@dataclass(frozen=True)
class _Contents:
    hashes: dict[str, str]
    sums_text: Optional[str]
    manifest_text: Optional[str]
    links: tuple[str, ...] = ()
    sums_bytes: Optional[bytes] = None
    signature_text: Optional[str] = None


def _zip_hashes(source: Path) -> _Contents:
    hashes, texts = {}, {}
    with open_zip(source) as archive:
        for member in checked_members(archive):
            digest = hashlib.sha256()
            data = bytearray() if member.path in (SUMS_NAME, MANIFEST_NAME, SIGNATURE_NAME) else None
            for block in read_member(archive, member):
                digest.update(block)
                if data is not None:
                    data += block
            hashes[member.path] = digest.hexdigest()
            if data is not None:
                texts[member.path] = bytes(data)
    text = {name: data.decode("utf-8", "replace") for name, data in texts.items()}
    return _Contents(hashes, text.get(SUMS_NAME), text.get(MANIFEST_NAME), (), texts.get(SUMS_NAME),
                     text.get(SIGNATURE_NAME))


def _folder_hashes(source: Path, recreated: tuple[str, ...]) -> _Contents:
    if not source.is_dir():
        raise BundleError(f"{source} does not exist. Choose a bundle folder or a .zip.")
    hashes, links = {}, []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source).as_posix()
        if relative.split("/", 1)[0] in recreated and not (source / relative.split("/", 1)[0]).is_symlink():
            continue
        if path.is_symlink():
            links.append(relative)
        elif path.is_file():
            hashes[relative] = sha256_file(path)
    sums = source / SUMS_NAME
    return _Contents(hashes, _text(sums), _text(source / MANIFEST_NAME), tuple(links),
                     sums.read_bytes() if sums.is_file() else None, _text(source / SIGNATURE_NAME))


def _text(path: Path) -> Optional[str]:
    return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None


def _compare(where: str, contents: _Contents) -> VerificationResult:
    problems = [f"{link} is a symbolic link; a bundle has none" for link in contents.links]
    if contents.sums_text is None:
        problems.append(f"{SUMS_NAME} is missing, so no file can be checked")
    sums = parse_sums(contents.sums_text or "")
    manifest, manifest_problem = _manifest(contents.manifest_text)
    if manifest_problem:
        problems.append(manifest_problem)
    hashes = contents.hashes
    mismatched = sorted(p for p, digest in sums.items() if p in hashes and hashes[p] != digest)
    missing = sorted(p for p in sums if p not in hashes)
    required = required_inputs(manifest)  # IT places these where the manifest says; their hash must match
    inputs_different = sorted(p for p, digest in required.items() if p in hashes and hashes[p] != digest)
    inputs_missing = sorted(p for p in required if p not in hashes)
    extra = sorted(p for p in hashes if p not in sums and p not in (SUMS_NAME, SIGNATURE_NAME) and p not in required)
    if contents.sums_text is not None and MANIFEST_NAME not in sums:
        problems.append(f"{SUMS_NAME} does not list {MANIFEST_NAME}")
    listed = {entry.get("path"): entry.get("sha256") for entry in (manifest or {}).get("files", [])
              if isinstance(entry, dict)}
    problems += [f"{p} is in the manifest but not in {SUMS_NAME}" for p in sorted(listed) if p not in sums]
    problems += [f"the manifest and {SUMS_NAME} disagree on {p}" for p in sorted(listed)
                 if p in sums and sums[p] != listed[p]]
    problems += [f"{p} is in {SUMS_NAME} but not in the manifest" for p in sorted(sums)
                 if p not in listed and p != MANIFEST_NAME]
    checked = sum(1 for p, digest in sums.items() if hashes.get(p) == digest)
    ok = not (mismatched or missing or extra or problems or inputs_different)
    project = manifest or {}
    return VerificationResult(where, ok, checked, tuple(mismatched), tuple(missing), tuple(extra), tuple(problems),
                              str((project.get("project") or {}).get("name") or ""), str(project.get("created_at", "")),
                              str((project.get("assessment") or {}).get("level", "")), dict(hashes),
                              tuple(inputs_missing), tuple(inputs_different))


def _manifest(text: Optional[str]) -> tuple[Optional[dict[str, Any]], Optional[str]]:
    if text is None:
        return None, f"{MANIFEST_NAME} is missing"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return None, f"{MANIFEST_NAME} is not valid JSON ({error})"
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        return None, f"{MANIFEST_NAME} has no file list"
    return data, None
