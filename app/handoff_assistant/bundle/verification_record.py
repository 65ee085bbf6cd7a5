"""``verification.json``: what IT's run of a bundle's harness found, written beside the bundle.

This module is the one definition of that file. ``handoff verify --run-tests`` and the bundle view write it;
the portfolio reads it to show a bundle's outcome (passed, failed or incomplete; ``handoff_assistant.outcome``). A bundle ``churn-20261120-090000-handoff.zip`` gets
``churn-20261120-090000-handoff.verification.json`` in the same folder (a bundle folder likewise), so several
bundles can land in one folder.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handoff_assistant.atomic_files import write_text_atomically
from handoff_assistant.bundle.options import BundleError
from handoff_assistant.outcome import (CHECK_STATUSES, FAILED, INCOMPLETE, NOT_APPLICABLE, PASSED, Outcome,
                                       check_status, combine)
from handoff_assistant.serialization import to_jsonable

RECORD_FORMAT = "handoff-verification"
RECORD_SCHEMA_VERSION = 2  # 2: outcome passed|failed|incomplete with reasons, bundle_sums_sha256; 1 is still read
STATUSES = CHECK_STATUSES


@dataclass(frozen=True)
class CheckResult:
    name: str  # "test_config.py::test_every_configuration_key_is_provided", or a preparation step
    status: str  # one of CHECK_STATUSES (passed, failed, incomplete, n/a)
    message: str = ""  # why it failed, is incomplete or does not apply, as the check wrote it


@dataclass(frozen=True)
class PythonUsed:
    path: str
    version: str  # major.minor.micro of the interpreter that built the environment
    target: str  # major.minor the bundle was built for (env/python-version)
    matched: bool  # version starts with target
    note: str = ""  # a sentence when the target Python was not available


@dataclass(frozen=True)
class IntegrityResult:
    ok: bool
    checked: int
    differing: tuple[str, ...] = ()  # changed, missing or extra files, each with what is wrong
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class VerificationRecord:
    bundle: str  # the bundle's file or folder name
    project: str
    bundle_created_at: str
    by: str  # the account that ran the checks
    at: str  # ISO 8601 UTC, when the run finished
    machine: str  # host name
    platform: str  # e.g. "Linux-6.1-x86_64-with-glibc2.36"
    integrity: IntegrityResult
    python: PythonUsed | None = None  # None when nothing was run (integrity failed)
    results: tuple[CheckResult, ...] = ()
    format: str = RECORD_FORMAT
    schema_version: int = RECORD_SCHEMA_VERSION
    workdir: str = ""
    bundle_sums_sha256: str = ""  # SHA-256 of the bundle's SHA256SUMS: ties the record to one bundle's content
    extra: dict[str, Any] = field(default_factory=dict, compare=False)  # keys a newer writer added

    @property
    def outcome(self) -> Outcome:
        """failed when integrity failed or a check failed; incomplete when a check could not verify; else passed."""
        if not self.integrity.ok:
            return Outcome(FAILED, ("The bundle failed its integrity check, so nothing from it was run.",))
        return combine(((r.status, f"{r.name}: {summary_line(r.message) or r.status}") for r in self.results),
                       nothing_checked="No check ran.")

    @property
    def failed(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if r.status == FAILED)

    @property
    def passed(self) -> bool:
        """Only an all-passed verification is a pass."""
        return self.outcome.passed

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


def summary_line(text: str, limit: int = 300) -> str:
    """The message's first sentence; a first line that announces a list (ends with ':') keeps the list, on one
    line, so a reason names what is missing ("1 secret(s) are not set; …: MAIL_API_TOKEN")."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    if not lines[0].endswith(":") or len(lines) == 1:
        return lines[0]
    listed, items = [], lines[1:]
    for item in items:
        if item.endswith(":") or item.startswith("("):  # the next paragraph begins
            break
        listed.append(item.lstrip("-• "))
    joined = f"{lines[0]} {', '.join(listed)}"
    return joined if len(joined) <= limit else joined[:limit - 1] + "…"


def record_path(bundle: Path | str) -> Path:
    """``X.zip`` → ``X.verification.json`` beside it; a folder ``X`` → ``X.verification.json`` beside it."""
    path = Path(bundle)
    stem = path.name[:-4] if path.name.lower().endswith(".zip") else path.name
    return path.parent / f"{stem}.verification.json"


def record_to_dict(record: VerificationRecord) -> dict[str, Any]:
    data = {key: value for key, value in to_jsonable(record).items() if key != "extra"}
    outcome = record.outcome
    data["outcome"] = outcome.state
    data["reasons"] = list(outcome.reasons)
    data["passed"] = outcome.passed  # kept for readers of schema 1
    data["summary"] = {status: record.count(status) for status in CHECK_STATUSES}
    return {"format": data.pop("format"), "schema_version": data.pop("schema_version"), **data}


_DERIVED_KEYS = {"passed", "summary", "outcome", "reasons"}


def record_from_dict(data: dict[str, Any]) -> VerificationRecord:
    """The record in ``data``; ValueError with the reason when it is not one.

    Strict about types (``"ok": "false"`` is not a boolean, ``"PASSED!!"`` is not a status) and about the
    stored verdict: a record whose ``outcome``/``passed`` claims more than its own checks show is refused, so a
    hand-edited record never shows as passed. Schema 1 records (``passed: true/false``, ``skipped`` checks)
    are read; their skipped checks are what they were: incomplete.
    """
    if data.get("format") != RECORD_FORMAT:
        raise ValueError(f"it is not a {RECORD_FORMAT} record")
    try:
        version = _typed(data.get("schema_version", 1), int, "schema_version")
        integrity = _typed(data["integrity"], dict, "integrity")
        python = data.get("python")
        record = VerificationRecord(
            bundle=_typed(data["bundle"], str, "bundle"), project=_text(data, "project"),
            bundle_created_at=_text(data, "bundle_created_at"), by=_text(data, "by"), at=_text(data, "at"),
            machine=_text(data, "machine"), platform=_text(data, "platform"),
            integrity=IntegrityResult(_typed(integrity["ok"], bool, "integrity.ok"),
                                      _typed(integrity.get("checked", 0), int, "integrity.checked"),
                                      _texts(integrity.get("differing", []), "integrity.differing"),
                                      _texts(integrity.get("problems", []), "integrity.problems")),
            python=PythonUsed(**_typed(python, dict, "python")) if python else None,
            results=tuple(_check(r) for r in _typed(data.get("results", []), list, "results")),
            schema_version=version, workdir=_text(data, "workdir"),
            bundle_sums_sha256=_text(data, "bundle_sums_sha256"),
            extra={k: v for k, v in data.items() if k not in set(VerificationRecord.__dataclass_fields__)
                   | _DERIVED_KEYS})
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"it is incomplete or malformed ({type(error).__name__}: {error})") from error
    _check_claims(data, record)
    return record


def _typed(value: Any, kind: type, name: str) -> Any:
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError(f"{name} is {type(value).__name__} {value!r}, not {kind.__name__}")
    return value


def _text(data: dict[str, Any], key: str) -> str:
    return _typed(data.get(key, ""), str, key)


def _texts(values: Any, name: str) -> tuple[str, ...]:
    return tuple(_typed(v, str, name) for v in _typed(values, list, name))


def _check(item: Any) -> CheckResult:
    item = _typed(item, dict, "a result")
    return CheckResult(_typed(item["name"], str, "result name"), check_status(item["status"]),
                       _text(item, "message"))


def _check_claims(data: dict[str, Any], record: VerificationRecord) -> None:
    """A stored verdict must agree with the checks it summarises."""
    actual = record.outcome.state
    claimed = data.get("outcome")
    if claimed is not None and claimed != actual:
        raise ValueError(f"its outcome {claimed!r} disagrees with its checks, which give {actual!r}")
    passed = data.get("passed")
    # schema 1 counted a skipped check as passed, so its passed: true may stand for what is now incomplete
    tolerated = (PASSED, INCOMPLETE) if record.schema_version < 2 else (PASSED,)
    if passed is not None and (not isinstance(passed, bool) or (passed and actual not in tolerated)):
        raise ValueError(f"its passed value {passed!r} disagrees with its checks, which give {actual!r}")


def sums_digest(bundle: Path | str) -> str:
    """SHA-256 of the bundle's SHA256SUMS (which lists every file's hash): one value for the bundle's content.

    "" when the bundle or that file cannot be read; then no record can be tied to it.
    """
    from handoff_assistant.bundle.contents import read_contents  # heavy: not needed to read a record
    from handoff_assistant.bundle.manifest import SUMS_NAME

    try:
        return hashlib.sha256(read_contents(bundle).read(SUMS_NAME)).hexdigest()
    except (BundleError, OSError):
        return ""


def belongs_to(record: VerificationRecord, bundle: Path | str) -> bool:
    """Whether the record was made for this bundle's content (schema 1 records carry no digest: by name only)."""
    if not record.bundle_sums_sha256:
        return record.schema_version < 2
    return record.bundle_sums_sha256 == sums_digest(bundle)


def write_record(bundle: Path | str, record: VerificationRecord) -> Path:
    """Write the record beside the bundle (via a temporary file, so a reader never sees half of it)."""
    target = record_path(bundle)
    try:
        write_text_atomically(target, json.dumps(record_to_dict(record), indent=2, ensure_ascii=False) + "\n")
    except OSError as error:
        raise BundleError(f"The result could not be saved as {target} ({error.strerror or error}). Check that the "
                          "bundle's folder is writable, or copy the bundle to a folder you can write to.") from error
    return target


def read_record(path: Path | str) -> VerificationRecord:
    """The record in ``path``; BundleError with a sentence when it cannot be read or is not a record."""
    source = Path(path)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BundleError(f"{source.name} cannot be read ({error}).") from error
    if not isinstance(data, dict):
        raise BundleError(f"{source.name} does not hold a JSON object.")
    try:
        return record_from_dict(data)
    except ValueError as error:
        raise BundleError(f"{source.name} is not a verification record: {error}.") from error
