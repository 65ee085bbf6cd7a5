"""Findings that ask for no change (issue 13's low, non-blocking classes) are not rewritten by handoff fix."""
from __future__ import annotations

from handoff_assistant.fix.plan import fixable_findings
from handoff_assistant.scan import ScanOptions, scan_project

WORKFLOW = """jobs:
  test:
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: ci-only-Wd81
    env:
      DEPLOY_PASSWORD: Zq8rT2pLm9xW4vB
"""


def test_ci_service_passwords_example_values_and_user_caches_are_left_alone(tmp_path):
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(WORKFLOW, encoding="utf-8")
    (tmp_path / ".env.example").write_text("DB_PASSWORD=Zq8rT2pLm9xW4vB\n", encoding="utf-8")
    (tmp_path / "cache.py").write_text('import os\nCACHE = os.path.expanduser("~/.cache/churn")\n'
                                       'DATA = "/home/ana/churn.csv"\n', encoding="utf-8")
    report = scan_project(tmp_path, ScanOptions(use_cache=False))
    assert {f.rule for f in report.findings} >= {"secret.ci-service-credential", "secret.example-value",
                                                 "path.user-cache"}
    assert sorted((f.file, f.rule) for f in fixable_findings(report)) == [
        (".github/workflows/ci.yml", "secret.password-assignment"), ("cache.py", "path.user-home")]
