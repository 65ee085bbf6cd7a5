"""Prepare and test a bundle as IT does: ``run_harness(bundle, options) -> VerificationRecord``.

1. integrity: the bundle is verified first; when it fails, nothing from it is executed;
2. the bundle is opened into ``workdir/<bundle name>`` (a zip is extracted there, and only there);
3. a fresh isolated venv (``venv --clear``) is created with the bundle's target Python when one is found
   (otherwise the record says which Python was used instead, and the environment check will fail);
4. the lock is installed with ``--require-hashes`` (offline from env/wheels when the bundle has them);
5. the harness runs with the bundled plain runner (tests/run_harness.py, no pytest needed) using the chosen
   configuration file and environment values, and its PASS/FAIL/INCOMPLETE/N/A lines become one result per check.
Every step reports progress, streams its output to ``log`` and stops on cancel.
"""
from __future__ import annotations

import dataclasses
import getpass
import os
import platform
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Mapping, Optional, Sequence

from handoff_assistant.bundle.contents import read_contents
from handoff_assistant.bundle.data_inputs import required_inputs
from handoff_assistant.bundle.lock_policy import refused_options, require_hashes
from handoff_assistant.bundle.manifest import MANIFEST_NAME
from handoff_assistant.bundle.options import BundleError
from handoff_assistant.bundle.process import GROUP_OPTIONS, kill_group
from handoff_assistant.bundle.reader import open_bundle, read_manifest, remove_partial
from handoff_assistant.bundle.run_env import declared_variables, minimal_environment, pip_environment
from handoff_assistant.bundle.runner_group import RUNNER_LOCK
from handoff_assistant.bundle.snapshot import sha256_file
from handoff_assistant.bundle.verification_record import (CheckResult, IntegrityResult, PythonUsed,
                                                          VerificationRecord, sums_digest)
from handoff_assistant.bundle.verify import VerificationResult, verify_bundle
from handoff_assistant.outcome import FAILED, INCOMPLETE, NOT_APPLICABLE, PASSED
from handoff_assistant.scan.findings.masking import mask_secrets, mask_value
from handoff_assistant.tasks import CancelToken, Cancelled, ProgressCallback, ensure_cancel, ensure_progress

LogCallback = Callable[[str], None]
STEPS = 6
SETUP_CHECK = "setup: create the environment and install the lock"
INPUTS_CHECK = "inputs: every required input is in place"
_RESULT_LINE = re.compile(r"^(PASS|FAIL|INCOMPLETE|N/A|SKIP) (\S+)")
_SUMMARY_LINE = re.compile(r"^\d+ passed, \d+ failed, \d+ (?:skipped|incomplete)(?:, \d+ n/a)?$")
# SKIP is what harnesses of bundles built before the three outcomes print: a skipped check was not verified.
_STATUS = {"PASS": PASSED, "FAIL": FAILED, "INCOMPLETE": INCOMPLETE, "N/A": NOT_APPLICABLE, "SKIP": INCOMPLETE}
_LOCAL_FOLDERS = (".venv", "__pycache__", ".pytest_cache", "logs")  # what IT made in a bundle folder
_VERSION_CODE = "import sys; print('%d.%d.%d' % sys.version_info[:3])"
SETUP_TIMEOUT = 1800  # seconds for creating the venv and for installing the lock
HARNESS_MARGIN = 300  # seconds added to twice the entry points' expected runtimes


@dataclass(frozen=True)
class RunOptions:
    workdir: Path  # the bundle is opened into workdir/<bundle name>; the venv is created there
    config_file: Optional[Path] = None  # given to the harness as HANDOFF_CONFIG (default: config/config.yaml)
    env_values: Mapping[str, str] = field(default_factory=dict)  # secrets and settings for this run only
    python: Optional[str] = None  # interpreter to build the venv with; None = find the bundle's target Python
    pip_env: Optional[Mapping[str, str]] = None  # environment of pip; None = run_env.pip_environment()
    timeout: Optional[float] = None  # seconds per step; None = SETUP_TIMEOUT, and for the harness from the runtimes
    allow_lock_options: bool = False  # let pip follow options inside the lock (--index-url, -f, ...)


def run_harness(bundle: Path | str, options: RunOptions, progress: Optional[ProgressCallback] = None,
                cancel: Optional[CancelToken] = None, log: Optional[LogCallback] = None,
                integrity: Optional[VerificationResult] = None) -> VerificationRecord:
    """Verify, open, set up and run the bundle's harness. ``integrity``: the caller's verification of a moment
    ago (``handoff verify`` checks first, with ``--trust``); without it the bundle is checked here."""
    source, report, token = Path(bundle), ensure_progress(progress), ensure_cancel(cancel)
    mask = secret_masker(options.env_values)
    say = (lambda line: log(mask(line))) if log else (lambda line: None)
    report(0, STEPS, "Checking every file against SHA256SUMS and the manifest")
    integrity = integrity if integrity is not None else verify_bundle(source)
    if not integrity.ok:
        say("Integrity check FAILED: nothing from this bundle is run.")
        return _record(source, integrity, None, (), "")
    folder = _open_into(source, options.workdir, report, token)
    manifest = read_manifest(folder / MANIFEST_NAME)
    report(2, STEPS, "Finding the bundle's target Python")
    python = choose_python(_target_version(folder), options.python)
    say(python.note or f"Using Python {python.version} at {python.path} (the bundle's target).")
    setup = _setup_environment(folder, manifest, python, options, report, token, say)
    setup = dataclasses.replace(setup, message=mask(setup.message))
    if setup.status == FAILED:
        return _record(source, integrity, python, (setup,), str(folder))
    report(5, STEPS, "Running the harness")
    checks = tuple(dataclasses.replace(c, message=mask(c.message))
                   for c in _run_checks(folder, manifest, options, token, say))
    report(STEPS, STEPS, "Finished")
    return _record(source, integrity, python, (setup, inputs_check(folder, manifest)) + checks, str(folder))


def record_without_running(bundle: Path, checks: tuple[CheckResult, ...],
                           integrity: Optional[VerificationResult] = None) -> VerificationRecord:
    """The record of a verification that ran none of the bundle's code (its checks were known beforehand)."""
    return _record(bundle, integrity if integrity is not None else verify_bundle(bundle), None, checks, "")


def inputs_check(folder: Path, manifest: dict) -> CheckResult:
    """Each required input (manifest ``inputs`` that did not travel) placed at its path with its SHA-256."""
    required = required_inputs(manifest)
    if not required:
        return CheckResult(INPUTS_CHECK, NOT_APPLICABLE, "The bundle declares no required input: every file the "
                                                         "code opens travels in code/.")
    missing = [p for p in sorted(required) if not (folder / p).is_file()]
    different = [p for p in sorted(required) if p not in missing and sha256_file(folder / p) != required[p]]
    if different:
        return CheckResult(INPUTS_CHECK, FAILED, "Placed with another content than the manifest records (SHA-256 "
                                                 "differs): " + ", ".join(different))
    if missing:
        return CheckResult(INPUTS_CHECK, INCOMPLETE, "Not placed yet, so the code that opens them cannot run: "
                           + ", ".join(missing) + ". RUNBOOK.md lists each with its SHA-256.")
    return CheckResult(INPUTS_CHECK, PASSED, f"{len(required)} required input(s) in place with their SHA-256.")


def secret_masker(values: Mapping[str, str]) -> Callable[[str], str]:
    """Masks the given environment values (secrets typed for this run) and any recognisable secret in a text."""
    literal = sorted((v for v in values.values() if len(v) >= 4), key=len, reverse=True)

    def mask(text: str) -> str:
        for value in literal:
            text = text.replace(value, mask_value(value))
        return mask_secrets(text)

    return mask


def _record(source: Path, integrity: VerificationResult, python: Optional[PythonUsed],
            results: tuple[CheckResult, ...], workdir: str) -> VerificationRecord:
    differing = integrity.differing_files()
    return VerificationRecord(
        bundle=source.name, project=integrity.project, bundle_created_at=integrity.created_at, by=_user(),
        at=datetime.now(timezone.utc).isoformat(timespec="seconds"), machine=platform.node(),
        platform=platform.platform(), workdir=workdir,
        integrity=IntegrityResult(integrity.ok, integrity.checked, tuple(differing), integrity.problems),
        python=python, results=results, bundle_sums_sha256=sums_digest(source) if integrity.ok else "")


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USERNAME", "")


def _open_into(source: Path, workdir: Path, report: ProgressCallback, cancel: CancelToken) -> Path:
    """``workdir/<name>``: a fresh copy of the bundle, or a previous one that still verifies (re-runs)."""
    name = source.name[:-4] if source.name.lower().endswith(".zip") else source.name
    folder = Path(workdir).resolve() / name
    report(1, STEPS, f"Opening the bundle into {folder}")
    cancel.raise_if_cancelled()
    if folder.exists() and any(folder.iterdir()):
        again = verify_bundle(folder, recreated=(".venv",))  # .venv is emptied by ``venv --clear`` below
        if not again.ok:
            raise BundleError(f"{folder} already exists and is not an intact copy of this bundle. Choose another "
                              "working folder, or remove that folder.")
        if read_manifest(folder / MANIFEST_NAME) != read_contents(source).manifest:
            raise BundleError(f"{folder} holds another version of this bundle. Choose another working folder.")
        return folder
    if source.is_dir():
        existed = folder.exists()  # then empty (checked above): everything in it after a failure is ours
        try:
            shutil.copytree(source, folder, symlinks=True, ignore=shutil.ignore_patterns(*_LOCAL_FOLDERS),
                            dirs_exist_ok=True)
        except OSError as error:  # a full disk, a quota, a read-only working folder
            remove_partial(folder, whole=not existed)
            raise BundleError(f"The bundle could not be copied into {folder} ({_os_reason(error)}); what was "
                              "copied was removed. Choose another working folder or free some space.") from error
    else:
        open_bundle(source, extract_to=folder)
    return folder


def _os_reason(error: OSError) -> str:
    if isinstance(error, shutil.Error) and error.args and isinstance(error.args[0], list) and error.args[0]:
        return str(error.args[0][0][-1])  # copytree gathers (source, target, reason) for each file
    return error.strerror or str(error)


def _target_version(folder: Path) -> str:
    try:
        return (folder / "env" / "python-version").read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def python_version(executable: str) -> Optional[str]:
    """major.minor.micro of an interpreter, or None when it does not run."""
    try:
        done = subprocess.run([executable, "-c", _VERSION_CODE], capture_output=True, text=True, timeout=30,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def choose_python(target: str, requested: Optional[str] = None) -> PythonUsed:
    """The interpreter to build the venv with: the one requested, else pythonX.Y on PATH, else python3."""
    if requested:
        candidates = [requested]
    else:
        candidates = [c for c in (shutil.which(f"python{target}") if target else None,
                                  sys.executable if not getattr(sys, "frozen", False) else None,
                                  shutil.which("python3")) if c]
    found = [(c, v) for c in candidates if (v := python_version(c))]
    if not found:
        raise BundleError(f"No usable Python was found ({', '.join(candidates) or 'none on PATH'}). Install Python "
                          f"{target or '3'} and choose it with --python (or in the Prepare and test tab).")
    path, version = next(((c, v) for c, v in found if _matches(v, target)), found[0])
    matched = _matches(version, target)
    note = "" if matched else (f"Python {target} (the bundle's target) was not found; Python {version} at {path} "
                               "was used instead, so the environment check will fail. Install Python "
                               f"{target} and run again to test what production will run.")
    if not target:
        note = (f"The bundle names no target Python (env/python-version is missing); Python {version} at {path} was "
                "used.")
    elif requested and not matched:
        note = (f"The chosen Python {path} is {version}, not the bundle's target {target}; the environment check "
                "will fail.")
    return PythonUsed(path, version, target, matched, note)


def _matches(version: str, target: str) -> bool:
    return bool(target) and (version == target or version.startswith(target + "."))


def _setup_environment(folder: Path, manifest: dict, python: PythonUsed, options: RunOptions,
                       report: ProgressCallback, cancel: CancelToken, say: LogCallback) -> CheckResult:
    lock_text = (folder / "env" / "requirements.txt").read_text(encoding="utf-8")
    runner_text = _read_if_file(folder / RUNNER_LOCK)
    refused = () if options.allow_lock_options else refused_options(lock_text) + refused_options(runner_text)
    if refused:
        return CheckResult(SETUP_CHECK, FAILED, "The lock carries pip options, which could send pip to another "
                           "server or turn checks off; nothing was installed:\n" + "\n".join(refused) +
                           "\nAllow them only if you trust their source (--allow-lock-options; in the app, "
                           "\"Let pip follow options written in the lock\").")
    venv = folder / ".venv"
    report(3, STEPS, f"Creating an isolated environment in {venv}")
    # --clear: a fresh environment every time, so nothing planted in .venv (a .pth runs at start-up) survives.
    code, output = stream([python.path, "-m", "venv", "--clear", str(venv)], folder, pip_environment(), cancel, say,
                          options.timeout or SETUP_TIMEOUT)
    if code != 0:
        return CheckResult(SETUP_CHECK, FAILED, f"The virtual environment could not be created:\n{_tail(output)}")
    report(4, STEPS, "Installing the locked dependencies")
    locks = [(name, text) for name, text in (("env/requirements.txt", lock_text), (RUNNER_LOCK, runner_text))
             if any(line[:1].isalnum() for line in text.splitlines())]
    if not locks:
        return CheckResult(SETUP_CHECK, PASSED, "The lock lists no dependency; nothing to install.")
    manifest_hashed = bool((manifest.get("environment") or {}).get("hashed"))
    hashed = [require_hashes(text, manifest_hashed) for _, text in locks]
    for (name, _), with_hashes in zip(locks, hashed):
        code, output = stream(install_command(folder, with_hashes, name), folder, _pip_env(options), cancel, say,
                              options.timeout or SETUP_TIMEOUT)
        if code != 0:
            return CheckResult(SETUP_CHECK, FAILED, f"pip could not install {name} (exit {code}):\n{_tail(output)}")
    return CheckResult(SETUP_CHECK, PASSED, _install_note(folder, all(hashed), [name for name, _ in locks]))


def _read_if_file(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def install_command(folder: Path, hashed: bool, requirements: str = "env/requirements.txt") -> list[str]:
    args = [str(_venv_python(folder)), "-m", "pip", "install", "--no-input", "--disable-pip-version-check"]
    if hashed:
        args.append("--require-hashes")
    wheels = folder / "env" / "wheels"
    if wheels.is_dir():
        args += ["--no-index", "--find-links", str(wheels)]
    return args + ["-r", str(folder / requirements)]


def _install_note(folder: Path, hashed: bool, locks: Sequence[str] = ("env/requirements.txt",)) -> str:
    source = "offline from env/wheels" if (folder / "env" / "wheels").is_dir() else "from the package index"
    hashes = ("every file checked against its hash (--require-hashes)" if hashed
              else "WITHOUT hash checks: a lock has no hashes")
    runner = f" The notebook runners came from {RUNNER_LOCK}." if RUNNER_LOCK in locks else ""
    return f"Installed {source}, {hashes}.{runner}"


def _venv_python(folder: Path) -> Path:
    return folder / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _pip_env(options: RunOptions) -> dict[str, str]:
    return dict(options.pip_env) if options.pip_env is not None else pip_environment()


def _harness_env(folder: Path, manifest: dict, options: RunOptions) -> dict[str, str]:
    """Only what the bundle declares (its configuration keys) plus PATH/HOME/locale: see run_env."""
    env = minimal_environment(declared_variables(manifest), options.env_values)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PATH"] = os.pathsep.join((str(_venv_python(folder).parent), env.get("PATH", "")))
    if options.config_file is not None:
        env["HANDOFF_CONFIG"] = str(Path(options.config_file).resolve())
    return env


def harness_timeout(manifest: dict) -> int:
    """Twice the entry points' expected runtimes (their timeout_seconds) plus a margin for starting up."""
    entries = [e for e in manifest.get("entry_points") or [] if isinstance(e, dict)]
    runtimes = [e.get("timeout_seconds") for e in entries]
    return 2 * sum(int(r) for r in runtimes if isinstance(r, (int, float)) and r > 0) + HARNESS_MARGIN


def _run_checks(folder: Path, manifest: dict, options: RunOptions, cancel: CancelToken,
                say: LogCallback) -> tuple[CheckResult, ...]:
    args = [str(_venv_python(folder)), "-B", str(folder / "tests" / "run_harness.py")]  # -B: no .pyc left behind
    code, output = stream(args, folder, _harness_env(folder, manifest, options), cancel, say,
                          options.timeout or harness_timeout(manifest))
    checks = parse_harness_output(output)
    if not checks:
        return (CheckResult("harness", FAILED, f"The harness reported no check (exit {code}):\n{_tail(output)}"),)
    return checks


def parse_harness_output(output: str) -> tuple[CheckResult, ...]:
    """tests/run_harness.py prints ``PASS|FAIL|INCOMPLETE|N/A file::check`` then the message indented by 4 spaces."""
    results: list[list[str]] = []
    for line in output.splitlines():
        match = _RESULT_LINE.match(line)
        if match:
            results.append([match.group(2), _STATUS[match.group(1)], line[match.end():].strip()])
        elif results and results[-1][1] != PASSED and not _SUMMARY_LINE.match(line):
            results[-1][2] += "\n" + line.removeprefix("    ")
    return tuple(CheckResult(name, status, message.strip()) for name, status, message in results)


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def stream(args: list[str], cwd: Path, env: Optional[Mapping[str, str]], cancel: CancelToken, log: LogCallback,
           timeout: float) -> tuple[int, str]:
    """Run ``args``, passing each output line to ``log`` as it comes; kill it on cancel or after ``timeout``."""
    log("$ " + " ".join(args))
    try:
        process = subprocess.Popen(args, cwd=str(cwd), env=dict(env) if env is not None else None,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   text=True, encoding="utf-8", errors="replace", **GROUP_OPTIONS)
    except OSError as error:
        raise BundleError(f"{args[0]} could not be started ({error.strerror or error}).") from error
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True)
    reader.start()
    output, deadline = [], time.monotonic() + timeout
    while reader.is_alive() or not lines.empty():
        try:
            line = lines.get(timeout=0.1).rstrip("\n")
            output.append(line)
            log(line)
        except queue.Empty:
            pass
        if cancel.cancelled or time.monotonic() > deadline:
            kill_group(process)  # the child and everything it started
            if cancel.cancelled:
                raise Cancelled()
            raise BundleError(f"{Path(args[0]).name} {' '.join(args[1:3])} did not finish within {int(timeout)} "
                              "seconds and was stopped with everything it started (--timeout sets the limit; in the "
                              "app, Step timeout).")
    code = process.wait()
    kill_group(process)  # nothing it started outlives the step
    return code, "\n".join(output)
