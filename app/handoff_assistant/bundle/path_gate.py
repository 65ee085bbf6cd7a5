"""The one gate every project file passes before it enters a bundle: ``bundle_path_gate(root, rel) -> Path``.

Code snapshot, sample inputs, expected outputs and declared input files all come through here. A path is let in
only when, after resolving every symbolic link, it is a regular file inside the project, neither it nor the file
it resolves to is a secret file by its name or folder, and its content does not begin a private key. Otherwise
``PathRefused`` says why, naming only the path (never the content), so the build log can say what happened.
"""
from __future__ import annotations

import re
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

from handoff_assistant.bundle.options import BundleError
from handoff_assistant.scan.report import shown_path

# Files that hold credentials by their nature (matched on the file name, lower-cased).
SECRET_FILE_PATTERNS = (
    ".env", ".env.*", "*.env", ".netrc", "_netrc", ".pgpass", ".htpasswd", ".git-credentials", ".pypirc", ".npmrc",
    "*.pem", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore", "*.kdbx", "*.ppk",
    "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*", "credentials", "credentials*.json", "*credentials.json",
    "client_secret*.json", "*service-account*.json", "*service_account*.json",
    "secrets.yaml", "secrets.yml", "secrets.json", "secrets.toml",
)
# Templates that name keys without values are not secrets: they help IT.
SECRET_FILE_EXCEPTIONS = (".env.example", ".env.sample", ".env.template", "*.env.example", "*.example", "*.sample",
                          "*.template", "*.dist", "*.tmpl")
# Folders whose every file is a credential or a repository's internals (matched on each folder name).
SECRET_FOLDERS = frozenset({".ssh", ".gnupg", ".aws", ".azure", ".kube", ".docker", ".git", ".password-store"})
# A private key file begins with one of these lines (PEM/OpenSSH, PGP, PuTTY).
_PRIVATE_KEY = re.compile(rb"^\s*(-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|PuTTY-User-Key-File-\d+:)",
                          re.MULTILINE)
KEY_SNIFF_BYTES = 64 * 1024
# A name SHA256SUMS, the manifest and a terminal can carry: no line break or other control character.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")


class PathRefused(BundleError):
    """A file that must not enter a bundle; ``str()`` is the sentence for the build log."""

    def __init__(self, path: str, reason: str, secret: bool = False) -> None:
        super().__init__(f"{printable_name(path)} was refused: {reason}")
        self.path = path
        self.reason = reason
        self.secret = secret  # a credential by name, folder or content (not merely absent or outside)


def printable_name(path: str) -> str:
    """The name as a log line can show it: a secret in it masked, control characters and undecodable bytes
    escaped."""
    path = shown_path(path)
    if _CONTROL.search(path) or not _is_utf8(path):
        return ascii(path)
    return path


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # bytes that were not UTF-8, kept by the file system as surrogates
        return False
    return True


def is_secret_file(path: str) -> bool:
    """A file that holds credentials by its name (.env, key files, credential JSON); templates are not."""
    name = PurePosixPath(path).name.lower()
    if any(fnmatch(name, pattern) for pattern in SECRET_FILE_EXCEPTIONS):
        return False
    return any(fnmatch(name, pattern) for pattern in SECRET_FILE_PATTERNS)


def bundle_path_gate(root: Path | str, rel: str | PurePosixPath) -> Path:
    """The resolved file ``rel`` names inside the project ``root``; ``PathRefused`` with the reason otherwise."""
    text = str(rel)
    _check_name(text, text)
    project = Path(root).resolve()
    try:
        resolved = (project / text).resolve(strict=True)
    except FileNotFoundError:
        raise PathRefused(text, "it does not exist in the project") from None
    except (RuntimeError, OSError) as error:  # a link loop, a name too long, no permission
        raise PathRefused(text, f"it cannot be resolved ({getattr(error, 'strerror', None) or error})") from None
    try:
        inside = resolved.relative_to(project).as_posix()
    except ValueError:
        raise PathRefused(text, f"it resolves to {resolved}, outside the project") from None
    if inside != PurePosixPath(text).as_posix():
        _check_name(text, inside, through_link=True)
    if not resolved.is_file():
        raise PathRefused(text, "it is not a regular file")
    if _holds_private_key(text, resolved):
        raise PathRefused(text, "it holds a private key", secret=True)
    return resolved


def _check_name(text: str, relative: str, through_link: bool = False) -> None:
    pure = PurePosixPath(relative)
    via = f" (it resolves to {shown_path(relative)})" if through_link else ""
    if not relative or "\0" in relative:
        raise PathRefused(text, "it is not a file name")
    if _CONTROL.search(relative):
        raise PathRefused(text, "its name holds a line break or another control character, which SHA256SUMS and "
                                "the manifest cannot list")
    if not _is_utf8(relative):
        raise PathRefused(text, "its name is not valid UTF-8, which SHA256SUMS and the manifest cannot list")
    if pure.is_absolute():
        raise PathRefused(text, "it is an absolute path; name files relative to the project")
    if ".." in pure.parts and not through_link:
        raise PathRefused(text, "it climbs out of its folder with '..'; name files inside the project")
    secret_folder = next((part for part in pure.parts[:-1] if part.lower() in SECRET_FOLDERS), None)
    if secret_folder:
        raise PathRefused(text, f"it lies in {secret_folder}/, a folder of credentials{via}", secret=True)
    if is_secret_file(relative):
        raise PathRefused(text, f"it is a secret file by its name ({shown_path(pure.name)}){via}", secret=True)
    if shown_path(relative) != relative:  # a name that is itself a secret would show it in every listing
        raise PathRefused(text, f"its name holds a secret{via}", secret=True)


def _holds_private_key(text: str, path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(KEY_SNIFF_BYTES)
    except OSError as error:
        raise PathRefused(text, f"it cannot be read ({error.strerror or error})") from None
    return _PRIVATE_KEY.search(head) is not None


__all__ = ["PathRefused", "SECRET_FILE_PATTERNS", "bundle_path_gate", "is_secret_file"]
