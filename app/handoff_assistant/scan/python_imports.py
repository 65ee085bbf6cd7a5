"""Python imports found statically with the AST; the prototype's code is never imported.  (STUB)"""
from __future__ import annotations

import ast
from dataclasses import dataclass

from handoff_assistant.scan.refs import ImportRef
from handoff_assistant.scan.report import Finding


@dataclass(frozen=True)
class PythonImportScan:
    imports: tuple[ImportRef, ...]
    python3: bool = True  # False when the source only parses as Python 2 (line-based fallback used)


def find_imports(source: str) -> PythonImportScan:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return PythonImportScan((), python3=False)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [ImportRef(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(ImportRef(node.module, node.lineno))
    return PythonImportScan(tuple(found))


def python2_findings(scanned: PythonImportScan, path: str) -> list[Finding]:
    return []


def local_module_names(paths: list[str]) -> frozenset[str]:
    """Top-level names importable from the project itself (modules and packages at the root or in src/)."""
    names = set()
    for path in paths:
        parts = path.split("/")
        if parts[0] == "src":
            parts = parts[1:]
        if len(parts) == 1 and parts[0].endswith(".py"):
            names.add(parts[0][:-3])
        elif len(parts) > 1 and parts[-1] == "__init__.py" and len(parts) == 2:
            names.add(parts[0])
    return frozenset(names)
