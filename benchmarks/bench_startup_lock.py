"""Start-up of the CLI against a bare interpreter, and the sample's bundle time with each lock engine.

    .venv/bin/python benchmarks/bench_startup_lock.py            # 9 start-up runs, one bundle per engine
    .venv/bin/python benchmarks/bench_startup_lock.py --runs 21 --json benchmarks/out/startup-lock.json

Everything runs as the user would run it, in child processes of the same run: ``python -c pass`` and
``handoff --version`` / ``handoff scan --help`` (median of --runs), then ``handoff bundle`` of the bundled sample
with the default engine (auto: uv) and with ``--engine pip-tools`` against the user's own pip configuration.
Targets (issue 15): start-up within 6x bare Python; the default lock at least 5x faster than pip-tools.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"startup_ratio_max": 6.0, "lock_speedup_min": 5.0}


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)
    return time.perf_counter() - started


def median_time(command: list[str], runs: int) -> float:
    timed(command)  # one warm-up: the file cache, not the interpreter, should be what is equal
    return statistics.median(timed(command) for _ in range(runs))


def bundle_time(handoff: str, sample: str, out: str, *engine: str) -> float:
    started = time.perf_counter()
    done = subprocess.run([handoff, "bundle", sample, "-o", out, "--allow-not-ready", "benchmark", *engine],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"handoff bundle {' '.join(engine) or '(default engine)'} failed: {done.stderr.strip()[-300:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="start-up runs per command (median)")
    parser.add_argument("--skip-lock", action="store_true", help="start-up only (pip-tools takes minutes)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    handoff = str(bin_dir / "handoff")
    from handoff_assistant.assets import sample_project_path

    figures: dict[str, float] = {}
    figures["bare_python_s"] = median_time([sys.executable, "-c", "pass"], args.runs)
    figures["version_s"] = median_time([handoff, "--version"], args.runs)
    figures["scan_help_s"] = median_time([handoff, "scan", "--help"], args.runs)
    figures["startup_ratio"] = figures["version_s"] / figures["bare_python_s"]
    figures["scan_help_ratio"] = figures["scan_help_s"] / figures["bare_python_s"]
    print(f"bare python      {figures['bare_python_s']:.3f} s (median of {args.runs})")
    print(f"handoff --version {figures['version_s']:.3f} s = {figures['startup_ratio']:.1f}x bare "
          f"(target <= {TARGETS['startup_ratio_max']:g}x)")
    print(f"handoff scan --help {figures['scan_help_s']:.3f} s = {figures['scan_help_ratio']:.1f}x bare")
    if not args.skip_lock:
        with tempfile.TemporaryDirectory() as out:
            sample = str(sample_project_path())
            figures["bundle_auto_s"] = bundle_time(handoff, sample, f"{out}/auto")
            figures["bundle_pip_tools_s"] = bundle_time(handoff, sample, f"{out}/pip-tools", "--engine", "pip-tools")
        figures["lock_speedup"] = figures["bundle_pip_tools_s"] / figures["bundle_auto_s"]
        print(f"bundle of the sample: auto (uv) {figures['bundle_auto_s']:.1f} s, pip-tools "
              f"{figures['bundle_pip_tools_s']:.1f} s = {figures['lock_speedup']:.1f}x faster "
              f"(target >= {TARGETS['lock_speedup_min']:g}x)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
