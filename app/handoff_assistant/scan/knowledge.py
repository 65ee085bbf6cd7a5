"""The long-tail knowledge base: which PyPI distributions ship a top-level import name, as evidence only.

Source: pigar's database of PyPI wheels (https://github.com/damnever/pigar, BSD-3-Clause), pruned and packed by
``tools/build_import_knowledge.py`` into ``resources/knowledge/pypi-import-names.zip``. The table says who *ships*
a name, not who is meant: pigar choosing from it alone picks ``sklearn``'s dummy package or a squatted internal
name. So the scan never takes an answer from here into the lock; it ranks the candidates and *suggests* one only
when one stands out (see ``rank``), and a person accepts it (``resolutions`` in handoff.yaml).

Loaded lazily: nothing is read until an import is left unknown by the target environment, the declarations and
the curated map; then one small member of the zip (one hash bucket of names) is read and kept.
"""
from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from packaging.utils import canonicalize_name

from handoff_assistant.assets import resource_path

SHARDS = 512
_ARCHIVE = ("knowledge", "pypi-import-names.zip")
SOURCE = "pigar 2.2.0 database of PyPI wheels (BSD-3-Clause)"


def shard_of(name: str) -> int:
    """The bucket of an import name: stable across processes and Python versions (not ``hash``)."""
    return zlib.crc32(name.lower().encode("utf-8")) % SHARDS


@dataclass(frozen=True)
class KnownProvider:
    distribution: str
    top_level_count: int = 1  # how many top-level names the distribution ships


def providers(top_level: str) -> tuple[KnownProvider, ...]:
    """Distributions that ship ``top_level`` according to the table; () when the table does not know it."""
    text = _shard(shard_of(top_level))
    start = text.find(f"\n{top_level}\t")
    if start < 0:
        return ()
    start += len(top_level) + 2
    end = text.find("\n", start)
    return tuple(_provider(entry) for entry in text[start:end].split())


@lru_cache(maxsize=SHARDS)
def _shard(number: int) -> str:
    """One bucket as text, starting with a newline so every name is found as ``\\nname\\t``."""
    archive = _archive()
    if archive is None:
        return ""
    try:
        return "\n" + archive.read(f"{number:03d}.tsv").decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile):
        return ""


@lru_cache(maxsize=1)
def _archive() -> Optional[zipfile.ZipFile]:
    try:
        return zipfile.ZipFile(resource_path(*_ARCHIVE))
    except (OSError, zipfile.BadZipFile):
        return None  # a build without the table: no suggestions, never an error


def _provider(entry: str) -> KnownProvider:
    name, _, count = entry.partition("/")
    return KnownProvider(name, int(count) if count.isdigit() else 1)


@dataclass(frozen=True)
class Suggestion:
    """What the table suggests for one import: every candidate, best first, and the pick if one stands out."""

    import_name: str  # the module path the candidates answer for ("google.cloud.bigquery", "umap")
    candidates: tuple[str, ...]
    pick: Optional[str]  # None when ambiguous: a person must choose


@lru_cache(maxsize=4096)
def suggest(module: str, curated: tuple[str, ...] = ()) -> Optional[Suggestion]:
    """Rank the distributions that ship ``module``'s top-level name.

    Best first: a distribution the curated map names; one named like the full dotted module path (or its
    longest prefix: ``google.cloud.bigquery.client`` → ``google-cloud-bigquery``); one named exactly like the
    import; then the fewest other top-level names. A pick is made only when the best is the only candidate or
    wins on one of the naming criteria against every other candidate; a win on "fewest names" alone is a guess.
    """
    top = module.split(".")[0]
    found = providers(top)
    if not found:
        return None
    curated_names = {canonicalize_name(name) for name in curated}
    prefixes = _dotted_prefixes(module)
    scored = sorted(((_naming_score(p.distribution, curated_names, prefixes, top), p.top_level_count,
                      p.distribution.lower(), p.distribution) for p in found))
    ranked = tuple(entry[3] for entry in scored)
    best = scored[0]
    clear = len(scored) == 1 or (best[0] < (9, 0) and best[0] < scored[1][0])
    import_name = _answered_path(best[3], prefixes) or top
    return Suggestion(import_name, ranked, best[3] if clear else None)


def _naming_score(distribution: str, curated: set[str], prefixes: list[str], top: str) -> tuple[int, int]:
    """Lower is better: (criterion, -length of the matched dotted path)."""
    canonical = canonicalize_name(distribution)
    if canonical in curated:
        return 0, 0
    for prefix in prefixes:
        if _named_like(canonical, prefix):
            return 1, -prefix.count(".")
    if canonical == canonicalize_name(top):
        return 2, 0
    return 9, 0


def _dotted_prefixes(module: str) -> list[str]:
    """Dotted prefixes of two parts or more, longest first."""
    parts = module.split(".")
    return [".".join(parts[:end]) for end in range(len(parts), 1, -1)]


def _answered_path(distribution: str, prefixes: list[str]) -> Optional[str]:
    canonical = canonicalize_name(distribution)
    return next((prefix for prefix in prefixes if _named_like(canonical, prefix)), None)


def _named_like(canonical: str, dotted: str) -> bool:
    """``google-cloud-bigquery`` for ``google.cloud.bigquery``; also with an organisation's prefix
    (``apache-airflow-providers-google`` for ``airflow.providers.google``)."""
    wanted = canonicalize_name(dotted)
    return canonical == wanted or canonical.endswith("-" + wanted)
