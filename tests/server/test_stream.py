"""The SSE stream: every accepted event once, in order, across reconnects; keep-alives."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from datetime import timedelta

import pytest

from tests.server.helpers import (
    API,
    PL1,
    SECRETS,
    Api,
    SseParser,
    assigned,
    created,
    note,
    open_stream,
    read_stream_asgi,
    status,
)

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow


def _events(n: int) -> Callable[[SseParser], bool]:
    return lambda parser: len(parser.events) >= n


def _events_then_keepalive(n: int) -> Callable[[SseParser], bool]:
    """n events, then a keep-alive comment that came after them."""
    seen: list[int] = []

    def until(parser: SseParser) -> bool:
        if len(parser.events) < n:
            return False
        if not seen:
            seen.append(parser.comments.count("keep-alive"))
            return False
        return parser.comments.count("keep-alive") > seen[0]

    return until


def test_events_arrive_live_in_order_to_every_subscriber(api: Api) -> None:
    start = api.last_seq()
    users = ("dispatcher1", "dispatcher2", "supervisor")
    readers = [open_stream(api, user, after=start, until=_events(3)) for user in users]
    incident = created()
    seqs = api.accept("dispatcher1", incident, assigned(incident["entity_id"], PL1))
    seqs += api.accept("dispatcher2", status(PL1, "en_route"))
    assert seqs == [start + 1, start + 2, start + 3]
    for reading in readers:
        got = reading.result(timeout=20).events[:3]
        assert [int(m.id) for m in got] == seqs
        assert [m.event for m in got] == [
            "incident.created",
            "incident.team_assigned",
            "team.status_changed",
        ]
        data = got[0].json
        assert data["seq"] == start + 1 and data["event_id"] == incident["event_id"]
        assert data["actor"] == "dispatcher1" and data["recorded_at"]
        # A dispatcher sees the whole call.
        assert data["payload"]["narrative"] == SECRETS["narrative"]


def test_resume_after_last_event_id_skips_nothing_and_repeats_nothing(api: Api) -> None:
    start = api.last_seq()
    batch = [created() for _ in range(5)]
    seqs = api.accept("dispatcher1", *batch)
    # A first connection read up to the second event, then dropped.
    first = open_stream(api, "dispatcher1", after=start, until=_events(2)).result(timeout=20)
    cursor = int(first.events[1].id)
    assert cursor == seqs[1]
    # Reconnect as EventSource does: Last-Event-ID wins over the original ?after=.
    # It reads the rest, then a keep-alive once the stream went quiet.
    reading = open_stream(
        api, "dispatcher1", after=start, last_event_id=cursor, until=_events_then_keepalive(5)
    )
    more = [created() for _ in range(2)]
    seqs += api.accept("dispatcher2", *more)
    second = reading.result(timeout=20)
    ids = [int(m.id) for m in second.events]
    assert ids == seqs[2:], "each event exactly once, in order"
    seen = [int(m.id) for m in first.events[:2]] + ids
    assert seen == list(range(start + 1, start + 8))


def test_keep_alive_comments_on_a_quiet_stream(asgi: Api) -> None:
    api = asgi
    parser = open_stream(
        api,
        "wall",
        after=api.last_seq(),
        until=lambda p: p.comments.count("keep-alive") >= 2,
    ).result(timeout=20)
    assert parser.events == []


def test_without_a_cursor_the_stream_starts_at_the_end(asgi: Api) -> None:
    api = asgi
    api.accept("dispatcher1", created())
    before = api.last_seq()
    reading = open_stream(
        api, "dispatcher1", until=lambda p: any("stream after seq" in c for c in p.comments)
    )
    opened = reading.result(timeout=20)
    assert f"stream after seq {before}" in opened.comments


def test_the_wall_stream_carries_no_personal_data(api: Api) -> None:
    start = api.last_seq()
    reading = open_stream(api, "wall", after=start, until=_events(4))
    incident = created()
    incident_id = incident["entity_id"]
    api.accept(
        "dispatcher1",
        incident,
        assigned(incident_id, PL1),
        status(PL1, "en_route", note=SECRETS["status_note"]),
        note(incident_id, SECRETS["note"]),
    )
    parser = reading.result(timeout=20)
    text = json.dumps([m.data for m in parser.events])
    for secret in SECRETS.values():
        assert secret not in text
    created_event = parser.events[0].json
    assert created_event["payload"]["location"]["address"] == ""
    assert created_event["payload"]["call_type"] == "welfare_check"


def test_streams_need_a_token(asgi: Api) -> None:
    api = asgi
    answer = api.client.get(f"{API}/events/stream")
    assert answer.status_code == 401


def test_a_stream_ends_when_its_token_expires(asgi: Api) -> None:
    clock = asgi.clock
    assert clock is not None
    headers = asgi.headers("dispatcher1")

    def expire_once_open(parser: SseParser) -> bool:
        # Runs on the server's loop as data arrives: once the stream is open,
        # the shift ends.
        if parser.comments and clock.shift < timedelta(hours=13):
            clock.advance(timedelta(hours=13))
        return False

    started = time.monotonic()
    reading = asgi.client.portal.start_task_soon(
        functools.partial(
            read_stream_asgi,
            asgi.app,
            headers,
            query=f"after={asgi.last_seq()}",
            until=expire_once_open,
            allow_end=True,
        )
    )
    parser = reading.result(timeout=20)
    assert parser.ended and time.monotonic() - started < 10
