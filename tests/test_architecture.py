"""The core must stay Qt-free: nothing under handoff_assistant outside gui/ may import Qt."""
import ast
from pathlib import Path

import handoff_assistant

PACKAGE = Path(handoff_assistant.__file__).parent
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "qtpy")


def _imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_modules_do_not_import_qt():
    core_files = [p for p in PACKAGE.rglob("*.py") if "gui" not in p.relative_to(PACKAGE).parts
                  and "resources" not in p.relative_to(PACKAGE).parts]
    assert len(core_files) > 10
    offenders = {str(p.relative_to(PACKAGE)): sorted(_imported_top_levels(p) & set(QT_MODULES)) for p in core_files}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_check_itself_sees_a_qt_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from PySide6.QtCore import QObject\n")
    assert "PySide6" in _imported_top_levels(module)
