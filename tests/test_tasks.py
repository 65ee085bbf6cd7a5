"""Shared task helpers: ``alongside`` runs waiting work in another thread while the caller works."""
from __future__ import annotations

import threading

import pytest

from handoff_assistant.tasks import alongside


def test_alongside_runs_the_function_in_another_thread_and_hands_back_its_result():
    started = threading.Event()

    def wait_for_the_caller(release: threading.Event) -> str:
        started.set()
        assert release.wait(10)
        return threading.current_thread().name

    release = threading.Event()
    with alongside(wait_for_the_caller, release) as answer:
        assert started.wait(10)  # running while the block runs: the caller has not asked for the result yet
        release.set()
        name = answer.result(10)
    assert name != threading.current_thread().name and name.startswith("handoff-alongside")


def test_alongside_hands_back_the_functions_error():
    def fails() -> None:
        raise ValueError("the interpreter was not found")

    with alongside(fails) as answer, pytest.raises(ValueError, match="was not found"):
        answer.result(10)
