"""The rules of dispatch, event by event, with an injected clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from umcr_console.domain.enums import (
    Agency,
    Disposition,
    EventType,
    IncidentState,
    Priority,
    RejectCode,
    TeamStatus,
)
from umcr_console.domain.events import MAX_TEXT
from umcr_console.domain.ids import uuid7
from umcr_console.domain.rules import (
    MAX_FUTURE_SKEW,
    Changes,
    Rejection,
    decide,
    format_incident_number,
)
from umcr_console.domain.state import State

from .world import ACTOR, T0, WORKSTATION, World, incident_payload


@pytest.fixture
def world() -> World:
    return World()


# --- incident.created ---------------------------------------------------------


def test_created_incident_is_pending_with_everything_from_the_payload(world: World) -> None:
    incident_id = world.create_incident(priority=1, call_type="mental_health")
    incident = world.state.incidents[incident_id]
    assert incident.state == IncidentState.PENDING
    assert incident.version == 1
    assert incident.priority == Priority.URGENT
    assert incident.call_type == "mental_health"
    assert incident.received_at == T0
    assert incident.location.division == "Wilshire"
    assert incident.caller.name == "Maria Lopez"
    assert incident.narrative.startswith("Neighbour")
    assert incident.person == "Adult man, about 50"
    assert incident.language == "Spanish"
    assert incident.team_ids == ()
    assert incident.notes == ()
    assert incident.created_by == ACTOR
    assert incident.updated_at == T0


def test_incident_number_comes_from_the_seq_of_the_creating_event(world: World) -> None:
    world.create_team("EX-1")  # seq 1
    first = world.create_incident()  # seq 2
    second = world.create_incident()  # seq 3
    assert world.state.incidents[first].number == "U000002"
    assert world.state.incidents[second].number == "U000003"
    world.accept(world.note(first, "later events keep the number"))
    assert world.state.incidents[first].number == "U000002"


def test_incident_number_is_pending_before_the_server_gives_a_seq(world: World) -> None:
    event = world.event(EventType.INCIDENT_CREATED, uuid7(), incident_payload())
    outcome = decide(world.state, event, now=T0, seq=None)
    assert isinstance(outcome, Changes)
    assert next(iter(outcome.incidents.values())).number == "pending"
    assert format_incident_number(None) == "pending"
    assert format_incident_number(123) == "U000123"
    assert format_incident_number(1_234_567) == "U1234567"


def test_duplicate_incident_id_is_rejected(world: World) -> None:
    incident_id = world.create_incident()
    world.reject(
        world.event(EventType.INCIDENT_CREATED, incident_id, incident_payload()),
        RejectCode.DUPLICATE_ENTITY,
    )


@pytest.mark.parametrize("flag", ["weapons", "violence", "medical", "crime"])
def test_safety_flag_without_an_override_reason_is_rejected(world: World, flag: str) -> None:
    rejection = world.reject(
        world.event(EventType.INCIDENT_CREATED, uuid7(), incident_payload(safety={flag: True})),
        RejectCode.INVALID_PAYLOAD,
    )
    assert "screen_override_reason" in rejection.detail


def test_blank_override_reason_does_not_count(world: World) -> None:
    world.reject(
        world.event(
            EventType.INCIDENT_CREATED,
            uuid7(),
            incident_payload(safety={"medical": True}, screen_override_reason="   "),
        ),
        RejectCode.INVALID_PAYLOAD,
    )


def test_safety_override_reason_is_kept_as_a_note_with_author_and_workstation(
    world: World,
) -> None:
    world.tick(3)
    incident_id = world.create_incident(
        safety={"weapons": True},
        screen_override_reason="kitchen knife, already handed to the neighbour",
    )
    incident = world.state.incidents[incident_id]
    assert incident.safety.weapons
    (note,) = incident.notes
    assert note.text == "Safety screen (weapons): kitchen knife, already handed to the neighbour"
    assert note.author == ACTOR
    assert note.workstation_id == WORKSTATION
    assert note.at == world.now


# --- invalid payloads and envelopes ---------------------------------------------


def test_unknown_event_type_is_an_invalid_payload(world: World) -> None:
    rejection = world.reject(
        world.event("incident.teleported", uuid7(), {}), RejectCode.INVALID_PAYLOAD
    )
    assert "incident.teleported" in rejection.detail


def test_event_from_the_future_is_rejected_but_clock_skew_is_tolerated(world: World) -> None:
    team = world.create_team()
    too_late = world.now + MAX_FUTURE_SKEW + timedelta(seconds=1)
    rejection = world.reject(world.check_in(team, occurred_at=too_late), RejectCode.INVALID_PAYLOAD)
    assert "future" in rejection.detail
    world.reject(
        world.check_in(team, occurred_at=world.now + timedelta(days=1)), RejectCode.INVALID_PAYLOAD
    )
    world.accept(world.check_in(team, occurred_at=world.now + MAX_FUTURE_SKEW))


def test_a_call_received_in_the_future_is_rejected(world: World) -> None:
    # Behaviour addition: received_at is held to the same clock-skew rule as occurred_at.
    late = world.now + MAX_FUTURE_SKEW + timedelta(seconds=1)
    rejection = world.reject(
        world.event(
            EventType.INCIDENT_CREATED, uuid7(), incident_payload(received_at=late.isoformat())
        ),
        RejectCode.INVALID_PAYLOAD,
    )
    assert "received_at" in rejection.detail
    earlier = (world.now - timedelta(hours=3)).isoformat()  # entered after the fact: fine
    world.accept(
        world.event(EventType.INCIDENT_CREATED, uuid7(), incident_payload(received_at=earlier))
    )


@pytest.mark.parametrize("field", ["received_at", "occurred_at"])
def test_times_without_a_utc_form_are_rejected(world: World, field: str) -> None:
    # Behaviour addition: 0001-01-01T00:00+05:00 cannot be stored in UTC.
    ancient = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))
    if field == "received_at":
        event = world.event(
            EventType.INCIDENT_CREATED, uuid7(), incident_payload(received_at=ancient.isoformat())
        )
    else:
        event = world.event(
            EventType.INCIDENT_CREATED, uuid7(), incident_payload(), occurred_at=ancient
        )
    rejection = world.reject(event, RejectCode.INVALID_PAYLOAD)
    assert field in rejection.detail and "UTC" in rejection.detail


def test_oversize_text_is_rejected_and_the_limit_itself_accepted(world: World) -> None:
    incident_id = world.create_incident()
    world.reject(world.note(incident_id, "x" * (MAX_TEXT + 1)), RejectCode.INVALID_PAYLOAD)
    world.reject(
        world.event(
            EventType.INCIDENT_CREATED, uuid7(), incident_payload(narrative="y" * (MAX_TEXT + 1))
        ),
        RejectCode.INVALID_PAYLOAD,
    )
    world.reject(
        world.event(
            EventType.INCIDENT_CREATED, uuid7(), incident_payload(caller={"name": "n" * 201})
        ),
        RejectCode.INVALID_PAYLOAD,
    )
    world.accept(world.note(incident_id, "x" * MAX_TEXT))


@pytest.mark.parametrize(
    ("event_type", "payload"),
    [
        (EventType.INCIDENT_CREATED, incident_payload(priority=7)),
        (EventType.INCIDENT_CREATED, incident_payload(call_type="alien_abduction")),
        (EventType.INCIDENT_CREATED, incident_payload(received_at="2026-03-21T14:00:00")),
        (EventType.INCIDENT_CREATED, incident_payload(location={"lat": 134.0})),
        (EventType.INCIDENT_CREATED, incident_payload(shoe_size=42)),
        (EventType.INCIDENT_CREATED, {"source": "lapd_911"}),
        (EventType.INCIDENT_NOTE_ADDED, {"text": ""}),
        (EventType.INCIDENT_NOTE_ADDED, {"text": "   "}),
        (EventType.INCIDENT_NOTE_ADDED, {"text": 12}),
        (EventType.INCIDENT_TEAM_ASSIGNED, {"team_id": "not-a-uuid"}),
        (EventType.INCIDENT_TEAM_ASSIGNED, {}),
        (EventType.INCIDENT_REDIRECTED, {"agency": "FBI", "reason": "x"}),
        (EventType.INCIDENT_REDIRECTED, {"agency": "LAPD", "reason": ""}),
        (EventType.INCIDENT_CLOSED, {"disposition": "abducted"}),
        (EventType.INCIDENT_REOPENED, {}),
        (EventType.TEAM_STATUS_CHANGED, {"status": "napping"}),
        (EventType.TEAM_CREATED, {"call_sign": "", "provider": "p", "division": "d"}),
    ],
)
def test_malformed_payloads_are_rejected(
    world: World, event_type: EventType, payload: dict
) -> None:
    entity = world.create_incident()
    world.reject(world.event(event_type, entity, payload), RejectCode.INVALID_PAYLOAD)


def test_update_needs_an_expected_version(world: World) -> None:
    incident_id = world.create_incident()
    rejection = world.reject(
        world.update(incident_id, None, priority=1), RejectCode.INVALID_PAYLOAD
    )
    assert "expected_version" in rejection.detail


def test_update_with_nothing_to_change_is_rejected(world: World) -> None:
    incident_id = world.create_incident()
    world.reject(world.update(incident_id, 1), RejectCode.INVALID_PAYLOAD)


@pytest.mark.parametrize("field", ["priority", "location", "caller", "narrative", "safety"])
def test_update_may_not_null_a_field(world: World, field: str) -> None:
    # Behaviour fix: an explicit null used to write None into a required field.
    incident_id = world.create_incident()
    rejection = world.reject(
        world.update(incident_id, 1, **{field: None}), RejectCode.INVALID_PAYLOAD
    )
    assert field in rejection.detail
    assert world.state.incidents[incident_id].version == 1


# --- incident.updated -----------------------------------------------------------


def test_update_changes_only_the_given_fields(world: World) -> None:
    incident_id = world.create_incident()
    world.tick(2)
    world.accept(world.update(incident_id, 1, priority=1, narrative="Now shouting at passers-by."))
    incident = world.state.incidents[incident_id]
    assert incident.priority == Priority.URGENT
    assert incident.narrative == "Now shouting at passers-by."
    assert incident.caller.name == "Maria Lopez"
    assert incident.version == 2
    assert incident.updated_at == world.now


def test_stale_update_is_a_version_conflict(world: World) -> None:
    incident_id = world.create_incident()
    world.accept(world.update(incident_id, 1, priority=1))
    rejection = world.reject(world.update(incident_id, 1, priority=3), RejectCode.VERSION_CONFLICT)
    assert "version 2" in rejection.detail
    assert world.state.incidents[incident_id].priority == Priority.URGENT


def test_optional_expected_versions_are_checked_when_given(world: World) -> None:
    incident_id = world.create_incident()
    team = world.create_team()
    world.reject(world.note(incident_id, "x", expected_version=5), RejectCode.VERSION_CONFLICT)
    world.reject(world.assign(incident_id, team, expected_version=0), RejectCode.VERSION_CONFLICT)
    world.reject(
        world.status(team, "out_of_service", expected_version=9), RejectCode.VERSION_CONFLICT
    )
    world.reject(world.check_in(team, expected_version=2), RejectCode.VERSION_CONFLICT)
    world.reject(world.close(incident_id, expected_version=3), RejectCode.VERSION_CONFLICT)
    world.accept(world.assign(incident_id, team, expected_version=1))
    world.accept(world.status(team, "en_route", expected_version=2))


# --- unknown entities -------------------------------------------------------------


def test_unknown_entities_are_rejected(world: World) -> None:
    incident_id = world.create_incident()
    team = world.create_team()
    nobody = uuid7()
    world.reject(world.assign(incident_id, nobody), RejectCode.UNKNOWN_ENTITY)
    world.reject(world.assign(nobody, team), RejectCode.UNKNOWN_ENTITY)
    world.reject(world.note(nobody, "x"), RejectCode.UNKNOWN_ENTITY)
    world.reject(world.update(nobody, 1, priority=1), RejectCode.UNKNOWN_ENTITY)
    world.reject(world.close(nobody), RejectCode.UNKNOWN_ENTITY)
    world.reject(world.reopen(nobody), RejectCode.UNKNOWN_ENTITY)
    world.reject(world.redirect(nobody), RejectCode.UNKNOWN_ENTITY)
    world.reject(world.release(nobody, team), RejectCode.UNKNOWN_ENTITY)
    world.reject(world.status(nobody, "off_duty"), RejectCode.UNKNOWN_ENTITY)
    world.reject(world.check_in(nobody), RejectCode.UNKNOWN_ENTITY)
    # An incident event aimed at a team (and the reverse) finds no such entity.
    world.reject(world.note(team, "x"), RejectCode.UNKNOWN_ENTITY)
    world.reject(world.check_in(incident_id), RejectCode.UNKNOWN_ENTITY)


# --- team.created ---------------------------------------------------------------


def test_team_created_is_available_at_version_one_and_not_twice(world: World) -> None:
    team_id = world.create_team("AC-2", division="Southeast")
    team = world.state.teams[team_id]
    assert (team.status, team.version, team.incident_id) == (TeamStatus.AVAILABLE, 1, None)
    assert (team.call_sign, team.division, team.status_since) == ("AC-2", "Southeast", T0)
    world.reject(
        world.event(
            EventType.TEAM_CREATED,
            team_id,
            {"call_sign": "AC-2", "provider": "Alcott Center", "division": "Southeast"},
        ),
        RejectCode.DUPLICATE_ENTITY,
    )


# --- assignment -----------------------------------------------------------------


def test_assignment_dispatches_the_team_and_times_the_incident(world: World) -> None:
    incident_id = world.create_incident()
    team_id = world.create_team()
    world.accept(world.status(team_id, "out_of_service", note="fuel"))
    world.accept(world.status(team_id, "available"))
    world.tick(4)
    changes = world.accept(world.assign(incident_id, team_id))
    assert set(changes.incidents) == {incident_id}
    assert set(changes.teams) == {team_id}
    incident = world.state.incidents[incident_id]
    team = world.state.teams[team_id]
    assert incident.state == IncidentState.ASSIGNED
    assert incident.team_ids == (team_id,)
    assert incident.times.dispatched_at == world.now
    assert team.status == TeamStatus.DISPATCHED
    assert team.incident_id == incident_id
    assert team.status_since == world.now
    assert team.status_note == ""


def test_second_team_keeps_the_first_dispatch_time(world: World) -> None:
    incident_id = world.create_incident()
    first, second = world.create_team("EX-1"), world.create_team("EX-2")
    world.accept(world.assign(incident_id, first))
    dispatched = world.now
    world.tick(10)
    world.accept(world.assign(incident_id, second))
    incident = world.state.incidents[incident_id]
    assert incident.team_ids == (first, second)
    assert incident.times.dispatched_at == dispatched


@pytest.mark.parametrize(
    "status",
    [
        TeamStatus.DISPATCHED,
        TeamStatus.EN_ROUTE,
        TeamStatus.ON_SCENE,
        TeamStatus.TRANSPORTING,
        TeamStatus.FOLLOW_UP,
        TeamStatus.OUT_OF_SERVICE,
        TeamStatus.OFF_DUTY,
    ],
)
def test_only_an_available_team_can_be_assigned(world: World, status: TeamStatus) -> None:
    team_id, _ = world.put_team_in(status)
    other = world.create_incident()
    rejection = world.reject(world.assign(other, team_id), RejectCode.TEAM_UNAVAILABLE)
    assert world.state.teams[team_id].call_sign in rejection.detail


def test_a_team_cannot_be_assigned_twice_to_the_same_incident(world: World) -> None:
    incident_id = world.create_incident()
    team_id = world.create_team()
    world.accept(world.assign(incident_id, team_id))
    world.reject(world.assign(incident_id, team_id), RejectCode.TEAM_UNAVAILABLE)
    assert world.state.incidents[incident_id].team_ids == (team_id,)


def test_two_dispatchers_race_for_one_team_and_one_loses(world: World) -> None:
    first, second = world.create_incident(), world.create_incident()
    team_id = world.create_team()
    world.accept(world.assign(first, team_id))
    world.reject(world.assign(second, team_id), RejectCode.TEAM_UNAVAILABLE)
    assert world.state.incidents[second].state == IncidentState.PENDING


# --- release --------------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [TeamStatus.DISPATCHED, TeamStatus.EN_ROUTE, TeamStatus.ON_SCENE, TeamStatus.TRANSPORTING],
)
def test_release_makes_a_working_team_available(world: World, status: TeamStatus) -> None:
    team_id, incident_id = world.put_team_in(status)
    assert incident_id is not None
    world.tick(1)
    world.accept(world.release(incident_id, team_id))
    team = world.state.teams[team_id]
    incident = world.state.incidents[incident_id]
    assert (team.status, team.incident_id, team.status_since) == (
        TeamStatus.AVAILABLE,
        None,
        world.now,
    )
    assert incident.team_ids == ()
    assert incident.state == IncidentState.PENDING  # back in the queue, not closed


def test_release_from_follow_up_keeps_documenting(world: World) -> None:
    team_id, incident_id = world.put_team_in(TeamStatus.FOLLOW_UP)
    assert incident_id is not None
    world.accept(world.release(incident_id, team_id))
    team = world.state.teams[team_id]
    assert (team.status, team.incident_id) == (TeamStatus.FOLLOW_UP, None)


def test_release_of_one_of_two_teams_keeps_the_incident_assigned(world: World) -> None:
    incident_id = world.create_incident()
    first, second = world.create_team("EX-1"), world.create_team("EX-2")
    world.accept(world.assign(incident_id, first))
    world.accept(world.assign(incident_id, second))
    world.accept(world.release(incident_id, first))
    incident = world.state.incidents[incident_id]
    assert incident.team_ids == (second,)
    assert incident.state == IncidentState.ASSIGNED


def test_release_of_a_team_that_is_not_on_the_incident_is_refused(world: World) -> None:
    incident_id, elsewhere = world.create_incident(), world.create_incident()
    team_id = world.create_team()
    world.accept(world.assign(elsewhere, team_id))
    world.reject(world.release(incident_id, team_id), RejectCode.INVALID_TRANSITION)
    world.reject(
        world.release(incident_id, world.create_team("EX-9")), RejectCode.INVALID_TRANSITION
    )


# --- status changes that touch the incident ----------------------------------------


def test_en_route_and_on_scene_stamp_the_incident_once(world: World) -> None:
    incident_id = world.create_incident()
    team_id = world.create_team()
    world.accept(world.assign(incident_id, team_id))
    world.tick(2)
    world.accept(world.status(team_id, "en_route"))
    en_route = world.now
    world.tick(15)
    world.accept(world.status(team_id, "on_scene"))
    on_scene = world.now
    world.tick(20)
    world.accept(world.status(team_id, "transporting"))
    world.tick(20)
    world.accept(world.status(team_id, "on_scene"))  # back from the clinic
    times = world.state.incidents[incident_id].times
    assert times.en_route_at == en_route
    assert times.on_scene_at == on_scene


def test_straight_to_on_scene_leaves_en_route_empty(world: World) -> None:
    incident_id = world.create_incident()
    team_id = world.create_team()
    world.accept(world.assign(incident_id, team_id))
    world.tick(1)
    world.accept(world.status(team_id, "on_scene"))
    times = world.state.incidents[incident_id].times
    assert times.en_route_at is None
    assert times.on_scene_at == world.now


def test_arriving_starts_the_check_in_clock(world: World) -> None:
    team_id, _ = world.put_team_in(TeamStatus.EN_ROUTE)
    world.tick(12)
    world.accept(world.status(team_id, "on_scene", note="with the family"))
    team = world.state.teams[team_id]
    assert team.last_check_in == world.now
    assert team.status_note == "with the family"


@pytest.mark.parametrize(
    "clearing", [TeamStatus.AVAILABLE, TeamStatus.OUT_OF_SERVICE, TeamStatus.OFF_DUTY]
)
def test_clearing_status_releases_the_team_from_its_incident(
    world: World, clearing: TeamStatus
) -> None:
    team_id, incident_id = world.put_team_in(TeamStatus.FOLLOW_UP)
    assert incident_id is not None
    world.tick(5)
    changes = world.accept(world.status(team_id, clearing, note="done"))
    assert set(changes.teams) == {team_id} and set(changes.incidents) == {incident_id}
    team = world.state.teams[team_id]
    assert (team.status, team.incident_id, team.status_note) == (clearing, None, "done")
    assert team.status_since == world.now
    incident = world.state.incidents[incident_id]
    assert incident.team_ids == ()
    assert incident.state == IncidentState.PENDING


# --- check-in -------------------------------------------------------------------------


def test_check_in_resets_the_clock_and_keeps_the_status(world: World) -> None:
    team_id, _ = world.put_team_in(TeamStatus.ON_SCENE)
    since = world.state.teams[team_id].status_since
    world.tick(19)
    world.accept(world.check_in(team_id, note="all calm, staying 30 more minutes"))
    team = world.state.teams[team_id]
    assert team.last_check_in == world.now
    assert team.status == TeamStatus.ON_SCENE
    assert team.status_since == since
    assert team.status_note == "all calm, staying 30 more minutes"
    world.accept(world.check_in(team_id))  # an empty note keeps the last one
    assert world.state.teams[team_id].status_note == "all calm, staying 30 more minutes"


# --- close, redirect, reopen ----------------------------------------------------------


def test_close_frees_teams_by_how_far_they_got(world: World) -> None:
    incident_id = world.create_incident()
    teams = {s: world.create_team(f"T-{s}") for s in ("d", "e", "o", "t", "f")}
    for team_id in teams.values():
        world.accept(world.assign(incident_id, team_id))
    world.accept(world.status(teams["e"], "en_route"))
    for key in ("o", "t", "f"):
        world.accept(world.status(teams[key], "on_scene"))
    world.accept(world.status(teams["t"], "transporting"))
    world.accept(world.status(teams["f"], "follow_up"))
    world.tick(30)
    changes = world.accept(world.close(incident_id, "referral_made"))
    assert set(changes.teams) == set(teams.values())
    expected = {
        "d": TeamStatus.AVAILABLE,
        "e": TeamStatus.AVAILABLE,
        "o": TeamStatus.FOLLOW_UP,
        "t": TeamStatus.FOLLOW_UP,
        "f": TeamStatus.FOLLOW_UP,
    }
    for key, status in expected.items():
        team = world.state.teams[teams[key]]
        assert (team.status, team.incident_id) == (status, None), key
    incident = world.state.incidents[incident_id]
    assert incident.state == IncidentState.CLOSED
    assert incident.team_ids == ()
    assert incident.disposition == Disposition.REFERRAL_MADE
    assert incident.redirected_to is None
    assert incident.times.closed_at == world.now


def test_close_note_is_kept_with_author(world: World) -> None:
    incident_id = world.create_incident()
    world.accept(
        world.event(
            EventType.INCIDENT_CLOSED,
            incident_id,
            {"disposition": "declined_services", "note": "declined, card left"},
        )
    )
    (note,) = world.state.incidents[incident_id].notes
    assert (note.text, note.author, note.workstation_id) == (
        "declined, card left",
        ACTOR,
        WORKSTATION,
    )


@pytest.mark.parametrize(
    ("agency", "disposition"),
    [(Agency.LAPD, Disposition.REDIRECTED_LAPD), (Agency.LAFD, Disposition.REDIRECTED_LAFD)],
)
def test_redirect_closes_with_the_agency_and_reason(
    world: World, agency: Agency, disposition: Disposition
) -> None:
    incident_id = world.create_incident()
    team_id = world.create_team()
    world.accept(world.assign(incident_id, team_id))
    world.accept(world.status(team_id, "en_route"))
    world.tick(3)
    world.accept(world.redirect(incident_id, agency, "caller mentions a gun"))
    incident = world.state.incidents[incident_id]
    assert incident.state == IncidentState.CLOSED
    assert incident.disposition == disposition
    assert incident.redirected_to == agency
    assert incident.redirect_reason == "caller mentions a gun"
    assert incident.times.closed_at == world.now
    team = world.state.teams[team_id]
    assert (team.status, team.incident_id) == (TeamStatus.AVAILABLE, None)


def test_closing_with_a_redirect_disposition_records_the_agency(world: World) -> None:
    incident_id = world.create_incident()
    world.accept(
        world.event(
            EventType.INCIDENT_CLOSED,
            incident_id,
            {"disposition": "redirected_lafd", "note": "chest pain"},
        )
    )
    incident = world.state.incidents[incident_id]
    assert (incident.redirected_to, incident.redirect_reason) == (Agency.LAFD, "chest pain")


def test_a_closed_incident_refuses_changes_but_takes_notes(world: World) -> None:
    incident_id = world.create_incident()
    team_id = world.create_team()
    world.accept(world.close(incident_id, "unable_to_locate"))
    world.reject(world.update(incident_id, 2, priority=1), RejectCode.INCIDENT_CLOSED)
    world.reject(world.assign(incident_id, team_id), RejectCode.INCIDENT_CLOSED)
    world.reject(world.release(incident_id, team_id), RejectCode.INCIDENT_CLOSED)
    world.reject(world.close(incident_id), RejectCode.INCIDENT_CLOSED)
    world.reject(world.redirect(incident_id), RejectCode.INCIDENT_CLOSED)
    world.accept(world.note(incident_id, "documentation after the close"))
    assert world.state.teams[team_id].status == TeamStatus.AVAILABLE


def test_reopen_returns_a_closed_incident_to_the_queue(world: World) -> None:
    incident_id = world.create_incident()
    team_id = world.create_team()
    world.accept(world.assign(incident_id, team_id))
    dispatched = world.now
    world.accept(world.redirect(incident_id, "LAPD", "weapon"))
    version = world.state.incidents[incident_id].version
    world.tick(40)
    world.accept(world.reopen(incident_id, "LAPD sent it back", expected_version=version))
    incident = world.state.incidents[incident_id]
    assert incident.state == IncidentState.PENDING
    assert incident.disposition is None
    assert incident.redirected_to is None
    assert incident.redirect_reason is None
    assert incident.times.closed_at is None
    assert incident.times.dispatched_at == dispatched  # history of the first response stays
    assert incident.notes[-1].text == "Reopened: LAPD sent it back"
    assert incident.notes[-1].author == ACTOR
    assert world.state.teams[team_id].status == TeamStatus.AVAILABLE
    # And it can be worked again.
    world.accept(world.assign(incident_id, team_id))
    assert world.state.incidents[incident_id].state == IncidentState.ASSIGNED


def test_reopen_of_an_open_incident_is_refused(world: World) -> None:
    incident_id = world.create_incident()
    world.reject(world.reopen(incident_id), RejectCode.INVALID_TRANSITION)


def test_stale_reopen_is_a_version_conflict(world: World) -> None:
    incident_id = world.create_incident()
    world.accept(world.close(incident_id))
    world.reject(world.reopen(incident_id, expected_version=1), RejectCode.VERSION_CONFLICT)


# --- notes ----------------------------------------------------------------------------


def test_notes_are_appended_with_author_workstation_and_time(world: World) -> None:
    incident_id = world.create_incident()
    world.tick(1)
    world.accept(world.note(incident_id, "  Caller rang back: he answered the door.  "))
    world.tick(1)
    world.accept(
        world.note(incident_id, "Second note", actor="supervisor.kim", workstation_id="wall-desk")
    )
    first, second = world.state.incidents[incident_id].notes
    assert first.text == "Caller rang back: he answered the door."  # trimmed
    assert (first.author, first.workstation_id, first.at) == (
        ACTOR,
        WORKSTATION,
        T0 + timedelta(minutes=1),
    )
    assert (second.author, second.workstation_id, second.at) == (
        "supervisor.kim",
        "wall-desk",
        T0 + timedelta(minutes=2),
    )


def test_a_local_pending_note_has_no_author_yet(world: World) -> None:
    incident_id = world.create_incident()
    world.accept(world.note(incident_id, "typed offline", actor=None))
    assert world.state.incidents[incident_id].notes[-1].author == ""


# --- versions -------------------------------------------------------------------------


def test_each_accepted_event_raises_each_touched_entity_by_exactly_one(world: World) -> None:
    incident_id = world.create_incident()
    first, second = world.create_team("EX-1"), world.create_team("EX-2")

    def versions() -> dict[str, int]:
        return {
            **{k: v.version for k, v in world.state.incidents.items()},
            **{k: v.version for k, v in world.state.teams.items()},
        }

    steps = [
        (world.assign(incident_id, first), {incident_id, first}),
        (world.assign(incident_id, second), {incident_id, second}),
        (world.status(first, "en_route"), {incident_id, first}),  # stamps en_route_at
        (world.status(second, "en_route"), {second}),  # already stamped: team only
        (world.status(first, "on_scene"), {incident_id, first}),
        (world.check_in(first, "ok"), {first}),
        (world.status(first, "transporting"), {first}),
        (world.note(incident_id, "n"), {incident_id}),
        (world.update(incident_id, 6, priority=1), {incident_id}),
        (world.release(incident_id, second), {incident_id, second}),
        (world.close(incident_id), {incident_id, first}),
        (world.reopen(incident_id), {incident_id}),
    ]
    for event, touched in steps:
        before = versions()
        changes = world.accept(event)
        assert set(changes.incidents) | set(changes.teams) == touched, event.type
        after = versions()
        for entity, version in after.items():
            assert version == before[entity] + (entity in touched), (event.type, entity)


def test_rejected_event_leaves_the_state_untouched() -> None:
    state = State()
    world = World(state=state)
    incident_id = world.create_incident()
    snapshot = state.copy()
    outcome = state.apply(world.update(incident_id, 9, priority=1), now=T0, seq=99)
    assert isinstance(outcome, Rejection)
    assert state.incidents == snapshot.incidents and state.teams == snapshot.teams
    assert state.seq == snapshot.seq


def test_state_apply_records_the_seq_of_accepted_events() -> None:
    world = World()
    world.create_incident()
    world.create_incident()
    assert world.state.seq == 2
