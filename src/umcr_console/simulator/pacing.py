"""How simulated time relates to real time, and what time events carry.

The server refuses an event whose ``occurred_at`` is more than 5 minutes ahead
of its clock, so simulated time must never run ahead of real time. Two ways
(docs/simulator.md, "The clock"):

- ``REALTIME``: events carry real time; only the waits are compressed by the
  speed factor. A 25 min scene at speed 60 is 25 s on the floor, and the
  floor's own timers run in real time. Right for a live demo of any length.
- ``BACKDATED``: events carry the simulated time itself, which starts
  ``duration * speed`` in the past and reaches the present as the run ends.
  The stored incidents then have true durations (a 25 min scene is 25 min
  from on scene to closed), which is what report and soak checks need. It
  needs a bounded run.

The instant pacer of the pure calibration path never waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Protocol


class ClockMode(StrEnum):
    REALTIME = "realtime"
    BACKDATED = "backdated"


class Pacer(Protocol):
    @property
    def origin(self) -> datetime:
        """Simulated time at the start of the run."""
        ...

    def stamp(self, model_time: datetime) -> datetime:
        """The ``occurred_at`` of something that happens at ``model_time``."""
        ...

    async def wait_until(self, model_time: datetime, stop: asyncio.Event) -> bool:
        """Wait until ``model_time`` is due; False if ``stop`` was set first."""
        ...


class InstantPacer:
    """Simulated time only: no waiting, events carry the simulated time."""

    def __init__(self, origin: datetime) -> None:
        self._origin = origin

    @property
    def origin(self) -> datetime:
        return self._origin

    def stamp(self, model_time: datetime) -> datetime:
        return model_time

    async def wait_until(self, model_time: datetime, stop: asyncio.Event) -> bool:
        return not stop.is_set()


class RealTimePacer:
    """Simulated time runs ``speed`` times faster than real time."""

    def __init__(
        self,
        speed: float,
        mode: ClockMode = ClockMode.REALTIME,
        *,
        duration: float | None = None,
        now: datetime | None = None,
    ) -> None:
        if not speed > 0:
            raise ValueError("the speed must be positive")
        if mode == ClockMode.BACKDATED and (duration is None or duration <= 0):
            raise ValueError("a backdated clock needs a duration")
        self.speed = speed
        self.mode = mode
        # A bounded run ends on time even if the server cannot keep up.
        self._deadline = None if duration is None else duration + max(1.0, 0.05 * duration)
        self._wall_start = now or datetime.now(UTC)
        self._mono_start = time.monotonic()
        if mode == ClockMode.BACKDATED:
            assert duration is not None
            # Simulated time reaches the present exactly when the run ends.
            self._origin = self._wall_start - timedelta(seconds=duration * speed)
        else:
            self._origin = self._wall_start

    @property
    def origin(self) -> datetime:
        return self._origin

    def real_offset(self, model_time: datetime) -> float:
        """Seconds after the start at which ``model_time`` is due."""
        return (model_time - self._origin).total_seconds() / self.speed

    def stamp(self, model_time: datetime) -> datetime:
        if self.mode == ClockMode.BACKDATED:
            return model_time
        return self._wall_start + timedelta(seconds=self.real_offset(model_time))

    async def wait_until(self, model_time: datetime, stop: asyncio.Event) -> bool:
        if self._deadline is not None and time.monotonic() - self._mono_start > self._deadline:
            return False
        delay = self._mono_start + self.real_offset(model_time) - time.monotonic()
        if delay > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)
        return not stop.is_set()
