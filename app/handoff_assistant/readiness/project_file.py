"""``handoff.yaml``: what the data scientist tells us (docs/project-file.md).

Read with a round-trip YAML parser so every validation error names the field and its line, and written back
with the user's comments and key order kept. Written only on an explicit save, never by a scan.
"""
from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Optional

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import AliasEvent

from handoff_assistant.atomic_files import write_text_atomically
from handoff_assistant.readiness.checklist import TIERS, load_checklist
from handoff_assistant.readiness.model import (ATTESTED, NOT_APPLICABLE, Attestation, ConfigKey, Contact,
                                               EntryPoint, ProjectFile)

PROJECT_FILE_NAME = "handoff.yaml"
_TOP_KEYS = ("name", "summary", "tier", "owner", "contacts", "entry_points", "config_keys", "system_packages",
             "service_account", "resolutions", "attestations", "suppressions")
# A portable Unix account name (useradd's default rule, at most 32 characters): no shell or unit syntax in it.
SERVICE_ACCOUNT = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
_CONTACT_KEYS = ("name", "email", "role")
_ENTRY_KEYS = ("name", "command", "inputs", "outputs", "schedule", "expected_runtime", "sample_input",
               "expected_output")
_ATTESTATION_KEYS = ("status", "note", "by", "at")
_CONFIG_KEYS = ("name", "description", "secret")
_STATUS_IN = {"attested": ATTESTED, "n/a": NOT_APPLICABLE, "na": NOT_APPLICABLE}
_STATUS_OUT = {ATTESTED: "attested", NOT_APPLICABLE: "n/a"}
_CRON_MACROS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly", "@reboot"}
_CRON_FIELD = re.compile(r"^[\d*/,\-A-Za-z?]+$")
_DURATION = re.compile(r"^(\d+(\.\d+)?\s*[smhd]\s*)+$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
# An entry point's name becomes a command argument (run.sh NAME, crontab, ExecStart=) and part of file names.
ENTRY_POINT_NAME = re.compile(r"[A-Za-z0-9_.-]+")
# A system package is written into `apt-get install` / `dnf install` lines: Debian and RPM package names only.
SYSTEM_PACKAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9+._-]*")


class ProjectFileError(Exception):
    """handoff.yaml cannot be used as written; the message names the field and line."""


def load_project_file(root: Path | str) -> Optional[ProjectFile]:
    """The project's handoff.yaml, or None when the project has none yet."""
    path = Path(root) / PROJECT_FILE_NAME
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ProjectFileError(f"cannot read {PROJECT_FILE_NAME}: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise ProjectFileError(f"{PROJECT_FILE_NAME} is not UTF-8 text (byte {error.start})") from error
    return parse_project_file(text)


MAX_FILE_CHARS = 1_000_000  # a real handoff.yaml is a few kilobytes
MAX_ALIASES = 100  # aliases (*name) allowed: a few are handy, thousands are an expansion bomb
MAX_MESSAGE_CHARS = 300  # an error message quotes at most this much of the file


def parse_project_file(text: str) -> ProjectFile:
    if len(text) > MAX_FILE_CHARS:
        raise ProjectFileError(f"{PROJECT_FILE_NAME} is {len(text):,} characters long; a handoff.yaml is at most "
                               f"{MAX_FILE_CHARS:,}")
    try:
        _refuse_alias_bombs(text)
        data = _yaml().load(text)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ProjectFileError(_short(f"{PROJECT_FILE_NAME}{where}: not valid YAML ({problem})")) from error
    except ValueError as error:  # a date that does not exist (at: 2026-13-45) fails while it is read
        raise ProjectFileError(_short(f"{PROJECT_FILE_NAME}: a value looks like a date but is not one ({error}); "
                                      "write dates as YYYY-MM-DD, or quote the value")) from error
    if data is None:
        return ProjectFile()
    return _Reader().project(data)


def _refuse_alias_bombs(text: str) -> None:
    """Count the aliases before anything is built: nested aliases expand exponentially (a 'billion laughs' file
    took 56 s and then ran out of memory)."""
    aliases = sum(isinstance(event, AliasEvent) for event in _yaml().parse(text))
    if aliases > MAX_ALIASES:
        raise ProjectFileError(f"{PROJECT_FILE_NAME}: {aliases} aliases (*name); at most {MAX_ALIASES} are "
                               "allowed — write the values out")


def _short(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE_CHARS else message[: MAX_MESSAGE_CHARS - 1] + "…"


def save_project_file(root: Path | str, project: ProjectFile, *, replace: bool = False) -> Path:
    """Write ``project`` into handoff.yaml, keeping the comments and key order of the file already there.

    A file that is no longer valid YAML (or not a mapping) is replaced whole: ``project`` is what the user saves;
    so is any file when ``replace`` is set (``init --force``). Either way the old file stays in place until the
    new one is complete (an atomic rename), so a full disk never leaves no file at all.
    """
    path = Path(root) / PROJECT_FILE_NAME
    yaml = _yaml()
    document: Any = None
    if path.is_file() and not replace:
        try:
            text = path.read_text(encoding="utf-8")
            _refuse_alias_bombs(text)
            document = yaml.load(text)
        except (OSError, UnicodeDecodeError, YAMLError, ValueError, ProjectFileError):
            document = None  # unreadable: replaced by the project as given
    data = project_to_data(project)
    if not isinstance(document, CommentedMap):
        document = CommentedMap()
        document.yaml_set_start_comment("Handoff details for IT - see docs/project-file.md for every field.")
    _merge_mapping(document, data, new_file=not document)
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    write_text_atomically(path, buffer.getvalue())
    return path


def project_to_data(project: ProjectFile) -> dict[str, Any]:
    """Plain data in the file's key order (empty values included; the merge decides what to write)."""
    return {
        "name": project.name,
        "summary": project.summary,
        "tier": project.tier,
        "owner": _contact_data(project.owner) if project.owner else None,
        "contacts": [_contact_data(c) for c in project.contacts],
        "entry_points": [_entry_data(e) for e in project.entry_points],
        "config_keys": [{"name": k.name, "description": k.description, "secret": k.secret} for k in project.config_keys],
        "system_packages": list(project.system_packages),
        "service_account": project.service_account,
        "resolutions": dict(project.resolutions),
        "attestations": {item: _attestation_data(a) for item, a in project.attestations.items()},
        "suppressions": dict(project.suppressions),
    }


def _contact_data(contact: Contact) -> dict[str, Any]:
    return {"name": contact.name, "email": contact.email, "role": contact.role}


def _entry_data(entry: EntryPoint) -> dict[str, Any]:
    return {"name": entry.name, "command": entry.command, "inputs": list(entry.inputs),
            "outputs": list(entry.outputs), "schedule": entry.schedule, "expected_runtime": entry.expected_runtime,
            "sample_input": entry.sample_input, "expected_output": entry.expected_output}


def _attestation_data(attestation: Attestation) -> dict[str, Any]:
    return {"status": _STATUS_OUT.get(attestation.status, attestation.status), "note": attestation.note,
            "by": attestation.by, "at": attestation.at}


def _is_empty(value: Any) -> bool:
    """Nothing worth writing as a new key: None, "", [], {} or false (every boolean field defaults to false)."""
    return value is None or value is False or value == "" or value == [] or value == {}


def _merge_mapping(target: CommentedMap, new: dict[str, Any], new_file: bool = False) -> None:
    """Update ``target`` in place: same keys keep their position and comments; new keys go at the end.

    Empty values and the default tier are only written where the user's file already has the key (a new file
    always states its tier, so the choice is visible).
    """
    for key in [k for k in target if k not in new]:
        del target[key]
    for key, value in new.items():
        if key in target:
            target[key] = _merged(target[key], value)
        elif not _is_empty(value) and (new_file or not (key == "tier" and value == "standard")):
            target[key] = _pruned(value)


def _pruned(value: Any) -> Any:
    """A new value without its empty fields (``role:`` or ``inputs: []`` say nothing)."""
    if isinstance(value, dict):
        return {k: _pruned(v) for k, v in value.items() if not _is_empty(v)}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


def as_written(value: int | float | bool) -> str:
    """A number or boolean as the file spells it (``0123``, ``1e3``, ``0x1F``), not as Python prints it."""
    buffer = io.StringIO()
    _yaml().dump(value, buffer)
    return buffer.getvalue().removesuffix("\n...\n").strip()


def _merged(old: Any, new: Any) -> Any:
    if old == new or (isinstance(old, (date, datetime)) and old.isoformat() == new):
        return old  # unchanged: keep the user's quoting and date style
    if isinstance(old, (int, float)) and isinstance(new, str) and as_written(old) == new:
        return old  # a number-looking text (name: 0123, summary: 1e3) saved unchanged
    if isinstance(old, str) and isinstance(new, dict) and _pruned(new) == {"name": old}:
        return old  # a config key written in its short form, `- NAME`
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        _merge_mapping(old, new)
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        for index, value in enumerate(new):
            if index < len(old):
                old[index] = _merged(old[index], value)
            else:
                old.append(_pruned(value))
        del old[len(new):]
        return old
    return new



def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


class _Reader:
    """Turns the parsed document into a ProjectFile, naming field and line on the first problem."""

    def project(self, data: Any) -> ProjectFile:
        mapping = self._mapping(data, "the file", None)
        self._known_keys(mapping, _TOP_KEYS, "")
        field = self._field
        return ProjectFile(
            name=field(mapping, "name", self._text, ""),
            summary=field(mapping, "summary", self._text, ""),
            owner=field(mapping, "owner", self._contact, None),
            contacts=field(mapping, "contacts", self._list_of(self._contact), ()),
            tier=field(mapping, "tier", self._tier, "standard"),
            entry_points=field(mapping, "entry_points", self._list_of(self._entry), ()),
            attestations=field(mapping, "attestations", self._attestations, {}),
            suppressions=field(mapping, "suppressions", self._text_map, {}),
            config_keys=field(mapping, "config_keys", self._list_of(self._config_key), ()),
            resolutions=field(mapping, "resolutions", self._text_map, {}),
            system_packages=field(mapping, "system_packages", self._list_of(self._system_package), ()),
            service_account=field(mapping, "service_account", self._service_account, ""),
        )

    def _field(self, mapping: dict, key: str, convert: Callable[[Any, str, Optional[int]], Any], default: Any,
               prefix: str = "") -> Any:
        if mapping.get(key) is None:
            return default
        return convert(mapping[key], f"{prefix}{key}", self._line(mapping, key))

    def _fail(self, where: str, line: Optional[int], problem: str) -> ProjectFileError:
        at = f" line {line}" if line else ""
        return ProjectFileError(_short(f"{PROJECT_FILE_NAME}{at}: {where}: {problem}"))

    @staticmethod
    def _line(container: Any, key: Any) -> Optional[int]:
        try:
            if isinstance(container, CommentedSeq):
                return container.lc.item(key)[0] + 1
            return container.lc.key(key)[0] + 1
        except (AttributeError, KeyError, IndexError, TypeError):
            return None

    def _mapping(self, value: Any, where: str, line: Optional[int]) -> dict:
        if not isinstance(value, dict):
            raise self._fail(where, line, "must be a mapping of keys to values")
        return value

    def _known_keys(self, mapping: dict, allowed: tuple[str, ...], prefix: str) -> None:
        for key in mapping:
            if key not in allowed:
                raise self._fail(f"{prefix}{key}", self._line(mapping, key),
                                 f"unknown field (expected one of: {', '.join(allowed)})")

    def _text(self, value: Any, where: str, line: Optional[int]) -> str:
        if isinstance(value, (datetime, date)):
            return value.isoformat()
        if isinstance(value, (dict, list)):
            raise self._fail(where, line, "must be text")
        if isinstance(value, (int, float)):  # name: 0123 is the text "0123", not the number 123
            return as_written(value)
        return str(value).strip() if value is not None else ""

    def _required_text(self, mapping: dict, key: str, where: str) -> str:
        text = self._text(mapping.get(key), f"{where}.{key}", self._line(mapping, key))
        if not text:
            raise self._fail(f"{where}.{key}", self._line(mapping, key) or self._line_of(mapping), "is required")
        return text

    @staticmethod
    def _line_of(mapping: Any) -> Optional[int]:
        line = getattr(getattr(mapping, "lc", None), "line", None)
        return line + 1 if line is not None else None

    def _list_of(self, convert: Callable[[Any, str, Optional[int]], Any]):
        def read(value: Any, where: str, line: Optional[int]) -> tuple:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list):
                raise self._fail(where, line, "must be a list")
            return tuple(convert(item, f"{where}[{i}]", self._line(value, i) or line) for i, item in enumerate(value))
        return read

    def _text_map(self, value: Any, where: str, line: Optional[int]) -> dict[str, str]:
        mapping = self._mapping(value, where, line)
        result = {}
        for key, text in mapping.items():
            result[str(key)] = self._text(text, f"{where}.{key}", self._line(mapping, key))
            if not result[str(key)]:
                raise self._fail(f"{where}.{key}", self._line(mapping, key), "needs a value (a reason or a name)")
        return result

    def _service_account(self, value: Any, where: str, line: Optional[int]) -> str:
        text = self._text(value, where, line)
        if text and not SERVICE_ACCOUNT.match(text):
            raise self._fail(where, line, f"must be a Unix account name (lower-case letters, digits, '_' or '-', "
                                          f"starting with a letter or '_', at most 32 characters), not {text!r}")
        return text

    def _system_package(self, value: Any, where: str, line: Optional[int]) -> str:
        text = self._text(value, where, line)
        if not SYSTEM_PACKAGE_NAME.fullmatch(text):
            raise self._fail(where, line, f"must be a package name (letters, digits, '+', '.', '_' or '-'), "
                                          f"not {text!r}")
        return text

    def _tier(self, value: Any, where: str, line: Optional[int]) -> str:
        if value not in TIERS:
            raise self._fail(where, line, f"must be one of {', '.join(TIERS)}, not {value!r}")
        return value

    def _contact(self, value: Any, where: str, line: Optional[int]) -> Contact:
        mapping = self._mapping(value, where, line)
        self._known_keys(mapping, _CONTACT_KEYS, f"{where}.")
        email = self._text(mapping.get("email"), f"{where}.email", self._line(mapping, "email")) or None
        if email and "@" not in email:
            raise self._fail(f"{where}.email", self._line(mapping, "email"), f"{email!r} is not an email address")
        return Contact(name=self._required_text(mapping, "name", where), email=email,
                       role=self._text(mapping.get("role"), f"{where}.role", None) or None)

    def _entry(self, value: Any, where: str, line: Optional[int]) -> EntryPoint:
        mapping = self._mapping(value, where, line)
        self._known_keys(mapping, _ENTRY_KEYS, f"{where}.")
        prefix = f"{where}."
        entry = EntryPoint(
            name=self._required_text(mapping, "name", where),
            command=self._required_text(mapping, "command", where),
            inputs=self._field(mapping, "inputs", self._list_of(self._text), (), prefix),
            outputs=self._field(mapping, "outputs", self._list_of(self._text), (), prefix),
            schedule=self._field(mapping, "schedule", self._text, None, prefix) or None,
            expected_runtime=self._field(mapping, "expected_runtime", self._text, None, prefix) or None,
            sample_input=self._optional_path(mapping, "sample_input", where),
            expected_output=self._optional_path(mapping, "expected_output", where),
        )
        if not is_valid_entry_point_name(entry.name):
            raise self._fail(f"{where}.name", self._line(mapping, "name"), entry_point_name_problem(entry.name))
        if entry.schedule and not is_valid_schedule(entry.schedule):
            raise self._fail(f"{where}.schedule", self._line(mapping, "schedule"),
                             f"{entry.schedule!r} is not a cron expression (five fields like \"0 6 * * 1\"), "
                             "an @daily-style macro or \"manual\"")
        if entry.expected_runtime and not _DURATION.match(entry.expected_runtime.lower()):
            raise self._fail(f"{where}.expected_runtime", self._line(mapping, "expected_runtime"),
                             f"{entry.expected_runtime!r} is not a duration like \"90s\", \"15m\", \"2h\" or \"1h30m\"")
        return entry

    def _optional_path(self, mapping: dict, key: str, where: str) -> Optional[str]:
        if mapping.get(key) is None:
            return None
        return self._relative_path(mapping[key], f"{where}.{key}", self._line(mapping, key)) or None

    def _relative_path(self, value: Any, where: str, line: Optional[int]) -> str:
        text = self._text(value, where, line)
        if text.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", text) or ".." in Path(text).parts:
            raise self._fail(where, line, f"{text!r} must be a path inside the project, relative to handoff.yaml")
        return text

    def _attestations(self, value: Any, where: str, line: Optional[int]) -> dict[str, Attestation]:
        mapping = self._mapping(value, where, line)
        known = {item.id for item in load_checklist().items}
        result = {}
        for item_id, raw in mapping.items():
            item_where, item_line = f"{where}.{item_id}", self._line(mapping, item_id)
            if item_id not in known:
                raise self._fail(item_where, item_line, "no checklist item has this id (see docs/checklist.md)")
            result[str(item_id)] = self._attestation(raw, item_where, item_line)
        return result

    def _attestation(self, value: Any, where: str, line: Optional[int]) -> Attestation:
        mapping = self._mapping(value, where, line)
        self._known_keys(mapping, _ATTESTATION_KEYS, f"{where}.")
        raw_status = str(mapping.get("status", "")).strip().lower()
        if raw_status not in _STATUS_IN:
            raise self._fail(f"{where}.status", self._line(mapping, "status") or line,
                             "must be \"attested\" or \"n/a\"")
        status = _STATUS_IN[raw_status]
        note = self._text(mapping.get("note"), f"{where}.note", self._line(mapping, "note"))
        if status == NOT_APPLICABLE and not note:
            raise self._fail(f"{where}.note", self._line(mapping, "note") or line, "n/a needs a reason in note")
        return Attestation(status=status, note=note,
                           by=self._text(mapping.get("by"), f"{where}.by", None) or None,
                           at=self._text(mapping.get("at"), f"{where}.at", None) or None)

    def _config_key(self, value: Any, where: str, line: Optional[int]) -> ConfigKey:
        if isinstance(value, str):
            value = {"name": value}
        mapping = self._mapping(value, where, line)
        self._known_keys(mapping, _CONFIG_KEYS, f"{where}.")
        name = self._required_text(mapping, "name", where)
        if not _ENV_NAME.match(name):
            raise self._fail(f"{where}.name", self._line(mapping, "name"), f"{name!r} is not a usable key name")
        secret = mapping.get("secret", False)
        if not isinstance(secret, bool):
            raise self._fail(f"{where}.secret", self._line(mapping, "secret"), "must be true or false")
        return ConfigKey(name, self._text(mapping.get("description"), f"{where}.description", None), secret)


def is_valid_entry_point_name(name: str) -> bool:
    return ENTRY_POINT_NAME.fullmatch(name) is not None


def entry_point_name_problem(name: str) -> str:
    shown = name if len(name) <= 60 else name[:57] + "..."
    return (f"{shown!r} is not a usable entry-point name: use only letters, digits, '_', '.' and '-' (it becomes "
            "a command argument in run.sh, crontab and systemd, and part of file names)")


def is_valid_schedule(schedule: str) -> bool:
    """A five-field cron expression on one line, an @macro, or "manual" (run on demand).

    The fields are checked by a real cron parser (croniter): "61 * * * *", "0 25 * * *" or "*/0 * * * *" look
    like cron to a pattern but never run.
    """
    if "\n" in schedule or "\r" in schedule:
        return False
    text = schedule.strip()
    if text.lower() == "manual" or text.lower() in _CRON_MACROS:
        return True
    fields = text.split()
    if len(fields) != 5 or not all(_CRON_FIELD.match(f) for f in fields):
        return False
    from croniter import CroniterError, croniter  # imported when a schedule is checked: `handoff --help` stays fast

    try:  # parsed, and it runs at least once (not "0 0 30 2 *", the 30th of February)
        croniter(text, datetime(2026, 1, 1), max_years_between_matches=8).get_next(datetime)
    except (CroniterError, ValueError, TypeError, OverflowError, KeyError):
        return False
    return True


from handoff_assistant.readiness.starter import starter_project_file  # noqa: E402  (public API of this module)

__all__ = ["ENTRY_POINT_NAME", "PROJECT_FILE_NAME", "ProjectFileError", "entry_point_name_problem",
           "is_valid_entry_point_name", "is_valid_schedule", "load_project_file",
           "parse_project_file", "project_to_data", "save_project_file", "starter_project_file"]
