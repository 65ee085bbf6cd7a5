"""Git state read with GitPython from real repositories, without ever writing to them."""
from __future__ import annotations

import hashlib
import os
from datetime import datetime

import git
import pytest

from handoff_assistant.scan.git_state import read_git_state, strip_credentials

AUTHOR = git.Actor("Dana Scientist", "dana@example.com")


def _commit(repo, root, files, message="work"):
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    repo.index.add(list(files))
    return repo.index.commit(message, author=AUTHOR, committer=AUTHOR)


def _tree_digest(folder):
    """Content, size and mtime of every file under ``folder`` (the .git directory included)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def repo(tmp_path):
    repo = git.Repo.init(tmp_path, initial_branch="main")
    yield repo
    repo.close()


def test_a_plain_folder_is_not_a_repo(tmp_path):
    assert read_git_state(tmp_path).is_repo is False


def test_a_linked_work_tree_whose_git_is_a_file_is_a_repo(repo, tmp_path):
    """The quick look for a ``.git`` above the folder (which spares a plain folder GitPython) must take the
    ``.git`` file of ``git worktree add`` too, from a sub-folder."""
    _commit(repo, tmp_path, {"train.py": "print(1)\n"})
    linked = tmp_path.parent / f"{tmp_path.name}-linked"
    repo.git.worktree("add", "-b", "feature", str(linked))
    (linked / "src").mkdir()
    (linked / "src" / "model.py").write_text("x = 1\n")
    assert (linked / ".git").is_file()
    state = read_git_state(linked / "src")
    assert state.is_repo and state.branch == "feature" and state.untracked == ("model.py",)


def test_branch_commit_date_dirty_untracked_and_remote(repo, tmp_path):
    commit = _commit(repo, tmp_path, {"train.py": "x = 1\n", "notes.md": "n\n"})
    repo.create_remote("origin", "https://dana:ghp_0123456789abcdef@github.example.com/team/churn.git")
    (tmp_path / "train.py").write_text("x = 2\n")
    (tmp_path / "scratch.py").write_text("y\n")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "junk.py").write_text("")
    state = read_git_state(tmp_path)
    assert state.is_repo and state.branch == "main" and state.commit == commit.hexsha
    assert state.dirty == ("train.py",)
    assert state.untracked == ("scratch.py",)
    assert state.remote == "https://github.example.com/team/churn.git"
    assert datetime.fromisoformat(state.last_commit_date) == commit.committed_datetime


def test_detached_head_has_no_branch(repo, tmp_path):
    first = _commit(repo, tmp_path, {"a.py": "1\n"})
    _commit(repo, tmp_path, {"a.py": "2\n"})
    repo.head.reference = first  # detach HEAD at the first commit
    state = read_git_state(tmp_path)
    assert (state.branch, state.commit) == (None, first.hexsha)


def test_a_repo_without_commits(repo, tmp_path):
    (tmp_path / "a.py").write_text("x\n")
    state = read_git_state(tmp_path)
    assert (state.is_repo, state.branch, state.commit, state.last_commit_date) == (True, "main", None, None)
    assert state.untracked == ("a.py",)


def test_a_sub_folder_reports_paths_relative_to_itself(repo, tmp_path):
    _commit(repo, tmp_path, {"proto/model.py": "1\n", "other/x.py": "1\n"})
    (tmp_path / "proto" / "model.py").write_text("2\n")
    (tmp_path / "other" / "x.py").write_text("2\n")
    state = read_git_state(tmp_path / "proto")
    assert state.is_repo and state.dirty == ("model.py",)


def test_reading_the_state_writes_nothing_into_the_repo(repo, tmp_path):
    _commit(repo, tmp_path, {"a.py": "1\n", "b.py": "1\n"})
    (tmp_path / "a.py").write_text("2\n")
    # Same content, new stat: a plain `git status` would refresh and rewrite the index here.
    os.utime(tmp_path / "b.py", (1_600_000_000, 1_600_000_000))
    (tmp_path / "new.py").write_text("n\n")
    before = _tree_digest(tmp_path)
    state = read_git_state(tmp_path)
    assert state.dirty == ("a.py",)
    assert _tree_digest(tmp_path) == before


@pytest.mark.parametrize("url, expected", [
    ("https://user:token@host.example/x.git", "https://host.example/x.git"),
    ("https://ghp_abcdef@github.com/org/repo", "https://github.com/org/repo"),
    ("http://u:p@10.0.0.5:8080/r.git", "http://10.0.0.5:8080/r.git"),
    ("ssh://git:secret@host/x.git", "ssh://git@host/x.git"),
    ("ssh://git@host/x.git", "ssh://git@host/x.git"),
    ("git@github.com:org/repo.git", "git@github.com:org/repo.git"),
    ("https://github.com/org/repo.git", "https://github.com/org/repo.git"),
])
def test_strip_credentials(url, expected):
    assert strip_credentials(url) == expected
