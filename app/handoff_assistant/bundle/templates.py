"""The Jinja2 environment for everything the bundle writes from templates (resources/templates/bundle/).

Text from handoff.yaml or the scanned folder (a project name, an entry-point name, a file name) never reaches a
script, a crontab or a unit file raw: the filters below quote arguments for the shell, cron and systemd, and turn
text meant for a comment or a docstring into one inert line, so a newline or a quote cannot start a command.
"""
from __future__ import annotations

import re
import shlex
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from handoff_assistant.assets import resource_path

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
_SYSTEMD_PLAIN = re.compile(r"[A-Za-z0-9_./:@+=,-]+")


def shell_quote(value: object) -> str:
    """One shell word (POSIX sh)."""
    return shlex.quote(str(value))


def cron_quote(value: object) -> str:
    """One shell word in a crontab command, where an unescaped % would end the command. A crontab entry is one
    line and has no escape for a line break: such text is refused (entry-point names are validated before)."""
    if _CONTROL.search(str(value)):
        raise ValueError(f"{str(value)!r} cannot be written on one crontab line")
    return shlex.quote(str(value)).replace("%", "\\%")


def systemd_quote(value: object) -> str:
    """One argument of a systemd command line (ExecStart=): specifiers and variables escaped, quoted if needed."""
    text = str(value).replace("%", "%%").replace("$", "$$")
    if _SYSTEMD_PLAIN.fullmatch(text):
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _CONTROL.sub(lambda m: "".join(f"\\x{ord(c):02x}" if ord(c) < 256 else " " for c in m.group()),
                              escaped) + '"'


def systemd_text(value: object) -> str:
    """Free text in a unit setting such as Description=: one line, % specifiers escaped."""
    return comment_text(value).replace("%", "%%")


def comment_text(value: object) -> str:
    """Free text in a comment or a docstring: one line, no backslash or double quote to end a string with."""
    return _CONTROL.sub(" ", str(value)).replace("\\", "/").replace('"', "'")


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Plain-text templates: no HTML escaping; a missing variable is an error rather than an empty string."""
    env = Environment(loader=FileSystemLoader(str(resource_path("templates", "bundle"))),
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                      undefined=StrictUndefined, autoescape=False)
    env.filters.update(shell_quote=shell_quote, cron_quote=cron_quote, systemd_quote=systemd_quote,
                       systemd_text=systemd_text, comment_text=comment_text)
    return env


def render(name: str, **context: object) -> str:
    return environment().get_template(name).render(**context)
