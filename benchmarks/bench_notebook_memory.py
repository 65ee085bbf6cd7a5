"""Peak memory of scanning one ~50 MB notebook whose saved output is a huge nested array (issue 11, item 7).

    .venv/bin/python benchmarks/bench_notebook_memory.py                    # this checkout only
    .venv/bin/python benchmarks/bench_notebook_memory.py --before main~3    # that commit too, side by side
    .venv/bin/python benchmarks/bench_notebook_memory.py --levels 8 --width 4 --leaf 0.5   # wider, fewer lists

The notebook (written with nbformat; the array is streamed into its file so this process stays small) has a
code cell with a password and an AWS key, and one ``application/json`` output: an array of blocks, each nested
``--levels`` deep and ``--width`` wide at each level, repeated until the file is ``--size`` bytes. The default,
``[[[0]],[[0]],...]`` (millions of one-item lists), is the costliest shape for a reader that builds it. Each version scans the
folder in a fresh child process (no cache) that reports its peak RSS (``ru_maxrss``), its RSS after the
imports (so the scan's own share shows), the time, the notebook's language and whether the code cell's
secrets were found. ``--before REF`` runs REF's code from a ``git archive`` of it (with this checkout's
resources), the same way ``compare_scan_speed.sh`` does. Figures depend on the machine: compare ratios.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

CHECKOUT = Path(__file__).resolve().parent.parent
PLACEHOLDER = "@@NESTED-ARRAY@@"
SECRETS = ('password = "Zq8-real-looking-Pw!"\n', 'key = "AKIA' + 'Q3EGRTZ7MX4PLW2N"\n')


def nested_array(levels: int, width: int, leaf: str) -> str:
    """One array ``levels`` deep and ``width`` wide at every level, as JSON text."""
    text = leaf
    for _ in range(levels):
        text = "[" + ",".join([text] * width) + "]"
    return text


def write_notebook(path: Path, size: int, levels: int, width: int, leaf: str) -> None:
    cell = new_code_cell("".join(SECRETS) + "result", execution_count=1)
    cell.outputs = [new_output("execute_result", data={"application/json": PLACEHOLDER}, execution_count=1)]
    notebook = new_notebook(cells=[cell], metadata={
        "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"},
        "language_info": {"name": "python", "version": "3.11.4"}})
    head, tail = nbformat.writes(notebook).split(json.dumps(PLACEHOLDER))
    block = nested_array(levels, width, leaf)
    repeats = max(1, (size - len(head) - len(tail)) // (len(block) + 1))
    with path.open("w", encoding="utf-8") as handle:
        handle.write(head + "[")
        for index in range(repeats):
            handle.write(("," if index else "") + block)
        handle.write("]" + tail)


def measure(folder: str) -> None:
    """Child mode: scan ``folder`` once and print what it cost as JSON."""
    from handoff_assistant.scan import ScanOptions, scan_project

    imported = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    report = scan_project(folder, ScanOptions(use_cache=False))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "peak_mb": peak / 1024, "after_imports_mb": imported / 1024, "seconds": seconds,
        "languages": [language.name for language in report.languages],
        "secrets": sorted(f.rule for f in report.findings if f.category == "secret"),
        "problems": [f"{p.file}: {p.reason}" for p in report.problems],
    }))


def run_child(folder: Path, pythonpath: str | None) -> dict:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    done = subprocess.run([sys.executable, __file__, "--measure", str(folder)], env=env, capture_output=True,
                          text=True)
    if done.returncode:
        sys.exit(f"the scan in a child failed ({pythonpath or 'this checkout'}):\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


def code_of(ref: str, into: Path) -> str:
    """REF's ``app/`` folder, extracted under ``into``, with this checkout's resources linked in."""
    archive = into / "code.tar"
    with archive.open("wb") as handle:
        subprocess.run(["git", "archive", ref, "app"], cwd=CHECKOUT, stdout=handle, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    (into / "app" / "handoff_assistant" / "resources").symlink_to(CHECKOUT / "resources")
    return str(into / "app")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--before", metavar="REF", help="also measure this commit's code (e.g. main~3)")
    parser.add_argument("--size", type=int, default=50_000_000, help="bytes of the notebook")
    parser.add_argument("--levels", type=int, default=3, help="nesting of one block (the file repeats blocks)")
    parser.add_argument("--width", type=int, default=1, help="items at each level of a block")
    parser.add_argument("--leaf", default="0", help="the JSON value at the bottom of the array")
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    with tempfile.TemporaryDirectory(prefix="handoff-nbmem-") as work:
        project = Path(work) / "project"
        project.mkdir()
        notebook = project / "analysis.ipynb"
        write_notebook(notebook, args.size, args.levels, args.width, args.leaf)
        versions = {"after (this checkout)": None}
        if args.before:
            versions = {f"before ({args.before})": code_of(args.before, Path(work)), **versions}
        print(f"notebook: {notebook.stat().st_size / 1e6:.1f} MB, array {args.levels} levels x {args.width} wide, "
              f"leaf {args.leaf}")
        results = {name: run_child(project, path) for name, path in versions.items()}
    for name, result in results.items():
        print(f"{name:24} peak {result['peak_mb']:7.0f} MB (imports {result['after_imports_mb']:4.0f} MB)  "
              f"{result['seconds']:6.2f} s  languages {result['languages']}  secrets {result['secrets']}  "
              f"problems {result['problems']}")
    if len(results) == 2:
        before, after = results.values()
        print(f"peak RSS before/after: {before['peak_mb'] / after['peak_mb']:.1f}x; the scan's own share "
              f"(peak - imports): {(before['peak_mb'] - before['after_imports_mb']) / max(1.0, after['peak_mb'] - after['after_imports_mb']):.1f}x")


if __name__ == "__main__":
    main()
