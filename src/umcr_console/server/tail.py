"""The newest part of the event log, read once per wake-up for every stream of a process.

Without it, each SSE stream reads the database after every commit: with 20
consoles on a process and 20 events a second, 400 reads a second, in threads
that also compete for the GIL with the writer holding the log's lock. With
it, the first stream that finds nothing new in memory reads the log once,
and every other stream at the same place is served from that read.

It changes nothing about what a stream sends: the log is still the only
source, read after a cursor; memory only holds a contiguous run of committed
events (commits happen in seq order, so a read never skips one). The rule
that makes sharing a read safe: a stream takes a ``ticket`` together with the
broadcaster's waiter, before it reads; a read counts for the stream only if
it began after that ticket and reached the end of the log. Every commit
announced before the ticket was in the database when such a read began; a
commit announced after it wakes the stream's waiter. Streams far behind (a
console catching up after hours offline) read the database directly and
leave the shared tail alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from ..domain.events import Event

# (after, limit) -> accepted events with seq > after, ascending.
Reader = Callable[[int, int], Awaitable[list[Event]]]


class HistoryChanged(Exception):
    """The database's log differs from what this process holds in memory.

    The database went back under the process: a failover to a standby that
    had not received the newest events, or a restore. The memory is dropped;
    a stream whose cursor is on the old history must end, so that its
    console reconnects, sees the change and reloads (docs/client.md).
    """


class LogTail:
    def __init__(self, read: Reader, *, capacity: int = 5000) -> None:
        self._read = read
        self._capacity = capacity
        self._events: list[Event] = []  # contiguous seqs, ascending
        self._lock = asyncio.Lock()
        self._started = 0  # database reads begun (numbered from 1)
        self._fresh = 0  # number of the newest read that reached the end of the log

    def bind(self) -> None:
        """Start empty on the running event loop (at application start)."""
        self._events = []
        self._lock = asyncio.Lock()
        self._started = self._fresh = 0

    def forget(self) -> None:
        """Drop what memory holds (after a database error: the database may come back older)."""
        self._events = []

    def ticket(self) -> int:
        """Take it together with the broadcaster's waiter, before ``after``."""
        return self._started

    def _cached(self, cursor: int, limit: int) -> list[Event] | None:
        """Events after ``cursor`` from memory, or None if memory cannot answer."""
        if not self._events:
            return None
        first, last = self._events[0].seq or 0, self._events[-1].seq or 0
        if not first - 1 <= cursor < last:
            return None
        start = cursor - first + 1
        return self._events[start : start + limit]

    async def after(self, cursor: int, ticket: int, limit: int) -> list[Event]:
        """Accepted events with seq > ``cursor`` (at most ``limit``), ascending."""
        found = self._cached(cursor, limit)
        if found is not None:
            return found
        if self._events and cursor < (self._events[0].seq or 0) - 1:
            return await self._read(cursor, limit)  # far behind: straight from the log
        async with self._lock:
            # Another stream may have read while we waited for the lock.
            found = self._cached(cursor, limit)
            if found is not None:
                return found
            if self._fresh > ticket:
                return []  # a read begun after our ticket reached the end: nothing new
            self._started += 1
            number = self._started
            anchor = self._at(cursor)
            if anchor is None:
                found = await self._read(cursor, limit)
            else:
                # Read the event at the cursor too: the log in the database
                # must still hold what memory holds there.
                found = await self._read(cursor - 1, limit + 1)
                if not found or found[0].seq != cursor or found[0].event_id != anchor.event_id:
                    self._events = []
                    raise HistoryChanged(
                        f"the log no longer holds event {anchor.event_id} at seq {cursor}"
                    )
                found = found[1:]
            self._keep(cursor, found)
            if len(found) < limit:
                self._fresh = max(self._fresh, number)
            return found

    def _at(self, seq: int) -> Event | None:
        """The event at ``seq`` if memory holds it."""
        if not self._events or seq < 1:
            return None
        index = seq - (self._events[0].seq or 0)
        return self._events[index] if 0 <= index < len(self._events) else None

    def _keep(self, cursor: int, found: list[Event]) -> None:
        if not found:
            return
        last = (self._events[-1].seq or 0) if self._events else None
        if last != cursor:
            self._events = []  # not contiguous with what we hold: start afresh
        self._events.extend(found)
        if len(self._events) > self._capacity:
            del self._events[: len(self._events) - self._capacity]
