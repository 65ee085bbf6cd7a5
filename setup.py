"""Only what pyproject.toml cannot say: the packages are those found under app/ plus the top-level
resources/ folder mapped into the wheel as ``handoff_assistant.resources`` (the design card's layout)."""
from setuptools import find_packages, setup

setup(packages=[*find_packages("app"), "handoff_assistant.resources"])
