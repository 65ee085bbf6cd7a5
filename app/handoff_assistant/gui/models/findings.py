"""Findings grouped by category, worst severity first; suppressed findings stay visible with their reason."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from handoff_assistant.gui.icons import icon
from handoff_assistant.gui.models.tree import TwoLevelModel
from handoff_assistant.gui.theme import SEVERITY_COLOURS
from handoff_assistant.scan.report import CATEGORIES, SEVERITIES, Finding, location_text

CATEGORY_TITLES = {
    "secret": "Credentials in code", "path": "Hardcoded paths", "host": "Hardcoded hosts", "network": "Downloads at run time",
    "workdir": "Working-directory reliance", "notebook": "Notebook hygiene", "code": "Code", "data": "Data files",
}


@dataclass(frozen=True)
class FindingRow:
    finding: Finding
    suppressed_reason: Optional[str] = None

    @property
    def location(self) -> str:
        f = self.finding
        return location_text(f.file, f.line, f.cell)


@dataclass(frozen=True)
class FindingGroup:
    category: str
    worst: str
    count: int
    open_count: int
    by_severity: tuple[tuple[str, int], ...] = ()  # ("high", 10), ("low", 3), worst first

    @property
    def title(self) -> str:
        return CATEGORY_TITLES.get(self.category, self.category.title())


def group_findings(findings: Sequence[Finding], suppressions: Mapping[str, str]):
    by_category: dict[str, list[FindingRow]] = {}
    for finding in findings:
        by_category.setdefault(finding.category, []).append(
            FindingRow(finding, suppressions.get(finding.fingerprint) if finding.fingerprint else None))
    groups = []
    for category, rows in by_category.items():
        rows.sort(key=lambda r: (r.suppressed_reason is not None, _severity_rank(r.finding.severity),
                                 r.finding.file, r.finding.cell or 0, r.finding.line))
        worst = min((r.finding.severity for r in rows), key=_severity_rank)
        open_count = sum(1 for r in rows if r.suppressed_reason is None)
        counts = {s: sum(1 for r in rows if r.finding.severity == s) for s in SEVERITIES}
        by_severity = tuple((s, n) for s, n in counts.items() if n)
        groups.append((FindingGroup(category, worst, len(rows), open_count, by_severity), rows))
    groups.sort(key=lambda g: (g[0].open_count == 0, _severity_rank(g[0].worst), _category_rank(g[0].category)))
    return groups


def _severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def _category_rank(category: str) -> int:
    return CATEGORIES.index(category) if category in CATEGORIES else len(CATEGORIES)


class FindingsModel(TwoLevelModel):
    headers = ("Finding", "Severity", "Where", "Status")

    def set_findings(self, findings: Sequence[Finding], suppressions: Mapping[str, str]) -> None:
        self.set_groups(group_findings(findings, suppressions))

    def group_data(self, group: FindingGroup, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"{group.title} ({group.count})"
            if column == 1:
                return group.worst
            if column == 3:
                return "all explained" if group.open_count == 0 else f"{group.open_count} open"
        if role == Qt.ItemDataRole.ToolTipRole:
            counts = ", ".join(f"{n} {s}" for s, n in group.by_severity)
            return f"{group.title}: {counts}; {group.count - group.open_count} suppressed with a reason"
        if role == Qt.ItemDataRole.FontRole and column == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return icon("done") if group.open_count == 0 else icon("attention")
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return QColor(SEVERITY_COLOURS.get(group.worst, "#8a94a3"))
        return None

    def child_data(self, row: FindingRow, column: int, role: int) -> Any:
        f = row.finding
        if role == Qt.ItemDataRole.DisplayRole:
            return (f.message, f.severity, row.location,
                    f"suppressed: {row.suppressed_reason}" if row.suppressed_reason else "open")[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{f.message}\nWhere: {row.location}\nRule: {f.rule}\nHow to fix: {f.fix}"
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return QColor(SEVERITY_COLOURS.get(f.severity, "#8a94a3"))
        if role == Qt.ItemDataRole.DecorationRole and column == 0 and row.suppressed_reason:
            return icon("suppress")
        return None


@dataclass(frozen=True)
class FixTargets:
    fingerprints: tuple[str, ...]  # findings the fix engine takes
    explanation: str  # for the Fix… tooltip: what it would do, or why it cannot


def fix_targets(rows: Sequence[FindingRow], fixability: Mapping[str, Optional[str]]) -> FixTargets:
    """Which of ``rows`` to hand to the fix engine; ``fixability`` is ``gui.fixing.fixability`` of the report."""
    if not rows:
        return FixTargets((), "Select a finding or a group to fix it")
    reasons = {row.finding.fingerprint: fixability.get(row.finding.fingerprint, NO_FINGERPRINT) for row in rows}
    fixable = tuple(fp for fp, why in reasons.items() if why is None)
    if len(rows) == 1:
        why = reasons[rows[0].finding.fingerprint]
        return FixTargets(fixable, "Preview a fix: the value moves into configuration" if why is None
                          else f"Not fixable automatically: {why}")
    if not fixable:
        return FixTargets((), f"None of these {len(rows)} findings can be fixed automatically "
                              f"({next(iter(reasons.values()))})")
    return FixTargets(fixable, f"Preview a fix for {len(fixable)} of these {len(rows)} findings")


NO_FINGERPRINT = "the finding has no fingerprint to name it by"
