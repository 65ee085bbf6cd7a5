"""How long a fix plan takes next to the scan it starts from (issue 12): `python benchmarks/bench_fix.py`.

Two trees: one Python file with --paths read_csv calls (the plan's work grows with the findings of one file), and
--copies copies of the messy realistic fixture (notebooks, scripts, R, shell, SQL). Prints seconds and the ratio
plan time / scan time; the target is a plan no slower than 3 scans, so previewing a fix feels like a rescan.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from handoff_assistant.fix import plan_fixes, render_diff  # noqa: E402
from handoff_assistant.scan import ScanOptions, scan_project  # noqa: E402
from tests.fix.messy_project import write_messy_project  # noqa: E402


def measure(root: Path, name: str) -> None:
    start = time.perf_counter()
    report = scan_project(root, ScanOptions(use_cache=False))
    scanned = time.perf_counter() - start
    start = time.perf_counter()
    plan = plan_fixes(root, report)
    render_diff(plan)
    planned = time.perf_counter() - start
    print(f"{name}: {len(report.findings)} findings, {len(plan.edits)} edits; scan {scanned:.2f} s, plan + diff "
          f"{planned:.2f} s; plan / scan = {planned / scanned:.1f} (target <= 3)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--paths", type=int, default=300)
    parser.add_argument("--copies", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        one = Path(folder) / "one-file"
        one.mkdir()
        (one / "load.py").write_text("import pandas as pd\n" + "".join(
            f'df{i} = pd.read_csv("/Users/bob/data/file_{i}.csv")\n' for i in range(args.paths)))
        measure(one, f"one file, {args.paths} paths")
        messy = Path(folder) / "messy"
        for copy in range(args.copies):
            write_messy_project(messy / f"part{copy}")
        measure(messy, f"messy fixture x{args.copies}")


if __name__ == "__main__":
    main()
