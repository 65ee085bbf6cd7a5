"""Fast start (issue 15): `handoff --version` and `handoff COMMAND --help` import only what they need.

Asserted on the modules a fresh interpreter holds afterwards, not on time (timings go to benchmarks/).
"""
from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version

import pytest

import handoff_assistant
from handoff_assistant.cli import COMMANDS

# Modules that cost tens of milliseconds to import and that only a command's work needs.
HEAVY = ("yaml", "ruamel.yaml", "jinja2", "git", "importlib.metadata", "packaging.requirements", "PySide6",
         "handoff_assistant.scan.project", "handoff_assistant.scan.analysis", "handoff_assistant.scan.findings",
         "handoff_assistant.bundle.writer", "handoff_assistant.bundle.reader", "handoff_assistant.readiness.assess",
         "handoff_assistant.portfolio.build", "nacl")

PROBE = """
import json, sys
from handoff_assistant.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def modules_after(*argv: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_the_version_is_a_constant_equal_to_the_installed_metadata():
    assert handoff_assistant.__version__ == version("handoff-assistant")


def test_version_imports_no_command_and_nothing_heavy():
    loaded = modules_after("--version")
    assert sorted(loaded & set(HEAVY)) == []
    assert not {m for m in loaded if m.startswith("handoff_assistant.cli.") and m.endswith("_command")}


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_command_help_imports_only_its_own_module(command):
    loaded = modules_after(command, "--help")
    assert sorted(loaded & set(HEAVY)) == []
    commands = {m for m in loaded if m.startswith("handoff_assistant.cli.") and m.endswith("_command")}
    assert commands == {f"handoff_assistant.cli.{c.module}" for c in COMMANDS if c.name == command}


def test_help_lists_every_command_with_its_help(capsys):
    from handoff_assistant.cli import main

    with pytest.raises(SystemExit):
        main(["--help"])
    words = " ".join(capsys.readouterr().out.split())  # argparse wraps the help lines
    assert [c.name for c in COMMANDS if f"{c.name} {c.help}" not in words] == []
