"""Render the desktop app to docs/screenshots/*.png: what the README and the guides show.

- the data scientist's pages on the bundled sample, light and dark (01-welcome … 07-bundle), and the preview of
  "Fix all fixable" on it (fix-preview*.png);
- IT's bundle view: intact, configuration, changes since an earlier bundle, a real prepare-and-test run,
  tampered (bundle-view*.png), over bundles of the test suite's tiny project built against a local wheelhouse,
  and a real run that ends incomplete (no sample input, an unreachable download host: bundle-view-incomplete);
- the team lead's portfolio, light and dark (portfolio*.png), over a demo landing folder of small bundles, and
  its verification column with passed, failed, incomplete and not run rows (portfolio-verification.png).

Run with ``make screenshots`` (offscreen, no display or network needed). Everything is written to one
temporary folder, settings and databases included, so nothing of the user's is read or changed.
"""
from __future__ import annotations

import dataclasses
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QEventLoop

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SIZE = (1280, 880)
SCRATCH = Path(tempfile.gettempdir()) / "handoff-screenshots"  # a fixed path: the project header shows it


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    shutil.rmtree(SCRATCH, ignore_errors=True)
    for name in ("HANDOFF_DATA_DIR", "HANDOFF_CACHE_DIR", "HANDOFF_LOG_DIR"):
        os.environ[name] = str(SCRATCH / name.lower())
    sys.path.insert(0, str(ROOT))  # the bundle and portfolio demos reuse the test suite's builders

    from PySide6.QtWidgets import QApplication

    from handoff_assistant.gui.widgets import prepare_panel

    prepare_panel.ask_to_run_bundle_code = lambda parent, path: True  # the pictures show the runs, not the question
    app = QApplication([sys.argv[0]])
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        project_pages(app)
        fix_preview(app)
        bundle_view(app)
        bundle_view_signed(app)
        bundle_view_incomplete(app)
        portfolio(app)
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
    print(f"Screenshots in {OUT}")
    return 0


# Shared helpers ------------------------------------------------------------------------------------------
def open_window(app, theme: str):
    """A main window over the scratch settings, in ``theme``, shown at the screenshot size."""
    from PySide6.QtCore import QSettings

    from handoff_assistant.gui.main_window import MainWindow
    from handoff_assistant.gui.settings import AppSettings
    from handoff_assistant.gui.theme import apply_theme

    apply_theme(app, theme)
    settings = AppSettings(QSettings(str(SCRATCH / "settings.ini"), QSettings.Format.IniFormat))
    settings.set_bundle_option("output_dir", str(SCRATCH / "bundles"))
    settings.set_bundle_option("engine", "installed")
    window = MainWindow(settings)
    window.resize(*SIZE)
    window.show()
    return window


def close_window(window) -> None:
    if window.session is not None:
        window.session.dirty = False  # demo details are never saved into the sample copy
    window.close()


def wait(app, signal, start: Callable[[], object]) -> None:
    """Run ``start`` and process events until ``signal`` fires."""
    done = []
    signal.connect(lambda *args: done.append(True))
    start()
    while not done:
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)


def save(app, widget, name: str) -> None:
    for _ in range(3):
        app.processEvents()
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(path)


def suffix(theme: str) -> str:
    return "" if theme == "light" else "-dark"


# The data scientist's pages ------------------------------------------------------------------------------
def project_pages(app) -> None:
    for theme in ("light", "dark"):
        window = open_window(app, theme)
        if theme == "light":
            save(app, window, "01-welcome")
        wait(app, window.scan_finished, window.open_sample)
        fill_demo_details(window)
        steps = [("overview", "02-overview"), ("dependencies", "03-dependencies"), ("findings", "04-findings"),
                 ("checklist", "05-checklist"), ("details", "06-handoff-details"), ("bundle", "07-bundle")]
        for page_id, name in steps:
            window.project_view.show_page(page_id)
            prepare_page(app, window, page_id)
            save(app, window, name + suffix(theme))
        close_window(window)


def fix_preview(app) -> None:
    """Fix All Fixable on the sample: the preview dialog on churn/data.py (nothing is applied)."""
    for theme in ("light", "dark"):
        window = open_window(app, theme)
        wait(app, window.scan_finished, window.open_sample)
        window.project_view.show_page("findings")
        dialogs = []
        window.fixes.preview_opened.connect(dialogs.append)
        wait(app, window.fixes.preview_opened, window.project_view.page("findings").fix_all_action.trigger)
        dialog = dialogs[0]
        dialog.resize(1200, 760)
        dialog.select_file("churn/data.py")
        save(app, dialog, "fix-preview" + suffix(theme))
        dialog.reject()
        close_window(window)


def prepare_page(app, window, page_id: str) -> None:
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


# IT's bundle view ----------------------------------------------------------------------------------------
def bundle_view(app) -> None:
    earlier, bundle, tampered = build_bundles(SCRATCH / "it")
    window = open_window(app, "light")
    view = open_bundle(app, window, bundle)
    save(app, window, "bundle-view")
    view.tabs.setCurrentIndex(4)
    save(app, window, "bundle-view-configuration")
    wait(app, view.compared, lambda: view.compare_with(earlier))
    save(app, window, "bundle-view-changes")
    panel = view.prepare
    view.tabs.setCurrentWidget(panel)
    config = SCRATCH / "it" / "config.yaml"
    config.write_text('score_factor: "2"\n')
    panel.workdir_edit.setText(str(SCRATCH / "it" / "work"))
    panel.config_edit.setText(str(config))
    wait(app, panel.run_finished, panel.start)  # no MAIL_API_TOKEN: the configuration check fails and says why
    failed = next(r for r in range(panel.results.rowCount())
                  if panel.results.data(panel.results.index(r, 1)) == "failed")
    panel.table.setCurrentIndex(panel.results.index(failed, 0))
    save(app, window, "bundle-view-prepare")
    open_bundle(app, window, tampered)
    save(app, window, "bundle-view-tampered")
    close_window(window)


def bundle_view_signed(app) -> None:
    """A bundle signed with the data scientist's key, opened by IT with that key's .pub as the trusted key."""
    from handoff_assistant.bundle import BundleOptions
    from handoff_assistant.bundle.writer import write_bundle
    from handoff_assistant.signing import write_keypair
    from tests.bundle.helpers import inputs_for, make_project

    scratch = SCRATCH / "signed"
    scratch.mkdir(parents=True)
    write_keypair(scratch / "maria.key", scratch / "maria.pub")
    project = make_project(scratch / "tiny-scorer")
    bundle = write_bundle(inputs_for(project), BundleOptions(scratch / "out", zip=True, engine="installed",
                                                             sign_key=scratch / "maria.key")).path
    window = open_window(app, "light")
    window.settings.trusted_key = str(scratch / "maria.pub")
    open_bundle(app, window, bundle)
    save(app, window, "bundle-view-signed")
    window.settings.trusted_key = None
    close_window(window)


def bundle_view_incomplete(app) -> None:
    """A real run of a bundle whose entry point has no sample input and whose code downloads from a host this
    machine cannot reach: the outcome is INCOMPLETE, with both reasons."""
    from handoff_assistant.bundle import BundleOptions
    from handoff_assistant.bundle.writer import write_bundle
    from handoff_assistant.readiness.model import EntryPoint
    from handoff_assistant.scan.findings import scan_text
    from tests.bundle.helpers import inputs_for, make_project, project_file, report_for

    scratch = SCRATCH / "incomplete"
    project = make_project(scratch / "tiny-scorer")
    fetch = 'import urllib.request\nurllib.request.urlretrieve("https://models.acme-internal.invalid/w.bin", "w.bin")\n'
    (project / "tinyscore" / "fetch.py").write_text(fetch)
    findings = tuple(scan_text(fetch, file="tinyscore/fetch.py", language="Python"))
    entry = EntryPoint("score", "python -m tinyscore.score --input {input} --output {output}", schedule="0 6 * * 1")
    inputs = inputs_for(project, report=dataclasses.replace(report_for(project, ()), findings=findings),
                        project=project_file(entry_points=(entry,), config_keys=()))
    bundle = write_bundle(inputs, BundleOptions(scratch / "out", zip=True, engine="installed")).path
    window = open_window(app, "light")
    view = open_bundle(app, window, bundle)
    panel = view.prepare
    view.tabs.setCurrentWidget(panel)
    panel.workdir_edit.setText(str(scratch / "work"))
    wait(app, panel.run_finished, panel.start)
    incomplete = next(r for r in range(panel.results.rowCount())
                      if panel.results.data(panel.results.index(r, 1)) == "incomplete")
    panel.table.setCurrentIndex(panel.results.index(incomplete, 0))
    save(app, window, "bundle-view-incomplete")
    close_window(window)


def build_bundles(scratch: Path) -> tuple[Path, Path, Path]:
    """An earlier and a later bundle of the tiny project (locked with hashes), and a tampered copy."""
    from handoff_assistant.bundle import BundleOptions
    from handoff_assistant.bundle.writer import write_bundle
    from tests.bundle.helpers import inputs_for, make_project, make_wheelhouse
    from tests.support.wheelhouse import offline_pip_env

    pip_env = offline_pip_env(make_wheelhouse(scratch / "wheelhouse"))
    os.environ.update({k: v for k, v in pip_env.items() if k.startswith("PIP_")})
    built = []
    for version in ("1", "2"):
        project = make_project(scratch / f"v{version}" / "tiny-scorer")
        if version == "2":
            (project / "tinyscore" / "report.py").write_text('"""Weekly summary of the scores."""\n\n'
                                                             "def summary(rows):\n    return len(rows)\n")
        built.append(write_bundle(inputs_for(project), BundleOptions(
            scratch / f"outbox-{version}", zip=True, engine="pip-tools", pip_env=pip_env)).path)
    tampered = scratch / "tampered"
    shutil.copytree(scratch / "v2" / "tiny-scorer", tampered / "src")
    folder = write_bundle(inputs_for(tampered / "src"), BundleOptions(tampered / "out", zip=False,
                                                                      engine="pip-tools", pip_env=pip_env)).path
    (folder / "code" / "tinyscore" / "score.py").write_text("import os\nos.system('curl https://evil.example')\n")
    return built[0], built[1], folder


def open_bundle(app, window, path: Path):
    view = window.open_bundle_view(path)
    wait(app, view.loaded, lambda: None)
    return view


# The team lead's portfolio -------------------------------------------------------------------------------
def portfolio(app) -> None:
    landing = SCRATCH / "handoffs"
    make_landing(landing)
    for theme in ("light", "dark"):
        window = open_window(app, theme)
        page = window.open_portfolio()
        wait(app, page.rows_loaded, lambda: page.add_source(landing))  # a known source is read again
        page.select_project("churn")
        wait(app, page.changes_shown, lambda: None)
        save(app, window, "portfolio" + suffix(theme))
        if theme == "light":
            page.select_project("fraud-scoring")
            save(app, window, "portfolio-verification")
        close_window(window)


def sections(code, environment, portability, security, testing, operations) -> dict:
    return dict(code=code, environment=environment, portability=portability, security=security, testing=testing,
                operations=operations)


def make_landing(drop: Path) -> None:
    """A shared drive: four handoffs of churn (reviewed, verified), fraud with changes requested, pricing
    failing IT's run, two of recsys and a truncated upload."""
    from handoff_assistant.portfolio.reviews import save_review
    from tests.portfolio.conftest import make_bundle, manifest, write_verification

    churn = [("2026-09-12", 38, "Not ready", ("no-hardcoded-credentials", "owner-named"),
              sections(60, 40, 30, 10, 20, 35)),
             ("2026-10-03", 61, "Not ready", ("owner-named",), sections(75, 70, 60, 80, 40, 30)),
             ("2026-10-24", 74, "Needs work", (), sections(85, 80, 75, 90, 55, 60)),
             ("2026-11-20", 86, "Ready", (), sections(95, 90, 85, 100, 70, 75))]
    for number, (day, score, level, blockers, scores) in enumerate(churn):
        latest = make_bundle(drop / "churn", f"churn-{day}", manifest(
            "churn", f"{day}T09:00:00+00:00", score, level, blockers, commit=f"{number + 1}a2b3c4d5e6f",
            section_scores=scores))
    save_review(latest, "approved", "Good to go; IT verified on staging.", by="m.lead")
    write_verification(latest)
    fraud = make_bundle(drop, "fraud-scoring-2026-11-02", manifest(
        "fraud-scoring", "2026-11-02T10:00:00+00:00", 71, "Needs work", owner="Cy Model", commit="9f3e2a71c0d4",
        section_scores=sections(90, 80, 75, 70, 30, 60)))
    save_review(fraud, "changes requested", "Add an expected-output check before we schedule it.", by="m.lead")
    write_verification(fraud, incomplete=("smoke",))  # IT could not run it: no sample input
    pricing = make_bundle(drop, "pricing-2026-11-15", manifest(
        "pricing", "2026-11-15T10:00:00+00:00", 44, "Not ready", ("no-user-home-paths",), owner="Dee Analyst",
        commit="c0ffee1234ab", section_scores=sections(55, 60, 10, 50, 35, 45)))
    write_verification(pricing, failed=("smoke",))
    for day, score, commit in (("2026-10-30", 58, "77aa0b1c2d3e"), ("2026-11-18", 66, "88bb1c2d3e4f")):
        make_bundle(drop, f"recsys-{day}", manifest(
            "recsys", f"{day}T10:00:00+00:00", score, "Needs work", owner="Eli Scientist", commit=commit,
            section_scores=sections(80, 70, 80, 65, 40, 50)))
    (drop / "attrition-final.zip").write_bytes(b"PK\x03\x04 truncated upload")


if __name__ == "__main__":
    raise SystemExit(main())
