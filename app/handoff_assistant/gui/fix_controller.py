"""The "Fix it for me" flow in the main window: plan on the worker pool, preview, apply, rescan, undo.

The window owns one controller. It keeps the last applied fix of the open project (read back from the
engine's record in the user data folder, so Undo survives a restart) and offers Undo Fix in the Edit menu,
on Ctrl+Z (text fields keep their own Ctrl+Z) and in the notification bar.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Iterable, Optional

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence

from handoff_assistant.gui import fixing
from handoff_assistant.gui.fix_dialog import FixPreviewDialog
from handoff_assistant.gui.icons import icon
from handoff_assistant.gui.messages import show_error
from handoff_assistant.gui.workers import Worker

log = logging.getLogger(__name__)


class FixController(QObject):
    preview_opened = Signal(object)  # the FixPreviewDialog (tests and screenshots drive it)
    fix_applied = Signal(object)  # the engine's AppliedFix
    fix_undone = Signal(list)  # the restored paths

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.applied: Optional[Any] = None
        self.worker: Optional[Worker] = None
        self.dialog: Optional[FixPreviewDialog] = None
        self.undo_action = QAction(icon("undo"), "&Undo Fix", window)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setStatusTip("Put back every file the last fix changed, byte for byte")
        self.undo_action.setToolTip(f"Undo the last fix ({self.undo_action.shortcut().toString()})")
        self.undo_action.triggered.connect(self.undo)
        self.undo_action.setEnabled(False)

    # The open project ------------------------------------------------------------------------------------
    def project_opened(self) -> None:
        """Offer Undo for a fix applied to this project before (this session or an earlier one)."""
        session = self.window.session
        self.applied = fixing.last_applied(session.root) if session is not None else None
        self._update_undo()
        if self.applied is not None:
            self._notify(f"A fix applied {fixing.applied_when(self.applied)} changed "
                         f"{len(fixing.applied_files(self.applied))} files of this project; it can still be undone.")

    def project_closed(self) -> None:
        self.applied = None
        self._update_undo()

    def _update_undo(self) -> None:
        self.undo_action.setEnabled(self.applied is not None and self.worker is None)

    def _notify(self, text: str, with_undo: bool = True) -> None:
        view = self.window.project_view
        if view is not None:
            view.notice.show_message(text, self.undo_action if with_undo and self.applied is not None else None)

    # Planning and the preview --------------------------------------------------------------------------
    def fix(self, fingerprints: Optional[Iterable[str]]) -> None:
        """Plan a fix for ``fingerprints`` (None: every fixable finding) and open the preview."""
        window, session = self.window, self.window.session
        if session is None or session.report is None or self.worker is not None:
            return
        if window.scan_worker is not None:
            window.statusBar().showMessage("The project is being scanned; fix it once the scan has finished.", 10000)
            return
        root, report, project = session.root, session.report, session.project
        chosen = None if fingerprints is None else tuple(fingerprints)
        window.project_view.progress.begin("Planning the fix…")
        self.worker = window.runner.start(
            lambda progress, cancel: fixing.plan(root, report, project, chosen),
            "planning the fix", finished=lambda plan: self._planned(session, plan), failed=self._failed,
            cancelled=self._ended, progress=window.project_view.progress.report)
        self._update_undo()

    def _ended(self) -> None:
        self.worker = None
        if self.window.project_view is not None:
            self.window.project_view.progress.end()
        self._update_undo()

    def _failed(self, summary: str, details: str) -> None:
        self._ended()
        show_error(self.window, summary, details)

    def _planned(self, session, plan: Any) -> None:
        self._ended()
        if session is not self.window.session:
            return
        if not plan.files and not plan.unfixable and not plan.config_entries:
            self.window.statusBar().showMessage("Nothing to fix: no open path, host or credential finding.", 10000)
            return
        dialog = FixPreviewDialog(plan, session.root, self.window.runner, fixing.git_note(session.report, plan),
                                  self.window)
        dialog.side_by_side_box.setChecked(self.window.settings.fix_side_by_side)
        dialog.side_by_side_box.toggled.connect(self._remember_side_by_side)
        dialog.applied.connect(self._applied)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        self.preview_opened.emit(dialog)

    def _remember_side_by_side(self, checked: bool) -> None:
        self.window.settings.fix_side_by_side = checked

    def _applied(self, applied: Any) -> None:
        self.applied = applied
        self._update_undo()
        files = fixing.applied_files(applied)
        log.info("fix applied to %d files", len(files))
        self._notify(f"Fixed: {len(files)} files changed. Undo Fix (Ctrl+Z) puts them back byte for byte.")
        self.window.rescan()
        self.fix_applied.emit(applied)

    # Undo -------------------------------------------------------------------------------------------------
    def undo(self) -> None:
        applied = self.applied
        if applied is None or self.worker is not None:
            return
        self.worker = self.window.runner.start(
            lambda progress, cancel: fixing.undo(applied), "undoing the fix",
            finished=self._undone, failed=self._failed, cancelled=lambda: self._undo_cancelled(applied))
        self._update_undo()

    def _undo_cancelled(self, applied: Any) -> None:
        """Undo runs to its end once started; Esc meanwhile only stops the report of it."""
        if fixing.last_applied(Path(applied.root)) is None:
            self._undone([Path(applied.root) / path for path in fixing.applied_files(applied)])
        else:
            self._ended()

    def _undone(self, restored: list) -> None:
        self._ended()
        self.applied = None
        self._update_undo()
        self._notify(f"Undone: {len(restored)} files restored as they were before the fix.", with_undo=False)
        self.window.rescan()
        self.fix_undone.emit(restored)
