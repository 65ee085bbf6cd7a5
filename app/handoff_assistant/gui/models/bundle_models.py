"""Table and tree models of the bundle view: lock, dependencies, R packages, findings, configuration, checks.

Rows are the manifest's plain dicts (docs/bundle-format.md) or core dataclasses; readers ignore keys they do
not know and show "" for keys an older bundle lacks.
"""
from __future__ import annotations

from typing import Any, Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel

from handoff_assistant.bundle.contents import LockRow
from handoff_assistant.bundle.verification_record import CheckResult
from handoff_assistant.gui.icons import icon
from handoff_assistant.gui.models.base import Column, RowTableModel
from handoff_assistant.gui.theme import OUTCOME_ICONS

PATH_ROLE = Qt.ItemDataRole.UserRole + 10  # a file's path inside the bundle, on the code tree's leaves


def _text(row: dict, key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


class LockTableModel(RowTableModel):
    columns = (
        Column("Distribution", lambda r: r.distribution),
        Column("Version", lambda r: r.version),
        Column("Hashes", lambda r: str(r.hashes), sort_key=lambda r: r.hashes,
               tooltip=lambda r: "" if r.hashes else "No hash: pip cannot check the downloaded file"),
        Column("Marker", lambda r: r.marker),
    )

    def set_lock(self, rows: Iterable[LockRow]) -> None:
        self.set_rows(tuple(rows))


class DependencyTableModel(RowTableModel):
    columns = (
        Column("Distribution", lambda r: _text(r, "distribution")),
        Column("Version", lambda r: _text(r, "installed_version") or _text(r, "declared_spec")),
        Column("Status", lambda r: _text(r, "status")),
        Column("Imported as", lambda r: _text(r, "import_names")),
        Column("Optional", lambda r: "yes" if r.get("optional") else ""),
    )


class RPackageTableModel(RowTableModel):
    columns = (
        Column("R package", lambda r: _text(r, "name")),
        Column("Version", lambda r: _text(r, "version") or "unknown"),
        Column("Declared", lambda r: "yes" if r.get("declared") else "NO"),
        Column("Base R", lambda r: "yes" if r.get("base") else ""),
    )


class ConfigKeyTableModel(RowTableModel):
    columns = (
        Column("Key", lambda r: _text(r, "name")),
        Column("Provide as", lambda r: (f"environment variable {_text(r, 'env')}" if r.get("secret")
                                        else f"config.yaml: {_text(r, 'name')}")),
        Column("Kind", lambda r: _text(r, "kind")),
        Column("Description", lambda r: _text(r, "description"), tooltip=lambda r: _text(r, "description")),
        Column("Used in", lambda r: _text(r, "used_in") or "—",
               tooltip=lambda r: "" if r.get("used_in") else "Declared in handoff.yaml; no use found in the code"),
    )


class FindingTableModel(RowTableModel):
    """The manifest's findings: one row per finding when listed, else one per category count."""

    columns = (
        Column("Severity / category", lambda r: r[0]),
        Column("Finding", lambda r: r[1]),
        Column("Explanation", lambda r: r[2], tooltip=lambda r: r[2]),
    )

    def set_manifest(self, manifest: dict[str, Any]) -> None:
        listed = manifest.get("findings")
        if isinstance(listed, list):
            self.set_rows(tuple((_text(f, "severity"), f"{_text(f, 'rule')} at {_text(f, 'file')}:{_text(f, 'line')}",
                                 _text(f, "suppressed") or _text(f, "explanation")) for f in listed
                                if isinstance(f, dict)))
            return
        summary = manifest.get("findings_summary") or {}
        rows = [(category, f"{count} open", "") for category, count in (summary.get("by_category") or {}).items()]
        if summary.get("suppressed"):
            rows.append(("suppressed", f"{summary['suppressed']} explained away",
                         "The data scientist suppressed these with a written reason (handoff.yaml)."))
        self.set_rows(tuple(rows))


class ExplanationTableModel(RowTableModel):
    """Checklist items the data scientist attested or explained, and every item that does not pass."""

    columns = (
        Column("Checklist item", lambda r: r[0], tooltip=lambda r: r[0]),
        Column("Status", lambda r: r[1]),
        Column("Explanation", lambda r: r[2], tooltip=lambda r: r[2]),
    )

    def set_manifest(self, manifest: dict[str, Any]) -> None:
        assessment = manifest.get("assessment") or {}
        attestations = assessment.get("attestations") or {}
        rows = []
        for item in assessment.get("items") or []:
            if not isinstance(item, dict):
                continue
            attested = attestations.get(item.get("id")) or {}
            note = _text(attested, "note") if isinstance(attested, dict) else ""
            note = note or _text(item, "note")
            if item.get("status") != "pass" or note:
                rows.append((_text(item, "title") or _text(item, "id"), _text(item, "status"), note))
        self.set_rows(tuple(rows))


def check_title(name: str) -> str:
    """"test_config.py::test_every_key_is_provided" → "config: every key is provided"; other names as they are."""
    module, sep, function = name.partition("::")
    if not sep:
        return name
    area = module.removesuffix(".py").removeprefix("test_")
    return f"{area}: {function.removeprefix('test_').replace('_', ' ')}"


class CheckResultTableModel(RowTableModel):
    columns = (
        Column("Check", lambda r: check_title(r.name), tooltip=lambda r: r.name,
               decoration=lambda r: icon(OUTCOME_ICONS.get(r.status, "attention"))),
        Column("Result", lambda r: r.status),
        Column("Message", lambda r: r.message.splitlines()[0] if r.message else "", tooltip=lambda r: r.message),
    )

    def set_results(self, results: Iterable[CheckResult]) -> None:
        self.set_rows(tuple(results))


def code_tree_model(paths: Iterable[str], parent=None) -> QStandardItemModel:
    """The files under code/ as a folder tree; leaves carry their bundle path in PATH_ROLE."""
    model = QStandardItemModel(parent)
    model.setHorizontalHeaderLabels(["Code"])
    folders: dict[str, QStandardItem] = {}
    for path in sorted(p for p in paths if p.startswith("code/")):
        parts = path.split("/")[1:]
        parent_item = model.invisibleRootItem()
        for depth, name in enumerate(parts[:-1]):
            key = "/".join(parts[:depth + 1])
            if key not in folders:
                folders[key] = QStandardItem(icon("folder"), name)
                folders[key].setEditable(False)
                parent_item.appendRow(folders[key])
            parent_item = folders[key]
        leaf = QStandardItem(parts[-1])
        leaf.setEditable(False)
        leaf.setData(path, PATH_ROLE)
        parent_item.appendRow(leaf)
    return model
