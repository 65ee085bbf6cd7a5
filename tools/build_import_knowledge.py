"""Build resources/knowledge/pypi-import-names.zip from pigar's database of PyPI wheels (BSD-3-Clause).

    pip download --no-deps pigar==2.2.0 -d /tmp/pigar && unzip -o /tmp/pigar/pigar-*.whl 'pigar/.db.sqlite3' -d /tmp/pigar
    .venv/bin/python tools/build_import_knowledge.py /tmp/pigar/pigar/.db.sqlite3

pigar's table maps every top-level import name found in a PyPI wheel to the distributions that ship it (about
655,000 distributions, 887,000 names). The scan only ever *suggests* from it (see scan/knowledge.py), so the
build keeps what can help a suggestion and drops what only adds noise:
- names that are no importable top-level module (dotted, not identifiers, ``__init__``) or are standard library;
- names shipped by many distributions of which few carry the name (``tests``, ``src``, ``utils``, ``app``): a
  wheel that packs its test folder at the top level says nothing about who provides ``import tests``;
- for a name with more than ``MAX_PROVIDERS`` distributions, those not named after it (``google`` keeps
  ``google-cloud-bigquery`` and drops ``acme-helpers`` that also ships a ``google`` folder).

Output: a zip of ``SHARDS`` tab-separated text members, one per hash bucket of the lower-cased import name, so a
lookup reads and parses one small member (about 10,000 names). A line is
``import_name<TAB>dist[/n] dist[/n] …`` where ``/n`` is how many top-level names the distribution ships (omitted
when 1): the ranking prefers distributions that ship few other names.
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))
from handoff_assistant.scan.knowledge import SHARDS, shard_of  # noqa: E402  (the same hashing as the reader)

from packaging.utils import canonicalize_name  # noqa: E402
from stdlib_list import stdlib_list  # noqa: E402

MAX_PROVIDERS = 200
GENERIC_SHARE = 0.2  # a crowded name survives only if at least this share of its providers is named after it
OUTPUT = Path(__file__).resolve().parents[1] / "resources" / "knowledge" / "pypi-import-names.zip"


def read_pairs(database: Path) -> tuple[dict[str, set[str]], dict[str, int]]:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    rows = connection.execute("SELECT t.name, d.name FROM top_level_module_names t "
                              "JOIN distributions d ON d.id = t.distribution_id")
    providers: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    for name, distribution in rows:
        counts[distribution] += 1
        if name.isidentifier() and name != "__init__":
            providers[name].add(distribution)
    return providers, counts


def prune(providers: dict[str, set[str]]) -> dict[str, list[str]]:
    stdlib = {n.split(".")[0] for version in ("2.7", "3.9", "3.12") for n in stdlib_list(version)}
    kept = {}
    for name, distributions in providers.items():
        if name in stdlib:
            continue
        named = [d for d in distributions if _named_after(d, name)]
        if len(distributions) > MAX_PROVIDERS:
            if len(named) < GENERIC_SHARE * len(distributions):
                continue
            distributions = named
        kept[name] = sorted(distributions, key=str.lower)
    return kept


def _named_after(distribution: str, name: str) -> bool:
    canonical, wanted = canonicalize_name(distribution), canonicalize_name(name)
    return canonical == wanted or canonical.startswith(wanted + "-")


def write(kept: dict[str, list[str]], counts: dict[str, int], output: Path) -> None:
    shards: dict[int, list[str]] = defaultdict(list)
    for name in sorted(kept):
        entries = " ".join(d if counts[d] <= 1 else f"{d}/{counts[d]}" for d in kept[name])
        shards[shard_of(name)].append(f"{name}\t{entries}")
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_suffix(".tmp")
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for shard in range(SHARDS):
            archive.writestr(f"{shard:03d}.tsv", "\n".join(shards[shard]) + "\n")
    temporary.replace(output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path, help="pigar's .db.sqlite3")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    providers, counts = read_pairs(args.database)
    kept = prune(providers)
    write(kept, counts, args.output)
    pairs = sum(len(d) for d in kept.values())
    print(f"{len(kept)} import names, {pairs} pairs -> {args.output} ({args.output.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
