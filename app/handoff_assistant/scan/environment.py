"""The target environment: the data scientist's interpreter, asked in a subprocess.  (STUB)

Only its version, platform and installed distributions are asked for; no project code is imported.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from handoff_assistant.scan.report import TargetEnvironment


class EnvironmentProbeError(Exception):
    """The named interpreter cannot be asked (missing, not Python, crashed)."""


@dataclass(frozen=True)
class InstalledDistribution:
    name: str  # as in its metadata
    version: str
    top_level: tuple[str, ...] = ()  # importable top-level names it provides
    requires: tuple[str, ...] = ()  # PEP 508 requirement strings


@dataclass(frozen=True)
class TargetProbe:
    target: TargetEnvironment
    distributions: tuple[InstalledDistribution, ...] = ()


_PROBE = r"""
import json, sys, platform
from importlib import metadata
dists = []
for d in metadata.distributions():
    top = (d.read_text("top_level.txt") or "").split()
    dists.append({"name": d.metadata["Name"], "version": d.version, "top_level": top, "requires": d.requires or []})
print(json.dumps({"version": platform.python_version(), "platform": sys.platform,
                  "machine": platform.machine(), "executable": sys.executable, "dists": dists}))
"""


def probe_target(root: Path, python: Optional[str] = None) -> TargetProbe:
    interpreter = python or shutil.which("python3") or shutil.which("python")
    if interpreter is None:
        return TargetProbe(TargetEnvironment("", "", "", "", "none"))
    result = subprocess.run([interpreter, "-I", "-c", _PROBE], capture_output=True, text=True, timeout=60,
                            cwd=str(Path.home()))
    if result.returncode != 0:
        raise EnvironmentProbeError(f"{interpreter} did not answer: {result.stderr.strip()[-300:]}")
    data = json.loads(result.stdout)
    dists = tuple(InstalledDistribution(d["name"], d["version"], tuple(d["top_level"]), tuple(d["requires"]))
                  for d in data["dists"])
    target = TargetEnvironment(data["version"], data["platform"], data["machine"], data["executable"],
                               "--python" if python else "PATH", len(dists))
    return TargetProbe(target, dists)
