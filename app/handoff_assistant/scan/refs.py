"""References to things found at a place in a file; the raw material the scan aggregates."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class ImportRef:
    module: str  # full dotted name as written: "google.cloud.bigquery"
    line: int
    cell: Optional[int] = None
    optional: bool = False  # inside try/except ImportError or `if TYPE_CHECKING`
    names: tuple[str, ...] = ()  # `from module import a, b`: ("a", "b"); each may be a submodule (google.cloud)


@dataclass(frozen=True)
class PipInstallRef:
    requirement: str  # as written after `pip install`: "lightgbm==4.3.0"
    line: int
    cell: Optional[int] = None


@dataclass(frozen=True)
class RPackageRef:
    name: str
    line: int
    cell: Optional[int] = None
