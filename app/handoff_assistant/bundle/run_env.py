"""The environment a bundle's code runs with: only what the bundle declares, plus what a process needs to start.

Running a bundle's harness runs the bundle's code. It gets the operator's ``PATH``, ``HOME`` and locale, the
values of the configuration keys the manifest declares (from the operator's environment or typed for this run),
and nothing else: no cloud credentials, tokens or proxies the operator happens to have exported. pip gets the
same plus its own settings (``PIP_*``, proxies, certificate bundles) so a private index keeps working.
"""
from __future__ import annotations

import os
from typing import Any, Iterable, Mapping, Optional

# What any process needs to start and read text (LANG and the LC_* family), on every OS.
BASE_VARIABLES = ("PATH", "HOME", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "LC_NUMERIC", "TZ")
WINDOWS_VARIABLES = ("SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "COMSPEC", "PATHEXT", "TEMP", "TMP", "USERPROFILE",
                     "APPDATA", "LOCALAPPDATA")
PIP_PREFIXES = ("PIP_", "UV_")
PIP_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
                 "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")


class EnvLineError(ValueError):
    """A line of KEY=VALUE text that is not one; callers say where the text came from."""

    def __init__(self, number: int, line: str) -> None:
        super().__init__(f"line {number} is not KEY=VALUE")
        self.number, self.line = number, line


def parse_env_lines(text: str) -> dict[str, str]:
    """``KEY=VALUE`` per line, as in a .env file: blank lines, ``#`` comments, ``export`` and matching quotes
    around the value are allowed; a line that is not such a pair raises ``EnvLineError``."""
    values = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.removeprefix("export ").partition("=")
        if not sep or not is_variable_name(key.strip()):
            raise EnvLineError(number, line)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def is_variable_name(name: str) -> bool:
    return bool(name) and name.isascii() and name.replace("_", "a").isalnum() and not name[0].isdigit()


def declared_variables(manifest: Mapping[str, Any]) -> tuple[str, ...]:
    """The environment variable of every configuration key the bundle declares (``config_keys[].env``)."""
    keys = manifest.get("config_keys") or []
    return tuple(str(key["env"]) for key in keys if isinstance(key, dict) and isinstance(key.get("env"), str))


def minimal_environment(declared: Iterable[str], values: Mapping[str, str],
                        source: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """``BASE_VARIABLES`` and the ``declared`` ones from ``source`` (the operator's environment), then ``values``
    (typed for this run, which win)."""
    source = os.environ if source is None else source
    names = BASE_VARIABLES + (WINDOWS_VARIABLES if os.name == "nt" else ()) + tuple(declared)
    env = {name: source[name] for name in names if name in source}
    env.update(values)
    return env


def pip_environment(source: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """The minimal environment plus pip's own settings, for creating the venv and installing the lock."""
    source = os.environ if source is None else source
    env = minimal_environment((), {}, source)
    env.update({k: v for k, v in source.items() if k.startswith(PIP_PREFIXES) or k in PIP_VARIABLES})
    return env


__all__ = ["EnvLineError", "declared_variables", "is_variable_name", "minimal_environment", "parse_env_lines",
           "pip_environment"]
