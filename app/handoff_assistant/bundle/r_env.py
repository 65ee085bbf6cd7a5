"""env/r-packages.txt: the R packages the code uses, with versions from renv.lock or DESCRIPTION where known."""
from __future__ import annotations

from typing import Iterable

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
