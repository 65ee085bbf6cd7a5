"""Atomic writes keep the replaced file's permissions and leave it intact on failure."""
import stat

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
