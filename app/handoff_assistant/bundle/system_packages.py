"""The operating-system packages a bundle needs, from the curated table resources/system_packages.yaml.

R packages and Python distributions map to system libraries (following rstudio/r-system-requirements), and
libraries to Debian/Ubuntu and RHEL package names. handoff.yaml's own ``system_packages`` are kept apart, as
written: nobody said which distribution's names they are.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from packaging.utils import canonicalize_name

from handoff_assistant.assets import load_yaml_resource

TABLE = "system_packages.yaml"


@dataclass(frozen=True)
class SystemNeed:
    """One package of the project that needs system libraries."""

    package: str  # "sf", "psycopg2"
    ecosystem: str  # "R", "Python" or "handoff.yaml"
    libraries: tuple[str, ...]  # "gdal", "geos" ...
    when: str = ""  # a condition, e.g. "built from source (no wheel for the target platform)"


@dataclass(frozen=True)
class SystemPackages:
    needs: tuple[SystemNeed, ...] = ()
    debian: tuple[str, ...] = ()  # apt-get install names, sorted, build tools included
    rhel: tuple[str, ...] = ()  # dnf install names
    build_only: tuple[str, ...] = ()  # Debian names needed only to compile from source
    declared: tuple[str, ...] = ()  # handoff.yaml's system_packages, as written

    def to_manifest(self) -> dict[str, Any]:
        return {"debian": list(self.debian), "rhel": list(self.rhel), "build_only": list(self.build_only),
                "declared_in_handoff_yaml": list(self.declared),
                "needed_by": [{"package": n.package, "ecosystem": n.ecosystem, "libraries": list(n.libraries),
                               "when": n.when} for n in self.needs]}


def system_packages(r_packages: Iterable[str], python_distributions: Iterable[str],
                    declared: Iterable[str] = ()) -> SystemPackages:
    """The needs of the given R packages and Python distributions, and the packages that satisfy them."""
    table = load_yaml_resource(TABLE)
    needs = [SystemNeed(name, "R", tuple(table["r_packages"][name])) for name in sorted(set(r_packages))
             if name in table["r_packages"]]
    python = {canonicalize_name(key): value for key, value in table["python"].items()}
    for name in sorted({canonicalize_name(n) for n in python_distributions}):
        if name in python:
            libraries, when = _entry(python[name])
            needs.append(SystemNeed(name, "Python", libraries, when))
    libraries = {library for need in needs for library in need.libraries}
    known = table["libraries"]
    debian = {package for library in libraries for package in known[library]["debian"]}
    rhel = {package for library in libraries for package in known[library]["rhel"]}
    build = {package for library in libraries if known[library].get("build") for package in known[library]["debian"]}
    declared = tuple(dict.fromkeys(p.strip() for p in declared if p.strip()))
    return SystemPackages(tuple(needs), tuple(sorted(debian)), tuple(sorted(rhel)),
                          tuple(sorted(build)), declared)


def _entry(value: Any) -> tuple[tuple[str, ...], str]:
    if isinstance(value, dict):
        return tuple(value["libraries"]), str(value.get("when", ""))
    return tuple(value), ""
