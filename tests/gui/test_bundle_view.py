"""The bundle view for IT, driven offscreen: integrity badge, summary, tabs, compare, prepare and test."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

from handoff_assistant.bundle import BundleOptions
from handoff_assistant.bundle.verification_record import read_record, record_path
from handoff_assistant.bundle.writer import write_bundle
from handoff_assistant.gui.app import start_on
from handoff_assistant.gui.models.bundle_models import PATH_ROLE
from handoff_assistant.gui.pages.bundle_view import BundleView
from handoff_assistant.gui.widgets.prepare_panel import parse_env_values, run_confirmation
from handoff_assistant.scan.environment import InstalledDistribution
from tests.bundle.helpers import inputs_for, make_project, make_wheelhouse, project_file, report_for
from tests.support.wheelhouse import offline_pip_env

pytestmark = pytest.mark.gui


def _build(tmp_path: Path, name: str, as_zip: bool, **options) -> Path:
    project = make_project(tmp_path / name / "tiny-scorer")
    installed = (InstalledDistribution("tiny-frame", "1.0.0"),)
    return write_bundle(inputs_for(project, installed=installed), BundleOptions(tmp_path / name / "out", zip=as_zip,
                                                           engine=options.pop("engine", "installed"),
                                                           **options)).path


def _open(qtbot, window, path: Path) -> BundleView:
    view = window.open_bundle_view(path)  # the worker's result is delivered by the event loop, inside waitSignal
    with qtbot.waitSignal(view.loaded, timeout=20000):
        pass
    return view


@pytest.fixture
def zip_bundle(tmp_path) -> Path:
    return _build(tmp_path, "zip", as_zip=True)


def test_an_intact_zip_shows_badge_summary_and_tabs_without_extracting(qtbot, window, zip_bundle):
    view = _open(qtbot, window, zip_bundle)
    assert window.stack.currentWidget() is view
    assert view.badge.text().startswith("✔ Intact: all ") and view.overview.contents.is_zip
    fields = {label: field.text() for label, field in view.summary_fields.items()}
    assert fields["Project"].startswith("Tiny scorer — Scores customers")
    assert fields["Owner"] == "Maria Lopez (maria@example.com)"
    assert "Data platform on-call (escalation" in fields["Contacts"]
    assert fields["Source"] == "not a git repository" and fields["Blockers"] == "none"
    assert fields["Environment"] == "no system packages needed; runs as tiny-scorer"
    assert "Needs work" in fields["Readiness"] and "62.5" in fields["Readiness"]
    assert not view.not_ready.isVisible()
    assert "Tiny scorer" in view.runbook.toPlainText()
    assert [row.distribution for row in view.lock_model.rows] == ["tiny-frame"]
    assert [k["name"] for k in view.config_model.rows] == ["mail_api_token", "score_factor"]
    assert view.config_model.data(view.config_model.index(0, 1)) == "environment variable MAIL_API_TOKEN"
    assert [row[0] for row in view.explanation_model.rows] == ["Expected outputs recorded"]
    assert view.prepare.run_button.isEnabled() and view.compare_button.isEnabled()
    model = view.code_tree.model()
    folder = model.index(0, 0) if model.index(0, 0).data() == "tinyscore" else model.match(
        model.index(0, 0), Qt.ItemDataRole.DisplayRole, "tinyscore")[0]
    score = next(folder.model().index(r, 0, folder) for r in range(model.rowCount(folder))
                 if model.index(r, 0, folder).data() == "score.py")
    assert score.data(PATH_ROLE) == "code/tinyscore/score.py"
    view.code_tree.setCurrentIndex(score)
    assert "def main():" in view.code_viewer.toPlainText() and view.code_viewer.isReadOnly()


def test_a_tampered_file_is_named_and_nothing_can_run(qtbot, window, tmp_path):
    folder = _build(tmp_path, "folder", as_zip=False)
    (folder / "code" / "tinyscore" / "score.py").write_text("import os\nos.system('curl evil')\n")
    view = _open(qtbot, window, folder)
    assert view.badge.text().startswith("✖ Integrity check FAILED")
    assert "changed: code/tinyscore/score.py" in view.badge.text()
    assert not view.prepare.run_button.isEnabled()
    assert "integrity or signature check failed" in view.prepare.status.text()
    view.prepare.start()  # even if asked directly
    assert view.prepare.worker is None


@pytest.mark.parametrize("member", ["../evil.txt", "/tmp/handoff-evil.txt"])
def test_an_unsafe_archive_is_refused_with_the_reason(qtbot, window, tmp_path, member):
    evil = tmp_path / "chosen" / "evil.zip"
    evil.parent.mkdir()
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("handoff-manifest.json", '{"files": []}')
        archive.writestr(member, "owned")
    view = _open(qtbot, window, evil)
    assert view.badge.text().startswith("✖ Refused: Refused to open the bundle: member ")
    assert member in view.badge.text()
    assert not view.tabs.isEnabled() and not view.prepare.run_button.isEnabled()
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["chosen", "evil.zip"]


def test_the_models_pass_the_model_tester(qtbot, window, zip_bundle, qtmodeltester):
    view = _open(qtbot, window, zip_bundle)
    for model in (view.lock_model, view.dependency_model, view.r_model, view.finding_model, view.explanation_model,
                  view.config_model, view.prepare.results, view.code_tree.model()):
        qtmodeltester.check(model)


def test_compare_with_an_earlier_bundle_shows_the_changes(qtbot, window, zip_bundle, tmp_path):
    project = make_project(tmp_path / "later" / "tiny-scorer")
    (project / "tinyscore" / "extra.py").write_text("VALUE = 1\n")
    later = write_bundle(inputs_for(project), BundleOptions(tmp_path / "later" / "out", engine="installed")).path
    view = _open(qtbot, window, later)
    with qtbot.waitSignal(view.compared, timeout=20000) as blocker:
        view.compare_with(zip_bundle)
    assert [c.path for c in blocker.args[0].code_files] == ["tinyscore/extra.py"]
    assert view.tabs.currentWidget() is view.changes
    assert "+ tinyscore/extra.py (+1 -0)" in view.changes.toPlainText()


def test_bundles_open_from_the_command_line_and_by_drop_and_close_back(qtbot, window, zip_bundle):
    start_on(window, zip_bundle, [])
    with qtbot.waitSignal(window.bundle_view.loaded, timeout=20000):
        pass
    assert window.windowTitle().startswith(zip_bundle.name)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(zip_bundle))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    with qtbot.waitSignal(window.bundle_view.loaded, timeout=20000):
        pass
    window.bundle_view.close_button.click()
    assert window.bundle_view is None and window.stack.currentWidget() is window.welcome


def test_prepare_and_test_asks_before_the_bundles_code_runs_and_runs_nothing_when_declined(
        qtbot, window, zip_bundle, tmp_path, monkeypatch):
    """Failed before: the run button started the bundle's harness without a word about running its code."""
    asked = []
    monkeypatch.setattr("handoff_assistant.gui.widgets.prepare_panel.ask_to_run_bundle_code",
                        lambda parent, bundle: asked.append(bundle) or False)
    view = _open(qtbot, window, zip_bundle)
    view.prepare.workdir_edit.setText(str(tmp_path / "work"))
    view.prepare.run_button.click()
    assert asked == [zip_bundle] and view.prepare.worker is None and not (tmp_path / "work").exists()
    assert view.prepare.status.text() == "Not run: the bundle's code was not allowed to run."


def test_the_run_confirmation_names_the_source_and_defaults_to_cancel(qtbot, zip_bundle):
    box = run_confirmation(None, zip_bundle)
    qtbot.addWidget(box)
    assert box.text() == f"Prepare and test runs the code of {zip_bundle.name} on this computer."
    assert f"from {zip_bundle}." in box.informativeText() and "that does not say who built it" in \
        box.informativeText()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    assert [b.text() for b in box.buttons() if b.objectName() == "runBundleCode"] == ["Run its code"]


def test_options_in_the_lock_are_refused_unless_the_box_is_ticked(qtbot, window, zip_bundle, tmp_path):
    view = _open(qtbot, window, zip_bundle)
    view.prepare.workdir_edit.setText(str(tmp_path / "work"))
    assert not view.prepare.lock_options_check.isChecked() and not view.prepare.options().allow_lock_options
    view.prepare.lock_options_check.setChecked(True)
    assert view.prepare.options().allow_lock_options


def test_environment_values_are_key_value_lines():
    assert parse_env_values("# secrets\nA=1\n\n B = two=2 \n") == {"A": "1", "B": "two=2"}
    with pytest.raises(ValueError, match="Line 2 of the environment values is not KEY=value"):
        parse_env_values("A=1\nnot a pair\n")


@pytest.mark.slow
def test_prepare_and_test_runs_the_harness_and_saves_the_record(qtbot, window, tmp_path, monkeypatch):
    pip_env = offline_pip_env(make_wheelhouse(tmp_path / "wheelhouse"))
    bundle = _build(tmp_path, "hashed", as_zip=True, engine="pip-tools", pip_env=pip_env)
    for key in [k for k in os.environ if k.startswith("PIP_")]:
        monkeypatch.delenv(key)
    for key, value in pip_env.items():
        if key.startswith("PIP_"):
            monkeypatch.setenv(key, value)
    monkeypatch.setattr("handoff_assistant.gui.widgets.prepare_panel.ask_to_run_bundle_code", lambda parent, b: True)
    view = _open(qtbot, window, bundle)
    config = tmp_path / "config.yaml"
    config.write_text('score_factor: "2"\n')
    panel = view.prepare
    view.tabs.setCurrentWidget(panel)
    panel.workdir_edit.setText(str(tmp_path / "work"))
    panel.config_edit.setText(str(config))
    panel.env_edit.setPlainText("MAIL_API_TOKEN=token-for-the-test\n")
    assert view.trust_row.isEnabled()
    with qtbot.waitSignal(panel.run_finished, timeout=180000) as blocker:
        panel.run_button.click()
        assert not panel.run_button.isEnabled() and panel.progress.isVisible()
        # a new trusted key would re-open the bundle and stop the run: the row waits for the run to end
        assert not view.trust_row.isEnabled()
    qtbot.waitUntil(view.trust_row.isEnabled, timeout=5000)
    record = blocker.args[0]
    assert record.passed and panel.verdict.text().startswith(
        "<b>PASSED</b> — Every check passed. (7 passed, 0 failed, 0 incomplete, 3 n/a)")
    assert panel.verdict.accessibleName() == "Verification outcome: passed"
    assert read_record(record_path(bundle)) == record and panel.saved_to == record_path(bundle)
    assert "Successfully installed tiny-frame-1.0.0 tiny-num-1.1.0" in panel.log.toPlainText()
    assert [panel.results.data(panel.results.index(r, 1)) for r in range(panel.results.rowCount())].count(
        "passed") == 7
    panel.table.setCurrentIndex(panel.results.index(3, 0))
    assert panel.message.toPlainText() == "The bundle declares no path in its configuration."


def test_the_code_viewer_masks_hard_coded_secrets(qtbot, window, tmp_path):
    project = make_project(tmp_path / "secret" / "tiny-scorer")
    (project / "tinyscore" / "mail.py").write_text('password = "hunter2-very-secret"\n')
    bundle = write_bundle(inputs_for(project), BundleOptions(tmp_path / "secret" / "out", engine="installed")).path
    view = _open(qtbot, window, bundle)
    model = view.code_tree.model()
    mail = model.match(model.index(0, 0), PATH_ROLE, "code/tinyscore/mail.py", 1,
                       Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)[0]
    view.code_tree.setCurrentIndex(mail)
    assert view.code_viewer.toPlainText().startswith('password = "hu')
    assert "hunter2-very-secret" not in view.code_viewer.toPlainText()


def test_a_bundle_handed_over_although_not_ready_says_why_first(qtbot, window, tmp_path):
    project = make_project(tmp_path / "late" / "tiny-scorer")
    bundle = write_bundle(inputs_for(project, level="Not ready", blockers=("test.outputs",)),
                          BundleOptions(tmp_path / "late" / "out", engine="installed",
                                        allow_not_ready_reason="The campaign starts Monday; outputs follow")).path
    view = _open(qtbot, window, bundle)
    assert view.not_ready.isVisible()
    assert view.not_ready.text().endswith("The data scientist's reason: The campaign starts Monday; outputs follow")
    assert view.summary_fields["Blockers"].text() == "test.outputs"
    assert "Not ready" in view.summary_fields["Readiness"].text()


def test_open_bundle_on_the_welcome_screen_takes_a_folder_through_its_manifest(qtbot, window, tmp_path, monkeypatch):
    folder = _build(tmp_path, "folder", as_zip=False)
    monkeypatch.setattr("handoff_assistant.gui.pages.bundle_view.QFileDialog.getOpenFileName",
                        lambda *args, **kwargs: (str(folder / "handoff-manifest.json"), ""))
    window.welcome.bundle_button.click()
    with qtbot.waitSignal(window.bundle_view.loaded, timeout=20000):
        pass
    assert window.bundle_view.overview.source == folder and window.bundle_view.overview.integrity.ok


def test_a_saved_incomplete_record_shows_as_incomplete_when_the_bundle_is_opened(qtbot, window, zip_bundle):
    from handoff_assistant.bundle.verification_record import (CheckResult, IntegrityResult, VerificationRecord,
                                                              sums_digest, write_record)

    record = VerificationRecord(
        bundle=zip_bundle.name, project="Tiny scorer", bundle_created_at="", by="it-ops", at="2026-12-01T08:00:00",
        machine="srv-1", platform="Linux", integrity=IntegrityResult(True, 30),
        results=(CheckResult("setup", "passed"), CheckResult("test_smoke.py::test_runs", "incomplete",
                                                              "1 entry point(s) have no sample input")),
        bundle_sums_sha256=sums_digest(zip_bundle))
    write_record(zip_bundle, record)
    panel = _open(qtbot, window, zip_bundle).prepare
    assert panel.verdict.isVisibleTo(panel) and panel.verdict.accessibleName() == "Verification outcome: incomplete"
    assert panel.verdict.text().startswith("Last run by it-ops at 2026-12-01T08:00:00 on srv-1: <b>INCOMPLETE</b>")
    assert "test_smoke.py::test_runs: 1 entry point(s) have no sample input" in panel.verdict.text()
    assert [panel.results.data(panel.results.index(r, 1)) for r in range(2)] == ["passed", "incomplete"]


def test_the_step_timeout_is_remembered_and_reaches_the_run_options(qtbot, window, zip_bundle, tmp_path, settings):
    view = _open(qtbot, window, zip_bundle)
    box = view.prepare.timeout_box
    view.prepare.workdir_edit.setText(str(tmp_path / "work"))
    assert box.text() == "Default (from expected runtime)" and view.prepare.options().timeout is None
    assert "twice the entry points' expected runtimes plus 5 minutes" in box.toolTip()
    box.setValue(90)
    assert view.prepare.options().timeout == 90 and settings.step_timeout == 90
    assert window.open_bundle_view(zip_bundle).prepare.timeout_box.value() == 90  # a new view starts from it
    window.bundle_view.prepare.timeout_box.setValue(0)
    assert settings.step_timeout is None


@pytest.mark.slow  # a real venv, then the harness runs until the 20-second step timeout stops it
def test_a_harness_step_longer_than_the_step_timeout_is_stopped_and_named(qtbot, window, tmp_path, monkeypatch):
    project = make_project(tmp_path / "slow" / "tiny-scorer")
    (project / "tinyscore" / "score.py").write_text("import time\ntime.sleep(3600)\n")
    inputs = inputs_for(project, report=report_for(project, dependencies=()), project=project_file())
    bundle = write_bundle(inputs, BundleOptions(tmp_path / "slow" / "out", zip=True, engine="installed")).path
    monkeypatch.setattr("handoff_assistant.gui.widgets.prepare_panel.ask_to_run_bundle_code", lambda parent, b: True)
    shown = []
    monkeypatch.setattr("handoff_assistant.gui.widgets.prepare_panel.show_error",
                        lambda parent, summary, details="": shown.append(summary))
    panel = _open(qtbot, window, bundle).prepare
    panel.workdir_edit.setText(str(tmp_path / "work"))
    panel.timeout_box.setValue(20)
    panel.run_button.click()
    qtbot.waitUntil(lambda: panel.worker is None, timeout=180000)
    stopped = ("run_harness.py did not finish within 20 seconds and was stopped with everything it started "
               "(--timeout sets the limit; in the app, Step timeout).")
    assert len(shown) == 1 and shown[0].endswith(stopped) and shown[0].startswith("python -B ")
    assert panel.status.text() == f"The run did not finish: {shown[0]}"
    assert "$ " in panel.log.toPlainText() and panel.run_button.isEnabled()


def test_the_environment_line_names_the_notebook_runners_and_says_when_they_are_not_locked():
    from handoff_assistant.gui.pages.bundle_view import _environment_text

    runners = [{"distribution": "nbconvert", "reason": "runs"}, {"distribution": "ipykernel", "reason": "kernel"}]
    locked = {"environment": {"runner": {"requirements": "env/requirements-runner.txt", "distributions": runners}}}
    assert _environment_text(locked) == "notebook runners nbconvert, ipykernel (env/requirements-runner.txt)"
    unlocked = {"environment": {"runner": {"requirements": None, "distributions": runners, "problem": "conflict"}}}
    assert _environment_text(unlocked) == "notebook runners nbconvert, ipykernel NOT locked"
    hostile = {"environment": {"runner": {"requirements": None, "distributions": "nbconvert"}}}
    assert _environment_text(hostile) == "Python packages only (recorded by an older version of the app)"
