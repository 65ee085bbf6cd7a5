"""Accelerator-aware locking: a CUDA build of torch (or a library like it) for code that never uses a GPU.

Nothing is downloaded or imported to decide: the lock names what was resolved, and the code that travels in
code/ is read (never run) for GPU use. ``--accelerator cpu`` adds the CPU index the library's docs name to the
lock's inputs; ``cuda`` keeps the default builds without a note; ``auto`` (the default) keeps them and says when
the code shows no GPU use.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

from packaging.utils import canonicalize_name

from handoff_assistant.assets import load_yaml_resource
from handoff_assistant.scan.files import read_head

TABLE = "accelerators.yaml"
_CODE_SUFFIXES = (".py", ".ipynb")
_MAX_READ = 2_000_000


@dataclass(frozen=True)
class AcceleratorNote:
    library: str  # "torch"
    choice: str  # the --accelerator value
    gpu_use: tuple[str, ...]  # "model/train.py:12" where the code uses a GPU; () when it shows none
    cuda_wheels: tuple[str, ...]  # locked CUDA runtime wheels (nvidia-*, triton)
    cpu_index: str
    cuda_download: str
    cpu_download: str

    @property
    def message(self) -> str:
        if self.choice == "cpu":
            return (f"{self.library} is locked from its CPU index ({self.cpu_index}, --accelerator cpu): "
                    f"{self.cpu_download} instead of {self.cuda_download}.")
        if self.gpu_use:
            return f"{self.library} is locked with its CUDA build: the code uses a GPU ({', '.join(self.gpu_use[:3])})."
        wheels = f" ({len(self.cuda_wheels)} CUDA wheels locked)" if self.cuda_wheels else ""
        return (f"{self.library} is locked with its default (CUDA) build{wheels}, {self.cuda_download}, but the code "
                f"shows no GPU use (.cuda(), device=\"cuda\", tf.config GPU calls ...). For a CPU-only server build "
                f"again with --accelerator cpu: it locks from {self.cpu_index}, {self.cpu_download}.")

    def to_manifest(self) -> dict[str, Any]:
        return {"library": self.library, "choice": self.choice, "gpu_use": list(self.gpu_use),
                "cuda_wheels": list(self.cuda_wheels), "cpu_index": self.cpu_index, "message": self.message}


def libraries_locked(names: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The table entries of the accelerator libraries among ``names`` (distribution names)."""
    present = {canonicalize_name(n) for n in names}
    return {library: entry for library, entry in load_yaml_resource(TABLE)["libraries"].items()
            if present & {canonicalize_name(member) for member in entry["family"]}}


def cpu_index_lines(direct_names: Iterable[str], choice: str) -> tuple[str, ...]:
    """``--extra-index-url`` lines for requirements.in (and the lock) when the CPU builds are asked for."""
    if choice != "cpu":
        return ()
    return tuple(f"--extra-index-url {entry['cpu_index']}" for entry in libraries_locked(direct_names).values())


def gpu_use(code_root: Path, files: Iterable[str]) -> tuple[str, ...]:
    """``file:line`` of each place in the code that uses a GPU (read as text, never imported)."""
    patterns = [re.compile(p) for p in load_yaml_resource(TABLE)["gpu_use"]]
    found = []
    for relative in sorted(f for f in files if f.endswith(_CODE_SUFFIXES)):
        text = _read(code_root / relative)
        for number, line in enumerate(text.splitlines(), 1):
            if any(p.search(line) for p in patterns):
                found.append(f"{relative}:{number}")
    return tuple(found)


def accelerator_notes(locked_names: Iterable[str], choice: str, code_root: Path,
                      files: Iterable[str]) -> tuple[AcceleratorNote, ...]:
    """A note for each accelerator library in the lock; none when ``choice`` is cuda (asked for on purpose)."""
    names = list(locked_names)
    libraries = libraries_locked(names)
    if not libraries or choice == "cuda":
        return ()
    used = gpu_use(code_root, files)
    notes = []
    for library, entry in sorted(libraries.items()):
        wheels = tuple(sorted(n for n in names if canonicalize_name(n).startswith(tuple(entry["cuda_wheels"]))))
        notes.append(AcceleratorNote(library, choice, used, wheels, entry["cpu_index"], entry["cuda_download"],
                                     entry["cpu_download"]))
    return tuple(notes)


def _read(path: Path) -> str:
    return read_head(path, _MAX_READ)


def needs_note(note: Optional[AcceleratorNote]) -> bool:
    """A note belongs in the build log when the CUDA build stays although nothing shows GPU use."""
    return note is not None and note.choice == "auto" and not note.gpu_use
