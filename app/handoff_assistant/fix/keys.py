"""Names people understand for configuration keys: one per value, from the context the value is used in.

In order: the variable, parameter or dict key the literal is given to (``LOCAL_CSV = "..."`` → ``local_csv``);
for a path, the file it names and the function that reads it (``read_csv("/x/customers")`` → ``customers_csv``,
``chdir("/x/churn")`` → ``churn_dir``); for a host, the function it is given to (``mlflow.set_tracking_uri`` →
``mlflow_tracking_uri``). The same value always gets the same key, a name already used for another value gets
``_2``, and keys already in config.yml are reused for their value, so a rescan names things the same way.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Optional

from handoff_assistant.fix.literals import Literal

# Names that say nothing about what the value is.
GENERIC_NAMES = frozenset({
    "df", "data", "path", "file", "filename", "fname", "fp", "f", "p", "x", "s", "url", "uri", "dir", "folder",
    "src", "dst", "out", "inp", "input", "output", "name", "value", "val", "arg", "default", "text", "string", "tmp",
    "temp", "res", "result", "raw", "filepath", "filepath_or_buffer", "path_or_buf", "fpath", "io", "con", "conn",
    "target", "source", "location", "loc", "sep", "mode", "help",
})
GENERIC_SECRET_NAMES = frozenset({"password", "passwd", "pwd", "pass", "secret", "token", "key", "api_key", "apikey",
                                  "auth", "credentials", "access_token", "secret_key"})
_DIRECTORY_CALLS = frozenset({"chdir", "setwd", "listdir", "makedirs", "mkdir", "scandir", "walk", "dir.create",
                              "list.files", "rmtree", "addsitedir", "append", "insert"})
_READ_WRITE = re.compile(r"^(?:read|to|write|load|save|dump)_?(?P<format>[a-z0-9]+)$")
_FORMAT_NAMES = {"excel": "xlsx", "pickle": "pkl", "rds": "rds", "table": "txt", "delim": "txt", "lines": "txt"}
_HOST_PREFIXES = re.compile(r"^(?:set_|get_|create_|connect_?|open_)")
_PATH_SUFFIXES = ("_path", "_dir", "_file", "_folder", "_directory", "_url", "_uri")


def snake(text: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "_", re.sub(r"([a-z])([A-Z])", r"\1_\2", text).lower()).strip("_")
    if name and name[0].isdigit():
        name = "key_" + name
    return name


def normalised_path(value: str) -> str:
    """Windows separators become forward slashes (Windows accepts them too), so the value works in config."""
    if re.match(r"^(?:[A-Za-z]:\\|\\\\)", value):
        return value.replace("\\", "/")
    return value


class KeyNamer:
    """Hands out keys for one plan; remembers values so the same value gets the same key everywhere."""

    def __init__(self, existing: Optional[dict[str, str]] = None, env_names: frozenset[str] = frozenset()) -> None:
        self._by_value: dict[str, str] = {value: key for key, value in (existing or {}).items()}
        self._values: dict[str, Optional[str]] = dict(existing or {})
        self._secret_by_value: dict[str, str] = {}
        self._taken_env = set(env_names)
        self.named_by_value: set[str] = set()  # keys whose name came from the value, not from a variable or key

    def config_key(self, literal: Literal, value: str, category: str, file: str) -> str:
        if value in self._by_value:
            return self._by_value[value]
        base = _config_base(literal, value, category, file)
        key = self._unique(base, self._values)
        if not _meaningful(literal.name):
            self.named_by_value.add(key)
        self._by_value[value] = key
        self._values[key] = value
        return key

    def directory_key(self, directory: str, file: str) -> str:
        """The key of a folder several configured files share (``raw_dir``)."""
        return self.config_key(Literal(0, 0, 0, 0, "", directory, callee="chdir"), directory, "paths", file)

    def env_name(self, literal: Literal, value: str, file: str) -> str:
        """An environment variable for a secret; the value is only compared in memory, never kept in the plan."""
        if value in self._secret_by_value:
            return self._secret_by_value[value]
        name = snake(literal.name)
        stem = snake(PurePosixPath(file).stem)
        if not name:
            name = f"{stem}_secret"
        elif name in GENERIC_SECRET_NAMES and stem and not name.startswith(stem):
            name = f"{stem}_{name}"
        env = name.upper()
        candidate, number = env, 2
        while candidate in self._taken_env:
            candidate, number = f"{env}_{number}", number + 1
        self._taken_env.add(candidate)
        self._secret_by_value[value] = candidate
        return candidate

    @staticmethod
    def _unique(base: str, taken: dict) -> str:
        candidate, number = base, 2
        while candidate in taken:
            candidate, number = f"{base}_{number}", number + 1
        return candidate


def _config_base(literal: Literal, value: str, category: str, file: str) -> str:
    name = _meaningful(literal.name)
    if category == "paths":
        return _path_name(name, literal.callee, value, file)
    if name:
        return name
    callee = _callee_name(literal.callee)
    if callee:
        return callee
    scheme = re.match(r"^([A-Za-z][\w+.-]*)://", value)
    if scheme:
        word = scheme.group(1).split("+")[0].lower()
        return "api_url" if word in ("http", "https") else f"{snake(word)}_url"
    return f"{snake(PurePosixPath(file).stem) or 'service'}_host"


def _meaningful(name: str) -> str:
    name = snake(name)
    name = re.sub(r"^(?:default|the|my)_", "", name)
    return "" if len(name) < 3 or name in GENERIC_NAMES else name


def _path_name(name: str, callee: str, value: str, file: str) -> str:
    path = PurePosixPath(normalised_path(value).rstrip("/") or "/")
    short_callee = callee.rsplit(".", 1)[-1].rsplit("::", 1)[-1]
    is_directory = short_callee in _DIRECTORY_CALLS or not path.suffix
    suffix = "dir" if is_directory else path.suffix.lstrip(".").lower()
    read_write = _READ_WRITE.match(short_callee.lower())
    if read_write and not is_directory:
        suffix = _FORMAT_NAMES.get(read_write.group("format"), suffix)
    if name:
        return name if name.endswith(_PATH_SUFFIXES) or name.endswith("_" + suffix) else \
            f"{name}_{'dir' if is_directory else 'path'}"
    stem = snake(path.stem if not is_directory else path.name) or snake(PurePosixPath(file).stem) or "data"
    return f"{stem}_{snake(suffix) or 'path'}"


def _callee_name(callee: str) -> str:
    if not callee:
        return ""
    parts = re.split(r"\.|::", callee)
    last = snake(_HOST_PREFIXES.sub("", parts[-1])) or snake(parts[-1])
    first = snake(parts[0]) if len(parts) > 1 else ""
    if first and first not in GENERIC_NAMES and first not in ("self", "os", "requests", "client", "session"):
        return f"{first}_{last}"
    return last if len(last) >= 3 and last not in GENERIC_NAMES else ""
