"""The runner group: notebook entry points get what runs them (nbconvert, papermill, ipykernel), locked apart."""
from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from handoff_assistant.bundle import BundleOptions
from handoff_assistant.bundle.contents import read_contents
from handoff_assistant.bundle.preflight import missing_programs
from handoff_assistant.bundle.runner_group import plan_runner_group
from handoff_assistant.bundle.writer import write_bundle
from handoff_assistant.readiness.model import EntryPoint
from handoff_assistant.scan.report import NotebookInfo
from tests.bundle.helpers import inputs_for, make_project, project_file, report_for, wheel_specs
from tests.support.wheelhouse import WheelSpec, build_wheelhouse, offline_pip_env

PYTHON_NB = NotebookInfo("notebooks/score model.ipynb", "python", "python3", 4, 3, 2, False, 0)
R_NB = NotebookInfo("notebooks/report.ipynb", "R", "ir", 4, 3, 2, False, 0)
NBCONVERT = 'jupyter nbconvert --to notebook --execute --stdout "notebooks/score model.ipynb"'


def _plan(command: str, production=(), notebooks=(PYTHON_NB, R_NB)):
    return plan_runner_group([EntryPoint("score", command)], notebooks, production)


@pytest.mark.parametrize("command, expected", [
    (NBCONVERT, ("nbconvert", "ipykernel")),
    ("jupyter execute notebooks/score\\ model.ipynb", ("nbclient", "ipykernel")),
    ("papermill 'notebooks/score model.ipynb' out.ipynb -p input {input}", ("papermill", "ipykernel")),
    ("python -m papermill 'notebooks/score model.ipynb' out.ipynb", ("papermill", "ipykernel")),
    ("PYTHONHASHSEED=0 .venv/bin/jupyter-nbconvert --execute x.ipynb", ("nbconvert", "ipykernel")),
    ("python -m tinyscore.score --input {input}", ()),
    ("Rscript report.R", ()),
    ("jupyter lab", ()),
    ("unbalanced 'quote", ()),
])
def test_each_runner_command_asks_for_its_runner_and_the_notebooks_kernel(command, expected):
    assert _plan(command).distributions == expected


def test_what_production_already_locks_is_not_asked_again_and_one_runner_serves_two_entry_points():
    plan = plan_runner_group([EntryPoint("a", NBCONVERT), EntryPoint("b", "jupyter nbconvert --execute b.ipynb")],
                             [PYTHON_NB], ["NBConvert"])
    assert plan.distributions == ("ipykernel",)
    assert plan.needs[0].reason == "the Python kernel for the notebook of entry point 'a'"


def test_an_r_notebook_gets_its_runner_and_a_note_for_its_kernel_instead_of_ipykernel():
    plan = _plan("jupyter nbconvert --execute ./notebooks/report.ipynb")
    assert plan.distributions == ("nbconvert",)
    assert plan.notes == ("Entry point 'score' runs an R notebook: install IRkernel in R (install.packages("
                          "\"IRkernel\"); IRkernel::installspec()) on the server.",)


# Stand-ins for the runners: tiny real wheels the resolver and pip handle like the real ones. A shared
# dependency (tiny-num) shows that the runner lock keeps the production pin.
RUNNER_WHEELS = [WheelSpec("nbconvert", "7.0.0", requires=("tiny-num>=0.9",)), WheelSpec("ipykernel", "6.0.0")]


def _notebook_project(root: Path, runner_requires: tuple[str, ...] = ()) -> Path:
    make_project(root)
    (root / "notebooks").mkdir()
    (root / "notebooks" / "score model.ipynb").write_text(json.dumps(
        {"cells": [], "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
         "nbformat": 4, "nbformat_minor": 5}))
    return root


def _bundle(tmp_path: Path, extra_wheels: list[WheelSpec], engine: str = "uv"):
    house = build_wheelhouse(tmp_path / "wheelhouse", wheel_specs() + extra_wheels)
    root = _notebook_project(tmp_path / "tiny-scorer")
    notebook_entry = EntryPoint("score-notebook", NBCONVERT, sample_input="data/sample.csv")
    project = project_file()
    project = dataclasses.replace(project, entry_points=project.entry_points + (notebook_entry,))
    report = dataclasses.replace(report_for(root), notebooks=(PYTHON_NB,))
    env = {k: v for k, v in offline_pip_env(house).items() if not k.startswith("UV_")}
    env.update({"UV_NO_CONFIG": "1", "UV_CACHE_DIR": str(tmp_path / "uv-cache")})
    return write_bundle(inputs_for(root, report, project),
                        BundleOptions(tmp_path / "out", zip=False, engine=engine, pip_env=env))


def test_a_notebook_entry_point_gets_a_hash_pinned_runner_lock_that_keeps_the_production_pins(tmp_path):
    result = _bundle(tmp_path, RUNNER_WHEELS)
    bundle = result.path
    production = (bundle / "env" / "requirements.txt").read_text()
    runner = (bundle / "env" / "requirements-runner.txt").read_text()
    assert "nbconvert" not in production and "ipykernel" not in production
    for pin in ("nbconvert==7.0.0", "ipykernel==6.0.0", "tiny-frame==1.0.0", "tiny-num==1.1.0"):
        assert pin in runner
        assert runner.split(pin, 1)[1].lstrip(" \\\n").startswith("--hash=sha256:")
    runner_in = (bundle / "env" / "requirements-runner.in").read_text()
    assert "tiny-frame==1.0.0  # production pin" in runner_in
    assert "nbconvert  # runs the notebook of entry point 'score-notebook' (jupyter nbconvert --to notebook" in runner_in

    manifest = json.loads((bundle / "handoff-manifest.json").read_text())
    group = manifest["environment"]["runner"]
    assert group["requirements"] == "env/requirements-runner.txt" and group["hashed"] and group["problem"] is None
    assert [d["distribution"] for d in group["distributions"]] == ["nbconvert", "ipykernel"]
    setup = (bundle / "scripts" / "setup.sh").read_text()
    assert setup.index("-r env/requirements.txt") < setup.index("--require-hashes -r env/requirements-runner.txt")
    assert "--require-hashes -r env/requirements-runner.txt" in (bundle / "container" / "Dockerfile").read_text()
    runbook = (bundle / "RUNBOOK.md").read_text()
    assert "What runs the notebook entry points (env/requirements-runner.txt, locked with the production pins" in runbook
    assert "- ipykernel — the Python kernel for the notebook of entry point 'score-notebook'" in runbook
    assert not any("notebook entry points" in w for w in result.warnings)
    assert shutil.which("jupyter") is None  # so only the runner lock can provide it
    assert missing_programs(read_contents(bundle)) == ()  # before the runner group: "needs the program jupyter"


def test_pip_is_asked_for_its_settings_once_for_both_locks(tmp_path, monkeypatch):
    """Both locks ran `pip config list` (a subprocess) before the request carried pip's settings."""
    from handoff_assistant.bundle import lock

    calls = []
    real = lock.pip_settings
    monkeypatch.setattr(lock, "pip_settings", lambda *args, **kwargs: calls.append(args) or real(*args, **kwargs))
    bundle = _bundle(tmp_path, RUNNER_WHEELS).path
    assert (bundle / "env" / "requirements-runner.txt").is_file() and len(calls) == 1


def test_a_runner_that_cannot_go_with_the_production_pins_is_a_warning_and_set_up_leaves_it_out(tmp_path):
    result = _bundle(tmp_path, [WheelSpec("nbconvert", "7.0.0", requires=("tiny-num<1.0",)),
                                WheelSpec("ipykernel", "6.0.0")])
    bundle = result.path
    assert not (bundle / "env" / "requirements-runner.txt").exists()
    assert (bundle / "env" / "requirements-runner.in").is_file()  # IT can see, and lock, what was asked
    warning = next(w for w in result.warnings if w.startswith("What runs the notebook entry points"))
    assert "(nbconvert, ipykernel) could not be locked: The dependencies could not be locked because" in warning
    assert "tiny-num<1.0" in warning and warning.endswith("the harness names what to install.")
    assert "requirements-runner" not in (bundle / "scripts" / "setup.sh").read_text()
    group = json.loads((bundle / "handoff-manifest.json").read_text())["environment"]["runner"]
    assert group["requirements"] is None and "tiny-num<1.0" in group["problem"]
    assert "NOT locked: The dependencies could not be locked" in (bundle / "RUNBOOK.md").read_text()


def test_a_project_without_notebook_entry_points_has_no_runner_group(tmp_path):
    bundle = write_bundle(inputs_for(make_project(tmp_path / "p")),
                          BundleOptions(tmp_path / "out", zip=False, engine="installed")).path
    assert not list((bundle / "env").glob("requirements-runner*"))
    assert json.loads((bundle / "handoff-manifest.json").read_text())["environment"]["runner"] is None
    assert "What runs the notebook entry points" not in (bundle / "RUNBOOK.md").read_text()
