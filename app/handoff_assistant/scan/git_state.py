"""Git state of the project (GitPython): commit, branch, dirty and untracked files, remote.  (STUB)"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from handoff_assistant.scan.report import GitState


def read_git_state(root: Path) -> GitState:
    try:
        import git
        repo = git.Repo(root, search_parent_directories=False)
        commit = repo.head.commit.hexsha
    except Exception:
        return GitState(is_repo=False)
    return GitState(is_repo=True, commit=commit)


def git_listing(root: Path) -> Optional[list[str]]:
    """Tracked plus untracked-not-ignored files when ``root`` is a git work tree, else None."""
    return None
