"""Scan a 5 MB single-line file of each rule's trigger; print the time and its ratio to a 1.25 MB line.

    .venv/bin/python benchmarks/bench_long_lines.py               # 5 MB, every trigger, as .sh and .py
    .venv/bin/python benchmarks/bench_long_lines.py --size 1000000 --only "curl -u "

A linear rule takes about 4x as long on 4x the line (the ratio printed); a quadratic one about 16x. Before the
rules were made linear, one 160 KB line of ``curl -u `` took 39 s. Each scan runs in this process without a
cache; the figures depend on the machine, so compare ratios.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

# One trigger per rule family: what makes each rule's pattern start a match, repeated.
TRIGGERS = ("curl -u ", "password='", "password: ", "api_key=", "a://b:c", "sk-", "AKIA", "eyJ", "bearer ",
            "Password=x;", "dbname=a ", "-----BEGIN PRIVATE KEY----- ", "/home/a ", "/home/a=", "/Users/a;",
            "C:\\a", "\\\\a\\b", "/mnt/a;", "/tmp/", "file:///a", "http://a;", "host=", "Server=a;",
            "1.2.3.4-", "10.0.0.1:80 ", "localhost-", "a.internal ", "os.chdir(", "sys.path.append('",
            ".libPaths(\"=", "setwd(")
SUFFIXES = (".sh", ".py")


def scan_seconds(unit: str, size: int, suffix: str) -> float:
    from handoff_assistant.scan import ScanOptions, scan_project

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / f"one_line{suffix}").write_text((unit * (size // len(unit) + 1))[:size])
        started = time.perf_counter()
        scan_project(folder, ScanOptions(use_cache=False, max_text_bytes=size + 1024))
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5_000_000)
    parser.add_argument("--only", action="append", help="a trigger to time (repeatable); default: all")
    args = parser.parse_args()
    print(f"{'trigger':34} {'file':4} {'time':>8} {'vs 1/4 size':>12}")
    for unit in args.only or TRIGGERS:
        for suffix in SUFFIXES:
            full = scan_seconds(unit, args.size, suffix)
            quarter = scan_seconds(unit, args.size // 4, suffix)
            print(f"{unit!r:34} {suffix:4} {full:7.2f}s {full / quarter:11.1f}x", flush=True)


if __name__ == "__main__":
    main()
