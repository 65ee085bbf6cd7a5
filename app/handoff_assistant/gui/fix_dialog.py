"""The fix preview: which files change and how (per-edit checkboxes, a diff per file), the configuration entries the
fix adds, what cannot be fixed and why; Apply writes the ticked edits on the worker pool.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel, QProgressBar,
                               QPushButton, QSplitter, QStackedWidget, QTableView, QTabWidget, QTreeView, QVBoxLayout,
                               QWidget)

from handoff_assistant.gui import fixing
from handoff_assistant.gui.icons import icon
from handoff_assistant.gui.models.fix_plan import ConfigEntriesModel, FixPlanModel, UnfixableModel
from handoff_assistant.gui.pages.base import hint
from handoff_assistant.gui.widgets.diff_view import DiffView, SideBySideView
from handoff_assistant.gui.workers import TaskRunner, Worker

SECRETS_NOTE = ("Secret values are never shown here: each becomes an environment variable that .env.example lists "
                "by name only.")


def notes_text(plan: Any) -> str:
    """The engine's notes for the user (what to do by hand), with the secrets warning when the fix moves any."""
    notes = list(plan.notes)
    if any(entry.kind == "env" for entry in plan.config_entries):
        notes.insert(0, SECRETS_NOTE)
    return "\n".join(f"• {note}" for note in dict.fromkeys(notes))


def summary_text(plan: Any, selected: frozenset[str]) -> str:
    """One sentence over the dialog: what Apply would write, or why there is nothing to write."""
    left = len(plan.unfixable)
    not_fixed = f"{left} findings cannot be fixed automatically (see Not fixed)" if left else ""
    if not plan.edits:
        places = sorted({entry.stays_in for entry in plan.config_entries if entry.stays_in})
        in_config = (f"{len(plan.config_entries)} values already live in configuration files ({', '.join(places)}), "
                     "where IT sets them; suppress their findings with a reason if they are fine as they are. "
                     if places else "")
        return f"Nothing to change in the files. {in_config}" + (f"{not_fixed}." if left else "")
    files = sum(1 for file in plan.files if any(edit.id in selected for edit in file.edits))
    return (f"{len(selected)} of {len(plan.edits)} edits ticked in {files} files; "
            f"{len(plan.config_entries)} configuration entries" + (f"; {not_fixed}" if left else "")
            + ". Nothing is written until you press Apply.")


def _table(model) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.setWordWrap(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    return table


def _label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class FixPreviewDialog(QDialog):
    """Shows ``plan`` for the project at ``root``; emits ``applied(AppliedFix)`` once the edits are written."""

    applied = Signal(object)
    apply_ended = Signal(str)  # "" when written, else why not (refused, failed or cancelled)

    def __init__(self, plan: Any, root: Path, runner: TaskRunner, git_note: str = "",
                 parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.root = root
        self.runner = runner
        self.worker: Optional[Worker] = None
        self._fix_before: Optional[str] = None  # the last applied fix's id when Apply started
        self.setWindowTitle("Fix hardcoded paths, hosts and credentials")
        self.setObjectName("fixPreview")
        self.resize(1100, 720)

        self.model = FixPlanModel(self)
        self.model.set_plan(plan)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setAccessibleName("Files and edits")
        self.tree.setUniformRowHeights(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        self.tree.expandAll()
        self.tree.selectionModel().currentChanged.connect(lambda *_: self._show_current_file())

        self.diff_title = _label()
        self.diff = DiffView()
        self.side_by_side = SideBySideView()
        self.side_by_side_box = QCheckBox("Side by side")
        self.side_by_side_box.setToolTip("Show the file before and after the fix next to each other")
        self.side_by_side_box.toggled.connect(lambda _: self._show_current_file())
        self.diff_stack = QStackedWidget()
        self.diff_stack.addWidget(self.diff)
        self.diff_stack.addWidget(self.side_by_side)
        diff_tab = QWidget()
        diff_box = QVBoxLayout(diff_tab)
        title_row = QHBoxLayout()
        title_row.addWidget(self.diff_title, 1)
        title_row.addWidget(self.side_by_side_box)
        diff_box.addLayout(title_row)
        diff_box.addWidget(self.diff_stack, 1)

        self.entries = ConfigEntriesModel(self)
        self.entries.set_rows(plan.config_entries)
        self.entries_table = _table(self.entries)
        self.entries_table.setAccessibleName("Configuration entries")
        self.notes = _label(notes_text(plan))
        self.notes.setObjectName("fixNotes")
        self.notes.setVisible(bool(self.notes.text()))
        config_tab = QWidget()
        config_box = QVBoxLayout(config_tab)
        config_box.addWidget(hint("The values found in the code stay the defaults on this machine, so the code "
                                  "behaves as before until IT sets its own."))
        config_box.addWidget(self.entries_table, 1)
        config_box.addWidget(self.notes)

        self.unfixable = UnfixableModel(self)
        self.unfixable.set_rows(plan.unfixable)
        self.unfixable_table = _table(self.unfixable)
        self.unfixable_table.setAccessibleName("Findings that are not fixed")
        unfixable_tab = QWidget()
        unfixable_box = QVBoxLayout(unfixable_tab)
        unfixable_box.addWidget(hint("These findings stay open: fix them in your editor, or suppress them with a "
                                     "reason on the Findings page."))
        unfixable_box.addWidget(self.unfixable_table, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(diff_tab, "Changes")
        self.tabs.addTab(config_tab, f"Configuration ({len(plan.config_entries)})")
        self.tabs.addTab(unfixable_tab, f"Not fixed ({len(plan.unfixable)})")
        self.tabs.setTabEnabled(2, bool(plan.unfixable))

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.tabs)
        splitter.setSizes([420, 680])

        self.summary = _label()
        self.git_label = _label(git_note)
        self.git_label.setObjectName("gitNote")
        self.git_label.setVisible(bool(git_note))
        self.status = _label()
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Apply progress")
        self.progress.hide()

        self.buttons = QDialogButtonBox()
        self.apply_button = QPushButton(icon("fix"), "Apply")
        self.apply_button.setDefault(True)
        self.apply_button.setToolTip("Write the ticked edits (each file in one step; Undo restores them)")
        self.buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.ApplyRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button.clicked.connect(self.apply)
        self.cancel_button.clicked.connect(self.cancel)

        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.progress)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.git_label)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

        self.model.selection_changed.connect(self._selection_changed)
        self._selection_changed()
        if self.model.rowCount():
            self.tree.setCurrentIndex(self.model.index(0, 0))
        else:  # nothing to change in the files: say why (not fixable, or already in a configuration file)
            self.tabs.setCurrentIndex(2 if plan.unfixable else 1)

    # What is shown -------------------------------------------------------------------------------------------
    def current_file(self) -> Optional[Any]:
        return self.model.file_at(self.tree.currentIndex())

    def _show_current_file(self) -> None:
        file = self.current_file()
        if file is None:
            self.diff_title.clear()
            self.diff.show_diff("")
            return
        chosen = sum(1 for edit in file.edits if edit.id in self.model.selected)
        state = ("written from the edits you tick" if file.generated
                 else f"{chosen} of {len(file.edits)} edits ticked")
        self.diff_title.setText(f"{file.path}: {state}" + (" — a new file" if file.created else ""))
        side_by_side = self.side_by_side_box.isChecked()
        self.diff_stack.setCurrentWidget(self.side_by_side if side_by_side else self.diff)
        if side_by_side:
            self.side_by_side.show_rows(fixing.side_by_side(self.plan, file, self.model.selected))
        else:
            self.diff.show_diff(fixing.file_diff(self.plan, file, self.model.selected)
                                or "No change to this file: every edit is unticked.")

    def _selection_changed(self) -> None:
        selected = self.model.selected
        self.summary.setText(summary_text(self.plan, selected))
        self.apply_button.setEnabled(bool(selected) and self.worker is None)
        self.apply_button.setText(f"Apply {len(selected)} edits" if selected else "Apply")
        self._show_current_file()

    # Applying -------------------------------------------------------------------------------------------------
    def apply(self) -> None:
        if self.worker is not None or not self.model.selected:
            return
        selected, plan, root = self.model.selected, self.plan, self.root
        self._fix_before = fixing.last_applied_id(root)
        self._busy(True)
        self.status.setText("Applying the fix…")
        self.worker = self.runner.start(
            lambda progress, cancel: fixing.apply(plan, root, selected, progress, cancel),
            "applying the fix", finished=self._applied, failed=self._failed, cancelled=self._cancelled,
            progress=self._progress)

    def _progress(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(done)
        self.status.setText(message)

    def _applied(self, applied: Any) -> None:
        self.worker = None
        self.applied.emit(applied)
        self.apply_ended.emit("")
        self.accept()

    def _failed(self, summary: str, details: str) -> None:
        self.worker = None
        self._busy(False)
        self.status.setText(summary)
        self.status.setToolTip(details)
        self.apply_ended.emit(summary)

    def _cancelled(self) -> None:
        """Esc can arrive after the engine wrote everything: then the fix is applied (and undoable), not cancelled."""
        latest = fixing.last_applied(self.root)
        if latest is not None and latest.id != self._fix_before:
            self._applied(latest)
            return
        self.worker = None
        self._busy(False)
        self.status.setText("Cancelled: no file was changed.")
        self.apply_ended.emit(self.status.text())

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.progress.setRange(0, 0)
        self.tree.setEnabled(not busy)
        self.apply_button.setEnabled(not busy and bool(self.model.selected))

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.status.setText("Cancelling…")
            return
        self.reject()

    def reject(self) -> None:
        if self.worker is not None:  # Esc while applying: stop the task, keep the dialog until it ends
            self.cancel()
            return
        super().reject()

    def select_file(self, path: str) -> bool:
        for row in range(self.model.rowCount()):
            index = self.model.index(row, 0)
            if self.model.file_at(index).path == path:
                self.tree.setCurrentIndex(index)
                return True
        return False

    def edit_index(self, edit_id: str) -> QModelIndex:
        for row in range(self.model.rowCount()):
            group = self.model.index(row, 0)
            for child in range(self.model.rowCount(group)):
                index = self.model.index(child, 0, group)
                if self.model.data(index, Qt.ItemDataRole.UserRole + 1).id == edit_id:
                    return index
        return QModelIndex()
