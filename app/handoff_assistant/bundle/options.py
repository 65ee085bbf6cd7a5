"""What a bundle build is asked for, what it returns, and the errors it raises with a sentence for the user."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Optional, Union

if TYPE_CHECKING:  # options.py stays light for the CLI's start-up
    from handoff_assistant.signing import SecretKey

AUTO = "auto"  # uv when installed, else pip-tools (bundle.lock.resolve_engine)
ENGINES = (AUTO, "pip-tools", "uv", "installed")
ACCELERATORS = ("auto", "cpu", "cuda")  # --accelerator: note only, lock CPU builds, keep default builds


@dataclass(frozen=True)
class BundleOptions:
    output_dir: Path
    zip: bool = True
    engine: str = AUTO  # one of ENGINES
    target_python: Optional[str] = None  # "3.11"; None = the scanned interpreter's version
    target_platform: Optional[str] = None  # "linux", "x86_64-manylinux_2_28", ...; None = the scanned one
    with_wheels: bool = False  # download every locked wheel into env/wheels/
    allow_not_ready_reason: Optional[str] = None  # why a "Not ready" project is handed over anyway
    policy_path: Optional[Path] = None  # team policy file for the assessment
    python: Optional[str] = None  # the target interpreter the scan asks (path or command)
    # a minisign secret key file, or a key already unlocked with its password (bundle.writer.unlock_signing_key):
    # SHA256SUMS.minisig is written into the bundle
    sign_key: Optional[Union[Path, "SecretKey"]] = None
    pip_env: Optional[Mapping[str, str]] = None  # environment of pip / pip-compile / uv; None = inherit (user's pip config)
    max_input_bytes: int = 50 * 1000 * 1000  # a file the code refers to travels in code/ up to this size
    data_folders: tuple[str, ...] = ()  # project folders a file name in the code may be relative to
    include_dev: bool = False  # lock test/notebook-only dependencies with production ones (the old behaviour)
    accelerator: str = "auto"  # one of ACCELERATORS: auto (note only), cpu (CPU index), cuda


@dataclass(frozen=True)
class BundleResult:
    path: Path  # the bundle folder or .zip
    size: int  # bytes (the zip's size, or the sum of the folder's files)
    level: str  # the readiness level recorded in the manifest
    warnings: tuple[str, ...] = ()  # sentences for the user: unlocked dependencies, no hashes, ...


class BundleError(Exception):
    """The bundle cannot be built; the message says what to do."""


class NotReadyError(BundleError):
    """The project's level is "Not ready" and no reason to hand it over anyway was given."""


class LockError(BundleError):
    """The dependencies cannot be locked; the message names the conflicting requirements."""


class UnsafeBundleError(BundleError):
    """A bundle archive has a member that could write outside the chosen folder, a link, or is too big."""

    def __init__(self, member: str, reason: str) -> None:
        super().__init__(f"Refused to open the bundle: member {member!r} {reason}.")
        self.member = member
        self.reason = reason
