"""Overview: what the prototype is made of, where it stands in git, which Python it targets, what could not be read."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFormLayout, QGridLayout, QGroupBox, QHeaderView, QLabel, QMenu,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from handoff_assistant.formatting import human_size
from handoff_assistant.gui.models.base import Column, RowTableModel
from handoff_assistant.gui.pages.base import ATTENTION, DONE, PENDING, Page, empty_state, page_layout, scrolling_body
from handoff_assistant.gui.widgets.language_chart import LanguageChart
from handoff_assistant.scan.python_version import INTERPRETER, choose_target_python, describe
from handoff_assistant.scan.report import ScanReport, shown_path



class ProblemModel(RowTableModel):
    columns = (
        Column("File", lambda p: p.file or "(the project)"),
        Column("What went wrong", lambda p: p.reason, tooltip=lambda p: p.reason),
    )


def _form_box(title: str, rows: tuple[str, ...]) -> tuple[QGroupBox, list[QLabel]]:
    group = QGroupBox(title)
    form = QFormLayout(group)
    labels = []
    for name in rows:
        label = QLabel("—")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setAccessibleName(f"{title}: {name}")
        form.addRow(f"{name}:", label)
        labels.append(label)
    return group, labels


class NotebookModel(RowTableModel):
    columns = (
        Column("Notebook", lambda n: shown_path(n.path)),
        Column("Kernel", lambda n: f"{n.language} ({n.kernel})" if n.kernel else n.language),
        Column("Code cells", lambda n: f"{n.code_cells} of {n.cells}", sort_key=lambda n: n.code_cells),
        Column("Run order", lambda n: "out of order" if n.out_of_order else "top to bottom",
               tooltip=lambda n: "Execution counts: " + ", ".join("·" if c is None else str(c)
                                                                  for c in n.execution_counts)),
        Column("Error outputs", lambda n: str(n.errors), sort_key=lambda n: n.errors),
    )


class OverviewPage(Page):
    page_id = "overview"
    title = "Overview"
    icon_name = "overview"
    choose_interpreter_requested = Signal()
    choose_environment_requested = Signal()
    default_interpreter_requested = Signal()

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        layout = page_layout(scrolling_body(self), "Overview", "What the prototype is made of, as the scan found it.")

        files_box, self.files_labels = _form_box("Files", ("Files", "Size", "Analysed", "Skipped", "Data files"))
        git_box, self.git_labels = _form_box("Version control", ("State", "Branch", "Commit", "Changes", "Remote"))
        target_box, self.target_labels = _form_box("Target interpreter",
                                                   ("Python", "Platform", "Interpreter", "Found via",
                                                    "Project's Python"))
        self.change_button = QPushButton("Change…")
        self.change_button.setToolTip("Scan against another interpreter: a venv, a conda environment or a python executable")
        self.change_button.setAccessibleName("Change target interpreter")
        menu = QMenu(self.change_button)
        menu.addAction("Choose a Python executable…", self.choose_interpreter_requested.emit)
        menu.addAction("Choose an environment folder (venv or conda)…", self.choose_environment_requested.emit)
        menu.addAction("Use the default (project environment, then PATH)", self.default_interpreter_requested.emit)
        self.change_button.setMenu(menu)
        target_box.layout().addRow("", self.change_button)

        cards = QGridLayout()
        cards.addWidget(files_box, 0, 0)
        cards.addWidget(git_box, 0, 1)
        cards.addWidget(target_box, 0, 2)
        for column in range(3):
            cards.setColumnStretch(column, 1)
        layout.addLayout(cards)

        languages = QGroupBox("Languages (lines of code)")
        self.chart = LanguageChart()
        QVBoxLayout(languages).addWidget(self.chart)
        layout.addWidget(languages)

        notebooks = QGroupBox("Notebooks")
        self.notebook_model = NotebookModel(self)
        self.notebook_table = QTableView()
        self.notebook_table.setModel(self.notebook_model)
        self.notebook_table.setAccessibleName("Notebooks")
        self.notebook_table.verticalHeader().hide()
        self.notebook_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.notebook_table.horizontalHeader().setStretchLastSection(True)
        self.no_notebooks = empty_state("No Jupyter notebooks in this project.")
        notebook_box = QVBoxLayout(notebooks)
        notebook_box.addWidget(self.no_notebooks)
        notebook_box.addWidget(self.notebook_table)
        layout.addWidget(notebooks)

        problems = QGroupBox("Scan problems")
        self.problem_model = ProblemModel(self)
        self.problem_table = QTableView()
        self.problem_table.setModel(self.problem_model)
        self.problem_table.setAccessibleName("Scan problems")
        self.problem_table.verticalHeader().hide()
        self.problem_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.problem_table.horizontalHeader().setStretchLastSection(True)
        self.problem_table.setMinimumHeight(120)
        self.no_problems = empty_state("Every file could be read.")
        box = QVBoxLayout(problems)
        box.addWidget(self.no_problems)
        box.addWidget(self.problem_table)
        layout.addWidget(problems)
        layout.addStretch()

    def refresh(self) -> None:
        report = self.session.report if self.session else None
        if report is None:
            return
        self._show_files(report)
        self._show_git(report)
        self._show_target(report)
        self.chart.set_stats(report.languages)
        self.notebook_model.set_rows(report.notebooks)
        self.notebook_table.setVisible(bool(report.notebooks))
        self.no_notebooks.setVisible(not report.notebooks)
        self.notebook_table.setFixedHeight(self._table_height(self.notebook_table, len(report.notebooks)))
        self.problem_model.set_rows(report.problems)
        self.problem_table.setVisible(bool(report.problems))
        self.no_problems.setVisible(not report.problems)

    @staticmethod
    def _table_height(table: QTableView, rows: int) -> int:
        """Tall enough for every row (up to 8), so the page scrolls instead of the table."""
        row_height = table.verticalHeader().defaultSectionSize()
        return (table.horizontalHeader().sizeHint().height() + row_height * min(max(rows, 1), 8)
                + 2 * table.frameWidth() + 2)

    def _show_files(self, report: ScanReport) -> None:
        files = report.files
        values = (f"{files.count:,} ({'git-tracked' if files.listing == 'git' else 'folder walk'})",
                  human_size(files.bytes), f"{files.analysed:,}", f"{len(files.skipped):,}",
                  f"{len(files.data_files):,}")
        for label, value in zip(self.files_labels, values):
            label.setText(value)
        self.files_labels[3].setToolTip("\n".join(f"{shown_path(s.path)}: {s.reason}" for s in files.skipped[:30]))
        self.files_labels[4].setToolTip("\n".join(f"{shown_path(d.path)} ({human_size(d.size)}, {d.kind})"
                                                  for d in files.data_files[:30]))

    def _show_git(self, report: ScanReport) -> None:
        git = report.git
        if not git.is_repo:
            values = ("not a git repository", "—", "—", "—", "—")
        else:
            changes = f"{len(git.dirty)} modified, {len(git.untracked)} untracked"
            values = ("clean" if not git.dirty and not git.untracked else "uncommitted changes",
                      git.branch or "(detached)", (git.commit or "no commits yet")[:12], changes, git.remote or "none")
        for label, value in zip(self.git_labels, values):
            label.setText(value)
        self.git_labels[3].setToolTip("\n".join((*git.dirty, *git.untracked)[:30]))

    def _show_target(self, report: ScanReport) -> None:
        target = report.target
        values = (target.python_version or "no interpreter answered",
                  f"{target.platform} {target.machine}".strip() or "—",
                  target.interpreter or "—",
                  {"project-env": "environment inside the project", "--python": "chosen by you",
                   "PATH": "first python on PATH", "none": "nothing found"}.get(target.source, target.source))
        for label, value in zip(self.target_labels, values):
            label.setText(value)
        self.target_labels[2].setToolTip(target.interpreter)
        self._show_project_python(report)

    def _show_project_python(self, report: ScanReport) -> None:
        """The Python the bundle is built for, where it came from, every record and any disagreement."""
        chosen = choose_target_python(report.python_versions)
        label = self.target_labels[4]
        if chosen.chosen is None or chosen.chosen.source == INTERPRETER:
            label.setText("not recorded in the project (the bundle uses the interpreter's)")
        else:
            conflict = f" — {len(chosen.conflicts)} disagreement(s)" if chosen.conflicts else ""
            label.setText(f"{chosen.version} from {describe(chosen.chosen)}{conflict}")
        label.setToolTip("\n".join([describe(s) for s in report.python_versions]
                                   + [f"Disagrees: {c.sentence}" for c in chosen.conflicts]))

    def state(self) -> str:
        report = self.session.report if self.session else None
        if report is None:
            return PENDING
        return ATTENTION if report.problems or not report.target.python_version else DONE

    def state_hint(self) -> str:
        report = self.session.report if self.session else None
        if report and report.problems:
            return f"{len(report.problems)} files could not be read"
        return ""
