"""The event envelope and make_event, as a client builds them."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from pydantic import ValidationError

from umcr_console.domain.enums import EventType, Priority
from umcr_console.domain.events import (
    PAYLOAD_MODELS,
    Event,
    IncidentUpdated,
    NoteAdded,
    TeamAssigned,
    make_event,
)
from umcr_console.domain.ids import uuid7

from .world import T0


def test_every_event_type_has_a_payload_model() -> None:
    assert set(PAYLOAD_MODELS) == set(EventType)


def test_make_event_fills_a_fresh_uuid7_and_dumps_the_payload() -> None:
    incident = uuid7()
    team = uuid7().upper()
    event = make_event(
        EventType.INCIDENT_TEAM_ASSIGNED,
        incident,
        TeamAssigned(team_id=team),
        workstation_id="ws-1",
        occurred_at=T0,
        expected_version=3,
    )
    assert uuid.UUID(event.event_id).version == 7
    assert event.type == "incident.team_assigned"
    assert event.payload == {"team_id": team.lower()}  # canonical form
    assert (event.expected_version, event.occurred_at, event.workstation_id) == (3, T0, "ws-1")
    assert event.seq is None and event.actor is None and event.recorded_at is None


def test_an_update_carries_only_the_fields_it_changes() -> None:
    event = make_event(
        EventType.INCIDENT_UPDATED,
        uuid7(),
        IncidentUpdated(priority=Priority.URGENT),
        workstation_id="ws-1",
        occurred_at=T0,
        expected_version=1,
    )
    assert event.payload == {"priority": 1}


def test_make_event_keeps_a_given_event_id() -> None:
    given = uuid7()
    event = make_event(
        EventType.INCIDENT_NOTE_ADDED,
        uuid7(),
        NoteAdded(text="x"),
        workstation_id="ws",
        occurred_at=T0,
        event_id=given,
    )
    assert event.event_id == given


@pytest.mark.parametrize(
    "change",
    [
        {"event_id": "nope"},
        {"entity_id": "12345"},
        {"occurred_at": datetime(2026, 3, 21, 14, 0)},  # no offset
        {"workstation_id": ""},
        {"expected_version": -1},
        {"type": ""},
        {"surprise": 1},
    ],
)
def test_a_malformed_envelope_does_not_validate(change: dict) -> None:
    fields = {
        "event_id": uuid7(),
        "type": "incident.note_added",
        "entity_id": uuid7(),
        "occurred_at": T0,
        "workstation_id": "ws",
        "payload": {"text": "x"},
    }
    Event(**fields)  # the baseline is valid
    with pytest.raises(ValidationError):
        Event(**{**fields, **change})


def test_events_are_frozen() -> None:
    event = make_event(
        EventType.INCIDENT_NOTE_ADDED, uuid7(), {"text": "x"}, workstation_id="ws", occurred_at=T0
    )
    with pytest.raises(ValidationError):
        event.seq = 5  # type: ignore[misc]


def test_incident_updated_refuses_explicit_nulls_but_not_omissions() -> None:
    assert IncidentUpdated.model_validate({"narrative": "x"}).changes() == {"narrative": "x"}
    with pytest.raises(ValidationError, match="null"):
        IncidentUpdated.model_validate({"narrative": None})
