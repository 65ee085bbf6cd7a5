"""Checklist, handoff details and bundle steps: live score, attest/N-A/save round trips, a real bundle build."""
from __future__ import annotations

import os
import re
import time
import zipfile

import pytest
import yaml
from PySide6.QtWidgets import QTextBrowser

from handoff_assistant.gui.models.checklist import BLOCKERS_ID
from handoff_assistant.readiness.model import ATTESTED, NOT_APPLICABLE, NOT_READY
from tests.bundle.helpers import make_project, make_wheelhouse
from tests.gui.conftest import open_and_scan
from tests.support.wheelhouse import offline_pip_env

pytestmark = pytest.mark.gui


@pytest.fixture
def opened(qtbot, window, sample_copy):
    open_and_scan(qtbot, window, sample_copy)
    return window


def _first_manual_item(assessment):
    return next(i for i in assessment.items if i.check == "manual" and i.status == "unknown")


def test_checklist_shows_sections_and_blockers_first(opened):
    page = opened.project_view.page("checklist")
    assessment = opened.session.assessment
    assert assessment.level == NOT_READY and assessment.blockers
    first_group = page.model.index(0, 0).data()
    assert page.model.groups[0][0].id == BLOCKERS_ID and first_group == "Blocking the handoff"
    assert {item.id for item in page.model.groups[0][1]} == set(assessment.blockers)
    section_titles = [group.title for group, _ in page.model.groups[1:]]
    assert section_titles == [s.title for s in assessment.sections]
    assert opened.project_view.header.level_label.text() == NOT_READY
    assert opened.project_view.header.score_label.text() == f"{assessment.score:.0f}"


def test_attest_and_not_applicable_update_the_score_live_and_save(qtbot, opened, monkeypatch, sample_copy):
    page = opened.project_view.page("checklist")
    header = opened.project_view.header
    item = _first_manual_item(opened.session.assessment)
    before = opened.session.assessment.score
    assert page.select(item.id)
    monkeypatch.setattr("handoff_assistant.gui.pages.checklist.ask_note",
                        lambda parent, title, label: "Reviewed with the data protection officer")
    page.attest_button.click()
    after = opened.session.assessment
    assert next(i for i in after.items if i.id == item.id).status == ATTESTED
    assert after.score > before and header.score_label.text() == f"{after.score:.0f}"
    assert page.selected_item().id == item.id, "the attested item stays selected"
    assert page.withdraw_button.isEnabled()

    other = _first_manual_item(after)
    assert page.select(other.id)
    page.na_button.click()
    assert next(i for i in opened.session.assessment.items if i.id == other.id).status == NOT_APPLICABLE

    assert opened.save_project()
    saved = yaml.safe_load((sample_copy / "handoff.yaml").read_text())
    assert saved["attestations"][item.id]["status"] == "attested"
    assert saved["attestations"][item.id]["note"] == "Reviewed with the data protection officer"
    assert saved["attestations"][other.id]["status"] == "n/a"


def test_handoff_details_form_validates_previews_cron_and_saves(qtbot, opened, sample_copy):
    opened.project_view.show_page("details")
    page = opened.project_view.page("details")
    assert "Name the owner" in page.problems_label.text()
    page.owner_name.setText("Ana Lopez")
    page.owner_email.setText("ana@example")
    page.owner_email.textEdited.emit("ana@example")
    page.commit()
    assert "is not an address" in page.problems_label.text()
    page.owner_email.setText("ana@example.com")
    page.owner_email.textEdited.emit("ana@example.com")
    page.add_entry_button.click()
    for edit, value in ((page.entry_name, "nightly-scoring"), (page.entry_command, "python -m churn.score"),
                        (page.entry_schedule, "0 6 * * 1-5"), (page.entry_runtime, "15m"),
                        (page.entry_sample, "data/sample_customers.csv")):
        edit.setText(value)
        edit.textEdited.emit(value)
    assert page.schedule_preview.text() == "At 06:00, Monday through Friday."
    qtbot.waitUntil(lambda: opened.session.project.owner is not None
                    and opened.session.project.entry_points[0].schedule == "0 6 * * 1-5", timeout=3000)
    assert page.problems_label.text() == "All handoff details are filled in."
    page.entry_schedule.setText("0 25 * * *")
    assert "hour must be between 0 and 23" in page.schedule_preview.text()
    page.entry_schedule.setText("0 6 * * 1-5")
    page.entry_schedule.textEdited.emit("0 6 * * 1-5")

    opened.save_action.trigger()
    saved = yaml.safe_load((sample_copy / "handoff.yaml").read_text())
    assert saved["owner"]["name"] == "Ana Lopez" and saved["owner"]["email"] == "ana@example.com"
    assert saved["entry_points"][0]["command"] == "python -m churn.score"
    assert saved["entry_points"][0]["schedule"] == "0 6 * * 1-5"
    assert not opened.session.dirty


def test_saving_asks_before_overwriting_changes_made_outside_the_app(qtbot, opened, monkeypatch, sample_copy):
    opened.session.resolve("acme", "acme-tools")
    (sample_copy / "handoff.yaml").write_text("name: edited in vim\n")
    questions = []
    monkeypatch.setattr("handoff_assistant.gui.main_window.ask_yes_no",
                        lambda parent, title, question: questions.append(question) or False)
    assert not opened.save_project()
    assert "changed outside the app" in questions[0]
    assert (sample_copy / "handoff.yaml").read_text() == "name: edited in vim\n"
    monkeypatch.setattr("handoff_assistant.gui.main_window.ask_yes_no", lambda *a: True)
    assert opened.save_project()
    assert yaml.safe_load((sample_copy / "handoff.yaml").read_text())["resolutions"] == {"acme": "acme-tools"}


@pytest.fixture
def offline_pip(tmp_path_factory, monkeypatch):
    wheelhouse = make_wheelhouse(tmp_path_factory.mktemp("wheelhouse"))
    for name in [k for k in os.environ if k.startswith("PIP_")]:
        monkeypatch.delenv(name)
    for name, value in offline_pip_env(wheelhouse).items():
        if name.startswith("PIP_"):
            monkeypatch.setenv(name, value)


@pytest.mark.slow
def test_build_a_bundle_from_the_gui_and_find_it_on_disk(qtbot, window, tmp_path, offline_pip, monkeypatch):
    project = make_project(tmp_path / "tiny-scorer")
    open_and_scan(qtbot, window, project)
    page = window.project_view.page("bundle")
    page.output_edit.setText(str(tmp_path / "out"))
    reasons = []
    monkeypatch.setattr("handoff_assistant.gui.pages.bundle.ask_not_ready_reason",
                        lambda parent, blockers: reasons.append(blockers) or "Pilot run agreed with IT")
    window.build_action.trigger()
    assert window.project_view.current_page_id() == "bundle"
    qtbot.waitUntil(lambda: page.worker is None, timeout=120000)
    assert page.result is not None, page.log.toPlainText()
    assert page.result.path.parent == tmp_path / "out"
    assert re.fullmatch(r"tiny-scorer-\d{8}-\d{6}-handoff\.zip", page.result.path.name)
    assert page.result.path.is_file() and page.result_box.isVisible()
    with zipfile.ZipFile(page.result.path) as archive:
        assert "RUNBOOK.md" in archive.namelist()
    assert str(page.result.path) in page.result_label.text()
    assert "Done:" in page.log.toPlainText()
    assert window.project_view.nav.item(5).toolTip().startswith("Bundle: done")
    assert (not reasons) == (window.session.assessment.level != NOT_READY)
    page.show_runbook()
    with zipfile.ZipFile(page.result.path) as archive:
        first_heading = archive.read("RUNBOOK.md").decode().splitlines()[0].lstrip("# ").strip()
    assert first_heading in read_markdown(page)


def read_markdown(page) -> str:
    return page.runbook_dialog.findChild(QTextBrowser).toMarkdown()


def test_a_not_ready_project_asks_for_a_reason_and_cancelling_builds_nothing(qtbot, opened, monkeypatch, tmp_path):
    page = opened.project_view.page("bundle")
    page.output_edit.setText(str(tmp_path / "out"))
    asked = []
    monkeypatch.setattr("handoff_assistant.gui.pages.bundle.ask_not_ready_reason",
                        lambda parent, blockers: asked.append(blockers))
    page.build()
    assert asked and asked[0] == ", ".join(opened.session.assessment.blockers)
    assert page.worker is None and not (tmp_path / "out").exists()


def _waits_for_cancel(*args, **kwargs):
    """A stand-in for long core work: reports progress until the user cancels."""
    progress, cancel = args[2], args[3]
    while True:
        progress(1, 10, "working")
        cancel.raise_if_cancelled()
        time.sleep(0.01)


def test_cancelling_a_build_reports_it_and_keeps_the_window_usable(qtbot, opened, monkeypatch, tmp_path):
    page = opened.project_view.page("bundle")
    page.output_edit.setText(str(tmp_path / "out"))
    monkeypatch.setattr("handoff_assistant.gui.pages.bundle.ask_not_ready_reason", lambda parent, b: "pilot")
    monkeypatch.setattr("handoff_assistant.gui.pages.bundle.build_bundle",
                        lambda root, options, progress, cancel: _waits_for_cancel(root, options, progress, cancel))
    page.build()
    assert page.cancel_button.isEnabled() and not page.build_button.isEnabled()
    qtbot.waitUntil(lambda: "working" in page.log.toPlainText(), timeout=5000)
    page.cancel_button.click()
    qtbot.waitUntil(lambda: page.worker is None, timeout=5000)
    assert page.log.toPlainText().splitlines()[-1] == "Cancelled: nothing was written."
    assert page.build_button.isEnabled() and page.result is None


def test_a_cancelled_rescan_keeps_the_last_report(qtbot, opened, monkeypatch):
    report = opened.session.report
    monkeypatch.setattr("handoff_assistant.gui.main_window.scan_project", _waits_for_cancel)
    opened.rescan_action.trigger()
    assert opened.scan_worker is not None and not opened.rescan_action.isEnabled()
    qtbot.waitUntil(lambda: opened.project_view.progress.bar.maximum() == 10, timeout=5000)
    opened.project_view.progress.cancel_button.click()
    qtbot.waitUntil(lambda: opened.scan_worker is None, timeout=5000)
    assert opened.session.report is report and opened.stack.currentWidget() is opened.project_view
    assert "cancelled" in opened.statusBar().currentMessage()


def test_an_invalid_handoff_yaml_is_a_message_naming_the_line(qtbot, window, errors, sample_copy):
    (sample_copy / "handoff.yaml").write_text("name: churn\nowner: [unclosed\n")
    open_and_scan(qtbot, window, sample_copy)
    summary = errors[0][0]
    assert summary.startswith("The handoff details could not be read: handoff.yaml line")
    assert "Fix handoff.yaml in an editor" in summary
    assert window.session.report is not None, "the scan still ran"


def test_one_invalid_value_blocks_saving_and_keeps_the_file(qtbot, window, errors, monkeypatch, sample_copy):
    written = ("# our notes\nname: churn\nowner: {name: Ana, email: ana@example.com}\nentry_points:\n"
               "  - {name: score, command: python score.py, expected_runtime: 10 minutes}\n")
    (sample_copy / "handoff.yaml").write_text(written)
    open_and_scan(qtbot, window, sample_copy)
    assert "expected_runtime" in errors[0][0] and "saving is blocked" in errors[0][0]
    details = window.project_view.page("details")
    details.refresh()
    assert not details.save_button.isEnabled()
    assert "could not be read" in details.problems_label.text() and "expected_runtime" in details.problems_label.text()

    checklist = window.project_view.page("checklist")
    assert checklist.select(_first_manual_item(window.session.assessment).id)
    monkeypatch.setattr("handoff_assistant.gui.pages.checklist.ask_note", lambda parent, title, label: "checked")
    checklist.attest_button.click()
    window.save_action.trigger()  # Ctrl+S
    assert (sample_copy / "handoff.yaml").read_text() == written
    assert errors[-1][0].startswith("handoff.yaml was not saved: the file on disk could not be read")

    (sample_copy / "handoff.yaml").write_text(written.replace("10 minutes", "10m"))
    window.session._set_dirty(False)  # the attestation above is dropped, as "Discard" would
    with qtbot.waitSignal(window.scan_finished, timeout=30000):
        window.start_scan()
    assert window.session.load_error is None and window.session.project.owner.name == "Ana"
    details.refresh()
    assert details.save_button.isEnabled()


def test_an_invalid_team_policy_is_refused_with_the_reason(qtbot, opened, errors, settings, tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text("weights: {Nonsense: 3}\n")
    settings.policy_path = str(policy)
    opened._apply_policy()
    assert "The team policy cannot be used" in errors[0][0] and str(policy) in errors[0][0]
    assert settings.policy_path is None and opened.session.assessment.policy == "default"


def test_a_team_policy_chosen_in_the_checklist_changes_the_assessment(qtbot, opened, settings, monkeypatch, tmp_path):
    policy = tmp_path / "payments.yaml"
    policy.write_text("name: Payments team\nready_threshold: 90\n")
    monkeypatch.setattr("handoff_assistant.gui.main_window.QFileDialog.getOpenFileName",
                        lambda *args, **kwargs: (str(policy), ""))
    page = opened.project_view.page("checklist")
    page.policy_button.click()
    assert opened.session.assessment.policy == "Payments team"
    assert page.policy_label.text().startswith("Policy: Payments team · Ready at 90 points")
    assert settings.policy_path == str(policy)


def test_the_bundle_page_offers_the_environment_options_and_shows_the_projects_python(opened):
    page = opened.project_view.page("bundle")
    page.refresh()
    assert page.python_edit.placeholderText() == (
        "the project's: 3.10 from 3.10.12 (notebooks/01_explore.ipynb, recorded by its kernel)")
    page.dev_check.setChecked(True)
    page.accelerator_combo.setCurrentIndex(page.accelerator_combo.findData("cpu"))
    options = page.options(None)
    assert options.include_dev and options.accelerator == "cpu"
