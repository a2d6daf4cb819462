"""Follow-ups, warm handoffs and scheduled calls: the rules and the due list, with an injected clock."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from umcr_console.domain.config import Thresholds
from umcr_console.domain.enums import EventType, IncidentState, RejectCode, TeamStatus
from umcr_console.domain.events import Event
from umcr_console.domain.followups import FOLLOW_UP, HANDOFF, Urgency, default_window, open_work
from umcr_console.domain.model import Incident
from umcr_console.domain.privacy import redact_incident
from umcr_console.domain.timers import Level, incident_level, waiting_since

from .world import T0, World, incident_payload

TH = Thresholds()  # handoff accepted within 60 min, follow-ups 24-72 h after close


@pytest.fixture
def world() -> World:
    return World()


def schedule_follow_up(
    world: World, incident: str, due_from: datetime, due_by: datetime, note: str = ""
) -> Event:
    return world.event(
        EventType.INCIDENT_FOLLOW_UP_SCHEDULED,
        incident,
        {"due_from": due_from.isoformat(), "due_by": due_by.isoformat(), "note": note},
    )


def handoff(world: World, incident: str, provider: str = "Didi Hirsch", note: str = "") -> Event:
    return world.event(
        EventType.INCIDENT_HANDOFF_REQUESTED, incident, {"provider": provider, "note": note}
    )


def plan(
    world: World,
    incident: str,
    at: datetime | None,
    team: str | None = None,
    hold_from: datetime | None = None,
) -> Event:
    payload: dict[str, object] = {"scheduled_for": at.isoformat() if at else None}
    if team is not None:
        payload["team_id"] = team
    if hold_from is not None:
        payload["hold_from"] = hold_from.isoformat()
    return world.event(EventType.INCIDENT_SCHEDULED, incident, payload)


def closed_call(world: World) -> str:
    incident = world.create_incident()
    world.accept(world.close(incident))
    return incident


# --- follow-ups -------------------------------------------------------------------


def test_closing_with_a_follow_up_keeps_the_incident_open_work(world: World) -> None:
    incident = closed_call(world)
    due_from, due_by = default_window(world.now, TH)
    assert (due_from - world.now, due_by - world.now) == (timedelta(hours=24), timedelta(hours=72))
    world.accept(schedule_follow_up(world, incident, due_from, due_by, "call the mother"))
    state = world.state.incidents[incident]
    assert state.state == IncidentState.CLOSED and state.has_open_work
    assert state.follow_up is not None and state.follow_up.scheduled_by == "dispatcher.ana"


def test_a_follow_up_window_must_end_after_it_starts_and_not_in_the_past(world: World) -> None:
    incident = closed_call(world)
    world.reject(
        schedule_follow_up(world, incident, T0 + timedelta(hours=5), T0 + timedelta(hours=4)),
        RejectCode.INVALID_PAYLOAD,
    )
    world.reject(
        schedule_follow_up(world, incident, T0 - timedelta(hours=5), T0 - timedelta(hours=1)),
        RejectCode.INVALID_PAYLOAD,
    )


def test_the_due_list_moves_from_upcoming_to_due_to_overdue(world: World) -> None:
    incident = closed_call(world)
    world.accept(
        schedule_follow_up(world, incident, T0 + timedelta(hours=24), T0 + timedelta(hours=72))
    )
    incidents = world.state.incidents.values

    def urgency(hours: float) -> Urgency:
        (item,) = open_work(incidents(), T0 + timedelta(hours=hours), TH)
        assert item.kind == FOLLOW_UP and item.incident_id == incident
        return item.urgency

    assert urgency(23.9) == Urgency.UPCOMING
    assert urgency(24) == Urgency.DUE
    assert urgency(71.9) == Urgency.DUE
    assert urgency(72) == Urgency.OVERDUE


def test_marking_a_follow_up_done_takes_it_off_the_list(world: World) -> None:
    incident = closed_call(world)
    world.accept(
        schedule_follow_up(world, incident, T0 + timedelta(hours=1), T0 + timedelta(hours=2))
    )
    world.accept(world.event(EventType.INCIDENT_FOLLOW_UP_DONE, incident, {"note": "he is well"}))
    state = world.state.incidents[incident]
    assert not state.has_open_work and state.notes[-1].text == "Follow-up done: he is well"
    assert open_work([state], T0 + timedelta(days=9), TH) == []
    world.reject(
        world.event(EventType.INCIDENT_FOLLOW_UP_DONE, incident, {}),
        RejectCode.INVALID_TRANSITION,
    )


def test_a_follow_up_becomes_a_new_incident_linked_to_the_first(world: World) -> None:
    first = closed_call(world)
    world.accept(
        schedule_follow_up(world, first, T0 + timedelta(hours=24), T0 + timedelta(hours=72))
    )
    world.tick(60 * 25)
    second = world.create_incident(
        source="scheduled_follow_up", call_type="follow_up_visit", follows_up=first
    )
    original, visit = world.state.incidents[first], world.state.incidents[second]
    assert visit.follows_up == first and visit.source == "scheduled_follow_up"
    assert original.follow_up is not None and original.follow_up.incident_id == second
    assert original.follow_up.done_at == world.now and not original.has_open_work
    assert open_work(world.state.incidents.values(), world.now, TH) == []


def test_a_follow_up_call_must_name_a_known_incident(world: World) -> None:
    from umcr_console.domain.ids import uuid7

    world.reject(
        world.event(EventType.INCIDENT_CREATED, uuid7(), incident_payload(follows_up=uuid7())),
        RejectCode.UNKNOWN_ENTITY,
    )


# --- warm handoffs ----------------------------------------------------------------


def test_a_warm_handoff_stays_open_until_its_acceptance_is_recorded(world: World) -> None:
    incident = closed_call(world)
    world.accept(handoff(world, incident, "Didi Hirsch"))
    (item,) = open_work(world.state.incidents.values(), world.now, TH)
    assert item.kind == HANDOFF and item.urgency == Urgency.DUE
    assert item.what == "handoff to Didi Hirsch"
    (item,) = open_work(world.state.incidents.values(), world.now + timedelta(minutes=60), TH)
    assert item.urgency == Urgency.OVERDUE
    world.tick(70)
    world.accept(
        world.event(
            EventType.INCIDENT_HANDOFF_ACCEPTED,
            incident,
            {"accepted_by": "intake nurse K.", "note": "bed at 16:00"},
        )
    )
    state = world.state.incidents[incident]
    assert state.handoff is not None and state.handoff.accepted_at == world.now
    assert not state.has_open_work
    assert state.notes[-1].text == "Handoff accepted by Didi Hirsch: bed at 16:00"
    world.reject(
        world.event(EventType.INCIDENT_HANDOFF_ACCEPTED, incident, {}),
        RejectCode.INVALID_TRANSITION,
    )


def test_a_declined_handoff_goes_to_another_provider_not_twice_to_the_same(world: World) -> None:
    incident = closed_call(world)
    world.accept(handoff(world, incident, "Didi Hirsch"))
    world.reject(handoff(world, incident, "Didi Hirsch"), RejectCode.INVALID_TRANSITION)
    world.accept(handoff(world, incident, "SSG OTTP"))
    assert world.state.incidents[incident].handoff.provider == "SSG OTTP"  # type: ignore[union-attr]
    world.reject(handoff(world, incident, "   "), RejectCode.INVALID_PAYLOAD)


def test_the_wall_gets_no_notes_of_follow_ups_and_handoffs(world: World) -> None:
    incident = closed_call(world)
    world.accept(
        schedule_follow_up(
            world, incident, T0 + timedelta(hours=1), T0 + timedelta(hours=2), "ring Maria"
        )
    )
    world.accept(handoff(world, incident, "Didi Hirsch", "he hears voices"))
    world.accept(
        world.event(EventType.INCIDENT_HANDOFF_ACCEPTED, incident, {"accepted_by": "Dr. Secret"})
    )
    text = redact_incident(world.state.incidents[incident]).model_dump_json()
    for secret in ("ring Maria", "he hears voices", "Dr. Secret"):
        assert secret not in text
    assert "Didi Hirsch" in text  # where it went is not personal


# --- scheduled calls ----------------------------------------------------------------


def test_a_scheduled_call_holds_a_team_without_dispatching_it(world: World) -> None:
    team = world.create_team("EX-1")
    incident = world.create_incident()
    at = T0 + timedelta(hours=3)
    world.accept(plan(world, incident, at, team, hold_from=at - timedelta(minutes=30)))
    state, crew = world.state.incidents[incident], world.state.teams[team]
    assert state.state == IncidentState.PENDING and state.scheduled_for == at
    assert state.reserved_team_id == team
    assert crew.status == TeamStatus.AVAILABLE and crew.incident_id is None
    assert crew.reservation is not None and crew.reservation.incident_id == incident


def test_the_reserved_team_takes_other_calls_until_its_hold_begins(world: World) -> None:
    team = world.create_team("EX-1")
    later = world.create_incident()
    at = T0 + timedelta(hours=3)
    world.accept(plan(world, later, at, team, hold_from=at - timedelta(minutes=30)))
    now_call = world.create_incident()
    world.accept(world.assign(now_call, team))  # two and a half hours to spare
    world.accept(world.close(now_call))
    assert world.state.teams[team].reservation is not None  # still held for later
    world.now = at - timedelta(minutes=30)
    another = world.create_incident()
    refused = world.reject(world.assign(another, team), RejectCode.TEAM_UNAVAILABLE)
    assert "held for U" in refused.detail and "17:00 UTC" in refused.detail
    # Its own call may have it, and then the reservation has served.
    world.accept(world.assign(later, team))
    assert world.state.teams[team].reservation is None
    assert world.state.incidents[later].reserved_team_id is None


def test_one_reservation_per_team_and_a_reschedule_moves_it(world: World) -> None:
    first_team, second_team = world.create_team("EX-1"), world.create_team("EX-2")
    a, b = world.create_incident(), world.create_incident()
    at = T0 + timedelta(hours=2)
    world.accept(plan(world, a, at, first_team))
    refused = world.reject(plan(world, b, at, first_team), RejectCode.TEAM_UNAVAILABLE)
    assert "reserved for" in refused.detail
    world.accept(plan(world, a, at + timedelta(hours=1), second_team))
    assert world.state.teams[first_team].reservation is None
    assert world.state.teams[second_team].reservation.at == at + timedelta(hours=1)  # type: ignore[union-attr]
    # Planned for now after all: an ordinary call again, the team free.
    world.accept(plan(world, a, None))
    assert world.state.teams[second_team].reservation is None
    assert world.state.incidents[a].scheduled_for is None


def test_closing_or_redirecting_a_planned_call_frees_its_team(world: World) -> None:
    team = world.create_team("EX-1")
    incident = world.create_incident()
    world.accept(plan(world, incident, T0 + timedelta(hours=2), team))
    world.accept(world.close(incident, "cancelled"))
    assert world.state.teams[team].reservation is None


def test_what_cannot_be_planned(world: World) -> None:
    team = world.create_team("EX-1")
    incident = world.create_incident()
    world.reject(plan(world, incident, T0 - timedelta(minutes=1)), RejectCode.INVALID_PAYLOAD)
    world.reject(
        plan(world, incident, T0 + timedelta(hours=1), hold_from=T0 + timedelta(hours=2)),
        RejectCode.INVALID_PAYLOAD,
    )
    world.reject(
        world.event(
            EventType.INCIDENT_SCHEDULED, incident, {"scheduled_for": None, "team_id": team}
        ),
        RejectCode.INVALID_PAYLOAD,
    )
    world.accept(world.assign(incident, team))
    refused = world.reject(
        plan(world, incident, T0 + timedelta(hours=1)), RejectCode.INVALID_TRANSITION
    )
    assert "release it" in refused.detail


def test_a_planned_call_ages_from_its_time_not_from_the_phone_call(world: World) -> None:
    incident_id = world.create_incident()
    at = T0 + timedelta(hours=2)
    world.accept(plan(world, incident_id, at))
    incident: Incident = world.state.incidents[incident_id]
    assert waiting_since(incident) == at
    assert incident_level(incident, T0 + timedelta(hours=1, minutes=59), TH) == Level.NORMAL
    assert incident_level(incident, at + timedelta(minutes=10), TH) == Level.WARNING
    assert incident_level(incident, at + timedelta(minutes=20), TH) == Level.ALARM
