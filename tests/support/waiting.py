"""Waiting for a condition: poll with a deadline, never a bare sleep.

``until`` in async tests (it yields to the loop), ``wait_for`` in threads and
plain tests. Both fail naming what they waited for.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

DEADLINE_S = 20.0
T = TypeVar("T")


async def until(condition: Callable[[], bool], what: str, deadline_s: float = DEADLINE_S) -> None:
    """Return as soon as ``condition()`` holds; fail naming ``what`` after the deadline."""
    deadline = time.monotonic() + deadline_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def wait_for(condition: Callable[[], T], timeout: float, what: str, step: float = 0.05) -> T:
    """The first truthy value of ``condition()``, polled every ``step`` seconds; fail
    naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(step)
