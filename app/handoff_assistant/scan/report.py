"""The scan's output: plain frozen dataclasses that serialise to JSON (see docs/scan-report.md)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, is_dataclass, replace
from functools import lru_cache
from typing import Any, Optional

from handoff_assistant.serialization import from_jsonable, to_jsonable

SCHEMA_VERSION = 1

# Severities, most serious first; the order is used for sorting everywhere.
SEVERITIES = ("critical", "high", "medium", "low", "info")
# Finding categories.
CATEGORIES = ("secret", "path", "host", "network", "workdir", "notebook", "code", "data")
# Dependency statuses.
USED_DECLARED = "used-declared"
USED_UNDECLARED = "used-undeclared"
DECLARED_UNUSED = "declared-unused"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class TargetEnvironment:
    """The data scientist's interpreter, as it answered in a subprocess (never the app's own)."""

    python_version: str  # "3.11.7"; "" when no interpreter answered
    platform: str  # sys.platform of the target: "linux", "darwin", "win32"
    machine: str  # platform.machine(): "x86_64", "arm64"
    interpreter: str  # absolute path, "" when none
    source: str  # "project-env", "--python", "PATH", "none"
    distributions_count: int = 0


@dataclass(frozen=True)
class SourceRef:
    file: str  # posix path relative to the root
    line: int  # 1-based; within the cell for notebooks
    cell: Optional[int] = None  # 0-based cell index for notebooks


def location_text(file: str, line: int, cell: Optional[int] = None) -> str:
    """How every output names a place: ``churn/data.py:6``, or ``nb.ipynb cell 5:2`` (cells counted from 1).
    A secret in the file's name is masked (``shown_path``)."""
    file = shown_path(file)
    return f"{file} cell {cell + 1}:{line}" if cell is not None else f"{file}:{line}"


@lru_cache(maxsize=4096)
def shown_path(path: str) -> str:
    """How every output shows a file name: a secret in any part masked as ``secret.in-file-name`` findings show
    it (``token_ghp_****.txt``). The report keeps the real names, which the bundle and fixes act on."""
    from handoff_assistant.scan.findings.file_names import masked_path  # that package imports this module

    return masked_path(path)


# The report's fields that hold file names ("declared_in" holds "requirements.txt:3").
_PATH_FIELDS = frozenset({"path", "file", "dirty", "untracked", "declared_in"})


def shown_report(report: "ScanReport") -> "ScanReport":
    """The report as outputs show it (JSON, SARIF, text, HTML): every file name through ``shown_path``."""
    return _shown(report)


def _shown(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_shown(item) for item in value)
    if not is_dataclass(value):
        return value
    changes = {}
    for member in fields(value):
        current = getattr(value, member.name)
        if member.name in _PATH_FIELDS and isinstance(current, str):
            shown = shown_path(current)
        elif member.name in _PATH_FIELDS and isinstance(current, tuple):
            shown = tuple(shown_path(item) if isinstance(item, str) else item for item in current)
        else:
            shown = _shown(current)
        if shown != current:
            changes[member.name] = shown
    return replace(value, **changes) if changes else value


@dataclass(frozen=True)
class SkippedFile:
    path: str
    # "binary", "too-large", "ignored-dir", "link-outside-root", "link-loop", "broken-link", "link-to-folder",
    # "not-a-regular-file" (FIFO, socket, device); see scan/files.py; "handoff-output" (a report this app
    # wrote, e.g. a CI job's scan.sarif; see scan/own_outputs.py)
    reason: str
    size: int = 0


@dataclass(frozen=True)
class DataFile:
    """A file that should not travel with the code (large or a data format); bundles list it by hash."""

    path: str
    size: int
    kind: str  # "large", "data", "binary"


@dataclass(frozen=True)
class FileSummary:
    count: int  # files considered (after ignores)
    bytes: int
    analysed: int  # files whose text was analysed
    skipped: tuple[SkippedFile, ...] = ()
    data_files: tuple[DataFile, ...] = ()
    listing: str = "walk"  # "git" (tracked + untracked-not-ignored) or "walk" (default ignores)


@dataclass(frozen=True)
class LanguageStat:
    name: str
    files: int
    code_lines: int


@dataclass(frozen=True)
class Dependency:
    """One third-party Python distribution (or an unknown import name) the project uses or declares."""

    distribution: Optional[str]  # None when the import is unknown
    import_names: tuple[str, ...]
    status: str  # USED_DECLARED, USED_UNDECLARED, DECLARED_UNUSED, UNKNOWN
    declared_spec: Optional[str] = None  # e.g. ">=1.5" or "==1.3.2"
    declared_in: tuple[str, ...] = ()  # "requirements.txt:3"
    installed_version: Optional[str] = None
    sources: tuple[SourceRef, ...] = ()
    optional: bool = False  # every use is inside try/except ImportError or TYPE_CHECKING
    candidates: tuple[str, ...] = ()  # alternatives when the import name maps to several distributions
    marker: Optional[str] = None  # PEP 508 marker, e.g. "sys_platform == 'win32'"
    resolved_by: str = ""  # "environment", "import-map", "declared", "pip-install", "project-file", "suggested"
    pip_installed_in: tuple[SourceRef, ...] = ()  # `%pip install X` / `!pip install X` lines
    suggestion: Optional[str] = None  # unknown import: the knowledge base's clear pick, to accept in handoff.yaml


@dataclass(frozen=True)
class RPackage:
    name: str
    sources: tuple[SourceRef, ...] = ()
    base: bool = False  # ships with R itself
    version: Optional[str] = None  # from renv.lock or DESCRIPTION when known
    declared_in: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    rule: str  # e.g. "path.user-home", "secret.password-assignment"
    category: str  # one of CATEGORIES
    severity: str  # one of SEVERITIES
    file: str
    line: int
    message: str
    fix: str
    snippet: str = ""  # the line with any secret masked
    cell: Optional[int] = None
    fingerprint: str = ""  # stable across unrelated edits: rule + file + cell + normalised masked snippet


@dataclass(frozen=True)
class ConfigRead:
    """A configuration key or environment variable the code reads (see scan/config_reads.py)."""

    key: str  # config key as written ("data_dir") or environment variable ("DB_PASSWORD")
    kind: str  # "config" (handoff_config.get, config::get), "env" (os.environ, Sys.getenv, ${NAME}),
    #            "env-example" (a name listed in .env.example: a secret by declaration)
    file: str
    line: int
    cell: Optional[int] = None


@dataclass(frozen=True)
class NotebookInfo:
    path: str
    language: str  # kernelspec language: "python", "R", ...
    kernel: str  # kernelspec name
    nbformat: int
    cells: int
    code_cells: int
    out_of_order: bool
    errors: int  # cells with error outputs
    execution_counts: tuple[Optional[int], ...] = ()
    language_version: str = ""  # metadata.language_info.version, e.g. "3.8.10"


@dataclass(frozen=True)
class PythonVersionSource:
    """One place that says which Python the project runs on (see scan/python_version.py)."""

    version: str  # as written: "3.8", "3.8.10", ">=3.9,<3.12"
    source: str  # ".python-version", "runtime.txt", "environment.yml", "pyproject.toml", "notebook", "interpreter"
    file: str  # the file it was read from, or the interpreter's path


@dataclass(frozen=True)
class GitState:
    is_repo: bool
    branch: Optional[str] = None
    commit: Optional[str] = None
    dirty: tuple[str, ...] = ()  # modified/staged tracked files
    untracked: tuple[str, ...] = ()
    remote: Optional[str] = None  # credentials stripped
    last_commit_date: Optional[str] = None  # ISO 8601


@dataclass(frozen=True)
class Problem:
    """Something the scan could not read; the scan went on without it."""

    file: str
    reason: str


@dataclass(frozen=True)
class DeclaredFile:
    path: str
    kind: str  # "requirements", "environment.yml", "pyproject", "setup.cfg", "setup.py", "Pipfile", ...


@dataclass(frozen=True)
class ScanReport:
    root: str
    scanned_at: str  # ISO 8601 UTC
    tool_version: str
    target: TargetEnvironment
    files: FileSummary
    languages: tuple[LanguageStat, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    r_packages: tuple[RPackage, ...] = ()
    findings: tuple[Finding, ...] = ()
    notebooks: tuple[NotebookInfo, ...] = ()
    git: GitState = field(default_factory=lambda: GitState(is_repo=False))
    problems: tuple[Problem, ...] = ()
    declared_files: tuple[DeclaredFile, ...] = ()
    lock_files: tuple[str, ...] = ()  # uv.lock, poetry.lock, Pipfile.lock, renv.lock present
    config_reads: tuple[ConfigRead, ...] = ()  # the configuration the code reads
    python_versions: tuple[PythonVersionSource, ...] = ()  # in order of precedence; see scan/python_version.py
    schema_version: int = SCHEMA_VERSION

    def to_dict(self) -> dict:
        return to_jsonable(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=False)

    @classmethod
    def from_dict(cls, data: dict) -> "ScanReport":
        return from_jsonable(cls, data)
