"""The bundle view's "Prepare and test" tab: working folder, configuration, Python, run, live log, results.

The run itself is ``bundle.harness_run.run_harness`` on the worker pool; its log lines reach the GUI thread
through a queued signal. Nothing runs unless the bundle's integrity held (``set_runnable``).
"""
from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QCheckBox, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QMessageBox, QPlainTextEdit, QPushButton, QSpinBox, QSplitter, QTableView, QVBoxLayout,
                               QWidget)

from handoff_assistant.bundle.harness_run import HARNESS_MARGIN, SETUP_TIMEOUT, RunOptions, run_harness
from handoff_assistant.bundle.options import BundleError
from handoff_assistant.bundle.run_env import EnvLineError, parse_env_lines
from handoff_assistant.bundle.verification_record import (VerificationRecord, belongs_to, read_record, record_path,
                                                          write_record)
from handoff_assistant.gui.icons import icon
from handoff_assistant.gui.messages import show_error
from handoff_assistant.gui.models.bundle_models import CheckResultTableModel
from handoff_assistant.gui.settings import AppSettings
from handoff_assistant.user_data import user_data_dir
from handoff_assistant.gui.theme import OUTCOME_COLOURS
from handoff_assistant.gui.widgets.progress_panel import ProgressPanel
from handoff_assistant.gui.workers import TaskRunner, Worker
from handoff_assistant.outcome import CHECK_STATUSES, outcome_label


class LogRelay(QObject):
    """Carries output lines from the worker thread to the log view (queued delivery)."""

    line = Signal(str)


def parse_env_values(text: str) -> dict[str, str]:
    """``KEY=value`` per line, as ``--env-file`` reads them (run_env.parse_env_lines); ValueError naming a bad line."""
    try:
        return parse_env_lines(text)
    except EnvLineError as error:
        raise ValueError(f"Line {error.number} of the environment values is not KEY=value: {error.line!r}") from None


def run_confirmation(parent: Optional[QWidget], bundle: Path) -> QMessageBox:
    """The question asked before every run: the bundle's own code runs here, from this source."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Run this bundle's code?",
                      f"Prepare and test runs the code of {bundle.name} on this computer.", parent=parent)
    box.setObjectName("runConfirmation")
    box.setInformativeText(
        f"Its harness and entry points run as you, from {bundle}. They get only the values the bundle declares, "
        "plus PATH, HOME and your language settings. A bundle that verifies was not changed since it was built; "
        "that does not say who built it. Continue only if you trust where it came from.")
    run = box.addButton("Run its code", QMessageBox.ButtonRole.AcceptRole)
    run.setObjectName("runBundleCode")
    box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
    return box


def saved_record(bundle: Path) -> Optional[VerificationRecord]:
    """The verification.json beside the bundle when it can be trusted and was made for this bundle's content."""
    try:
        record = read_record(record_path(bundle))
    except BundleError:
        return None
    return record if belongs_to(record, bundle) else None


MAX_STEP_TIMEOUT = 7 * 24 * 3600  # seconds; the spin box's top (a week)
DEFAULT_TIMEOUT_TEXT = "Default (from expected runtime)"


def step_timeout_box() -> QSpinBox:
    """Seconds each step may take, as ``verify --timeout``; 0 shows as the default, which the run derives."""
    box = QSpinBox()
    box.setRange(0, MAX_STEP_TIMEOUT)
    box.setSingleStep(60)
    box.setSuffix(" s")
    box.setSpecialValueText(DEFAULT_TIMEOUT_TEXT)
    box.setAccessibleName("Step timeout")
    box.setToolTip(
        "Each step (creating the environment, installing the lock, running the harness) is stopped after this "
        "many seconds, with everything it started, and the run ends naming the step. "
        f"Default: {SETUP_TIMEOUT // 60} minutes for each setup step, and for the harness twice the entry points' "
        f"expected runtimes plus {HARNESS_MARGIN // 60} minutes (the CLI's verify --timeout).")
    return box


def ask_to_run_bundle_code(parent: Optional[QWidget], bundle: Path) -> bool:
    box = run_confirmation(parent, bundle)
    box.exec()
    return box.clickedButton() is not None and box.clickedButton().objectName() == "runBundleCode"


class PreparePanel(QWidget):
    run_finished = Signal(object)  # the VerificationRecord, after it was saved (or could not be)
    busy_changed = Signal(bool)  # a run started (True) or ended (False)

    def __init__(self, runner: TaskRunner, settings: Optional[AppSettings] = None,
                 parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.settings = settings
        self.bundle: Optional[Path] = None
        self.worker: Optional[Worker] = None
        self.record: Optional[VerificationRecord] = None
        self.saved_to: Optional[Path] = None
        self._runnable = False
        self.relay = LogRelay(self)
        self.relay.line.connect(self._append_log)
        self._build()

    def _build(self) -> None:
        self.workdir_edit = QLineEdit(str(user_data_dir() / "prepared"))
        self.workdir_edit.setAccessibleName("Working folder")
        self.config_edit = QLineEdit()
        self.config_edit.setPlaceholderText("config/config.yaml of the opened bundle")
        self.config_edit.setAccessibleName("Configuration file")
        self.python_edit = QLineEdit()
        self.python_edit.setAccessibleName("Python interpreter")
        self.env_edit = QPlainTextEdit()
        self.env_edit.setAccessibleName("Environment values")
        self.env_edit.setPlaceholderText("MAIL_API_TOKEN=...  (one KEY=value per line; used for this run only, "
                                         "never saved)")
        self.env_edit.setMaximumHeight(70)
        self.lock_options_check = QCheckBox("Let pip follow options written in the lock")
        self.lock_options_check.setAccessibleName("Allow options in the lock")
        self.lock_options_check.setToolTip(
            "Off: a lock that carries pip options (--index-url, --extra-index-url, --trusted-host, -f, -r …) is "
            "refused before anything is installed, because they could send pip to another server or turn checks "
            "off. Turn on only when you trust where the bundle came from (the CLI's --allow-lock-options).")
        self.timeout_box = step_timeout_box()
        self.timeout_box.setValue((self.settings.step_timeout or 0) if self.settings else 0)
        self.timeout_box.valueChanged.connect(self._remember_timeout)
        form = QFormLayout()
        form.addRow("Working folder", self._with_button(self.workdir_edit, "Choose…", self._choose_workdir))
        form.addRow("Configuration file", self._with_button(self.config_edit, "Choose…", self._choose_config))
        form.addRow("Environment values", self.env_edit)
        form.addRow("Python", self._with_button(self.python_edit, "Choose…", self._choose_python))
        form.addRow("Step timeout", self._left_aligned(self.timeout_box))
        form.addRow("", self.lock_options_check)
        self.run_button = QPushButton(icon("build"), "Prepare and run the harness")
        self.run_button.setAccessibleName("Prepare and run the harness")
        self.run_button.clicked.connect(self.start)
        self.status = QLabel("Open an intact bundle to run its harness.")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verdict.hide()
        self.progress = ProgressPanel()
        self.progress.cancel_requested.connect(self.cancel)
        self.results = CheckResultTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.results)
        self.table.setAccessibleName("Check results")
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.selectionModel().currentRowChanged.connect(self._show_message)
        self.message = self._text_view("Select a check to read its full message.", "Check message")
        self.log = self._text_view("The output of venv, pip and the harness appears here as it runs.", "Run log")
        splitter = QSplitter(Qt.Orientation.Vertical)
        for widget in (self.table, self.message, self.log):
            splitter.addWidget(widget)
        splitter.setSizes([220, 90, 160])
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.status, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.verdict)
        layout.addWidget(self.progress)
        layout.addWidget(splitter, 1)
        self._update()

    @staticmethod
    def _text_view(placeholder: str, name: str) -> QPlainTextEdit:
        view = QPlainTextEdit()
        view.setReadOnly(True)
        view.setPlaceholderText(placeholder)
        view.setAccessibleName(name)
        view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        return view

    @staticmethod
    def _left_aligned(widget: QWidget) -> QWidget:
        """A short field at its natural width, not stretched across the form."""
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(widget)
        layout.addStretch(1)
        return row

    def _with_button(self, edit: QLineEdit, text: str, slot) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(edit, 1)
        button = QPushButton(text)
        button.setAccessibleName(f"{text.rstrip('…')} {edit.accessibleName().lower()}")
        button.clicked.connect(slot)
        layout.addWidget(button)
        return row

    # State -----------------------------------------------------------------------------------------
    def set_bundle(self, bundle: Optional[Path], runnable: bool, target_python: str = "") -> None:
        """``runnable`` only when the bundle's integrity held; otherwise the run button stays disabled."""
        self.bundle, self._runnable = bundle, runnable
        self.python_edit.setPlaceholderText(f"Python {target_python} from PATH (the bundle's target)" if target_python
                                            else "the bundle's target Python from PATH")
        self.status.setText("Choose a working folder and the configuration, then run the harness." if runnable else
                            "Nothing from this bundle can be run: its integrity or signature check failed (see the "
                            "badge above).")
        self.verdict.hide()
        self.results.set_results(())
        saved = saved_record(bundle) if bundle is not None and runnable else None
        if saved is not None:
            self.results.set_results(saved.results)
            self.show_outcome(saved, f"Last run by {saved.by or 'someone'} at {saved.at} on {saved.machine}: ")
        self._update()

    def _update(self) -> None:
        running = self.worker is not None
        self.run_button.setEnabled(self._runnable and not running)
        for edit in (self.workdir_edit, self.config_edit, self.python_edit, self.env_edit, self.timeout_box,
                     self.lock_options_check):
            edit.setEnabled(not running)

    def _remember_timeout(self, seconds: int) -> None:
        if self.settings is not None:
            self.settings.step_timeout = seconds or None

    # Choosing files --------------------------------------------------------------------------------
    def _choose_workdir(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a working folder", self.workdir_edit.text())
        if folder:
            self.workdir_edit.setText(folder)

    def _choose_config(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the filled-in configuration", str(Path.home()),
                                              "Configuration (*.yaml *.yml);;All files (*)")
        if path:
            self.config_edit.setText(path)

    def _choose_python(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the Python to build the environment with", "/usr/bin")
        if path:
            self.python_edit.setText(path)

    # Running ---------------------------------------------------------------------------------------
    def options(self) -> RunOptions:
        """The run's options from the form; ValueError with a sentence when something is wrong."""
        workdir = self.workdir_edit.text().strip()
        if not workdir:
            raise ValueError("Choose a working folder: the bundle is opened and its environment is built there.")
        config = self.config_edit.text().strip()
        if config and not Path(config).is_file():
            raise ValueError(f"The configuration file {config} does not exist.")
        return RunOptions(Path(workdir), Path(config) if config else None,
                          parse_env_values(self.env_edit.toPlainText()), self.python_edit.text().strip() or None,
                          timeout=self.timeout_box.value() or None,
                          allow_lock_options=self.lock_options_check.isChecked())

    def start(self) -> None:
        if self.bundle is None or not self._runnable or self.worker is not None:
            return
        try:
            options = self.options()
        except ValueError as error:
            show_error(self, str(error))
            return
        if not ask_to_run_bundle_code(self, self.bundle):
            self.status.setText("Not run: the bundle's code was not allowed to run.")
            return
        bundle, emit = self.bundle, self.relay.line.emit
        self.log.clear()
        self.verdict.hide()
        self.results.set_results(())
        self.progress.begin("Preparing the bundle…")
        self.worker = self.runner.start(
            lambda progress, cancel: run_harness(bundle, options, progress, cancel, log=emit),
            "preparing and testing the bundle", finished=lambda record: self._finished(bundle, record),
            failed=self._failed, cancelled=self._cancelled, progress=self.progress.report)
        self._update()
        self.busy_changed.emit(True)

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def _ended(self) -> None:
        self.worker = None
        self.progress.end()
        self._update()
        self.busy_changed.emit(False)

    def _finished(self, bundle: Path, record: VerificationRecord) -> None:
        self._ended()
        self.record = record
        self.results.set_results(record.results)
        self.show_outcome(record)
        lines = []
        if record.python is not None:
            lines.append(record.python.note or f"Built with Python {record.python.version} (the bundle's target).")
        try:
            self.saved_to = write_record(bundle, record)
            lines.append(f"Saved as {self.saved_to}.")
        except BundleError as error:
            self.saved_to = None
            show_error(self, str(error))
        self.status.setText(" ".join(lines))
        self.run_finished.emit(record)

    def show_outcome(self, record: VerificationRecord, prefix: str = "") -> None:
        """The verdict banner: PASSED, FAILED or INCOMPLETE in its own colour, with the counts and the reasons."""
        outcome = record.outcome
        counts = ", ".join(f"{record.count(status)} {status}" for status in CHECK_STATUSES)
        reasons = "".join(f"<br>• {escape(reason)}" for reason in outcome.reasons[:5])
        more = f"<br>… {len(outcome.reasons) - 5} more" if len(outcome.reasons) > 5 else ""
        lead = {"passed": "Every check passed.", "failed": "Do not deploy: a check failed.",
                "incomplete": "Not verified: some checks could not run here."}[outcome.state]
        label = outcome_label(outcome.state)
        self.verdict.setText(f"{escape(prefix)}<b>{label}</b> — {lead} ({counts}){reasons}{more}")
        colour = OUTCOME_COLOURS[outcome.state]
        self.verdict.setStyleSheet(f"QLabel {{ border: 2px solid {colour}; border-left: 8px solid {colour}; "
                                   "padding: 6px; border-radius: 3px; }")
        self.verdict.setAccessibleName(f"Verification outcome: {outcome.state}")
        self.verdict.show()

    def _failed(self, summary: str, details: str) -> None:
        self._ended()
        self.status.setText(f"The run did not finish: {summary}")
        show_error(self, summary, details)

    def _cancelled(self) -> None:
        self._ended()
        self.status.setText("Cancelled. Nothing was saved; run again when ready.")

    def _append_log(self, line: str) -> None:
        self.log.appendPlainText(line)

    def _show_message(self, current, _previous) -> None:
        if current.isValid():
            check = self.results.row_object(current.row())
            self.message.setPlainText(check.message or f"{check.name}: {check.status}")
