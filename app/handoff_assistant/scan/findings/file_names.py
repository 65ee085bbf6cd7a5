"""Secrets in file and folder names: ``password=Hunter2secret.txt``, ``AKIA….csv``.

A name travels further than a file's content: into listings, archives, logs and every report that names the
file. The same recognisers as for code are used (``masking``), on each part of the path without its extension
(``.txt`` would otherwise make ``Hunter2secret.txt`` look like the name of a file holding a secret). The
finding names the file with the secret masked; ordinary names (``password_reset.py``, ``secrets.py``,
``token_utils.py``) give no value to a secret word and are not findings.
"""
from __future__ import annotations

import re
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
_NAME_SEPARATOR = re.compile(r"[_.-](?=[A-Za-z])")


def file_name_findings(path: str) -> list[Finding]:
    """One finding when any part of ``path`` holds a secret; the finding's file and snippet are masked."""
    shown = masked_path(path)
    if shown == path:
        return []
    kinds = sorted({kind for part in PurePosixPath(path).parts for kind in _kinds(part)})
    return [make_finding(SECRET_IN_NAME, file=shown, line=1, snippet=shown, detail=", ".join(kinds))]


def masked_path(path: str) -> str:
    """``path`` with the secret in any of its parts masked (``token_ghp_****.txt``); the path itself if none.
    Every output shows file names this way (``scan.report.shown_path``)."""
    parts = path.split("/")
    masked = [_masked_part(part) for part in parts]
    return path if masked == parts else "/".join(masked)


def _masked_part(part: str) -> str:
    stem = _stem(part)
    spans = [(start, end) for start, end, _ in _token_spans(stem)]
    spans += [(start, end) for start, end, _, _ in keyword_spans(stem, unquoted=True)]
    return mask_spans(stem, spans) + part[len(stem):] if spans else part


def _kinds(part: str) -> list[str]:
    """What the secret is: ``the value of password``, else the token's kind (``aws access key``)."""
    stem = _stem(part)
    named = [f"the value of {name}" for _, _, _, name in keyword_spans(stem, unquoted=True)]
    return named or sorted({rule_id.removeprefix("secret.").replace("-", " ") for _, _, rule_id in _token_spans(stem)})


def _token_spans(stem: str) -> list[tuple[int, int, str]]:
    """``secret_spans``, and a token right after a separator too: in a name ``token_ghp_…`` is a token after
    ``token_``, where in code the ``_`` would make it part of a longer word."""
    spans = set(secret_spans(stem))
    for separator in _NAME_SEPARATOR.finditer(stem):
        start = separator.end()
        spans.update((start + begin, start + end, rule) for begin, end, rule in secret_spans(stem[start:])
                     if begin == 0)
    return sorted(spans)


def _stem(part: str) -> str:
    """The name without its last extension; a dot file (``.env``) is all stem."""
    stem = PurePosixPath(part).stem
    return stem if stem else part
