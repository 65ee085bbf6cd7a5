"""Handoff details: who owns the project, how it runs and on what schedule (the form behind handoff.yaml)."""
from __future__ import annotations

import dataclasses
from html import escape
from typing import Optional

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QListWidget, QPlainTextEdit, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from handoff_assistant.gui.icons import icon
from handoff_assistant.gui.pages.base import ATTENTION, DONE, PENDING, Page, button_row, page_layout, scrolling_body
from handoff_assistant.gui.validation import describe_schedule, validate_details
from handoff_assistant.readiness.checklist import TIERS
from handoff_assistant.readiness.model import Contact, EntryPoint, ProjectFile

COMMIT_DELAY_MS = 400  # typing pauses this long before the score is recomputed


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _line(placeholder: str, name: str, tip: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setAccessibleName(name)
    edit.setToolTip(tip or placeholder)
    return edit


class DetailsPage(Page):
    page_id = "details"
    title = "Handoff details"
    icon_name = "details"
    save_requested = Signal()

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._entries: list[EntryPoint] = []
        self._loading = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COMMIT_DELAY_MS)
        self._timer.timeout.connect(self.commit)

        layout = page_layout(scrolling_body(self), "Handoff details",
                             "What IT needs to run the project without you: who owns it, what to run, with which "
                             "inputs, and when. Saved into handoff.yaml in the project folder (Ctrl+S).")
        columns = QHBoxLayout()
        columns.addWidget(self._project_box(), 1)
        columns.addWidget(self._entries_box(), 1)
        layout.addLayout(columns)
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setAccessibleName("Problems in the handoff details")
        self.problems_label.setTextFormat(Qt.TextFormat.RichText)
        self.save_button = QPushButton(icon("save"), "Save handoff.yaml")
        self.save_button.setToolTip("Write these details into handoff.yaml (Ctrl+S)")
        self.save_button.clicked.connect(self.save_requested)
        bottom = QHBoxLayout()
        bottom.addWidget(self.problems_label, 1)
        bottom.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(bottom)
        layout.addStretch()

    # Building the form -------------------------------------------------------------------------------
    def _project_box(self) -> QGroupBox:
        box = QGroupBox("Project and people")
        form = QFormLayout(box)
        self.name_edit = _line("churn-model", "Project name")
        self.summary_edit = QPlainTextEdit()
        self.summary_edit.setPlaceholderText("What it does, for whom, and what decision it feeds.")
        self.summary_edit.setAccessibleName("Summary")
        self.summary_edit.setFixedHeight(70)
        self.tier_combo = QComboBox()
        self.tier_combo.addItems(TIERS)
        self.tier_combo.setAccessibleName("Tier")
        self.tier_combo.setToolTip("critical: business stops without it · standard · experimental: best effort")
        self.owner_name = _line("Ana Lopez", "Owner name", "The person IT calls when a run fails")
        self.owner_email = _line("ana.lopez@example.com", "Owner email")
        self.contacts = QTableWidget(0, 3)
        self.contacts.setHorizontalHeaderLabels(["Name", "Email", "Role"])
        self.contacts.setAccessibleName("Other contacts")
        contact_header = self.contacts.horizontalHeader()
        contact_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        contact_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        contact_header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.contacts.setWordWrap(False)
        self.contacts.verticalHeader().hide()
        self.contacts.setFixedHeight(110)
        add_contact = QPushButton("Add contact")
        remove_contact = QPushButton("Remove contact")
        add_contact.clicked.connect(self._add_contact)
        remove_contact.clicked.connect(self._remove_contact)
        form.addRow("Name:", self.name_edit)
        form.addRow("Summary:", self.summary_edit)
        form.addRow("Tier:", self.tier_combo)
        form.addRow("Owner:", self.owner_name)
        form.addRow("Owner email:", self.owner_email)
        form.addRow("Contacts:", self.contacts)
        form.addRow("", button_row(add_contact, remove_contact))
        for edit in (self.name_edit, self.owner_name, self.owner_email):
            edit.textEdited.connect(self._changed)
        self.summary_edit.textChanged.connect(self._changed)
        self.tier_combo.currentIndexChanged.connect(self._changed)
        self.contacts.itemChanged.connect(self._changed)
        return box

    def _entries_box(self) -> QGroupBox:
        box = QGroupBox("Entry points")
        layout = QVBoxLayout(box)
        self.entry_list = QListWidget()
        self.entry_list.setAccessibleName("Entry points")
        self.entry_list.setFixedHeight(80)
        self.entry_list.currentRowChanged.connect(self._show_entry)
        self.add_entry_button = QPushButton("Add entry point")
        self.add_entry_button.setToolTip("A command IT runs: a training job, a nightly scoring run, a report")
        self.remove_entry_button = QPushButton("Remove")
        self.add_entry_button.clicked.connect(self._add_entry)
        self.remove_entry_button.clicked.connect(self._remove_entry)
        layout.addWidget(self.entry_list)
        layout.addLayout(button_row(self.add_entry_button, self.remove_entry_button))
        self.entry_form_widget = QWidget()
        form = QFormLayout(self.entry_form_widget)
        form.setContentsMargins(0, 0, 0, 0)
        self.entry_name = _line("nightly-scoring", "Entry point name")
        self.entry_command = _line("python -m churn.score --date {date}", "Command")
        self.entry_inputs = _line("data/customers.csv, warehouse.customers", "Inputs", "Comma-separated")
        self.entry_outputs = _line("output/scores.csv", "Outputs", "Comma-separated")
        self.entry_schedule = _line("0 6 * * 1-5", "Schedule",
                                    "Cron: minute hour day-of-month month day-of-week; or @daily, or manual")
        self.schedule_preview = QLabel()
        self.schedule_preview.setWordWrap(True)
        self.schedule_preview.setAccessibleName("Schedule in words")
        self.entry_runtime = _line("15m", "Expected runtime", "How long a normal run takes: 90s, 15m, 2h")
        self.entry_sample = _line("data/sample_customers.csv", "Sample input",
                                  "A small input inside the project, for the smoke test")
        self.entry_expected = _line("tests/expected_scores.csv", "Expected output",
                                    "What the sample input must produce, for the consistency check")
        form.addRow("Name:", self.entry_name)
        form.addRow("Command:", self.entry_command)
        form.addRow("Inputs:", self.entry_inputs)
        form.addRow("Outputs:", self.entry_outputs)
        form.addRow("Schedule:", self.entry_schedule)
        form.addRow("", self.schedule_preview)
        form.addRow("Expected runtime:", self.entry_runtime)
        form.addRow("Sample input:", self.entry_sample)
        form.addRow("Expected output:", self.entry_expected)
        for edit in self._entry_edits():
            edit.textEdited.connect(self._entry_changed)
        self.entry_schedule.textChanged.connect(self._preview_schedule)
        self.no_entries = QLabel("No entry point yet. Add the command IT should run.")
        self.no_entries.setWordWrap(True)
        layout.addWidget(self.no_entries)
        layout.addWidget(self.entry_form_widget)
        layout.addStretch()
        return box

    def _entry_edits(self) -> tuple[QLineEdit, ...]:
        return (self.entry_name, self.entry_command, self.entry_inputs, self.entry_outputs, self.entry_schedule,
                self.entry_runtime, self.entry_sample, self.entry_expected)

    # Showing the session's project ---------------------------------------------------------------------
    def refresh(self) -> None:
        if self.session is None or self._timer.isActive():
            return
        project = self.session.project
        if project == self.form_project():
            self._show_problems()
            return
        self._loading = True
        self.name_edit.setText(project.name)
        self.summary_edit.setPlainText(project.summary)
        self.tier_combo.setCurrentText(project.tier)
        self.owner_name.setText(project.owner.name if project.owner else "")
        self.owner_email.setText((project.owner.email or "") if project.owner else "")
        self.contacts.setRowCount(0)
        for contact in project.contacts:
            self._append_contact(contact)
        current = max(self.entry_list.currentRow(), 0)
        self._entries = list(project.entry_points)
        self._fill_entry_list(min(current, len(self._entries) - 1))
        self._loading = False
        self._show_problems()

    def _fill_entry_list(self, current: int) -> None:
        self.entry_list.blockSignals(True)
        self.entry_list.clear()
        for entry in self._entries:
            self.entry_list.addItem(entry.name or "(unnamed)")
        self.entry_list.blockSignals(False)
        self.entry_list.setCurrentRow(current)
        self._show_entry(current)

    def _show_entry(self, row: int) -> None:
        has = 0 <= row < len(self._entries)
        self.entry_form_widget.setVisible(has)
        self.no_entries.setVisible(not self._entries)
        self.remove_entry_button.setEnabled(has)
        if not has:
            return
        entry = self._entries[row]
        was_loading, self._loading = self._loading, True
        values = (entry.name, entry.command, ", ".join(entry.inputs), ", ".join(entry.outputs), entry.schedule or "",
                  entry.expected_runtime or "", entry.sample_input or "", entry.expected_output or "")
        for edit, value in zip(self._entry_edits(), values):
            edit.setText(value)
            edit.setCursorPosition(0)
        self._loading = was_loading
        self._preview_schedule()

    def _preview_schedule(self) -> None:
        valid, words = describe_schedule(self.entry_schedule.text())
        self.schedule_preview.setText(words)
        self.schedule_preview.setStyleSheet("" if valid else "color: #cc3b3b;")

    # Editing -------------------------------------------------------------------------------------------
    def _changed(self, *_) -> None:
        if not self._loading:
            self._timer.start()

    def _entry_changed(self, *_) -> None:
        row = self.entry_list.currentRow()
        if self._loading or not 0 <= row < len(self._entries):
            return
        self._entries[row] = self._form_entry()
        self.entry_list.item(row).setText(self._entries[row].name or "(unnamed)")
        self._timer.start()

    def _form_entry(self) -> EntryPoint:
        def optional(edit: QLineEdit) -> Optional[str]:
            return edit.text().strip() or None

        return EntryPoint(self.entry_name.text().strip(), self.entry_command.text().strip(),
                          _split(self.entry_inputs.text()), _split(self.entry_outputs.text()),
                          optional(self.entry_schedule), optional(self.entry_runtime), optional(self.entry_sample),
                          optional(self.entry_expected))

    def _add_entry(self) -> None:
        self._entries.append(EntryPoint(f"entry-{len(self._entries) + 1}", ""))
        self._fill_entry_list(len(self._entries) - 1)
        self.entry_name.setFocus()
        self.commit()

    def _remove_entry(self) -> None:
        row = self.entry_list.currentRow()
        if 0 <= row < len(self._entries):
            del self._entries[row]
            self._fill_entry_list(min(row, len(self._entries) - 1))
            self.commit()

    def _append_contact(self, contact: Contact) -> None:
        row = self.contacts.rowCount()
        self.contacts.insertRow(row)
        for column, value in enumerate((contact.name, contact.email or "", contact.role or "")):
            self.contacts.setItem(row, column, QTableWidgetItem(value))

    def _add_contact(self) -> None:
        self._loading = True
        self._append_contact(Contact(""))
        self._loading = False
        self.contacts.editItem(self.contacts.item(self.contacts.rowCount() - 1, 0))

    def _remove_contact(self) -> None:
        row = self.contacts.currentRow()
        if row >= 0:
            self.contacts.removeRow(row)
            self.commit()

    def _form_contacts(self) -> tuple[Contact, ...]:
        contacts = []
        for row in range(self.contacts.rowCount()):
            name, email, role = ((self.contacts.item(row, c).text().strip() if self.contacts.item(row, c) else "")
                                 for c in range(3))
            if name or email or role:
                contacts.append(Contact(name, email or None, role or None))
        return tuple(contacts)

    def form_project(self) -> Optional[ProjectFile]:
        if self.session is None:
            return None
        name, email = self.owner_name.text().strip(), self.owner_email.text().strip()
        owner = Contact(name, email or None, "owner") if name or email else None
        previous_owner = self.session.project.owner
        if owner and previous_owner and (previous_owner.name, previous_owner.email) == (owner.name, owner.email):
            owner = previous_owner
        return dataclasses.replace(
            self.session.project, name=self.name_edit.text().strip(), summary=self.summary_edit.toPlainText().strip(),
            tier=self.tier_combo.currentText(), owner=owner, contacts=self._form_contacts(),
            entry_points=tuple(self._entries))

    def commit_pending(self) -> None:
        if self._timer.isActive():
            self.commit()

    def commit(self) -> None:
        """Hand the form to the session (the header's score updates); saving stays an explicit step."""
        self._timer.stop()
        if self.session is not None:
            self.session.update_project(self.form_project())
            self._show_problems()

    def _show_problems(self) -> None:
        load_error = self.session.load_error if self.session else None
        self.save_button.setEnabled(load_error is None)
        if load_error is not None:
            self.problems_label.setText(f"<b>handoff.yaml could not be read, so these details are empty and saving "
                                        f"is blocked (the file is kept as it is):</b> {escape(load_error)}<br>Fix "
                                        "it in an editor, then scan again (F5).")
            return
        problems = validate_details(self.session.project, self.session.root) if self.session else []
        if problems:
            items = "".join(f"<li>{escape(p.message)}</li>" for p in problems)
            self.problems_label.setText(f"<b>Still missing or wrong:</b><ul style='margin:0'>{items}</ul>")
        else:
            self.problems_label.setText("All handoff details are filled in.")

    def state(self) -> str:
        if self.session is None:
            return PENDING
        return ATTENTION if validate_details(self.session.project, self.session.root) else DONE

    def state_hint(self) -> str:
        count = len(validate_details(self.session.project, self.session.root)) if self.session else 0
        return f"{count} details missing or wrong" if count else ""
