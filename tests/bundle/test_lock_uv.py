"""The uv engine with the real uv (the ``test`` extra installs it) against a local wheelhouse, offline."""
from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

import pytest

from handoff_assistant.bundle import BundleOptions, build_bundle, verify_bundle
from handoff_assistant.bundle.lock import (DirectRequirements, LockRequest, find_uv, lock_dependencies,
                                           requirements_in_text, uv_compile_args)
from handoff_assistant.bundle.options import LockError
from handoff_assistant.scan.report import TargetEnvironment
from handoff_assistant.tasks import CancelToken
from tests.bundle.helpers import wheel_specs
from tests.support.wheelhouse import WheelSpec, build_wheelhouse, offline_pip_env

LINUX = TargetEnvironment("3.11.7", "linux", "x86_64", "/usr/bin/python3", "--python")
WIN_ONLY = "tiny-win ; sys_platform == 'win32'"


@pytest.fixture(scope="module")
def uv_wheelhouse(tmp_path_factory) -> Path:
    """The bundle tests' wheels plus a Windows-only dependency and two packages that cannot go together."""
    return build_wheelhouse(tmp_path_factory.mktemp("uv-wheelhouse"), wheel_specs() + [
        WheelSpec("tiny-win", "1.0.0"),
        WheelSpec("tiny-cross", "2.0.0", requires=("tiny-num>=1.0", WIN_ONLY)),
        WheelSpec("tiny-legacy", "1.0.0", requires=("tiny-num<1.0",)),
    ])


@pytest.fixture
def uv_pip_env(uv_wheelhouse, tmp_path) -> dict[str, str]:
    """pip's offline settings only (the engine passes them on to uv), and none of the developer's uv set-up."""
    env = {k: v for k, v in offline_pip_env(uv_wheelhouse).items() if not k.startswith("UV_")}
    env.update({"UV_NO_CONFIG": "1", "UV_CACHE_DIR": str(tmp_path / "uv-cache")})
    return env


def _lock(workdir: Path, env, engine="uv", lines=("tiny-frame==1.0.0",), python=None, platform=None):
    workdir.mkdir(parents=True, exist_ok=True)
    direct = DirectRequirements(tuple(lines), ())
    request = LockRequest(engine, LINUX, python, platform, env=env)
    return lock_dependencies(direct, requirements_in_text(direct, "Tiny"), workdir, request, CancelToken())


def _pins(result) -> list[tuple[str, str]]:
    return [(d.name, d.version) for d in result.locked]


@pytest.mark.slow
def test_uv_locks_with_hashes_and_the_same_pins_as_pip_tools(tmp_path, uv_pip_env):
    uv = _lock(tmp_path / "uv", uv_pip_env)
    pip_tools = _lock(tmp_path / "pip-tools", uv_pip_env, engine="pip-tools")
    assert _pins(uv) == _pins(pip_tools) == [("tiny-frame", "1.0.0"), ("tiny-num", "1.1.0")]
    assert uv.hashed and uv.requirements_txt.count("--hash=sha256:") == 2
    hashes = sorted(line.strip(" \\") for line in uv.requirements_txt.splitlines() if "--hash=" in line)
    assert hashes == sorted(line.strip(" \\") for line in pip_tools.requirements_txt.splitlines() if "--hash=" in line)
    assert "handoff bundle" in uv.requirements_txt and str(tmp_path) not in uv.requirements_txt
    assert "--find-links" not in uv.requirements_txt and "--index-url" not in uv.requirements_txt


def test_uv_locks_for_a_windows_laptop_and_a_linux_server_from_the_same_input(tmp_path, uv_pip_env):
    windows = _lock(tmp_path / "win", uv_pip_env, lines=("tiny-cross",), python="3.10", platform="win32")
    linux = _lock(tmp_path / "linux", uv_pip_env, lines=("tiny-cross",), python="3.10", platform="linux")
    assert _pins(windows) == [("tiny-cross", "2.0.0"), ("tiny-num", "1.1.0"), ("tiny-win", "1.0.0")]
    assert _pins(linux) == [("tiny-cross", "2.0.0"), ("tiny-num", "1.1.0")]
    assert windows.requirements_txt.count("--hash=sha256:") == 3


def test_a_uv_conflict_names_the_requirements_in_one_sentence(tmp_path, uv_pip_env):
    with pytest.raises(LockError) as caught:
        _lock(tmp_path, uv_pip_env, lines=("tiny-frame==1.0.0", "tiny-legacy"))
    message = str(caught.value)
    assert message.startswith("The dependencies could not be locked because these requirements cannot be "
                              "satisfied together: ")
    assert "tiny-legacy depend on tiny-num<1.0" in message and "tiny-frame depend on tiny-num>=1.0" in message
    assert "we can conclude" not in message and "\n" not in message and message.count(". ") == 1


def test_a_missing_package_is_named_by_uv(tmp_path, uv_pip_env):
    """Offline: "the provided package locations" (the wheelhouse), not "the package registry" (PyPI)."""
    with pytest.raises(LockError, match=r"tiny-nowhere was not found in the provided package locations and you "
                                        r"require tiny-nowhere\."):
        _lock(tmp_path, uv_pip_env, lines=("tiny-nowhere",))


@pytest.mark.slow
def test_a_bundle_built_with_uv_verifies(project, tmp_path, uv_pip_env):
    options = BundleOptions(tmp_path / "out", zip=True, engine="uv", pip_env=uv_pip_env,
                            allow_not_ready_reason="uv engine test")
    result = build_bundle(project, options)
    assert verify_bundle(result.path).ok
    with zipfile.ZipFile(result.path) as archive:
        lock_text = archive.read("env/requirements.txt").decode()
    assert "autogenerated by uv" in lock_text and "tiny-frame==1.0.0" in lock_text and "tiny-num==1.1.0" in lock_text


def test_uv_is_found_beside_the_interpreter_when_its_folder_is_not_on_path(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_uv() == str(Path(sys.executable).parent / "uv")


def test_uv_is_found_through_the_uv_package_when_nowhere_else(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    found = find_uv()
    assert found is not None and os.access(found, os.X_OK) and Path(found).name.startswith("uv")


def test_uv_engine_without_uv_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setitem(sys.modules, "uv", None)  # the uv package is not installed
    with pytest.raises(LockError, match="uv is not installed; install uv or use --engine pip-tools"):
        _lock(tmp_path, None)


def test_uv_compile_args_set_the_target_and_never_look_for_a_target_interpreter():
    args = uv_compile_args("/usr/bin/uv", "3.10", "x86_64-manylinux_2_28", "/venv/bin/python")
    assert args[:3] == ["/usr/bin/uv", "pip", "compile"] and "--generate-hashes" in args
    assert args[args.index("--python") + 1] == "/venv/bin/python"
    assert args[args.index("--python-version") + 1] == "3.10"
    assert args[args.index("--python-platform") + 1] == "x86_64-manylinux_2_28"
    assert uv_compile_args("uv", None, "win32")[-1] == "windows"
    assert uv_compile_args("uv", None, "darwin")[-1] == "macos"
    assert "--python-version" not in uv_compile_args("uv", None, None)


