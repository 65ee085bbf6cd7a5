import stat
import zipfile

import pytest

from handoff_assistant.bundle import BundleError, BundleOptions, UnsafeBundleError, open_bundle
from handoff_assistant.bundle import reader
from handoff_assistant.bundle.writer import write_bundle
from tests.bundle.helpers import inputs_for


def _zip(path, members):
    """members: (name, data, unix mode or None)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data, mode in members:
            info = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
            if mode is not None:
                info.create_system = 3
                info.external_attr = mode << 16
            archive.writestr(info, data)
    return path


MANIFEST = ("handoff-manifest.json", b'{"files": []}', None)


@pytest.mark.parametrize("name, reason", [
    ("../evil.txt", "leaves the bundle folder"),
    ("code/../../evil.txt", "leaves the bundle folder"),
    ("..\\evil.txt", "leaves the bundle folder"),
    ("/tmp/evil.txt", "is an absolute path"),
    ("C:/Windows/evil.txt", "is an absolute path"),
])
def test_members_that_would_land_outside_the_folder_are_refused_and_nothing_is_written(tmp_path, name, reason):
    archive = _zip(tmp_path / "bad.zip", [MANIFEST, ("code/ok.py", b"print(1)\n", None), (name, b"owned", None)])
    target = tmp_path / "deep" / "open-here"
    with pytest.raises(UnsafeBundleError) as raised:
        open_bundle(archive, extract_to=target)
    assert raised.value.member == name and reason in str(raised.value)
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["bad.zip"]


def test_a_symbolic_link_member_is_refused(tmp_path):
    archive = _zip(tmp_path / "link.zip", [MANIFEST, ("code/passwd", b"/etc/passwd", stat.S_IFLNK | 0o777)])
    with pytest.raises(UnsafeBundleError, match="'code/passwd' is a symbolic link"):
        open_bundle(archive, extract_to=tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_special_files_and_duplicates_are_refused(tmp_path):
    fifo = _zip(tmp_path / "fifo.zip", [MANIFEST, ("pipe", b"", stat.S_IFIFO | 0o644)])
    with pytest.raises(UnsafeBundleError, match="is not a regular file"):
        open_bundle(fifo, extract_to=tmp_path / "a")
    with zipfile.ZipFile(tmp_path / "dup.zip", "w") as archive:
        archive.writestr("code/a.py", b"1")
        with pytest.warns(UserWarning):
            archive.writestr("code/a.py", b"2")
    with pytest.raises(UnsafeBundleError, match="appears twice"):
        open_bundle(tmp_path / "dup.zip", extract_to=tmp_path / "b")


def test_oversized_members_and_too_many_members_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_MEMBER_BYTES", 1000)
    big = _zip(tmp_path / "big.zip", [MANIFEST, ("data.bin", b"\0" * 5000, None)])
    with pytest.raises(UnsafeBundleError, match="'data.bin' is larger than"):
        open_bundle(big, extract_to=tmp_path / "a")
    monkeypatch.setattr(reader, "MAX_MEMBERS", 3)
    many = _zip(tmp_path / "many.zip", [MANIFEST] + [(f"f{i}", b"", None) for i in range(5)])
    with pytest.raises(UnsafeBundleError, match="past the limit of 3 members"):
        open_bundle(many, extract_to=tmp_path / "b")


def test_a_real_bundle_opens_into_a_temporary_folder_that_close_removes(project, tmp_path, pip_env):
    built = write_bundle(inputs_for(project), BundleOptions(tmp_path / "out", pip_env=pip_env)).path
    with open_bundle(built) as opened:
        root = opened.root
        assert opened.extracted and opened.manifest["project"]["name"] == "Tiny scorer"
        assert (root / "scripts" / "setup.sh").stat().st_mode & 0o777 == 0o755
        assert (root / "code" / "tinyscore" / "score.py").is_file()
    assert not root.exists()


def test_bad_input_gets_a_sentence(tmp_path):
    (tmp_path / "not.zip").write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(BundleError, match="not a readable zip archive"):
        open_bundle(tmp_path / "not.zip")
    with pytest.raises(BundleError, match="does not exist"):
        open_bundle(tmp_path / "absent.zip")
    (tmp_path / "folder").mkdir()
    with pytest.raises(BundleError, match="handoff-manifest.json is missing"):
        open_bundle(tmp_path / "folder")
    archive = _zip(tmp_path / "ok.zip", [MANIFEST])
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x").write_text("mine")
    with pytest.raises(BundleError, match="is not empty"):
        open_bundle(archive, extract_to=tmp_path / "busy")
