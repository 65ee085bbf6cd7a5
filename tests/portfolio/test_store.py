"""The SQLite history: schema version, migration from v1, damaged and newer databases."""
from __future__ import annotations

import dataclasses
import os
import sqlite3
import threading

import pytest

from handoff_assistant.portfolio.model import BUNDLE, ChecklistLine, Record, SectionValue
from handoff_assistant.portfolio.store import (CURRENT_VERSION, SCHEMA_V1, Store, StoreBusy, StoreError, data_dir,
                                               default_database_path, schema_version)
from tests.support.file_modes import python_obeying_file_modes

HANDOFF_IN_CHILD = "import sys\nfrom handoff_assistant.cli import main\nsys.exit(main())\n"

RECORD = Record(path="/drop/churn-1.zip", kind=BUNDLE, project="churn", owner="Ana", version="abc",
                created_at="2026-10-01T09:00:00+00:00", score=40.0, level="Not ready", weakest_section="security",
                blockers=("owner-named",), sections=(SectionValue("code", "Code", 80.0),
                                                     SectionValue("testing", "Testing", None)),
                items=(ChecklistLine("owner-named", "operations", "Owner named", "fail", ""),))


def test_the_database_lives_in_the_data_folder_from_the_environment(isolated_user_dirs):
    assert data_dir() == isolated_user_dirs / "data"
    with Store() as store:
        store.put(RECORD, 10, 20)
    assert default_database_path().is_file()


def test_a_new_database_is_at_the_current_version_and_round_trips_records(tmp_path):
    with Store(tmp_path / "p.sqlite3") as store:
        assert schema_version(store._db) == CURRENT_VERSION == 3
        store.put(RECORD, 10, 20)
        assert store.cached(RECORD.path, 10, 20) == RECORD
        assert store.cached(RECORD.path, 10, 21) is None
        assert store.bundles_of("churn") == [RECORD]


def test_migration_from_v1_keeps_records_adds_sources_and_the_checklist(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(SCHEMA_V1 + "PRAGMA user_version = 1;")
    old.execute("INSERT INTO records VALUES (?, ?, 10, 20, 'churn', 'Ana', 'abc', '2026-10-01T09:00:00+00:00', "
                "40.0, 'Not ready', 'security', '[\"owner-named\"]', "
                "'[[\"code\", \"Code\", 80.0], [\"testing\", \"Testing\", null]]', '')", (RECORD.path, BUNDLE))
    old.commit()
    old.close()
    with Store(path) as store:
        assert schema_version(store._db) == CURRENT_VERSION
        assert store.records() == [dataclasses.replace(RECORD, items=())]
        assert store.cached(RECORD.path, 10, 20) is None  # v3 marks old records stale: read again for the checklist
        store.put(RECORD, 10, 20)
        assert store.cached(RECORD.path, 10, 20) == RECORD
        store.add_source("/drop")
        store.add_source("/drop")
        assert store.sources() == ["/drop"]
        store.remove_source("/drop")
        assert store.sources() == []


def test_a_database_from_a_newer_app_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "new.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {CURRENT_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer Handoff Assistant.*delete the database"):
        Store(path)


def test_a_damaged_database_is_set_aside_and_started_again(tmp_path):
    path = tmp_path / "p.sqlite3"
    path.write_bytes(b"this is not SQLite at all" * 100)
    with Store(path) as store:
        assert store.records() == []
    assert (tmp_path / "p.sqlite3.damaged").read_bytes().startswith(b"this is not SQLite")


def _hold_write_lock(path, journal_mode):
    """Another writer (a second Handoff Assistant) in the middle of a transaction on ``path``."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute(f"PRAGMA journal_mode = {journal_mode}")
    if journal_mode == "WAL":
        other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("INSERT INTO sources (path, added_at) VALUES ('/other', 'now')")
    return other


@pytest.mark.parametrize("journal_mode", ["DELETE", "WAL"])
def test_a_database_locked_by_another_writer_is_busy_not_damaged_and_keeps_the_sources(tmp_path, journal_mode):
    # before the fix: after the wait, the locked file was renamed .damaged and the saved sources were lost
    path = tmp_path / "p.sqlite3"
    with Store(path) as store:
        store.add_source("/drop/bundles")
    other = _hold_write_lock(path, journal_mode)
    try:
        with pytest.raises(StoreBusy, match="busy: another Handoff Assistant.*nothing was changed"):
            Store(path, busy_timeout=0.05)
        assert not (tmp_path / "p.sqlite3.damaged").exists()
    finally:
        other.execute("ROLLBACK")
        other.close()
    with Store(path) as store:
        assert store.sources() == ["/drop/bundles"]


def test_the_store_waits_for_a_writer_that_finishes(tmp_path):
    path = tmp_path / "p.sqlite3"
    with Store(path) as store:
        store.add_source("/drop/bundles")
    other = _hold_write_lock(path, "DELETE")
    timer = threading.Timer(0.2, lambda: (other.execute("COMMIT"), other.close()))
    timer.start()
    try:
        with Store(path, busy_timeout=30) as store:
            assert store.sources() == ["/drop/bundles", "/other"]
    finally:
        timer.join()
    assert not (tmp_path / "p.sqlite3.damaged").exists()


def test_a_malformed_schema_page_fails_the_integrity_check_and_is_set_aside(tmp_path):
    path = tmp_path / "p.sqlite3"
    with Store(path) as store:
        store.add_source("/drop/bundles")
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)  # the schema page after SQLite's 100-byte header
    path.write_bytes(bytes(data))
    with Store(path) as store:
        assert store.sources() == []
    assert (tmp_path / "p.sqlite3.damaged").read_bytes()[100:110] == b"\xa5" * 10


def test_a_write_blocked_by_another_writer_is_busy_and_changes_nothing(tmp_path):
    # before: sqlite3.OperationalError 'database is locked' escaped (a traceback on the CLI)
    path = tmp_path / "p.sqlite3"
    with Store(path, busy_timeout=0.05) as store:
        store.add_source("/drop/bundles")
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # WAL: readers go on, a second writer waits
        try:
            assert store.sources() == ["/drop/bundles"]
            with pytest.raises(StoreBusy, match="busy"):
                store.add_source("/drop/more")
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert store.sources() == ["/drop/bundles"]


def test_a_database_with_the_right_version_but_wrong_tables_is_refused_with_what_to_do(tmp_path):
    """Failed before: Store opened it and the first query raised 'no such column: path' (a traceback)."""
    path = tmp_path / "p.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE records (x INTEGER)")
    db.execute(f"PRAGMA user_version = {CURRENT_VERSION}")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match=r"does not have the tables this app expects \(missing: records\.\w+.*"
                                         r"move it aside"):
        Store(path)
    assert not (tmp_path / "p.sqlite3.damaged").exists()
    db = sqlite3.connect(path)
    assert [row[1] for row in db.execute("PRAGMA table_info('records')")] == ["x"]  # left as it was
    db.close()


def test_a_data_folder_that_cannot_be_made_is_a_sentence(tmp_path):
    """Failed before: NotADirectoryError from mkdir reached the user."""
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(StoreError, match=r"the data folder .* cannot be made \(.+\); set HANDOFF_DATA_DIR"):
        Store(blocker / "data" / "portfolio.sqlite3")


@pytest.mark.parametrize("with_database", [False, True], ids=["empty", "holding-an-earlier-database"])
def test_a_read_only_data_folder_is_a_sentence(tmp_path, with_database):
    """A folder that is really read-only for the process (the child drops root's override of file modes): without
    the check, opening the database there ended in a traceback (FileNotFoundError while setting it aside)."""
    data = tmp_path / "data"
    data.mkdir()
    if with_database:
        Store(data / "portfolio.sqlite3").close()
    before = sorted(p.name for p in data.iterdir())
    (tmp_path / "landing").mkdir()
    data.chmod(0o555)
    try:
        done = python_obeying_file_modes(HANDOFF_IN_CHILD, "portfolio", str(tmp_path / "landing"),
                                         env={**os.environ, "HANDOFF_DATA_DIR": str(data)})
    finally:
        data.chmod(0o755)
    assert (done.returncode, done.stderr) == (2, f"handoff portfolio: the data folder {data} is read-only, so the "
                                                 "portfolio database cannot be kept there; set HANDOFF_DATA_DIR to "
                                                 "a folder you can write\n")
    assert sorted(p.name for p in data.iterdir()) == before