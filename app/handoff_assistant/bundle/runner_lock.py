"""Locking the runner group (runner_group.py) with the production lock's engine, target and pins."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Sequence

from handoff_assistant.bundle.lock import (DirectRequirements, LockRequest, LockResult, lock_dependencies,
                                          with_index_lines)
from handoff_assistant.bundle.options import LockError
from handoff_assistant.bundle.runner_group import RunnerLock, RunnerPlan, runner_requirements_in
from handoff_assistant.tasks import CancelToken


def lock_runner_group(plan: RunnerPlan, production: LockResult, request: LockRequest, project_name: str,
                      index_lines: Sequence[str], cancel: CancelToken) -> RunnerLock:
    """Lock the runners with the same engine and target as production, in a folder of its own."""
    if not plan.needs:
        return RunnerLock(plan)
    pins = [f"{d.name}=={d.version}" + (f" ; {d.marker}" if d.marker else "") for d in production.locked]
    text = runner_requirements_in(plan, pins, project_name, index_lines)
    direct = DirectRequirements(tuple(pins) + plan.distributions, ())
    with tempfile.TemporaryDirectory(prefix="handoff-runner-") as folder:
        try:
            result = lock_dependencies(direct, text, Path(folder), request, cancel)
        except LockError as error:
            return RunnerLock(plan, text, problem=str(error))
    missing = [u.name for u in result.unlocked]
    if missing:
        return RunnerLock(plan, text, problem=f"not in the target environment: {', '.join(missing)}")
    return RunnerLock(plan, text, with_index_lines(result.requirements_txt, index_lines) if index_lines
                      else result.requirements_txt, result.hashed)
