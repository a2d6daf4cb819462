"""Fan-out: wake every event stream after a commit.

The broadcaster carries no events, only "something new was committed".
Each stream then reads what follows its own cursor from the database, so the
order and completeness of what a console receives come from the log itself,
never from in-memory queues that could drop or reorder. Events written by
another server process on the same database arrive at the next keep-alive,
when every stream re-reads the log anyway.
"""

from __future__ import annotations

import asyncio


class Broadcaster:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake = asyncio.Event()
        self.closed = False
        # How many times notify ran: a listener can tell its own commits from others'.
        self.generation = 0

    def bind(self) -> None:
        """Attach to the running event loop (at application start)."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self.closed = False

    def waiter(self) -> asyncio.Event:
        """The event the next notify sets; take it BEFORE reading the log.

        A commit between the read and the wait then still wakes the stream:
        the event it captured is already set.
        """
        return self._wake

    def notify(self) -> None:
        """Wake every waiting stream; call on the event loop."""
        self.generation += 1
        wake, self._wake = self._wake, asyncio.Event()
        wake.set()

    def notify_threadsafe(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self.notify)

    def close(self) -> None:
        """End every stream (server shutdown), so shutdown need not wait for clients."""
        self.closed = True
        self.notify()

    def close_threadsafe(self) -> None:
        """``close`` from a signal handler or another thread."""
        self.closed = True
        self.notify_threadsafe()

    @staticmethod
    async def wait(waiter: asyncio.Event, timeout: float) -> bool:
        """True if woken, False after ``timeout`` seconds of quiet."""
        try:
            await asyncio.wait_for(waiter.wait(), timeout)
        except TimeoutError:
            return False
        return True
