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
    """
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


def write_text_atomically(path: Path, text: str) -> None:
    with atomic_file(path) as stream:
        stream.write(text)
