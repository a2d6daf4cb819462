"""Paths a healthy server never takes: a seq missing from the stream, an event that does not apply.

The engine talks to an in-process fake (``httpx.MockTransport`` over
tests/store/fakes.FakeServer) that can leave a seq out of its stream or
send a corrupted event, which the real server never does.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.store.fakes import FakeServer
from umcr_console.domain.enums import EventType
from umcr_console.domain.events import Event, NoteAdded, make_event
from umcr_console.domain.ids import uuid7
from umcr_console.protocol import BatchResult, EventPage, Health
from umcr_console.sync import LinkState
from umcr_console.sync.traffic import Traffic

from .harness import Console

KEEPALIVE = 0.3


class FakeHttp:
    def __init__(self, server: FakeServer) -> None:
        self.server = server
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.skip: set[int] = set()  # seqs the stream leaves out (once)
        self.tamper: dict[int, Event] = {}  # seqs the stream sends wrong (once)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        self.requests.append((request.method, path, dict(request.url.params)))
        if path == "/auth/token":
            body = json.loads(request.content)
            return httpx.Response(
                200,
                json={
                    "access_token": "fake",
                    "token_type": "bearer",
                    "role": "dispatcher",
                    "expires_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
                    "username": body["username"],
                },
            )
        if path == "/health":
            health = Health(version="fake", seq=self.server.seq, time=datetime.now(UTC))
            return httpx.Response(200, json=health.model_dump(mode="json"))
        if path == "/snapshot":
            return httpx.Response(200, json=self.server.snapshot().model_dump(mode="json"))
        if path == "/events" and request.method == "GET":
            after, limit = int(request.url.params["after"]), int(request.url.params["limit"])
            page = EventPage(events=self.server.after(after, limit), last_seq=self.server.seq)
            return httpx.Response(200, json=page.model_dump(mode="json"))
        if path == "/events" and request.method == "POST":
            events = [Event.model_validate(e) for e in json.loads(request.content)["events"]]
            results = BatchResult(results=self.server.post(events, actor="dispatcher1"))
            return httpx.Response(200, json=results.model_dump(mode="json"))
        if path == "/events/stream":
            after = int(request.headers["Last-Event-ID"])
            return httpx.Response(
                200, headers={"content-type": "text/event-stream"}, stream=_Stream(self, after)
            )
        return httpx.Response(404, json={"detail": "no such path"})


class _Stream(httpx.AsyncByteStream):
    def __init__(self, fake: FakeHttp, after: int) -> None:
        self.fake = fake
        self.cursor = after

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"retry: 1000\n\n"
        quiet = 0.0
        while True:
            events = self.fake.server.after(self.cursor)
            if not events:
                await asyncio.sleep(0.02)
                quiet += 0.02
                if quiet >= KEEPALIVE:
                    quiet = 0.0
                    yield b": keep-alive\n\n"
                continue
            out = []
            for event in events:
                seq = event.seq or 0
                if seq in self.fake.skip:
                    self.fake.skip.discard(seq)
                    continue
                sent = self.fake.tamper.pop(seq, event)
                out.append(f"id: {seq}\nevent: {sent.type}\ndata: {sent.model_dump_json()}\n\n")
            self.cursor = events[-1].seq or self.cursor
            if out:
                yield "".join(out).encode()


def fake_console(console_for: Callable[..., Console], fake: FakeHttp, name: str) -> Console:
    return console_for(
        "http://fake", name, keepalive=KEEPALIVE, transport=httpx.MockTransport(fake.handle)
    )


def note_on_some_incident(console: Console, server: FakeServer, text: str) -> None:
    incident = next(iter(server.state.incidents))
    console.call(
        lambda: server.post(
            [
                make_event(
                    EventType.INCIDENT_NOTE_ADDED,
                    incident,
                    NoteAdded(text=text),
                    workstation_id="elsewhere",
                    occurred_at=datetime.now(UTC),
                )
            ],
            actor="dispatcher2",
        )
    )


def state_of(server: FakeServer) -> tuple[dict, dict]:
    return (
        {k: v.model_dump(mode="json") for k, v in server.state.incidents.items()},
        {k: v.model_dump(mode="json") for k, v in server.state.teams.items()},
    )


def test_a_seq_missing_from_the_stream_is_read_from_the_log(
    console_for: Callable[..., Console],
) -> None:
    server = FakeServer()
    fake = FakeHttp(server)
    console = fake_console(console_for, fake, "gap")
    console.wait_drained()
    console.act(Traffic(random.Random(1), "gap"), 3)
    console.wait_drained(server.seq)
    missing = server.seq + 2
    fake.skip.add(missing)
    for i in range(5):
        note_on_some_incident(console, server, f"note {i}")
    console.wait_drained(server.seq)

    assert console.view_dump() == state_of(server)
    pages = [p for method, path, p in fake.requests if (method, path) == ("GET", "/events")]
    assert any(p["after"] == str(missing - 1) for p in pages), pages
    assert [e.seq for e in console.applied] == list(range(7, server.seq + 1))
    assert console.links() == [LinkState.CONNECTING, LinkState.ONLINE]  # no reconnect needed


def test_a_server_event_that_does_not_apply_reloads_the_snapshot(
    console_for: Callable[..., Console], caplog: pytest.LogCaptureFixture
) -> None:
    server = FakeServer()
    fake = FakeHttp(server)
    console = fake_console(console_for, fake, "diverge")
    console.wait_drained()
    console.act(Traffic(random.Random(2), "diverge"), 3)
    console.wait_drained(server.seq)
    bad_seq = server.seq + 1
    corrupt = make_event(
        EventType.INCIDENT_NOTE_ADDED,
        uuid7(),  # an incident nobody has
        NoteAdded(text="lost"),
        workstation_id="elsewhere",
        occurred_at=datetime.now(UTC),
    ).model_copy(update={"seq": bad_seq, "actor": "dispatcher2"})
    fake.tamper[bad_seq] = corrupt
    for i in range(4):
        note_on_some_incident(console, server, f"after {i}")
    console.wait_drained(server.seq)

    assert bad_seq not in fake.tamper  # it was sent
    assert console.view_dump() == state_of(server)
    assert sum(1 for r in fake.requests if r[1] == "/snapshot") == 2
    assert any("reloading the snapshot" in r.getMessage() for r in caplog.records)


class _FailedOverBetweenReads(FakeHttp):
    """The first snapshot comes from a database that is then lost (a primary
    killed between the console's two reads); the log it then reads is the
    new primary's, which never reached that snapshot's seq."""

    def __init__(self, server: FakeServer, lost: FakeServer) -> None:
        super().__init__(server)
        self.lost: FakeServer | None = lost

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/snapshot") and self.lost is not None:
            lost, self.lost = self.lost, None
            self.requests.append((request.method, "/snapshot", {}))
            return httpx.Response(200, json=lost.snapshot().model_dump(mode="json"))
        return await super().handle(request)


def test_a_snapshot_the_log_does_not_reach_is_read_again(
    console_for: Callable[..., Console],
) -> None:
    # The bench of tests/server/test_pg_failover.py once ended with a console
    # whose state no server held: it had kept a snapshot of the lost primary,
    # with no event id at its seq to check the next server against.
    server, lost = FakeServer(), FakeServer()
    traffic = Traffic(random.Random(5), "elsewhere")
    for _ in range(4):
        lost.post([traffic.next(lost.state)], actor="dispatcher2")
    assert lost.seq > server.seq
    fake = _FailedOverBetweenReads(server, lost)
    console = fake_console(console_for, fake, "failover")
    console.wait_drained(server.seq)

    assert console.view_dump() == state_of(server)
    assert console.call(lambda: console.workspace.cursor) == server.seq
    assert sum(1 for r in fake.requests if r[1] == "/snapshot") == 2
