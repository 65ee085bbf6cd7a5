"""The Jinja2 environment for everything the bundle writes from templates (resources/templates/bundle/)."""
from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from handoff_assistant.assets import resource_path


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Plain-text templates: no HTML escaping; a missing variable is an error rather than an empty string."""
    return Environment(loader=FileSystemLoader(str(resource_path("templates", "bundle"))),
                       keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                       undefined=StrictUndefined, autoescape=False)


def render(name: str, **context: object) -> str:
    return environment().get_template(name).render(**context)
