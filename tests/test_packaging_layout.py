"""The card's layout: data lives in top-level resources/ and is mapped into the package as
``handoff_assistant.resources`` — in a built wheel and in the editable install the tests run from."""
from __future__ import annotations

import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from handoff_assistant.assets import resource_path

REPO = Path(__file__).resolve().parents[1]
RESOURCES = REPO / "resources"


def _resource_files() -> set[str]:
    return {p.relative_to(RESOURCES).as_posix() for p in RESOURCES.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def test_resources_are_top_level_and_not_inside_the_code_folder():
    assert (RESOURCES / "checklist.yaml").is_file()
    assert (RESOURCES / "samples" / "churn-prototype").is_dir()
    assert not (REPO / "app" / "handoff_assistant" / "resources").exists()


def test_the_editable_install_finds_the_top_level_resources():
    assert resource_path("checklist.yaml").resolve() == (RESOURCES / "checklist.yaml").resolve()


@pytest.mark.slow
def test_the_wheel_carries_every_resource_and_importlib_finds_them(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(REPO / "app", source / "app", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(RESOURCES, source / "resources", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path / "dist"),
                    str(source)], check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("handoff_assistant-*.whl"))
    prefix = "handoff_assistant/resources/"
    in_wheel = {n[len(prefix):] for n in zipfile.ZipFile(wheel).namelist() if n.startswith(prefix)}
    assert _resource_files() - in_wheel == set()

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)], check=True)
    probe = ("from importlib.resources import files; r = files('handoff_assistant.resources'); "
             "print(r.joinpath('checklist.yaml').is_file(), "
             "r.joinpath('samples', 'churn-prototype', 'requirements.txt').is_file(), "
             "r.joinpath('templates', 'bundle', 'RUNBOOK.md.j2').is_file())")
    shown = subprocess.run([python, "-I", "-c", probe], check=True, capture_output=True, text=True, cwd=tmp_path)
    assert shown.stdout.split() == ["True", "True", "True"]
