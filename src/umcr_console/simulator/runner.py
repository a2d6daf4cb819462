"""Running the simulator against a server: in this loop, or in a thread of its own."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from .calls import Places
from .engine import Simulator, Stats
from .http import Credentials, HttpFloor, SimulatorError
from .pacing import ClockMode, RealTimePacer
from .params import Parameters

log = logging.getLogger(__name__)

# Seconds a stopping run may take to finish its step before it is cancelled.
GRACE_S = 1.0
# Real seconds between looks at the floor when the simulator has nothing to do.
POLL_S = 0.5


async def simulate(
    url: str,
    dispatcher: Credentials,
    *,
    field_users: Sequence[Credentials] = (),
    field_page: bool = False,
    rate: float = 18.0,
    speed: float = 60.0,
    duration: float | None = None,
    seed: int | str | None = None,
    clock: ClockMode = ClockMode.REALTIME,
    warmup_calls: int = 0,
    params: Parameters | None = None,
    places: Places | None = None,
    stop: asyncio.Event | None = None,
) -> Stats:
    """Drive the server at ``url`` until ``duration`` real seconds pass or ``stop`` is set.

    ``rate`` is calls per simulated day, ``speed`` simulated seconds per real
    second. The served divisions and teams are the server's own
    (``GET /deployment``, ``GET /snapshot``).
    """
    if duration is not None and duration <= 0:
        raise ValueError("the duration must be positive")
    params = replace((params or Parameters()).with_rate(rate), warmup_calls=warmup_calls)
    if places is None:
        from .places import division_places

        places = division_places()
    async with HttpFloor(url, dispatcher, field_users, field_page=field_page) as floor:
        assert floor.deployment is not None
        missing = set(floor.deployment.divisions) - set(
            getattr(places, "names", floor.deployment.divisions)
        )
        if missing:
            raise SimulatorError(f"no outline for division(s) {', '.join(sorted(missing))}")
        pacer = RealTimePacer(speed, clock, duration=duration)
        sim = Simulator(
            floor,
            pacer,
            floor.deployment,
            places,
            params=params,
            seed=seed,
            workstation_id=f"simulator-{dispatcher.username}"[:100],
            poll_every=timedelta(seconds=POLL_S * speed),
        )
        until = pacer.origin + timedelta(seconds=duration * speed) if duration else None
        log.info(
            "simulating %.1f calls/day at x%g (%s clock), seed %s, as %s%s",
            rate,
            speed,
            clock,
            sim.stats.seed,
            dispatcher.username,
            f" with {len(floor.field_teams)} field user(s)" if floor.field_teams else "",
        )
        stats = await sim.run(until=until, stop=stop)
        stats.field_page_reads = floor.field_page_reads
        stats.positions_sent = floor.positions_sent
        return stats


class SimulatorThread:
    """``simulate`` in a thread with its own event loop (for a Qt app or a test).

    ``stop()`` asks the run to end at its next step and, if it does not within
    the timeout, cancels it; the thread never outlives ``stop()`` by design.
    """

    def __init__(self, url: str, dispatcher: Credentials, **kwargs: object) -> None:
        self._args = (url, dispatcher)
        self._kwargs = kwargs
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._task: asyncio.Task[Stats] | None = None
        self._started = threading.Event()
        self.stats: Stats | None = None
        self.error: BaseException | None = None

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the simulator thread was started already")
        self._thread = threading.Thread(target=self._main, name="umcr-simulator", daemon=True)
        self._thread.start()
        self._started.wait()

    def _main(self) -> None:
        try:
            asyncio.run(self._run())
        except BaseException as exc:  # reported to the owner, never lost in the thread
            self.error = self.error or exc

    async def _run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(
            simulate(*self._args, stop=self._stop, **self._kwargs)  # type: ignore[arg-type]
        )
        self._started.set()
        try:
            self.stats = await self._task
        except asyncio.CancelledError:
            log.info("simulator cancelled")
        except Exception as exc:
            log.exception("the simulator stopped on an error")
            self.error = exc

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout: float = 10.0) -> bool:
        """End the run and the thread; True if the thread has ended."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return True
        if thread.is_alive():
            # RuntimeError: the loop has closed already, the thread is ending.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._set_stop)
            # The run ends at its next step; a request in flight (or the
            # sign-in) does not look at the flag, so cancel it soon.
            thread.join(min(GRACE_S, timeout))
        if thread.is_alive():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._cancel)
            thread.join(max(0.0, timeout - GRACE_S))
        return not thread.is_alive()

    def _set_stop(self) -> None:
        if self._stop is not None:
            self._stop.set()

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
