"""Findings: grouped by category, a code preview with the line highlighted, and what to do about each."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QPoint, QSortFilterProxyModel, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMenu, QPushButton, QSplitter, QTreeView,
                               QVBoxLayout, QWidget)

from handoff_assistant.gui import fixing
from handoff_assistant.gui.icons import icon
from handoff_assistant.gui.messages import ask_text
from handoff_assistant.gui.models.findings import FindingRow, FindingsModel, fix_targets
from handoff_assistant.gui.models.tree import GROUP_ROLE
from handoff_assistant.gui.models.base import ROW_ROLE
from handoff_assistant.gui.pages.base import (ATTENTION, DONE, PENDING, Page, button_row, current_child, empty_state,
                                             page_layout, select_row)
from handoff_assistant.gui.widgets.code_preview import CodePreview, load_preview


def open_in_editor(path: str) -> bool:
    """Hand the file to the desktop's default editor."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def ask_suppression_reason(parent: QWidget, message: str) -> Optional[str]:
    return ask_text(parent, "Suppress finding",
                    f"{message}\n\nWhy is this fine for production? The reason is saved in handoff.yaml "
                    "and shown to IT and reviewers.")


FIX_SHORTCUT = "Ctrl+."  # the editors' "quick fix"
FIX_ALL_SHORTCUT = "Ctrl+Shift+."


class FindingsPage(Page):
    fix_requested = Signal(object)  # a tuple of finding fingerprints to fix
    page_id = "findings"
    title = "Findings"
    icon_name = "findings"

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        layout = page_layout(self, "Findings",
                             "Things in the code that will break or leak on a server. Fix… moves hardcoded paths, "
                             "hosts and credentials into configuration (with a preview and Undo); fix the rest in "
                             "your editor and rescan (F5), or suppress one with a reason when it is fine as it is.")
        self._shown: tuple = (None, {})
        self._fixability: dict[str, Optional[str]] = {}  # fingerprint -> None (fixable) or why not
        self.model = FindingsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by message, file, severity or status…")
        self.filter_edit.setAccessibleName("Filter findings")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter)
        self.tree = QTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setAccessibleName("Findings")
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(2, 290)
        header.setStretchLastSection(False)
        self.tree.selectionModel().currentChanged.connect(lambda *_: self._show_selected())
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.no_findings = empty_state("No findings: no hardcoded paths, hosts or credentials were found.")

        self.title_label = QLabel()
        self.title_label.setWordWrap(True)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.fix_label = QLabel()
        self.fix_label.setWordWrap(True)
        self.fix_label.setTextFormat(Qt.TextFormat.PlainText)
        self.fix_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview_title = QLabel()
        self.preview = CodePreview()

        self.editor_button = self._button("editor", "Open in editor", "Open the file in your default editor")
        self.suppress_button = self._button("suppress", "Suppress…", "Mark this finding as fine, with a reason")
        self.copy_button = self._button("copy", "Copy fix", "Copy how to fix it to the clipboard")
        self.editor_button.clicked.connect(self.open_selected)
        self.suppress_button.clicked.connect(self.toggle_suppression)
        self.copy_button.clicked.connect(self.copy_fix)
        self.fix_action = self._page_action("fix", "Fix…", FIX_SHORTCUT, self.fix_selected)
        self.fix_all_action = self._page_action("fix", "Fix All Fixable…", FIX_ALL_SHORTCUT, self.fix_all)
        self.fix_button = self._action_button(self.fix_action)
        self.fix_all_button = self._action_button(self.fix_all_action)
        buttons = button_row(self.fix_button, self.editor_button, self.suppress_button, self.copy_button)

        detail = QWidget()
        detail_box = QVBoxLayout(detail)
        detail_box.setContentsMargins(0, 0, 0, 0)
        detail_box.addWidget(self.title_label)
        detail_box.addWidget(self.fix_label)
        detail_box.addLayout(buttons)
        detail_box.addWidget(self.preview_title)
        detail_box.addWidget(self.preview, 1)

        top = QWidget()
        top_box = QVBoxLayout(top)
        top_box.setContentsMargins(0, 0, 0, 0)
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.filter_edit, 1)
        filter_row.addWidget(self.fix_all_button)
        top_box.addLayout(filter_row)
        top_box.addWidget(self.tree)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.splitter = splitter
        layout.addWidget(self.no_findings)
        layout.addWidget(splitter, 1)
        self._show_selected()

    def _button(self, icon_name: str, text: str, tooltip: str) -> QPushButton:
        button = QPushButton(icon(icon_name), text)
        button.setToolTip(tooltip)
        button.setAccessibleName(text.rstrip("…"))
        return button

    def _page_action(self, icon_name: str, text: str, shortcut: str, slot) -> QAction:
        """An action of this page: its shortcut works while the page (or a child) has focus."""
        action = QAction(icon(icon_name), text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _action_button(self, action: QAction) -> QPushButton:
        """A push button mirroring ``action``: text, icon, enabled state and tooltip."""
        button = QPushButton(action.icon(), action.text())
        button.setAccessibleName(action.text().rstrip("…"))
        button.clicked.connect(action.trigger)

        def follow() -> None:
            button.setEnabled(action.isEnabled())
            button.setToolTip(action.toolTip())

        action.changed.connect(follow)
        follow()
        return button

    def refresh(self) -> None:
        report = self.session.report if self.session else None
        if report is None:
            return
        shown = (report, dict(self.session.project.suppressions))
        if shown[0] is self._shown[0] and shown[1] == self._shown[1]:
            return  # a change elsewhere in handoff.yaml: nothing to redraw here
        self._shown = shown
        self._fixability = fixing.fixability(report, self.session.project)
        selected = self.selected_finding()
        self.model.set_findings(report.findings, self.session.project.suppressions)
        self.tree.expandAll()
        self.splitter.setVisible(bool(report.findings))
        self.no_findings.setVisible(not report.findings)
        if selected is not None:
            self.select(lambda row: row.finding.fingerprint == selected.finding.fingerprint
                        and row.finding.line == selected.finding.line)
        self._show_selected()

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self.tree.expandAll()
        self._show_selected()

    def select(self, predicate) -> bool:
        return select_row(self.tree, self.proxy.mapFromSource(self.model.find_child(predicate)))

    def selected_finding(self) -> Optional[FindingRow]:
        return current_child(self.tree)

    def _show_selected(self) -> None:
        self._update_fix_actions()
        row = self.selected_finding()
        for button in (self.editor_button, self.suppress_button, self.copy_button):
            button.setEnabled(row is not None)
        if row is None:
            self.title_label.setText("Select a finding to see where it is and how to fix it.")
            self.fix_label.clear()
            self.preview_title.clear()
            self.preview.clear_preview()
            return
        f = row.finding
        self.title_label.setText(f"{f.message}  ({f.severity}, {f.rule})")
        suppressed = f"\nSuppressed: {row.suppressed_reason}" if row.suppressed_reason else ""
        self.fix_label.setText(f"How to fix: {f.fix}{suppressed}")
        self.suppress_button.setText("Unsuppress" if row.suppressed_reason else "Suppress…")
        self.suppress_button.setEnabled(bool(f.fingerprint))
        secrets = [x for x in self.session.report.findings if x.category == "secret"]
        preview = load_preview(self.session.root, f, secrets)
        self.preview_title.setText(preview.title)
        self.preview.show_preview(preview)

    # Fix it for me ------------------------------------------------------------------------------------------
    def _selected_rows(self) -> tuple[FindingRow, ...]:
        """The current finding, or every finding of the current group."""
        index = self.tree.selectionModel().currentIndex()
        if not index.isValid():
            return ()
        if index.data(GROUP_ROLE):
            group = index.siblingAtColumn(0).data(ROW_ROLE)
            return next((rows for g, rows in self.model.groups if g == group), ())
        return (index.siblingAtColumn(0).data(ROW_ROLE),)

    def _all_rows(self) -> tuple[FindingRow, ...]:
        return tuple(row for _, rows in self.model.groups for row in rows)

    def _update_fix_actions(self) -> None:
        selected = fix_targets(self._selected_rows(), self._fixability)
        self.fix_action.setEnabled(bool(selected.fingerprints))
        self.fix_action.setToolTip(f"{selected.explanation} ({self.fix_action.shortcut().toString()})")
        every = fix_targets(self._all_rows(), self._fixability)
        self.fix_all_action.setEnabled(bool(every.fingerprints))
        self.fix_all_action.setToolTip(f"{every.explanation} ({self.fix_all_action.shortcut().toString()})")

    def fix_selected(self) -> None:
        targets = fix_targets(self._selected_rows(), self._fixability)
        if targets.fingerprints:
            self.fix_requested.emit(targets.fingerprints)

    def fix_all(self) -> None:
        targets = fix_targets(self._all_rows(), self._fixability)
        if targets.fingerprints:
            self.fix_requested.emit(targets.fingerprints)

    def _context_menu(self, position: QPoint) -> None:
        index = self.tree.indexAt(position)
        if index.isValid():
            self.tree.setCurrentIndex(index)
        menu = self.context_menu()
        menu.popup(self.tree.viewport().mapToGlobal(position))

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.addAction(self.fix_action)
        menu.addAction(self.fix_all_action)
        menu.addSeparator()
        row = self.selected_finding()
        for text, slot in (("Open in Editor", self.open_selected), ("Copy Fix", self.copy_fix)):
            menu.addAction(text, slot).setEnabled(row is not None)
        return menu

    def open_selected(self) -> None:
        row = self.selected_finding()
        if row is not None:
            open_in_editor(str(self.session.root / row.finding.file))

    def toggle_suppression(self) -> None:
        row = self.selected_finding()
        if row is None or not row.finding.fingerprint:
            return
        if row.suppressed_reason:
            self.session.unsuppress(row.finding.fingerprint)
            return
        reason = ask_suppression_reason(self, row.finding.message)
        if reason:
            self.session.suppress(row.finding.fingerprint, reason)

    def copy_fix(self) -> None:
        row = self.selected_finding()
        if row is not None:
            QGuiApplication.clipboard().setText(row.finding.fix)

    def state(self) -> str:
        if not self.session or self.session.report is None:
            return PENDING
        return ATTENTION if any(group.open_count for group, _ in self.model.groups) else DONE

    def state_hint(self) -> str:
        count = sum(group.open_count for group, _ in self.model.groups)
        return f"{count} findings are open" if count else ""
