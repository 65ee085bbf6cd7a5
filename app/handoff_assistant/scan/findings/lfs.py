"""Git LFS pointer files: the folder holds a 130-byte pointer where the data should be.

A repository that tracks data with Git LFS and was cloned without ``git lfs pull`` (or copied from a
source-only archive) has pointer files in place of the data; code that opens one fails on the server with a
parse error far from the cause. Each pointer is a finding of high severity naming the data's size, and the
bundle lists the file as a required input with the data's SHA-256 (Git LFS's oid).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from handoff_assistant.scan.files import read_head
from handoff_assistant.scan.findings.base import Rule, make_finding, register
from handoff_assistant.scan.report import Finding

POINTER_PREFIX = "version https://git-lfs.github.com/spec/v1"
_SIZE = re.compile(r"^size (\d{1,15})$", re.MULTILINE)

LFS_POINTER = Rule(
    "data.lfs-pointer", "data", "high", "Git LFS pointer instead of data",
    "This file is a Git LFS pointer ({detail}): the data is not in the folder, so code that opens it fails.",
    "Run `git lfs pull` in the project before bundling (the file then travels or is a required input with its "
    "hash), or tell IT where to get the data; the bundle lists it as a required input.")
register(LFS_POINTER)


def lfs_pointer_finding(path: str, text: str) -> Optional[Finding]:
    """A finding when ``text`` (a whole small file) is a Git LFS pointer, else None."""
    if not text.startswith(POINTER_PREFIX):
        return None
    size = _SIZE.search(text)
    detail = f"the data is {int(size.group(1)):,} bytes" if size else "size unknown"
    return make_finding(LFS_POINTER, file=path, line=1, snippet=POINTER_PREFIX, detail=detail)


POINTER_MAX_BYTES = 1024  # a pointer is about 130 bytes; a larger file is never read for this


def lfs_pointer_in_file(full_path: Path, path: str, size: int) -> Optional[Finding]:
    """The same for a file the scan does not read as text (a pointer named .parquet or .bin): only tiny files."""
    if size > POINTER_MAX_BYTES:
        return None
    return lfs_pointer_finding(path, read_head(full_path, POINTER_MAX_BYTES))
