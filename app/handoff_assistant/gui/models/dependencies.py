"""Python dependencies and R packages as tables (the unknown imports a user resolved are shown as such)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt

from handoff_assistant.gui.icons import icon
from handoff_assistant.gui.models.base import Column, RowTableModel, SORT_ROLE, where
from handoff_assistant.scan.report import (DECLARED_UNUSED, UNKNOWN, USED_DECLARED, USED_UNDECLARED, Dependency,
                                           RPackage)

STATUS_TEXT = {
    USED_DECLARED: "used and declared",
    USED_UNDECLARED: "used, not declared",
    DECLARED_UNUSED: "declared, not used",
    UNKNOWN: "unknown — choose its distribution",
}
STATUS_ORDER = {UNKNOWN: 0, USED_UNDECLARED: 1, DECLARED_UNUSED: 2, USED_DECLARED: 3}


@dataclass(frozen=True)
class DependencyRow:
    dependency: Dependency
    resolution: Optional[str] = None  # distribution the user chose in handoff.yaml for an unknown import

    @property
    def needs_attention(self) -> bool:
        return self.dependency.status == UNKNOWN and not self.resolution or self.dependency.status == USED_UNDECLARED

    @property
    def pending_suggestion(self) -> Optional[str]:
        """The knowledge base's pick for an unknown import nobody has resolved yet (one click accepts it)."""
        dep = self.dependency
        return dep.suggestion if dep.status == UNKNOWN and dep.suggestion and not self.resolution else None

    @property
    def status_text(self) -> str:
        if self.resolution and self.dependency.status == UNKNOWN:
            return "resolved in handoff.yaml"
        if self.pending_suggestion:
            return "unknown — suggestion to accept"
        return STATUS_TEXT.get(self.dependency.status, self.dependency.status)

    @property
    def distribution_text(self) -> str:
        dep = self.dependency
        if dep.distribution:
            return dep.distribution
        if self.resolution:
            return self.resolution
        if self.pending_suggestion:
            return f"{self.pending_suggestion}? (suggested)"
        if dep.resolved_by == "suggested":
            return f"? ({len(dep.candidates)} candidates)"
        return " or ".join(dep.candidates) if dep.candidates else "?"


def dependency_rows(dependencies: Sequence[Dependency], resolutions: Mapping[str, str]) -> list[DependencyRow]:
    return [DependencyRow(dep, _resolution(dep, resolutions)) for dep in dependencies]


def _resolution(dep: Dependency, resolutions: Mapping[str, str]) -> Optional[str]:
    return next((resolutions[name] for name in dep.import_names if name in resolutions), None)


def _distribution_tooltip(row: DependencyRow) -> Optional[str]:
    dep = row.dependency
    if dep.resolved_by == "suggested" and not row.resolution:
        first = "Suggested" if dep.suggestion else "No clear pick"
        shown = ", ".join(dep.candidates[:8]) + (" …" if len(dep.candidates) > 8 else "")
        return (f"{first} by the knowledge base (PyPI wheels, via pigar). Candidates, best first: {shown}.\n"
                "It enters the lock only once you accept it (saved under resolutions in handoff.yaml).")
    return f"Found via {dep.resolved_by}" if dep.resolved_by else None


def _status_icon(row: DependencyRow):
    return icon("attention") if row.needs_attention else icon("done")


def _used_in(dep: Dependency, limit: int = 3) -> str:
    if dep.sources:
        return where(dep.sources, limit)
    if dep.pip_installed_in:
        return "pip install in " + where(dep.pip_installed_in, limit)
    return "—"


class DependencyModel(RowTableModel):
    columns = (
        Column("Import", lambda r: ", ".join(r.dependency.import_names) or "—",
               tooltip=lambda r: "Imported as " + (", ".join(r.dependency.import_names) or "nothing (declared only)")),
        Column("Distribution", lambda r: r.distribution_text, tooltip=_distribution_tooltip),
        Column("Declared", lambda r: r.dependency.declared_spec or ("yes" if r.dependency.declared_in else "—"),
               tooltip=lambda r: "\n".join(r.dependency.declared_in) or "Not in any requirements file"),
        Column("Installed", lambda r: r.dependency.installed_version or "—",
               tooltip=lambda r: "Version in the target interpreter"),
        Column("Status", lambda r: r.status_text + (" (optional)" if r.dependency.optional else ""),
               sort_key=lambda r: STATUS_ORDER.get(r.dependency.status, 9), decoration=_status_icon),
        Column("Used in", lambda r: _used_in(r.dependency),
               tooltip=lambda r: _used_in(r.dependency, limit=20)),
    )


class RPackageModel(RowTableModel):
    columns = (
        Column("Package", lambda p: p.name),
        Column("Version", lambda p: p.version or "—"),
        Column("Kind", lambda p: "base R" if p.base else "CRAN / other"),
        Column("Declared in", lambda p: ", ".join(p.declared_in) or "—"),
        Column("Used in", lambda p: where(p.sources), tooltip=lambda p: where(p.sources, limit=20)),
    )

    def set_packages(self, packages: Sequence[RPackage]) -> None:
        self.set_rows(packages)


class DependencyFilter(QSortFilterProxyModel):
    """Text filter over every column, plus "only what needs attention"."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self._attention_only = False

    def set_attention_only(self, value: bool) -> None:
        self.beginFilterChange()
        self._attention_only = value
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:  # noqa: N802 - Qt API
        if self._attention_only:
            row = self.sourceModel().row_object(source_row)
            if not row.needs_attention:
                return False
        return super().filterAcceptsRow(source_row, source_parent)
