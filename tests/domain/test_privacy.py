"""What the wall may see (domain/privacy.py): where, what and when; never who."""

from __future__ import annotations

import json

import pytest

from umcr_console.domain.enums import EventType
from umcr_console.domain.ids import uuid7
from umcr_console.domain.privacy import (
    PERSONAL_PAYLOAD_KEYS,
    redact_event,
    redact_incident,
    redact_payload,
    redact_team,
)

from .world import World, incident_payload

SECRETS = [
    "Maria Lopez",
    "+1 213 555 0100",
    "Adult man, about 50",
    "Neighbour says",
    "4861 Venice Blvd",
    "Apartment 4B, door code 1234",
    "knife under the sofa",
    "the mother said he hears voices",
    "LAPD took him to County",
]


def full_world() -> tuple[World, str, str]:
    """An incident carrying personal data in every place it can hide."""
    world = World()
    team = world.create_team()
    incident = world.create_incident(
        safety={"weapons": True}, screen_override_reason="knife under the sofa"
    )
    world.accept(world.note(incident, "Apartment 4B, door code 1234"))
    world.accept(world.assign(incident, team))
    world.accept(world.status(team, "on_scene", note="the mother said he hears voices"))
    world.accept(world.redirect(incident, "LAPD", "LAPD took him to County"))
    return world, incident, team


def test_redacted_incident_carries_no_personal_data() -> None:
    world, incident_id, _ = full_world()
    original = world.state.incidents[incident_id]
    dumped = original.model_dump_json()
    assert all(secret in dumped for secret in SECRETS[:5])  # the test data is really there
    redacted = redact_incident(original)
    text = redacted.model_dump_json()
    for secret in SECRETS:
        assert secret not in text, secret
    assert redacted.caller.name == redacted.caller.phone == ""
    assert redacted.person == redacted.narrative == ""
    assert redacted.notes == ()
    assert redacted.redirect_reason is None


def test_redacted_incident_keeps_where_what_and_when() -> None:
    world, incident_id, _ = full_world()
    original = world.state.incidents[incident_id]
    redacted = redact_incident(original)
    assert redacted.location.address == ""
    assert redacted.location.lat == pytest.approx(34.047, abs=1e-9)
    assert redacted.location.lon == pytest.approx(-118.343, abs=1e-9)
    assert redacted.location.division == "Wilshire"
    for name in ("id", "number", "state", "priority", "call_type", "source", "received_at"):
        assert getattr(redacted, name) == getattr(original, name), name
    assert redacted.times == original.times
    assert redacted.disposition == original.disposition
    assert redacted.redirected_to == original.redirected_to


def test_coordinates_are_coarse_to_about_a_hundred_metres() -> None:
    world = World()
    incident_id = world.create_incident(location={"lat": 34.0467481, "lon": -118.3428299})
    location = redact_incident(world.state.incidents[incident_id]).location
    assert (location.lat, location.lon) == (34.047, -118.343)
    missing = world.create_incident(location={"address": "somewhere"})
    assert redact_incident(world.state.incidents[missing]).location.lat is None


def test_redacted_team_has_no_status_note() -> None:
    # Behaviour addition: redact_team (a status note is free text from the field).
    world, _, team_id = full_world()
    team = world.state.teams[team_id]
    assert team.status_note
    redacted = redact_team(team)
    assert redacted.status_note == ""
    assert redacted.model_dump(exclude={"status_note"}) == team.model_dump(exclude={"status_note"})


@pytest.mark.parametrize(
    ("event_type", "payload"),
    [
        (
            EventType.INCIDENT_CREATED,
            incident_payload(
                safety={"weapons": True}, screen_override_reason="knife under the sofa"
            ),
        ),
        (
            EventType.INCIDENT_UPDATED,
            {
                "caller": {"name": "Maria Lopez", "phone": "+1 213 555 0100"},
                "person": "Adult man, about 50",
                "narrative": "Neighbour says",
                "location": {"address": "4861 Venice Blvd", "lat": 34.0467, "lon": -118.3428},
                "priority": 1,
            },
        ),
        (EventType.INCIDENT_NOTE_ADDED, {"text": "Apartment 4B, door code 1234"}),
        (EventType.INCIDENT_REDIRECTED, {"agency": "LAPD", "reason": "LAPD took him to County"}),
        (
            EventType.INCIDENT_CLOSED,
            {"disposition": "warm_handoff", "note": "knife under the sofa"},
        ),
        (EventType.INCIDENT_REOPENED, {"reason": "the mother said he hears voices"}),
        (EventType.INCIDENT_TEAM_RELEASED, {"team_id": uuid7(), "reason": "Maria Lopez"}),
        (EventType.TEAM_STATUS_CHANGED, {"status": "on_scene", "note": "Maria Lopez"}),
        (EventType.TEAM_CHECKED_IN, {"note": "the mother said he hears voices"}),
    ],
)
def test_redacted_payloads_carry_no_personal_data(event_type: EventType, payload: dict) -> None:
    cleaned = redact_payload(event_type, payload)
    text = json.dumps(cleaned)
    for secret in SECRETS:
        assert secret not in text, secret
    assert not PERSONAL_PAYLOAD_KEYS & set(cleaned)
    # What is not personal stays.
    for key in ("priority", "agency", "disposition", "status", "team_id", "call_type"):
        if key in payload:
            assert cleaned[key] == payload[key]
    if "location" in payload:
        assert cleaned["location"]["address"] == ""
        assert cleaned["location"]["lat"] == round(payload["location"]["lat"], 3)


def test_redact_event_keeps_the_envelope() -> None:
    world = World()
    incident_id = world.create_incident()
    event = world.note(incident_id, "Apartment 4B, door code 1234")
    redacted = redact_event(event)
    assert redacted.payload == {}
    assert redacted.model_dump(exclude={"payload"}) == event.model_dump(exclude={"payload"})
    assert event.payload == {"text": "Apartment 4B, door code 1234"}  # the original is untouched
