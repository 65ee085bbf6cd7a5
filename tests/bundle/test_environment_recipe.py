"""The whole environment for IT: R restore, system packages, the project's Python, production-only lock, container."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser

from handoff_assistant.bundle import BundleOptions, build_bundle
from tests.support.wheelhouse import WheelSpec, build_wheelhouse, offline_pip_env

RENV_LOCK = """{"R": {"Version": "4.1.2", "Repositories": [{"Name": "CRAN", "URL": "https://cloud.r-project.org"}]},
 "Packages": {
  "sf": {"Package": "sf", "Version": "1.0-9", "Source": "Repository", "Repository": "CRAN"},
  "dplyr": {"Package": "dplyr", "Version": "1.0.10", "Source": "Repository", "Repository": "CRAN"},
  "renv": {"Package": "renv", "Version": "0.16.0", "Source": "Repository", "Repository": "CRAN"}}}
"""


def _write(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


def _instructions(dockerfile: Path) -> list[tuple[str, str]]:
    parser = DockerfileParser(path=str(dockerfile))
    return [(i["instruction"], i["value"]) for i in parser.structure]


def _bundle(project: Path, out: Path, **options) -> Path:
    options.setdefault("python", sys.executable)
    result = build_bundle(project, BundleOptions(out, zip=False, allow_not_ready_reason="test", **options))
    return result.path


@pytest.fixture
def r_project(tmp_path) -> Path:
    return _write(tmp_path / "areas", {
        "renv.lock": RENV_LOCK,
        "R/areas.R": 'library(sf)\nlibrary(dplyr)\nx <- st_read("data/areas.shp")\n',
        "model/__init__.py": "",
        "model/score.py": "import json\n\ndef score(x):\n    return json.dumps({'x': x})\n",
        "tests/test_score.py": "import pytest\nfrom model.score import score\n\ndef test_score():\n    assert score(1)\n",
        "requirements.txt": "pytest\n",
        "README.md": "# areas\n",
        "handoff.yaml": "name: areas\nservice_account: geo_batch\nowner: {name: Test Owner, email: o@example.com}\n"
                        "entry_points:\n  - {name: areas, command: Rscript R/areas.R, schedule: '0 6 * * 1'}\n",
    })


def test_an_r_project_gets_its_renv_lock_r_version_system_packages_and_a_rocker_container(r_project, tmp_path):
    bundle = _bundle(r_project, tmp_path / "out", engine="installed")
    manifest = json.loads((bundle / "handoff-manifest.json").read_text())

    assert (bundle / "env" / "renv.lock").read_bytes() == (r_project / "renv.lock").read_bytes()
    r = manifest["r_environment"]
    assert (r["version"], r["version_from"], r["lock"]) == ("4.1.2", "renv.lock", "env/renv.lock")
    assert [p["name"] for p in r["packages"]] == ["dplyr", "renv", "sf"]
    system = manifest["system_packages"]
    assert {"package": "sf", "ecosystem": "R", "libraries": ["gdal", "geos", "proj", "sqlite3", "udunits2"],
            "when": ""} in system["needed_by"]
    assert {"libgdal-dev", "libgeos-dev", "libproj-dev", "libudunits2-dev"} <= set(system["debian"])
    assert {"gdal-devel", "geos-devel", "proj-devel", "udunits2-devel"} <= set(system["rhel"])
    runbook = (bundle / "RUNBOOK.md").read_text()
    assert "| R | 4.1.2 (from renv.lock); 3 packages in env/renv.lock |" in runbook
    interpreter = str(Path(sys.executable).parent)  # names a user's home: never in a bundle (failed before)
    assert interpreter not in runbook and interpreter not in (bundle / "handoff-manifest.json").read_text()
    assert "(the scanned interpreter) |" in runbook
    assert "- sf (R) needs gdal, geos, proj, sqlite3, udunits2" in runbook and "apt-get install gdal-bin" in runbook

    steps = _instructions(bundle / "container" / "Dockerfile")
    python = "%d.%d.%d" % sys.version_info[:3]  # the scanned interpreter's: the project records no Python version
    assert [value for kind, value in steps if kind == "FROM"] == [f"python:{python}-slim AS python",
                                                                  "rocker/r-ver:4.1.2"]
    assert [value for kind, value in steps if kind == "USER"] == ["geo_batch"]
    runs = " ".join(value for kind, value in steps if kind == "RUN")
    assert "libgdal-dev" in runs and "libudunits2-dev" in runs
    assert 'renv::restore(lockfile = "env/renv.lock"' in runs
    healthcheck = [value for kind, value in steps if kind == "HEALTHCHECK"]
    assert len(healthcheck) == 1 and '"tests/run_harness.py", "--quick"' in healthcheck[0]
    assert [value for kind, value in steps if kind in ("ENTRYPOINT", "CMD")] == ['["scripts/run.sh"]', '["areas"]']
    assert "config/.env" in (bundle / ".dockerignore").read_text().splitlines()

    setup = (bundle / "scripts" / "setup.sh").read_text()
    assert "renv::restore(lockfile = \"env/renv.lock\"" in setup and "Install R 4.1.2" in setup
    assert subprocess.run(["sh", "-n", str(bundle / "scripts" / "setup.sh")]).returncode == 0
    service = (bundle / "schedule" / "areas-areas.service").read_text()
    assert "User=geo_batch\nGroup=geo_batch\n" in service and service.count("/opt/areas") == 1


@pytest.mark.skipif(shutil.which("Rscript") is not None, reason="checks the machine without R; with R they run")
def test_an_r_only_project_needs_any_python_3_and_without_r_its_r_checks_are_incomplete(r_project, tmp_path):
    for python_part in ("model", "tests"):
        shutil.rmtree(r_project / python_part)
    (r_project / "requirements.txt").unlink()
    bundle = _bundle(r_project, tmp_path / "out", engine="installed")
    setup = (bundle / "scripts" / "setup.sh").read_text()
    assert "this bundle was built for Python" not in setup and "any Python 3" in setup
    assert subprocess.run(["sh", "-n", str(bundle / "scripts" / "setup.sh")]).returncode == 0
    steps = _instructions(bundle / "container" / "Dockerfile")
    assert [value for kind, value in steps if kind == "FROM"] == ["rocker/r-ver:4.1.2"]
    assert "python3-venv" in " ".join(value for kind, value in steps if kind == "RUN")
    plain = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}  # the plain runner, not pytest's
    run = subprocess.run([sys.executable, "tests/run_harness.py", "--quick"], cwd=bundle, capture_output=True,
                         text=True, timeout=120, env=plain)
    assert "INCOMPLETE test_r_environment.py::test_r_version_matches" in run.stdout
    assert "INCOMPLETE test_r_environment.py::test_every_locked_r_package_loads" in run.stdout
    assert "R is not installed here (Rscript not found): install R 4.1.2" in run.stdout
    assert "N/A test_environment.py::test_python_version_matches" in run.stdout  # R-only: any Python 3 will do
    assert "test_smoke.py" not in run.stdout and "PASS test_r_environment" not in run.stdout
    assert run.returncode == 1  # incomplete is not success


def test_pytest_used_only_in_tests_goes_to_the_development_requirements(r_project, tmp_path):
    bundle = _bundle(r_project, tmp_path / "out", engine="installed")
    production = (bundle / "env" / "requirements.txt").read_text()
    development = (bundle / "env" / "requirements-dev.txt").read_text()
    assert "pytest" not in production.lower()
    assert "pytest==" in development and "imported only in tests (tests/test_score.py)" in development
    environment = json.loads((bundle / "handoff-manifest.json").read_text())["environment"]
    assert [g["distribution"] for g in environment["groups"]["development"]] == ["pytest"]
    assert "pytest" not in environment["imports"]  # the harness does not import what production does not install
    assert "- pytest — development: imported only in tests" in (bundle / "RUNBOOK.md").read_text()

    everything = _bundle(r_project, tmp_path / "with-dev", engine="installed", include_dev=True)
    assert "pytest==" in (everything / "env" / "requirements.txt").read_text()


NOTEBOOK_HANDOFF = """name: legacy-notebook
owner: {name: Test Owner, email: o@example.com}
entry_points:
  - {name: report, command: jupyter nbconvert --to notebook --execute analysis.ipynb}
"""


def _notebook(version: str) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {
        "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"},
        "language_info": {"name": "python", "version": version}},
        "cells": [{"cell_type": "code", "id": "c1", "metadata": {}, "execution_count": 1, "outputs": [],
                   "source": "import tiny_old\nprint(tiny_old.__version__)"}]})


@pytest.mark.slow
def test_a_notebook_only_project_recording_python_3_8_is_locked_for_3_8(tmp_path):
    wheelhouse = build_wheelhouse(tmp_path / "wheels", [
        WheelSpec("tiny-old", "1.0.0", requires_python=">=3.6"),
        WheelSpec("tiny-old", "2.0.0", requires_python=">=3.10"),  # what a lock for the app's Python would take
    ])
    env = {k: v for k, v in offline_pip_env(wheelhouse).items() if not k.startswith("UV_")}
    env.update({"UV_NO_CONFIG": "1", "UV_CACHE_DIR": str(tmp_path / "uv-cache")})
    project = _write(tmp_path / "legacy", {"analysis.ipynb": _notebook("3.8.10"), "requirements.txt": "tiny-old\n",
                                           "handoff.yaml": NOTEBOOK_HANDOFF})

    bundle = _bundle(project, tmp_path / "out", engine="uv", pip_env=env)
    assert (bundle / "env" / "python-version").read_text() == "3.8\n"
    lock = (bundle / "env" / "requirements.txt").read_text()
    assert "tiny-old==1.0.0" in lock and "tiny-old==2.0.0" not in lock
    target = json.loads((bundle / "handoff-manifest.json").read_text())["environment"]["target_python"]
    assert (target["version"], target["locked_for"]) == ("3.8", "3.8")
    assert target["from"] == "3.8.10 (analysis.ipynb, recorded by its kernel)"
    steps = _instructions(bundle / "container" / "Dockerfile")
    assert [value for kind, value in steps if kind == "FROM"] == ["python:3.8.10-slim"]
    install = [value for kind, value in steps if kind == "RUN" and "pip install" in value]
    assert len(install) == 1 and "--require-hashes -r env/requirements.txt" in install[0]
    assert "3.8.10 (analysis.ipynb, recorded by its kernel)" in (bundle / "RUNBOOK.md").read_text()


def test_pip_tools_says_plainly_that_it_locked_for_the_apps_python(tmp_path, pip_env):
    project = _write(tmp_path / "legacy", {".python-version": "3.8.10\n", "main.py": "import tiny_frame\n",
                                           "requirements.txt": "tiny-frame\n", "handoff.yaml": "name: legacy\n"})
    result = build_bundle(project, BundleOptions(tmp_path / "out", zip=False, engine="pip-tools", pip_env=pip_env,
                                                 python=sys.executable, allow_not_ready_reason="test"))
    app = "%d.%d" % sys.version_info[:2]
    assert any(w.startswith(f"pip-tools cannot lock for another Python: it locked for the app's own Python {app}, "
                            "but the target is Python 3.8 (from 3.8.10 (.python-version))") for w in result.warnings)
    target = json.loads((result.path / "handoff-manifest.json").read_text())["environment"]["target_python"]
    assert (target["version"], target["locked_for"]) == ("3.8", app)
