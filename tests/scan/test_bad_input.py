"""Bad input never stops a scan: each kind lands in skipped files or problems with a reason."""
from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
import time
import tracemalloc

import pytest

from handoff_assistant.readiness.assess import assess
from handoff_assistant.readiness.model import FAIL, UNKNOWN
from handoff_assistant.scan import ScanError, ScanOptions, scan_project
from tests.support.file_modes import python_obeying_file_modes

SCAN_IN_CHILD = """
import json, sys
from handoff_assistant.scan import ScanOptions, scan_project
report = scan_project(sys.argv[1], ScanOptions(use_cache=False))
print(json.dumps({"problems": [[p.file, p.reason] for p in report.problems],
                  "deps": sorted(d.distribution or "" for d in report.dependencies)}))
"""


def _scan(root, **options):
    return scan_project(root, ScanOptions(**options))


def _dependency_files(report, distribution):
    return {source.file for dep in report.dependencies if dep.distribution == distribution for source in dep.sources}


def _skipped(report):
    return {s.path: s.reason for s in report.files.skipped}


def test_permission_denied_file_and_folder_become_problems(tmp_path):
    (tmp_path / "readable.py").write_text("import requests\n")
    (tmp_path / "locked.py").write_text("import pandas\n")
    (tmp_path / "locked.py").chmod(0o000)
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "inner.py").write_text("import numpy\n")
    (tmp_path / "private").chmod(0o000)
    try:
        result = _scan_without_permission_override(tmp_path)
    finally:
        (tmp_path / "private").chmod(0o755)
    problems = dict(result["problems"])
    assert problems["locked.py"] == "cannot read: Permission denied"
    assert problems["private"] == "cannot list folder: Permission denied"
    assert "requests" in result["deps"] and "pandas" not in result["deps"] and "numpy" not in result["deps"]


def _scan_without_permission_override(root):
    """Scan in a child process that obeys file modes (tests run as root, which ignores them)."""
    completed = python_obeying_file_modes(SCAN_IN_CHILD, str(root))
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_a_fifo_does_not_hang_the_scan(tmp_path):
    os.mkfifo(tmp_path / "stream.py")
    (tmp_path / "ok.py").write_text("import requests\n")
    report = _scan(tmp_path)
    assert _skipped(report) == {"stream.py": "not-a-regular-file"}
    assert _dependency_files(report, "requests") == {"ok.py"}


@pytest.mark.parametrize("name, encode", [
    ("latin1.py", lambda text: text.encode("latin-1")),
    ("cp1252.py", lambda text: ("# “smart quotes” — 5 €\n" + text).encode("cp1252")),
    ("utf16le.py", lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le")),
    ("utf16be.py", lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be")),
    ("utf8sig.py", lambda text: codecs.BOM_UTF8 + text.encode("utf-8")),
])
def test_mis_encoded_files_are_decoded_and_analysed(tmp_path, name, encode):
    text = 'import requests\nDATA = "/home/françois/données.csv"\n'
    (tmp_path / name).write_bytes(encode(text))
    report = _scan(tmp_path)
    assert _dependency_files(report, "requests") == {name}
    assert [(f.rule, f.file) for f in report.findings] == [("path.user-home", name)]
    assert "/home/françois/données.csv" in report.findings[0].snippet
    assert [(lang.name, lang.files) for lang in report.languages] == [("Python", 1)]
    assert report.problems == () and report.files.skipped == ()


def test_a_cp1252_r_script_is_decoded(tmp_path):
    (tmp_path / "plots.R").write_bytes("# Größe – €\nlibrary(ggplot2)\n".encode("cp1252"))
    report = _scan(tmp_path)
    assert [p.name for p in report.r_packages] == ["ggplot2"]


def test_a_200_mb_file_is_reported_as_large_data_without_being_read(tmp_path):
    big = tmp_path / "data" / "events.csv"
    big.parent.mkdir()
    with open(big, "wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: costs no disk and no time to create
    (tmp_path / "etl.py").write_text("import requests\n")
    tracemalloc.start()
    try:
        report = _scan(tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024
    assert [(d.path, d.size, d.kind) for d in report.files.data_files] == [
        ("data/events.csv", 200 * 1024 * 1024, "large")]
    assert _skipped(report) == {"data/events.csv": "too-large"}
    assert (report.files.count, report.files.bytes) == (2, 200 * 1024 * 1024 + len("import requests\n"))


def test_a_binary_file_named_py_is_skipped(tmp_path):
    (tmp_path / "model.py").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)) + b"import pandas\n")
    (tmp_path / "real.py").write_text("import requests\n")
    report = _scan(tmp_path)
    assert _skipped(report) == {"model.py": "binary"}
    assert _dependency_files(report, "pandas") == set()
    assert [(lang.name, lang.files) for lang in report.languages] == [("Python", 1)]


def test_link_loops_and_links_out_of_the_root_are_skipped(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "leak.py").write_text("import pandas\n")
    (root / "main.py").write_text("import requests\n")
    (root / "outside.py").symlink_to(outside / "leak.py")
    (root / "outside_dir").symlink_to(outside)
    (root / "loop").symlink_to(root / "loop")
    (root / "nested").mkdir()
    (root / "nested" / "back").symlink_to(root)
    report = _scan(root)
    assert _skipped(report) == {"outside.py": "link-outside-root", "outside_dir": "link-outside-root",
                                "loop": "link-loop", "nested/back": "link-loop"}
    assert _dependency_files(report, "pandas") == set()
    assert _dependency_files(report, "requests") == {"main.py"}


def test_an_empty_folder_gives_an_empty_report(tmp_path):
    report = _scan(tmp_path)
    assert (report.files.count, report.files.bytes, report.files.analysed) == (0, 0, 0)
    assert report.languages == () and report.problems == () and report.files.data_files == ()


def test_a_missing_path_is_a_scan_error_with_a_clear_message(tmp_path):
    with pytest.raises(ScanError, match="does not exist"):
        scan_project(tmp_path / "nope")


def test_a_file_instead_of_a_folder_is_a_scan_error(tmp_path):
    (tmp_path / "train.py").write_text("x = 1\n")
    with pytest.raises(ScanError, match="is a file, not a folder"):
        scan_project(tmp_path / "train.py")


def test_a_truncated_notebook_lands_in_problems(tmp_path):
    text = json.dumps({"cells": [{"cell_type": "code", "source": "import pandas", "outputs": []}],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    (tmp_path / "broken.ipynb").write_text(text[: len(text) // 2])
    (tmp_path / "ok.py").write_text("import requests\n")
    report = _scan(tmp_path)
    (problem,) = report.problems
    assert problem.file == "broken.ipynb" and "JSON" in problem.reason
    assert _dependency_files(report, "requests") == {"ok.py"}


@pytest.mark.slow
def test_fifty_thousand_files(tmp_path):
    for folder in range(100):
        directory = tmp_path / f"pkg{folder:03d}"
        directory.mkdir()
        for index in range(500):
            (directory / f"m{index:03d}.py").write_text("import requests\n")
    started = time.monotonic()
    report = _scan(tmp_path)
    assert report.files.count == 50_000
    assert [(lang.name, lang.files, lang.code_lines) for lang in report.languages] == [("Python", 50_000, 50_000)]
    assert len(_dependency_files(report, "requests")) == 50_000
    assert time.monotonic() - started < 300


def _deep_notebook(depth: int) -> str:
    """A notebook whose code holds a password and an AWS key, and one output nested ``depth`` levels deep."""
    deep = "x"
    for _ in range(depth):
        deep = [deep]
    notebook = {"cells": [{"cell_type": "code", "execution_count": 1, "id": "a", "metadata": {},
                           "source": ['password = "Zq8-real-looking-Pw!"\n', 'key = "AKIAIOSFODNN7EXAMPLQ"'],
                           "outputs": [{"output_type": "execute_result", "execution_count": 1, "metadata": {},
                                        "data": {"application/json": deep}}]}],
                "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
                "nbformat": 4, "nbformat_minor": 5}
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 1000)
    try:
        return json.dumps(notebook)
    finally:
        sys.setrecursionlimit(limit)


def test_a_notebook_nested_3000_levels_deep_is_read_whole(tmp_path):
    """The deep part is an output's JSON data, which the scan never reads: the reader steps over it without
    recursing, so the code is analysed and nothing the scan reads was left out (no problem to report)."""
    (tmp_path / "analysis.ipynb").write_text(_deep_notebook(3000))
    report = _scan(tmp_path)
    assert {(f.rule, f.file, f.cell) for f in report.findings if f.category == "secret"} == {
        ("secret.password-assignment", "analysis.ipynb", 0), ("secret.aws-access-key", "analysis.ipynb", 0)}
    assert report.problems == () and [lang.name for lang in report.languages] == ["Jupyter (Python)"]
    assessment = assess(report, None)
    secrets = next(item for item in assessment.items if item.id == "sec.no-hardcoded-secrets")
    assert secrets.status == FAIL and "sec.no-hardcoded-secrets" in assessment.blockers


def test_a_notebook_too_large_to_read_makes_the_findings_items_unknown_but_large_data_does_not(tmp_path):
    """Failed before: a 60 MB notebook (over the 50 MB read limit) was only listed as large data, and
    sec.no-hardcoded-secrets passed although no code cell of it was read."""
    for name, size in (("huge.ipynb", 60 * 1024 * 1024), ("data/events.csv", 60 * 1024 * 1024),
                       ("dump.sql", 6 * 1024 * 1024)):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        with open(tmp_path / name, "wb") as handle:
            handle.truncate(size)  # sparse: costs no disk and no time to create
    report = _scan(tmp_path)
    assert [(p.file, p.reason.split(",")[0]) for p in report.problems] == [("huge.ipynb", "too large to analyse: 60.0 MB")]
    assessment = assess(report, None)
    secrets = next(item for item in assessment.items if item.id == "sec.no-hardcoded-secrets")
    assert secrets.status == UNKNOWN and "sec.no-hardcoded-secrets" in assessment.blockers
    assert any(line.startswith("not analysed, so not checked: huge.ipynb: too large to analyse: 60.0 MB")
               for line in secrets.evidence)


def test_a_file_that_could_not_be_analysed_makes_the_findings_items_unknown_and_secrets_blocking(tmp_path):
    text = _deep_notebook(10)
    (tmp_path / "broken.ipynb").write_text(text[: len(text) // 2])
    (tmp_path / "ok.py").write_text("import os\n")
    assessment = assess(_scan(tmp_path), None)
    status = {item.id: item.status for item in assessment.items}
    assert status["sec.no-hardcoded-secrets"] == status["port.no-personal-paths"] == UNKNOWN
    secrets = next(item for item in assessment.items if item.id == "sec.no-hardcoded-secrets")
    assert any(line.startswith("not analysed, so not checked: broken.ipynb: not a readable notebook")
               for line in secrets.evidence)
    assert {"sec.no-hardcoded-secrets", "port.no-personal-paths"} <= set(assessment.blockers)


def _nested_folders(root, depth):
    """``depth`` folders named d inside each other, made and later removed by tools that do not recurse in
    Python (pathlib and shutil would hit the recursion limit or PATH_MAX themselves)."""
    subprocess.run(["mkdir", "-p", "/".join(["d"] * depth)], cwd=root, check=True)
    return root.joinpath(*["d"] * min(depth, 1500))


@pytest.fixture
def deep_root(tmp_path):
    root = tmp_path / "deep"
    root.mkdir()
    yield root
    subprocess.run(["rm", "-rf", str(root)], check=True)


def test_a_folder_nested_1100_levels_deep_is_walked(deep_root):
    folder = _nested_folders(deep_root, 1100)
    (folder / "leak.py").write_text('password = "Zq8-real-looking-Pw!"\n')
    report = _scan(deep_root)
    assert [(f.rule, f.file.count("/")) for f in report.findings] == [("secret.password-assignment", 1100)]


def test_a_folder_too_deep_for_the_system_is_a_problem_not_the_end_of_the_scan(deep_root):
    _nested_folders(deep_root, 2100)  # beyond PATH_MAX (4096) once joined to the root
    (deep_root / "ok.py").write_text("import requests\n")
    report = _scan(deep_root)
    assert [p.reason for p in report.problems] == ["cannot list folder: File name too long"]
    assert _dependency_files(report, "requests") == {"ok.py"}
