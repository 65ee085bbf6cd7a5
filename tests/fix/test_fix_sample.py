"""Issue 12 on the bundled sample: preview changes nothing, apply leaves no path/host/secret in code, undo restores."""
from __future__ import annotations

import hashlib
import json
import py_compile
from pathlib import Path

import nbformat
import pytest

from handoff_assistant.cli import main
from handoff_assistant.fix import FixError, apply_fixes, last_applied, plan_fixes, render_diff, undo
from handoff_assistant.fix.notebook_json import cell_sources, replace_sources
from handoff_assistant.scan import ScanOptions, scan_project
from handoff_assistant.user_data import fix_backup_root

CODE_SUFFIXES = {".py", ".ipynb", ".r", ".rmd", ".qmd", ".sql", ".sh"}
SECRET_VALUES = ("Sup3rS3cret", "Winter2024", "abcd1234efgh5678ijkl9012")


def hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*"))
            if p.is_file()}


def scan(root: Path):
    return scan_project(root, ScanOptions())


def open_in_code(report) -> list:
    return [f for f in report.findings if f.category in ("path", "host", "secret")
            and not f.rule.startswith("notebook.output.")
            and (Path(f.file).suffix.lower() in CODE_SUFFIXES or f.category == "secret")]


@pytest.fixture
def planned(sample_copy):
    report = scan(sample_copy)
    return sample_copy, report, plan_fixes(sample_copy, report)


def test_the_preview_changes_nothing_and_shows_every_code_file_with_a_finding(planned):
    root, report, plan = planned
    before = hashes(root)
    diff = render_diff(plan)
    assert hashes(root) == before
    assert {f.file for f in open_in_code(report)} <= {fix.path for fix in plan.files}
    assert '+LOCAL_CSV = handoff_config.get("local_csv")' in diff
    assert '+DB_URL = os.environ["DB_URL"]' in diff
    assert '+  api_key: "${SCORING_API_KEY}"' in diff
    assert 'setwd(Sys.getenv(\\"CHURN_DIR\\", config::get(\\"churn_dir\\")))' in diff
    assert '"ls -la \\"${DATA_DIR}\\" | head"' in diff


def test_no_secret_value_appears_in_the_plan_or_its_diff(planned):
    root, _, plan = planned
    shown = render_diff(plan) + json.dumps([e.__dict__ for e in plan.edits]) + repr(plan.config_entries)
    for value in SECRET_VALUES:
        assert value not in shown
    assert plan.notes and "rotate" in plan.notes[0]


def test_the_same_value_is_one_key_and_names_come_from_the_context(planned):
    _, _, plan = planned
    keys = {(edit.line, edit.cell, Path(fix.path).name): edit.key for fix in plan.files if not fix.generated
            for edit in fix.edits}
    assert keys[(10, None, "data.py")] == keys[(1, 4, "01_explore.ipynb")] == "local_csv"
    assert keys[(10, None, "score.py")] == keys[(2, 6, "02_model.ipynb")] == "model_path"
    assert keys[(1, 6, "01_explore.ipynb")] == "customers_2023q4_csv"  # read_csv of customers_2023Q4.csv
    assert keys[(3, 2, "02_model.ipynb")] == "mlflow_tracking_uri"
    entry = next(e for e in plan.config_entries if e.key == "model_path" and not e.stays_in)
    assert entry.default == "C:/Users/maria/models/churn.pkl"  # Windows separators become forward slashes


def test_apply_leaves_no_finding_in_code_and_every_file_parses(planned):
    root, report, plan = planned
    applied = apply_fixes(plan, root, backup_root=fix_backup_root())
    after = scan(root)
    assert open_in_code(report) and not open_in_code(after)
    for path in root.rglob("*.py"):
        py_compile.compile(str(path), doraise=True)
    for path in root.rglob("*.ipynb"):
        nbformat.validate(nbformat.read(str(path), as_version=4))
    assert "local_csv" in (root / "config.yml").read_text()
    assert "DB_URL=\n" in (root / ".env.example").read_text()
    assert {t.path for t in applied.files if t.created} == {"handoff_config.py", "config.yml", ".env.example"}


def test_a_notebook_changes_only_inside_the_edited_sources(planned, sample_project=None):
    root, _, plan = planned
    original = (root / "notebooks/02_model.ipynb").read_text(encoding="utf-8")
    apply_fixes(plan, root, backup_root=fix_backup_root())
    fixed = (root / "notebooks/02_model.ipynb").read_text(encoding="utf-8")
    assert fixed != original
    sources = {index: source for index, (_, source, _, _) in enumerate(cell_sources(original))}
    assert replace_sources(fixed, sources) == original  # outputs, ids, key order, indentation: byte for byte


def test_undo_restores_every_byte_and_removes_created_files_even_after_a_restart(planned):
    root, _, plan = planned
    before = hashes(root)
    apply_fixes(plan, root, backup_root=fix_backup_root())
    assert hashes(root) != before
    record = last_applied(root, fix_backup_root())  # read back from the JSON record, as after a restart
    restored = undo(record)
    assert hashes(root) == before
    assert root / "handoff_config.py" in restored
    assert last_applied(root, fix_backup_root()) is None


def test_undo_refuses_and_changes_nothing_when_a_file_was_edited_after_the_fix(planned):
    root, _, plan = planned
    applied = apply_fixes(plan, root, backup_root=fix_backup_root())
    (root / "config.yml").write_text("default:\n  local_csv: mine\n")
    state = hashes(root)
    with pytest.raises(FixError, match="config.yml changed since the fix"):
        undo(applied)
    assert hashes(root) == state


def test_apply_refuses_a_file_changed_since_the_scan_and_writes_nothing(planned):
    root, _, plan = planned
    with open(root / "churn/score.py", "a") as stream:
        stream.write("# edited after the scan\n")
    state = hashes(root)
    with pytest.raises(FixError, match="churn/score.py changed since the scan"):
        apply_fixes(plan, root, backup_root=fix_backup_root())
    assert hashes(root) == state


def test_only_the_selected_edits_are_written_with_the_config_they_need(planned):
    root, _, plan = planned
    edit = next(e for e in plan.edits if e.key == "model_path" and e.cell is None)
    text = plan.text_after("churn/score.py", frozenset({edit.id}))
    assert 'DEFAULT_MODEL = handoff_config.get("model_path")' in text and "import handoff_config\n" in text
    apply_fixes(plan, root, selected=frozenset({edit.id}), backup_root=fix_backup_root())
    config = (root / "config.yml").read_text()
    assert "model_path" in config and "local_csv" not in config
    assert not (root / ".env.example").exists()
    assert 'LOCAL_CSV = "/Users/' in (root / "churn/data.py").read_text()


def test_keys_are_stable_across_a_second_plan_after_a_partial_fix(planned):
    root, _, plan = planned
    first = {e.id: e.key for e in plan.edits}
    chosen = next(e for e in plan.edits if e.key == "local_csv")
    apply_fixes(plan, root, selected=frozenset({chosen.id}), backup_root=fix_backup_root())
    again = plan_fixes(root, scan(root))
    assert {e.id: e.key for e in again.edits} == {k: v for k, v in first.items() if k in {e.id for e in again.edits}}
    assert any(e.key == "local_csv" for e in again.edits)  # the notebook's use reuses the key config.yml has
    assert "local_csv" not in {f.path for f in again.files if f.path == "config.yml"}


def test_cli_previews_applies_and_undoes_with_exit_codes(sample_copy, capsys):
    before = hashes(sample_copy)
    assert main(["fix", str(sample_copy), "--only", "paths"]) == 0
    out = capsys.readouterr().out
    assert "+LOCAL_CSV = handoff_config.get" in out and 'os.environ["DB_URL"]' not in out
    assert "Nothing was changed" in out and hashes(sample_copy) == before
    assert main(["fix", str(sample_copy), "--only", "files"]) == 2
    assert main(["fix", str(sample_copy), "--finding", "0000"]) == 2
    assert main(["fix", str(sample_copy), "--apply"]) == 0
    assert hashes(sample_copy) != before
    assert main(["fix", str(sample_copy), "--undo"]) == 0
    assert hashes(sample_copy) == before
    assert main(["fix", str(sample_copy), "--undo"]) == 1


def test_an_existing_config_yml_is_extended_at_its_end_or_left_alone_with_the_reason(sample_copy):
    report = scan(sample_copy)
    (sample_copy / "config.yml").write_text("# team settings\ndefault:\n    threshold: 0.5\n")
    plan = plan_fixes(sample_copy, report)
    text = plan.text_after("config.yml")
    assert text.startswith("# team settings\ndefault:\n    threshold: 0.5\n")
    assert '\n    local_csv: "/Users/maria.lopez/Documents/churn/data/customers.csv"\n' in text  # its indentation

    (sample_copy / "config.yml").write_text("production:\n  threshold: 0.7\n")
    plan = plan_fixes(sample_copy, report)
    assert not any(edit.key == "local_csv" for edit in plan.edits)
    assert any("does not end with a `default:` section" in u.reason for u in plan.unfixable)
    assert any(edit.key == "DB_URL" for edit in plan.edits)  # secrets need no config.yml
