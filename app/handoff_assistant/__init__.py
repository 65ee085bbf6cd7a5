"""Handoff Assistant: gets data-science prototypes into production."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("handoff-assistant")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+unknown"
