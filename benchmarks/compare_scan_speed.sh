#!/bin/bash
# Scan speed of two versions of the code on one synthetic tree, alternated so a neighbour's load hits both:
#   git archive <commit> | tar -x -C /tmp/before && ln -s ../../resources /tmp/before/app/handoff_assistant/resources
#   benchmarks/compare_scan_speed.sh /tmp/before/app [FILES] [ROUNDS]
# Prints per round the cold scan and three warm rescans as wall/CPU seconds (CPU = user+sys of the scan process
# and its workers, the figure least disturbed by a shared machine).
set -euo pipefail
BEFORE=${1:?the app/ folder of the older code}
FILES=${2:-10000}
ROUNDS=${3:-3}
cd "$(dirname "$0")/.."
WORK=$(mktemp -d /tmp/handoff-compare-XXXX)
trap 'rm -rf "$WORK"' EXIT
.venv/bin/python benchmarks/generate_tree.py "$WORK/tree" --files "$FILES" >/dev/null
TIMEFORMAT=%U+%S
one() {
  { time .venv/bin/python benchmarks/bench_scan.py --measure "$WORK/tree" "$1" > "$WORK/one.json"; } 2> "$WORK/one.cpu"
  .venv/bin/python -c "import json,sys; d=json.load(open(sys.argv[1])); print(f\"{d['seconds']:.2f}/{eval(open(sys.argv[2]).read()):.2f}\", end=' ')" \
    "$WORK/one.json" "$WORK/one.cpu"
}
for round in $(seq "$ROUNDS"); do
  for version in before after; do
    if [ "$version" = before ]; then export PYTHONPATH="$BEFORE"; else unset PYTHONPATH; fi
    cache=$(mktemp -d "$WORK/cache-XXXX")
    echo -n "$round $version cold "; one "$cache"; echo -n " warm "; one "$cache"; one "$cache"; one "$cache"; echo
  done
done
