"""Writing a file so that a reader never sees half of it and a failure leaves the old one intact."""
from __future__ import annotations

import os
import secrets
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator, Optional


@contextmanager
def atomic_file(path: Path, binary: bool = False, permissions: Optional[int] = None) -> Iterator[IO]:
    """A new file beside ``path`` that replaces it when the block ends without an exception.

    The file keeps the permissions of the one it replaces (a new one gets the user's umask), unlike
    ``tempfile.mkstemp`` whose private 0600 would silently change a user's ``handoff.yaml``. ``permissions``
    (e.g. 0o600 for a private cache) is set instead, before anything is written into the file.

    A target that is not a regular file (``-o /dev/null``, a named pipe, a terminal) is written in place:
    renaming over it would replace the device itself (as root, /dev/null became a regular file).
    """
    if _is_special(path):
        with open(path, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as stream:
            yield stream
        return
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    mode = "xb" if binary else "x"
    try:
        with open(temporary, mode, **({} if binary else {"encoding": "utf-8"})) as stream:
            if permissions is not None:
                os.chmod(temporary, permissions)
            yield stream
        if permissions is None and path.exists():
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _is_special(path: Path) -> bool:
    """An existing file that is neither regular nor a folder: a device, a pipe or a socket."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def write_text_atomically(path: Path, text: str) -> None:
    with atomic_file(path) as stream:
        stream.write(text)
