"""Handoff Assistant: gets data-science prototypes into production."""

# The one place the version is written: pyproject.toml reads it (dynamic version), so `handoff --version` needs no
# metadata look-up (importlib.metadata costs more than the rest of the CLI start-up).
__version__ = "0.1.0"
