"""A secret in a file's name never shows in clear in any output (issue 11, item 10).

Failed before: the name was flagged (``secret.in-file-name``) but every list that names files showed it whole:
the scan's skipped and data files (text, JSON, SARIF), check's evidence (text, JSON, HTML), the bundle's
manifest, runbook and build log, and the file itself travelled in code/ under its name (SHA256SUMS, manifest).
"""
import json
import os
import zipfile

import pytest

from handoff_assistant.bundle import BundleOptions
from handoff_assistant.bundle.path_gate import bundle_path_gate
from handoff_assistant.bundle.writer import write_bundle
from handoff_assistant.cli import main
from handoff_assistant.readiness.model import EntryPoint
from handoff_assistant.scan.report import location_text, shown_path
from tests.bundle.helpers import inputs_for, project_file

GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
AWS_KEY = "AKIA" + "Q3EGRTZ7MX4PLW2N"
SECRETS = (GITHUB_TOKEN, AWS_KEY)
NAMES = {  # each name in a different list: code, binary data, a data format, a secret file, a file with findings
    f"tinyscore/token_{GITHUB_TOKEN}.txt": "hello\n",
    f"data/{AWS_KEY}.png": os.urandom(1_100_000),
    f"data/creds_{GITHUB_TOKEN}.csv": "a,b\n" + "1,2\n" * 300_000,
    f"{GITHUB_TOKEN}.pem": "not a key\n",
    f"tinyscore/notes_{AWS_KEY}.py": 'DATA = "/Users/maria/churn.csv"\n',
}


@pytest.fixture
def named_project(project):
    for name, content in NAMES.items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content)
    return project


def _holds_a_secret(text: str) -> bool:
    return any(secret in text for secret in SECRETS)


def test_the_masked_name_is_the_one_findings_show():
    assert shown_path(f"tinyscore/token_{GITHUB_TOKEN}.txt") == "tinyscore/token_ghp_****.txt"
    assert shown_path(f"data/{AWS_KEY}.png") == "data/AKIA****.png"
    assert location_text(f"notes_{AWS_KEY}.py", 3, 0) == "notes_AKIA****.py cell 1:3"
    assert shown_path("tinyscore/password_reset.py") == "tinyscore/password_reset.py"


def test_no_scan_or_check_output_shows_a_secret_in_a_file_name(named_project, tmp_path, capsys):
    outputs = {}
    for command, formats in (("scan", ("text", "json", "sarif")), ("check", ("text", "json", "html"))):
        for fmt in formats:
            out = tmp_path / f"{command}.{fmt}"
            main([command, str(named_project), "--format", fmt, "-o", str(out)])
            outputs[out.name] = out.read_text(encoding="utf-8")
    outputs["terminal"] = "".join(capsys.readouterr())
    assert [name for name, text in outputs.items() if _holds_a_secret(text)] == []
    scan = json.loads(outputs["scan.json"])
    assert {"data/AKIA****.png", "data/creds_ghp_****.csv"} <= {d["path"] for d in scan["files"]["data_files"]}
    assert "tinyscore/notes_AKIA****.py" in {f["file"] for f in scan["findings"]}
    assert "secret file in the tree: ghp_****.pem" in outputs["check.text"]


def test_a_bundle_leaves_secret_named_files_out_and_names_them_masked(named_project, tmp_path, pip_env):
    with pytest.raises(Exception, match="its name holds a secret"):
        bundle_path_gate(named_project, f"tinyscore/token_{GITHUB_TOKEN}.txt")
    entry = EntryPoint("score", "python -m tinyscore.score", (), (), None, "2m")
    inputs = inputs_for(named_project, project=project_file(entry_points=(entry,)))
    result = write_bundle(inputs, BundleOptions(tmp_path / "out", zip=True, pip_env=pip_env,
                                                allow_not_ready_reason="test"))
    with zipfile.ZipFile(result.path) as archive:
        assert [n for n in archive.namelist() if _holds_a_secret(n)] == []
        assert [n for n in archive.namelist() if _holds_a_secret(archive.read(n).decode("utf-8", "replace"))] == []
        manifest = json.loads(archive.read("handoff-manifest.json"))
    assert not _holds_a_secret("\n".join(result.warnings))
    assert {"tinyscore/token_ghp_****.txt", "ghp_****.pem"} <= set(manifest["snapshot"]["secret_files_left_behind"])
