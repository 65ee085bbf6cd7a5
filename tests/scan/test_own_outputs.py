"""Reports the app wrote into the scanned folder are not scanned again as the prototype's code."""
import json

from handoff_assistant.cli import main
from handoff_assistant.scan import ScanOptions, scan_project
from handoff_assistant.scan.own_outputs import is_own_output


def _findings(root):
    report = scan_project(root, ScanOptions(use_cache=False))
    return report, sorted((f.rule, f.file, f.cell, f.line) for f in report.findings)


def test_reports_written_into_the_folder_leave_the_findings_unchanged(sample_copy, capsys):
    _, before = _findings(sample_copy)
    outputs = {"scan.json": ["scan", "--format", "json"], "results.sarif": ["scan", "--format", "sarif"],
               "readiness.json": ["check", "--format", "json"], "readiness.html": ["check", "--format", "html"]}
    for name, command in outputs.items():
        main([*command, str(sample_copy), "-o", str(sample_copy / name)])
    capsys.readouterr()

    report, after = _findings(sample_copy)

    assert after == before
    skipped = {s.path: s.reason for s in report.files.skipped}
    assert {name: skipped.get(name) for name in outputs} == dict.fromkeys(outputs, "handoff-output")


def test_a_users_own_json_and_a_script_quoting_the_marker_are_still_scanned():
    data = json.dumps({"config": {"root": "/Users/maria/data", "scanned_at": "x", "tool_version": "1"}})
    assert not is_own_output("config/settings.json", data)
    assert not is_own_output("make_report.py", '<meta name="generator" content="Handoff Assistant">')
    assert is_own_output("out/report.html", '<html><head><meta name="generator" content="Handoff Assistant 0.1">')
