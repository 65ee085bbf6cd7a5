"""The bundle package imports in one direction: no circle between its modules, not even a lazy import inside a
function or one under TYPE_CHECKING (issue 11: writer <-> inputs and entry_points <-> schedule were circles)."""
from __future__ import annotations

import ast
from pathlib import Path

import handoff_assistant.bundle

PACKAGE = "handoff_assistant.bundle"
FOLDER = Path(handoff_assistant.bundle.__file__).parent


def _imports(path: Path) -> set[str]:
    """Every module of the package that ``path`` imports, wherever the import statement is."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == PACKAGE:
            found |= {f"{PACKAGE}.{alias.name}" for alias in node.names if (FOLDER / f"{alias.name}.py").exists()}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PACKAGE + "."):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith(PACKAGE + ".")}
    return found


def _graph() -> dict[str, set[str]]:
    return {f"{PACKAGE}.{path.stem}": _imports(path) for path in FOLDER.glob("*.py") if path.stem != "__init__"}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    circles, done = [], set()

    def visit(module: str, trail: list[str]) -> None:
        for target in sorted(graph.get(module, ())):
            if target in trail:
                circles.append(trail[trail.index(target):] + [target])
            elif target not in done:
                visit(target, trail + [target])
        done.add(module)

    for module in sorted(graph):
        visit(module, [module])
    return circles


def test_the_bundle_modules_import_without_a_circle():
    assert _circles(_graph()) == []


def test_the_check_sees_a_circle():
    assert _circles({"a": {"b"}, "b": {"a"}}) == [["a", "b", "a"]]
