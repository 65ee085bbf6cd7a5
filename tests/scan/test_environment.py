"""The target interpreter: which one is chosen, what it answers, and clear errors when it cannot answer."""
from __future__ import annotations

import glob
import os
import platform
import shutil
import stat
import sys
import venv
from pathlib import Path

import pytest

from handoff_assistant.scan import environment, scan_project
from handoff_assistant.scan.environment import EnvironmentProbeError, find_project_interpreter, probe_target
from tests.scan.conftest import pip_install, venv_python
from tests.support.wheelhouse import WheelSpec, build_wheel

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="venv layout and shell scripts are POSIX here")


def _by_name(probe):
    return {dist.name: dist for dist in probe.distributions}


def _script(path: Path, body: str) -> Path:
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _older_python(version: str):
    """A real interpreter of that version (pyenv builds first: its shims may not be activated)."""
    built = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python{version}")))
    return built[-1] if built else None


def test_named_interpreter_answers_version_platform_and_its_own_distributions(tmp_path, target_python):
    probe = probe_target(tmp_path, str(target_python))

    assert probe.target.source == "--python"
    assert probe.target.interpreter == str(target_python)
    assert probe.target.python_version == platform.python_version()
    assert (probe.target.platform, probe.target.machine) == (sys.platform, platform.machine())
    names = set(_by_name(probe))
    assert {"tiny-sklearn", "acme-cloud-bigquery", "modern-lib", "tiny-app"} <= names
    assert not names & {"handoff-assistant", "PySide6_Essentials", "pytest"}  # never the app's own environment
    assert probe.target.distributions_count == len(probe.distributions)
    assert [d.name for d in probe.distributions] == sorted((d.name for d in probe.distributions), key=str.lower)


def test_distribution_reports_version_import_names_and_requirements(tmp_path, target_python):
    dists = _by_name(probe_target(tmp_path, str(target_python)))

    assert (dists["tiny-sklearn"].version, dists["tiny-sklearn"].top_level) == ("1.3.2", ("sklearn_tiny",))
    assert dists["tiny-app"].requires == ("tiny-core>=1.0", "acme-protobuf; python_version >= '3.8'")


def test_import_names_come_from_the_file_list_when_top_level_txt_is_missing(tmp_path, target_python):
    modern = _by_name(probe_target(tmp_path, str(target_python)))["modern-lib"]

    assert modern.top_level == ("modern_core", "modern_helpers")
    assert modern.modules == ("modern_core", "modern_helpers")


def test_namespace_packages_report_their_own_subpackage_and_the_shared_folders(tmp_path, target_python):
    dists = _by_name(probe_target(tmp_path, str(target_python)))

    assert dists["acme-cloud-bigquery"].top_level == ("acme",)
    assert dists["acme-cloud-bigquery"].modules == ("acme.cloud.bigquery",)
    assert dists["acme-cloud-bigquery"].namespaces == ("acme", "acme.cloud")
    assert dists["acme-protobuf"].modules == ("acme.protobuf",)


def test_a_venv_inside_the_project_is_chosen_over_python_on_path(tmp_path, target_python, monkeypatch):
    project = tmp_path / "project"
    venv.create(project / ".venv", with_pip=False, symlinks=True)
    monkeypatch.setenv("PATH", str(target_python.parent))  # as when the target venv is activated

    local = probe_target(project)
    assert local.target.source == "project-env"
    assert local.target.interpreter == str(venv_python(project / ".venv"))
    assert "tiny-sklearn" not in _by_name(local)

    shutil.rmtree(project / ".venv")
    on_path = probe_target(project)
    assert on_path.target.source == "PATH"
    assert "tiny-sklearn" in _by_name(on_path)


def test_conda_environment_folder_inside_the_project_is_found(tmp_path):
    env_dir = tmp_path / "envs" / "churn"
    (env_dir / "conda-meta").mkdir(parents=True)
    (env_dir / "bin").mkdir()
    (env_dir / "bin" / "python").symlink_to(sys.executable)

    assert find_project_interpreter(tmp_path) == env_dir / "bin" / "python"
    assert probe_target(tmp_path).target.source == "project-env"


def test_a_folder_named_env_without_an_interpreter_is_not_an_environment(tmp_path):
    (tmp_path / "env").mkdir()
    (tmp_path / "env" / "settings.yaml").write_text("a: 1\n")

    assert find_project_interpreter(tmp_path) is None


def test_a_broken_project_venv_is_reported_and_python_on_path_is_asked(tmp_path, target_python, monkeypatch):
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").symlink_to(tmp_path / "deleted-python")
    monkeypatch.setenv("PATH", str(target_python.parent))  # as when the target venv is activated

    probe = probe_target(tmp_path)

    assert probe.target.source == "PATH"
    assert [p.file for p in probe.problems] == [".venv/bin/python"]
    assert "no longer exists" in probe.problems[0].reason


def test_no_interpreter_anywhere_gives_source_none(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    probe = probe_target(tmp_path)

    assert (probe.target.source, probe.target.python_version, probe.distributions) == ("none", "", ())


@pytest.mark.parametrize("python", ["/no/such/dir/python3", "no-such-python-3.99"])
def test_a_missing_named_interpreter_is_an_error_that_says_what_to_do(tmp_path, python):
    with pytest.raises(EnvironmentProbeError) as raised:
        probe_target(tmp_path, python)

    message = str(raised.value)
    assert "was not found" in message and "--python" in message and python in message
    assert "\n" not in message


def test_a_named_venv_folder_means_its_interpreter(tmp_path, target_python):
    env_dir = target_python.parent.parent

    assert probe_target(tmp_path, str(env_dir)).target.interpreter == str(target_python)


def test_a_program_that_is_not_python_is_an_error(tmp_path):
    fake = _script(tmp_path / "python", 'echo "hello, I am not python"')

    with pytest.raises(EnvironmentProbeError, match="did not answer as a Python interpreter.*I am not python"):
        probe_target(tmp_path, str(fake))


def test_a_file_that_cannot_be_run_is_an_error(tmp_path):
    text = tmp_path / "python.txt"
    text.write_text("not a program")

    with pytest.raises(EnvironmentProbeError, match="cannot be run"):
        probe_target(tmp_path, str(text))


def test_an_interpreter_that_hangs_times_out(tmp_path):
    slow = _script(tmp_path / "python", "sleep 10")

    with pytest.raises(EnvironmentProbeError, match="did not answer within 0.5 s"):
        probe_target(tmp_path, str(slow), timeout=0.5)


def test_the_project_folder_is_not_on_the_probes_path(tmp_path):
    """A project module named like a standard one must never be imported by the probe."""
    marker = tmp_path / "imported.txt"
    for name in ("json.py", "platform.py", "re.py"):
        (tmp_path / name).write_text(f"open({str(marker)!r}, 'w').write('imported')\n")
    venv.create(tmp_path / ".venv", with_pip=False, symlinks=True)

    probe = probe_target(tmp_path)

    assert probe.target.source == "project-env"
    assert not marker.exists()


def test_answers_are_cached_until_the_environment_changes(tmp_path, target_python, target_wheelhouse, monkeypatch):
    project = tmp_path / "project"
    venv.create(project / ".venv", with_pip=False, symlinks=True)
    python = venv_python(project / ".venv")
    first = probe_target(project)

    def must_not_run(*args):
        raise AssertionError("the probe ran although nothing changed")

    monkeypatch.setattr(environment, "_run_probe", must_not_run)
    assert probe_target(project) == first
    monkeypatch.undo()

    build_wheel(WheelSpec("late-addition", "1.0"), target_wheelhouse)
    pip_install(python, target_wheelhouse, "late-addition")

    assert "late-addition" in _by_name(probe_target(project))
    assert "late-addition" not in _by_name(first)


def test_a_launcher_is_asked_only_which_interpreter_it_starts_once_that_ones_answer_is_cached(
        tmp_path, target_python, monkeypatch):
    """Failed before: a launcher (pyenv shim, py.exe) ran the whole probe on every scan, 0.3 s of a warm rescan.
    Now it is asked for ``sys.executable`` and that interpreter's cached answer is used, so a launcher that starts
    another interpreter today (``pyenv global``, the launcher file itself unchanged) gives that one's answer."""
    other = tmp_path / "other-env"
    venv.create(other, with_pip=False, symlinks=True)
    choice = tmp_path / "chosen-python"
    choice.write_text(str(target_python))
    launcher = _script(tmp_path / "python3", f'exec "$(cat {choice})" "$@"')
    first = probe_target(tmp_path, str(launcher))
    assert first.target.interpreter == str(target_python) and "tiny-sklearn" in _by_name(first)

    def must_not_run(*args):
        raise AssertionError("the full probe ran although the launched interpreter's answer is cached")

    monkeypatch.setattr(environment, "_run_probe", must_not_run)
    assert probe_target(tmp_path, str(launcher)) == first
    monkeypatch.undo()

    choice.write_text(str(venv_python(other)))
    switched = probe_target(tmp_path, str(launcher))
    assert switched.target.interpreter == str(venv_python(other)) and "tiny-sklearn" not in _by_name(switched)


@pytest.mark.slow
def test_a_python_3_8_target_is_understood(tmp_path):
    python38 = _older_python("3.8")
    if python38 is None:
        pytest.skip("no Python 3.8 on this machine")

    probe = probe_target(tmp_path, python38)

    assert probe.target.python_version.startswith("3.8.")
    assert probe.distributions and not probe.problems


@pytest.mark.slow
def test_a_target_older_than_3_8_reports_its_version_and_a_problem(tmp_path):
    python37 = _older_python("3.7")
    if python37 is None:
        pytest.skip("no Python 3.7 on this machine")

    probe = probe_target(tmp_path, python37)

    assert probe.target.python_version.startswith("3.7.")
    assert probe.distributions == ()
    assert "older than 3.8" in probe.problems[0].reason


def test_a_scan_lists_a_broken_project_venv_among_its_problems_and_goes_on(tmp_path, target_python, monkeypatch):
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").symlink_to(tmp_path / "deleted-python")
    (tmp_path / "train.py").write_text("import sklearn_tiny\n")
    monkeypatch.setenv("PATH", str(target_python.parent))

    report = scan_project(tmp_path)

    assert ".venv/bin/python" in [p.file for p in report.problems]
    assert [(d.distribution, d.installed_version) for d in report.dependencies] == [("tiny-sklearn", "1.3.2")]
