"""Each step shows the sample's data; suppress and resolve go into handoff.yaml; rescans keep the user's place."""
from __future__ import annotations

import dataclasses

import pytest
import yaml
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from handoff_assistant.gui.models.base import ROW_ROLE
from handoff_assistant.gui.pages.base import ATTENTION, DONE
from handoff_assistant.scan.report import UNKNOWN, Dependency, Finding, SourceRef
from tests.gui.conftest import open_and_scan

pytestmark = pytest.mark.gui

SECRET_LINE = 'DB_PASSWORD = "Tr0ub4dor&3-prod"\n'


@pytest.fixture
def opened(qtbot, window, sample_copy):
    open_and_scan(qtbot, window, sample_copy)
    return window


def _with(window, **changes):
    """Show the open project's real report with extra findings/dependencies (detectors are tested elsewhere)."""
    window.session.set_report(dataclasses.replace(window.session.report, **changes))


def _findings(root):
    (root / "churn" / "secrets.py").write_text("import os\n" + SECRET_LINE + "HOME = '/Users/ana/data'\n")
    return (
        Finding("secret.password-assignment", "secret", "high", "churn/secrets.py", 2, "Hardcoded password",
                "Read it from an environment variable", snippet='DB_PASSWORD = "********"', fingerprint="fp-secret"),
        Finding("path.user-home", "path", "medium", "churn/secrets.py", 3, "Path in a user's home folder",
                "Read the folder from configuration", snippet="HOME = '/Users/ana/data'", fingerprint="fp-path"),
        Finding("notebook.out-of-order", "notebook", "low", "notebooks/02_model.ipynb", 1, "Cells ran out of order",
                "Restart the kernel and run all cells", snippet="", cell=1, fingerprint="fp-nb"),
    )


def test_overview_shows_the_sample(opened):
    page = opened.project_view.page("overview")
    report = opened.session.report
    assert page.files_labels[0].text().startswith(f"{report.files.count:,}")
    assert [s.name for s in page.chart._stats][:1] == [report.languages[0].name]
    assert "Python" in page.chart.accessibleDescription()
    assert page.target_labels[0].text() == report.target.python_version
    assert page.target_labels[4].text().startswith(  # the sample's notebooks record their kernel's version
        "3.10 from 3.10.12 (notebooks/01_explore.ipynb, recorded by its kernel)")
    notebooks = {page.notebook_model.index(r, 0).data(): page.notebook_model.index(r, 3).data()
                 for r in range(page.notebook_model.rowCount())}
    assert notebooks == {n.path: "out of order" if n.out_of_order else "top to bottom" for n in report.notebooks}
    assert "out of order" in notebooks.values(), "the sample has a notebook run out of order"


def test_dependencies_table_filters_and_sorts(opened):
    page = opened.project_view.page("dependencies")
    report = opened.session.report
    assert page.proxy.rowCount() == len(report.dependencies)
    names = {page.proxy.index(r, 1).data() for r in range(page.proxy.rowCount())}
    assert "pandas" in names and "scikit-learn" in names
    page.filter_edit.setText("sklearn")
    assert page.proxy.rowCount() == 1
    assert page.proxy.index(0, 1).data() == "scikit-learn"
    page.filter_edit.clear()
    page.attention_only.setChecked(True)
    shown = [page.proxy.index(r, 0).data(ROW_ROLE) for r in range(page.proxy.rowCount())]
    assert shown and all(row.needs_attention for row in shown)
    assert page.r_model.rowCount() == len(report.r_packages) > 0


def test_resolving_an_unknown_import_is_saved_in_handoff_yaml(qtbot, opened, monkeypatch, sample_copy):
    unknown = Dependency(None, ("acme_utils",), UNKNOWN, sources=(SourceRef("churn/train.py", 3),),
                         candidates=("acme-utils", "acme-tools"))
    _with(opened, dependencies=opened.session.report.dependencies + (unknown,))
    page = opened.project_view.page("dependencies")
    resolved_item = next(i for i in opened.session.assessment.items if i.id.endswith("imports-resolved")
                         or "resolved to a distribution" in i.title)
    assert resolved_item.status == "fail", "an unknown import fails the checklist item until it is resolved"
    assert page.select(lambda row: row.dependency.import_names == ("acme_utils",))
    assert page.resolve_button.isEnabled()
    asked = []
    monkeypatch.setattr("handoff_assistant.gui.pages.dependencies.ask_distribution",
                        lambda parent, name, choices: asked.append((name, choices)) or "acme-tools")
    page.resolve_button.click()
    assert asked == [("acme_utils", ("acme-utils", "acme-tools"))]
    assert page.selected_row().status_text == "resolved in handoff.yaml", "the row stays selected after the change"
    item = next(i for i in opened.session.assessment.items if i.id == resolved_item.id)
    assert item.status == "pass" and "acme_utils → acme-tools (handoff.yaml resolutions)" in item.evidence
    assert opened.session.dirty and opened.save_action.isEnabled()
    opened.save_action.trigger()
    saved = yaml.safe_load((sample_copy / "handoff.yaml").read_text())
    assert saved["resolutions"] == {"acme_utils": "acme-tools"}
    assert not opened.session.dirty


def test_findings_are_grouped_previewed_masked_and_suppressed(qtbot, opened, monkeypatch, sample_copy):
    _with(opened, findings=_findings(sample_copy))
    page = opened.project_view.page("findings")
    groups = [page.model.index(r, 0).data() for r in range(page.model.rowCount())]
    assert groups == ["Credentials in code (1)", "Hardcoded paths (1)", "Notebook hygiene (1)"]
    assert page.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == \
        "Credentials in code: 1 high; 0 suppressed with a reason"
    assert page.select(lambda row: row.finding.fingerprint == "fp-secret")
    preview = page.preview.toPlainText()
    assert 'DB_PASSWORD = "********"' in preview and "Tr0ub4dor" not in preview
    assert page.preview.highlighted_line == 2

    assert page.select(lambda row: row.finding.fingerprint == "fp-nb")
    assert page.preview_title.text() == "notebooks/02_model.ipynb — cell 2"

    assert page.select(lambda row: row.finding.fingerprint == "fp-path")
    page.filter_edit.setText("home folder")
    shown = [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())]
    assert shown == ["Hardcoded paths (1)"]
    assert page.proxy.rowCount(page.proxy.index(0, 0)) == 1
    assert page.selected_finding().finding.fingerprint == "fp-path", "filtering keeps a visible selection"
    page.filter_edit.clear()
    assert page.select(lambda row: row.finding.fingerprint == "fp-nb")

    page.copy_button.click()
    assert QGuiApplication.clipboard().text() == "Restart the kernel and run all cells"
    opened_paths = []
    monkeypatch.setattr("handoff_assistant.gui.pages.findings.open_in_editor", opened_paths.append)
    page.editor_button.click()
    assert opened_paths == [str(opened.session.root / "notebooks/02_model.ipynb")]

    monkeypatch.setattr("handoff_assistant.gui.pages.findings.ask_suppression_reason",
                        lambda parent, message: "Only used in the exploration notebook")
    assert page.state() == ATTENTION
    page.suppress_button.click()
    assert page.selected_finding().suppressed_reason == "Only used in the exploration notebook"
    assert page.suppress_button.text() == "Unsuppress"
    opened.save_project()
    saved = yaml.safe_load((sample_copy / "handoff.yaml").read_text())
    assert saved["suppressions"] == {"fp-nb": "Only used in the exploration notebook"}


def test_rescan_keeps_the_page_and_the_selected_row(qtbot, opened):
    opened.project_view.show_page("dependencies")
    page = opened.project_view.page("dependencies")
    assert page.select(lambda row: row.dependency.distribution == "pandas")
    with qtbot.waitSignal(opened.scan_finished, timeout=30000):
        opened.rescan_action.trigger()
    assert opened.project_view.current_page_id() == "dependencies"
    assert page.selected_row().dependency.distribution == "pandas"


def test_steps_show_their_state(opened):
    view = opened.project_view
    assert view.page("overview").state() in (DONE, ATTENTION)
    tooltip = view.nav.item(1).toolTip()
    assert tooltip.startswith("Dependencies: ")
    expected = "needs attention" if view.page("dependencies").state() == ATTENTION else "done"
    assert expected in tooltip


def test_every_model_passes_the_model_tester(qtmodeltester, opened, sample_copy):
    _with(opened, findings=_findings(sample_copy))
    view = opened.project_view
    models = [view.page("overview").problem_model, view.page("overview").notebook_model,
              view.page("dependencies").model,
              view.page("dependencies").proxy, view.page("dependencies").r_model, view.page("findings").model,
              view.page("findings").proxy, view.page("checklist").model]
    assert view.page("checklist").model.rowCount() > 1
    for model in models:
        qtmodeltester.check(model, force_py=True)


def test_a_suggestion_is_accepted_with_one_click_and_saved_in_handoff_yaml(qtbot, opened, sample_copy):
    suggested = Dependency(None, ("kneed",), UNKNOWN, sources=(SourceRef("churn/train.py", 4),),
                           candidates=("kneed", "kneed-fork"), resolved_by="suggested", suggestion="kneed")
    ambiguous = Dependency(None, ("scikitplot",), UNKNOWN, sources=(SourceRef("churn/train.py", 5),),
                           candidates=("mljar-scikit-plot", "scikit-plot"), resolved_by="suggested")
    _with(opened, dependencies=opened.session.report.dependencies + (suggested, ambiguous))
    page = opened.project_view.page("dependencies")
    assert page.select(lambda row: row.dependency.import_names == ("scikitplot",))
    assert not page.accept_button.isEnabled(), "an ambiguous import has nothing to accept"
    assert page.select(lambda row: row.dependency.import_names == ("kneed",))
    row = page.selected_row()
    assert row.distribution_text == "kneed? (suggested)" and row.needs_attention
    assert page.accept_button.isEnabled() and page.accept_button.text() == "Accept kneed"
    page.accept_button.click()
    assert page.selected_row().status_text == "resolved in handoff.yaml"
    assert not page.accept_button.isEnabled() and not page.selected_row().needs_attention
    opened.save_action.trigger()
    assert yaml.safe_load((sample_copy / "handoff.yaml").read_text())["resolutions"] == {"kneed": "kneed"}
