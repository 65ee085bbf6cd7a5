"""Secrets in file and folder names are findings with the secret masked; ordinary names are not."""
from __future__ import annotations

import pytest

from handoff_assistant.scan import ScanOptions, scan_project
from handoff_assistant.scan.findings.file_names import file_name_findings

AWS_KEY_ID = "AKIA" + "Q3EGRTZ7MX4PLW2N"


@pytest.mark.parametrize("path, secret, masked, what", [
    ("password=Hunter2secret.txt", "Hunter2secret", "password=Hu****.txt", "the value of password"),
    (f"data/{AWS_KEY_ID}.csv", AWS_KEY_ID, "data/AKIA****.csv", "aws access key"),
    (f"exports/{AWS_KEY_ID}/scores.csv", AWS_KEY_ID, "exports/AKIA****/scores.csv", "aws access key"),
    ("keys/api_key=abcd1234efgh5678/run.py", "abcd1234efgh5678", "keys/api_key=ab****/run.py", "the value of api_key"),
    ("db_password:Winter2024.sql", "Winter2024", "db_password:Wi****.sql", "the value of db_password"),
])
def test_a_secret_in_a_name_is_a_masked_secret_finding(path, secret, masked, what):
    (finding,) = file_name_findings(path)
    assert finding.rule == "secret.in-file-name" and finding.category == "secret"
    assert finding.file == finding.snippet == masked
    assert what in finding.message
    assert secret not in finding.file + finding.snippet + finding.message


@pytest.mark.parametrize("path", [
    "password_reset.py", "secrets.py", "token_utils.py", "src/api_key_loader.py", "password.txt", ".env",
    "config/secrets.yaml", "tokenizer.json", "password=.txt", "password=changeme.txt", "AKIAIOSFODNN7EXAMPLE.txt",
    "notebooks/01-password-strength.ipynb", "key=value.md",
])
def test_ordinary_names_are_not_flagged(path):
    assert file_name_findings(path) == []


def test_a_scan_flags_a_secret_named_file_even_when_it_is_empty_or_binary(tmp_path):
    """Failed before: the scan looked only at what files hold, never at their names."""
    (tmp_path / "data").mkdir()
    (tmp_path / "password=Hunter2secret.txt").write_text("")
    (tmp_path / "data" / f"{AWS_KEY_ID}.bin").write_bytes(b"\x00\x01\x02")
    for ordinary in ("password_reset.py", "secrets.py", "token_utils.py"):
        (tmp_path / ordinary).write_text("x = 1\n")
    report = scan_project(tmp_path, ScanOptions(use_cache=False))
    flagged = sorted(f.file for f in report.findings if f.rule == "secret.in-file-name")
    assert flagged == ["data/AKIA****.bin", "password=Hu****.txt"]
    assert all(f.severity == "high" and f.category == "secret" for f in report.findings if f.file in flagged)
