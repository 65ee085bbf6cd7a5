"""``verification.json``: what IT's run of a bundle's harness found, written beside the bundle.

This module is the one definition of that file. ``handoff verify --run-tests`` and the bundle view write it;
the portfolio reads it to show a bundle as verified or not. A bundle ``churn-20261120-090000-handoff.zip`` gets
``churn-20261120-090000-handoff.verification.json`` in the same folder (a bundle folder likewise), so several
bundles can land in one folder.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handoff_assistant.atomic_files import write_text_atomically
from handoff_assistant.bundle.options import BundleError
from handoff_assistant.serialization import to_jsonable

RECORD_FORMAT = "handoff-verification"
RECORD_SCHEMA_VERSION = 1
PASSED = "passed"
FAILED = "failed"
SKIPPED = "skipped"
STATUSES = (PASSED, FAILED, SKIPPED)


@dataclass(frozen=True)
class CheckResult:
    name: str  # "test_config.py::test_every_configuration_key_is_provided", or a preparation step
    status: str  # one of STATUSES
    message: str = ""  # why it failed or was skipped, as the check wrote it


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
    extra: dict[str, Any] = field(default_factory=dict, compare=False)  # keys a newer writer added

    @property
    def failed(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if r.status == FAILED)

    @property
    def passed(self) -> bool:
        """Integrity held, checks ran and none failed."""
        return self.integrity.ok and bool(self.results) and not self.failed

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


def record_path(bundle: Path | str) -> Path:
    """``X.zip`` → ``X.verification.json`` beside it; a folder ``X`` → ``X.verification.json`` beside it."""
    path = Path(bundle)
    stem = path.name[:-4] if path.name.lower().endswith(".zip") else path.name
    return path.parent / f"{stem}.verification.json"


def record_to_dict(record: VerificationRecord) -> dict[str, Any]:
    data = {key: value for key, value in to_jsonable(record).items() if key != "extra"}
    data["passed"] = record.passed
    data["summary"] = {status: record.count(status) for status in STATUSES}
    return {"format": data.pop("format"), "schema_version": data.pop("schema_version"), **data}


def record_from_dict(data: dict[str, Any]) -> VerificationRecord:
    """The record in ``data``; ValueError with the reason when it is not one."""
    if data.get("format") != RECORD_FORMAT:
        raise ValueError(f"it is not a {RECORD_FORMAT} record")
    try:
        integrity = data["integrity"]
        python = data.get("python")
        known = set(VerificationRecord.__dataclass_fields__) | {"passed", "summary"}
        return VerificationRecord(
            bundle=str(data["bundle"]), project=str(data.get("project", "")),
            bundle_created_at=str(data.get("bundle_created_at", "")), by=str(data.get("by", "")),
            at=str(data.get("at", "")), machine=str(data.get("machine", "")), platform=str(data.get("platform", "")),
            integrity=IntegrityResult(bool(integrity["ok"]), int(integrity.get("checked", 0)),
                                      tuple(integrity.get("differing", ())), tuple(integrity.get("problems", ()))),
            python=PythonUsed(**python) if python else None,
            results=tuple(CheckResult(str(r["name"]), str(r["status"]), str(r.get("message", "")))
                          for r in data.get("results", ())),
            schema_version=int(data.get("schema_version", RECORD_SCHEMA_VERSION)), workdir=str(data.get("workdir", "")),
            extra={k: v for k, v in data.items() if k not in known})
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"it is incomplete or malformed ({type(error).__name__}: {error})") from error


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
