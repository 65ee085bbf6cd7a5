"""Bundle: choose how to package the project, build it off the GUI thread, then open what was built.

Signing is optional: the chosen minisign secret key is unlocked off the GUI thread (minisign's scrypt settings
take seconds and 1 GiB), its password asked first when it has one, before anything is scanned or written.
"New key pair…" on the signing row makes a password-protected pair (gui.new_key_pair), also off the GUI thread.
"""
from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path
from typing import Callable, Optional

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QProgressBar, QPushButton, QSizePolicy,
                               QTextBrowser, QVBoxLayout, QWidget)

from handoff_assistant.bundle.options import ENGINES, BundleOptions, BundleResult
from handoff_assistant.scan.python_version import choose_target_python, describe
from handoff_assistant.bundle.writer import WrongKeyPassword, build_bundle, unlock_signing_key
from handoff_assistant.gui.icons import icon
from handoff_assistant.gui.messages import ask_password, ask_text, show_error
from handoff_assistant.gui.new_key_pair import (SECRET_KEY_FILTER, NewKeyNote, ask_new_key_password,
                                                ask_new_key_path)
from handoff_assistant.gui.pages.base import DONE, PENDING, Page, button_row, page_layout, scrolling_body
from handoff_assistant.formatting import human_size
from handoff_assistant.gui.settings import AppSettings
from handoff_assistant.gui.widgets.key_file_row import KeyFileRow
from handoff_assistant.gui.workers import TaskRunner, Worker
from handoff_assistant.readiness.model import NOT_READY
from handoff_assistant.signing import (MINISIGN_LIMITS, SecretKey, SignatureError, refuse_existing_key_files,
                                        secret_key_needs_password, write_keypair)

ENGINE_TEXT = {
    "auto": "auto — uv when installed (fast), else pip-tools",
    "pip-tools": "pip-tools — resolve and hash-pin from the package index",
    "uv": "uv — faster; can lock for another Python or platform",
    "installed": "installed — pin what the target interpreter has now",
}
ACCELERATOR_TEXT = {  # bundle.accelerator.ACCELERATORS
    "auto": "default builds; say when the code shows no GPU use",
    "cpu": "CPU builds (from the library's CPU index)",
    "cuda": "CUDA builds (the code runs on a GPU)",
}

SIGNING_TIP = ("Optional. Signs SHA256SUMS with your minisign secret key (handoff keygen or minisign -G makes one). "
               "SHA256SUMS only shows the files are unchanged since the build, not who built them; with your public "
               "key IT checks that the bundle comes from you and was not changed after you signed it (docs/it-guide.md, "
               "\"Signed bundles\"). A password-protected key's password is asked at each build and never stored.")


def ask_not_ready_reason(parent: QWidget, blockers: str) -> Optional[str]:
    return ask_text(parent, "Hand over a project that is Not ready?",
                    f"The checklist says Not ready (blocking: {blockers}).\nIf it must go to IT anyway, say why; "
                    "the reason is recorded in the bundle for IT and reviewers.")


def ask_key_password(parent: QWidget, key: Path, again: bool = False) -> Optional[str]:
    retry = "Wrong password; try again.\n" if again else ""
    return ask_password(parent, "Unlock the signing key", f"{retry}Password for the signing key {key}:")


def unlock_or_none(key: Path, password: Optional[str]) -> Optional[SecretKey]:
    """The unlocked key, or None when the password was wrong (the page asks again); other problems raise."""
    try:
        return unlock_signing_key(key, password)
    except WrongKeyPassword:
        return None


def open_path(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def read_runbook(bundle: Path) -> str:
    if bundle.is_dir():
        return (bundle / "RUNBOOK.md").read_text(encoding="utf-8")
    with zipfile.ZipFile(bundle) as archive:
        return archive.read("RUNBOOK.md").decode("utf-8")


class _BuildLog(QPlainTextEdit):
    """The build log takes the room the form leaves; it asks for little, so the page scrolls only when the form
    itself does not fit (a scroll area sizes a page by its preferred heights)."""

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), 90)


class BundlePage(Page):
    page_id = "bundle"
    title = "Bundle"
    icon_name = "bundle"
    new_key_limits = MINISIGN_LIMITS  # the tests' seam: they derive new keys with libsodium's smallest limits

    def __init__(self, runner: TaskRunner, settings: AppSettings, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.settings = settings
        self.save_first: Callable[[], bool] = lambda: True  # the window saves handoff.yaml before a build
        self.worker: Optional[Worker] = None
        self.result: Optional[BundleResult] = None
        # The signing key of the build under way, by its id and file: the unlocked secret is not kept on the page.
        self.signed_with: Optional[tuple[str, Path]] = None
        self.making_key = False  # a new key pair is being written: it cannot be cancelled half-way
        layout = page_layout(scrolling_body(self), "Handoff bundle",
                             "One file for IT: a snapshot of the code, a hash-pinned lockfile, a runbook, "
                             "configuration templates and a test harness. Your project folder is not changed.")
        layout.addWidget(self._options_box())

        self.build_button = QPushButton(icon("build"), "Build bundle")
        self.build_button.setToolTip("Build the bundle (Ctrl+B)")
        self.build_button.setAccessibleName("Build bundle")
        self.build_button.clicked.connect(self.build)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Build progress")
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton(icon("cancel"), "Cancel")
        self.cancel_button.setAccessibleName("Cancel build")
        self.cancel_button.clicked.connect(self.cancel)
        for button in (self.build_button, self.cancel_button):
            button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        row = QHBoxLayout()
        row.addWidget(self.build_button)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        row.addStretch()
        layout.addLayout(row)

        self.log = _BuildLog()
        self.log.setReadOnly(True)
        self.log.setAccessibleName("Build log")
        self.log.setPlaceholderText("The build log appears here.")
        self.log.setMaximumBlockCount(2000)
        layout.addWidget(self.log, 1)
        layout.addWidget(self._result_box())
        self._set_running(False)

    def _options_box(self) -> QGroupBox:
        box = QGroupBox("Options")
        form = QFormLayout(box)
        self.output_edit = QLineEdit(self.settings.bundle_option("output_dir", str(Path.home() / "handoff-bundles")))
        self.output_edit.setAccessibleName("Output folder")
        browse = QPushButton("Browse…")
        browse.setAccessibleName("Choose output folder")
        browse.clicked.connect(self._choose_output)
        output_row = QHBoxLayout()
        output_row.addWidget(self.output_edit, 1)
        output_row.addWidget(browse)
        self.zip_check = QCheckBox("Single .zip file (otherwise a folder)")
        self.zip_check.setChecked(self.settings.bundle_option("zip", True))
        self.engine_combo = QComboBox()
        self.engine_combo.setAccessibleName("Lock engine")
        for engine in ENGINES:
            self.engine_combo.addItem(ENGINE_TEXT.get(engine, engine), engine)
        self.engine_combo.setCurrentIndex(max(0, ENGINES.index(self.settings.bundle_option("engine", ENGINES[0]))
                                              if self.settings.bundle_option("engine", ENGINES[0]) in ENGINES else 0))
        self.python_edit = QLineEdit(self.settings.bundle_option("target_python", ""))
        self.python_edit.setAccessibleName("Target Python version")
        self.python_edit.setPlaceholderText("same as the scanned interpreter")
        self.platform_edit = QLineEdit(self.settings.bundle_option("target_platform", ""))
        self.platform_edit.setAccessibleName("Target platform")
        self.platform_edit.setPlaceholderText("same as the scanned interpreter (e.g. linux, x86_64-manylinux_2_28)")
        self.wheels_check = QCheckBox("Include wheels, for servers without internet access")
        self.wheels_check.setChecked(self.settings.bundle_option("with_wheels", False))
        self.dev_check = QCheckBox("Lock test- and notebook-only dependencies with production ones")
        self.dev_check.setToolTip("Off: they go to env/requirements-dev.txt, out of the production lock")
        self.dev_check.setChecked(self.settings.bundle_option("include_dev", False))
        self.accelerator_combo = QComboBox()
        self.accelerator_combo.setAccessibleName("Accelerator builds")
        self.accelerator_combo.setToolTip("torch and similar libraries: CPU builds are a few hundred MB, CUDA builds GBs")
        for value, text in ACCELERATOR_TEXT.items():
            self.accelerator_combo.addItem(text, value)
        self.accelerator_combo.setCurrentIndex(max(0, self.accelerator_combo.findData(
            self.settings.bundle_option("accelerator", "auto"))))
        form.addRow("Output folder:", output_row)
        form.addRow("", self.zip_check)
        form.addRow("Lock engine:", self.engine_combo)
        form.addRow("Target Python:", self.python_edit)
        form.addRow("Target platform:", self.platform_edit)
        form.addRow("", self.wheels_check)
        form.addRow("", self.dev_check)
        form.addRow("GPU libraries:", self.accelerator_combo)
        self.signing_row = KeyFileRow("signing key", SECRET_KEY_FILTER, self.settings.signing_key,
                                      lambda path: setattr(self.settings, "signing_key", path))
        self.signing_row.path_edit.setPlaceholderText("not signed (choose a minisign secret key to sign SHA256SUMS)")
        self.signing_row.setToolTip(SIGNING_TIP)
        self.new_key_button = QPushButton("New key pair…")
        self.new_key_button.setAccessibleName("Make a new key pair")
        self.new_key_button.setToolTip("Make a password-protected minisign key pair (like handoff keygen or minisign "
                                       "-G) and sign with it; give its .pub file to IT")
        self.new_key_button.clicked.connect(self.new_key_pair)
        self.signing_row.add_button(self.new_key_button)
        self.new_key_note = NewKeyNote()
        self.signing_row.changed.connect(self.new_key_note.hide)  # another key chosen: the note no longer holds
        self.new_key_note.open_folder_button.clicked.connect(
            lambda: self.new_key_note.folder and open_path(self.new_key_note.folder))
        form.addRow("Sign with key:", self.signing_row)
        form.addRow("", self.new_key_note)
        return box

    def _result_box(self) -> QGroupBox:
        self.result_box = QGroupBox("Built")
        box = QVBoxLayout(self.result_box)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_folder_button = QPushButton(icon("folder"), "Open folder")
        self.open_runbook_button = QPushButton(icon("details"), "Open runbook")
        self.open_folder_button.clicked.connect(lambda: self.result and open_path(self.result.path.parent))
        self.open_runbook_button.clicked.connect(self.show_runbook)
        box.addWidget(self.result_label)
        box.addLayout(button_row(self.open_folder_button, self.open_runbook_button))
        self.result_box.hide()
        return self.result_box

    def _choose_output(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Where should the bundle go?", self.output_edit.text())
        if folder:
            self.output_edit.setText(folder)

    def refresh(self) -> None:
        report = self.session.report if self.session else None
        chosen = choose_target_python(report.python_versions) if report is not None else None
        if chosen is not None and chosen.chosen is not None:
            self.python_edit.setPlaceholderText(f"the project's: {chosen.version} from {describe(chosen.chosen)}")

    def options(self, reason: Optional[str]) -> BundleOptions:
        return BundleOptions(
            output_dir=Path(self.output_edit.text().strip() or Path.home() / "handoff-bundles").expanduser(),
            zip=self.zip_check.isChecked(), engine=self.engine_combo.currentData(),
            target_python=self.python_edit.text().strip() or None,
            target_platform=self.platform_edit.text().strip() or None,
            with_wheels=self.wheels_check.isChecked(), allow_not_ready_reason=reason,
            include_dev=self.dev_check.isChecked(), accelerator=self.accelerator_combo.currentData(),
            policy_path=Path(self.settings.policy_path) if self.settings.policy_path else None,
            python=self.settings.interpreter_for(str(self.session.root)))

    def _remember_options(self) -> None:
        for name, value in (("output_dir", self.output_edit.text().strip()), ("zip", self.zip_check.isChecked()),
                            ("engine", self.engine_combo.currentData()),
                            ("target_python", self.python_edit.text().strip()),
                            ("target_platform", self.platform_edit.text().strip()),
                            ("with_wheels", self.wheels_check.isChecked()),
                            ("include_dev", self.dev_check.isChecked()),
                            ("accelerator", self.accelerator_combo.currentData())):
            self.settings.set_bundle_option(name, value)

    # Building ------------------------------------------------------------------------------------------
    def build(self) -> None:
        if self.session is None or self.worker is not None or not self.save_first():
            return
        reason = None
        assessment = self.session.assessment
        if assessment is not None and assessment.level == NOT_READY:
            reason = ask_not_ready_reason(self, ", ".join(assessment.blockers) or "see the checklist")
            if reason is None:
                return
        options = self.options(reason)
        self._remember_options()
        key = self.signing_row.path()
        protected = key is not None and secret_key_needs_password(key)
        password = ask_key_password(self, key) if protected else None
        self._clear_result()
        if protected and password is None:
            self._log(f"Not built: the password of the signing key {key} was not given; nothing was written.")
        elif key is None:
            self._start_build(options)
        else:
            self._start_unlock(key, password, options)

    def _clear_result(self) -> None:
        self.log.clear()
        self.result = None
        self.result_box.hide()
        self.signed_with = None

    def _start_unlock(self, key: Path, password: Optional[str], options: BundleOptions) -> None:
        """Unlock the signing key off the GUI thread (scrypt), then build with the unlocked key."""
        self._log(f"Unlocking the signing key {key}…")
        self.worker = self.runner.start(lambda progress, cancel: unlock_or_none(key, password),
                                        "unlocking the signing key",
                                        finished=lambda unlocked: self._unlocked(unlocked, key, options),
                                        failed=self._unlock_failed, cancelled=self._cancelled)
        self._set_running(True)

    def _unlocked(self, key: Optional[SecretKey], path: Path, options: BundleOptions) -> None:
        self.worker = None
        if key is None:  # a wrong password: ask again at once, as a password prompt does
            self._log(f"Wrong password for {path}.")
            password = ask_key_password(self, path, again=True)
            if password is None:
                self._end()
                self._log(f"Not built: the password of the signing key {path} was not given; nothing was written.")
            else:
                self._start_unlock(path, password, options)
            return
        self.signed_with = (key.public.id_text, path)
        self._start_build(dataclasses.replace(options, sign_key=key))

    def _unlock_failed(self, summary: str, _details: str) -> None:
        """An unusable key: the signing package's sentence, no traceback; Build asks again."""
        self._end()
        self._log(f"Not built: {summary.rstrip('.')}; nothing was written.")
        show_error(self, summary)

    # A new key pair --------------------------------------------------------------------------------------
    def new_key_pair(self) -> None:
        """Ask where and with which password, then write the pair off the GUI thread and sign with it."""
        if self.worker is not None:
            return
        secret = ask_new_key_path(self)
        if secret is None:
            return
        public = secret.with_suffix(".pub")
        try:
            refuse_existing_key_files(secret, public)
        except SignatureError as error:
            show_error(self, f"Cannot make the key pair: {error}.")
            return
        password = ask_new_key_password(self, secret)
        if password is None:
            self._log(f"No key pair made: the password for {secret} was not given; nothing was written.")
            return
        self._log(f"Making the key pair {secret} and {public.name} (protecting the key with your password takes a "
                  "few seconds)…")
        limits = self.new_key_limits
        self.making_key = True
        self.worker = self.runner.start(lambda progress, cancel: write_keypair(secret, public, password, limits),
                                        "making the key pair", finished=lambda key: self._key_made(key, secret),
                                        failed=self._key_failed)
        self._set_running(True, cancellable=False)  # scrypt cannot be stopped half-way; it takes seconds

    def _key_made(self, key: SecretKey, secret: Path) -> None:
        self._end()
        public = secret.with_suffix(".pub")
        self.signing_row.set_path(str(secret))
        self.new_key_note.say(key.public.id_text, public)
        self._log(f"Made the key pair {key.public.id_text}: {secret} (password-protected, readable by you only) now "
                  f"signs your bundles; give {public} to IT, who choose it as Trusted key.")

    def _key_failed(self, summary: str, _details: str) -> None:
        self._end()
        self._log(f"No key pair made: {summary.rstrip('.')}.")
        show_error(self, f"Cannot make the key pair: {summary.rstrip('.')}.")

    def _start_build(self, options: BundleOptions) -> None:
        root = self.session.root
        self._log(f"Building the bundle of {root} into {options.output_dir}")
        self.worker = self.runner.start(
            lambda progress, cancel: build_bundle(root, options, progress, cancel), "building the bundle",
            finished=self._finished, failed=self._failed, cancelled=self._cancelled, progress=self._progress)
        self._set_running(True)

    def cancel(self) -> None:
        if self.worker is not None and not self.making_key:
            self.worker.cancel()
            self.cancel_button.setEnabled(False)
            self._log("Cancelling…")

    def _progress(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        if message:
            self._log(message)

    def _finished(self, result: BundleResult) -> None:
        self._end()
        self.result = result
        for warning in result.warnings:
            self._log(f"Warning: {warning}")
        count = len(result.warnings)
        warnings = f"\n{count} warning{'s' if count != 1 else ''} for IT, listed in the log above." if count else ""
        signed = f" · signed with key {self.signed_with[0]}" if self.signed_with else ""
        self.result_label.setText(f"{result.path}\n{human_size(result.size)} · readiness: {result.level}{signed}"
                                  f"{warnings}")
        self.result_box.show()
        if self.signed_with:
            key_id, path = self.signed_with
            self._log(f"Signed SHA256SUMS with key {key_id} ({path}); IT checks it with the matching "
                      f"public key: handoff verify {result.path.name} --trust PUBKEY")
        self._log(f"Done: {result.path} ({human_size(result.size)})")
        self.session.bundle_built(result.path)

    def _failed(self, summary: str, details: str) -> None:
        self._end()
        self._log(f"Failed: {summary}")
        show_error(self, summary, details)

    def _cancelled(self) -> None:
        self._end()
        self._log("Cancelled: nothing was written.")

    def _end(self) -> None:
        self.worker = None
        self.making_key = False
        self._set_running(False)

    def _set_running(self, running: bool, cancellable: bool = True) -> None:
        self.build_button.setEnabled(not running)
        self.new_key_button.setEnabled(not running)
        self.cancel_button.setEnabled(running and cancellable)
        self.progress.setVisible(running)
        if running:
            self.progress.setRange(0, 0)

    def _log(self, line: str) -> None:
        self.log.appendPlainText(line)

    def show_runbook(self) -> None:
        if self.result is None:
            return
        dialog = QDialog(self)
        dialog.setWindowTitle("Runbook")
        dialog.resize(760, 640)
        browser = QTextBrowser()
        browser.setMarkdown(read_runbook(self.result.path))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        box = QVBoxLayout(dialog)
        box.addWidget(browser)
        box.addWidget(buttons)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.runbook_dialog = dialog

    def state(self) -> str:
        return DONE if self.session is not None and self.session.last_bundle else PENDING

    def state_hint(self) -> str:
        return f"built {self.session.last_bundle.name}" if self.session and self.session.last_bundle else ""
