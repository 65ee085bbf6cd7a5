"""scan_project as a whole: progress, cancel, cache, data files, git-aware listing, and read-only scanning."""
from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import os
import signal

import git
import pytest

from handoff_assistant.scan import ScanOptions, scan_project
from handoff_assistant.scan import analysis as analysis_module
from handoff_assistant.tasks import Cancelled, CancelToken
from tests.support.cancel import seconds_to_cancel

AUTHOR = git.Actor("Dana Scientist", "dana@example.com")


def _tree_digest(folder):
    """Names, sizes, mtimes and contents of every file and folder under ``folder``, .git included."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        stat = path.lstat()
        digest.update(f"{path.relative_to(folder)}:{stat.st_mode}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        if path.is_file() and not path.is_symlink():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _generate(root, count):
    for index in range(count):
        folder = root / f"pkg{index // 500:03d}"
        folder.mkdir(exist_ok=True)
        (folder / f"m{index:05d}.py").write_text(f"import requests\nimport os\nx = {index}\n" * 5)


def _without_time(report):
    return dataclasses.replace(report, scanned_at="")


def test_a_scan_writes_nothing_into_the_folder_or_its_git_directory(sample_copy):
    files = [p.relative_to(sample_copy).as_posix() for p in sample_copy.rglob("*") if p.is_file()]
    repo = git.Repo.init(sample_copy)
    repo.index.add(files)
    repo.index.commit("prototype", author=AUTHOR, committer=AUTHOR)
    (sample_copy / "scratch.py").write_text("import requests\n")
    os.utime(sample_copy / "README.md", (1_600_000_000, 1_600_000_000))  # tempts `git status` to write the index
    before = _tree_digest(sample_copy)
    cold = scan_project(sample_copy)
    warm = scan_project(sample_copy)
    assert _tree_digest(sample_copy) == before
    assert cold.git.is_repo and cold.files.listing == "git" and "scratch.py" in cold.git.untracked
    assert _without_time(warm) == _without_time(cold)


def test_a_warm_rescan_takes_results_from_the_cache_and_notices_a_change(tmp_path, monkeypatch):
    _generate(tmp_path, 30)
    analysed = []
    original = analysis_module.analyse_file

    def counting(root, entry, max_text_bytes):
        analysed.append(entry.path)
        return original(root, entry, max_text_bytes)

    monkeypatch.setattr("handoff_assistant.scan.per_file.analyse_file", counting)
    cold = scan_project(tmp_path)
    assert len(analysed) == 30
    analysed.clear()
    warm = scan_project(tmp_path)
    assert analysed == [] and _without_time(warm) == _without_time(cold)
    (tmp_path / "pkg000" / "m00003.py").write_text("import pandas\n")
    changed = scan_project(tmp_path)
    assert analysed == ["pkg000/m00003.py"]
    assert "pandas" in {d.distribution for d in changed.dependencies}
    analysed.clear()
    scan_project(tmp_path, ScanOptions(use_cache=False))
    assert len(analysed) == 30


def test_the_cache_lives_in_the_user_cache_folder(tmp_path, isolated_user_dirs):
    (tmp_path / "a.py").write_text("x = 1\n")
    scan_project(tmp_path)
    assert len(list((isolated_user_dirs / "cache" / "scans").glob("*.json"))) == 1
    scan_project(tmp_path, ScanOptions(cache_dir=tmp_path.parent / "elsewhere"))
    assert len(list((tmp_path.parent / "elsewhere" / "scans").glob("*.json"))) == 1


def test_progress_arrives_as_it_goes_with_increasing_counts_and_file_names(tmp_path):
    _generate(tmp_path, 40)
    calls = []
    scan_project(tmp_path, progress=lambda done, total, message: calls.append((done, total, message)))
    counted = [(done, total, message) for done, total, message in calls if total]
    dones = [done for done, _, _ in counted]
    assert dones == sorted(dones) and dones[-1] == 40
    assert {total for _, total, _ in counted} == {40}
    assert counted[0] == (0, 40, "pkg000/m00000.py")


def test_cancel_from_another_thread_stops_the_scan_within_a_second(tmp_path):
    _generate(tmp_path, 3000)
    assert seconds_to_cancel(tmp_path, lambda done, total, message: bool(total)) < 1.0


def test_a_cancelled_listing_stops_before_analysis(tmp_path):
    _generate(tmp_path, 5)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        scan_project(tmp_path, cancel=token)


def test_data_files_are_listed_in_the_summary(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.parquet").write_bytes(b"PAR1" + b"\0" * (2 * 1024 * 1024))
    (tmp_path / "data" / "lookup.csv").write_text("a,b\n1,2\n")
    (tmp_path / "dump.sql").write_text("SELECT 1;\n" * 700_000)
    report = scan_project(tmp_path, ScanOptions(max_text_bytes=5_000_000))
    assert [(d.path, d.kind) for d in report.files.data_files] == [
        ("data/train.parquet", "data"), ("dump.sql", "large")]
    assert {s.path: s.reason for s in report.files.skipped} == {
        "data/train.parquet": "binary", "dump.sql": "too-large"}
    assert report.files.analysed == 1


def test_worker_processes_give_the_same_report_as_one_process(tmp_path):
    _generate(tmp_path, 60)
    (tmp_path / "broken.ipynb").write_text('{"cells": [')
    serial = scan_project(tmp_path, ScanOptions(use_cache=False, workers=1))
    parallel = scan_project(tmp_path, ScanOptions(use_cache=False, workers=2))
    assert _without_time(parallel) == _without_time(serial)
    assert [p.file for p in parallel.problems] == ["broken.ipynb"]


def test_a_detector_that_crashes_costs_one_file_not_the_scan(tmp_path, monkeypatch):
    (tmp_path / "a.py").write_text("import requests\n")
    (tmp_path / "b.R").write_text("library(dplyr)\n")

    def crash(text, language):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("handoff_assistant.scan.r_packages.find_r_packages", crash)
    report = scan_project(tmp_path, ScanOptions(use_cache=False, workers=1))
    assert [(p.file, p.reason.split(" (")[0]) for p in report.problems] == [("b.R", "could not be analysed")]
    assert "RecursionError" in report.problems[0].reason
    assert "requests" in {d.distribution for d in report.dependencies}


def test_a_killed_worker_process_does_not_hang_or_fail_the_scan(tmp_path, caplog):
    _generate(tmp_path, 400)
    serial = scan_project(tmp_path, ScanOptions(use_cache=False, workers=1))
    killed = []

    def kill_a_worker(done, total, message):
        workers = multiprocessing.active_children()
        if total and not killed and workers:
            os.kill(workers[0].pid, signal.SIGKILL)
            killed.append(workers[0].pid)

    report = scan_project(tmp_path, ScanOptions(use_cache=False, workers=2), kill_a_worker)
    assert killed and caplog.text.count("worker process stopped") == 1
    assert _without_time(report) == _without_time(serial)
