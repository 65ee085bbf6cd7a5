import pytest

from handoff_assistant.bundle.lock import (DirectRequirements, LockRequest, conflict_message, direct_requirements,
                                           lock_dependencies, lock_from_installed, marker_environment, parse_locked,
                                           requirements_in_text)
from handoff_assistant.bundle.options import LockError
from handoff_assistant.scan.environment import InstalledDistribution
from handoff_assistant.scan.report import (DECLARED_UNUSED, UNKNOWN, USED_DECLARED, USED_UNDECLARED, Dependency,
                                           TargetEnvironment)
from handoff_assistant.tasks import CancelToken

LINUX = TargetEnvironment("3.11.7", "linux", "x86_64", "/usr/bin/python3", "--python")


def test_direct_requirements_pin_installed_versions_keep_markers_and_set_aside_what_cannot_be_locked():
    direct = direct_requirements([
        Dependency("tiny-frame", ("tiny_frame",), USED_DECLARED, declared_spec=">=0.5", installed_version="1.0.0"),
        Dependency("tiny-num", ("tiny_num",), DECLARED_UNUSED, declared_spec=">=1.0"),
        Dependency("pywin32", ("win32api",), USED_UNDECLARED, installed_version="306", marker="sys_platform == 'win32'"),
        Dependency(None, ("mystery",), UNKNOWN),
        Dependency("xgboost", ("xgboost",), USED_DECLARED, optional=True),
    ])
    assert direct.lines == ("pywin32==306 ; sys_platform == 'win32'", "tiny-frame==1.0.0", "tiny-num>=1.0")
    assert [(u.name, u.reason.split(":")[0]) for u in direct.unlocked] == [
        ("mystery", "unknown import"), ("xgboost", "optional import not installed in the target environment")]
    text = requirements_in_text(direct, "Tiny")
    assert "# Not locked: mystery (unknown import" in text and text.endswith("tiny-num>=1.0\n")


def test_a_direct_url_dependency_with_a_marker_stays_a_valid_requirement():
    direct = direct_requirements([
        Dependency("tiny-git", ("tiny_git",), USED_DECLARED, declared_spec="@ https://example.org/tiny_git-1.0.tar.gz",
                   marker="sys_platform == 'linux'"),
    ])
    assert direct.lines == ("tiny-git@ https://example.org/tiny_git-1.0.tar.gz ; sys_platform == 'linux'",)
    assert direct.unlocked == ()


def test_an_unknown_import_resolved_in_handoff_yaml_is_locked_as_that_distribution():
    direct = direct_requirements([Dependency(None, ("cv2",), UNKNOWN), Dependency(None, ("mystery",), UNKNOWN)],
                                 {"cv2": "opencv-python-headless"})
    assert direct.lines == ("opencv-python-headless",)
    assert [u.name for u in direct.unlocked] == ["mystery"]


def _request(pip_env, engine="pip-tools", installed=()):
    return LockRequest(engine, LINUX, installed=installed, env=pip_env)


def test_pip_tools_locks_with_hashes_against_the_local_wheelhouse(tmp_path, pip_env):
    direct = DirectRequirements(("tiny-frame==1.0.0",), ())
    result = lock_dependencies(direct, requirements_in_text(direct, "Tiny"), tmp_path, _request(pip_env),
                               CancelToken())
    assert [(d.name, d.version) for d in result.locked] == [("tiny-frame", "1.0.0"), ("tiny-num", "1.1.0")]
    assert result.hashed and result.requirements_txt.count("--hash=sha256:") == 2
    assert "--find-links" not in result.requirements_txt and "--index-url" not in result.requirements_txt
    assert str(tmp_path) not in result.requirements_txt  # no temp folder in the header: builds are reproducible
    assert (tmp_path / "requirements.in").read_text().endswith("tiny-frame==1.0.0\n")


def test_a_conflict_is_one_sentence_naming_both_requirements(tmp_path, pip_env):
    direct = DirectRequirements(("tiny-frame==1.0.0", "tiny-num==0.9.0"), ())
    with pytest.raises(LockError) as raised:
        lock_dependencies(direct, requirements_in_text(direct, "Tiny"), tmp_path, _request(pip_env), CancelToken())
    message = str(raised.value)
    assert "tiny-num==0.9.0 (asked for by the project)" in message
    assert "tiny-num>=1.0 (needed by tiny_frame 1.0.0)" in message
    assert "Traceback" not in message and message.count("\n") == 0


def test_a_requirement_nobody_provides_is_named(tmp_path, pip_env):
    direct = DirectRequirements(("tiny-absent==1.0",), ())
    with pytest.raises(LockError, match="tiny-absent"):
        lock_dependencies(direct, requirements_in_text(direct, "Tiny"), tmp_path, _request(pip_env), CancelToken())


def test_conflict_message_reads_uv_and_falls_back_to_the_last_lines():
    uv = "  × No solution found when resolving dependencies:\n  ╰─▶ Because tiny-a==1 depends on tiny-b<1 and you require tiny-b>=2, we can conclude that your requirements are unsatisfiable.\n"
    assert "tiny-a==1 depends on tiny-b<1 and you require tiny-b>=2" in conflict_message(uv)
    assert conflict_message("\n\nsomething odd happened\n") == \
        "The dependencies could not be locked: something odd happened."


def test_installed_engine_follows_installed_metadata_with_target_markers_and_says_there_are_no_hashes(tmp_path):
    installed = (
        InstalledDistribution("Tiny-Frame", "1.0.0", requires=("tiny-num>=1.0", "pywin32; sys_platform == 'win32'",
                                                                "tiny-docs; extra == 'docs'")),
        InstalledDistribution("tiny_num", "1.1.0"),
        InstalledDistribution("unrelated", "9.9"),
    )
    direct = DirectRequirements(("tiny-frame==1.0.0", "tiny-gone==2.0"), ())
    result = lock_dependencies(direct, requirements_in_text(direct, "Tiny"), tmp_path,
                               _request(None, "installed", installed), CancelToken())
    assert [(d.name, d.version) for d in result.locked] == [("Tiny-Frame", "1.0.0"), ("tiny_num", "1.1.0")]
    assert not result.hashed and "NO HASHES" in result.requirements_txt
    assert [u.name for u in result.unlocked] == ["tiny-gone"]


def test_markers_are_evaluated_for_the_target_not_for_this_machine():
    windows = TargetEnvironment("3.10.4", "win32", "AMD64", "C:/Python310/python.exe", "--python")
    env = marker_environment(windows)
    assert (env["sys_platform"], env["platform_system"], env["os_name"], env["python_version"]) == \
        ("win32", "Windows", "nt", "3.10")
    text, _ = lock_from_installed(DirectRequirements(("a==1",), ()), (
        InstalledDistribution("a", "1", requires=("pywin32; sys_platform == 'win32'",)),
        InstalledDistribution("pywin32", "306")), env)
    assert "pywin32==306" in text


def test_parse_locked_reads_pins_across_hash_continuations():
    text = ("# header\nalpha==1.0 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n    # via x\n"
            "beta==2.0 ; python_version < \"3.12\" \\\n    --hash=sha256:cc\n--extra-index-url https://x\n")
    locked = parse_locked(text)
    assert [(d.name, d.version, d.marker) for d in locked] == [("alpha", "1.0", None),
                                                               ("beta", "2.0", 'python_version < "3.12"')]
