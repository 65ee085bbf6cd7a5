"""Atomic writes keep the replaced file's permissions and leave it intact on failure."""
import os
import stat
import threading

import pytest

from handoff_assistant.atomic_files import atomic_file, write_text_atomically


def test_a_rewritten_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "handoff.yaml"
    target.write_text("name: old\n")
    target.chmod(0o664)
    write_text_atomically(target, "name: new\n")
    assert target.read_text() == "name: new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o664


def test_a_failure_midway_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "review.json"
    target.write_text("{}\n")
    with pytest.raises(RuntimeError):
        with atomic_file(target) as stream:
            stream.write('{"half": ')
            raise RuntimeError("disk full")
    assert target.read_text() == "{}\n"
    assert [p.name for p in tmp_path.iterdir()] == ["review.json"]


def test_given_permissions_replace_those_of_the_old_file(tmp_path):
    target = tmp_path / "cache.json"
    target.write_text("old")
    target.chmod(0o644)
    with atomic_file(target, permissions=0o600) as stream:
        stream.write("new")
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_named_pipe_is_written_into_not_replaced(tmp_path):
    """`-o /dev/null` as root replaced the device with a regular file; a pipe shows the same without risk."""
    pipe = tmp_path / "out.fifo"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text()))
    reader.start()
    write_text_atomically(pipe, "report\n")
    reader.join(timeout=10)
    assert received == ["report\n"]
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["out.fifo"]  # no temporary left beside it


def test_the_cli_writes_a_report_into_a_pipe(tmp_path, capsys):
    from handoff_assistant.cli import main

    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "job.py").write_text("print('hi')\n")
    pipe = tmp_path / "scan.fifo"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text()))
    reader.start()
    assert main(["scan", str(tmp_path / "project"), "--format", "json", "-o", str(pipe)]) == 0
    reader.join(timeout=30)
    assert received and '"schema_version"' in received[0]
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
