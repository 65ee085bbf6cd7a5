"""The portfolio's memory: a SQLite index of every bundle and project folder seen, in the user's data folder.

It makes a restart instant and keeps the lead's sources, but holds nothing the bundles do not: delete
the file and a refresh rebuilds the same rows. Records are keyed by path and reused while the file's
size and mtime are unchanged. The schema version is SQLite's ``user_version``; ``MIGRATIONS`` brings
any older database to the current version in one transaction.
"""
from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from functools import wraps
from typing import Callable, Optional, TypeVar


from handoff_assistant.portfolio.model import BUNDLE, ChecklistLine, Record, SectionValue
from handoff_assistant.user_data import user_data_dir

DATABASE_NAME = "portfolio.sqlite3"

SCHEMA_V1 = """
CREATE TABLE records (
    path TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    project TEXT NOT NULL,
    owner TEXT NOT NULL,
    version TEXT NOT NULL,
    created_at TEXT NOT NULL,
    score REAL,
    level TEXT NOT NULL,
    weakest_section TEXT,
    blockers TEXT NOT NULL,
    sections TEXT NOT NULL,
    error TEXT NOT NULL
);
"""

_V2 = """
CREATE TABLE sources (path TEXT PRIMARY KEY, added_at TEXT NOT NULL);
CREATE INDEX records_by_project ON records (project, created_at);
"""

# v3: records keep the checklist; older records are marked stale so the next refresh reads them again
_V3 = """
ALTER TABLE records ADD COLUMN items TEXT NOT NULL DEFAULT '[]';
UPDATE records SET mtime_ns = -1;
"""

# version reached -> script that brings the previous version to it
MIGRATIONS: dict[int, str] = {1: SCHEMA_V1, 2: _V2, 3: _V3}
CURRENT_VERSION = max(MIGRATIONS)

_COLUMNS = ("path", "kind", "size", "mtime_ns", "project", "owner", "version", "created_at", "score", "level",
            "weakest_section", "blockers", "sections", "error", "items")


# Another Handoff Assistant (the GUI and the CLI at once) may be writing: wait this long per attempt.
BUSY_TIMEOUT_S = 5.0
OPEN_ATTEMPTS = 3
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6


class StoreError(Exception):
    """The database cannot be used (newer schema than this app knows); the message says what to do."""


class StoreBusy(StoreError):
    """Another program holds the database's lock for longer than we wait; nothing was changed."""


def data_dir() -> Path:
    """The user's data folder (HANDOFF_DATA_DIR overrides it, e.g. in tests)."""
    return user_data_dir()


def default_database_path() -> Path:
    return data_dir() / DATABASE_NAME


F = TypeVar("F", bound=Callable)


def _busy_is_store_busy(method: F) -> F:
    """A lock held past the busy timeout while reading or writing is ``StoreBusy`` (a sentence), not a traceback;
    any other database error (a read-only file, a table changed by another program) is a ``StoreError``."""
    @wraps(method)
    def guarded(self: "Store", *args: object, **kwargs: object) -> object:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as error:
            if _is_busy(error):
                raise _busy(self.path) from error
            raise StoreError(f"the portfolio database {self.path} could not be used ({error}); "
                             "it was left as it is") from error
    return guarded  # type: ignore[return-value]


class Store:
    """One connection to the portfolio database; use as a context manager."""

    def __init__(self, path: Optional[Path] = None, busy_timeout: float = BUSY_TIMEOUT_S) -> None:
        self.path = Path(path) if path else default_database_path()
        _usable_folder(self.path.parent)
        self._db = _connect_or_set_aside(self.path, busy_timeout)
        try:
            migrate(self._db)
            _check_tables(self._db, self.path)
        except StoreError:
            self._db.close()
            raise
        except sqlite3.Error as error:
            self._db.close()
            if _is_busy(error):
                raise _busy(self.path) from error
            raise StoreError(f"the portfolio database {self.path} could not be used ({error}); "
                             "it was left as it is") from error

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @_busy_is_store_busy
    def cached(self, path: Path, size: int, mtime_ns: int) -> Optional[Record]:
        row = self._db.execute("SELECT * FROM records WHERE path = ? AND size = ? AND mtime_ns = ?",
                               (str(path), size, mtime_ns)).fetchone()
        return _record(row) if row else None

    @_busy_is_store_busy
    def put(self, record: Record, size: int, mtime_ns: int) -> None:
        values = (record.path, record.kind, size, mtime_ns, record.project, record.owner, record.version,
                  record.created_at, record.score, record.level, record.weakest_section,
                  json.dumps(record.blockers), json.dumps([[s.id, s.title, s.score] for s in record.sections]),
                  record.error, json.dumps([[i.id, i.section, i.title, i.status, i.note] for i in record.items]))
        with self._db:
            self._db.execute(f"INSERT OR REPLACE INTO records ({', '.join(_COLUMNS)}) "
                             f"VALUES ({', '.join('?' * len(_COLUMNS))})", values)

    @_busy_is_store_busy
    def forget_missing(self, exists: Callable[[Path], bool] = Path.exists) -> int:
        """Drop records whose file or folder is gone; returns how many."""
        gone = [p for (p,) in self._db.execute("SELECT path FROM records") if not exists(Path(p))]
        with self._db:
            self._db.executemany("DELETE FROM records WHERE path = ?", [(p,) for p in gone])
        return len(gone)

    @_busy_is_store_busy
    def records(self) -> list[Record]:
        return [_record(r) for r in self._db.execute("SELECT * FROM records ORDER BY project, created_at, path")]

    @_busy_is_store_busy
    def bundles_of(self, project: str) -> list[Record]:
        """Every readable bundle of one project, oldest first."""
        rows = self._db.execute("SELECT * FROM records WHERE project = ? AND kind = ? AND error = '' "
                                "ORDER BY created_at, path", (project, BUNDLE))
        return [_record(r) for r in rows]

    @_busy_is_store_busy
    def sources(self) -> list[str]:
        return [p for (p,) in self._db.execute("SELECT path FROM sources ORDER BY added_at, path")]

    @_busy_is_store_busy
    def add_source(self, path: Path | str) -> None:
        with self._db:
            self._db.execute("INSERT OR IGNORE INTO sources (path, added_at) VALUES (?, ?)",
                             (str(path), datetime.now(timezone.utc).isoformat(timespec="seconds")))

    @_busy_is_store_busy
    def remove_source(self, path: Path | str) -> None:
        with self._db:
            self._db.execute("DELETE FROM sources WHERE path = ?", (str(path),))


def schema_version(db: sqlite3.Connection) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite3.Connection) -> int:
    """Bring ``db`` to ``CURRENT_VERSION``; returns the version it started at."""
    start = schema_version(db)
    if start > CURRENT_VERSION:
        raise StoreError(f"the portfolio database was written by a newer Handoff Assistant (schema {start}); "
                         f"update the app or delete the database to rebuild it from the bundles")
    for version in range(start + 1, CURRENT_VERSION + 1):
        try:
            db.executescript(f"BEGIN; {MIGRATIONS[version]} PRAGMA user_version = {version}; COMMIT;")
        except sqlite3.Error:
            db.rollback()
            raise
    return start


def _usable_folder(folder: Path) -> None:
    """The data folder exists (made if need be) and the app can write in it; a ``StoreError`` otherwise."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"the data folder {folder} cannot be made ({error.strerror or error}); "
                         "set HANDOFF_DATA_DIR to a folder you can write") from error
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(f"the data folder {folder} is read-only, so the portfolio database cannot be kept there; "
                         "set HANDOFF_DATA_DIR to a folder you can write")


def _expected_columns() -> dict[str, set[str]]:
    """The tables and columns the migrations make, read from a database built in memory."""
    db = sqlite3.connect(":memory:")
    try:
        for version in sorted(MIGRATIONS):
            db.executescript(MIGRATIONS[version])
        return _columns(db)
    finally:
        db.close()


def _columns(db: sqlite3.Connection) -> dict[str, set[str]]:
    tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {table: {row[1] for row in db.execute(f"PRAGMA table_info('{table}')")} for table in tables}


def _check_tables(db: sqlite3.Connection, path: Path) -> None:
    """A database whose version number is right but whose tables are not (made or changed by another program)
    is refused with what to do, before any query fails on a missing column."""
    found = _columns(db)
    missing: list[str] = []
    for table, columns in _expected_columns().items():
        if table not in found:
            missing.append(table)
        else:
            missing += [f"{table}.{column}" for column in sorted(columns - found[table])]
    if missing:
        raise StoreError(f"the portfolio database {path} does not have the tables this app expects (missing: "
                         f"{', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}); it was left as it is: move "
                         "it aside and the portfolio is rebuilt from the bundles (only the saved folder list is lost)")


def _connect_or_set_aside(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """Open the database, waiting for another writer; set a file aside (``*.damaged``) only when it is corrupt.

    A locked database is busy, not damaged: after ``OPEN_ATTEMPTS`` waits it is ``StoreBusy`` and the file,
    with the lead's saved sources, is left as it is. A file SQLite cannot open for another reason is checked
    with ``PRAGMA integrity_check`` first; only a corrupt one is renamed and a new one started (the bundles
    hold the truth).
    """
    for _ in range(OPEN_ATTEMPTS):
        try:
            return _connect(path, busy_timeout)
        except sqlite3.DatabaseError as error:
            if _is_busy(error):
                continue
            if not _is_corrupt(path, busy_timeout):
                raise StoreError(f"the portfolio database {path} cannot be opened ({error}); "
                                 "it was left as it is") from error
            os.replace(path, path.with_name(path.name + ".damaged"))
            return _connect(path, busy_timeout)
    raise _busy(path)


def _is_busy(error: sqlite3.Error) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
    return "locked" in str(error) or "busy" in str(error)


def _is_corrupt(path: Path, busy_timeout: float) -> bool:
    """True when SQLite says the file is not a database or its integrity check fails; a lock raises StoreBusy."""
    try:
        db = sqlite3.connect(path, timeout=busy_timeout)
    except sqlite3.DatabaseError as error:
        return not _is_busy(error)
    try:
        verdict = db.execute("PRAGMA integrity_check(1)").fetchone()
    except sqlite3.DatabaseError as error:
        if _is_busy(error):
            raise _busy(path) from error
        return True
    finally:
        db.close()
    return verdict is None or verdict[0] != "ok"


def _busy(path: Path) -> StoreBusy:
    return StoreBusy(f"the portfolio database {path} is busy: another Handoff Assistant is writing to it; "
                     "try again when it is done (nothing was changed)")


def _connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """WAL with normal sync: a crash may lose the last records, which the next refresh reads again."""
    db = sqlite3.connect(path, timeout=busy_timeout, check_same_thread=False)
    try:
        db.row_factory = sqlite3.Row
        db.execute("SELECT name FROM sqlite_master").fetchall()
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


def _record(row: sqlite3.Row) -> Record:
    return Record(path=row["path"], kind=row["kind"], project=row["project"], owner=row["owner"],
                  version=row["version"], created_at=row["created_at"], score=row["score"], level=row["level"],
                  weakest_section=row["weakest_section"], blockers=tuple(json.loads(row["blockers"])),
                  sections=tuple(SectionValue(i, t, s) for i, t, s in json.loads(row["sections"])),
                  items=tuple(ChecklistLine(*line) for line in json.loads(row["items"])), error=row["error"])
