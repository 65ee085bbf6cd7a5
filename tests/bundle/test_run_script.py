"""The bundle's run script (scripts/handoff_run.py) runs a command as the pre-flight check reads it."""
from __future__ import annotations

import dataclasses
import subprocess
import sys

from handoff_assistant.bundle import BundleOptions
from handoff_assistant.bundle.writer import write_bundle
from handoff_assistant.readiness.model import EntryPoint
from tests.bundle.helpers import inputs_for, make_project, project_file

WRITE_GREETING = "import os, sys; open(sys.argv[1], 'w').write(os.environ['GREETING'] + ' ' + os.environ['LANG'])"


def test_leading_settings_of_a_command_go_to_the_environment_as_a_shell_would_take_them(tmp_path):
    """Failed before: pre-flight accepted `LANG=C python …` (it skips the settings) but the run script tried to
    start a program called `LANG=C`."""
    root = make_project(tmp_path / "p")
    entry = EntryPoint("greet", f'GREETING=hello LANG=C python -c "{WRITE_GREETING}" {{output}}')
    project = dataclasses.replace(project_file(), entry_points=(entry,))
    bundle = write_bundle(inputs_for(root, project=project), BundleOptions(tmp_path / "out", zip=False,
                                                                       engine="installed")).path
    output = tmp_path / "greeting.txt"
    done = subprocess.run([sys.executable, "-B", str(bundle / "scripts" / "handoff_run.py"), "greet", "--output",
                           str(output)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert output.read_text() == "hello C"
