"""Tiny real wheels made in tests, so pip, pip-compile and venvs run offline and deterministically.

A wheel is a zip with the package's modules, METADATA, WHEEL and RECORD; writing it directly is
much faster than building with setuptools and gives the same bytes every time.
"""
from __future__ import annotations

import base64
import hashlib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

FIXED_DATE = (2024, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class WheelSpec:
    name: str  # distribution name, e.g. "tiny-pandas"
    version: str
    modules: dict[str, str] = field(default_factory=dict)  # "tiny_pandas/__init__.py" -> source
    requires: tuple[str, ...] = ()  # PEP 508 strings
    top_level_txt: bool = True  # many modern wheels have none; importers must read RECORD instead
    requires_python: str = ""  # Requires-Python metadata, e.g. ">=3.10"; resolvers skip the wheel for older ones

    @property
    def normalized(self) -> str:
        return self.name.replace("-", "_").replace(".", "_")


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def build_wheel(spec: WheelSpec, dest: Path) -> Path:
    """Write ``spec`` as a py3-none-any wheel into ``dest`` and return its path."""
    dest.mkdir(parents=True, exist_ok=True)
    modules = spec.modules or {f"{spec.normalized}/__init__.py": f'__version__ = "{spec.version}"\n'}
    dist_info = f"{spec.normalized}-{spec.version}.dist-info"
    metadata = "\n".join(
        ["Metadata-Version: 2.1", f"Name: {spec.name}", f"Version: {spec.version}"]
        + ([f"Requires-Python: {spec.requires_python}"] if spec.requires_python else [])
        + [f"Requires-Dist: {req}" for req in spec.requires]
    ) + "\n"
    top_levels = sorted({path.split("/")[0].removesuffix(".py") for path in modules})
    files = dict(modules)
    files[f"{dist_info}/METADATA"] = metadata
    files[f"{dist_info}/WHEEL"] = "Wheel-Version: 1.0\nGenerator: handoff-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    if spec.top_level_txt:
        files[f"{dist_info}/top_level.txt"] = "\n".join(top_levels) + "\n"
    record = [_record_line(path, text.encode()) for path, text in sorted(files.items())]
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = "\n".join(record) + "\n"
    wheel_path = dest / f"{spec.normalized}-{spec.version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in sorted(files.items()):
            archive.writestr(zipfile.ZipInfo(path, FIXED_DATE), text)
    return wheel_path


def build_wheelhouse(dest: Path, specs: list[WheelSpec]) -> Path:
    for spec in specs:
        build_wheel(spec, dest)
    return dest


def offline_pip_env(wheelhouse: Path) -> dict[str, str]:
    """Environment variables that make pip and pip-compile use only ``wheelhouse`` and ignore machine config."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update({
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheelhouse),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    })
    return env
