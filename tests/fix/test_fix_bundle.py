"""Issue 12, one key set: a bundle of a fixed project asks IT only for the keys its code reads, and its harness
fails naming a missing key, then passes once every key is set."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from handoff_assistant.bundle import BundleOptions
from handoff_assistant.bundle.writer import write_bundle
from handoff_assistant.fix import apply_fixes, plan_fixes
from handoff_assistant.readiness.model import ProjectFile
from handoff_assistant.scan import ScanOptions, scan_project
from handoff_assistant.user_data import fix_backup_root
from tests.bundle.helpers import inputs_for

CONFIG_KEYS = ["churn_dir", "customers_2023q4_csv", "data_dir", "local_csv", "mlflow_tracking_uri", "model_path"]
SECRETS = ["DATA_PASSWORD", "DB_URL", "SCORING_API_KEY"]


def harness(bundle, env=None) -> str:
    done = subprocess.run([sys.executable, "-B", "tests/run_harness.py"], cwd=bundle, capture_output=True, text=True,
                          timeout=300, env={"PATH": "/usr/bin:/bin", **(env or {})})
    return done.stdout


@pytest.fixture
def fixed_bundle(sample_copy, tmp_path):
    apply_fixes(plan_fixes(sample_copy, scan_project(sample_copy, ScanOptions())), sample_copy,
                backup_root=fix_backup_root())
    report = scan_project(sample_copy, ScanOptions())
    inputs = inputs_for(sample_copy, report=report, project=ProjectFile(name="churn"))
    return write_bundle(inputs, BundleOptions(tmp_path / "out", zip=False, engine="installed")).path


@pytest.mark.slow
def test_the_bundle_of_a_fixed_sample_asks_only_for_what_the_code_reads(fixed_bundle, tmp_path):
    config = yaml.safe_load((fixed_bundle / "config" / "config.example.yaml").read_text())
    env = (fixed_bundle / "config" / ".env.example").read_text()
    assert sorted(config) == CONFIG_KEYS
    assert [line.split("=")[0] for line in env.splitlines() if line and not line.startswith("#")] == SECRETS
    manifest = json.loads((fixed_bundle / "handoff-manifest.json").read_text())
    assert sorted(k["name"] for k in manifest["config_keys"]) == sorted(CONFIG_KEYS + [s.lower() for s in SECRETS])

    out = harness(fixed_bundle)
    assert "FAIL test_config.py::test_every_configuration_key_is_provided" in out
    assert "is missing 6 key(s)" in out and "local_csv: Path the code reads" in out
    assert "3 secret(s) are not set" in out and "DB_URL: Secret" in out

    existing = fixed_bundle / "code" / "data" / "sample_customers.csv"
    values = {key: str(existing) if key != "mlflow_tracking_uri" else "http://mlflow.example.com" for key in CONFIG_KEYS}
    (fixed_bundle / "config" / "config.yaml").write_text(yaml.safe_dump(values))
    (fixed_bundle / "config" / ".env").write_text("".join(f"{name}=set-by-it\n" for name in SECRETS))
    out = harness(fixed_bundle)
    assert "PASS test_config.py::test_every_configuration_key_is_provided" in out
    assert "PASS test_config.py::test_every_configured_path_exists" in out
