"""Hostile archives, full disks and killed builds: a sentence and a clean folder, never a traceback
(issue 11, item 10)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from handoff_assistant.bundle import BundleError, BundleOptions, verify_bundle
from handoff_assistant.bundle.options import UnsafeBundleError
from handoff_assistant.bundle.reader import checked_members, open_bundle
from handoff_assistant.bundle.staging import PREFIX, STALE_AFTER_SECONDS, clean_stale, new_staging
from handoff_assistant.bundle.writer import write_bundle
from tests.bundle.helpers import inputs_for

REPO = Path(__file__).resolve().parents[2]


def _file_and_folder_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("handoff-manifest.json", '{"files": []}')
        archive.writestr("code/model", "a file")
        archive.writestr("code/model/weights.txt", "a file inside a folder of the same name")
    return path


def test_a_file_and_a_folder_of_the_same_name_are_refused_before_anything_is_written(tmp_path):
    """Failed before: extraction stopped with NotADirectoryError (a traceback) after writing part of it."""
    archive = _file_and_folder_zip(tmp_path / "clash.zip")
    with zipfile.ZipFile(archive) as opened, pytest.raises(UnsafeBundleError, match="code/model.*is both a file "
                                                                                   "and a folder in the archive"):
        checked_members(opened)
    with pytest.raises(BundleError, match="is both a file and a folder"):
        open_bundle(archive, extract_to=tmp_path / "out")
    assert not (tmp_path / "out").exists()
    result = verify_bundle(archive)
    assert not result.ok and "is both a file and a folder in the archive" in result.problems[0]


_FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as ENOSPC would
resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
from handoff_assistant.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="a file-size limit (RLIMIT_FSIZE) stands for a full disk")
def test_a_disk_that_fills_while_extracting_is_one_line_and_leaves_nothing(project, tmp_path):
    """Failed before: the OSError of the failing write reached the user as a traceback."""
    (project / "tinyscore" / "big_table.py").write_text("ROWS = [\n" + f"    '{'x' * 60}',\n" * 6000 + "]\n")
    bundle = write_bundle(inputs_for(project), BundleOptions(tmp_path / "out", zip=True, engine="installed")).path
    work = tmp_path / "work"
    done = subprocess.run([sys.executable, "-c", _FULL_DISK, "verify", str(bundle), "--run-tests", "--yes",
                           "--workdir", str(work)], capture_output=True, text=True, timeout=300, cwd=REPO)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    error = [line for line in done.stderr.splitlines() if line.startswith("handoff verify: The bundle")]
    assert len(error) == 1 and "could not be extracted into" in error[0] and "File too large" in error[0]
    assert error[0].endswith("what was extracted was removed.")
    assert [p for p in work.rglob("*") if p.is_file()] == []


def test_a_build_killed_with_sigkill_leaves_a_folder_the_next_build_removes(project, tmp_path):
    """Failed before: the .handoff-partial-* folder of a killed build stayed for ever."""
    out = tmp_path / "out"
    build = subprocess.Popen([sys.executable, "-m", "handoff_assistant", "bundle", str(project), "-o", str(out),
                              "--engine", "installed", "--allow-not-ready", "test"], cwd=REPO,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    partial = []
    for _ in range(3000):
        partial = list(out.glob(f"{PREFIX}*")) if out.exists() else []
        if partial or build.poll() is not None:
            break
        time.sleep(0.01)
    build.send_signal(signal.SIGKILL)
    build.wait()
    if not partial:
        pytest.fail("the build finished before it could be killed; nothing was tested")
    assert all(p.exists() for p in partial)  # what a SIGKILL leaves
    result = write_bundle(inputs_for(project), BundleOptions(out, zip=True, engine="installed"))
    assert not list(out.glob(f"{PREFIX}*"))
    assert f"Removed what interrupted builds left in {out.resolve()}: {partial[0].name}." in result.warnings


def test_staging_folders_of_running_builds_and_recent_foreign_ones_stay(tmp_path):
    alive = tmp_path / f"{PREFIX}{_this_host()}-{os.getppid()}-abc123"  # the process that runs the tests
    alive.mkdir()
    ours = new_staging(tmp_path)
    foreign = tmp_path / f"{PREFIX}otherhost-123-abc"
    foreign.mkdir()
    legacy_old = tmp_path / f"{PREFIX}k2j3h4"
    legacy_old.mkdir()
    past = time.time() - STALE_AFTER_SECONDS - 60
    os.utime(legacy_old, (past, past))
    outside = tmp_path / "keep-me"
    outside.mkdir()
    assert clean_stale(tmp_path) == (legacy_old.name,)
    assert alive.is_dir() and ours.is_dir() and foreign.is_dir() and outside.is_dir()
    assert clean_stale(tmp_path, now=time.time() + STALE_AFTER_SECONDS + 120) == (foreign.name,)


def _this_host() -> str:
    return new_staging.__globals__["_host"]()
