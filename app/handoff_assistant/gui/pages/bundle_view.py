"""The bundle view for IT: integrity badge first, then the summary and tabs, "Prepare and test", "Compare with…".

A zip is never extracted to look at it: ``bundle.contents`` reads members from the archive after checking
every one of them. Only "Prepare and test" writes files, into the working folder the user chose. With a trusted
public key chosen (remembered), a bundle must be signed by it, as ``handoff verify --trust`` requires.
"""
from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any, Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QFileDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QPlainTextEdit,
                               QPushButton, QSplitter, QTableView, QTabWidget, QTextBrowser, QTreeView, QVBoxLayout,
                               QWidget)

from handoff_assistant.bundle.contents import BundleOverview, inspect_bundle
from handoff_assistant.bundle.diff import BundleDiff, diff_bundles, diff_text
from handoff_assistant.bundle.manifest import MANIFEST_NAME
from handoff_assistant.bundle.signature import INVALID, OTHER_KEY, TRUSTED, UNCHECKED, UNSIGNED
from handoff_assistant.bundle.verify import VerificationResult
from handoff_assistant.gui.icons import icon
from handoff_assistant.gui.messages import show_error
from handoff_assistant.gui.models.base import RowTableModel
from handoff_assistant.gui.settings import AppSettings
from handoff_assistant.gui.models.bundle_models import (PATH_ROLE, ConfigKeyTableModel, DependencyTableModel,
                                                        ExplanationTableModel, FindingTableModel, LockTableModel,
                                                        RPackageTableModel, code_tree_model)
from handoff_assistant.gui.theme import LEVEL_COLOURS
from handoff_assistant.gui.widgets.key_file_row import KeyFileRow
from handoff_assistant.gui.widgets.prepare_panel import PreparePanel
from handoff_assistant.gui.widgets.progress_panel import ProgressPanel
from handoff_assistant.gui.workers import TaskRunner, Worker
from handoff_assistant.scan.findings.masking import mask_secrets
from handoff_assistant.signing import PublicKey, SignatureError, load_public_key

OK_COLOUR, BAD_COLOUR = "#2e7d4f", "#b3261e"
BUNDLE_FILTER = "Handoff bundles (*.zip handoff-manifest.json);;All files (*)"
PUBLIC_KEY_FILTER = "minisign public keys (*.pub);;All files (*)"
TRUST_TIP = ("The data scientist's minisign public key (.pub, from handoff keygen or minisign -G). When chosen, "
             "every bundle must be signed by it: an unsigned bundle, one signed by another key or one changed after "
             "signing fails, as with handoff verify --trust. Without it a signature is shown but not checked.")


def is_bundle(path: Path) -> bool:
    """A .zip, or a folder holding a handoff manifest (anything else opens as a prototype folder)."""
    return (path.is_file() and path.suffix.lower() == ".zip") or (path / MANIFEST_NAME).is_file()


def choose_bundle_path(parent: QWidget, title: str = "Open a handoff bundle") -> Optional[Path]:
    """A bundle .zip, or a bundle folder picked through its handoff-manifest.json."""
    path, _ = QFileDialog.getOpenFileName(parent, title, str(Path.home()), BUNDLE_FILTER)
    if not path:
        return None
    chosen = Path(path)
    return chosen.parent if chosen.name == MANIFEST_NAME else chosen


def integrity_text(result: VerificationResult, trusted_id: str = "") -> str:
    """The badge: whether the files are intact, then who signed them (trusted, unknown key, unsigned)."""
    files = f"all {result.checked} files match SHA256SUMS and the manifest"
    if result.ok:
        return {
            TRUSTED: f"✔ Intact and signed by your trusted key {result.signer}: {files}.\nThe signature shows who "
                     "vouched for the bundle and that nothing changed after it was signed.",
            UNCHECKED: f"✔ Intact: {files}.\nSigned by an unknown key {result.signer or '(unreadable)'}: no trusted "
                       "key is chosen, so who signed it is not checked.",
        }.get(result.signature_state, f"✔ Intact: {files}.\nNot signed: intact means unchanged since it was built, "
                                      "not who built it.")
    if _only_the_signature_failed(result, trusted_id):
        return {
            OTHER_KEY: f"✖ Signed by an unknown key {result.signer}, not your trusted key {trusted_id}: do not "
                       f"install or run this bundle unless you know who holds that key.\nThe files are intact "
                       f"({files}); that says nothing about who built them.",
            UNSIGNED: f"✖ Not signed, but your trusted key {trusted_id} is required: ask the bundle's owner for a "
                      f"signed bundle.\nThe files are intact ({files}); that says nothing about who built them.",
        }.get(result.signature_state, f"✖ Signature INVALID — do not install or run this bundle; ask its owner for "
                                      f"a new one.\n{result.problems[-1]}.")
    lines = ["✖ Integrity check FAILED — do not install or run this bundle; ask its owner for a new one."]
    lines += [f"changed: {p}" for p in result.mismatched] + [f"missing: {p}" for p in result.missing]
    lines += [f"not part of the bundle: {p}" for p in result.extra] + list(result.problems)
    return "\n".join(lines[:12] + ([f"… and {len(lines) - 12} more"] if len(lines) > 12 else []))


def _only_the_signature_failed(result: VerificationResult, trusted_id: str) -> bool:
    """Every file matches; what fails is the signature a trusted key requires (its sentence is the last problem)."""
    signature_failed = bool(trusted_id) and result.signature_state in (UNSIGNED, OTHER_KEY, INVALID)
    return (signature_failed and len(result.problems) == 1 and not result.differing_files()
            and not result.inputs_missing)


class BundleView(QWidget):
    loaded = Signal()  # the overview reached the widgets (tests and screenshots wait on it)
    compared = Signal(object)  # the BundleDiff shown in the Changes tab
    close_requested = Signal()

    def __init__(self, runner: TaskRunner, settings: Optional[AppSettings] = None,
                 parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.settings = settings
        self.overview: Optional[BundleOverview] = None
        self.diff: Optional[BundleDiff] = None
        self.worker: Optional[Worker] = None
        self.trust: Optional[PublicKey] = None  # read from the trusted key file each time a bundle is opened
        self.trust_problem = ""  # why the trusted key file cannot be used
        self.setAccessibleName("Bundle view")
        self.setAcceptDrops(False)
        self._build_header()
        self._build_body()

    # Layout ----------------------------------------------------------------------------------------
    def _build_header(self) -> None:
        self.title = QLabel("Handoff bundle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.compare_button = QPushButton(icon("refresh"), "Compare with…")
        self.compare_button.setToolTip("What changed since an earlier bundle of this project")
        self.compare_button.clicked.connect(self.choose_comparison)
        self.close_button = QPushButton(icon("cancel"), "Close bundle")
        self.close_button.clicked.connect(self.close_requested)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.compare_button)
        header.addWidget(self.close_button)
        self._header = header
        self.badge = self._banner("integrityBadge", "Integrity")
        self.trust_row = KeyFileRow("trusted public key", PUBLIC_KEY_FILTER,
                                    self.settings.trusted_key if self.settings else None, self._remember_trust)
        self.trust_row.path_edit.setPlaceholderText("none: a signature is shown but not checked (choose the owner's "
                                                    ".pub to require it)")
        self.trust_row.setToolTip(TRUST_TIP)
        self.trust_row.changed.connect(self._trust_changed)
        self.trust_layout = QHBoxLayout()
        self.trust_layout.addWidget(QLabel("Trusted key:"))
        self.trust_layout.addWidget(self.trust_row, 1)
        self.not_ready = self._banner("notReadyBanner", "Handed over although not ready")
        self.summary = QHBoxLayout()
        self.summary_fields: dict[str, QLabel] = {}
        for labels in (("Project", "Owner", "Contacts", "Created"), ("Source", "Target", "Environment", "Readiness",
                                                                       "Blockers")):
            form = QFormLayout()
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
            self.summary.addLayout(form, 1)
            for label in labels:
                form.addRow(f"{label}:", self._summary_field(label))

    def _summary_field(self, label: str) -> QLabel:
        field = QLabel()
        field.setTextFormat(Qt.TextFormat.RichText if label == "Readiness" else Qt.TextFormat.PlainText)
        field.setWordWrap(True)
        field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_fields[label] = field
        return field

    def _build_body(self) -> None:
        self.progress = ProgressPanel()
        self.progress.cancel_requested.connect(self.cancel)
        self.tabs = QTabWidget()
        self._build_tabs()
        layout = QVBoxLayout(self)
        layout.addLayout(self._header)
        layout.addWidget(self.badge)
        layout.addLayout(self.trust_layout)
        layout.addWidget(self.not_ready)
        layout.addLayout(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(self.tabs, 1)

    def _banner(self, name: str, accessible: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setAccessibleName(accessible)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.hide()
        return label

    def _build_tabs(self) -> None:
        self.runbook = QTextBrowser()
        self.runbook.setOpenExternalLinks(False)
        self.runbook.setAccessibleName("Runbook")
        self.lock_model = LockTableModel(self)
        self.dependency_model = DependencyTableModel(self)
        self.r_model = RPackageTableModel(self)
        self.finding_model = FindingTableModel(self)
        self.explanation_model = ExplanationTableModel(self)
        self.config_model = ConfigKeyTableModel(self)
        self.code_tree = QTreeView()
        self.code_tree.setAccessibleName("Code files")
        self.code_tree.setHeaderHidden(True)
        self.code_viewer = self._text_view("Select a file to read it (read-only).", "Code viewer")
        self.prepare = PreparePanel(self.runner, self.settings)
        self.prepare.busy_changed.connect(lambda _busy: self._update_actions())
        self.changes = self._text_view("Use “Compare with…” to see what changed since an earlier bundle.", "Changes")
        code = QSplitter()
        code.addWidget(self.code_tree)
        code.addWidget(self.code_viewer)
        code.setSizes([260, 700])
        self.tabs.addTab(self.runbook, "Runbook")
        self.tabs.addTab(self._table(self.lock_model, "Lockfile"), "Lockfile")
        self.tabs.addTab(self._stacked((self._table(self.dependency_model, "Dependencies"),
                                        self._table(self.r_model, "R packages"))), "Dependencies")
        self.tabs.addTab(self._stacked((self._table(self.finding_model, "Findings"),
                                        self._table(self.explanation_model, "Explanations"))), "Findings")
        self.tabs.addTab(self._table(self.config_model, "Configuration keys"), "Configuration")
        self.tabs.addTab(code, "Code")
        self.tabs.addTab(self.prepare, "Prepare and test")
        self.tabs.addTab(self.changes, "Changes")

    @staticmethod
    def _text_view(placeholder: str, name: str) -> QPlainTextEdit:
        view = QPlainTextEdit()
        view.setReadOnly(True)
        view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        view.setPlaceholderText(placeholder)
        view.setAccessibleName(name)
        view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        return view

    @staticmethod
    def _table(model: RowTableModel, name: str) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.setAccessibleName(name)
        table.setSortingEnabled(False)
        table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return table

    @staticmethod
    def _stacked(widgets) -> QSplitter:
        splitter = QSplitter(Qt.Orientation.Vertical)
        for widget in widgets:
            splitter.addWidget(widget)
        return splitter

    # Opening ---------------------------------------------------------------------------------------
    def open(self, path: Path) -> None:
        self.cancel()
        self.title.setText(path.name)
        self.badge.setText(f"Checking every file of {path.name}…")
        self.badge.setStyleSheet("")
        self.badge.show()
        self.tabs.setEnabled(False)
        self.prepare.set_bundle(None, False)
        self.progress.begin(f"Opening {path.name}…")
        trust = self._read_trusted_key()
        self.worker = self.runner.start(lambda progress, cancel: inspect_bundle(path, progress, cancel, trust),
                                        "opening the bundle", finished=self._show, failed=self._failed,
                                        cancelled=self._ended, progress=self.progress.report)
        self._update_actions()

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
        self.prepare.cancel()

    # Trusting a key --------------------------------------------------------------------------------
    def _remember_trust(self, path: Optional[str]) -> None:
        if self.settings is not None:
            self.settings.trusted_key = path

    def _trust_changed(self, _path: str) -> None:
        """Check the open bundle again against the new key (or none)."""
        if self.overview is not None and self.worker is None:
            self.open(self.overview.source)

    def _read_trusted_key(self) -> Optional[PublicKey]:
        path = self.trust_row.path()
        self.trust, self.trust_problem = None, ""
        if path is not None:
            try:
                self.trust = load_public_key(path)
            except SignatureError as error:
                self.trust_problem = str(error)
        return self.trust

    def _ended(self) -> None:
        self.worker = None
        self.progress.end()
        self._update_actions()

    def _failed(self, summary: str, details: str) -> None:
        self._ended()
        if self.overview is None:
            self.badge.setText(f"✖ The bundle could not be opened: {summary}")
        show_error(self, summary, details)

    def _update_actions(self) -> None:
        self.compare_button.setEnabled(self.worker is None and self.overview is not None
                                       and self.overview.contents is not None)
        # Changing the key re-opens the bundle, which would stop a harness run or race the check under way.
        self.trust_row.setEnabled(self.worker is None and self.prepare.worker is None)

    def _show(self, overview: BundleOverview) -> None:
        self.overview = overview
        self._ended()
        self._show_badge(overview)
        contents = overview.contents
        manifest = contents.manifest if contents is not None else {}
        self._show_summary(manifest)
        self.runbook.setMarkdown(overview.runbook)
        self.lock_model.set_lock(overview.lock)
        self.dependency_model.set_rows(tuple(d for d in manifest.get("dependencies") or [] if isinstance(d, dict)))
        self.r_model.set_rows(tuple(r for r in manifest.get("r_packages") or [] if isinstance(r, dict)))
        self.finding_model.set_manifest(manifest)
        self.explanation_model.set_manifest(manifest)
        self.config_model.set_rows(tuple(k for k in manifest.get("config_keys") or [] if isinstance(k, dict)))
        previous = self.code_tree.model()
        self.code_tree.setModel(code_tree_model(contents.code_files() if contents else (), self.code_tree))
        if previous is not None:
            previous.deleteLater()
        self.code_tree.selectionModel().currentChanged.connect(self._show_file)
        self.code_tree.expandToDepth(0)
        self.code_viewer.clear()
        self.tabs.setEnabled(contents is not None)
        target = str((manifest.get("environment") or {}).get("python_version") or "")
        self.prepare.set_bundle(overview.source, overview.integrity.ok and contents is not None
                                and not self.trust_problem, target)
        self._update_actions()
        self.loaded.emit()

    def _show_badge(self, overview: BundleOverview) -> None:
        ok = overview.integrity.ok and not overview.refused and not self.trust_problem
        self.badge.setText(self._badge_text(overview))
        colour = OK_COLOUR if ok else BAD_COLOUR
        self.badge.setStyleSheet(f"QLabel#integrityBadge {{ background: {colour}; color: white; padding: 8px; "
                                 "border-radius: 4px; font-weight: bold; }")
        self.badge.show()

    def _badge_text(self, overview: BundleOverview) -> str:
        if overview.refused:
            return f"✖ Refused: {overview.refused}"
        if self.trust_problem:
            return (f"✖ Your trusted key cannot be used ({self.trust_problem}), so who signed this bundle was not "
                    "checked. Choose the owner's .pub file again, or clear the trusted key.")
        return integrity_text(overview.integrity, self.trust.id_text if self.trust else "")

    def _show_summary(self, manifest: dict[str, Any]) -> None:
        project = manifest.get("project") or {}
        source = manifest.get("source") or {}
        target = manifest.get("target") or {}
        environment = manifest.get("environment") or {}
        assessment = manifest.get("assessment") or {}
        level = str(assessment.get("level") or "unknown")
        colour = LEVEL_COLOURS.get(level, "")
        fields = {
            "Project": " — ".join(str(v) for v in (project.get("name"), project.get("summary")) if v),
            "Owner": _person(project.get("owner")),
            "Contacts": "; ".join(_person(c) for c in project.get("contacts") or []) or "none named",
            "Created": f"{manifest.get('created_at', '?')} by Handoff Assistant {manifest.get('tool_version', '?')}",
            "Source": _source_text(source),
            "Target": (f"Python {environment.get('python_version') or target.get('python_version') or '?'} on "
                       f"{environment.get('platform') or target.get('platform') or '?'}"
                       f" (scanned: {target.get('python_version', '?')}, {target.get('machine', '?')})"),
            "Environment": _environment_text(manifest),
            "Readiness": (f"{escape(str(assessment.get('score', '?')))} / 100, <b style='color:{colour}'>"
                          f"{escape(level)}</b>, weakest: {escape(str(assessment.get('weakest_section') or '—'))}"),
            "Blockers": ", ".join(assessment.get("blockers") or []) or "none",
        }
        for label, text in fields.items():
            self.summary_fields[label].setText(text)
        reason = manifest.get("not_ready_reason")
        self.not_ready.setVisible(bool(reason))
        self.not_ready.setText(f"⚠ Handed over although NOT READY. The data scientist's reason: {reason}")
        self.not_ready.setStyleSheet("QLabel#notReadyBanner { background: #c77c00; color: white; padding: 8px; "
                                     "border-radius: 4px; font-weight: bold; }")

    def _show_file(self, current, _previous) -> None:
        path = current.data(PATH_ROLE) if current.isValid() else None
        if not path or self.overview is None or self.overview.contents is None:
            return
        text = self.overview.contents.text(path)
        self.code_viewer.setPlainText(mask_secrets(text) if text is not None else
                                      f"{path} is binary, not UTF-8 or too large to show.")

    # Comparing -------------------------------------------------------------------------------------
    def choose_comparison(self) -> None:
        other = choose_bundle_path(self, "Compare with an earlier bundle")
        if other is not None:
            self.compare_with(other)

    def compare_with(self, older: Path) -> None:
        """Show what changed from ``older`` to the open bundle in the Changes tab."""
        if self.overview is None or self.worker is not None:
            return
        current = self.overview.source
        self.progress.begin(f"Comparing with {older.name}…")
        self.worker = self.runner.start(lambda progress, cancel: diff_bundles(older, current, progress, cancel),
                                        "comparing the bundles", finished=self._show_diff, failed=self._failed,
                                        cancelled=self._ended, progress=self.progress.report)
        self._update_actions()

    def _show_diff(self, diff: BundleDiff) -> None:
        self._ended()
        self.diff = diff
        self.changes.setPlainText(diff_text(diff))
        self.tabs.setCurrentWidget(self.changes)
        self.compared.emit(diff)


def _environment_text(manifest: dict) -> str:
    """R, system packages, development group and service account, as the manifest records them."""
    r = manifest.get("r_environment") or {}
    system = manifest.get("system_packages") or {}
    service = manifest.get("service") or {}
    groups = (manifest.get("environment") or {}).get("groups") or {}
    runner = (manifest.get("environment") or {}).get("runner") or {}
    parts = []
    if r.get("version") or r.get("packages"):
        lock = f"{len(r.get('packages') or [])} packages in {r['lock']}" if r.get("lock") else "no renv.lock"
        parts.append(f"R {r.get('version') or '(version not recorded)'} ({lock})")
    if "system_packages" in manifest:
        debian = system.get("debian") or []
        parts.append(f"system packages: {', '.join(debian)}" if debian else "no system packages needed")
    if groups.get("development"):
        parts.append(f"{len(groups['development'])} development-only (env/requirements-dev.txt)")
    listed = runner.get("distributions") if isinstance(runner, dict) else None
    names = ", ".join(str(d.get("distribution")) for d in listed if isinstance(d, dict)) \
        if isinstance(listed, list) else ""
    if names:
        parts.append(f"notebook runners {names} ({runner['requirements']})" if runner.get("requirements")
                     else f"notebook runners {names} NOT locked")
    if service.get("account"):
        parts.append(f"runs as {service['account']}")
    return "; ".join(parts) or "Python packages only (recorded by an older version of the app)"


def _person(person: Any) -> str:
    if not isinstance(person, dict) or not person.get("name"):
        return "not named"
    extra = ", ".join(str(person[k]) for k in ("role", "email") if person.get(k))
    return f"{person['name']} ({extra})" if extra else str(person["name"])


def _source_text(source: dict[str, Any]) -> str:
    if not source.get("is_git"):
        return "not a git repository" + (" (files changed since listing)" if source.get("dirty") else "")
    commit = str(source.get("commit") or "?")[:12]
    state = "DIRTY: uncommitted changes were handed over" if source.get("dirty") else "clean"
    return f"commit {commit} on {source.get('branch') or '?'} ({state})"
