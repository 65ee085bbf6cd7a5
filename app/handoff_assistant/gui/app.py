"""``handoff-assistant [PATH]``: the desktop app for data scientists."""
from __future__ import annotations

import argparse
import logging
import multiprocessing
import sys
import traceback
from pathlib import Path
from typing import Optional, Sequence

from handoff_assistant import __version__

log = logging.getLogger(__name__)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="handoff-assistant",
                                     description="Get a data-science prototype ready for production.")
    parser.add_argument("path", nargs="?", type=Path, help="prototype folder, or handoff bundle (.zip or folder), "
                                                         "to open")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    multiprocessing.freeze_support()  # the scan's process pool, in a frozen (PyInstaller) app
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    from handoff_assistant.gui.display_check import display_problem

    problem = display_problem()
    if problem:  # Qt would abort with a core dump; say what is missing instead
        print(problem, file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication

    from handoff_assistant.gui.logging_setup import setup_logging
    from handoff_assistant.gui.main_window import MainWindow
    from handoff_assistant.gui.settings import AppSettings
    from handoff_assistant.gui.theme import apply_theme

    log_file = setup_logging()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Handoff Assistant")
    app.setOrganizationName("handoff-assistant")
    app.setApplicationVersion(__version__)
    settings = AppSettings()
    apply_theme(app, settings.theme)
    window = MainWindow(settings)
    install_excepthook(window)
    window.show()
    log.info("started %s, log file %s", __version__, log_file)
    start_on(window, args.path, settings.recent_projects)
    return app.exec()


def install_excepthook(window) -> None:
    """A bug in a click handler becomes a message and a log entry; the window stays open."""
    from handoff_assistant.gui.messages import show_error
    from handoff_assistant.gui.workers import error_summary

    def report(exc_type, exc, tb) -> None:
        log.error("unexpected error", exc_info=(exc_type, exc, tb))
        show_error(window, error_summary(exc, "doing that"), "".join(traceback.format_exception(exc_type, exc, tb)))

    sys.excepthook = report


def start_on(window, path: Optional[Path], recent: Sequence[str]) -> None:
    """PATH from the command line wins (a bundle opens in the bundle view); else the last project that still
    exists; else the welcome screen."""
    from handoff_assistant.gui.pages.bundle_view import is_bundle

    if path is not None and is_bundle(path):
        window.open_bundle_view(path)
        return
    if path is not None:
        window.open_project(path)
        return
    last = next((Path(p) for p in recent if Path(p).is_dir()), None)
    if last is not None:
        window.open_project(last)
