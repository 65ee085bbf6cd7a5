"""The file inventory (walk and git-aware), links, decoding and the data-file thresholds."""
from __future__ import annotations

import codecs
import os

import git
import pytest

from handoff_assistant.scan.files import (
    DATA_FILE_MIN_BYTES, NOTEBOOK_MAX_BYTES, FileEntry, NotText, data_files, decode, list_files, read_text,
)
from handoff_assistant.tasks import Cancelled, CancelToken


def _write(root, relative, content="x = 1\n"):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def _paths(inventory):
    return [entry.path for entry in inventory.entries]


def test_walk_lists_files_sorted_and_skips_default_ignored_dirs(tmp_path):
    for relative in ("b.py", "a/c.R", ".venv/lib/x.py", "node_modules/m.js", "__pycache__/b.pyc",
                     "notebooks/.ipynb_checkpoints/n.ipynb", "dist/pkg.whl", ".git/config"):
        _write(tmp_path, relative)
    inventory = list_files(tmp_path, CancelToken())
    assert inventory.listing == "walk"
    assert _paths(inventory) == ["a/c.R", "b.py"]
    assert {s.path for s in inventory.skipped if s.reason == "ignored-dir"} == {".venv", "node_modules", "dist"}


def test_walk_skips_an_environment_folder_by_its_marker_whatever_its_name(tmp_path):
    _write(tmp_path, "myenv/pyvenv.cfg", "home = /usr/bin\n")
    _write(tmp_path, "myenv/lib/site.py")
    _write(tmp_path, "main.py")
    inventory = list_files(tmp_path, CancelToken())
    assert _paths(inventory) == ["main.py"]
    assert [(s.path, s.reason) for s in inventory.skipped] == [("myenv", "ignored-dir")]


def test_entries_carry_size_and_mtime(tmp_path):
    path = _write(tmp_path, "a.py", "12345")
    (entry,) = list_files(tmp_path, CancelToken()).entries
    assert entry == FileEntry("a.py", 5, path.stat().st_mtime_ns)


def test_links_out_of_the_root_in_a_loop_or_broken_are_skipped(tmp_path):
    root = tmp_path / "project"
    outside = _write(tmp_path, "outside/secret.py", "password = 'x'\n")
    _write(root, "real.py")
    (root / "out_file.py").symlink_to(outside)
    (root / "out_dir").symlink_to(outside.parent)
    (root / "self").symlink_to(root / "self")
    (root / "ping").symlink_to(root / "pong")
    (root / "pong").symlink_to(root / "ping")
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to(root)
    (root / "gone.py").symlink_to(root / "missing.py")
    (root / "alias.py").symlink_to(root / "real.py")
    inventory = list_files(root, CancelToken())
    assert _paths(inventory) == ["alias.py", "real.py"]
    reasons = {s.path: s.reason for s in inventory.skipped}
    assert reasons == {
        "out_file.py": "link-outside-root", "out_dir": "link-outside-root", "self": "link-loop",
        "ping": "link-loop", "pong": "link-loop", "sub/up": "link-loop", "gone.py": "broken-link",
    }


def test_a_fifo_is_skipped_without_being_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.py")  # opening it for reading would block the scan forever
    _write(tmp_path, "a.py")
    inventory = list_files(tmp_path, CancelToken())
    assert _paths(inventory) == ["a.py"]
    assert [(s.path, s.reason) for s in inventory.skipped] == [("pipe.py", "not-a-regular-file")]


def test_git_listing_is_tracked_plus_untracked_not_ignored(tmp_path):
    repo = git.Repo.init(tmp_path)
    _write(tmp_path, ".gitignore", "*.log\noutput/\n")
    _write(tmp_path, "tracked.py")
    _write(tmp_path, "new.py")
    _write(tmp_path, "run.log")
    _write(tmp_path, "output/result.csv")
    _write(tmp_path, "venv/lib/x.py")  # .gitignore forgot it; still not the project's code
    _write(tmp_path, "py311/pyvenv.cfg", "home = /usr/bin\n")  # an environment by its marker, any name
    _write(tmp_path, "py311/lib/site.py")
    _write(tmp_path, "miniconda/conda-meta/history")
    _write(tmp_path, "miniconda/lib/x.py")
    repo.index.add([".gitignore", "tracked.py"])
    inventory = list_files(tmp_path, CancelToken())
    assert inventory.listing == "git"
    assert _paths(inventory) == [".gitignore", "new.py", "tracked.py"]


def test_git_listing_keeps_a_tracked_file_in_a_default_ignored_name(tmp_path):
    repo = git.Repo.init(tmp_path)
    _write(tmp_path, "build/recipe.py")
    repo.index.add(["build/recipe.py"])
    assert _paths(list_files(tmp_path, CancelToken())) == ["build/recipe.py"]


def test_git_listing_of_a_sub_folder_is_relative_to_it(tmp_path):
    repo = git.Repo.init(tmp_path)
    _write(tmp_path, "other/x.py")
    _write(tmp_path, "proto/src/model.py")
    repo.index.add(["other/x.py", "proto/src/model.py"])
    inventory = list_files(tmp_path / "proto", CancelToken())
    assert (inventory.listing, _paths(inventory)) == ("git", ["src/model.py"])


def test_a_folder_without_tracked_files_inside_a_repo_is_walked(tmp_path):
    git.Repo.init(tmp_path)  # e.g. a home-directory dotfiles repository
    _write(tmp_path, "proto/a.py")
    inventory = list_files(tmp_path / "proto", CancelToken())
    assert (inventory.listing, _paths(inventory)) == ("walk", ["a.py"])


def test_git_listing_skips_a_tracked_link_out_of_the_root(tmp_path):
    root = tmp_path / "repo"
    repo = git.Repo.init(root)
    outside = _write(tmp_path, "elsewhere.py")
    _write(root, "a.py")
    (root / "link.py").symlink_to(outside)
    repo.index.add(["a.py", "link.py"])
    inventory = list_files(root, CancelToken())
    assert _paths(inventory) == ["a.py"]
    assert [(s.path, s.reason) for s in inventory.skipped] == [("link.py", "link-outside-root")]


def test_cancel_stops_the_walk(tmp_path):
    _write(tmp_path, "a.py")
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        list_files(tmp_path, token)


@pytest.mark.parametrize("data, encoding, expected", [
    ("path = 'C:\\Users\\José'\n".encode("utf-8"), "utf-8", "José"),
    (codecs.BOM_UTF8 + "café".encode("utf-8"), "utf-8", "café"),
    (codecs.BOM_UTF16_LE + "/home/zoë/data".encode("utf-16-le"), "utf-16-le", "/home/zoë/data"),
    (codecs.BOM_UTF16_BE + "/home/zoë/data".encode("utf-16-be"), "utf-16-be", "/home/zoë/data"),
    ("price = '5 €' # naïve".encode("cp1252"), "cp1252", "'5 €' # naïve"),
    (b"name = 'Fran\xe7ois' \x81", "latin-1", "Fran\u00e7ois"),
])
def test_decode_by_bom_then_utf8_then_cp1252_then_latin1(data, encoding, expected):
    content = decode(data)
    assert content.encoding == encoding
    assert expected in content.text
    assert not content.text.startswith("\ufeff")


def test_nul_bytes_without_a_bom_mean_binary():
    with pytest.raises(NotText) as raised:
        decode(b"import os\n\0\0\x01\x02")
    assert raised.value.reason == "binary"


def test_read_text_refuses_known_binary_extensions_and_files_above_the_cap(tmp_path):
    parquet = tmp_path / "table.parquet"
    parquet.write_text("looks like text")
    with pytest.raises(NotText) as raised:
        read_text(parquet, 1000)
    assert raised.value.reason == "binary"
    big = _write(tmp_path, "big.py", "x = 1\n" * 100)
    with pytest.raises(NotText) as raised:
        read_text(big, 599)
    assert raised.value.reason == "too-large"
    assert read_text(big, 600).text.count("x = 1") == 100


def test_data_files_thresholds():
    entries = [
        FileEntry("huge.log", 6_000_000, 0),
        FileEntry("data/train.csv", DATA_FILE_MIN_BYTES, 0),
        FileEntry("data/tiny.csv", DATA_FILE_MIN_BYTES - 1, 0),
        FileEntry("model.PKL", 2 * DATA_FILE_MIN_BYTES, 0),
        FileEntry("logo.png", 3 * DATA_FILE_MIN_BYTES, 0),
        FileEntry("icon.png", 10, 0),
        FileEntry("big_module.py", 2 * DATA_FILE_MIN_BYTES, 0),
        FileEntry("plots.ipynb", 8_000_000, 0),  # images in outputs: still code
        FileEntry("giant.ipynb", NOTEBOOK_MAX_BYTES + 1, 0),
    ]
    found = data_files(entries, ["logo.png", "icon.png"], max_text_bytes=5_000_000)
    assert [(d.path, d.kind) for d in found] == [
        ("huge.log", "large"), ("data/train.csv", "data"), ("model.PKL", "data"), ("logo.png", "binary"),
        ("giant.ipynb", "large"),
    ]


def test_a_notebook_above_the_text_cap_is_still_read(tmp_path):
    notebook = _write(tmp_path, "plots.ipynb", '{"cells": [], "metadata": {"image": "' + "A" * 2000 + '"}}')
    assert read_text(notebook, 1000).text.startswith('{"cells"')
