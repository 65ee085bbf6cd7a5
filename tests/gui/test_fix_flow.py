"""Fix it for me, in the window: Fix… on the Findings page, the preview, Apply, the rescan, and Undo byte for byte."""
from __future__ import annotations

from pathlib import Path

import git
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from handoff_assistant.gui.main_window import MainWindow
from handoff_assistant.gui.models.base import ROW_ROLE
from handoff_assistant.gui.models.fix_plan import ConfigEntriesModel, FixPlanModel, UnfixableModel
from tests.gui.conftest import open_and_scan

pytestmark = pytest.mark.gui

# The sample's credentials (churn/data.py, config/settings.yaml): never on screen unmasked.
SAMPLE_SECRETS = ("Sup3rS3cret!", "Winter2024!", "abcd1234efgh5678ijkl9012")
FIXED_CATEGORIES = ("path", "host", "secret")


@pytest.fixture
def opened(qtbot, window, sample_copy):
    open_and_scan(qtbot, window, sample_copy)
    window.project_view.show_page("findings")
    return window


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def open_preview(qtbot, window, action):
    with qtbot.waitSignal(window.fixes.preview_opened, timeout=30000) as blocker:
        action.trigger()
    return blocker.args[0]


def apply_and_rescan(qtbot, window, dialog):
    """Apply, then wait for the rescan; a refused apply fails the test with the dialog's message."""
    with qtbot.waitSignal(dialog.apply_ended, timeout=60000) as ended:
        dialog.apply_button.click()
    assert ended.args[0] == "", ended.args[0]
    qtbot.waitUntil(lambda: window.scan_worker is None, timeout=60000)


def undo_and_rescan(qtbot, window):
    with qtbot.waitSignals([window.fixes.fix_undone, window.scan_finished], timeout=60000):
        window.fixes.undo_action.trigger()


def open_code_findings(report) -> list:
    return [f for f in report.findings if f.category in FIXED_CATEGORIES and not f.rule.startswith("notebook.")]


def all_diffs(dialog) -> str:
    texts = []
    for row in range(dialog.model.rowCount()):
        dialog.tree.setCurrentIndex(dialog.model.index(row, 0))
        texts += [dialog.diff.toPlainText(), dialog.side_by_side.left.toPlainText(),
                  dialog.side_by_side.right.toPlainText()]
    return "\n".join(texts)


def tree_texts(model) -> str:
    """Every label and tooltip of the files-and-edits tree."""
    texts = []
    for row in range(model.rowCount()):
        group = model.index(row, 0)
        for index in [group] + [model.index(r, c, group) for r in range(model.rowCount(group)) for c in range(2)]:
            texts += [str(index.data()), str(index.data(Qt.ItemDataRole.ToolTipRole))]
    return "\n".join(texts)


def test_fix_is_offered_only_where_the_engine_can_fix(qtbot, opened):
    page = opened.project_view.page("findings")
    assert page.select(lambda row: row.finding.rule.startswith("notebook.output"))
    assert not page.fix_action.isEnabled() and not page.fix_button.isEnabled()
    assert "Not fixable automatically" in page.fix_button.toolTip()
    assert page.select(lambda row: row.finding.file == "churn/data.py" and row.finding.category == "path")
    assert page.fix_action.isEnabled() and page.fix_button.isEnabled()
    assert "Ctrl+." in page.fix_button.toolTip()
    assert page.fix_all_action.isEnabled()
    paths = next(row for row in range(page.proxy.rowCount()) if "paths" in page.proxy.index(row, 0).data())
    page.tree.setCurrentIndex(page.proxy.index(paths, 0))
    group = [row.finding for g, rows in page.model.groups if g.category == "path" for row in rows]
    takes = [f for f in group if not f.rule.startswith("notebook.output")]
    assert page.fix_action.isEnabled()
    assert f"{len(takes)} of these {len(group)} findings" in page.fix_action.toolTip()
    with qtbot.waitSignal(opened.fixes.preview_opened, timeout=30000) as shown, \
            qtbot.waitSignal(page.fix_requested) as requested:
        page.fix_action.trigger()
    assert set(requested.args[0]) == {f.fingerprint for f in takes}
    shown.args[0].reject()
    page.select(lambda row: row.finding.file == "churn/data.py" and row.finding.category == "path")
    opened.activateWindow()
    qtbot.waitUntil(opened.isActiveWindow)
    page.tree.setFocus()
    with qtbot.waitSignal(opened.fixes.preview_opened, timeout=30000) as shown:
        qtbot.keyClick(page.tree, Qt.Key.Key_Period, Qt.KeyboardModifier.ControlModifier)
    assert [file.path for file in shown.args[0].plan.files][0] == "churn/data.py"
    shown.args[0].reject()
    menu = page.context_menu()
    assert [a.text() for a in menu.actions()][:2] == ["Fix…", "Fix All Fixable…"]


def test_preview_shows_the_diff_the_entries_and_what_is_not_fixed(qtbot, window, sample_copy):
    (sample_copy / "churn" / "odd.py").write_text(  # a value built in an f-string: the engine leaves it
        'def load(name):\n    return open(f"/Users/maria.lopez/Documents/churn/{name}.csv")\n')
    open_and_scan(qtbot, window, sample_copy)
    before = snapshot(sample_copy)
    dialog = open_preview(qtbot, window, window.project_view.page("findings").fix_all_action)
    assert dialog.isVisible()
    assert dialog.select_file("churn/data.py")
    diff = dialog.diff.toPlainText()
    assert "--- a/churn/data.py" in diff or "churn/data.py" in diff.splitlines()[0]
    removed = [line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert any("/Users/maria.lopez" in line for line in removed) and added
    assert dialog.entries.rowCount() == len(dialog.plan.config_entries) > 0
    kinds = {dialog.entries.row_object(r).kind for r in range(dialog.entries.rowCount())}
    assert "env" in kinds, "the sample's credentials become environment variables"
    assert "rotate" in dialog.notes.text().lower()
    assert [dialog.unfixable.index(r, 0).data() for r in range(dialog.unfixable.rowCount())] == ["churn/odd.py:2"]
    assert "f-string" in dialog.unfixable.index(0, 1).data()
    assert dialog.tabs.isTabEnabled(2)
    shown = all_diffs(dialog) + "".join(
        str(dialog.entries.index(r, c).data()) for r in range(dialog.entries.rowCount()) for c in range(dialog.entries.columnCount()))
    dialog.side_by_side_box.setChecked(True)
    assert window.settings.fix_side_by_side, "the choice is remembered for the next preview"
    dialog.select_file("churn/data.py")
    left, right = dialog.side_by_side.left.toPlainText(), dialog.side_by_side.right.toPlainText()
    assert "/Users/maria.lopez" in left and "/Users/maria.lopez" not in right.split("def ")[0]
    assert len(left.splitlines()) == len(right.splitlines()), "the two sides stay line against line"
    shown += all_diffs(dialog) + tree_texts(dialog.model)
    assert not [secret for secret in SAMPLE_SECRETS if secret in shown]
    assert snapshot(sample_copy) == before, "the preview writes nothing"
    dialog.reject()


def test_a_finding_the_engine_cannot_rewrite_opens_the_preview_on_why(qtbot, window, sample_copy):
    (sample_copy / "churn" / "odd.py").write_text(
        'def load(name):\n    return open(f"/Users/maria.lopez/Documents/churn/{name}.csv")\n')
    open_and_scan(qtbot, window, sample_copy)
    page = window.project_view.page("findings")
    assert page.select(lambda row: row.finding.file == "churn/odd.py")
    dialog = open_preview(qtbot, window, page.fix_action)
    assert dialog.model.rowCount() == 0 and not dialog.apply_button.isEnabled()
    assert dialog.tabs.currentIndex() == 2 and "f-string" in dialog.unfixable.index(0, 1).data()
    dialog.reject()


def test_unticked_edit_stays_apply_rescans_and_undo_restores_every_byte(qtbot, opened, sample_copy):
    before = snapshot(sample_copy)
    open_before = len(open_code_findings(opened.session.report))
    dialog = open_preview(qtbot, opened, opened.project_view.page("findings").fix_all_action)
    data_py = dialog.plan.file("churn/data.py")
    kept = next(edit for edit in data_py.edits if "/Users/maria.lopez" in edit.before)
    index = dialog.edit_index(kept.id)
    assert dialog.model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert dialog.model.data(index.parent(), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.PartiallyChecked
    assert kept.before in dialog.plan.text_after("churn/data.py", dialog.model.selected)

    apply_and_rescan(qtbot, opened, dialog)
    after = snapshot(sample_copy)
    changed = {path for path in before if after.get(path) != before[path]} | (set(after) - set(before))
    assert "churn/data.py" in changed
    assert kept.before in (sample_copy / "churn" / "data.py").read_text(), "the unticked edit left its line as it was"
    assert len(open_code_findings(opened.session.report)) < open_before
    assert opened.project_view.current_page_id() == "findings", "the rescan keeps the page"
    assert opened.project_view.notice.isVisible() and opened.fixes.undo_action.isEnabled()
    backups = Path(opened.fixes.applied.backup_dir)
    assert not backups.is_relative_to(sample_copy), "backups live in the user data folder, not the project"

    undo_and_rescan(qtbot, opened)
    assert snapshot(sample_copy) == before, "every file is back byte for byte, created files removed"
    assert not opened.fixes.undo_action.isEnabled()
    assert len(open_code_findings(opened.session.report)) == open_before


def test_undo_survives_a_restart(qtbot, opened, sample_copy, settings):
    before = snapshot(sample_copy)
    dialog = open_preview(qtbot, opened, opened.project_view.page("findings").fix_all_action)
    apply_and_rescan(qtbot, opened, dialog)
    assert snapshot(sample_copy) != before
    again = open_preview(qtbot, opened, opened.project_view.page("findings").fix_all_action)
    assert not again.plan.edits and not again.apply_button.isEnabled()
    assert "already live in configuration files" in again.summary.text() and again.tabs.currentIndex() == 1
    again.reject()
    opened.close()

    second = MainWindow(settings)
    qtbot.addWidget(second)
    second.show()
    open_and_scan(qtbot, second, sample_copy)
    assert second.fixes.undo_action.isEnabled()
    assert "can still be undone" in second.project_view.notice.label.text()
    undo_and_rescan(qtbot, second)
    assert snapshot(sample_copy) == before
    second.runner.wait_for_done(5000)


def test_undo_refuses_a_file_changed_after_the_fix(qtbot, opened, sample_copy, errors):
    dialog = open_preview(qtbot, opened, opened.project_view.page("findings").fix_all_action)
    apply_and_rescan(qtbot, opened, dialog)
    score = sample_copy / "churn" / "data.py"
    edited = score.read_bytes() + b"\n# my own change after the fix\n"
    score.write_bytes(edited)
    with qtbot.waitSignal(opened.runner.busy_changed, check_params_cb=lambda busy: not busy, timeout=30000):
        opened.fixes.undo_action.trigger()
    assert errors and "churn/data.py" in errors[-1][0]
    assert score.read_bytes() == edited, "the user's later change is kept"
    assert opened.fixes.undo_action.isEnabled(), "Undo stays available once the file is put back"


def test_apply_refuses_a_file_changed_since_the_scan(qtbot, opened, sample_copy):
    dialog = open_preview(qtbot, opened, opened.project_view.page("findings").fix_all_action)
    data_py = sample_copy / "churn" / "data.py"
    data_py.write_text(data_py.read_text() + "\n# edited while the preview was open\n")
    changed = snapshot(sample_copy)
    with qtbot.waitSignal(dialog.apply_ended, timeout=30000) as ended:
        dialog.apply_button.click()
    assert dialog.isVisible()
    assert "churn/data.py" in ended.args[0] and "churn/data.py" in dialog.status.text()
    assert snapshot(sample_copy) == changed, "nothing was written"
    assert not opened.fixes.undo_action.isEnabled()


def test_ctrl_z_in_a_text_field_undoes_the_typing_not_the_fix(qtbot, opened, sample_copy):
    dialog = open_preview(qtbot, opened, opened.project_view.page("findings").fix_all_action)
    apply_and_rescan(qtbot, opened, dialog)
    fixed = snapshot(sample_copy)
    field = opened.project_view.page("findings").filter_edit
    field.setFocus()
    qtbot.keyClicks(field, "abc")
    qtbot.keyClick(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert field.text() != "abc"
    assert isinstance(opened.focusWidget(), QLineEdit)
    assert snapshot(sample_copy) == fixed and opened.fixes.undo_action.isEnabled()


def test_fix_on_a_git_repository_names_the_files_it_touches(qtbot, window, sample_copy):
    repo = git.Repo.init(sample_copy)
    repo.git.add(A=True)
    repo.index.commit("prototype")
    open_and_scan(qtbot, window, sample_copy)
    dialog = open_preview(qtbot, window, window.project_view.page("findings").fix_all_action)
    note = dialog.git_label.text()
    assert dialog.git_label.isVisibleTo(dialog) and "churn/data.py" in note and "Nothing is committed" in note
    dialog.reject()


def test_the_preview_models_are_sound(qtbot, opened, qtmodeltester):
    dialog = open_preview(qtbot, opened, opened.project_view.page("findings").fix_all_action)
    for model in (dialog.model, dialog.entries, dialog.unfixable):
        qtmodeltester.check(model)
    assert isinstance(dialog.model, FixPlanModel) and isinstance(dialog.entries, ConfigEntriesModel)
    assert isinstance(dialog.unfixable, UnfixableModel)
    first = dialog.model.index(0, 0)
    assert first.data(ROW_ROLE) is dialog.plan.files[0]
    dialog.reject()


def test_esc_after_the_engine_wrote_everything_still_counts_as_applied_and_undone(qtbot, opened, sample_copy):
    """The worker reports 'cancelled' when Esc comes after the call returned; the files tell the truth."""
    from handoff_assistant.gui import fixing

    before = snapshot(sample_copy)
    dialog = open_preview(qtbot, opened, opened.project_view.page("findings").fix_all_action)
    fixing.apply(dialog.plan, sample_copy, dialog.model.selected, None, None)  # what the worker did
    with qtbot.waitSignal(opened.fixes.fix_applied), qtbot.waitSignal(opened.scan_finished, timeout=60000):
        dialog._cancelled()
    assert opened.fixes.undo_action.isEnabled()
    applied = opened.fixes.applied
    fixing.undo(applied)
    with qtbot.waitSignal(opened.fixes.fix_undone), qtbot.waitSignal(opened.scan_finished, timeout=60000):
        opened.fixes._undo_cancelled(applied)
    assert snapshot(sample_copy) == before and not opened.fixes.undo_action.isEnabled()
