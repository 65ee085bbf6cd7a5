"""Typed access to the app's remembered state (QSettings): window, recent projects, options.

The store is an INI file in the user's config folder (``HANDOFF_DATA_DIR`` overrides it, which the
tests use to stay isolated); tests may also pass their own ``QSettings``.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import platformdirs
from PySide6.QtCore import QByteArray, QSettings

from handoff_assistant.user_data import APP_NAME

MAX_RECENT = 8


def default_settings_path() -> Path:
    base = os.environ.get("HANDOFF_DATA_DIR") or platformdirs.user_config_dir(APP_NAME, appauthor=False)
    return Path(base) / "settings.ini"


class AppSettings:
    def __init__(self, store: Optional[QSettings] = None) -> None:
        self._store = store or QSettings(str(default_settings_path()), QSettings.Format.IniFormat)

    def sync(self) -> None:
        self._store.sync()

    # Recent projects -------------------------------------------------------------------------
    @property
    def recent_projects(self) -> list[str]:
        value = self._store.value("recent/projects", [])
        items = [value] if isinstance(value, str) else list(value or [])
        return [item for item in items if item]

    def add_recent_project(self, path: str) -> None:
        items = [path] + [item for item in self.recent_projects if item != path]
        self._store.setValue("recent/projects", items[:MAX_RECENT])

    def remove_recent_project(self, path: str) -> None:
        self._store.setValue("recent/projects", [item for item in self.recent_projects if item != path])

    # Window --------------------------------------------------------------------------------------
    @property
    def window_geometry(self) -> Optional[QByteArray]:
        value = self._store.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self._store.setValue("window/geometry", value)

    @property
    def last_page(self) -> str:
        return str(self._store.value("window/page", "overview"))

    @last_page.setter
    def last_page(self, value: str) -> None:
        self._store.setValue("window/page", value)

    @property
    def theme(self) -> str:
        """"system", "light" or "dark"."""
        return str(self._store.value("window/theme", "system"))

    @theme.setter
    def theme(self, value: str) -> None:
        self._store.setValue("window/theme", value)

    @property
    def fix_side_by_side(self) -> bool:
        """The fix preview shows the file before and after side by side rather than as a unified diff."""
        return str(self._store.value("fix/side_by_side", "false")).lower() == "true"

    @fix_side_by_side.setter
    def fix_side_by_side(self, value: bool) -> None:
        self._store.setValue("fix/side_by_side", bool(value))

    @property
    def policy_path(self) -> Optional[str]:
        return self._path_value("readiness/policy")

    @policy_path.setter
    def policy_path(self, value: Optional[str]) -> None:
        self._set_path_value("readiness/policy", value)

    @property
    def step_timeout(self) -> Optional[int]:
        """Seconds each Prepare-and-test step may take (the CLI's ``verify --timeout``); None = the default."""
        try:
            value = int(self._store.value("prepare/step_timeout", 0) or 0)
        except (TypeError, ValueError):
            return None
        return value if value > 0 else None

    @step_timeout.setter
    def step_timeout(self, value: Optional[int]) -> None:
        if value:
            self._store.setValue("prepare/step_timeout", int(value))
        else:
            self._store.remove("prepare/step_timeout")

    # Signing ---------------------------------------------------------------------------------------
    @property
    def signing_key(self) -> Optional[str]:
        """The minisign secret key file the Bundle step signs with (its path only; never the key or password)."""
        return self._path_value("signing/secret_key")

    @signing_key.setter
    def signing_key(self, value: Optional[str]) -> None:
        self._set_path_value("signing/secret_key", value)

    @property
    def trusted_key(self) -> Optional[str]:
        """The minisign public key file the bundle view checks signatures against (``verify --trust``)."""
        return self._path_value("signing/trusted_public_key")

    @trusted_key.setter
    def trusted_key(self, value: Optional[str]) -> None:
        self._set_path_value("signing/trusted_public_key", value)

    def _path_value(self, key: str) -> Optional[str]:
        value = self._store.value(key)
        return str(value) if value else None

    def _set_path_value(self, key: str, value: Optional[str]) -> None:
        if value:
            self._store.setValue(key, str(value))
        else:
            self._store.remove(key)

    # Per-project options -----------------------------------------------------------------------
    def interpreter_for(self, root: str) -> Optional[str]:
        value = self._store.value(f"interpreters/{_key(root)}")
        return str(value) if value else None

    def set_interpreter_for(self, root: str, interpreter: Optional[str]) -> None:
        if interpreter:
            self._store.setValue(f"interpreters/{_key(root)}", interpreter)
        else:
            self._store.remove(f"interpreters/{_key(root)}")

    # Bundle options ------------------------------------------------------------------------------
    def bundle_option(self, name: str, default):
        value = self._store.value(f"bundle/{name}", default)
        if isinstance(default, bool):
            return value if isinstance(value, bool) else str(value).lower() == "true"
        return type(default)(value) if value is not None else default

    def set_bundle_option(self, name: str, value) -> None:
        self._store.setValue(f"bundle/{name}", value)


def _key(root: str) -> str:
    """QSettings keys cannot hold slashes meaningfully; a project's key is its path made flat."""
    return root.replace("\\", "|").replace("/", "|")
