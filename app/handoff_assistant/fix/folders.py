"""Several files under one folder read better as one folder key plus their names: ``raw_dir`` and
``handoff_config.path("raw_dir", "customers.csv")`` rather than a key per file.

Only files whose key was named after the value are grouped (``LOCAL_CSV = "..."`` keeps ``local_csv``), and only
when at least two different files of the plan share the folder.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import PurePosixPath

from handoff_assistant.fix import languages_out
from handoff_assistant.fix.keys import KeyNamer
from handoff_assistant.fix.model import CONFIG, ConfigEntry, Edit, FileFix

MIN_FILES = 2


def share_folders(files: list[FileFix], entries: dict[tuple[str, str, str], ConfigEntry],
                  namer: KeyNamer) -> list[FileFix]:
    """The files' edits with grouped file keys replaced by folder key + name; ``entries`` updated in place."""
    defaults = {key: entry.default for (kind, key, origin), entry in entries.items()
                if kind == CONFIG and not origin and entry.default}
    groups: dict[str, set[str]] = defaultdict(set)
    for fix in files:
        for edit in fix.edits:
            folder = _folder(edit, defaults, namer)
            if folder:
                groups[folder].add(edit.key)
    shared = {key: folder for folder, keys in groups.items() if len(keys) >= MIN_FILES for key in keys}
    if not shared:
        return files
    folder_keys = {folder: namer.directory_key(folder, "") for folder in set(shared.values())}
    result = []
    for fix in files:
        edits = tuple(_joined(edit, folder_keys[shared[edit.key]], defaults[edit.key]) if edit.key in shared
                      else edit for edit in fix.edits)
        result.append(replace(fix, edits=edits))
    _update_entries(entries, shared, folder_keys, result)
    return result


def _folder(edit: Edit, defaults: dict[str, str], namer: KeyNamer) -> str:
    value = defaults.get(edit.key)
    if edit.category != "paths" or value is None or edit.key not in namer.named_by_value:
        return ""
    path = PurePosixPath(value)
    if not path.suffix or value.endswith("/") or any(c in value for c in "*?[") or len(path.parts) < 3:
        return ""
    return str(path.parent)


def _joined(edit: Edit, folder_key: str, value: str) -> Edit:
    name = PurePosixPath(value).name
    after = languages_out.joined_replacement(edit.language, folder_key, name, edit.before)
    if after is None:
        return edit
    return replace(edit, key=folder_key, after=after,
                   description=f"A path becomes {name} in the config key {folder_key}, a folder several files share "
                               "(default: this machine's value).")


def _update_entries(entries: dict[tuple[str, str, str], ConfigEntry], shared: dict[str, str],
                    folder_keys: dict[str, str], files: list[FileFix]) -> None:
    used = {edit.key for fix in files for edit in fix.edits}
    for folder, key in folder_keys.items():
        uses = sorted({where for k, f in shared.items() if f == folder
                       for where in entries[(CONFIG, k, "")].used_in})
        previous = entries.get((CONFIG, key, ""))
        entries[(CONFIG, key, "")] = ConfigEntry(
            key, CONFIG, folder, "A folder the code reads several files from; the default is this machine's value.",
            tuple(sorted(set(uses) | set(previous.used_in if previous else ()))))
    for file_key in shared:
        if file_key not in used:
            entries.pop((CONFIG, file_key, ""), None)
