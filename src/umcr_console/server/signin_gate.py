"""Sign-in admission: a flood of sign-ins must not slow anyone who is signed in.

Checking a password costs an Argon2id hash (64 MiB, a fraction of a second
of CPU), and anyone on the network may ask for one. So every sign-in goes
through one ``SignInGate`` (docs/security.md, "Sign-in: lockout, rate limits
and the password policy"):

- it runs in a small thread pool of its own (``workers`` threads), never in
  the thread pool that serves every other request, so hashing can never take
  the threads a snapshot or an event batch needs; and those threads run at a
  lower CPU priority (Linux: a nice value per thread), so when the cores are
  busy a hash waits, not a dispatcher;
- at most ``workers + queue`` sign-ins are admitted at once; one more is
  answered at once with 429 and a Retry-After, without hashing;
- per source address: at most ``per_source`` sign-ins at once, and at most
  ``failures_per_minute`` failed ones a minute (success costs nothing, so a
  floor behind one address can sign in at shift change).

In memory, per server process: a restart forgets the counts (the lockout
itself is in the database).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from starlette.types import ASGIApp, Receive, Scope, Send

T = TypeVar("T")
# Where an admitted sign-in's Ticket is kept (request.state.sign_in_ticket).
TICKET = "sign_in_ticket"
# The source of a request whose transport does not say (a test client).
UNKNOWN_SOURCE = "unknown"

FAILURE_WINDOW = 60.0  # seconds
# The nice value of the sign-in threads (0 is normal; 19 the lowest priority).
HASH_NICE = 15
# Sources remembered before idle ones are swept (a flood from many addresses).
MAX_SOURCES = 10_000


def default_workers() -> int:
    """Half the cores, one to four: the other half stays for the floor's requests."""
    return max(1, min(4, (os.cpu_count() or 2) // 2))


class TooManySignIns(Exception):
    """Answered with 429: ``retry_after`` whole seconds, ``why`` for the person."""

    def __init__(self, retry_after: int, why: str) -> None:
        super().__init__(why)
        self.retry_after = max(1, retry_after)
        self.why = why


@dataclass
class _Source:
    running: int = 0
    failures: deque[float] | None = None


@dataclass
class Ticket:
    """One admitted sign-in. Set ``failed`` if it failed; ``release`` once, when answered."""

    gate: SignInGate
    source: str
    entry: _Source
    failed: bool = False  # set by the sign-in: a wrong password or a locked account
    _released: bool = False

    def release(self) -> None:
        if not self._released:
            self._released = True
            self.gate._release(self)


class SignInGate:
    """Admission, per-source limits and the thread pool of the sign-in endpoint.

    Used from the event loop only (no locks needed); the work itself runs in
    the gate's own threads.
    """

    def __init__(
        self,
        *,
        workers: int | None = None,
        queue: int = 8,
        per_source: int = 4,
        failures_per_minute: int = 30,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.workers = workers or default_workers()
        self.capacity = self.workers + queue
        self.per_source = per_source
        self.failures_per_minute = failures_per_minute
        self._clock = clock
        self._running = 0
        self._sources: dict[str, _Source] = {}
        # Made at the first sign-in, and again after close() (an app may be
        # started more than once, as the in-process tests do).
        self._pool: ThreadPoolExecutor | None = None
        # A rough cost of one sign-in, for the Retry-After of a full gate.
        self._seconds_each = 0.25

    def admit(self, source: str) -> Ticket:
        """A place for one sign-in from ``source``; TooManySignIns if there is none.

        Release the ticket when the sign-in is answered.
        """
        entry = self._admit(source)
        self._running += 1
        entry.running += 1
        return Ticket(self, source, entry)

    async def run(self, work: Callable[[], T]) -> T:
        """``work()`` in the gate's own threads (call with an admitted ticket)."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(
                self.workers, thread_name_prefix="umcr-sign-in", initializer=_lower_priority
            )
        started = self._clock()
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, work)
        finally:
            elapsed = self._clock() - started
            self._seconds_each = 0.8 * self._seconds_each + 0.2 * min(elapsed, 5.0)

    def _release(self, ticket: Ticket) -> None:
        self._running -= 1
        ticket.entry.running -= 1
        if ticket.failed:
            self._failed(ticket.entry)
        if ticket.entry.running == 0 and not ticket.entry.failures:
            self._sources.pop(ticket.source, None)

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def _admit(self, source: str) -> _Source:
        now = self._clock()
        if len(self._sources) > MAX_SOURCES:
            self._forget_idle(now)
        entry = self._sources.get(source) or _Source()
        if entry.failures:
            _expire(entry.failures, now)
            if len(entry.failures) >= self.failures_per_minute:
                wait = entry.failures[0] + FAILURE_WINDOW - now
                raise TooManySignIns(
                    math.ceil(wait),
                    f"too many failed sign-ins from this address "
                    f"({self.failures_per_minute} a minute)",
                )
        if entry.running >= self.per_source:
            raise TooManySignIns(1, "too many sign-ins from this address at once")
        if self._running >= self.capacity:
            # Roughly when the sign-ins ahead will have been checked.
            wait = self._running * self._seconds_each / self.workers
            raise TooManySignIns(math.ceil(wait), "the server is busy with sign-ins")
        self._sources[source] = entry
        return entry

    def _forget_idle(self, now: float) -> None:
        """Drop sources with nothing running and no recent failure (many addresses)."""
        for source, entry in list(self._sources.items()):
            if entry.failures:
                _expire(entry.failures, now)
            if entry.running == 0 and not entry.failures:
                del self._sources[source]

    def _failed(self, entry: _Source) -> None:
        if entry.failures is None:
            entry.failures = deque()
        entry.failures.append(self._clock())


def _lower_priority() -> None:
    """Make the calling thread yield the CPU to the server's other threads.

    Linux schedules threads one by one, so this thread's nice value is its
    own. Elsewhere (Windows, macOS) it is left as it is: the pool's size and
    the admission limits still hold.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASH_NICE)


def _expire(failures: deque[float], now: float) -> None:
    while failures and failures[0] <= now - FAILURE_WINDOW:
        failures.popleft()


class SignInAdmission:
    """ASGI middleware: admits ``POST path`` through the gate before anything else.

    A refused sign-in is answered here with 429, before routing or reading the
    body, so a flood costs the server as little as an answer can. An admitted
    one carries its ticket in ``request.state.sign_in_ticket``.
    """

    def __init__(
        self,
        app: ASGIApp,
        gate: SignInGate,
        path: str,
        refuse: Callable[[TooManySignIns], ASGIApp],
    ) -> None:
        self.app = app
        self.gate = gate
        self.path = path
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        source = str(client[0]) if client else UNKNOWN_SOURCE
        try:
            ticket = self.gate.admit(source)
        except TooManySignIns as busy:
            await self.refuse(busy)(scope, receive, send)
            return
        scope.setdefault("state", {})[TICKET] = ticket
        try:
            await self.app(scope, receive, send)
        finally:
            ticket.release()
