import pytest

from handoff_assistant.bundle.entry_points import BundleEntryPoint, parse_duration, plan_entry_points
from handoff_assistant.bundle.cron import cron_to_on_calendar
from handoff_assistant.bundle.schedule import schedule_files, service_account
from handoff_assistant.readiness.model import EntryPoint


@pytest.mark.parametrize("cron, expected", [
    ("0 6 * * 1", "Mon *-*-* 06:00:00"),
    ("*/15 * * * *", "*-*-* *:0/15:00"),
    ("30 2 1 * *", "*-*-01 02:30:00"),
    ("0 9 * * 1-5", "Mon..Fri *-*-* 09:00:00"),
    ("0 0,12 * 1,7 *", "*-01,07-* 00,12:00:00"),
    ("@daily", "daily"),
    ("0 6 1 * 1", None),  # cron's day-of-month OR day-of-week has no systemd twin
    ("0 6 * * MON", None),
    ("not a cron", None),
])
def test_cron_to_systemd_calendar(cron, expected):
    assert cron_to_on_calendar(cron) == expected


def test_duration_parsing():
    assert [parse_duration(t) for t in ("90s", "15m", "2h", "1h30m", "soon", None)] == [90, 900, 7200, 5400, None,
                                                                                        None]


def _entry(name, schedule):
    return BundleEntryPoint(name, name, "python -m x", schedule=schedule,
                            on_calendar=cron_to_on_calendar(schedule) if schedule else None, timeout_seconds=600)


def test_one_service_and_timer_per_scheduled_entry_point_and_a_crontab_line():
    files = schedule_files([_entry("score", "0 6 * * 1"), _entry("adhoc", None), _entry("odd", "0 6 1 * 1")],
                           "churn")
    assert sorted(files) == ["schedule/churn-odd.service", "schedule/churn-odd.timer", "schedule/churn-score.service",
                             "schedule/churn-score.timer", "schedule/crontab"]
    assert "HANDOFF_HOME=/opt/churn\n" in files["schedule/crontab"]
    assert '0 6 * * 1 cd "$HANDOFF_HOME" && ./scripts/run.sh score >> logs/score.log 2>&1' in files["schedule/crontab"]
    assert "adhoc" not in files["schedule/crontab"]
    assert "OnCalendar=Mon *-*-* 06:00:00" in files["schedule/churn-score.timer"]
    assert "no exact systemd equivalent" in files["schedule/churn-odd.timer"]
    assert """ExecStart=/bin/sh -c 'exec "$$HANDOFF_HOME/scripts/run.sh" "$$0"' score""" in files["schedule/churn-score.service"]
    assert "TimeoutStartSec=1200" in files["schedule/churn-score.service"]


def test_units_run_as_the_service_account_and_name_the_install_folder_once():
    files = schedule_files([_entry("score", "0 6 * * 1")], "churn", "churn-svc")
    service = files["schedule/churn-score.service"]
    assert "User=churn-svc\nGroup=churn-svc\n" in service
    directives = [line for line in service.splitlines() if not line.startswith("#")]
    assert [line for line in directives if "/opt/churn" in line] == ["Environment=HANDOFF_HOME=/opt/churn"]
    assert [line for line in files["schedule/crontab"].splitlines() if "/opt/churn" in line and
            not line.startswith("#")] == ["HANDOFF_HOME=/opt/churn"]


def test_the_service_account_defaults_to_the_project_and_is_a_valid_account_name():
    assert service_account("", "tiny-scorer") == "tiny-scorer"
    assert service_account("", "2024-churn") == "svc-2024-churn"
    assert service_account("", "a" * 40) == "a" * 32
    assert service_account("etl_runner", "tiny-scorer") == "etl_runner"
    assert "User=tiny-scorer" in schedule_files([_entry("score", "@daily")], "tiny-scorer")["schedule/tiny-scorer-score.service"]


def test_no_schedule_says_what_to_ask():
    assert "ask the data scientist how often" in schedule_files([], "churn")["schedule/crontab"]


def test_entry_points_copy_existing_samples_and_warn_about_missing_ones(project):
    planned, copies, warnings = plan_entry_points([
        EntryPoint("Score_customers", "python -m tinyscore.score", schedule="manual", expected_runtime="1h30m",
                   sample_input="data/sample.csv", expected_output="expected/missing.csv")], project)
    assert planned[0].slug == "score-customers" and planned[0].schedule is None
    assert planned[0].timeout_seconds == 5400
    assert [(c.source, c.target) for c in copies] == [("data/sample.csv",
                                                       "tests/samples/score-customers/input/sample.csv")]
    assert planned[0].expected_output is None and "expected/missing.csv" in warnings[0]
