"""Time a cold scan, a warm rescan and detect-secrets on the same synthetic tree; measure peak memory.

    .venv/bin/python benchmarks/bench_scan.py                 # 10,000-file timing tree, 50,000-file memory tree
    .venv/bin/python benchmarks/bench_scan.py --files 50000 --memory-files 0

Every measurement runs in a fresh child process, so imports and caches of one do not help the next, and the
peak resident memory (getrusage ru_maxrss) is the scan's own. Targets: cold scan >= 5x faster than
detect-secrets, warm rescan >= 10x faster than cold, peak memory < 500 MB on 50,000 files.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_tree import generate  # noqa: E402  (a sibling script, not a package)

WARM_RUNS = 3
TARGETS = {"cold_vs_detect_secrets": 5.0, "warm_vs_cold": 10.0, "peak_mb": 500.0}


def measure_scan(tree: str, cache_dir: str) -> None:
    """Child process: one scan with the given cache folder; prints its time, memory and size as JSON."""
    from handoff_assistant.scan import ScanOptions, scan_project

    started = time.perf_counter()
    report = scan_project(tree, ScanOptions(cache_dir=Path(cache_dir)))
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    worker_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest worker or probe process
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024, "worker_peak_mb": worker_kb / 1024,
                      "files": report.files.count,
                      "findings": len(report.findings), "dependencies": len(report.dependencies)}))


def _scan_in_child(tree: Path, cache_dir: Path) -> dict:
    output = subprocess.run([sys.executable, __file__, "--measure", str(tree), str(cache_dir)],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def _detect_secrets(tree: Path) -> dict:
    executable = Path(sys.executable).parent / "detect-secrets"
    if not executable.exists():
        sys.exit("detect-secrets is not installed in this environment: pip install -e '.[bench]'")
    started = time.perf_counter()
    completed = subprocess.run([str(executable), "scan", "--all-files"], cwd=tree, check=True,
                               capture_output=True, text=True)
    seconds = time.perf_counter() - started
    results = json.loads(completed.stdout)["results"]
    return {"seconds": seconds, "files_with_secrets": len(results)}


def run(files: int, memory_files: int, work: Path) -> dict:
    timing_tree = generate(work / f"tree-{files}", files)
    work.mkdir(parents=True, exist_ok=True)
    cache_dir = Path(tempfile.mkdtemp(prefix="cache-", dir=work))  # empty: the first scan is really cold
    cold = _scan_in_child(timing_tree, cache_dir)
    warm = _median_warm_scan(timing_tree, cache_dir)
    secrets = _detect_secrets(timing_tree)
    results = {"files": files, "cold": cold, "warm": warm, "detect_secrets": secrets,
               "cold_vs_detect_secrets": secrets["seconds"] / cold["seconds"],
               "warm_vs_cold": cold["seconds"] / warm["seconds"]}
    if memory_files:
        memory_tree = timing_tree if memory_files == files else generate(work / f"tree-{memory_files}", memory_files)
        memory_cache = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
        results["memory"] = _scan_in_child(memory_tree, memory_cache)
        results["memory"]["tree_files"] = memory_files
        results["memory"]["warm_seconds"] = _median_warm_scan(memory_tree, memory_cache)["seconds"]
    return results


def _median_warm_scan(tree: Path, cache_dir: Path) -> dict:
    """The median of WARM_RUNS rescans: one sub-second run is at the mercy of the neighbours' load."""
    runs = sorted((_scan_in_child(tree, cache_dir) for _ in range(WARM_RUNS)), key=lambda run: run["seconds"])
    return runs[len(runs) // 2]


def _report(results: dict) -> str:
    cold, warm, secrets = results["cold"], results["warm"], results["detect_secrets"]
    lines = [
        f"tree: {results['files']} files (cpu count {os.cpu_count()})",
        f"cold scan      {cold['seconds']:8.2f} s  ({cold['findings']} findings, {cold['dependencies']} dependencies,"
        f" peak {cold['peak_mb']:.0f} MB)",
        f"warm rescan    {warm['seconds']:8.2f} s  (median of {WARM_RUNS}; peak {warm['peak_mb']:.0f} MB)",
        f"detect-secrets {secrets['seconds']:8.2f} s  ({secrets['files_with_secrets']} files with secrets)",
        _ratio("cold scan vs detect-secrets", results["cold_vs_detect_secrets"], TARGETS["cold_vs_detect_secrets"]),
        _ratio("warm rescan vs cold scan", results["warm_vs_cold"], TARGETS["warm_vs_cold"]),
    ]
    if "memory" in results:
        memory = results["memory"]
        verdict = "ok" if memory["peak_mb"] < TARGETS["peak_mb"] else "MISSED"
        lines.append(f"peak memory, cold scan of {memory['tree_files']} files: {memory['peak_mb']:.0f} MB"
                     f" in {memory['seconds']:.1f} s (target < {TARGETS['peak_mb']:.0f} MB: {verdict});"
                     f" largest worker process {memory['worker_peak_mb']:.0f} MB")
        lines.append(_ratio(f"warm vs cold, {memory['tree_files']} files", memory["seconds"] / memory["warm_seconds"],
                            TARGETS["warm_vs_cold"]) + f"  (warm {memory['warm_seconds']:.2f} s)")
    return "\n".join(lines)


def _ratio(label: str, value: float, target: float) -> str:
    return f"{label:28} {value:6.1f}x  (target >= {target:.0f}x: {'ok' if value >= target else 'MISSED'})"


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the scan against detect-secrets.")
    parser.add_argument("--files", type=int, default=10_000, help="files in the timing tree")
    parser.add_argument("--memory-files", type=int, default=50_000, help="files in the memory tree (0: skip)")
    parser.add_argument("--work", type=Path, help="folder for the trees and caches (default: a temp folder)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--measure", nargs=2, metavar=("TREE", "CACHE_DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure_scan(*args.measure)
        return
    with tempfile.TemporaryDirectory(prefix="handoff-bench-") as temporary:
        results = run(args.files, args.memory_files, args.work or Path(temporary))
    print(_report(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
