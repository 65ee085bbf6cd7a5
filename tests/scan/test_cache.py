"""The per-root cache of per-file analyses: hits, misses, location, versions and corrupt files."""
from __future__ import annotations

import dataclasses
import json
import os
import pickle
import stat
from pathlib import Path

import pytest

from handoff_assistant.scan import cache as cache_module
from handoff_assistant.scan.analysis import FileAnalysis
from handoff_assistant.scan.cache import ScanCache
from handoff_assistant.scan.files import FileEntry
from handoff_assistant.scan.refs import ImportRef, PipInstallRef, RPackageRef
from handoff_assistant.scan.report import ConfigRead, Finding, NotebookInfo, Problem, SkippedFile

CAP = 5_000_000
ENTRY = FileEntry("src/train.py", 120, 1_700_000_000_000_000_000)
ANALYSIS = FileAnalysis(
    path="src/train.py", language="Python", code_lines=7, imports=(ImportRef("pandas", 1),),
    findings=(Finding("path.user-home", "path", "high", "src/train.py", 3, "m", "f", snippet="'/Users/dana'"),),
)


def _saved(root, cache_dir, entries=((ENTRY, ANALYSIS),)):
    cache = ScanCache(root, cache_dir, CAP)
    for entry, analysis in entries:
        cache.put(entry, analysis)
    cache.save()
    return cache


def test_a_saved_analysis_is_found_by_path_size_and_mtime(tmp_path):
    _saved(tmp_path / "proj", tmp_path / "cache")
    cache = ScanCache(tmp_path / "proj", tmp_path / "cache", CAP)
    assert cache.get(ENTRY) == ANALYSIS
    assert cache.get(FileEntry(ENTRY.path, ENTRY.size + 1, ENTRY.mtime_ns)) is None
    assert cache.get(FileEntry(ENTRY.path, ENTRY.size, ENTRY.mtime_ns + 1)) is None
    assert cache.get(FileEntry("other.py", ENTRY.size, ENTRY.mtime_ns)) is None


def test_one_file_per_root_in_the_cache_dir_never_in_the_project(tmp_path):
    first = _saved(tmp_path / "a", tmp_path / "cache")
    second = _saved(tmp_path / "b", tmp_path / "cache")
    assert first.path.parent == second.path.parent == tmp_path / "cache" / "scans"
    assert first.path != second.path and first.path.is_file() and second.path.is_file()
    assert ScanCache(tmp_path / "b", tmp_path / "cache", CAP).get(ENTRY) == ANALYSIS
    assert sorted(p.name for p in first.path.parent.iterdir()) == sorted([first.path.name, second.path.name])


def test_the_cache_dir_comes_from_the_environment_when_not_given(tmp_path, monkeypatch):
    monkeypatch.setenv("HANDOFF_CACHE_DIR", str(tmp_path / "env-cache"))
    cache = _saved(tmp_path / "proj", None)
    assert cache.path.parent == tmp_path / "env-cache" / "scans"


def test_the_default_cache_dir_is_the_platform_user_cache(monkeypatch):
    monkeypatch.delenv("HANDOFF_CACHE_DIR")
    assert "handoff-assistant" in cache_module.default_cache_dir().parts


@pytest.mark.parametrize("garbage", [b"", b"not json", b"\x80\x05\x95garbage", b"\x80\x04K\x01.", b"[1, 2]",
                                     b'{"header": 1}', b'{"header": null, "entries": {"a": [1, 2, 3]}}'])
def test_a_corrupt_cache_is_ignored_and_rewritten(tmp_path, garbage):
    cache = ScanCache(tmp_path / "proj", tmp_path / "cache", CAP)
    cache.path.parent.mkdir(parents=True)
    cache.path.write_bytes(garbage)
    fresh = ScanCache(tmp_path / "proj", tmp_path / "cache", CAP)
    assert fresh.get(ENTRY) is None
    fresh.put(ENTRY, ANALYSIS)
    fresh.save()
    assert ScanCache(tmp_path / "proj", tmp_path / "cache", CAP).get(ENTRY) == ANALYSIS


@pytest.mark.parametrize("change", ["ANALYSIS_VERSION", "__version__", "_SCHEMA", "cap"])
def test_a_cache_from_another_version_or_cap_is_not_used(tmp_path, monkeypatch, change):
    _saved(tmp_path / "proj", tmp_path / "cache")
    cap = CAP
    if change == "cap":
        cap = CAP + 1
    else:
        monkeypatch.setattr(cache_module, change, "changed")
    assert ScanCache(tmp_path / "proj", tmp_path / "cache", cap).get(ENTRY) is None


def test_the_schema_signature_covers_nested_dataclasses():
    schema = cache_module._schema_of(FileAnalysis)
    assert "fingerprint" in schema["Finding"] and "optional" in schema["ImportRef"]
    assert set(schema) >= {"FileAnalysis", "NotebookInfo", "Problem", "SkippedFile", "RPackageRef"}


def test_files_not_seen_by_the_last_scan_are_dropped(tmp_path):
    gone = FileEntry("gone.py", 1, 1)
    _saved(tmp_path / "p", tmp_path / "c", [(ENTRY, ANALYSIS), (gone, FileAnalysis(path="gone.py"))])
    rescan = ScanCache(tmp_path / "p", tmp_path / "c", CAP)
    assert rescan.get(ENTRY) == ANALYSIS
    rescan.save()
    after = ScanCache(tmp_path / "p", tmp_path / "c", CAP)
    assert after.get(gone) is None and after.get(ENTRY) == ANALYSIS


def test_an_unchanged_rescan_does_not_rewrite_the_file_and_leaves_no_temporary(tmp_path):
    cache = _saved(tmp_path / "p", tmp_path / "c")
    written = cache.path.stat().st_mtime_ns
    rescan = ScanCache(tmp_path / "p", tmp_path / "c", CAP)
    rescan.get(ENTRY)
    rescan.save()
    assert cache.path.stat().st_mtime_ns == written
    assert [p.name for p in cache.path.parent.iterdir()] == [cache.path.name]


def test_an_unwritable_cache_dir_does_not_fail_the_scan(tmp_path):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("")
    cache = ScanCache(tmp_path / "p", blocker, CAP)
    cache.put(ENTRY, ANALYSIS)
    cache.save()
    assert not Path(cache.path).exists()


class _RunsCodeWhenUnpickled:
    """A pickle payload: unpickling it writes a marker file, as a planted cache could run anything."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "code ran"))


def test_a_planted_pickle_cache_is_never_executed_and_the_scan_analyses_afresh(tmp_path):
    """Failed before format 2: the cache was read with pickle.load, so a planted file ran its code."""
    marker = tmp_path / "ran"
    cache = ScanCache(tmp_path / "proj", tmp_path / "cache", CAP)
    cache.path.parent.mkdir(parents=True)
    payload = pickle.dumps(_RunsCodeWhenUnpickled(marker))
    for planted in (cache.path, cache.path.with_suffix(".pickle")):
        planted.write_bytes(payload)
        os.chmod(planted, 0o600)
    assert ScanCache(tmp_path / "proj", tmp_path / "cache", CAP).get(ENTRY) is None
    assert not marker.exists()


def test_the_cache_is_private_json_and_replaces_the_old_pickle(tmp_path):
    """Failed before format 2: the file was a world-readable pickle in a world-readable folder."""
    old = ScanCache(tmp_path / "proj", tmp_path / "cache", CAP).path.with_suffix(".pickle")
    old.parent.mkdir(parents=True, mode=0o755)
    old.write_bytes(b"format 1")
    cache = _saved(tmp_path / "proj", tmp_path / "cache")
    assert stat.S_IMODE(cache.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.path.parent.stat().st_mode) == 0o700
    assert json.loads(cache.path.read_text())["header"][0] == cache_module.CACHE_FORMAT == 2
    assert not old.exists()


def test_a_cache_file_others_can_write_is_ignored(tmp_path):
    cache = _saved(tmp_path / "proj", tmp_path / "cache")
    os.chmod(cache.path, 0o666)
    assert ScanCache(tmp_path / "proj", tmp_path / "cache", CAP).get(ENTRY) is None


def test_an_analysis_of_a_file_named_with_bytes_that_are_not_utf8_round_trips(tmp_path):
    name = b"bad\xff.py".decode("utf-8", "surrogateescape")
    entry = FileEntry(name, 3, 4)
    analysis = FileAnalysis(path=name, language="Python", findings=(Finding("path.user-home", "path", "high", name, 1,
                                                                            "m", "f", snippet="x"),))
    _saved(tmp_path / "proj", tmp_path / "cache", [(entry, analysis)])
    assert ScanCache(tmp_path / "proj", tmp_path / "cache", CAP).get(entry) == analysis


FULL = FileAnalysis(
    path="nb/explore.ipynb", language="Jupyter (Python)", code_lines=42,
    imports=(ImportRef("google.cloud", 2, cell=1, optional=True, names=("bigquery", "storage")),),
    pip_installs=(PipInstallRef("lightgbm==4.3.0", 1, cell=0),),
    r_packages=(RPackageRef("dplyr", 3, cell=2),),
    findings=(Finding("secret.password-assignment", "secret", "blocker", "nb/explore.ipynb", 4, "m", "f",
                      snippet="password = '****'", cell=3, fingerprint="abc123"),),
    notebook=NotebookInfo("nb/explore.ipynb", "python", "python3", 4, 9, 7, True, 1, (1, None, 3),
                          language_version="3.8.10"),
    problems=(Problem("nb/explore.ipynb", "partly analysed"),),
    skipped=SkippedFile("nb/explore.ipynb", "too-large", 123),
    written_files=("nb/helpers.py",),
    config_reads=(ConfigRead("DB_PASSWORD", "env", "nb/explore.ipynb", 5, cell=4),),
)


def test_every_field_of_an_analysis_round_trips(tmp_path):
    """The typed decoder rebuilds nested dataclasses, tuples, Optional and None inside tuples exactly."""
    unset = [f.name for f in dataclasses.fields(FileAnalysis) if getattr(FULL, f.name) == f.default]
    assert unset == []  # a new field must be given a value here, so this test covers it
    entry = FileEntry(FULL.path, 10, 20)
    _saved(tmp_path / "proj", tmp_path / "cache", [(entry, FULL), (ENTRY, ANALYSIS)])
    loaded = ScanCache(tmp_path / "proj", tmp_path / "cache", CAP)
    assert loaded.get(entry) == FULL and loaded.get(ENTRY) == ANALYSIS
    assert type(loaded.get(entry).notebook.execution_counts) is tuple
    assert hash(loaded.get(entry)) == hash(FULL)  # frozen dataclasses of tuples, as the scan made them


@pytest.mark.parametrize("field, wrong", [("code_lines", "7"), ("imports", [["pandas", "1"]]), ("findings", {}),
                                          ("language", 3), ("skipped", ["a", "b"])])
def test_a_cache_with_a_value_of_the_wrong_type_is_ignored(tmp_path, field, wrong):
    """Failed before: the generic JSON reader built FileAnalysis(code_lines="7") from a tampered cache."""
    cache = _saved(tmp_path / "proj", tmp_path / "cache")
    stored = json.loads(cache.path.read_text())
    stored["entries"][ENTRY.path][2][field] = wrong
    cache.path.write_text(json.dumps(stored))
    assert ScanCache(tmp_path / "proj", tmp_path / "cache", CAP).get(ENTRY) is None


def test_names_that_are_not_utf8_are_set_apart_and_the_rest_stays_in_the_fast_part(tmp_path):
    name = b"bad\xff.py".decode("utf-8", "surrogateescape")
    odd = (FileEntry(name, 3, 4), FileAnalysis(path=name, problems=(Problem(name, "cannot read"),)))
    cache = _saved(tmp_path / "proj", tmp_path / "cache", [odd, (ENTRY, ANALYSIS)])
    stored = json.loads(cache.path.read_text())
    assert list(stored["entries"]) == [ENTRY.path] and len(stored["escaped"]) == 1
    loaded = ScanCache(tmp_path / "proj", tmp_path / "cache", CAP)
    assert loaded.get(odd[0]) == odd[1] and loaded.get(ENTRY) == ANALYSIS

    # the set-apart entries are typed as strictly: failed before (the generic reader built code_lines="7")
    path, size, mtime, analysis = json.loads(stored["escaped"][0])
    analysis["code_lines"] = "7"
    stored["escaped"] = [json.dumps([path, size, mtime, analysis], ensure_ascii=True)]
    cache.path.write_text(json.dumps(stored))
    assert ScanCache(tmp_path / "proj", tmp_path / "cache", CAP).get(odd[0]) is None
