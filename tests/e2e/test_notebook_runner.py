"""A notebook entry point really runs on IT's side: the runner group brings nbconvert and ipykernel (the real ones).

The bundle is built offline from a wheelhouse of the tests' tiny wheels plus the real runner wheels (downloaded
once with the machine's pip configuration), carries its wheels, and `handoff verify --run-tests` installs it into a
fresh venv with no index, executes the notebook in a real kernel on the sample input, and compares its output.
"""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from handoff_assistant.bundle import BundleOptions
from handoff_assistant.bundle.harness_run import SETUP_CHECK
from handoff_assistant.bundle.reader import open_bundle
from handoff_assistant.bundle.writer import write_bundle
from handoff_assistant.cli import main
from handoff_assistant.readiness.model import EntryPoint
from handoff_assistant.scan.report import NotebookInfo
from tests.bundle.helpers import inputs_for, make_project, project_file, report_for, wheel_specs
from tests.support.wheelhouse import build_wheelhouse, offline_pip_env

pytestmark = pytest.mark.slow

NOTEBOOK = "notebooks/score model.ipynb"  # a space in the name: the command must keep it one argument
NOTEBOOK_CODE = '''import csv, os
import tiny_frame  # the production lock's package, imported by the kernel from the bundle's environment

with open(os.environ["HANDOFF_INPUT"], newline="") as source:
    rows = list(csv.DictReader(source))
with open(os.environ["HANDOFF_OUTPUT_FILE"], "w", newline="") as target:
    writer = csv.writer(target)
    writer.writerow(["customer_id", "score"])
    for row in rows:
        writer.writerow([row["customer_id"], tiny_frame.scale(float(row["value"]), 2)])
'''


@pytest.fixture(scope="module")
def runner_wheels(tmp_path_factory) -> Path:
    """The real nbconvert and ipykernel with everything they need, for this platform and Python X.Y.0: the bundle
    locks for the target's minor version, which uv reads as its first release (a wheel that needs 3.11.5 is out)."""
    dest = tmp_path_factory.mktemp("runner-wheels")
    done = subprocess.run([sys.executable, "-m", "pip", "download", "--only-binary=:all:", "--quiet",
                           "--python-version", "%d.%d.0" % sys.version_info[:2], "-d", str(dest),
                           "nbconvert", "ipykernel"], capture_output=True, text=True)
    assert done.returncode == 0, f"the runner wheels could not be downloaded:\n{done.stderr[-2000:]}"
    return dest


def _notebook_project(root: Path) -> Path:
    make_project(root)
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_markdown_cell("# Score customers"), nbformat.v4.new_code_cell(NOTEBOOK_CODE)]
    (root / "notebooks").mkdir()
    nbformat.write(notebook, root / NOTEBOOK)
    (root / "expected" / "notebook_scores.csv").write_text("customer_id,score\nC1,3.0\nC2,4.5\nC3,8.0\n")
    return root


def test_a_notebook_entry_point_runs_in_a_real_kernel_from_the_runner_group(tmp_path, runner_wheels, monkeypatch,
                                                                           capsys):
    house = build_wheelhouse(tmp_path / "wheelhouse", wheel_specs())
    for wheel in runner_wheels.iterdir():
        shutil.copy2(wheel, house)
    root = _notebook_project(tmp_path / "tiny-scorer")
    entry = EntryPoint("score-notebook", f'jupyter nbconvert --to notebook --execute --stdout "{NOTEBOOK}"',
                       expected_runtime="3m", sample_input="data/sample.csv",
                       expected_output="expected/notebook_scores.csv")
    project = dataclasses.replace(project_file(), entry_points=(entry,))
    report = dataclasses.replace(report_for(root),
                                 notebooks=(NotebookInfo(NOTEBOOK, "python", "python3", 4, 2, 1, False, 0),))
    pip_env = {k: v for k, v in offline_pip_env(house).items() if not k.startswith("UV_")}
    pip_env.update({"UV_NO_CONFIG": "1", "UV_CACHE_DIR": str(tmp_path / "uv-cache")})
    result = write_bundle(inputs_for(root, report, project),
                          BundleOptions(tmp_path / "out", zip=True, engine="uv", with_wheels=True, pip_env=pip_env))
    assert not [w for w in result.warnings if "notebook entry points" in w]

    for key in [k for k in os.environ if k.startswith("PIP_")]:  # IT's server: the bundle's wheels, no index
        monkeypatch.delenv(key)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # the kernel's history and runtime files go there
    config = tmp_path / "config.yaml"
    config.write_text('score_factor: "2"\n')
    secrets = tmp_path / "run.env"
    secrets.write_text("MAIL_API_TOKEN=token-for-the-test\n")
    code = main(["verify", str(result.path), "--run-tests", "--yes", "--workdir", str(tmp_path / "work"),
                 "--config", str(config), "--env-file", str(secrets), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    results = {r["name"]: r for r in data["verification"]["results"]}
    assert code == 0, json.dumps(results, indent=1)[-3000:]
    assert "The notebook runners came from env/requirements-runner.txt." in results[SETUP_CHECK]["message"]
    smoke = next(r for name, r in results.items() if "test_each_entry_point_runs_on_its_sample_input" in name)
    outputs = next(r for name, r in results.items() if "test_outputs_match_the_expected_output" in name)
    assert smoke["status"] == outputs["status"] == "passed"

    # The same bundle as IT's shell script installs it: both locks, offline, from env/wheels.
    server = open_bundle(result.path, extract_to=tmp_path / "server").root
    setup = subprocess.run(["scripts/setup.sh"], cwd=server, capture_output=True, text=True, timeout=600,
                           env={**os.environ, "PYTHON": sys.executable})
    assert setup.returncode == 0, setup.stderr[-2000:]
    assert (server / ".venv" / "bin" / "jupyter-nbconvert").is_file()
    run = subprocess.run([str(server / ".venv" / "bin" / "python"), "-B", "scripts/handoff_run.py", "score-notebook",
                          "--input", str(root / "data" / "sample.csv"), "--output", str(tmp_path / "scores.csv")],
                         cwd=server, capture_output=True, text=True, timeout=300, env=dict(os.environ))
    assert run.returncode == 0, run.stderr[-2000:]
    assert (tmp_path / "scores.csv").read_text().splitlines() == ["customer_id,score", "C1,3.0", "C2,4.5", "C3,8.0"]
