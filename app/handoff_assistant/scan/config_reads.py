"""The configuration the code reads: the keys IT must provide (the one key set starts here).

Recognised reads: ``handoff_config.get("key")`` / ``handoff_config.path("key", "name")`` (the loader ``handoff fix`` adds) and R ``config::get("key")`` are
config keys; ``os.environ["NAME"]``, ``os.getenv("NAME")`` / ``os.environ.get("NAME")`` without a default, R
``Sys.getenv("NAME")`` and ``${NAME}`` in shell, SQL and configuration files are environment variables. Reads with
a default are optional and not listed, nor are the variables every system sets (HOME, PATH...). Names in a
``.env.example`` are secrets by declaration. Found by pattern on the text; nothing is run.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Iterator, Optional

from handoff_assistant.scan import languages
from handoff_assistant.scan.report import ConfigRead

CONFIG, ENV, DECLARED_SECRET = "config", "env", "env-example"
LOADER = "handoff_config.py"
ENV_EXAMPLE_NAMES = (".env.example", ".env.sample", ".env.template", "env.example")
_Q = r"""["']"""
_PYTHON_READS = (
    (CONFIG, re.compile(r"\bhandoff_config\.(?:get|path)\(\s*" + _Q + r"(?P<key>[\w.-]+)" + _Q + r"\s*[,)]")),
    (ENV, re.compile(r"\bos\.environ\[\s*" + _Q + r"(?P<key>\w+)" + _Q + r"\s*\]")),
    (ENV, re.compile(r"\b(?:os\.getenv|os\.environ\.get)\(\s*" + _Q + r"(?P<key>\w+)" + _Q + r"\s*\)")),
)
_R_READS = (
    (CONFIG, re.compile(r"\bconfig::get\(\s*" + _Q + r"(?P<key>[\w.-]+)" + _Q + r"\s*\)")),
    (ENV, re.compile(r"\bSys\.getenv\(\s*" + _Q + r"(?P<key>\w+)" + _Q + r"\s*(?:\)|,\s*config::get)")),
)
_REFERENCE = ((ENV, re.compile(r"\$\{(?P<key>[A-Za-z_]\w*)\}")),)
_ENV_EXAMPLE_LINE = re.compile(r"^\s*(?:export\s+)?(?P<key>[A-Za-z_]\w*)\s*=", re.M)
# Set by every system or shell; never something IT configures for this project.
SYSTEM_VARIABLES = frozenset({
    "HOME", "PATH", "USER", "USERNAME", "LOGNAME", "PWD", "OLDPWD", "SHELL", "TMPDIR", "TEMP", "TMP", "LANG",
    "LC_ALL", "TERM", "HOSTNAME", "PYTHONPATH", "VIRTUAL_ENV", "CONDA_PREFIX", "JUPYTER_PATH", "DISPLAY", "UID",
    "CI", "HANDOFF_CONFIG", "R_CONFIG_ACTIVE", "R_HOME", "R_LIBS_USER", "APPDATA", "LOCALAPPDATA", "USERPROFILE",
    "BASH_SOURCE", "RANDOM", "SECONDS", "LINENO",
})
_NEEDLES = ("handoff_config", "environ", "getenv", "config::get", "Sys.getenv", "${")


def find_config_reads(text: str, *, file: str, language: Optional[str], cell: Optional[int] = None) -> list[ConfigRead]:
    """Every recognised read in one file or cell, in order of line."""
    name = PurePosixPath(file).name.lower()
    if name == LOADER:  # the loader reads whatever it is asked; its own docstring is not a read
        return []
    if name in ENV_EXAMPLE_NAMES:
        return [ConfigRead(m.group("key"), DECLARED_SECRET, file, text.count("\n", 0, m.start()) + 1, cell)
                for m in _ENV_EXAMPLE_LINE.finditer(text)]
    if not any(needle in text for needle in _NEEDLES):
        return []
    return sorted(_reads(text, _patterns(language), file, cell), key=lambda read: (read.line, read.key))


def _patterns(language: Optional[str]) -> tuple:
    if language in (languages.PYTHON, languages.JUPYTER_PYTHON):
        return _PYTHON_READS + _REFERENCE  # ${NAME} in a notebook's %%bash cell
    if language in languages.R_FAMILY or language == languages.JUPYTER_R:
        return _R_READS
    return _REFERENCE


def _reads(text: str, patterns: tuple, file: str, cell: Optional[int]) -> Iterator[ConfigRead]:
    seen: set[tuple[str, str, int]] = set()
    for kind, pattern in patterns:
        for match in pattern.finditer(text):
            key, line = match.group("key"), text.count("\n", 0, match.start()) + 1
            if kind == ENV and key in SYSTEM_VARIABLES or (kind, key, line) in seen:
                continue
            seen.add((kind, key, line))
            yield ConfigRead(key, kind, file, line, cell)
