"""What the checklist needs from the folder beyond the scan report: README, tests, licence, secret files,
seeds, print calls, entry scripts.

Gathered read-only from the same file list the scan uses, once per scan (cached by root and scan time), so
``assess`` stays fast when the GUI re-runs it on every click. Prototype code is parsed, never imported.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from fnmatch import fnmatch
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Iterator, Optional

from handoff_assistant.scan import notebooks
from handoff_assistant.scan.files import list_files
from handoff_assistant.scan.report import ScanReport, location_text
from handoff_assistant.tasks import CancelToken

MAX_PARSE_BYTES = 1024 * 1024
SECRET_FILE_PATTERNS = (
    ".env", ".env.*", "*.pem", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore", "*.kdbx", "id_rsa", "id_dsa",
    "id_ecdsa", "id_ed25519", ".netrc", ".pgpass", ".htpasswd", "credentials", "credentials.json",
    "client_secret*.json", "*service-account*.json", "*service_account*.json", "secrets.json", "secrets.yaml",
    "secrets.yml", "secrets.toml",
)
SECRET_FILE_TEMPLATES = ("*.example", "*.sample", "*.template", "*.dist", "*.tmpl")
_README = re.compile(r"^readme(\.(md|rst|txt|markdown))?$", re.IGNORECASE)
_LICENCE = re.compile(r"^(licen[cs]e|copying)(\.\w+)?$", re.IGNORECASE)
_MAIN_GUARD = re.compile(r"^if\s+__name__\s*==\s*['\"]__main__['\"]\s*:", re.MULTILINE)
_RANDOM_CALL = re.compile(
    r"^(train_test_split|\w*KFold|\w*ShuffleSplit|RandomForest\w*|ExtraTrees\w*|(Hist)?GradientBoosting\w*|"
    r"DecisionTree\w*|LGBM\w*|XGB\w*|CatBoost\w*|KMeans|MiniBatchKMeans|TSNE|UMAP|MLP\w*|SGD\w*|"
    r"RandomizedSearchCV|IsolationForest|Bagging\w*|shuffle|sample|permutation|default_rng)$")
_SEED_KEYWORDS = {"random_state", "seed", "random_seed", "rng"}
_R_RANDOM = re.compile(r"\b(sample|runif|rnorm|rbinom|randomForest|createDataPartition|kmeans|initial_split)\s*\(")
_R_SEED = re.compile(r"\bset\.seed\s*\(")
# Only the records the scan does not read itself (scan/python_version.py reads .python-version, runtime.txt,
# environment.yml and pyproject's requires-python, for the target Python): a second reading of those gave the
# checklist the same fact twice. pyproject.toml stays for Poetry's `python = "^3.10"`; the rule drops a file the
# scan already named.
_PYTHON_VERSION_FILES = {
    ".tool-versions": re.compile(r"^python\s+(\S+)", re.MULTILINE),
    "pyproject.toml": re.compile(r"^(?:requires-python|python)\s*=\s*[\"']([^\"']+)", re.MULTILINE),
    "setup.cfg": re.compile(r"^python_requires\s*=\s*(\S+)", re.MULTILINE),
    "Pipfile": re.compile(r"^python_version\s*=\s*\"([^\"]+)", re.MULTILINE),
}


@dataclass(frozen=True)
class MainScript:
    path: str  # "churn/score.py"
    command: str  # "python -m churn.score" or "python train.py"


@dataclass(frozen=True)
class ProjectFacts:
    readable: bool  # False when the folder could not be listed (items that need it become unknown)
    paths: frozenset[str] = frozenset()
    readme: Optional[str] = None
    readme_text: str = ""
    licence_files: tuple[str, ...] = ()
    test_files: tuple[str, ...] = ()
    secret_files: tuple[str, ...] = ()
    python_version_sources: tuple[str, ...] = ()  # ".python-version: 3.11"
    main_scripts: tuple[MainScript, ...] = ()
    python_modules: tuple[str, ...] = ()  # .py files outside tests
    print_calls: tuple[str, ...] = ()  # "churn/data.py:21"
    random_calls: tuple[str, ...] = ()  # every call that draws random numbers: "churn/train.py:24 train_test_split()"
    unseeded_calls: tuple[str, ...] = ()  # the ones with no seed in the call or its file
    seeded_files: tuple[str, ...] = field(default=())


def project_facts(report: ScanReport) -> ProjectFacts:
    """Facts for the folder a report was made from, cached per scan.

    The key adds the tree's size to the scan time (whole seconds), so a rescan within the same second after
    an edit does not reuse stale facts.
    """
    return _cached_facts(report.root, report.scanned_at, report.files.count, report.files.bytes)


@lru_cache(maxsize=8)
def _cached_facts(root: str, scanned_at: str, file_count: int, total_bytes: int) -> ProjectFacts:
    return gather_facts(Path(root))


def gather_facts(root: Path) -> ProjectFacts:
    if not root.is_dir():
        return ProjectFacts(readable=False)
    try:
        paths = tuple(entry.path for entry in list_files(root, CancelToken()).entries)
    except OSError:
        return ProjectFacts(readable=False)
    top_level = [p for p in paths if "/" not in p]
    readme = next((p for p in sorted(top_level) if _README.match(p)), None)
    tests = tuple(p for p in paths if _is_test_file(p))
    modules = tuple(p for p in paths if p.endswith(".py") and p not in tests)
    sources = _SourceFacts.collect(root, paths, set(tests))
    return ProjectFacts(
        readable=True,
        paths=frozenset(paths),
        readme=readme,
        readme_text=_read(root / readme) if readme else "",
        licence_files=tuple(p for p in top_level if _LICENCE.match(p)),
        test_files=tests,
        secret_files=tuple(p for p in paths if is_secret_file(p)),
        python_version_sources=_python_version_sources(root, top_level),
        main_scripts=tuple(_main_script(root, p, set(paths)) for p in modules if _has_main_guard(root, p)),
        python_modules=modules,
        print_calls=tuple(sources.print_calls),
        random_calls=tuple(sources.random_calls),
        unseeded_calls=tuple(sources.unseeded_calls),
        seeded_files=tuple(sources.seeded_files),
    )


def is_secret_file(path: str) -> bool:
    """A file that holds credentials by its nature (.env, key files, credential JSON); templates are not."""
    name = PurePosixPath(path).name.lower()
    if any(fnmatch(name, pattern) for pattern in SECRET_FILE_TEMPLATES):
        return False
    return any(fnmatch(name, pattern) for pattern in SECRET_FILE_PATTERNS)


def _is_test_file(path: str) -> bool:
    pure = PurePosixPath(path)
    if pure.suffix.lower() not in (".py", ".r"):
        return False
    in_test_dir = any(part.lower() in ("tests", "test", "testthat") for part in pure.parts[:-1])
    name = pure.name.lower()
    return in_test_dir or name.startswith(("test_", "test-")) or name.endswith(("_test.py", "_test.r"))


def _read(path: Path, limit: int = MAX_PARSE_BYTES) -> str:
    try:
        with path.open("rb") as handle:
            return handle.read(limit).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _python_version_sources(root: Path, top_level: list[str]) -> tuple[str, ...]:
    found = []
    for name in sorted(top_level):
        pattern = _PYTHON_VERSION_FILES.get(name)
        match = pattern.search(_read(root / name)) if pattern else None
        if match:
            found.append(f"{name}: {match.group(1)}")
    return tuple(found)


def _has_main_guard(root: Path, path: str) -> bool:
    return PurePosixPath(path).name == "__main__.py" or bool(_MAIN_GUARD.search(_read(root / path)))


def _main_script(root: Path, path: str, paths: set[str]) -> MainScript:
    """``python -m pkg.mod`` when the file sits in a package at the top, else ``python path``."""
    pure = PurePosixPath(path)
    parents = list(pure.parents)[:-1]
    in_packages = all(f"{parent.as_posix()}/__init__.py" in paths for parent in parents)
    if parents and in_packages:
        module = ".".join(pure.with_suffix("").parts)
        return MainScript(path, f"python -m {module.removesuffix('.__main__')}")
    return MainScript(path, f"python {path}")


class _SourceFacts:
    """print() calls in modules, and calls that draw random numbers with or without a seed."""

    def __init__(self) -> None:
        self.print_calls: list[str] = []
        self.random_calls: list[str] = []
        self.unseeded_calls: list[str] = []
        self.seeded_files: list[str] = []

    @classmethod
    def collect(cls, root: Path, paths: tuple[str, ...], tests: set[str]) -> "_SourceFacts":
        facts = cls()
        for path in paths:
            suffix = PurePosixPath(path).suffix.lower()
            if suffix == ".py":
                facts._python_file(path, [(None, _read(root / path))], count_prints=path not in tests)
            elif suffix == ".ipynb":
                facts._python_file(path, list(_notebook_cells(_read(root / path))), count_prints=False)
            elif suffix in (".r", ".rmd", ".qmd"):
                facts._r_file(path, _read(root / path))
        return facts

    def _python_file(self, path: str, cells: list[tuple[Optional[int], str]], count_prints: bool) -> None:
        calls: list[tuple[str, bool]] = []
        file_seeded = False
        for cell, source in cells:
            tree = _parse(source)
            if tree is None:
                continue
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = _call_name(node.func)
                where = location_text(path, node.lineno, cell)
                if count_prints and name == "print" and isinstance(node.func, ast.Name):
                    self.print_calls.append(where)
                if name.endswith("seed") or name == "seed_everything":
                    file_seeded = True
                elif _RANDOM_CALL.match(name):
                    calls.append((f"{where} {name}()", _call_has_seed(node)))
        self._record(path, calls, file_seeded)

    def _r_file(self, path: str, text: str) -> None:
        calls = [(f"{path}:{text.count(chr(10), 0, m.start()) + 1} {m.group(1)}()", False)
                 for m in _R_RANDOM.finditer(text)]
        self._record(path, calls, bool(_R_SEED.search(text)))

    def _record(self, path: str, calls: list[tuple[str, bool]], file_seeded: bool) -> None:
        if file_seeded:
            self.seeded_files.append(path)
        self.random_calls += [where for where, _ in calls]
        if not file_seeded:
            self.unseeded_calls += [where for where, seeded in calls if not seeded]


def _notebook_cells(text: str) -> Iterator[tuple[Optional[int], str]]:
    try:
        notebook = notebooks.parse_notebook(text)
    except notebooks.NotebookError:
        return
    if not notebook.is_python:
        return
    for cell in notebook.code_cells():
        prepared = notebooks.prepare_python_cell(cell.source)
        if prepared.is_python:
            yield cell.index, prepared.python_source


def _parse(source: str) -> Optional[ast.AST]:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def _call_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _call_has_seed(node: ast.Call) -> bool:
    if _call_name(node.func) == "default_rng":
        return bool(node.args) or any(k.arg == "seed" for k in node.keywords)
    return any(k.arg in _SEED_KEYWORDS and not _is_none(k.value) for k in node.keywords)


def _is_none(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and value.value is None
