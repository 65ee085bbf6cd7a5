"""Writing a file so that a reader never sees half of it and a failure leaves the old one intact."""
from __future__ import annotations

import os
import secrets
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator


@contextmanager
def atomic_file(path: Path, binary: bool = False) -> Iterator[IO]:
    """A new file beside ``path`` that replaces it when the block ends without an exception.

    The file keeps the permissions of the one it replaces (a new one gets the user's umask), unlike
    ``tempfile.mkstemp`` whose private 0600 would silently change a user's ``handoff.yaml``.
    """
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    mode = "xb" if binary else "x"
    try:
        with open(temporary, mode, **({} if binary else {"encoding": "utf-8"})) as stream:
            yield stream
        if path.exists():
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_text_atomically(path: Path, text: str) -> None:
    with atomic_file(path) as stream:
        stream.write(text)
