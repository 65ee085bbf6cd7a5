"""The fix engine's contract: a plan of edits the user previews and selects, and the record of an applied fix.

Everything here is plain frozen data (JSON through ``serialization``), so the CLI prints it, the GUI shows it
with checkboxes, and an ``AppliedFix`` written to the user data folder lets Undo work after a restart.
Secret values never appear: an edit's ``before`` of a secret is masked and a secret's ``ConfigEntry`` has no
default.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

CATEGORIES = ("paths", "hosts", "secrets")  # what ``plan_fixes(only=...)`` accepts
CATEGORY_OF_FINDING = {"path": "paths", "host": "hosts", "secret": "secrets"}
CONFIG = "config"  # a key read from the generated config.yml (environment variable overrides it)
ENV = "env"  # an environment variable only (secrets)


@dataclass(frozen=True)
class Edit:
    """One literal replaced by a read of a configuration key (or, in a config file, by an env reference)."""

    id: str  # stable across rescans: the fingerprint of the finding it fixes
    fingerprint: str  # the finding it fixes (the first when one literal carries several findings)
    category: str  # "paths", "hosts" or "secrets"
    line: int  # 1-based; within the cell for notebooks
    cell: Optional[int]  # 0-based notebook cell, None for other files
    key: str  # the configuration key or environment variable it reads
    description: str  # one sentence for people
    before: str  # the replaced text, a secret masked
    after: str  # the replacement text
    fingerprints: tuple[str, ...] = ()  # every finding this edit resolves
    column: int = 0  # 0-based start column of ``before`` on ``line``
    end_line: int = 0
    end_column: int = 0
    language: str = ""  # "python", "r", "shell", "sql", "yaml", "ini", "toml"


@dataclass(frozen=True)
class FileFix:
    """The edits of one file; ``generated`` files (config.yml, .env.example, the loader) follow the selection."""

    path: str  # posix, relative to the project root
    original_sha256: str  # "" when the file does not exist yet
    edits: tuple[Edit, ...] = ()
    created: bool = False
    generated: bool = False


@dataclass(frozen=True)
class ConfigEntry:
    key: str  # config.yml key (snake_case) or environment variable (UPPER_CASE)
    kind: str  # CONFIG or ENV
    default: Optional[str]  # the value on this machine; None for secrets, never the value
    description: str
    used_in: tuple[str, ...] = ()  # location_text of each use
    stays_in: str = ""  # a configuration file (settings.yaml) whose value stays there as this key's value


@dataclass(frozen=True)
class Unfixable:
    fingerprint: str
    file: str
    line: int
    reason: str
    cell: Optional[int] = None


@dataclass(frozen=True)
class FixPlan:
    root: str
    files: tuple[FileFix, ...] = ()
    config_entries: tuple[ConfigEntry, ...] = ()
    unfixable: tuple[Unfixable, ...] = ()
    notes: tuple[str, ...] = ()  # what the user must do by hand (rotate exposed secrets, ...)

    @property
    def edits(self) -> tuple[Edit, ...]:
        return tuple(edit for fix in self.files for edit in fix.edits if not fix.generated)

    def file(self, path: str) -> FileFix:
        for fix in self.files:
            if fix.path == path:
                return fix
        raise KeyError(path)

    def text_after(self, path: str, selected_edit_ids: Optional[frozenset[str]] = None) -> str:
        """The file as it would be with only the selected edits applied (all when None)."""
        from handoff_assistant.fix.render import text_after

        return text_after(self, path, selected_edit_ids)

    def text_before(self, path: str) -> str:
        from handoff_assistant.fix.render import text_before

        return text_before(self, path)


@dataclass(frozen=True)
class TouchedFile:
    path: str  # posix, relative to the root
    created: bool  # did not exist before the fix: Undo removes it
    backup: str  # file name inside the record's backup folder ("" for created files)
    sha256_after: str  # what apply wrote; Undo refuses when the file changed since


@dataclass(frozen=True)
class AppliedFix:
    id: str  # "20261205-001500-1a2b3c"
    root: str  # absolute project folder
    applied_at: str  # ISO 8601 UTC
    backup_dir: str  # absolute folder holding the backups and record.json
    files: tuple[TouchedFile, ...] = ()
    edit_ids: tuple[str, ...] = ()
    config_entries: tuple[ConfigEntry, ...] = ()


class FixError(Exception):
    """A fix or an undo that cannot be done; the message says why in one sentence."""


ApplyProgress = Callable[[int, int, str], None]
