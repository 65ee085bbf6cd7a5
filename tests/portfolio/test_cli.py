"""``handoff portfolio`` end to end through the CLI entry point."""
from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest

from handoff_assistant.cli import main
from tests.portfolio.conftest import fixed_assessor


@pytest.fixture(autouse=True)
def fixed_project_assessor(monkeypatch):
    monkeypatch.setattr("handoff_assistant.portfolio.projects.default_project_assessor",
                        lambda policy=None: fixed_assessor)


def test_text_table_lists_projects_and_problems(landing, capsys):
    assert main(["portfolio", str(landing)]) == 0
    out = capsys.readouterr().out
    header, *lines = out.splitlines()
    assert header.split()[:3] == ["Project", "Owner", "Version"]
    assert lines[0].startswith("broken") and lines[1].startswith("churn")
    assert "85" in lines[1] and "Ready" in lines[1]
    assert "Could not read (1):" in out and "broken.zip" in out


def test_filters_and_sort_from_the_command_line(landing, capsys):
    assert main(["portfolio", str(landing), "--format", "csv", "--level", "Needs work", "--sort", "score",
                 "--desc"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["project"] for r in rows] == ["fraud", "forecast"]


def test_html_to_a_file(landing, tmp_path, capsys):
    target = tmp_path / "portfolio.html"
    assert main(["portfolio", str(landing), "--format", "html", "-o", str(target), "--owner", "ana"]) == 0
    html = target.read_text(encoding="utf-8")
    assert "<td>churn</td>" in html and "<td>fraud</td>" not in html
    assert capsys.readouterr().out == ""


def test_history_of_one_project(landing, capsys):
    assert main(["portfolio", str(landing), "--history", "churn"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "History of churn (3 bundles):"
    assert "score 62 (+22)" in out[2] and "blocker resolved: no-hardcoded-credentials" in out[3]
    assert main(["portfolio", str(landing), "--history", "churn", "--format", "json"]) == 0
    steps = json.loads(capsys.readouterr().out)["steps"]
    assert [s["record"]["score"] for s in steps] == [40, 62, 85]


def test_unknown_project_history_and_bad_policy_are_usage_errors(landing, tmp_path, capsys):
    assert main(["portfolio", str(landing), "--history", "nope"]) == 2
    assert "no bundle of project 'nope'" in capsys.readouterr().err
    policy = tmp_path / "policy.yaml"
    policy.write_text("ready_threshold: lots\n")
    assert main(["portfolio", str(landing), "--policy", str(policy)]) == 2
    assert "cannot use the policy" in capsys.readouterr().err


def test_empty_folder_says_what_a_bundle_is(tmp_path, capsys):
    assert main(["portfolio", str(tmp_path)]) == 0
    assert "No bundles or project folders found" in capsys.readouterr().out


def test_review_from_the_command_line(landing, capsys):
    bundle = landing / "fraud-1.zip"
    assert main(["review", str(bundle)]) == 0
    assert capsys.readouterr().out.strip() == "unreviewed"
    assert main(["review", str(bundle), "--request-changes"]) == 2
    assert "comment is empty" in capsys.readouterr().err
    assert main(["review", str(bundle), "--request-changes", "-m", "Add a smoke test", "--by", "lead"]) == 0
    assert capsys.readouterr().out.startswith("changes requested by lead at ")
    assert main(["review", str(bundle)]) == 0
    assert capsys.readouterr().out.startswith("changes requested — lead at ")
    assert main(["portfolio", str(landing), "--format", "csv", "--search", "fraud"]) == 0
    assert ",changes requested," in capsys.readouterr().out


def test_a_hostile_review_file_is_that_rows_reason_and_the_portfolio_still_lists_everything(landing, capsys):
    # before: a deeply nested fraud-1.review.json raised RecursionError and the whole command failed
    (landing / "fraud-1.review.json").write_text('{"comment": ' + "[" * 50_000 + "]" * 50_000 + "}")
    assert main(["portfolio", str(landing), "--format", "csv"]) == 0
    rows = {r["project"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert {"churn", "fraud", "forecast"} <= set(rows)
    assert rows["fraud"]["review"] == "unreviewed"
    assert main(["review", str(landing / "fraud-1.zip")]) == 0
    assert "nested too deeply" in capsys.readouterr().out


def test_a_wrong_schema_database_or_an_unusable_data_folder_is_one_line(landing, tmp_path, monkeypatch, capsys):
    """Failed before: both were tracebacks (no such column: path; NotADirectoryError)."""
    data = tmp_path / "data"
    data.mkdir()
    db = sqlite3.connect(data / "portfolio.sqlite3")
    db.execute("CREATE TABLE records (x INTEGER)")
    db.execute("PRAGMA user_version = 3")
    db.commit()
    db.close()
    monkeypatch.setenv("HANDOFF_DATA_DIR", str(data))
    assert main(["portfolio", str(landing)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("handoff portfolio: the portfolio database") and err.count("\n") == 1
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    monkeypatch.setenv("HANDOFF_DATA_DIR", str(blocker / "data"))
    assert main(["portfolio", str(landing)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("handoff portfolio: the data folder") and err.count("\n") == 1
