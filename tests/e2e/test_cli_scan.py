"""``handoff scan`` end to end: the sample in text, JSON and SARIF; usage errors; secrets never leak."""
from __future__ import annotations

import io
import os
import json
import subprocess
import sys
from pathlib import Path

import pytest

from handoff_assistant.cli import main
from handoff_assistant.cli.output import TerminalProgress
from handoff_assistant.scan import ScanOptions, scan_project
from handoff_assistant.scan.report import ScanReport
from tests.support.odd_names import make_oddly_named_project

# Raw secret values planted in the fixture project below; none may appear in any output.
PLANTED = {
    "py-password": "Winter2024!",
    "url-password": "Sup3rS3cret!",
    "yaml-key": "q8Zr2Lm5Xw9Vb3Nc7Hk1",
    "aws": "AKIA" + "Q3EGRTZ7MX4PLW2N",
    "github": "ghp_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5",
    "r-password": "Autumn2023#",
    "conn-password": "Spring2025$",
    "curl-password": "Summer2022%",
    "env-token": "Zx8Yw7Vu6Ts5Rq4Po3Nm2Lk",
    "output-password": "Hunter2Hunter2",
}


@pytest.fixture
def leaky_project(tmp_path) -> Path:
    root = tmp_path / "leaky"
    (root / "config").mkdir(parents=True)
    (root / "app.py").write_text(
        f'password = "{PLANTED["py-password"]}"\n'
        f'DB = "postgresql://app:{PLANTED["url-password"]}@db01:5432/crm"\n'
        f'KEY_ID = "{PLANTED["aws"]}"  # and a path: /Users/maria/x.csv\n'
        f'CS = "Server=sql01;Database=crm;Uid=sa;Password={PLANTED["conn-password"]};"\n', encoding="utf-8")
    (root / "config" / "settings.yaml").write_text(
        f'api_key: "{PLANTED["yaml-key"]}"\ngithub: {PLANTED["github"]}\n', encoding="utf-8")
    (root / "plots.R").write_text(f'password <- "{PLANTED["r-password"]}"\nsetwd("/Users/maria")\n', encoding="utf-8")
    (root / "deploy.sh").write_text(f"curl -u maria:{PLANTED['curl-password']} http://localhost:8000/x\n",
                                    encoding="utf-8")
    (root / ".env").write_text(f"API_TOKEN={PLANTED['env-token']}\n", encoding="utf-8")
    leak = f"{{'password': '{PLANTED['output-password']}', 'home': '/Users/maria'}}\n"
    notebook = {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
        "cells": [{"cell_type": "code", "execution_count": 1, "metadata": {}, "source": ["print(cfg)\n"],
                   "outputs": [{"output_type": "stream", "name": "stdout",
                                "text": [leak]}]}],
    }
    (root / "explore.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    return root


def run_cli(*args: str) -> int:
    return main(["scan", *args, "--no-cache"])


def test_text_summary_of_the_sample(sample_copy, capsys):
    assert run_cli(str(sample_copy)) == 0
    out, err = capsys.readouterr()
    assert err == ""  # no progress bar when stderr is not a terminal
    for heading in ("Languages", "Python dependencies", "Used but not declared", "Findings", "Secrets",
                    "Hardcoded paths", "Hardcoded hosts", "Working directory"):
        assert heading in out
    assert "churn/data.py:10  LOCAL_CSV" in out
    assert "notebooks/01_explore.ipynb cell 5:1" in out and "Fix: " in out  # cells counted from 1
    assert "Winter2024!" not in out and "Sup3rS3cret!" not in out
    assert 'password = "Wi****"' in out


def test_json_and_sarif_of_the_sample_to_files(sample_copy, tmp_path):
    json_out, sarif_out = tmp_path / "report.json", tmp_path / "report.sarif"
    assert run_cli(str(sample_copy), "--format", "json", "-o", str(json_out)) == 0
    assert run_cli(str(sample_copy), "--format", "sarif", "-o", str(sarif_out)) == 0
    report = ScanReport.from_dict(json.loads(json_out.read_text(encoding="utf-8")))
    sarif = json.loads(sarif_out.read_text(encoding="utf-8"))
    assert {f.rule for f in report.findings} >= {"path.user-home", "secret.url-credentials",
                                                 "secret.password-assignment", "host.loopback", "workdir.chdir"}
    fingerprints = {r["partialFingerprints"]["handoffFingerprint/v1"] for r in sarif["runs"][0]["results"]}
    assert fingerprints == {f.fingerprint for f in report.findings}


def test_the_installed_command_runs_in_a_subprocess(sample_copy):
    result = subprocess.run([sys.executable, "-m", "handoff_assistant", "scan", str(sample_copy), "--format", "json",
                             "--no-cache"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["schema_version"] == 1


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_no_planted_secret_appears_in_any_output(leaky_project, capsys, fmt):
    assert run_cli(str(leaky_project), "--format", fmt) == 0
    out, err = capsys.readouterr()
    leaked = [name for name, value in PLANTED.items() if value in out or value in err]
    assert leaked == []
    assert out.count("****") >= 8


def test_every_planted_secret_is_found(leaky_project, capsys):
    assert run_cli(str(leaky_project), "--format", "json") == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    secret_lines = {(f["file"], f["line"]) for f in findings if f["category"] == "secret"}
    assert secret_lines >= {("app.py", 1), ("app.py", 2), ("app.py", 3), ("app.py", 4), ("config/settings.yaml", 1),
                            ("config/settings.yaml", 2), ("plots.R", 1), ("deploy.sh", 1), (".env", 1)}
    assert any(f["rule"].startswith("notebook.output.secret") for f in findings)


@pytest.mark.parametrize(("make_args", "reason"), [
    (lambda tmp: [str(tmp / "missing")], "does not exist"),
    (lambda tmp: [str(tmp / "file.txt")], "is a file, not a folder"),
    (lambda tmp: [str(tmp), "--python", str(tmp / "no-python")], "not found"),
    (lambda tmp: [str(tmp), "-o", str(tmp / "no-dir" / "out.txt")], "cannot write"),
])
def test_usage_errors_exit_2_with_one_line(tmp_path, capsys, make_args, reason):
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    assert run_cli(*make_args(tmp_path)) == 2
    out, err = capsys.readouterr()
    assert out == "" and reason in err and err.count("\n") == 1 and err.startswith("handoff scan: ")


def test_bad_format_is_an_argparse_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["scan", str(tmp_path), "--format", "xml"])
    assert exit_info.value.code == 2 and "invalid choice" in capsys.readouterr().err


def test_empty_folder_reports_no_findings(tmp_path, capsys):
    assert run_cli(str(tmp_path)) == 0
    out = capsys.readouterr().out
    assert "0 files" in out and "Findings: none" in out


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("stream", "shown"), [(FakeTerminal(), True), (io.StringIO(), False)])
def test_progress_bar_only_on_a_terminal(sample_copy, stream, shown):
    progress = TerminalProgress(stream)
    scan_project(sample_copy, ScanOptions(use_cache=False), progress)
    progress.finish()
    written = stream.getvalue()
    assert ("[##############################]" in written) is shown
    assert written.endswith("\r") if shown else written == ""


def test_odd_file_names_reach_a_strict_utf8_terminal_escaped(tmp_path):
    """Failed before: the text report to a strict UTF-8 stdout raised UnicodeEncodeError on bad\\xff.py."""
    root = make_oddly_named_project(tmp_path / "odd")
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    result = subprocess.run([sys.executable, "-m", "handoff_assistant", "scan", str(root), "--no-cache"],
                            capture_output=True, text=True, timeout=120, env=environment)
    assert result.returncode == 0, result.stderr
    assert "bad\\xff.py:1" in result.stdout and "line.py:1" in result.stdout
    assert "could not be analysed" not in result.stdout
