"""container/Dockerfile and .dockerignore: the same environment as the runbook, as a container recipe.

The base image is pinned to the target Python (``python:X.Y.Z-slim``), or to the R version of renv.lock
(``rocker/r-ver:X.Y.Z``), or both: the R image with the Python image's interpreter copied in. Nothing here runs a
container tool; the file is checked in tests with a Dockerfile parser.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from handoff_assistant.bundle.entry_points import BundleEntryPoint
from handoff_assistant.bundle.r_env import REnvironment
from handoff_assistant.bundle.runner_group import RunnerLock
from handoff_assistant.bundle.system_packages import SystemPackages
from handoff_assistant.bundle.templates import render

DOCKERFILE = "container/Dockerfile"
DOCKERIGNORE = ".dockerignore"
RUNNER_PACKAGES = ("python3", "python3-venv")  # the run script and harness need a Python in an R-only image


@dataclass(frozen=True)
class ContainerFacts:
    project_slug: str
    account: str  # the unprivileged user (handoff.yaml service_account)
    home: str  # HANDOFF_HOME inside the image
    python_image_version: str  # "3.8.10", or "3.8" when no patch release is known; "" for R-only projects
    uses_python: bool  # Python packages are locked (pip installs the lock)
    r: REnvironment
    system: SystemPackages
    hashed: bool
    wheels: bool
    runner: RunnerLock = RunnerLock()  # what runs the notebook entry points


def base_images(facts: ContainerFacts) -> tuple[str, ...]:
    """The images the recipe is built on, in the order of its FROM lines."""
    python = f"python:{facts.python_image_version}-slim" if facts.python_image_version else ""
    if facts.r.version:
        return (python, f"rocker/r-ver:{facts.r.version}") if python else (f"rocker/r-ver:{facts.r.version}",)
    return (python or "python:3-slim",)


def container_files(facts: ContainerFacts, entry_points: Iterable[BundleEntryPoint], project_name: str) -> dict[str, str]:
    images = base_images(facts)
    python_stage = len(images) == 2
    r_only = bool(facts.r.version) and not python_stage
    apt = sorted(set(facts.system.debian) | set(facts.system.declared) | (set(RUNNER_PACKAGES) if r_only else set()))
    context = {
        "project_name": project_name, "image_name": facts.project_slug, "home": facts.home, "account": facts.account,
        "python_stage": python_stage, "python_image": images[0], "base_image": images[-1],
        "apt_packages": apt, "needs": facts.system.needs, "declared": facts.system.declared,
        "python": facts.uses_python, "renv": bool(facts.r.lock_text),
        "r_unlocked": [name for name, _ in facts.r.packages] if not facts.r.lock_text else [], "hashed": facts.hashed, "wheels": facts.wheels,
        "entry_points": list(entry_points), "runner_lock": facts.runner.locked, "runner_hashed": facts.runner.hashed,
    }
    return {DOCKERFILE: render("container/Dockerfile.j2", **context),
            DOCKERIGNORE: render("container/dockerignore.j2", project_name=project_name)}
