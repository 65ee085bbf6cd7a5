"""Precision and recall of the scan per detection class on a labelled fixture project (issue 13's classes).

    .venv/bin/python benchmarks/bench_detection.py                      # the code of this checkout
    git archive <commit> | tar -x -C /tmp/before && ln -s ../../resources /tmp/before/app/handoff_assistant/resources
    PYTHONPATH=/tmp/before/app .venv/bin/python benchmarks/bench_detection.py   # the same fixtures, older code

The fixture project (``benchmarks/detection/project``) is written for this benchmark, not taken from any public
repository. Every labelled line carries a trailing comment:

- ``flag[K] RULE``: class K must report this line with exactly RULE (a finding, or a line of a dependency);
- ``clean[K] PREFIX``: class K must report nothing whose rule starts with PREFIX on this line;
- ``dep[K] DIST``: the import on this line resolves to distribution DIST (not unknown);
- ``nodep[K]``: the import on this line is no dependency (local module, Python 2 standard library);
- ``suggest[K] DIST``: the import stays unknown with the knowledge base's suggestion DIST.

Per class: TP = labelled expectations met; FN = ``flag``/``dep``/``suggest`` lines not met; FP = ``clean``/``nodep``
lines that got a report, and ``dep`` lines resolved to another distribution. Class 0 is the control group: plain
libraries that were resolved before.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from handoff_assistant.scan import ScanOptions, scan_project

PROJECT = Path(__file__).resolve().parent / "detection" / "project"
CLASSES = {
    0: "control: plain libraries", 1: "from X import Y (namespace packages)", 2: "local modules (own folder, %%writefile)",
    3: "Python 2 standard library", 4: "declared, other import name, not installed", 5: "knowledge-base suggestions",
    6: "glob patterns", 7: "server/cluster roots", 8: "defaults, shell variables, docker -v",
    9: "Windows separators", 10: "relative sys.path", 11: "internal hosts", 12: "prose in __doc__",
    13: "~/.cache low, not personal", 14: "CI service / example values low",
}
_MARK = re.compile(r"#\s*(flag|clean|dep|nodep|suggest)\[(\d+)\]\s*(\S*)")


def labels(root: Path) -> list[tuple[str, str, int, int | None, str]]:
    """(kind, class, line, cell, argument) per labelled line: (kind, cls, file, line, cell, arg)."""
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            cells = [c for c in json.loads(text)["cells"] if c["cell_type"] == "code"]
            pieces = [("".join(c["source"]) if isinstance(c["source"], list) else c["source"], i)
                      for i, c in enumerate(cells)]
        else:
            pieces = [(text, None)]
        for source, cell in pieces:
            for number, line in enumerate(source.splitlines(), 1):
                for match in _MARK.finditer(line):
                    found.append((match.group(1), int(match.group(2)), rel, number, cell, match.group(3)))
    return found


def score(report) -> dict[int, dict[str, int]]:
    findings = defaultdict(set)
    for f in report.findings:
        findings[(f.file, f.line, f.cell)].add(f.rule)
    deps = defaultdict(list)
    for d in report.dependencies:
        for s in d.sources:
            deps[(s.file, s.line, s.cell)].append(d)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "tn": 0})
    for kind, cls, file, line, cell, arg in labels(PROJECT):
        at = (file, line, cell)
        tally = counts[cls]
        if kind == "flag":
            tally["tp" if arg in findings[at] else "fn"] += 1
        elif kind == "clean":
            tally["fp" if any(rule.startswith(arg) for rule in findings[at]) else "tn"] += 1
        elif kind == "dep":
            got = [d.distribution for d in deps[at] if d.status != "unknown"]
            tally["tp" if arg in got else "fn"] += 1
            if arg not in got:
                print(f"  missed: {kind}[{cls}] {arg} at {file}:{line}: {[(d.distribution, d.status) for d in deps[at]]}",
                      file=sys.stderr)
            tally["fp"] += any(name != arg for name in got)
        elif kind == "nodep":
            tally["fp" if deps[at] else "tn"] += 1
        elif kind == "suggest":
            met = any(d.status == "unknown" and getattr(d, "suggestion", None) == arg for d in deps[at])
            tally["tp" if met else "fn"] += 1
            if not met:
                print(f"  missed: {kind}[{cls}] {arg} at {file}:{line} cell {cell}: "
                      f"{[(d.distribution, d.status) for d in deps[at]]}", file=sys.stderr)
            tally["fp"] += any(d.status != "unknown" for d in deps[at])  # taken into the lock unseen
    return counts


def _ratio(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.2f}" if denominator else "  - "


def table(counts: dict[int, dict[str, int]]) -> str:
    lines = [f"{'class':48} {'TP':>3} {'FP':>3} {'FN':>3} {'TN':>3} {'prec':>5} {'recall':>6} {'right':>6}"]
    rows = [(f"{cls:>2} {CLASSES[cls]}", counts[cls]) for cls in sorted(counts)]
    rows.append(("all", {k: sum(c[k] for c in counts.values()) for k in ("tp", "fp", "fn", "tn")}))
    for label, c in rows:
        lines.append(f"{label:48} {c['tp']:>3} {c['fp']:>3} {c['fn']:>3} {c['tn']:>3} "
                     f"{_ratio(c['tp'], c['tp'] + c['fp']):>5} {_ratio(c['tp'], c['tp'] + c['fn']):>6} "
                     f"{_ratio(c['tp'] + c['tn'], sum(c.values())):>6}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Detection precision/recall per class on the fixture project.")
    parser.add_argument("--json", type=Path, help="also write the counts here")
    args = parser.parse_args()
    report = scan_project(PROJECT, ScanOptions(use_cache=False, python=sys.executable))
    counts = score(report)
    print(table(counts))
    if args.json:
        args.json.write_text(json.dumps({CLASSES[k]: v for k, v in sorted(counts.items())}, indent=2))


if __name__ == "__main__":
    main()
