"""The R environment of a bundle: env/r-packages.txt (the packages the code uses, with versions where known) and
env/renv.lock (the project's lock, whole; else one written from what the installed R reports)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Optional

from handoff_assistant.scan.report import RPackage


def r_packages_text(packages: Iterable[RPackage], project_name: str) -> str:
    used = sorted((p for p in packages if not p.base), key=lambda p: p.name.lower())
    lines = [f"# R packages used by {project_name} (base packages that ship with R are not listed).",
             "# name version; '?' marks a version nobody recorded, MISSING a package not declared in",
             "# renv.lock or DESCRIPTION: install it and record its version."]
    if not used:
        lines.append("# The code uses no R package.")
    for package in used:
        flag = "" if package.declared_in else "  # MISSING from renv.lock / DESCRIPTION"
        where = ", ".join(f"{s.file}:{s.line}" for s in package.sources[:3])
        lines.append(f"{package.name} {package.version or '?'}{flag}" + (f"  # used in {where}" if where and flag
                                                                          else ""))
    return "\n".join(lines) + "\n"


RENV_LOCK = "renv.lock"
RSCRIPT_TIMEOUT = 60.0


@dataclass(frozen=True)
class REnvironment:
    """The R side of the bundle: which R, which packages at which versions, and the renv.lock that restores them."""

    version: str = ""  # "4.1.2"; "" when nothing says
    version_from: str = ""  # "renv.lock", "Rscript (R on this machine)", ""
    lock_from: str = ""  # the project's renv.lock path, "written from Rscript", or "" (no env/renv.lock)
    lock_text: str = ""  # what env/renv.lock holds
    packages: tuple[tuple[str, str], ...] = ()  # (name, version) of every locked package, sorted

    @property
    def present(self) -> bool:
        return bool(self.version or self.packages or self.lock_text)

    def to_manifest(self) -> dict[str, Any]:
        return {"version": self.version or None, "version_from": self.version_from or None,
                "lock": f"env/{RENV_LOCK}" if self.lock_text else None, "lock_from": self.lock_from or None,
                "packages": [{"name": name, "version": version} for name, version in self.packages],
                "restore": "Rscript -e 'renv::restore()'" if self.lock_text else None}


def r_environment(root: Path, lock_files: Iterable[str], used: Iterable[RPackage],
                  rscript: Optional[str] = None) -> REnvironment:
    """The project's renv.lock whole when it has one; else, when R code uses packages and R is installed, a lock
    written from the versions that R reports; else only what the scan knows (no lock)."""
    locks = sorted((p for p in lock_files if PurePosixPath(p).name == RENV_LOCK), key=lambda p: (p.count("/"), p))
    for path in locks:
        found = _from_lock(root / path, path)
        if found is not None:
            return found
    names = sorted({p.name for p in used if not p.base}, key=str.lower)
    if not names:
        return REnvironment()
    program = rscript or shutil.which("Rscript")
    reported = _ask_r(program, names) if program else None
    if reported is None:
        versions = tuple((p.name, p.version or "") for p in sorted(used, key=lambda p: p.name.lower())
                         if not p.base)
        return REnvironment(packages=versions)
    version, packages = reported
    return REnvironment(version, "Rscript (R on the machine that built the bundle)", "written from Rscript",
                        _lock_json(version, packages), packages)


def _from_lock(path: Path, shown: str) -> Optional[REnvironment]:
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, ValueError):
        return None  # the scan reports an unreadable renv.lock as a problem
    if not isinstance(data, dict) or not isinstance(data.get("Packages"), dict):
        return None
    r = data.get("R") if isinstance(data.get("R"), dict) else {}
    version = r_version_or_blank(r.get("Version"))
    packages = tuple(sorted(((name, str(entry.get("Version") or "")) for name, entry in data["Packages"].items()
                             if isinstance(entry, dict)), key=lambda item: item[0].lower()))
    return REnvironment(version, shown if version else "", shown, text, packages)


_R_VERSION = re.compile(r"\d+(\.\d+){1,3}")
_R_PROGRAM = ('args <- commandArgs(TRUE); cat("R", as.character(getRversion()), "\\n"); '
              'for (p in args) cat(p, tryCatch(as.character(packageVersion(p)), error = function(e) "-"), "\\n")')


def _ask_r(rscript: str, names: list[str]) -> Optional[tuple[str, tuple[tuple[str, str], ...]]]:
    """R's version and the installed version of each package, asked in a subprocess; None when R does not answer."""
    try:
        result = subprocess.run([rscript, "--vanilla", "-e", _R_PROGRAM, "--args", *names], capture_output=True,
                                text=True, timeout=RSCRIPT_TIMEOUT, errors="replace")
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = [line.split() for line in result.stdout.splitlines() if len(line.split()) == 2]
    if result.returncode != 0 or not lines or lines[0][0] != "R":
        return None
    return r_version_or_blank(lines[0][1]), tuple((name, version) for name, version in lines[1:] if version != "-")


def r_version_or_blank(value: object) -> str:
    """An R version ("4.3.1"), or "" for anything else: the version is written into setup.sh, the Dockerfile's
    FROM line and the runbook, so a crafted renv.lock must not carry shell or Dockerfile text into them."""
    text = str(value or "").strip()
    return text if _R_VERSION.fullmatch(text) else ""


def _lock_json(version: str, packages: Iterable[tuple[str, str]]) -> str:
    """A minimal renv.lock (renv reads this shape): R's version, CRAN, and each package's version."""
    data = {"R": {"Version": version, "Repositories": [{"Name": "CRAN", "URL": "https://cloud.r-project.org"}]},
            "Packages": {name: {"Package": name, "Version": v, "Source": "Repository", "Repository": "CRAN"}
                         for name, v in packages}}
    return json.dumps(data, indent=2) + "\n"
