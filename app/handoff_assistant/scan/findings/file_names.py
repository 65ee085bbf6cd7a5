"""Secrets in file and folder names: ``password=Hunter2secret.txt``, ``AKIA….csv``.

A name travels further than a file's content: into listings, archives, logs and every report that names the
file. The same recognisers as for code are used (``masking``), on each part of the path without its extension
(``.txt`` would otherwise make ``Hunter2secret.txt`` look like the name of a file holding a secret). The
finding names the file with the secret masked; ordinary names (``password_reset.py``, ``secrets.py``,
``token_utils.py``) give no value to a secret word and are not findings.
"""
from __future__ import annotations

from pathlib import PurePosixPath

from handoff_assistant.scan.findings.base import Rule, make_finding, register
from handoff_assistant.scan.findings.masking import keyword_spans, mask_spans, secret_spans
from handoff_assistant.scan.report import Finding

SECRET_IN_NAME = Rule(
    "secret.in-file-name", "secret", "high", "Secret in a file name",
    "A file or folder name contains a secret ({detail}).",
    "Rename the file so its name holds no secret, and change the secret (the name was visible to everyone "
    "who could list the folder); read the value at run time from an environment variable or secret store.")
register(SECRET_IN_NAME)


def file_name_findings(path: str) -> list[Finding]:
    """One finding when any part of ``path`` holds a secret; the finding's file and snippet are masked."""
    parts = PurePosixPath(path).parts
    masked = [_masked_part(part) for part in parts]
    if masked == list(parts):
        return []
    masked_path = "/".join(masked)
    kinds = sorted({kind for part in parts for kind in _kinds(part)})
    return [make_finding(SECRET_IN_NAME, file=masked_path, line=1, snippet=masked_path, detail=", ".join(kinds))]


def _masked_part(part: str) -> str:
    stem = _stem(part)
    spans = [(start, end) for start, end, _ in secret_spans(stem)]
    spans += [(start, end) for start, end, _, _ in keyword_spans(stem, unquoted=True)]
    return mask_spans(stem, spans) + part[len(stem):] if spans else part


def _kinds(part: str) -> list[str]:
    """What the secret is: ``the value of password``, else the token's kind (``aws access key``)."""
    stem = _stem(part)
    named = [f"the value of {name}" for _, _, _, name in keyword_spans(stem, unquoted=True)]
    return named or [rule_id.removeprefix("secret.").replace("-", " ") for _, _, rule_id in secret_spans(stem)]


def _stem(part: str) -> str:
    """The name without its last extension; a dot file (``.env``) is all stem."""
    stem = PurePosixPath(part).stem
    return stem if stem else part
