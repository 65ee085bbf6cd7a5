"""The readiness report: one self-contained HTML file (inline CSS and SVG, no external assets) that prints well.

Shared by ``handoff check --format html``, the GUI's export and the bundle's report.html.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from handoff_assistant.assets import resource_path
from handoff_assistant.formatting import printable_text
from handoff_assistant.readiness.model import (ATTESTED, FAIL, NEEDS_WORK, NOT_APPLICABLE, NOT_READY, PASS, READY,
                                               UNKNOWN, Assessment, ItemResult, ProjectFile)
from handoff_assistant.scan.report import SEVERITIES, Finding, ScanReport, shown_report

STATUS_LABELS = {PASS: "Pass", ATTESTED: "Attested", FAIL: "Fail", NOT_APPLICABLE: "N/A", UNKNOWN: "Unknown"}
LEVEL_CLASSES = {READY: "ready", NEEDS_WORK: "needs-work", NOT_READY: "not-ready"}
# Items in each section: failures first, then unknown, attested, passed, not applicable.
STATUS_ORDER = {FAIL: 0, UNKNOWN: 1, ATTESTED: 2, PASS: 3, NOT_APPLICABLE: 4}


@dataclass(frozen=True)
class SectionView:
    id: str
    title: str
    score: Optional[float]
    counts: str  # "2 fail · 4 pass"
    items: tuple[ItemResult, ...]
    weakest: bool


@dataclass(frozen=True)
class FindingView:
    finding: Finding
    suppressed_reason: Optional[str]


def render_readiness_html(report: ScanReport, assessment: Assessment, project: Optional[ProjectFile]) -> str:
    project = project or ProjectFile()
    report = shown_report(report)  # file names as every output shows them (a secret in a name masked)
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        assessment=assessment,
        project=project,
        title=project.name or Path(report.root).name,
        level_class=LEVEL_CLASSES.get(assessment.level, "needs-work"),
        sections=_sections(assessment),
        blockers=[i for i in assessment.items if i.id in assessment.blockers],
        findings=_findings(report, project),
        severity_summary=_severity_summary(report.findings),
        status_labels=STATUS_LABELS,
        status_totals=Counter(i.status for i in assessment.items),
        weakest_title=next((s.title for s in assessment.sections if s.id == assessment.weakest_section), None),
    )


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(str(resource_path("templates"))),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_printable,  # every {{ }}: a file name's bytes that were not UTF-8 cannot be written as UTF-8
    )
    environment.filters["score"] = lambda value: "n/a" if value is None else f"{value:.0f}"
    environment.filters["short_commit"] = lambda commit: (commit or "")[:12]
    return environment


def _printable(value: object) -> object:
    """Strings with undecodable name bytes as ``\xff``; markup the template already made stays markup."""
    if isinstance(value, Markup):
        return Markup(printable_text(str(value)))
    return printable_text(value) if isinstance(value, str) else value


def _sections(assessment: Assessment) -> list[SectionView]:
    views = []
    for section in assessment.sections:
        items = sorted((i for i in assessment.items if i.section == section.id),
                       key=lambda i: (STATUS_ORDER[i.status], -i.weight))
        counts = Counter(i.status for i in items)
        summary = " · ".join(f"{counts[s]} {STATUS_LABELS[s].lower()}" for s in STATUS_ORDER if counts[s])
        views.append(SectionView(section.id, section.title, section.score, summary, tuple(items),
                                 section.id == assessment.weakest_section))
    return views


def _severity_summary(findings: tuple[Finding, ...]) -> str:
    counts = Counter(f.severity for f in findings)
    return " · ".join(f"{counts[s]} {s}" for s in SEVERITIES if counts[s])


def _findings(report: ScanReport, project: ProjectFile) -> list[FindingView]:
    return [FindingView(f, project.suppressions.get(f.fingerprint)) for f in report.findings]
