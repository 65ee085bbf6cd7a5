"""The hash-pinned lockfile: requirements.in from the scan, requirements.txt from pip-tools, uv or the target env.

pip-tools and uv run in a subprocess and honour the user's configuration (a private index); nothing here adds
index flags. uv reads its own (uv.toml, UV_* variables), not pip's, so pip's settings (files and PIP_* variables,
read by pip itself) are passed on under uv's names (pip_config.py). The default engine ``auto`` is uv when it is
installed (a runtime dependency), else pip-tools; the manifest names the engine used. The ``installed`` engine is for machines with no index at all: it pins what the target
environment has, follows the installed metadata for the transitive closure, and cannot give hashes.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Mapping, Optional

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from handoff_assistant.bundle.options import AUTO, LockError
from handoff_assistant.bundle.pip_config import app_python, pip_settings, uv_env, uv_flags
from handoff_assistant.bundle.process import run_command
from handoff_assistant.scan.environment import InstalledDistribution
from handoff_assistant.scan.report import UNKNOWN, USED_UNDECLARED, Dependency, TargetEnvironment
from handoff_assistant.tasks import CancelToken

LOCK_NAME = "requirements.txt"  # in the bundle's env/
COMPILE_COMMAND = "handoff bundle"  # shown in the lockfile header instead of a temp folder's command line
APP_PYTHON = app_python() or sys.executable  # runs pip-tools and pip; in a frozen app a Python on PATH
_PLATFORM_SYSTEM = {"linux": "Linux", "darwin": "Darwin", "win32": "Windows"}


@dataclass(frozen=True)
class LockedDistribution:
    name: str
    version: str
    marker: Optional[str] = None


@dataclass(frozen=True)
class UnlockedDependency:
    """A dependency that is not in the lockfile, and why (the runbook and manifest list these)."""

    name: str  # distribution, or the import names when unknown
    reason: str


@dataclass(frozen=True)
class DirectRequirements:
    lines: tuple[str, ...]  # PEP 508 strings for requirements.in
    unlocked: tuple[UnlockedDependency, ...]


@dataclass(frozen=True)
class LockResult:
    engine: str
    requirements_in: str
    requirements_txt: str
    locked: tuple[LockedDistribution, ...]
    hashed: bool
    unlocked: tuple[UnlockedDependency, ...]


def direct_requirements(dependencies: Iterable[Dependency],
                        resolutions: Mapping[str, str] | None = None) -> DirectRequirements:
    """Used and declared distributions, pinned to the installed version where known, with their markers.

    An unknown import is locked as the distribution handoff.yaml's ``resolutions`` names for it; otherwise it
    cannot be locked (nobody knows which distribution provides it). Optional imports missing from the target
    environment are left out. Both kinds are returned as ``unlocked``.
    """
    lines: dict[str, str] = {}
    unlocked = []
    for dep in dependencies:
        resolved = [resolutions[name] for name in dep.import_names if name in (resolutions or {})]
        if dep.distribution is None and resolved:
            dep = replace(dep, distribution=resolved[0], status=USED_UNDECLARED)
        if dep.distribution is None or dep.status == UNKNOWN:
            unlocked.append(UnlockedDependency(", ".join(dep.import_names) or "?",
                                               "unknown import: no known distribution provides it, so it "
                                               "cannot be locked (name it under resolutions in handoff.yaml)"))
            continue
        if dep.optional and not dep.installed_version:
            unlocked.append(UnlockedDependency(dep.distribution, "optional import not installed in the target "
                                                                 "environment: left out of the lock"))
            continue
        line = _requirement_line(dep)
        try:
            Requirement(line)
        except InvalidRequirement as error:
            unlocked.append(UnlockedDependency(dep.distribution, f"its requirement {line!r} is not valid: {error}"))
            continue
        lines.setdefault(canonicalize_name(dep.distribution), line)
    return DirectRequirements(tuple(lines[name] for name in sorted(lines)), tuple(unlocked))


# Packaging tools: the installed version says only which interpreter answered the scan (often the app's own, or
# whatever the venv was created with), not what the project needs, so they are never pinned from it.
PACKAGING_TOOLS = frozenset({"setuptools", "pip", "wheel"})


def _requirement_line(dep: Dependency) -> str:
    from_installed = dep.installed_version and canonicalize_name(dep.distribution or "") not in PACKAGING_TOOLS
    spec = f"=={dep.installed_version}" if from_installed else (dep.declared_spec or "")
    # " ; " and not ";": after a direct URL ("name @ https://...") PEP 508 needs the space.
    return f"{dep.distribution}{spec}" + (f" ; {dep.marker}" if dep.marker else "")


def requirements_in_text(direct: DirectRequirements, project_name: str, index_lines: Iterable[str] = ()) -> str:
    header = [f"# Direct dependencies of {project_name or 'the project'}, written by handoff bundle.",
              "# Pinned to the versions installed in the target environment where known."]
    header += [f"# Not locked: {u.name} ({u.reason})" for u in direct.unlocked]
    return "\n".join(header + list(index_lines) + list(direct.lines)) + "\n"


def dev_requirements_text(direct: DirectRequirements, reasons: Mapping[str, str], project_name: str) -> str:
    """env/requirements-dev.txt: what only tests and exploration need, kept out of the production lock."""
    lines = [f"# Development dependencies of {project_name or 'the project'} (tests, notebooks no entry point runs,",
             "# dev extras), written by handoff bundle. NOT installed by scripts/setup.sh and not hash-locked: install",
             "# them only where the project's own tests or notebooks run: pip install -r env/requirements-dev.txt"]
    if not direct.lines:
        lines.append("# None: every dependency is needed in production.")
    for line in direct.lines:
        name = canonicalize_name(Requirement(line).name)
        lines.append(f"{line}  # {reasons[name]}" if name in reasons else line)
    return "\n".join(lines) + "\n"


def with_index_lines(requirements_txt: str, index_lines: Iterable[str]) -> str:
    """The lock with the index options it was resolved with (e.g. the CPU index of torch), so set-up finds the
    same files; the user's own index is never written (it may hold credentials)."""
    missing = [line for line in index_lines if line not in requirements_txt]
    lines = requirements_txt.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")), len(lines))
    return "\n".join(lines[:first] + missing + lines[first:]) + "\n"


def lock_with_pip_tools(workdir: Path, cancel: CancelToken, env: Optional[Mapping[str, str]] = None,
                        python: str = APP_PYTHON) -> str:
    """``pip-compile`` workdir/requirements.in into workdir/requirements.txt and return its text."""
    args = [python, "-m", "piptools", "compile", "--generate-hashes", "--allow-unsafe", "--strip-extras",
            "--no-emit-index-url", "--no-emit-find-links", "--quiet", "--output-file=requirements.txt", "requirements.in"]
    return _compile(args, workdir, cancel, env)


def lock_with_uv(workdir: Path, cancel: CancelToken, env: Optional[Mapping[str, str]] = None,
                 target_python: Optional[str] = None, target_platform: Optional[str] = None,
                 python: str = APP_PYTHON, settings: Optional[Mapping[str, str]] = None) -> str:
    """``settings``: pip's (``pip_settings``), when the caller asked already; else pip is asked here."""
    uv = find_uv()
    if uv is None:
        raise LockError("The uv engine was chosen but uv is not installed; install uv or use --engine pip-tools.")
    base = env if env is not None else os.environ
    settings = pip_settings(base) if settings is None else settings
    args = uv_compile_args(uv, target_python, target_platform, python) + uv_flags(settings)
    return _compile(args, workdir, cancel, uv_env(base, settings))


def resolve_engine(engine: str) -> str:
    """The engine ``auto`` stands for: uv when it can be found (seconds where pip-compile takes minutes, same
    lockfile format), else pip-tools. Any other engine is itself."""
    if engine != AUTO:
        return engine
    return "uv" if find_uv() else "pip-tools"


def find_uv() -> Optional[str]:
    """uv on PATH, else beside the running interpreter (an app installed in a venv whose bin/ is not on PATH) or
    inside the frozen app, else the binary of the ``uv`` Python package."""
    beside = os.pathsep.join([str(Path(sys.executable).parent), getattr(sys, "_MEIPASS", "")])
    found = shutil.which("uv") or shutil.which("uv", path=beside)
    if found:
        return found
    try:
        from uv import find_uv_bin
        return find_uv_bin()
    except (ImportError, FileNotFoundError):
        return None


_UV_PLATFORMS = {"win32": "windows", "darwin": "macos"}  # sys.platform names -> uv's --python-platform names


def uv_compile_args(uv: str, target_python: Optional[str], target_platform: Optional[str],
                    python: str = APP_PYTHON) -> list[str]:
    """``--python`` is only the interpreter uv asks for defaults: with it uv never looks for, or downloads, a
    Python of the target version; ``--python-version`` / ``--python-platform`` set the markers it resolves for."""
    args = [uv, "pip", "compile", "requirements.in", "--generate-hashes", "--quiet", "--python", python,
            "--output-file", "requirements.txt", "--custom-compile-command", COMPILE_COMMAND]
    if target_python:
        args += ["--python-version", target_python]
    if target_platform:
        args += ["--python-platform", _UV_PLATFORMS.get(target_platform, target_platform)]
    return args


def _compile(args: list[str], workdir: Path, cancel: CancelToken, env: Optional[Mapping[str, str]]) -> str:
    run_env = dict(env if env is not None else os.environ)  # None: the user's own pip configuration
    run_env["CUSTOM_COMPILE_COMMAND"] = COMPILE_COMMAND
    result = run_command(args, workdir, run_env, cancel)
    output = workdir / "requirements.txt"
    if result.returncode != 0 or not output.exists():
        raise LockError(conflict_message(result.stderr + "\n" + result.stdout))
    return output.read_text(encoding="utf-8")


_RESOLUTION_CAUSE = re.compile(
    r"requirement=\w+Requirement\('(?P<req>[^']+)'\), parent=(?:None|\w+\('(?P<parent>[^']+)'\))")
_CONFLICT_LINES = (
    re.compile(r"\b[Bb]ecause (?P<what>.+?)(?:, we can conclude that .*)?$"),  # uv, before "depends on"
    re.compile(r"Could not find a version that matches (?P<what>.+)"),
    re.compile(r"No matching distribution found for (?P<what>.+)"),
    re.compile(r"^\s*(?P<what>.+ depends on .+)$"),
    re.compile(r"^\s*(?P<what>The user requested .+)$"),
)


def conflict_message(output: str) -> str:
    """One readable sentence naming the requirements that cannot be satisfied together."""
    found = _resolution_causes(output) or _conflict_lines(output)
    if not found:
        last = [line.strip() for line in output.splitlines() if line.strip()][-2:]
        return "The dependencies could not be locked: " + (" ".join(last) or "the lock tool gave no reason") + "."
    return ("The dependencies could not be locked because these requirements cannot be satisfied together: "
            + "; ".join(found) + ". Relax or correct one of them in the project's requirements and build again.")


def _resolution_causes(output: str) -> list[str]:
    causes = []
    for match in _RESOLUTION_CAUSE.finditer(output):
        parent = match.group("parent")
        who = "asked for by the project" if parent is None else f"needed by {_candidate_name(parent)}"
        cause = f"{match.group('req')} ({who})"
        if cause not in causes:
            causes.append(cause)
    return causes


def _candidate_name(link: str) -> str:
    """``file:///x/tiny_app-0.3.0-py3-none-any.whl`` -> ``tiny_app 0.3.0``."""
    filename = link.rsplit("/", 1)[-1]
    parts = filename.split("-")
    return f"{parts[0]} {parts[1]}" if len(parts) >= 2 else filename


def _conflict_lines(output: str) -> list[str]:
    found: list[str] = []
    for line in output.splitlines():
        for pattern in _CONFLICT_LINES:
            match = pattern.search(line)
            if match and match.group("what").strip().rstrip(".") not in found:
                found.append(match.group("what").strip().rstrip("."))
                break
    return found


def marker_environment(target: TargetEnvironment, target_python: Optional[str] = None) -> dict[str, str]:
    """PEP 508 marker values of the *target* interpreter, not of the app's own."""
    environment = dict(default_environment())
    version = target_python or target.python_version
    if version:
        environment["python_full_version"] = version
        environment["python_version"] = ".".join(version.split(".")[:2])
    if target.platform:
        environment["sys_platform"] = target.platform
        environment["platform_system"] = _PLATFORM_SYSTEM.get(target.platform, environment["platform_system"])
        environment["os_name"] = "nt" if target.platform == "win32" else "posix"
    if target.machine:
        environment["platform_machine"] = target.machine
    return environment


def lock_from_installed(direct: DirectRequirements, installed: Iterable[InstalledDistribution],
                        environment: Mapping[str, str]) -> tuple[str, tuple[UnlockedDependency, ...]]:
    """Pins of the direct requirements and everything they need, as the target environment has them."""
    by_name = {canonicalize_name(d.name): d for d in installed}
    pins: dict[str, InstalledDistribution] = {}
    missing: list[UnlockedDependency] = []
    queue = [Requirement(line) for line in direct.lines]
    while queue:
        requirement = queue.pop(0)
        if requirement.marker and not requirement.marker.evaluate(dict(environment, extra="")):
            continue
        name = canonicalize_name(requirement.name)
        if name in pins:
            continue
        dist = by_name.get(name)
        if dist is None:
            missing.append(UnlockedDependency(requirement.name, "not installed in the target environment, "
                                                                "so the installed engine cannot pin it"))
            continue
        pins[name] = dist
        queue += [parsed for text in dist.requires if (parsed := _parsed(text)) is not None]
    lines = [f"{pins[name].name}=={pins[name].version}" for name in sorted(pins)]
    header = ["# Pinned by handoff bundle from the target environment (engine: installed).",
              "# NO HASHES: no package index was used, so pip cannot check the downloaded files.",
              "# Install with: pip install -r requirements.txt"]
    return "\n".join(header + lines) + "\n", tuple(sorted(set(missing), key=lambda u: u.name))


def _parsed(text: str) -> Optional[Requirement]:
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        return None
    if requirement.marker and "extra" in str(requirement.marker):
        return None  # only needed with an extra that nobody asked for
    return requirement


def parse_locked(requirements_txt: str) -> tuple[LockedDistribution, ...]:
    """The ``name==version`` pins of a lockfile (hash options and comments ignored)."""
    logical = re.sub(r"\\\n", " ", requirements_txt)
    locked = []
    for line in logical.splitlines():
        text = line.split("#", 1)[0].split(" --hash", 1)[0].strip()
        if not text or text.startswith("-"):
            continue
        requirement = Requirement(text)
        pins = [spec.version for spec in requirement.specifier if spec.operator in ("==", "===")]
        if pins:
            locked.append(LockedDistribution(requirement.name, pins[0],
                                             str(requirement.marker) if requirement.marker else None))
    return tuple(sorted(locked, key=lambda d: canonicalize_name(d.name)))


def download_wheels(workdir: Path, dest: Path, cancel: CancelToken, hashed: bool,
                    env: Optional[Mapping[str, str]] = None, target_python: Optional[str] = None,
                    target_platform: Optional[str] = None, python: str = APP_PYTHON,
                    requirements: str = "requirements.txt") -> None:
    """Every wheel ``workdir/requirements`` locks, for the target, into ``dest`` so a server without internet
    installs with --no-index."""
    args = [python, "-m", "pip", "download", "--only-binary=:all:", "--no-deps", "-r", requirements,
            "-d", str(dest)]
    if hashed:
        args.insert(5, "--require-hashes")
    if target_platform:
        args += ["--platform", target_platform]
    if target_python:
        args += ["--python-version", target_python]
    result = run_command(args, workdir, env, cancel)
    if result.returncode != 0:
        reason = [line.strip() for line in result.stderr.splitlines() if line.strip()]
        raise LockError("The locked wheels could not be downloaded for the target: "
                        + (reason[-1] if reason else "pip gave no reason") + ".")


@dataclass(frozen=True)
class LockRequest:
    engine: str  # "pip-tools", "uv", "installed"
    target: TargetEnvironment
    target_python: Optional[str] = None
    target_platform: Optional[str] = None
    installed: tuple[InstalledDistribution, ...] = ()  # the target environment's, for the installed engine
    env: Optional[Mapping[str, str]] = None  # for the subprocesses; None = inherit (the user's pip config)
    pip_settings: Optional[Mapping[str, str]] = None  # pip's index settings for uv, once asked (``prepared``)


def prepared(request: LockRequest) -> LockRequest:
    """The request with its engine resolved (auto -> uv or pip-tools) and, for uv, pip's settings asked once: a
    bundle locks production and the notebook runners with one request, and ``pip config list`` is a subprocess."""
    engine = resolve_engine(request.engine)
    settings = request.pip_settings
    if engine == "uv" and settings is None:
        settings = pip_settings(request.env if request.env is not None else os.environ)
    return replace(request, engine=engine, pip_settings=settings)


def lock_dependencies(direct: DirectRequirements, requirements_in: str, workdir: Path, request: LockRequest,
                      cancel: CancelToken) -> LockResult:
    """Write requirements.in and requirements.txt into ``workdir`` with the chosen engine."""
    (workdir / "requirements.in").write_text(requirements_in, encoding="utf-8")
    request = prepared(request)
    unlocked = direct.unlocked
    if request.engine == "installed":
        text, missing = lock_from_installed(direct, request.installed,
                                            marker_environment(request.target, request.target_python))
        (workdir / "requirements.txt").write_text(text, encoding="utf-8")
        unlocked += missing
    elif request.engine == "uv":
        text = lock_with_uv(workdir, cancel, request.env, request.target_python, request.target_platform,
                            settings=request.pip_settings)
    else:
        text = lock_with_pip_tools(workdir, cancel, request.env)
    return LockResult(request.engine, requirements_in, text, parse_locked(text), request.engine != "installed",
                      unlocked)
