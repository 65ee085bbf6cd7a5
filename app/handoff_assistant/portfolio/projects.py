"""A project folder (one with handoff.yaml) in the portfolio: scanned and assessed now, like ``handoff check``.

Scanning is read-only; the policy the lead passes (``--policy``) applies here. Bundles keep the
assessment recorded when they were built.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional

from handoff_assistant.portfolio.bundles import sections_from
from handoff_assistant.portfolio.model import PROJECT_FOLDER, ChecklistLine, Record
from handoff_assistant.readiness.model import Assessment, ProjectFile
from handoff_assistant.tasks import CancelToken, Cancelled

if TYPE_CHECKING:  # the scan package is imported only when a project folder is assessed
    from handoff_assistant.scan.report import ScanReport

ProjectAssessor = Callable[[Path], Record]


def default_project_assessor(policy: Optional[Any] = None, cancel: Optional[CancelToken] = None) -> ProjectAssessor:
    """Scan and assess with the readiness package; ``policy`` is what ``readiness.policy.load_policy`` returned.

    ``cancel`` reaches the scan, so stopping a portfolio refresh does not wait for a big project's scan.
    """

    def assess_folder(root: Path) -> Record:
        try:
            from handoff_assistant.readiness.assess import assess
            from handoff_assistant.readiness.policy import load_policy
            from handoff_assistant.readiness.project_file import load_project_file
            from handoff_assistant.scan import scan_project

            project = load_project_file(root) or ProjectFile(name=root.name)
            report = scan_project(root, cancel=cancel)
            assessment = assess(report, project, policy if policy is not None else load_policy())
        except Cancelled:
            raise
        except Exception as error:  # noqa: BLE001 - one broken project is one row with the reason
            return Record(path=str(root), kind=PROJECT_FOLDER, project=root.name,
                          error=f"cannot assess it: {str(error).strip() or type(error).__name__}")
        return record_from_assessment(root, project, report, assessment)

    return assess_folder


def record_from_assessment(root: Path, project: ProjectFile, report: "ScanReport", assessment: Assessment) -> Record:
    commit = (report.git.commit or "")[:10] if report.git and report.git.is_repo else ""
    dirty = bool(report.git and (report.git.dirty or report.git.untracked))
    return Record(
        path=str(root),
        kind=PROJECT_FOLDER,
        project=project.name or root.name,
        owner=project.owner.name if project.owner else "",
        version=f"working folder {commit}{' (dirty)' if commit and dirty else ''}".strip(),
        created_at=report.scanned_at,
        score=round(assessment.score, 1),
        level=assessment.level,
        weakest_section=assessment.weakest_section,
        blockers=tuple(assessment.blockers),
        sections=sections_from([{"id": s.id, "title": s.title, "score": s.score} for s in assessment.sections]),
        items=tuple(ChecklistLine(i.id, i.section, i.title, i.status, i.note) for i in assessment.items),
    )
