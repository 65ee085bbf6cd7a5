"""uv follows the user's pip configuration (issue 15): a pip.conf file and PIP_* variables, read by pip itself.

Every test isolates pip from this machine's own configuration: HOME and the XDG folders point into tmp_path and
no PIP_* variable is inherited (the system-wide /etc/pip.conf cannot be hidden; only keys it lacks are asserted).
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from handoff_assistant.bundle.lock import (DirectRequirements, LockRequest, find_uv, lock_dependencies,
                                           requirements_in_text, resolve_engine)
from handoff_assistant.bundle.pip_config import pip_settings, uv_env, uv_flags
from handoff_assistant.scan.report import TargetEnvironment
from handoff_assistant.tasks import CancelToken
from tests.support.wheelhouse import WheelSpec, build_wheelhouse

LINUX = TargetEnvironment("3.11.7", "linux", "x86_64", "/usr/bin/python3", "--python")


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory) -> Path:
    return build_wheelhouse(tmp_path_factory.mktemp("pip-config-wheels"), [
        WheelSpec("tiny-conf", "1.0.0", requires=("tiny-dep>=2",)),
        WheelSpec("tiny-dep", "2.1.0"),
    ])


def isolated_env(tmp_path: Path, config: str | None, **variables: str) -> dict[str, str]:
    """This process's environment without the machine's pip and uv set-up, plus ``config`` as the pip.conf."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "SSL_CERT"))}
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_CONFIG_DIRS=str(home / "xdg"),
               UV_NO_CONFIG="1", UV_CACHE_DIR=str(tmp_path / "uv-cache"), PIP_DISABLE_PIP_VERSION_CHECK="1")
    if config is not None:
        path = tmp_path / "pip.conf"
        path.write_text(config, encoding="utf-8")
        env["PIP_CONFIG_FILE"] = str(path)
    env.update(variables)
    return env


def simple_index(wheelhouse: Path, dest: Path) -> Path:
    """A PEP 503 "simple" index over the wheelhouse's files, as a corporate index serves them."""
    for wheel in sorted(wheelhouse.glob("*.whl")):
        project = dest / wheel.name.split("-")[0].replace("_", "-")
        project.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        (project / "index.html").write_text(
            f'<!DOCTYPE html><html><body><a href="{wheel.as_uri()}#sha256={digest}">{wheel.name}</a></body></html>\n')
    return dest


def lock_with(engine: str, env: dict[str, str], workdir: Path):
    workdir.mkdir(parents=True, exist_ok=True)
    direct = DirectRequirements(("tiny-conf==1.0.0",), ())
    request = LockRequest(engine, LINUX, env=env)
    return lock_dependencies(direct, requirements_in_text(direct, "Tiny"), workdir, request, CancelToken())


def pins(result) -> list[tuple[str, str]]:
    return [(d.name, d.version) for d in result.locked]


def test_uv_locks_from_the_find_links_of_a_pip_config_file(tmp_path, wheelhouse):
    env = isolated_env(tmp_path, f"[global]\nno-index = true\nfind-links = {wheelhouse}\n")
    result = lock_with("uv", env, tmp_path / "lock")
    assert result.engine == "uv"
    assert pins(result) == [("tiny-conf", "1.0.0"), ("tiny-dep", "2.1.0")]
    assert str(wheelhouse) not in result.requirements_txt  # the lockfile does not carry the machine's index


def test_uv_locks_from_the_index_url_of_a_pip_config_file(tmp_path, wheelhouse):
    index = simple_index(wheelhouse, tmp_path / "simple")
    env = isolated_env(tmp_path, f"[install]\nindex-url = {index.as_uri()}\n")
    assert pins(lock_with("uv", env, tmp_path / "lock")) == [("tiny-conf", "1.0.0"), ("tiny-dep", "2.1.0")]


def test_without_the_pip_configuration_uv_finds_nothing(tmp_path, wheelhouse):
    """The control for the two tests above: the packages exist only where pip's configuration points."""
    from handoff_assistant.bundle.options import LockError

    env = isolated_env(tmp_path, "[global]\nno-index = true\n")
    with pytest.raises(LockError, match="tiny-conf"):
        lock_with("uv", env, tmp_path / "lock")


def test_pip_variables_win_over_the_install_section_which_wins_over_global(tmp_path):
    config = "[global]\nindex-url = https://global.corp/simple\ntrusted-host = global.corp\n" \
             "[install]\nindex-url = https://install.corp/simple\nextra-index-url =\n    https://a.corp/simple\n" \
             "    https://b.corp/simple\n"
    settings = pip_settings(isolated_env(tmp_path, config))
    assert settings["index-url"] == "https://install.corp/simple"
    assert settings["trusted-host"] == "global.corp"
    assert settings["extra-index-url"].split() == ["https://a.corp/simple", "https://b.corp/simple"]
    from_variable = pip_settings(isolated_env(tmp_path, config, PIP_INDEX_URL="https://env.corp/simple"))
    assert from_variable["index-url"] == "https://env.corp/simple"


def test_uv_env_renames_pip_settings_and_keeps_what_the_user_set_for_uv():
    env = uv_env({"UV_INDEX_URL": "https://uv.corp/simple", "PATH": "/bin"}, {
        "index-url": "https://pypi.corp/simple", "extra-index-url": "https://a.corp/simple\nhttps://b.corp/simple",
        "find-links": "/a /b", "trusted-host": "a.corp b.corp", "cert": "/etc/corp-ca.pem",
        "client-cert": "/home/me/client.pem", "no-index": "yes"})
    assert env == {"PATH": "/bin", "UV_INDEX_URL": "https://uv.corp/simple",
                   "UV_EXTRA_INDEX_URL": "https://a.corp/simple https://b.corp/simple", "UV_FIND_LINKS": "/a,/b",
                   "UV_INSECURE_HOST": "a.corp b.corp", "SSL_CERT_FILE": "/etc/corp-ca.pem",
                   "SSL_CLIENT_CERT": "/home/me/client.pem", "UV_INDEX_STRATEGY": "unsafe-best-match"}
    assert uv_env({}, {"no-index": "false"}) == {}
    assert uv_flags({"no-index": "yes"}) == ["--no-index"] and uv_flags({"no-index": "false"}) == uv_flags({}) == []


def test_uv_resolves_within_the_constraint_files_of_pip_s_configuration(tmp_path):
    """A pip.conf ``constraint`` (this machine has one capping torch) binds pip; uv took the newest tiny-dep.
    (pip-compile does not apply it either: it reads constraints only from its input files.)"""
    house = build_wheelhouse(tmp_path / "house", [WheelSpec("tiny-conf", "1.0.0", requires=("tiny-dep>=2",)),
                                                  WheelSpec("tiny-dep", "2.0.0"), WheelSpec("tiny-dep", "2.1.0")])
    caps = tmp_path / "caps.txt"
    caps.write_text("tiny-dep<2.1\n")
    env = isolated_env(tmp_path, f"[global]\nno-index = true\nfind-links = {house}\nconstraint = {caps}\n")
    assert pins(lock_with("uv", env, tmp_path / "uv")) == [("tiny-conf", "1.0.0"), ("tiny-dep", "2.0.0")]


def test_pip_s_no_index_keeps_uv_off_pypi_even_for_a_name_pypi_has(tmp_path):
    """uv has no variable for no-index (it ignores UV_NO_INDEX): before the flag, uv took six from PyPI (or
    failed without a network) while the user's pip was told to use only the local folder."""
    house = build_wheelhouse(tmp_path / "house", [WheelSpec("tiny-conf", "1.0.0", requires=("six",)),
                                                  WheelSpec("six", "0.0.1")])
    env = isolated_env(tmp_path, f"[global]\nno-index = true\nfind-links = {house}\n")
    assert pins(lock_with("uv", env, tmp_path / "lock")) == [("six", "0.0.1"), ("tiny-conf", "1.0.0")]


def test_uv_takes_the_best_version_from_all_of_pip_s_sources_as_pip_does(tmp_path):
    """The extra index has tiny-dep, but only 2.0.0; the needed 2.1.0 is on the main index. pip finds it; uv
    alone would stop at the first index that has the package (as on this machine with /opt/pypi)."""
    main = build_wheelhouse(tmp_path / "main", [WheelSpec("tiny-conf", "1.0.0", requires=("tiny-dep>=2.1",)),
                                                WheelSpec("tiny-dep", "2.1.0")])
    extra = build_wheelhouse(tmp_path / "extra", [WheelSpec("tiny-dep", "2.0.0")])
    config = (f"[global]\nindex-url = {simple_index(main, tmp_path / 'main-simple').as_uri()}\n"
              f"extra-index-url = {simple_index(extra, tmp_path / 'extra-simple').as_uri()}\n")
    env = isolated_env(tmp_path, config)
    assert pins(lock_with("uv", env, tmp_path / "lock")) == [("tiny-conf", "1.0.0"), ("tiny-dep", "2.1.0")]


def test_auto_is_uv_when_installed_and_the_lock_result_names_it(tmp_path, wheelhouse):
    assert find_uv() is not None  # a runtime dependency
    assert resolve_engine("auto") == "uv" and resolve_engine("pip-tools") == "pip-tools"
    env = isolated_env(tmp_path, f"[global]\nno-index = true\nfind-links = {wheelhouse}\n")
    assert lock_with("auto", env, tmp_path / "lock").engine == "uv"


def test_auto_falls_back_to_pip_tools_without_uv(tmp_path, monkeypatch):
    import sys

    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setitem(sys.modules, "uv", None)  # the uv package is not importable
    assert resolve_engine("auto") == "pip-tools"
