"""Render every page of the desktop app on the bundled sample to docs/screenshots/*.png.

Run with ``make screenshots`` (offscreen, no display needed). The sample is copied to a temporary folder
and the app's settings are temporary too, so nothing of the user's is read or changed.
"""
from __future__ import annotations

import dataclasses
import os
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop

OUT = Path(__file__).resolve().parent / "screenshots"
SIZE = (1280, 860)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    scratch = Path(tempfile.gettempdir()) / "handoff-screenshots"  # a fixed path: the header shows it
    shutil.rmtree(scratch, ignore_errors=True)
    for name in ("HANDOFF_DATA_DIR", "HANDOFF_CACHE_DIR", "HANDOFF_LOG_DIR"):
        os.environ[name] = str(scratch / name.lower())

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from handoff_assistant.gui.main_window import MainWindow
    from handoff_assistant.gui.settings import AppSettings
    from handoff_assistant.gui.theme import apply_theme

    app = QApplication([sys.argv[0]])
    OUT.mkdir(parents=True, exist_ok=True)
    settings = AppSettings(QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat))
    settings.set_bundle_option("output_dir", str(scratch / "bundles"))
    settings.set_bundle_option("engine", "installed")
    for theme in ("light", "dark"):
        apply_theme(app, theme)
        window = MainWindow(settings)
        window.resize(*SIZE)
        window.show()
        shoot(app, window, theme)
        window.session.dirty = False  # the demo details are not saved into the sample copy
        window.close()
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"Screenshots in {OUT}")
    return 0


def shoot(app, window, theme: str) -> None:
    suffix = "" if theme == "light" else "-dark"
    if theme == "light":
        save(app, window, f"01-welcome{suffix}")
    wait_for(app, window.scan_finished, window.open_sample)
    view = window.project_view
    fill_demo_details(window)
    steps = [("overview", "02-overview"), ("dependencies", "03-dependencies"), ("findings", "04-findings"),
             ("checklist", "05-checklist"), ("details", "06-handoff-details"), ("bundle", "07-bundle")]
    for page_id, name in steps:
        view.show_page(page_id)
        prepare(app, window, page_id)
        save(app, window, name + suffix)


def prepare(app, window, page_id: str) -> None:
    page = window.project_view.page(page_id)
    if page_id == "dependencies":
        page.select(lambda row: row.needs_attention)
    elif page_id == "findings":
        page.select(lambda row: row.finding.category == "secret")
    elif page_id == "checklist":
        assessment = window.session.assessment
        if assessment.blockers:
            page.select(assessment.blockers[0])
    elif page_id == "bundle" and page.result is None:
        from handoff_assistant.gui.pages import bundle

        bundle.ask_not_ready_reason = lambda parent, blockers: "Screenshot of a demo build"
        page.save_first = lambda: True  # the demo details stay unsaved: the sample copy is not changed
        page.build()
        while page.worker is not None:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)


def fill_demo_details(window) -> None:
    """What a data scientist would type, so the form and the live score are shown filled in."""
    from handoff_assistant.readiness.model import Contact, EntryPoint

    session = window.session
    entry = EntryPoint("nightly-scoring", "python -m churn.score --input data/customers.csv --output out/scores.csv",
                       inputs=("warehouse.customers",), outputs=("out/scores.csv",), schedule="30 5 * * 1-5",
                       expected_runtime="20m", sample_input="data/sample_customers.csv")
    session.update_project(dataclasses.replace(
        session.project, name="Churn model", summary="Weekly churn scores for the retention team's mailing.",
        owner=Contact("Ana Lopez", "ana.lopez@example.com", "owner"),
        contacts=(Contact("Data platform on-call", "oncall@example.com", "escalation"),), entry_points=(entry,)))


def wait_for(app, signal, start) -> None:
    done = []
    signal.connect(lambda *args: done.append(True))
    start()
    while not done:
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)


def save(app, window, name: str) -> None:
    for _ in range(3):
        app.processEvents()
    path = OUT / f"{name}.png"
    window.grab().save(str(path))
    print(path)


if __name__ == "__main__":
    raise SystemExit(main())
