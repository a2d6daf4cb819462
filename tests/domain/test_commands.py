"""The CAD command line turns short typed lines into the right events."""

from datetime import UTC, datetime

import pytest

from umcr_console.domain import events as ev
from umcr_console.domain.commands import CommandError, parse_command
from umcr_console.domain.enums import (
    Agency,
    CallType,
    Disposition,
    EventType,
    Priority,
    Source,
    TeamStatus,
)
from umcr_console.domain.model import Location
from umcr_console.domain.state import State

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
WS = "ws-test"


@pytest.fixture
def state() -> State:
    state = State()
    team_id, incident_id = (
        "00000000-0000-7000-8000-000000000001",
        "00000000-0000-7000-8000-000000000002",
    )
    state.apply(
        ev.make_event(
            EventType.TEAM_CREATED,
            team_id,
            ev.TeamCreated(call_sign="PL-1", provider="Penny Lane Centers", division="Devonshire"),
            workstation_id=WS,
            occurred_at=NOW,
        ),
        now=NOW,
        seq=1,
    )
    state.apply(
        ev.make_event(
            EventType.INCIDENT_CREATED,
            incident_id,
            ev.IncidentCreated(
                received_at=NOW,
                source=Source.LAPD_911,
                call_type=CallType.WELFARE_CHECK,
                priority=Priority.HIGH,
                location=Location(address="1 Main St"),
            ),
            workstation_id=WS,
            occurred_at=NOW,
        ),
        now=NOW,
        seq=42,
    )
    return state


def parse(text: str, state: State) -> ev.Event:
    return parse_command(text, state, workstation_id=WS, now=NOW)


def test_dispatch_by_short_number_and_call_sign_any_case(state: State) -> None:
    event = parse("d 42 pl-1", state)
    assert event.type == EventType.INCIDENT_TEAM_ASSIGNED
    assert event.payload == {"team_id": state.teams[next(iter(state.teams))].id}
    assert state.apply(event, now=NOW).__class__.__name__ == "Changes"


def test_full_number_works_too(state: State) -> None:
    assert parse("D U000042 PL-1", state).entity_id == next(iter(state.incidents))


def test_status_codes_with_note(state: State) -> None:
    state.apply(parse("D 42 PL-1", state), now=NOW)
    event = parse("OS PL-1 arrived, calm", state)
    assert event.type == EventType.TEAM_STATUS_CHANGED
    assert event.payload == {"status": TeamStatus.ON_SCENE, "note": "arrived, calm"}


def test_close_with_disposition_code_and_note(state: State) -> None:
    event = parse("CL 42 REF referred to DMH clinic", state)
    assert event.payload == {
        "disposition": Disposition.REFERRAL_MADE,
        "note": "referred to DMH clinic",
    }


def test_redirect_needs_agency_and_reason(state: State) -> None:
    event = parse("RD 42 lapd weapon seen by caller", state)
    assert event.payload == {"agency": Agency.LAPD, "reason": "weapon seen by caller"}
    with pytest.raises(CommandError, match="usage"):
        parse("RD 42 LAPD", state)
    with pytest.raises(CommandError, match="LAPD or LAFD"):
        parse("RD 42 FBI because", state)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("", "type a command"),
        ("ZZ 42", "unknown command"),
        ("D 42", "usage"),
        ("D 99 PL-1", "no incident U000099"),
        ("D 42 XX-9", "no team"),
        ("D abc PL-1", "not an incident number"),
        ("CL 42 NOPE", "unknown disposition"),
    ],
)
def test_bad_lines_say_what_is_wrong(state: State, line: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        parse(line, state)
