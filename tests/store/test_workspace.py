"""The view: confirmed state + pending events, rejections, reloads, incremental recompute."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from umcr_console.domain.enums import EventType, IncidentState, TeamStatus
from umcr_console.domain.events import (
    Closed,
    Event,
    NoteAdded,
    StatusChanged,
    TeamAssigned,
)
from umcr_console.domain.privacy import redact_event, redact_incident
from umcr_console.protocol import EventResult
from umcr_console.store import Counts, LocalStore, StateDiverged, Workspace
from umcr_console.sync.traffic import ASSIGN, CREATE, NOTE, STATUS, Traffic

from .fakes import FakeServer


def open_ws(tmp_path: Path, name: str, actor: str = "dispatcher1") -> Workspace:
    return Workspace(LocalStore(tmp_path / f"{name}.db"), actor=actor, workstation_id=name)


def push(ws: Workspace, server: FakeServer, limit: int = 500) -> list[EventResult]:
    return server.post(ws.unsent(limit), actor=ws.actor)


def deliver(ws: Workspace, server: FakeServer) -> None:
    ws.apply_server_events(server.after(ws.cursor))


def sync(ws: Workspace, server: FakeServer) -> None:
    while ws.unsent(1):
        ws.handle_results(push(ws, server))
    deliver(ws, server)


def create(ws: Workspace, traffic: Traffic) -> Event:
    event = traffic.create()
    ws.submit(event)
    return event


def event_seq(server: FakeServer, event: Event) -> int:
    return server.seq_of[event.event_id]


def team_id(server: FakeServer, call_sign: str) -> str:
    return next(t.id for t in server.state.teams.values() if t.call_sign == call_sign)


def view_dump(ws: Workspace) -> tuple[dict, dict]:
    return (
        {k: v.model_dump() for k, v in ws.view.incidents.items()},
        {k: v.model_dump() for k, v in ws.view.teams.items()},
    )


def server_dump(server: FakeServer) -> tuple[dict, dict]:
    return (
        {k: v.model_dump() for k, v in server.state.incidents.items()},
        {k: v.model_dump() for k, v in server.state.teams.items()},
    )


@pytest.fixture
def server() -> FakeServer:
    return FakeServer()


@pytest.fixture
def traffic() -> Traffic:
    return Traffic(random.Random(7), "ws-test")


def test_a_submitted_event_shows_at_once_and_is_marked_pending(
    tmp_path: Path, server: FakeServer, traffic: Traffic
) -> None:
    ws = open_ws(tmp_path, "a")
    deliver(ws, server)
    seen: list[frozenset[str]] = []
    counts: list[Counts] = []
    ws.incidents_changed.connect(seen.append)
    ws.counts_changed.connect(counts.append)

    event = create(ws, traffic)

    incident = ws.view.incidents[event.entity_id]
    assert incident.number == "pending"
    assert incident.created_by == "dispatcher1"
    assert ws.is_pending(event.entity_id)
    assert seen == [frozenset({event.entity_id})]
    assert counts == [Counts(pending=1, unsent=1, rejected=0, conflicts=0)]
    assert ws.confirmed.incidents == {}
    # The outbox records who made it (docs/security.md, "Who did it").
    assert [p.event for p in ws.pending_items()] == [
        event.model_copy(update={"author": "dispatcher1"})
    ]


def test_a_round_trip_ends_with_the_server_state_and_nothing_pending(
    tmp_path: Path, server: FakeServer, traffic: Traffic
) -> None:
    ws = open_ws(tmp_path, "a")
    deliver(ws, server)
    made = [create(ws, traffic)]
    for _ in range(30):
        event = traffic.next(ws.view)
        ws.submit(event)
        made.append(event)

    ws.handle_results(push(ws, server))
    # Accepted but not yet back from the stream: still pending, numbered already.
    assert ws.counts.unsent == 0 and ws.pending_count == len(made)
    assert ws.view.incidents[made[0].entity_id].number.startswith("U")
    deliver(ws, server)

    assert ws.pending_count == 0
    assert not ws.is_pending(made[0].entity_id)
    assert view_dump(ws) == server_dump(server)
    assert [e.event_id for e in server.log[-len(made) :]] == [e.event_id for e in made]
    assert ws.store.outbox_count() == 0


def test_our_event_arriving_on_the_stream_before_its_answer_is_applied_once(
    tmp_path: Path, server: FakeServer, traffic: Traffic
) -> None:
    ws = open_ws(tmp_path, "a")
    deliver(ws, server)
    event = create(ws, traffic)
    ws.submit(ws.new_event(EventType.INCIDENT_NOTE_ADDED, event.entity_id, NoteAdded(text="hi")))
    results = push(ws, server)

    deliver(ws, server)  # the stream is faster than the POST answer
    assert ws.pending_count == 0
    ws.handle_results(results)  # nothing left to do

    assert ws.pending_count == 0
    assert len(ws.view.incidents[event.entity_id].notes) == 1
    assert view_dump(ws) == server_dump(server)


def test_two_consoles_take_the_same_team_one_is_rejected_with_a_notice(
    tmp_path: Path, server: FakeServer, traffic: Traffic
) -> None:
    a, b = open_ws(tmp_path, "a"), open_ws(tmp_path, "b", actor="dispatcher2")
    sync(a, server)
    sync(b, server)
    incident_a, incident_b = create(a, traffic), create(b, traffic)
    sync(a, server)
    sync(b, server)
    team = team_id(server, "EX-1")
    # Both offline: both take EX-1, and b moves it on at once.
    a.submit(
        a.new_event(
            EventType.INCIDENT_TEAM_ASSIGNED, incident_a.entity_id, TeamAssigned(team_id=team)
        )
    )
    b.submit(
        b.new_event(
            EventType.INCIDENT_TEAM_ASSIGNED, incident_b.entity_id, TeamAssigned(team_id=team)
        )
    )
    en_route = b.new_event(
        EventType.TEAM_STATUS_CHANGED, team, StatusChanged(status=TeamStatus.EN_ROUTE)
    )
    b.submit(en_route)
    assert b.view.teams[team].status == TeamStatus.EN_ROUTE
    notices = []
    b.rejection_added.connect(notices.append)

    sync(a, server)
    # b hears of a's assignment first: its own pending assignment no longer applies locally.
    deliver(b, server)
    assert [p.conflict is not None for p in b.pending_items()] == [True, False]
    sync(b, server)

    assert b.pending_count == 0
    [notice] = notices
    assert notice.code == "team_unavailable"
    assert notice.team_id == team and notice.incident_id == incident_b.entity_id
    number = b.view.incidents[incident_b.entity_id].number
    assert f"Assigning team EX-1 to incident {number} was rejected" in notice.summary
    assert "not available" in notice.summary and "Choose another available team" in notice.summary
    assert b.rejected == [notice]
    assert b.counts.rejected == 1
    # The en-route step was judged by the server on a's assignment: it applied to a's incident.
    assert server.state.teams[team].incident_id == incident_a.entity_id
    deliver(a, server)
    assert view_dump(a) == view_dump(b) == server_dump(server)
    assert b.view.incidents[incident_b.entity_id].state == IncidentState.PENDING


def test_a_rejection_is_kept_across_restarts_until_acknowledged(
    tmp_path: Path, server: FakeServer
) -> None:
    ws = open_ws(tmp_path, "a")
    sync(ws, server)
    team = team_id(server, "PL-1")
    # An off-duty team cannot go on scene: the server refuses.
    ws.submit(ws.new_event(EventType.TEAM_STATUS_CHANGED, team, StatusChanged(status="on_scene")))
    assert ws.pending_items()[0].conflict is not None
    sync(ws, server)
    [notice] = ws.rejected
    assert "Setting team PL-1 to on scene was rejected" in notice.summary
    ws.store.close()

    again = open_ws(tmp_path, "a")
    assert [n.id for n in again.rejected] == [notice.id]
    again.acknowledge(notice.id)
    assert again.rejected == []
    assert again.counts.rejected == 0
    [row] = again.store.rejections(include_acknowledged=True)
    assert row.acknowledged_at is not None and row.code == "invalid_transition"


def test_a_reopened_store_shows_the_same_view_and_keeps_acceptance(
    tmp_path: Path, server: FakeServer, traffic: Traffic
) -> None:
    ws = open_ws(tmp_path, "a")
    sync(ws, server)
    for _ in range(40):
        ws.submit(traffic.next(ws.view))
    ws.handle_results(push(ws, server, limit=25))  # 25 accepted, not yet streamed
    before = view_dump(ws)
    counts = ws.counts
    ws.store.close()

    again = open_ws(tmp_path, "a")
    assert view_dump(again) == before
    assert again.counts == counts
    sync(again, server)
    assert view_dump(again) == server_dump(server)
    assert len({e.event_id for e in server.log}) == len(server.log)


def test_a_snapshot_holds_the_accepted_events_and_they_leave_the_outbox(
    tmp_path: Path, server: FakeServer, traffic: Traffic
) -> None:
    ws = open_ws(tmp_path, "a")
    create(ws, traffic)
    for _ in range(10):
        ws.submit(traffic.next(ws.view))
    ws.handle_results(push(ws, server, limit=5))
    ws.load_snapshot(server.snapshot())

    assert ws.cursor == server.seq
    assert ws.pending_count == 6 and ws.counts.unsent == 6
    sync(ws, server)
    assert view_dump(ws) == server_dump(server)


def test_a_different_server_database_gets_every_pending_event_again(
    tmp_path: Path, server: FakeServer, traffic: Traffic
) -> None:
    ws = open_ws(tmp_path, "a")
    sync(ws, server)
    create(ws, traffic)
    ws.handle_results(push(ws, server))
    assert ws.counts.unsent == 0

    fresh = FakeServer()  # the old database is gone; this one never saw our event
    ws.load_snapshot(fresh.snapshot(), server_changed=True)
    assert ws.counts.unsent == 1
    sync(ws, fresh)
    assert view_dump(ws) == server_dump(fresh)
    assert ws.store.log_events(next(iter(ws.view.incidents))) != []


def test_a_missing_seq_stops_the_batch_and_is_reported(tmp_path: Path, server: FakeServer) -> None:
    ws = open_ws(tmp_path, "a")
    events = server.after(0)
    result = ws.apply_server_events([events[0], events[1], events[3], events[4]])
    assert result.applied == 2 and result.gap_after == 2
    assert ws.cursor == 2
    assert ws.apply_server_events(events[:2]).applied == 0  # a redelivery is harmless
    assert ws.apply_server_events(events).applied == len(events) - 2
    assert ws.cursor == server.seq


def test_a_server_event_that_does_not_apply_raises_and_keeps_the_ones_before(
    tmp_path: Path, server: FakeServer, traffic: Traffic
) -> None:
    ws = open_ws(tmp_path, "a")
    event = traffic.create()
    server.post([event], actor="dispatcher2")
    note = ws.new_event(EventType.INCIDENT_NOTE_ADDED, event.entity_id, NoteAdded(text="x"))
    server.post([note], actor="dispatcher2")
    log = server.after(0)
    orphan = log[7].model_copy(update={"seq": 7})  # the note, as if its incident never came
    with pytest.raises(StateDiverged, match="no incident"):
        ws.apply_server_events([*log[:6], orphan])
    assert ws.cursor == 6


def test_the_wall_applies_redacted_events(
    tmp_path: Path, server: FakeServer, traffic: Traffic
) -> None:
    dispatcher = open_ws(tmp_path, "a")
    sync(dispatcher, server)
    incident = create(dispatcher, traffic)
    dispatcher.submit(
        dispatcher.new_event(
            EventType.INCIDENT_NOTE_ADDED, incident.entity_id, NoteAdded(text="private")
        )
    )
    sync(dispatcher, server)

    wall = open_ws(tmp_path, "wall", actor="wall")
    wall.apply_server_events([redact_event(e) for e in server.after(0)])
    assert wall.cursor == server.seq
    # Applied through placeholders, kept as the server's redacted snapshot shows it.
    seen = wall.view.incidents[incident.entity_id]
    assert seen == redact_incident(dispatcher.view.incidents[incident.entity_id])
    assert seen.notes == () and seen.version == 2


def test_a_failing_listener_sees_a_consistent_state_and_its_error_is_raised(
    tmp_path: Path, server: FakeServer, traffic: Traffic
) -> None:
    ws = open_ws(tmp_path, "a")
    deliver(ws, server)
    later: list[frozenset[str]] = []

    def broken(_ids: frozenset[str]) -> None:
        raise RuntimeError("listener bug")

    ws.incidents_changed.connect(broken)
    ws.incidents_changed.connect(later.append)
    event = traffic.create()
    with pytest.raises(RuntimeError, match="listener bug"):
        ws.submit(event)
    assert later == [frozenset({event.entity_id})]  # the other listener still ran
    assert event.entity_id in ws.view.incidents and ws.store.outbox_count() == 1


def test_submitting_the_same_event_twice_is_refused(tmp_path: Path, traffic: Traffic) -> None:
    ws = open_ws(tmp_path, "a")
    event = traffic.create()
    ws.submit(event)
    with pytest.raises(ValueError, match="already pending"):
        ws.submit(event)
    assert ws.pending_count == 1


def test_check_judges_without_submitting(tmp_path: Path, server: FakeServer) -> None:
    ws = open_ws(tmp_path, "a")
    sync(ws, server)
    team = team_id(server, "AC-1")
    bad = ws.new_event(EventType.TEAM_STATUS_CHANGED, team, StatusChanged(status="en_route"))
    rejection = ws.check(bad)
    assert rejection is not None and rejection.code == "invalid_transition"
    assert ws.pending_count == 0


def test_timeline_lists_confirmed_then_pending_events(
    tmp_path: Path, server: FakeServer, traffic: Traffic
) -> None:
    ws = open_ws(tmp_path, "a")
    event = create(ws, traffic)
    sync(ws, server)
    note = ws.new_event(EventType.INCIDENT_NOTE_ADDED, event.entity_id, NoteAdded(text="later"))
    ws.submit(note)
    timeline = ws.timeline(event.entity_id)
    assert [e.event_id for e in timeline] == [event.event_id, note.event_id]
    assert timeline[0].seq is not None and timeline[1].seq is None


class _Counting:
    """Counts how often entries are judged."""

    def __init__(self, ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        original = ws._judge

        def judge(entry: object) -> None:
            self.calls += 1
            original(entry)  # type: ignore[arg-type]

        monkeypatch.setattr(ws, "_judge", judge)


@pytest.mark.slow
def test_pending_events_coming_back_rejudge_only_what_changed(
    tmp_path: Path, server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = open_ws(tmp_path, "a")
    sync(ws, server)
    traffic = Traffic(random.Random(3), "a", kinds=(CREATE, ASSIGN, STATUS, NOTE))
    # 3,000 keeps the fsyncs of the submits short; bench/ replays 10,000.
    for _ in range(3000):
        ws.submit(traffic.next(ws.view))
    creations = sum(p.event.type == EventType.INCIDENT_CREATED for p in ws.pending_items())
    counter = _Counting(ws, monkeypatch)

    while ws.unsent(1):
        ws.handle_results(push(ws, server))
        deliver(ws, server)

    assert ws.pending_count == 0
    assert view_dump(ws) == server_dump(server)
    # Each creation is judged again once when its number is known, and the later
    # events on it once as the number spreads; the confirmations coming back
    # re-judge nothing. (Judging everything after each of the 6 batches would
    # be about 10,000 calls.)
    assert counter.calls <= creations + 3000, (counter.calls, creations)


def test_a_foreign_change_rejudges_only_the_entries_that_touch_it(
    tmp_path: Path, server: FakeServer, traffic: Traffic, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = open_ws(tmp_path, "a"), open_ws(tmp_path, "b")
    sync(a, server)
    sync(b, server)
    for _ in range(300):
        a.submit(traffic.create())
    mine = traffic.create()
    b.submit(mine)
    sync(b, server)
    for _ in range(20):
        b.submit(b.new_event(EventType.INCIDENT_NOTE_ADDED, mine.entity_id, NoteAdded(text="b")))
    a.submit(a.new_event(EventType.INCIDENT_NOTE_ADDED, mine.entity_id, NoteAdded(text="a")))
    counter = _Counting(a, monkeypatch)

    sync(b, server)
    deliver(a, server)

    assert counter.calls == 1  # a's one note on that incident, nothing else
    assert a.view == a.full_recompute()


def test_incidents_closed_a_day_ago_leave_the_local_state(
    tmp_path: Path, server: FakeServer, traffic: Traffic
) -> None:
    now = [datetime.now(UTC)]
    ws = Workspace(LocalStore(tmp_path / "a.db"), actor="d", clock=lambda: now[0])
    old, kept, still_open = create(ws, traffic), create(ws, traffic), create(ws, traffic)
    for event in (old, kept):
        ws.submit(
            ws.new_event(
                EventType.INCIDENT_CLOSED, event.entity_id, Closed(disposition="resolved_on_scene")
            )
        )
    sync(ws, server)
    now[0] += timedelta(hours=25)
    # A late note on one of them is pending: that one stays until it is confirmed.
    ws.submit(ws.new_event(EventType.INCIDENT_NOTE_ADDED, kept.entity_id, NoteAdded(text="late")))
    changed: list[frozenset[str]] = []
    ws.incidents_changed.connect(changed.append)

    assert ws.prune_closed() == 1
    assert old.entity_id not in ws.view.incidents and old.entity_id not in ws.confirmed.incidents
    assert {kept.entity_id, still_open.entity_id} <= set(ws.view.incidents)
    assert changed == [frozenset({old.entity_id})]
    # Its events stay for the recovery window (a restored server takes them back) ...
    assert ws.store.log_events(old.entity_id) != []
    now[0] += timedelta(hours=72)
    ws.prune_closed()
    # ... and no longer.
    assert ws.store.log_events(old.entity_id) == []
    ws.store.close()
    again = Workspace(LocalStore(tmp_path / "a.db"), actor="d", clock=lambda: now[0])
    assert old.entity_id not in again.view.incidents
    assert kept.entity_id in again.view.incidents


def test_an_accepted_event_missing_from_a_restored_server_is_sent_again(
    tmp_path: Path, server: FakeServer, traffic: Traffic
) -> None:
    ws = open_ws(tmp_path, "a")
    sync(ws, server)
    event = create(ws, traffic)
    ws.handle_results(push(ws, server))
    assert ws.counts.unsent == 0
    # The server is restored from a backup taken before our event, then goes on.
    restored = FakeServer(seed_teams=False)
    restored.post(server.log[: event_seq(server, event) - 1], actor="admin")
    restored.post([traffic.create() for _ in range(3)], actor="dispatcher2")
    assert restored.seq >= server.seq
    deliver(ws, restored)

    assert ws.counts.unsent == 1 and ws.is_pending(event.entity_id)
    assert ws.store.load_outbox()[0].accepted_seq is None  # durable: a restart sends it too
    sync(ws, restored)
    assert view_dump(ws) == server_dump(restored)
    assert event.event_id in restored.seq_of


def test_an_accepted_event_sent_again_goes_before_the_later_ones(
    tmp_path: Path, server: FakeServer, traffic: Traffic
) -> None:
    ws = open_ws(tmp_path, "a")
    sync(ws, server)
    first = create(ws, traffic)
    ws.handle_results(push(ws, server))  # accepted, the stream has not brought it
    later = create(ws, traffic)
    assert ws.accepted_unconfirmed() == [(first.event_id, event_seq(server, first))]
    assert [e.event_id for e in ws.unsent(10)] == [
        later.event_id
    ]  # what was pushed before the fix: the later one alone

    ws.send_again([first.event_id])

    assert ws.accepted_unconfirmed() == []
    assert [e.event_id for e in ws.unsent(10)] == [first.event_id, later.event_id]
    assert ws.counts.unsent == 2
    assert ws.store.load_outbox()[0].accepted_seq is None  # durable: a restart sends it too
