"""Files shipped in ``resources/`` (inside the wheel as ``handoff_assistant.resources``)."""
from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any


def resource_path(*parts: str) -> Path:
    """A real filesystem path to a shipped resource (the package is never installed zipped)."""
    return Path(str(files("handoff_assistant.resources").joinpath(*parts)))


@lru_cache(maxsize=None)
def load_yaml_resource(name: str) -> Any:
    import yaml  # here, not at the top: modules that only name a resource stay cheap to import (handoff --help)

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: 8x faster, same safe types
    with resource_path(name).open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)


def sample_project_path() -> Path:
    """The bundled messy prototype the app opens when the user has none yet."""
    return resource_path("samples", "churn-prototype")
