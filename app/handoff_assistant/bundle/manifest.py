"""handoff-manifest.json and SHA256SUMS: what the bundle is, and the hash of every file in it.

The manifest is also the harness's and the run script's source of truth (entry points, configuration keys,
locked distributions), so IT's checks test exactly what the data scientist handed over.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

from handoff_assistant.bundle.config_templates import BundleConfigKey
from handoff_assistant.bundle.data_inputs import DataInput
from handoff_assistant.bundle.entry_points import BundleEntryPoint, SampleCopy
from handoff_assistant.bundle.environment_plan import EnvironmentPlan
from handoff_assistant.bundle.lock import LockResult
from handoff_assistant.bundle.snapshot import SnapshotPlan, sha256_file
from handoff_assistant.readiness.model import Assessment, ProjectFile
from handoff_assistant.scan.findings.downloads import download_hosts
from handoff_assistant.scan.findings.masking import mask_secrets
from handoff_assistant.scan.report import (SEVERITIES, UNKNOWN, USED_DECLARED, USED_UNDECLARED, ScanReport, shown_path,
                                           shown_report)
from handoff_assistant.serialization import to_jsonable

MANIFEST_NAME = "handoff-manifest.json"
SUMS_NAME = "SHA256SUMS"
FORMAT = "handoff-bundle"
SCHEMA_VERSION = 1
NETWORK_PORT = 443  # the harness checks each download host is reachable on this port (HTTPS)
CONSISTENCY = {"relative": 1e-6, "absolute": 1e-9}  # numeric tolerance of the output comparison


@dataclass(frozen=True)
class FileRecord:
    path: str  # posix, relative to the bundle root
    size: int
    sha256: str


@dataclass(frozen=True)
class ManifestParts:
    """Everything the manifest says beyond the file list (assembled by the writer)."""

    tool_version: str
    created_at: str
    report: ScanReport
    project: ProjectFile
    assessment: Assessment
    lock: LockResult
    python_version: str  # major.minor written to env/python-version
    target_platform: str
    with_wheels: bool
    snapshot: SnapshotPlan
    entry_points: tuple[BundleEntryPoint, ...]
    samples: tuple[SampleCopy, ...]
    config_keys: tuple[BundleConfigKey, ...]
    not_ready_reason: Optional[str]
    warnings: tuple[str, ...]
    inputs: tuple[DataInput, ...] = ()
    environment: Optional[EnvironmentPlan] = None  # target Python, groups, R, system packages, accelerator
    service_account: str = ""
    install_dir: str = ""  # HANDOFF_HOME of the units and the container


def environment_statement(lock: LockResult) -> str:
    if lock.hashed:
        return (f"Locked with {lock.engine}: every distribution is pinned with its SHA-256 hashes; install with "
                "pip install --require-hashes -r env/requirements.txt.")
    return ("Pinned from the data scientist's environment (engine installed) WITHOUT HASHES: no package index "
            "was used, so pip cannot check that the files it downloads are the ones that were tested.")


def imports_to_check(report: ScanReport, development: Iterable[str] = ()) -> tuple[str, ...]:
    """Import names the harness imports: used third-party imports (unknown ones too), not optional ones, and not
    those of development-only distributions (they are not installed in production)."""
    skipped = set(development)
    names = {name for dep in report.dependencies if dep.status in (USED_DECLARED, USED_UNDECLARED, UNKNOWN)
             and not dep.optional and not (dep.distribution and dep.distribution in skipped)
             for name in dep.import_names}
    return tuple(sorted(names))


def manifest_data(parts: ManifestParts, files: Iterable[FileRecord]) -> dict[str, Any]:
    project, assessment, lock = parts.project, parts.assessment, parts.lock
    report = shown_report(parts.report)  # file names as every output shows them (a secret in a name masked)
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "tool_version": parts.tool_version,
        "created_at": parts.created_at,
        "project": {"name": project.name, "summary": project.summary, "owner": to_jsonable(project.owner),
                    "contacts": to_jsonable(project.contacts), "tier": project.tier,
                    "system_packages": list(project.system_packages)},
        "source": {"is_git": report.git.is_repo, "commit": report.git.commit, "branch": report.git.branch,
                   "dirty": bool(report.git.dirty or report.git.untracked), "dirty_files": list(report.git.dirty),
                   "untracked_files": list(report.git.untracked), "remote": report.git.remote,
                   "listing": report.files.listing},
        "target": {"python_version": report.target.python_version, "platform": report.target.platform,
                   "machine": report.target.machine},
        "not_ready_reason": parts.not_ready_reason,
        "assessment": {"score": assessment.score, "level": assessment.level, "policy": assessment.policy,
                       "weakest_section": assessment.weakest_section,
                       "sections": to_jsonable(assessment.sections), "blockers": list(assessment.blockers),
                       "items": [{"id": i.id, "section": i.section, "title": i.title, "status": i.status,
                                  "note": i.note} for i in assessment.items],
                       "attestations": to_jsonable(project.attestations)},
        "languages": to_jsonable(report.languages),
        "dependencies": [{"distribution": d.distribution, "import_names": list(d.import_names), "status": d.status,
                          "declared_spec": d.declared_spec, "installed_version": d.installed_version,
                          "optional": d.optional, "marker": d.marker} for d in report.dependencies],
        "r_packages": [{"name": r.name, "version": r.version, "base": r.base, "declared": bool(r.declared_in)}
                       for r in report.r_packages],
        "findings_summary": findings_summary(report, project.suppressions),
        "findings": findings_list(report, project.suppressions),
        "environment": {
            "engine": lock.engine, "hashed": lock.hashed, "statement": environment_statement(lock),
            "python_version": parts.python_version, "platform": parts.target_platform, "wheels": parts.with_wheels,
            "locked": to_jsonable(lock.locked), "unlocked": to_jsonable(lock.unlocked),
            "imports": list(imports_to_check(report, parts.environment.development_names() if parts.environment
                                                     else ())),
            **_environment_extras(parts),
        },
        "r_environment": parts.environment.r.to_manifest() if parts.environment else None,
        "system_packages": parts.environment.system.to_manifest() if parts.environment else None,
        "service": {"account": parts.service_account or None, "home": parts.install_dir or None,
                    "output": f"{parts.install_dir}/output" if parts.install_dir else None},
        "entry_points": to_jsonable(parts.entry_points),
        "config_keys": to_jsonable(parts.config_keys),
        "consistency": CONSISTENCY,
        "snapshot": {"files": len(parts.snapshot.files),
                     "secret_files_left_behind": [shown_path(p) for p in parts.snapshot.secret_files],
                     "links_left_behind": [shown_path(p) for p in parts.snapshot.links],
                     "temporary_files_left_behind": [shown_path(p) for p in parts.snapshot.temporary],
                     "data_references": [{**reference, "path": shown_path(reference["path"])}
                                         for reference in to_jsonable(parts.snapshot.data_references)],
                     "samples": to_jsonable(parts.samples)},
        "inputs": to_jsonable(parts.inputs),
        "network": {"hosts": list(download_hosts(f for f in report.findings if f.fingerprint not in
                                                 project.suppressions)), "port": NETWORK_PORT},
        "warnings": list(parts.warnings),
        "files": to_jsonable(tuple(files)),
    }


def _environment_extras(parts: ManifestParts) -> dict[str, Any]:
    """The target Python with its sources, the groups, and the accelerator notes (when the writer planned them)."""
    plan = parts.environment
    if plan is None:
        return {"target_python": None, "groups": None, "development_requirements": None, "runner": None,
                "accelerator": []}
    return {"target_python": plan.python.to_manifest(parts.lock.engine), "groups": plan.groups_manifest(),
            "development_requirements": "env/requirements-dev.txt", "runner": plan.runner.to_manifest(),
            "accelerator": [note.to_manifest() for note in plan.accelerator_notes]}


def findings_summary(report: ScanReport, suppressions: dict[str, str]) -> dict[str, Any]:
    open_findings = [f for f in report.findings if f.fingerprint not in suppressions]
    severity = Counter(f.severity for f in open_findings)
    return {"total": len(open_findings), "suppressed": len(report.findings) - len(open_findings),
            "by_severity": {s: severity[s] for s in SEVERITIES if severity[s]},
            "by_category": dict(sorted(Counter(f.category for f in open_findings).items()))}


def findings_list(report: ScanReport, suppressions: dict[str, str]) -> list[dict[str, Any]]:
    """Every finding, open or suppressed (with the reason), so ``handoff diff`` can match them by fingerprint.

    Snippets come masked from the scan; they are masked again here because the manifest travels to people who
    must never see a secret value, whichever detector produced the snippet.
    """
    ordered = sorted(report.findings, key=lambda f: (f.file, -1 if f.cell is None else f.cell, f.line, f.rule))
    return [{"fingerprint": f.fingerprint, "rule": f.rule, "category": f.category, "severity": f.severity,
             "file": f.file, "line": f.line, "cell": f.cell, "message": mask_secrets(f.message),
             "snippet": mask_secrets(f.snippet), "suppressed": suppressions.get(f.fingerprint)} for f in ordered]


def record_files(root: Path, exclude: Iterable[str] = (MANIFEST_NAME, SUMS_NAME)) -> tuple[FileRecord, ...]:
    """Every file under ``root`` (sorted by path) with its size and SHA-256."""
    skipped = set(exclude)
    records = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        if relative not in skipped:
            records.append(FileRecord(relative, path.stat().st_size, sha256_file(path)))
    return tuple(sorted(records, key=lambda r: r.path))


def manifest_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def sums_text(records: Iterable[FileRecord]) -> str:
    """``sha256sum -c`` format: the hash, two spaces, the path."""
    return "".join(f"{r.sha256}  {r.path}\n" for r in sorted(records, key=lambda r: r.path))


def parse_sums(text: str) -> dict[str, str]:
    sums = {}
    for line in text.splitlines():
        if line.strip():
            digest, _, path = line.partition("  ")
            sums[path.lstrip("*")] = digest.strip()
    return sums
