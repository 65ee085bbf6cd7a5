"""The target environment: the data scientist's interpreter, asked in a subprocess.

Which interpreter: the one named with ``--python`` when given (an explicit choice wins); else a
venv or conda env inside the project (``.venv``, ``venv``, ``env``, ``.conda``, a folder with
``conda-meta/``); else ``python3`` on PATH. The app's own interpreter is never assumed.

It is run with ``-I`` from a temporary folder, so the project is not on its ``sys.path``, and is
asked only for its version, platform and installed distributions (see ``probe_script``). Answers
are cached per interpreter and invalidated when it or any folder on its ``sys.path`` changes.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import platformdirs
from packaging.utils import canonicalize_name

from handoff_assistant.atomic_files import write_text_atomically
from handoff_assistant.scan.probe_script import PROBE_SOURCE
from handoff_assistant.scan.report import Problem, TargetEnvironment

PROJECT_ENV_DIRS = (".venv", "venv", "env", ".conda")
CONDA_ENV_GLOBS = ("*/conda-meta", "envs/*/conda-meta")
INTERPRETERS_IN_ENV = ("bin/python", "bin/python3", "Scripts/python.exe", "python.exe")
DEFAULT_TIMEOUT = 60.0
_ASK_FOR_ANOTHER = ("Give the path to the prototype's Python 3.8+ interpreter with --python "
                    "(for example .venv/bin/python).")


class EnvironmentProbeError(Exception):
    """The interpreter cannot be asked (missing, not Python, crashed, too slow); the message says what to do."""


@dataclass(frozen=True)
class InstalledDistribution:
    name: str  # as in its metadata
    version: str
    top_level: tuple[str, ...] = ()  # importable top-level names it provides
    requires: tuple[str, ...] = ()  # PEP 508 requirement strings
    modules: tuple[str, ...] = ()  # shallowest regular packages/modules: "numpy", "google.cloud.bigquery"
    namespaces: tuple[str, ...] = ()  # namespace-package folders above them: "google", "google.cloud"


@dataclass(frozen=True)
class TargetProbe:
    target: TargetEnvironment
    distributions: tuple[InstalledDistribution, ...] = ()
    problems: tuple[Problem, ...] = ()  # e.g. a broken project venv that was passed over


def probe_target(root: Path, python: Optional[str] = None, *, timeout: float = DEFAULT_TIMEOUT,
                 use_cache: bool = True) -> TargetProbe:
    """Find the target interpreter for the project at ``root`` and ask it what it is.

    A ``python`` that is missing, not Python or does not answer raises ``EnvironmentProbeError``;
    a broken project environment or PATH interpreter is reported in ``problems`` instead.
    """
    if python:
        return _ask(_named_interpreter(python), "--python", timeout, use_cache)
    problems: list[Problem] = []
    local = _project_interpreter(root, problems)
    if local is not None:
        try:
            return _with_problems(_ask(local, "project-env", timeout, use_cache), problems)
        except EnvironmentProbeError as error:
            problems.append(Problem(_shown(local, root), f"{error} Used python3 on PATH instead."))
    on_path = shutil.which("python3") or shutil.which("python")
    if on_path is not None:
        try:
            return _with_problems(_ask(Path(on_path), "PATH", timeout, use_cache), problems)
        except EnvironmentProbeError as error:
            problems.append(Problem(on_path, str(error)))
    return TargetProbe(TargetEnvironment("", "", "", "", "none"), problems=tuple(problems))


def find_project_interpreter(root: Path) -> Optional[Path]:
    """The interpreter of a venv or conda env inside the project, or None."""
    return _project_interpreter(root, [])


def _project_interpreter(root: Path, problems: list[Problem]) -> Optional[Path]:
    for env_dir in _project_env_dirs(root):
        for relative in INTERPRETERS_IN_ENV:
            candidate = env_dir / relative
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate.absolute()
            if candidate.is_symlink():
                problems.append(Problem(_shown(candidate, root), "this environment's python points to an interpreter "
                                        "that no longer exists; recreate the environment, or give one with --python"))
    return None


def _project_env_dirs(root: Path) -> list[Path]:
    found = [root / name for name in PROJECT_ENV_DIRS]
    for pattern in CONDA_ENV_GLOBS:
        found += sorted(meta.parent for meta in root.glob(pattern))
    return [d for i, d in enumerate(found) if d.is_dir() and d not in found[:i]]


def _named_interpreter(python: str) -> Path:
    candidate = Path(python).expanduser()
    if candidate.is_dir():
        inside = [candidate / rel for rel in INTERPRETERS_IN_ENV if (candidate / rel).is_file()]
        candidate = inside[0] if inside else candidate
    elif not candidate.exists() and "/" not in python and os.sep not in python:
        found = shutil.which(python)
        candidate = Path(found) if found else candidate
    if not candidate.is_file():
        raise EnvironmentProbeError(f"The interpreter '{python}' given with --python was not found. {_ASK_FOR_ANOTHER}")
    return candidate.absolute()


def _with_problems(probe: TargetProbe, problems: list[Problem]) -> TargetProbe:
    return TargetProbe(probe.target, probe.distributions, tuple(problems) + probe.problems)


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.absolute()).as_posix()
    except ValueError:
        return str(path)


def _ask(interpreter: Path, source: str, timeout: float, use_cache: bool) -> TargetProbe:
    cache = _cache_file(interpreter) if use_cache else None
    answer = _cached_answer(interpreter, cache) if cache else None
    if answer is None and cache and _is_launcher(interpreter, cache):
        answer = _cached_answer_of_launched(interpreter, timeout)
    if answer is None:
        answer = _run_probe(interpreter, timeout)
        if cache and "error" not in answer:
            _remember(interpreter, cache, answer)
    return _to_probe(interpreter, source, answer)


def _runs_itself(interpreter: Path, answer: dict[str, Any]) -> bool:
    """False for launchers (pyenv shims, py.exe) whose real interpreter may change without the cache noticing."""
    try:
        return Path(answer.get("executable") or "").resolve() == interpreter.resolve()
    except OSError:
        return False


def _remember(interpreter: Path, cache: Path, answer: dict[str, Any]) -> None:
    """Cache the answer under the interpreter that gave it. A launcher's own cache file only says that it is one:
    which interpreter it starts can change at any time (``pyenv global``), so it is asked again on every scan."""
    if _runs_itself(interpreter, answer):
        _store_answer(interpreter, cache, answer)
        return
    launched, fingerprint = Path(answer.get("executable") or ""), _fingerprint(interpreter, [])
    if launched.is_absolute() and launched.is_file() and fingerprint is not None:
        _store_answer(launched, _cache_file(launched), answer)
        _store(cache, {"fingerprint": fingerprint, "launcher": True})


def _is_launcher(interpreter: Path, cache: Path) -> bool:
    stored, fingerprint = _stored(cache), _fingerprint(interpreter, [])
    return bool(stored and stored.get("launcher") is True and fingerprint is not None
                and stored.get("fingerprint") == fingerprint)


def _cached_answer_of_launched(launcher: Path, timeout: float) -> Optional[dict[str, Any]]:
    """The cached answer of the interpreter a launcher starts today: asking it for ``sys.executable`` alone takes
    a fraction of the full probe (which reads every installed distribution's file list)."""
    try:
        said = _run_python(launcher, "import sys; print(sys.executable)", timeout)
    except EnvironmentProbeError:
        return None
    launched = Path(said.stdout.strip())
    if said.returncode != 0 or not launched.is_absolute() or launched == launcher:
        return None
    answer = _cached_answer(launched, _cache_file(launched))
    return answer if answer is not None and answer.get("executable") == str(launched) else None


def _run_probe(interpreter: Path, timeout: float) -> dict[str, Any]:
    result = _run_python(interpreter, PROBE_SOURCE, timeout)
    try:
        answer = json.loads(result.stdout)
    except ValueError:
        answer = None
    if result.returncode != 0 or not isinstance(answer, dict) or "version" not in answer:
        raise EnvironmentProbeError(f"{interpreter} did not answer as a Python interpreter (it said: "
                                    f"{_gist(result.stderr or result.stdout)}). {_ASK_FOR_ANOTHER}")
    return answer


def _run_python(interpreter: Path, source: str, timeout: float) -> subprocess.CompletedProcess:
    """``interpreter -I -c source`` from an empty temporary folder, so the project is never on its path."""
    with tempfile.TemporaryDirectory(prefix="handoff-probe-") as outside_project:
        try:
            return subprocess.run(
                [str(interpreter), "-I", "-c", source], capture_output=True, text=True, encoding="utf-8",
                errors="replace", timeout=timeout, cwd=outside_project,
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
            )
        except subprocess.TimeoutExpired as error:
            raise EnvironmentProbeError(f"{interpreter} did not answer within {timeout:g} s. Check that it starts "
                                        f"when run by hand, or give another interpreter with --python.") from error
        except OSError as error:
            raise EnvironmentProbeError(f"{interpreter} cannot be run ({error.strerror or error}). "
                                        f"{_ASK_FOR_ANOTHER}") from error


def _gist(output: str) -> str:
    """One short line of what a failed interpreter printed: a traceback's last line, else the first line."""
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()] or ["nothing"]
    line = lines[-1] if lines[0].startswith("Traceback") else lines[0]
    return line if len(line) <= 120 else line[:117] + "..."


def _to_probe(interpreter: Path, source: str, answer: dict[str, Any]) -> TargetProbe:
    dists = tuple(sorted(
        (InstalledDistribution(d["name"], d["version"], tuple(d["top_level"]), tuple(d["requires"]),
                               tuple(d["modules"]), tuple(d["namespaces"])) for d in answer.get("dists", ())),
        key=lambda dist: canonicalize_name(dist.name),
    ))
    problems = tuple(Problem(str(interpreter), f"an installed distribution could not be read ({text})")
                     for text in answer.get("unreadable", ()))
    if answer.get("error") == "too-old":
        problems += (Problem(str(interpreter), f"Python {answer['version']} is older than 3.8, so its installed "
                                               f"distributions were not read; dependencies come from the import map "
                                               f"only. Give a newer interpreter with --python for a full answer."),)
    target = TargetEnvironment(answer["version"], answer["platform"], answer["machine"],
                               answer.get("executable") or str(interpreter), source, len(dists))
    return TargetProbe(target, dists, problems)


def _cache_file(interpreter: Path) -> Path:
    base = os.environ.get("HANDOFF_CACHE_DIR") or platformdirs.user_cache_dir("handoff-assistant", appauthor=False)
    key = hashlib.sha256(str(interpreter).encode()).hexdigest()[:32]
    return Path(base) / "targets" / f"{key}.json"


def _fingerprint(interpreter: Path, paths: list[str]) -> Optional[dict[str, Any]]:
    """Modification times that change when the interpreter is replaced or a distribution is (un)installed."""
    try:
        return {"interpreter": [interpreter.lstat().st_mtime_ns, interpreter.stat().st_mtime_ns],
                "paths": {p: os.stat(p).st_mtime_ns for p in paths}}
    except OSError:
        return None


def _stored(cache: Path) -> Optional[dict[str, Any]]:
    try:
        stored = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stored if isinstance(stored, dict) else None


def _cached_answer(interpreter: Path, cache: Path) -> Optional[dict[str, Any]]:
    try:
        stored = _stored(cache)
        fresh = _fingerprint(interpreter, stored["answer"]["paths"]) if stored else None
        return stored["answer"] if fresh is not None and fresh == stored["fingerprint"] else None
    except (KeyError, TypeError):
        return None


def _store_answer(interpreter: Path, cache: Path, answer: dict[str, Any]) -> None:
    fingerprint = _fingerprint(interpreter, answer.get("paths", []))
    if fingerprint is not None:
        _store(cache, {"fingerprint": fingerprint, "answer": answer})


def _store(cache: Path, content: dict[str, Any]) -> None:
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(cache, json.dumps(content))
    except OSError:
        pass  # the cache only saves time; a scan never fails for it
