"""Git state of the project (GitPython): branch, commit, dirty and untracked files, remote, listing.

Read-only: every git command runs with ``GIT_OPTIONAL_LOCKS=0``, so ``git status`` does not refresh and
rewrite the index of the user's repository. The scanned folder may be a sub-folder of a work tree; paths
are then reported relative to the scanned folder and limited to it.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional
from urllib.parse import urlsplit, urlunsplit

from handoff_assistant.scan.report import GitState

# Untracked folders nobody means to hand over, even when the project's .gitignore forgets them.
UNTRACKED_IGNORED_DIRS = frozenset({".venv", "venv", "env", "__pycache__", ".ipynb_checkpoints", "node_modules"})
_READ_ONLY_ENV = {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}


@contextmanager
def _open_repo(root: Path) -> Iterator[Optional[object]]:
    """The repository whose work tree contains ``root``, or None (no repo, no git, unusable repo)."""
    if not _may_be_in_a_work_tree(root):
        yield None  # without importing GitPython (50 ms) or starting git: most of a warm rescan of such a folder
        return
    os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")  # a missing git executable is "no repo", not an error
    try:
        import git

        repo = git.Repo(root, search_parent_directories=True)
    except Exception:  # not a repo, a broken one, or no git at all: the scan goes on without git
        yield None
        return
    try:
        if repo.bare:
            yield None
        else:
            repo.git.update_environment(**_READ_ONLY_ENV)
            yield repo
    finally:
        repo.close()


def _may_be_in_a_work_tree(root: Path) -> bool:
    """False when neither ``root`` nor a folder above it has a ``.git`` (folder, or file of a linked work tree) and
    git is not pointed elsewhere (``GIT_DIR``): then GitPython's own search would find no work tree either."""
    if "GIT_DIR" in os.environ:
        return True
    folder = root.absolute()
    return any(os.path.lexists(candidate / ".git") for candidate in (folder, *folder.parents))


def read_git_state(root: Path) -> GitState:
    with _open_repo(root) as repo:
        if repo is None:
            return GitState(is_repo=False)
        try:
            return _state(repo, root)
        except Exception:  # git refused (e.g. "dubious ownership"): say it is a repo and nothing more
            return GitState(is_repo=True)


def _state(repo, root: Path) -> GitState:
    has_commits = repo.head.is_valid()
    commit = repo.head.commit if has_commits else None
    dirty, untracked = _status(repo, root)
    return GitState(
        is_repo=True,
        branch=None if repo.head.is_detached else repo.head.reference.name,
        commit=commit.hexsha if commit else None,
        dirty=dirty,
        untracked=untracked,
        remote=_remote_url(repo),
        last_commit_date=commit.committed_datetime.isoformat() if commit else None,
    )


def _status(repo, root: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(modified or staged files, untracked files), relative to ``root``."""
    prefix = _prefix(repo, root)
    output = repo.git.status("--porcelain=v1", "-z", "--untracked-files=all", "--", str(root))
    dirty, untracked = [], []
    fields = iter(output.split("\0"))
    for field in fields:
        if len(field) < 4:
            continue
        code, path = field[:2], field[3:]
        if code[0] in "RC":
            next(fields, None)  # the original path of a rename or copy follows
        if not path.startswith(prefix):
            continue
        if code != "??":
            dirty.append(path[len(prefix):])
        elif not _in_ignored_dir(path[len(prefix):]):
            untracked.append(path[len(prefix):])
    return tuple(sorted(dirty)), tuple(sorted(untracked))


def _prefix(repo, root: Path) -> str:
    """``root`` relative to the top of the work tree, as git writes it ("" or "sub/dir/")."""
    relative = root.resolve().relative_to(Path(repo.working_tree_dir).resolve()).as_posix()
    return "" if relative == "." else relative + "/"


def _remote_url(repo) -> Optional[str]:
    remotes = {remote.name: remote for remote in repo.remotes}
    remote = remotes.get("origin") or next(iter(remotes.values()), None)
    if remote is None:
        return None
    try:
        return strip_credentials(remote.url)
    except Exception:  # a remote without a url
        return None


def strip_credentials(url: str) -> str:
    """The URL without a password or token: ``https://user:token@host/x.git`` -> ``https://host/x.git``.

    For http(s) the whole user part goes (tokens are often passed as the user name); for ssh only a
    password goes (``ssh://git@host/x`` keeps its ``git@``). scp-like ``git@host:x.git`` has no secret.
    """
    if "://" not in url:
        return url
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    userinfo, host = parts.netloc.rsplit("@", 1)
    if parts.scheme in ("http", "https") or ":" in userinfo and parts.scheme not in ("ssh", "git+ssh"):
        netloc = host
    else:
        netloc = f"{userinfo.split(':', 1)[0]}@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def git_listing(root: Path) -> Optional[list[str]]:
    """Tracked plus untracked-not-ignored files under ``root``, relative to it, sorted; None when ``root`` is
    not in a git work tree or has no tracked file (a folder inside someone's home-directory repository).

    Untracked environment folders are left out even when the project's .gitignore forgets them.
    """
    with _open_repo(root) as repo:
        if repo is None:
            return None
        try:
            command = type(repo.git)(str(root))
            command.update_environment(**_READ_ONLY_ENV)
            tracked = _split(command.ls_files("-z", "--cached", "--", "."))
            if not tracked:
                return None
            excludes = [f"--exclude={name}/" for name in sorted(UNTRACKED_IGNORED_DIRS)]
            untracked = _split(command.ls_files("-z", "--others", "--exclude-standard", *excludes, "--", "."))
        except Exception:  # git refused: the caller walks the folder instead
            return None
    return sorted(set(tracked) | set(_without_environments(untracked)))


def _without_environments(untracked: list[str]) -> list[str]:
    """Drops untracked Python or conda environments, found by their marker (pyvenv.cfg, conda-meta/)."""
    environments = set()
    for path in untracked:
        parts = path.split("/")
        if parts[-1] == "pyvenv.cfg" and len(parts) > 1:
            environments.add("/".join(parts[:-1]) + "/")
        elif "conda-meta" in parts[1:-1]:
            environments.add("/".join(parts[:parts.index("conda-meta", 1)]) + "/")
    if not environments:
        return untracked
    prefixes = tuple(environments)
    return [path for path in untracked if not path.startswith(prefixes)]


def _split(output: str) -> list[str]:
    return [path for path in output.split("\0") if path]


def _in_ignored_dir(path: str) -> bool:
    return any(part in UNTRACKED_IGNORED_DIRS for part in path.split("/")[:-1])
