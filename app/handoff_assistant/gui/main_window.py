"""The main window: welcome screen or an open project, menus and shortcuts, scans on the worker pool."""
from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Optional

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QStackedWidget, QWidget

from handoff_assistant.assets import sample_project_path
from handoff_assistant.gui.environments import interpreter_in
from handoff_assistant.gui.fix_controller import FixController
from handoff_assistant.gui.icons import icon
from handoff_assistant.gui.logging_setup import log_dir
from handoff_assistant.gui.messages import ask_yes_no, show_error
from handoff_assistant.gui.pages.bundle import BundlePage
from handoff_assistant.gui.pages.bundle_view import BundleView, choose_bundle_path, is_bundle
from handoff_assistant.gui.pages.checklist import ChecklistPage
from handoff_assistant.gui.pages.details import DetailsPage
from handoff_assistant.gui.pages.dependencies import DependenciesPage
from handoff_assistant.gui.pages.findings import FindingsPage
from handoff_assistant.gui.pages.overview import OverviewPage
from handoff_assistant.gui.pages.portfolio_page import PortfolioPage
from handoff_assistant.gui.pages.welcome import WelcomePage
from handoff_assistant.gui.project_view import ProjectView
from handoff_assistant.gui.session import ProjectSession
from handoff_assistant.gui.settings import AppSettings
from handoff_assistant.user_data import user_data_dir
from handoff_assistant.readiness.facts import project_facts
from handoff_assistant.readiness.policy import PolicyError, load_policy
from handoff_assistant.readiness.project_file import ProjectFileError
from handoff_assistant.gui.workers import TaskRunner, Worker
from handoff_assistant.scan import ScanOptions, scan_project

log = logging.getLogger(__name__)


def build_pages(runner: TaskRunner, settings: AppSettings) -> list:
    return [OverviewPage(), DependenciesPage(), FindingsPage(), ChecklistPage(), DetailsPage(),
            BundlePage(runner, settings)]


def scan_for_assessment(root: Path, options: ScanOptions, progress, cancel):
    """Scan, then read the folder facts the checklist needs, so assessing on the GUI thread stays instant."""
    report = scan_project(root, options, progress, cancel)
    progress(0, 0, "Reading what the checklist needs")
    project_facts(report)
    return report


def ask_save_changes(parent: QWidget, name: str) -> QMessageBox.StandardButton:
    buttons = (QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
               | QMessageBox.StandardButton.Cancel)
    return QMessageBox.question(parent, "Unsaved handoff details",
                                f"The handoff details of {name} have changes that are not in handoff.yaml yet. "
                                "Save them?", buttons, QMessageBox.StandardButton.Save)


class MainWindow(QMainWindow):
    scan_finished = Signal()  # after a scan's report reached the pages (tests and screenshots wait on it)

    def __init__(self, settings: AppSettings, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.runner = TaskRunner(self)
        self.session: Optional[ProjectSession] = None
        self.project_view: Optional[ProjectView] = None
        self.scan_worker: Optional[Worker] = None
        self.bundle_view: Optional[BundleView] = None
        self.portfolio: Optional[PortfolioPage] = None
        self._title_before_portfolio = "Handoff Assistant"
        self.fixes = FixController(self)
        self.setWindowTitle("Handoff Assistant")
        self.setWindowIcon(icon("app"))
        self.setAcceptDrops(True)
        self.resize(1200, 800)
        self.stack = QStackedWidget()
        self.welcome = WelcomePage()
        self.welcome.open_folder_requested.connect(self.choose_folder)
        self.welcome.open_bundle_requested.connect(self.choose_bundle)
        self.welcome.sample_requested.connect(self.open_sample)
        self.welcome.project_requested.connect(lambda path: self.open_project(Path(path)))
        self.welcome.portfolio_requested.connect(self.open_portfolio)
        self.stack.addWidget(self.welcome)
        self.setCentralWidget(self.stack)
        self._create_actions()
        self.stack.currentChanged.connect(self._update_actions)
        self._update_actions()
        self.welcome.set_recent(self.settings.recent_projects)
        if self.settings.window_geometry is not None:
            self.restoreGeometry(self.settings.window_geometry)

    # Actions and menus ---------------------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut=None, icon_name: Optional[str] = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(f"{text.rstrip('…')} ({QKeySequence(shortcut).toString()})" if shortcut else text)
        action.triggered.connect(slot)
        return action

    def _create_actions(self) -> None:
        self.open_action = self._action("&Open Folder…", self.choose_folder, QKeySequence.StandardKey.Open, "folder",
                                        "Open a prototype folder")
        self.open_bundle_action = self._action("Open &Bundle…", self.choose_bundle, None, "bundle")
        self.sample_action = self._action("Open the &Sample Prototype", self.open_sample, None, "sample")
        self.portfolio_action = self._action("&Portfolio", self.open_portfolio, "Ctrl+Shift+P", "checklist",
                                             "Readiness across projects: bundles and project folders in one table")
        self.rescan_action = self._action("&Rescan", self.rescan, Qt.Key.Key_F5, "refresh",
                                          "Scan the project again (keeps your place)")
        self.save_action = self._action("&Save Handoff Details", self.save_project, QKeySequence.StandardKey.Save,
                                        "save", "Write your changes into handoff.yaml")
        self.build_action = self._action("&Build Bundle", self.build_bundle, "Ctrl+B", "build",
                                         "Build the handoff bundle for IT")
        self.close_project_action = self._action("&Close Project", self.close_project, QKeySequence.StandardKey.Close)
        self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.log_action = self._action("Open &Log Folder", self.open_log_folder)
        self.about_action = self._action("&About Handoff Assistant", self.show_about)
        self.cancel_action = self._action("Cancel Task", self.cancel_tasks, Qt.Key.Key_Escape)
        self.addAction(self.cancel_action)

        file_menu = self.menuBar().addMenu("&File")
        for action in (self.open_action, self.open_bundle_action, self.sample_action):
            file_menu.addAction(action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.save_action)
        file_menu.addAction(self.close_project_action)
        file_menu.addAction(self.quit_action)
        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addAction(self.fixes.undo_action)
        self.project_menu = self.menuBar().addMenu("&Project")
        self.project_menu.addAction(self.rescan_action)
        self.project_menu.addAction(self.build_action)
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(self.portfolio_action)
        view_menu.addSeparator()
        for theme in ("system", "light", "dark"):
            view_menu.addAction(f"{theme.title()} Colours", lambda t=theme: self.set_theme(t))
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.log_action)
        help_menu.addAction(self.about_action)

        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.open_action, self.rescan_action, self.save_action, self.build_action):
            toolbar.addAction(action)
        self.toolbar = toolbar

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_projects:
            self.recent_menu.addAction(path, lambda p=path: self.open_project(Path(p)))
        self.recent_menu.setEnabled(bool(self.settings.recent_projects))

    def _update_actions(self) -> None:
        has_project = self.session is not None
        scanning = self.scan_worker is not None
        in_portfolio = self.portfolio is not None and self.stack.currentWidget() is self.portfolio
        self.rescan_action.setEnabled(has_project and not scanning and not in_portfolio)  # F5 refreshes the portfolio
        self.close_project_action.setEnabled(has_project)
        self.build_action.setEnabled(has_project and not scanning)
        self.save_action.setEnabled(has_project and self.session.dirty)

    # Opening ---------------------------------------------------------------------------------------
    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a prototype folder", str(Path.home()))
        if folder:
            self.open_project(Path(folder))

    def choose_bundle(self) -> None:
        path = choose_bundle_path(self)
        if path is not None:
            self.open_bundle_view(path)

    def open_bundle_view(self, path: Path) -> BundleView:
        """IT's view of a bundle (gui/pages/bundle_view.py); an open project stays open behind it."""
        self.close_bundle_view()
        self.bundle_view = BundleView(self.runner, self.settings)
        self.bundle_view.close_requested.connect(self.close_bundle_view)
        self.stack.addWidget(self.bundle_view)
        self.stack.setCurrentWidget(self.bundle_view)
        self.setWindowTitle(f"{path.name} — Handoff Assistant")
        self.bundle_view.open(path)
        return self.bundle_view

    def close_bundle_view(self) -> None:
        view = self.bundle_view
        if view is None:
            return
        view.cancel()
        self.stack.removeWidget(view)
        view.deleteLater()
        self.bundle_view = None
        self.stack.setCurrentWidget(self.project_view or self.welcome)
        self.setWindowTitle(f"{self.session.root.name}[*] — Handoff Assistant" if self.session else "Handoff Assistant")

    def open_portfolio(self) -> PortfolioPage:
        """The team lead's portfolio; it stays loaded behind the other screens once opened.

        Its sources are remembered by the page itself (the portfolio database in the user data folder).
        """
        if self.portfolio is None:
            self.portfolio = PortfolioPage(self, runner=self.runner, closable=True)
            self.portfolio.close_requested.connect(self.close_portfolio)
            self.portfolio.rows_loaded.connect(
                lambda count: self.statusBar().showMessage(f"Portfolio: {count} rows", 10000))
            self.stack.addWidget(self.portfolio)
        if self.stack.currentWidget() is not self.portfolio:
            self._title_before_portfolio = self.windowTitle()
            self.stack.setCurrentWidget(self.portfolio)
            self.setWindowTitle("Portfolio — Handoff Assistant")
        return self.portfolio

    def close_portfolio(self) -> None:
        """Back to where the user came from: an open bundle, the open project, or the welcome screen."""
        self.stack.setCurrentWidget(self.bundle_view or self.project_view or self.welcome)
        self.setWindowTitle(self._title_before_portfolio)

    def open_sample(self) -> None:
        """Open a private copy of the shipped sample, so saving handoff.yaml never writes into the app."""
        copy = user_data_dir() / "samples" / sample_project_path().name
        if not copy.is_dir():
            shutil.copytree(sample_project_path(), copy)
        self.open_project(copy)

    def open_project(self, path: Path) -> None:
        if not path.is_dir():
            show_error(self, f"{path} is not a folder that can be opened. Choose the folder that holds the "
                             "prototype's code.")
            self.settings.remove_recent_project(str(path))
            self.welcome.set_recent(self.settings.recent_projects)
            return
        if not self.confirm_discard():
            return
        self.cancel_tasks()
        root = path.resolve()
        self.session = ProjectSession(root, self)
        self.session.dirty_changed.connect(lambda _: self._update_actions())
        self.session.dirty_changed.connect(self.setWindowModified)
        view = ProjectView(build_pages(self.runner, self.settings))
        view.page_changed.connect(self._remember_page)
        view.bind(self.session)
        self._connect_pages(view)
        if self.project_view is not None:
            self.stack.removeWidget(self.project_view)
            self.project_view.deleteLater()
        self.project_view = view
        self.fixes.project_opened()
        self.stack.addWidget(view)
        self.stack.setCurrentWidget(view)
        view.show_page(self.settings.last_page)
        self.setWindowTitle(f"{root.name}[*] — Handoff Assistant")
        self.setWindowModified(False)
        self.settings.add_recent_project(str(root))
        self.welcome.set_recent(self.settings.recent_projects)
        self._load_project_file(self.session)
        self._apply_policy()
        self.start_scan()

    def _load_project_file(self, session: ProjectSession) -> None:
        try:
            session.load_project()
        except ProjectFileError as error:
            show_error(self, f"The handoff details could not be read: {error}. Fix handoff.yaml in an editor and "
                             "scan again (F5); until then the details are empty and saving is blocked, so the "
                             "file stays as you wrote it.")

    def _connect_pages(self, view: ProjectView) -> None:
        view.progress.cancel_requested.connect(self.cancel_tasks)
        overview = view.page("overview")
        overview.choose_interpreter_requested.connect(self.choose_interpreter)
        overview.choose_environment_requested.connect(self.choose_environment)
        overview.default_interpreter_requested.connect(lambda: self.set_interpreter(None))
        view.page("checklist").policy_requested.connect(self.choose_policy)
        view.page("details").save_requested.connect(self.save_project)
        view.page("findings").fix_requested.connect(self.fixes.fix)
        view.page("bundle").save_first = self.save_before_build

    def _remember_page(self, page_id: str) -> None:
        self.settings.last_page = page_id

    def close_project(self) -> None:
        if not self.confirm_discard():
            return
        self._close_project()

    def _close_project(self) -> None:
        self.cancel_tasks()
        if self.project_view is not None:
            self.stack.removeWidget(self.project_view)
            self.project_view.deleteLater()
        self.project_view = None
        self.session = None
        self.fixes.project_closed()
        self.stack.setCurrentWidget(self.welcome)
        self.setWindowTitle("Handoff Assistant")
        self._update_actions()

    # Scanning --------------------------------------------------------------------------------------
    def start_scan(self) -> None:
        session, view = self.session, self.project_view
        if session is None or view is None or self.scan_worker is not None:
            return
        options = ScanOptions(python=self.settings.interpreter_for(str(session.root)))
        view.progress.begin(f"Scanning {session.root.name}…")
        self.scan_worker = self.runner.start(
            lambda progress, cancel: scan_for_assessment(session.root, options, progress, cancel),
            "scanning the project",
            finished=lambda report: self._scan_finished(session, report),
            failed=lambda summary, details: self._scan_failed(session, summary, details),
            cancelled=lambda: self._scan_cancelled(session),
            progress=view.progress.report,
        )
        self.statusBar().showMessage("Scanning…")
        self._update_actions()

    def rescan(self) -> None:
        self.start_scan()

    def _scan_ended(self, session: ProjectSession) -> bool:
        """True when the scan belongs to the project still open."""
        self.scan_worker = None
        current = session is self.session
        if current and self.project_view is not None:
            self.project_view.progress.end()
        self._update_actions()
        return current

    def _scan_finished(self, session: ProjectSession, report) -> None:
        if not self._scan_ended(session):
            return
        if not session.dirty and session.changed_on_disk():
            self._load_project_file(session)
        session.set_report(report)
        log.info("scanned %s: %d files, %d findings", session.root, report.files.count, len(report.findings))
        findings = len(report.findings)
        self.statusBar().showMessage(f"Scanned {report.files.count:,} files: {len(report.dependencies)} libraries, "
                                     f"{findings} findings.", 10000)
        self.scan_finished.emit()

    def _scan_failed(self, session: ProjectSession, summary: str, details: str) -> None:
        if not self._scan_ended(session):
            return
        self.statusBar().showMessage("The scan did not finish.", 10000)
        show_error(self, summary, details)
        if session.report is None:
            self._close_project()

    def _scan_cancelled(self, session: ProjectSession) -> None:
        if not self._scan_ended(session):
            return
        self.statusBar().showMessage("Scan cancelled. Press F5 to scan again.", 10000)
        if session.report is None:
            self._close_project()

    def cancel_tasks(self) -> None:
        self.runner.cancel_all()

    # Saving handoff.yaml ----------------------------------------------------------------------------
    def save_project(self) -> bool:
        session = self.session
        if session is None:
            return False
        for page in self.project_view.pages:
            page.commit_pending()
        if session.changed_on_disk() and not ask_yes_no(
                self, "handoff.yaml changed on disk",
                f"{session.project_file_path} was changed outside the app since it was opened. "
                "Overwrite it with the details shown here?"):
            return False
        if session.load_error is not None:
            show_error(self, f"handoff.yaml was not saved: the file on disk could not be read ({session.load_error})."
                             " Fix it in an editor and scan again (F5); the file is kept as it is.")
            return False
        try:
            path = session.save()
        except OSError as error:
            show_error(self, f"handoff.yaml could not be written ({error.strerror or error}). Check that the "
                             "folder is writable and try again.")
            return False
        self.statusBar().showMessage(f"Saved {path}", 10000)
        return True

    def save_before_build(self) -> bool:
        """The bundle is built from handoff.yaml on disk, so unsaved details are saved first (after asking)."""
        for page in self.project_view.pages:
            page.commit_pending()
        if self.session is None or not self.session.dirty:
            return True
        if not ask_yes_no(self, "Save before building?",
                          "The bundle is built from handoff.yaml. Save your changes to the handoff details first?"):
            return False
        return self.save_project()

    def build_bundle(self) -> None:
        if self.project_view is None:
            return
        self.project_view.show_page("bundle")
        self.project_view.page("bundle").build()

    def confirm_discard(self) -> bool:
        """Before the open project goes away: save, discard or stay."""
        if self.session is None or not self.session.dirty:
            return True
        answer = ask_save_changes(self, self.session.name)
        if answer == QMessageBox.StandardButton.Save:
            return self.save_project()
        return answer == QMessageBox.StandardButton.Discard

    # Team policy -----------------------------------------------------------------------------------
    def choose_policy(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose your team's readiness policy", str(Path.home()),
                                              "Policy files (*.yaml *.yml);;All files (*)")
        if path:
            self.settings.policy_path = path
            self._apply_policy()

    def _apply_policy(self) -> None:
        if self.session is None:
            return
        try:
            policy = load_policy(self.settings.policy_path)
        except PolicyError as error:
            self.settings.policy_path = None
            show_error(self, f"The team policy cannot be used: {error}. Ask your team lead for a corrected file; "
                             "the shipped checklist is used until then.")
            policy = load_policy(None)
        self.session.set_policy(policy)

    # Target interpreter ------------------------------------------------------------------------------
    def choose_interpreter(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the Python your prototype runs with", str(Path.home()))
        if path:
            self.set_interpreter(path)

    def choose_environment(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a venv or conda environment folder", str(Path.home()))
        if not folder:
            return
        interpreter = interpreter_in(Path(folder))
        if interpreter is None:
            show_error(self, f"No Python interpreter was found in {folder}. Choose the environment's top folder "
                             "(the one that contains bin/ or Scripts/), or pick the python executable itself.")
            return
        self.set_interpreter(str(interpreter))

    def set_interpreter(self, interpreter: Optional[str]) -> None:
        if self.session is None:
            return
        self.settings.set_interpreter_for(str(self.session.root), interpreter)
        self.start_scan()

    # Drag and drop ---------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if self._dropped_folder(event) is not None or self._dropped_bundle(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        bundle = self._dropped_bundle(event)
        folder = self._dropped_folder(event)
        if bundle is not None:
            event.acceptProposedAction()
            self.open_bundle_view(bundle)
        elif folder is not None:
            event.acceptProposedAction()
            self.open_project(folder)

    @staticmethod
    def _dropped_folder(event) -> Optional[Path]:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        paths = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
        return paths[0] if len(paths) == 1 and paths[0].is_dir() else None

    @staticmethod
    def _dropped_bundle(event) -> Optional[Path]:
        """A dropped .zip or bundle folder (one holding handoff-manifest.json)."""
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        paths = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
        return paths[0] if len(paths) == 1 and is_bundle(paths[0]) else None

    # Misc ------------------------------------------------------------------------------------------
    def set_theme(self, theme: str) -> None:
        from PySide6.QtWidgets import QApplication

        from handoff_assistant.gui.theme import apply_theme

        self.settings.theme = theme
        apply_theme(QApplication.instance(), theme)

    def open_log_folder(self) -> None:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def show_about(self) -> None:
        from handoff_assistant import __version__

        QMessageBox.about(self, "About Handoff Assistant",
                          f"<b>Handoff Assistant {__version__}</b><p>Gets data-science prototypes ready for "
                          f"production.</p><p>Log files: {log_dir()}</p>")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if not self.confirm_discard():
            event.ignore()
            return
        self.settings.window_geometry = self.saveGeometry()
        self.settings.sync()
        self.runner.wait_for_done(3000)
        super().closeEvent(event)
