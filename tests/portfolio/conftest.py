"""Bundles and project folders for portfolio tests.

``make_bundle`` writes a small bundle (manifest, runbook, SHA256SUMS; folder or zip) in the format of
bundle/manifest.py, read by the real bundle reader. Building real bundles takes a scan and a lock per
version, so only test_real_bundles.py does that.
"""
from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Optional

import pytest

from handoff_assistant.bundle.verification_record import (CheckResult, IntegrityResult, VerificationRecord, sums_digest,
                                                          write_record)
from handoff_assistant.outcome import FAILED as FAILED_CHECK, INCOMPLETE as INCOMPLETE_CHECK, PASSED as PASSED_CHECK
from handoff_assistant.portfolio.model import PROJECT_FOLDER, Record, SectionValue

RUNBOOK = b"# Runbook\n"
SECTIONS = ("code", "environment", "portability", "security", "testing", "operations")


def manifest(project: str, created_at: str, score: float, level: str, blockers: tuple[str, ...] = (),
             owner: str = "Ana Data", commit: str = "0123456789abcdef", section_scores: Optional[dict] = None,
             **extra: object) -> dict:
    """A manifest with the keys the portfolio reads; ``extra`` adds more (e.g. dependencies for a diff)."""
    scores = section_scores or {s: score for s in SECTIONS}
    weakest = min(scores, key=lambda s: scores[s])
    return extra | {
        "format": "handoff-bundle",
        "schema_version": 1,
        "tool_version": "0.1.0",
        "created_at": created_at,
        "project": {"name": project, "owner": {"name": owner, "email": "ana@example.com"}},
        "source": {"commit": commit, "dirty": False},
        "assessment": {"score": score, "level": level, "weakest_section": weakest, "blockers": list(blockers),
                       "sections": [{"id": s, "title": s.title(), "score": scores[s], "weight": 1.0}
                                    for s in SECTIONS],
                       "items": [{"id": f"{s}-item", "section": s, "title": f"{s.title()} item",
                                  "status": "pass" if scores[s] >= 80 else "fail", "note": ""} for s in SECTIONS]},
        "files": [{"path": "RUNBOOK.md", "size": len(RUNBOOK), "sha256": hashlib.sha256(RUNBOOK).hexdigest()}],
    }


def make_bundle(parent: Path, name: str, data: dict, as_zip: bool = True) -> Path:
    files = {"handoff-manifest.json": json.dumps(data, indent=2).encode(), "RUNBOOK.md": RUNBOOK}
    sums = "".join(f"{hashlib.sha256(body).hexdigest()}  {path}\n" for path, body in sorted(files.items()))
    files["SHA256SUMS"] = sums.encode()
    parent.mkdir(parents=True, exist_ok=True)
    if as_zip:
        target = parent / f"{name}.zip"
        with zipfile.ZipFile(target, "w") as archive:
            for path, body in sorted(files.items()):
                archive.writestr(path, body)
        return target
    target = parent / name
    target.mkdir()
    for path, body in files.items():
        (target / path).write_bytes(body)
    return target


def fixed_assessor(root: Path) -> Record:
    """Stands in for scan + assess of a project folder: the score is read from a file the test wrote."""
    score = float((root / "score.txt").read_text())
    return Record(path=str(root), kind=PROJECT_FOLDER, project=root.name, owner="Bo Lead",
                  version="working folder", created_at="2026-11-26T12:00:00+00:00", score=score,
                  level="Needs work", weakest_section="testing", blockers=(),
                  sections=tuple(SectionValue(s, s.title(), score) for s in SECTIONS))


def write_verification(bundle: Path, failed: tuple[str, ...] = (), integrity_ok: bool = True,
                       incomplete: tuple[str, ...] = ()) -> Path:
    """IT's verification.json beside ``bundle``, written by the bundle package (checks: environment, smoke)."""
    results = tuple(CheckResult(name, FAILED_CHECK if name in failed else
                                INCOMPLETE_CHECK if name in incomplete else PASSED_CHECK,
                                "no sample input" if name in incomplete else "")
                    for name in ("environment", "smoke"))
    record = VerificationRecord(
        bundle=bundle.name, project="", bundle_created_at="", by="it-ops", at="2026-11-02T08:00:00+00:00",
        machine="server-1", platform="Linux", integrity=IntegrityResult(integrity_ok, 2, () if integrity_ok else
                                                                        ("RUNBOOK.md: changed",)),
        results=results if integrity_ok else (), bundle_sums_sha256=sums_digest(bundle))
    return write_record(bundle, record)


@pytest.fixture
def landing(tmp_path) -> Path:
    return build_landing(tmp_path / "landing")


def build_landing(drop: Path) -> Path:
    """A shared drive: three bundles of churn, one of fraud (verified), a corrupt zip, a project folder."""
    make_bundle(drop / "churn", "churn-1", manifest("churn", "2026-10-01T09:00:00+00:00", 40, "Not ready",
                                                  blockers=("no-hardcoded-credentials", "owner-named"),
                                                  dependencies=_pandas("2.1.0")))
    make_bundle(drop / "churn", "churn-2", manifest("churn", "2026-10-15T09:00:00+00:00", 62, "Not ready",
                                                  blockers=("owner-named",), dependencies=_pandas("2.2.0")))
    make_bundle(drop / "churn", "churn-3", manifest("churn", "2026-11-20T09:00:00+00:00", 85, "Ready",
                                                  dependencies=_pandas("2.2.0")), as_zip=False)
    fraud = make_bundle(drop, "fraud-1", manifest("fraud", "2026-11-01T10:00:00+00:00", 70, "Needs work",
                                                  owner="Cy Model", section_scores={
                                                      "code": 90, "environment": 80, "portability": 75,
                                                      "security": 70, "testing": 30, "operations": 60}))
    write_verification(fraud, failed=())
    (drop / "broken.zip").write_bytes(b"PK\x03\x04 this is not a whole zip")
    project = drop / "projects" / "forecast"
    project.mkdir(parents=True)
    (project / "handoff.yaml").write_text("name: forecast\n")
    (project / "score.txt").write_text("55")
    assert fraud.exists()
    return drop


def _pandas(version: str) -> list[dict]:
    return [{"distribution": "pandas", "installed_version": version, "import_names": ["pandas"]}]
