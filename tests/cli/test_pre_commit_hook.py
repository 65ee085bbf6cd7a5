"""The pre-commit hook this repository offers (.pre-commit-hooks.yaml) is a valid `handoff check` call."""
from pathlib import Path

import yaml

from handoff_assistant.cli import build_parser

HOOKS = Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml"


def test_the_handoff_check_hook_parses_as_a_check_with_a_threshold():
    (hook,) = yaml.safe_load(HOOKS.read_text())
    program, *command = hook["entry"].split()
    args = build_parser(only="check").parse_args(command + hook["args"])
    assert (program, hook["id"], args.command, args.path, args.fail_under) == ("handoff", "handoff-check", "check",
                                                                               ".", 60.0)
    assert hook["pass_filenames"] is False  # the check scores the whole folder, not the staged files
