"""R packages a project uses: library(), require(), pkg::fn in R code (not prose, comments or strings).  (STUB)"""
from __future__ import annotations

import re

from handoff_assistant.scan.refs import RPackageRef

_LIBRARY = re.compile(r"\b(?:library|require)\(\s*([A-Za-z][A-Za-z0-9.]*)")


def find_r_packages(source: str, language: str) -> list[RPackageRef]:
    return [RPackageRef(m.group(1), source.count("\n", 0, m.start()) + 1) for m in _LIBRARY.finditer(source)]


def summarise(analyses, root, paths):
    from handoff_assistant.scan.report import RPackage, SourceRef
    by_name: dict = {}
    for analysis in analyses:
        for ref in analysis.r_packages:
            by_name.setdefault(ref.name, []).append(SourceRef(analysis.path, ref.line, ref.cell))
    return tuple(RPackage(name, tuple(refs)) for name, refs in sorted(by_name.items()))
