"""Dependencies declared in project files other than requirements*.txt: environment.yml, pyproject.toml
(PEP 621, PEP 735 groups and Poetry), setup.cfg, setup.py (parsed with ``ast``, never run) and Pipfile.

Each reader takes the file's path and text and returns what it declares, or a problem saying why not.
"""
from __future__ import annotations

import ast
import configparser
import re
import sys
from dataclasses import dataclass
from typing import Any, Iterable, Optional

import yaml

from handoff_assistant.scan.report import Problem
from handoff_assistant.scan.requirement_specs import (DeclaredRequirement, conda_spec, parse_requirement,
                                                      poetry_to_pep440, python_constraint_to_marker)
from handoff_assistant.scan.requirements_txt import Reader, RequirementsRead, read_requirement_lines

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

# conda package names that are not Python distributions, or that PyPI knows under another name.
CONDA_NOT_PYTHON = frozenset({
    "python", "pip", "r", "r-base", "nodejs", "openjdk", "cudatoolkit", "cuda", "cudnn", "mkl", "blas", "openblas",
    "compilers", "c-compiler", "cxx-compiler", "gcc", "ca-certificates", "openssl", "conda", "git", "graphviz",
    "_libgcc_mutex", "_openmp_mutex",
})
CONDA_SYSTEM_LIBRARY = re.compile(r"^lib(gcc|stdcxx|gfortran|blas|cblas|lapack|ffi|zlib|uuid|iconv|xml2|sqlite|curl)")
CONDA_TO_PYPI = {
    "pytorch": "torch", "pytorch-cpu": "torch", "pytorch-gpu": "torch", "py-xgboost": "xgboost",
    "py-opencv": "opencv-python", "opencv": "opencv-python", "matplotlib-base": "matplotlib", "pytables": "tables",
    "pyqt": "PyQt5", "python-graphviz": "graphviz", "msgpack-python": "msgpack", "gdal": "GDAL",
}
PIPFILE_MARKER_KEYS = ("os_name", "sys_platform", "platform_machine", "platform_system", "python_version",
                       "python_full_version", "implementation_name", "platform_python_implementation")


@dataclass(frozen=True)
class FileDeclarations:
    requirements: tuple[DeclaredRequirement, ...] = ()
    problems: tuple[Problem, ...] = ()
    declares: bool = False  # the file has a dependency section (even an empty one)


class _Lines:
    """Line numbers of values in a file whose parser does not keep them (TOML, configparser)."""

    def __init__(self, text: str) -> None:
        self._text = text

    def section(self, header: str) -> int:
        found = re.search(rf"^\s*\[\s*{re.escape(header)}\s*\]", self._text, re.MULTILINE)
        return found.start() if found else 0

    def of(self, needle: str, after: int = 0) -> int:
        index = self._text.find(needle, after)
        index = self._text.find(needle) if index < 0 else index
        return self._text.count("\n", 0, index) + 1 if index >= 0 else 1

    def of_key(self, key: str, after: int = 0) -> int:
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", re.MULTILINE | re.IGNORECASE)
        found = pattern.search(self._text, after) or pattern.search(self._text)
        return self._text.count("\n", 0, found.start()) + 1 if found else 1


def _strings(value: Any, path: str, where: str, problems: list[Problem]) -> list[str]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    problems.append(Problem(path, f"{where} should be a list of requirement strings"))
    return []


def _parse_all(texts: Iterable[str], path: str, lines: _Lines, after: int, group: str,
               problems: list[Problem]) -> list[DeclaredRequirement]:
    found = []
    for text in texts:
        number = lines.of(text, after)
        try:
            found.append(parse_requirement(text, path, number, group))
        except ValueError as error:
            problems.append(Problem(path, f"line {number}: {error}"))
    return found


def read_pyproject(path: str, text: str) -> FileDeclarations:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return FileDeclarations(problems=(Problem(path, f"not valid TOML ({error}); its dependencies were not read"),))
    lines, problems, found = _Lines(text), [], []
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    start = lines.section("project")
    if "dependencies" in project:
        deps = _strings(project["dependencies"], path, "[project] dependencies", problems)
        found += _parse_all(deps, path, lines, start, "main", problems)
    for extra, items in _table(project.get("optional-dependencies")).items():
        section = lines.section("project.optional-dependencies")
        deps = _strings(items, path, f"optional-dependencies {extra}", problems)
        found += _parse_all(deps, path, lines, section, f"optional:{extra}", problems)
    for group, items in _table(data.get("dependency-groups")).items():
        deps = [i for i in items if isinstance(i, str)] if isinstance(items, list) else []
        found += _parse_all(deps, path, lines, lines.section("dependency-groups"), f"group:{group}", problems)
    poetry = _table(_table(data.get("tool")).get("poetry"))
    found += _poetry(poetry, path, lines, problems)
    declares = ("dependencies" in project or "optional-dependencies" in project or "dependency-groups" in data
                or "dependencies" in poetry)
    return FileDeclarations(tuple(found), tuple(problems), declares)


def _table(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _poetry(poetry: dict, path: str, lines: _Lines, problems: list[Problem]) -> list[DeclaredRequirement]:
    sections = [("tool.poetry.dependencies", poetry.get("dependencies"), "main"),
                ("tool.poetry.dev-dependencies", poetry.get("dev-dependencies"), "dev")]
    for name, group in _table(poetry.get("group")).items():
        header = f"tool.poetry.group.{name}.dependencies"
        sections.append((header, _table(group).get("dependencies"), "dev" if name == "dev" else f"group:{name}"))
    found = []
    for header, table, group in sections:
        start = lines.section(header)
        for name, value in _table(table).items():
            if name.lower() == "python":
                continue
            number = lines.of_key(name, start)
            for entry in value if isinstance(value, list) else [value]:
                try:
                    found.append(_poetry_requirement(name, entry, path, number, group))
                except ValueError as error:
                    problems.append(Problem(path, f"line {number}: {name}: {error}"))
    return found


def _poetry_requirement(name: str, value: Any, path: str, line: int, group: str) -> DeclaredRequirement:
    if isinstance(value, str):
        return DeclaredRequirement(name, poetry_to_pep440(value), path, line, group=group)
    if not isinstance(value, dict):
        raise ValueError("expected a version string or a table")
    markers = [m for m in (python_constraint_to_marker(value["python"]) if "python" in value else None,
                           value.get("markers")) if m]
    marker = " and ".join(f"({m})" if len(markers) > 1 else m for m in markers) or None
    url = _poetry_url(value)
    spec = "" if url else poetry_to_pep440(str(value.get("version", "*")))
    extras = tuple(sorted(str(e) for e in value.get("extras", ())))
    return DeclaredRequirement(name, spec, path, line, marker, url, "optional" if value.get("optional") else group,
                               extras)


def _poetry_url(value: dict) -> Optional[str]:
    if "git" in value:
        ref = value.get("rev") or value.get("tag") or value.get("branch")
        return f"git+{value['git']}" + (f"@{ref}" if ref else "")
    return value.get("url") or value.get("path") or value.get("file")


def read_pipfile(path: str, text: str) -> FileDeclarations:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return FileDeclarations(problems=(Problem(path, f"not valid TOML ({error}); its dependencies were not read"),))
    lines, found, problems = _Lines(text), [], []
    for section, group in (("packages", "main"), ("dev-packages", "dev")):
        start = lines.section(section)
        for name, value in _table(data.get(section)).items():
            number = lines.of_key(name, start)
            try:
                found.append(_pipfile_requirement(name, value, path, number, group))
            except ValueError as error:
                problems.append(Problem(path, f"line {number}: {name}: {error}"))
    return FileDeclarations(tuple(found), tuple(problems), "packages" in data or "dev-packages" in data)


def _pipfile_requirement(name: str, value: Any, path: str, line: int, group: str) -> DeclaredRequirement:
    table = value if isinstance(value, dict) else {"version": value}
    markers = [str(table["markers"])] if "markers" in table else []
    markers += [f"{key} {table[key]}" for key in PIPFILE_MARKER_KEYS if key in table]
    marker = " and ".join(f"({m})" if len(markers) > 1 else m for m in markers) or None
    url = f"git+{table['git']}" + (f"@{table['ref']}" if "ref" in table else "") if "git" in table else \
        table.get("file") or table.get("path")
    version = str(table.get("version", "*")).strip()
    spec = "" if url or version == "*" else version
    extras = "[" + ",".join(table["extras"]) + "]" if table.get("extras") else ""
    checked = parse_requirement(f"{name}{extras}{spec}" + (f"; {marker}" if marker else ""), path, line, group)
    return DeclaredRequirement(checked.name, checked.spec, path, line, checked.marker, url, group, checked.extras)


def read_setup_cfg(path: str, text: str) -> FileDeclarations:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=path)
    except configparser.Error as error:
        reason = str(error).splitlines()[0]
        return FileDeclarations(problems=(Problem(path, f"cannot be read as setup.cfg ({reason})"),))
    lines, found, problems = _Lines(text), [], []
    install = parser.get("options", "install_requires", fallback=None)
    if install is not None:
        found += _parse_all(_cfg_list(install), path, lines, lines.section("options"), "main", problems)
    extras_section = "options.extras_require"
    if parser.has_section(extras_section):
        for extra, value in parser.items(extras_section):
            found += _parse_all(_cfg_list(value), path, lines, lines.section(extras_section), f"optional:{extra}",
                                problems)
    return FileDeclarations(tuple(found), tuple(problems), install is not None or parser.has_section(extras_section))


def _cfg_list(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip() and not line.strip().startswith("#")]


def read_setup_py(path: str, text: str) -> FileDeclarations:
    """``install_requires``/``extras_require`` given as literals (or names bound to literals); never executed."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError) as error:
        return FileDeclarations(problems=(Problem(path, f"cannot be parsed as Python ({error}); "
                                                        f"its dependencies were not read"),))
    names = {t.id: node.value for node in tree.body if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name)}
    found, problems, declares = [], [], False
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call) and _callee(n.func) == "setup"):
        for keyword in call.keywords:
            if keyword.arg == "install_requires":
                declares = True
                found += _setup_list(keyword.value, names, path, "main", problems)
            elif keyword.arg == "extras_require":
                declares = True
                found += _setup_extras(keyword.value, names, path, problems)
    return FileDeclarations(tuple(found), tuple(problems), declares)


def _callee(func: ast.expr) -> Optional[str]:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _literal_items(node: ast.expr, names: dict[str, ast.expr], depth: int = 0) -> Optional[list[ast.expr]]:
    if depth > 10:
        return None
    if isinstance(node, ast.Name) and node.id in names:
        return _literal_items(names[node.id], names, depth + 1)
    if isinstance(node, (ast.List, ast.Tuple)):
        return list(node.elts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal_items(node.left, names, depth + 1), _literal_items(node.right, names, depth + 1)
        return None if left is None or right is None else left + right
    return None


def _setup_list(node: ast.expr, names: dict[str, ast.expr], path: str, group: str,
                problems: list[Problem]) -> list[DeclaredRequirement]:
    items = _literal_items(node, names)
    if items is None or not all(isinstance(i, ast.Constant) and isinstance(i.value, str) for i in items):
        problems.append(Problem(path, f"line {node.lineno}: the requirements are computed when setup.py runs, "
                                      f"so they were not read; list them in requirements.txt or pyproject.toml"))
        return []
    found = []
    for item in items:
        try:
            found.append(parse_requirement(item.value, path, item.lineno, group))
        except ValueError as error:
            problems.append(Problem(path, f"line {item.lineno}: {error}"))
    return found


def _setup_extras(node: ast.expr, names: dict[str, ast.expr], path: str,
                  problems: list[Problem]) -> list[DeclaredRequirement]:
    node = names.get(node.id, node) if isinstance(node, ast.Name) else node
    if not isinstance(node, ast.Dict):
        problems.append(Problem(path, f"line {node.lineno}: extras_require is computed when setup.py runs, "
                                      f"so it was not read"))
        return []
    found = []
    for key, value in zip(node.keys, node.values):
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            found += _setup_list(value, names, path, f"optional:{key.value}", problems)
    return found


def read_environment_yml(path: str, text: str, read: Reader, into: RequirementsRead) -> bool:
    """Conda dependencies and the ``pip:`` sub-list into ``into``; False when the file is not a conda env."""
    try:
        document = yaml.compose(text)
    except yaml.YAMLError as error:
        into.problems.append(Problem(path, f"not valid YAML ({str(error).splitlines()[0]}); not read"))
        return False
    dependencies = _yaml_value(document, "dependencies")
    if not isinstance(dependencies, yaml.SequenceNode):
        return False
    for item in dependencies.value:
        if isinstance(item, yaml.ScalarNode):
            _add_conda(item.value, path, item.start_mark.line + 1, into)
        pip_list = _yaml_value(item, "pip")
        if isinstance(pip_list, yaml.SequenceNode):
            pip_lines = [(n.start_mark.line + 1, n.value) for n in pip_list.value if isinstance(n, yaml.ScalarNode)]
            read_requirement_lines(path, pip_lines, read, into)
    return True


def _yaml_value(node: Any, key: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node
    return None


def _add_conda(text: str, path: str, line: int, into: RequirementsRead) -> None:
    try:
        name, spec = conda_spec(text)
    except ValueError as error:
        into.problems.append(Problem(path, f"line {line}: {error}"))
        return
    name = CONDA_TO_PYPI.get(name.lower(), name)
    if name.lower() in CONDA_NOT_PYTHON or name.lower().startswith("r-") or CONDA_SYSTEM_LIBRARY.match(name):
        return
    into.requirements.append(DeclaredRequirement(name, spec, path, line))
