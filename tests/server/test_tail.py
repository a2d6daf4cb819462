"""LogTail: one read of the log serves every stream, and never hides a commit from one."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from umcr_console.domain.events import Event
from umcr_console.domain.ids import uuid7
from umcr_console.server.tail import LogTail


class FakeLog:
    """The event log as a list; each read sees the log as it was when the read began."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.reads: list[int] = []  # the cursor of each read
        self.hold: asyncio.Event | None = None  # set: reads finish; clear: they wait

    def commit(self, count: int = 1) -> None:
        for _ in range(count):
            seq = len(self.events) + 1
            self.events.append(
                Event(
                    event_id=uuid7(),
                    type="incident.note_added",
                    entity_id=uuid7(),
                    occurred_at=datetime.now(UTC),
                    workstation_id="ws",
                    payload={"text": str(seq)},
                    seq=seq,
                )
            )

    async def read(self, after: int, limit: int) -> list[Event]:
        self.reads.append(after)
        seen = list(self.events)  # the read's snapshot, taken when it begins
        if self.hold is not None:
            await self.hold.wait()
        return [e for e in seen if (e.seq or 0) > after][:limit]


def seqs(events: list[Event]) -> list[int]:
    return [e.seq or 0 for e in events]


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


def test_streams_at_one_place_share_one_read() -> None:
    async def scenario() -> None:
        log = FakeLog()
        tail = LogTail(log.read)
        tail.bind()
        log.commit(3)
        tickets = [tail.ticket() for _ in range(10)]
        answers = await asyncio.gather(*(tail.after(0, t, 100) for t in tickets))
        assert all(seqs(a) == [1, 2, 3] for a in answers)
        assert log.reads == [0]
        # Caught up, and a read begun after their tickets found nothing more: no read.
        tickets = [tail.ticket() for _ in range(10)]
        log.reads.clear()
        answers = await asyncio.gather(*(tail.after(3, t, 100) for t in tickets))
        # (each read past the tail starts one earlier: it re-reads the event at the cursor)
        assert answers == [[]] * 10 and log.reads == [2]
        # A stream behind the newest event but inside the tail: from memory.
        log.reads.clear()
        assert seqs(await tail.after(1, tail.ticket(), 100)) == [2, 3]
        assert seqs(await tail.after(0, tail.ticket(), 2)) == [1, 2]
        assert log.reads == []

    run(scenario())


def test_a_read_begun_before_a_stream_took_its_ticket_does_not_count_for_it() -> None:
    async def scenario() -> None:
        log = FakeLog()
        tail = LogTail(log.read)
        tail.bind()
        log.hold = asyncio.Event()
        early = asyncio.ensure_future(tail.after(0, tail.ticket(), 100))
        await asyncio.sleep(0)  # the early read has begun: it cannot see what follows
        log.commit()  # ... committed and announced; then a stream takes its ticket
        late_ticket = tail.ticket()
        late = asyncio.ensure_future(tail.after(0, late_ticket, 100))
        await asyncio.sleep(0)
        log.hold.set()
        assert await early == []
        # The late stream must not trust the early read: it reads and finds seq 1.
        assert seqs(await late) == [1]
        assert log.reads == [0, 0]

    run(scenario())


def test_a_full_page_is_not_the_end_of_the_log() -> None:
    async def scenario() -> None:
        log = FakeLog()
        tail = LogTail(log.read)
        tail.bind()
        log.commit(5)
        ticket = tail.ticket()
        assert seqs(await tail.after(0, ticket, 2)) == [1, 2]
        # The next stream (same ticket) is past the tail: the page was full, so it reads.
        assert seqs(await tail.after(2, ticket, 2)) == [3, 4]
        assert seqs(await tail.after(4, ticket, 2)) == [5]
        assert await tail.after(5, ticket, 2) == []
        assert log.reads == [0, 1, 3]  # each from the event at the cursor, to check it

    run(scenario())


def test_far_behind_reads_straight_from_the_log_and_the_tail_stays_bounded() -> None:
    async def scenario() -> None:
        log = FakeLog()
        tail = LogTail(log.read, capacity=10)
        tail.bind()
        log.commit(30)
        cursor = 0
        while cursor < 30:
            page = await tail.after(cursor, tail.ticket(), 7)
            assert seqs(page) == list(range(cursor + 1, min(cursor + 7, 30) + 1))
            cursor = seqs(page)[-1]
        log.reads.clear()
        # Events 21..30 are held; a console at 5 catches up from the log itself.
        assert seqs(await tail.after(5, tail.ticket(), 3)) == [6, 7, 8]
        assert log.reads == [5]
        assert seqs(await tail.after(20, tail.ticket(), 100)) == list(range(21, 31))
        assert log.reads == [5]
        # A stream ahead of the tail (it read the log itself): its read replaces the tail.
        log.commit(5)
        assert seqs(await tail.after(32, tail.ticket(), 100)) == [33, 34, 35]
        assert seqs(await tail.after(33, tail.ticket(), 100)) == [34, 35]
        assert log.reads == [5, 32]

    run(scenario())


def test_a_log_that_went_back_is_not_served_from_memory() -> None:
    """Failover to a standby that lacked the newest events: memory must not outlive them."""

    async def scenario() -> None:
        from umcr_console.server.tail import HistoryChanged

        log = FakeLog()
        tail = LogTail(log.read)
        tail.bind()
        log.commit(5)
        old = await tail.after(0, tail.ticket(), 100)
        # The new primary has only the first 3, then other events at 4 and 5.
        log.events = log.events[:3]
        log.commit(2)
        assert [e.event_id for e in log.events[3:]] != [e.event_id for e in old[3:]]
        # A stream at the old end reads on: the change is found, memory dropped.
        try:
            await tail.after(5, tail.ticket(), 100)
        except HistoryChanged:
            pass
        else:
            raise AssertionError("a stream on the old history must end")
        # A console that reloaded at seq 3 gets the new events, not the old ones.
        fresh = await tail.after(3, tail.ticket(), 100)
        assert [e.event_id for e in fresh] == [e.event_id for e in log.events[3:]]

    run(scenario())


def test_forget_drops_memory() -> None:
    async def scenario() -> None:
        log = FakeLog()
        tail = LogTail(log.read)
        tail.bind()
        log.commit(3)
        await tail.after(0, tail.ticket(), 100)
        reads = len(log.reads)
        tail.forget()
        log.events = log.events[:1]
        log.commit(2)
        again = await tail.after(1, tail.ticket(), 100)
        assert len(log.reads) == reads + 1  # from the database, not memory
        assert [e.event_id for e in again] == [e.event_id for e in log.events[1:]]

    run(scenario())
