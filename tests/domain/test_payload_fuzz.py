"""Fuzzing event payloads against the domain (issue 10, item 6; docs/security.md).

For every event type: junk payloads (random keys and values, wrong types,
huge strings and numbers, NaN and infinity, deep nesting, odd Unicode) and
well-formed edge payloads derived from the payload models. The domain must
answer each with a value or a documented validation error, never crash:

- ``make_event`` builds the event or raises pydantic's ``ValidationError``;
- the payload model validates it or raises ``ValidationError``;
- ``rules.decide`` returns changes or a rejection, against a state that holds
  teams in every status and incidents open, closed and scheduled;
- an accepted event survives its JSON form (what is stored and sent) and is
  judged the same way again from it (what every console does on replay).

Bounded for CI (``UMCR_FUZZ_EXAMPLES`` raises it; bench/fuzz_campaign.py).
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import event as tally
from hypothesis import strategies as st
from pydantic import ValidationError

from tests.support.payloads import (
    EVENT_TYPES,
    FUZZ_DERANDOMIZE,
    FUZZ_EXAMPLES,
    aware_times,
    entity_ids,
    payloads,
)
from umcr_console.domain.enums import EventType, RejectCode, TeamStatus
from umcr_console.domain.events import MAX_TEXT, PAYLOAD_MODELS, Event, make_event
from umcr_console.domain.ids import uuid7
from umcr_console.domain.rules import Changes, Rejection, decide
from umcr_console.domain.state import State

from .world import World, incident_payload

EXAMPLES = FUZZ_EXAMPLES * 5
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=FUZZ_DERANDOMIZE,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _floor() -> tuple[State, list[str], list[str]]:
    """A state with something of everything an event can point at; its ids."""
    world = World()
    for status in TeamStatus:
        world.put_team_in(status)
    closed = world.create_incident()
    world.accept(world.close(closed))
    scheduled = world.create_incident()
    team = world.create_team("HOLD-1")
    world.accept(
        world.event(
            EventType.INCIDENT_SCHEDULED,
            scheduled,
            {"scheduled_for": (world.now + timedelta(hours=3)).isoformat(), "team_id": team},
        )
    )
    world.tick(1)
    return world.state, list(world.state.incidents), list(world.state.teams)


STATE, INCIDENTS, TEAMS = _floor()
IDS = [*INCIDENTS, *TEAMS]


def _judge(event: Event) -> Changes | Rejection:
    outcome = decide(STATE.copy(), event, now=STATE_NOW, seq=STATE.seq + 1)
    assert isinstance(outcome, Changes | Rejection)
    return outcome


STATE_NOW = World().now + timedelta(minutes=1)


def _versions(entity_id: str) -> st.SearchStrategy[int | None]:
    """The entity's version (a fresh view), none, or any other (a stale or forged one)."""
    entity = STATE.incidents.get(entity_id) or STATE.teams.get(entity_id)
    current = [entity.version] if entity else []
    return st.one_of(st.sampled_from([*current, None]), st.integers(0, 2**31 - 1))


@pytest.mark.parametrize("event_type", EVENT_TYPES)
@FUZZ
@given(data=st.data())
@pytest.mark.slow
def test_the_domain_answers_any_payload_without_crashing(
    event_type: EventType, data: st.DataObject
) -> None:
    payload: Any = data.draw(payloads(event_type, IDS), label="payload")
    with contextlib.suppress(ValidationError):
        PAYLOAD_MODELS[event_type].model_validate(payload)
    entity_id = data.draw(entity_ids(event_type, INCIDENTS, TEAMS), label="entity_id")
    try:
        event = make_event(
            event_type,
            entity_id,
            payload,
            workstation_id="ws-fuzz",
            occurred_at=data.draw(aware_times(), label="occurred_at"),
            expected_version=data.draw(_versions(entity_id), label="expected_version"),
        )
    except ValidationError:
        # Only a payload that is not a JSON object is refused by the envelope.
        assert not isinstance(payload, dict)
        return
    outcome = _judge(event)
    tally(outcome.code if isinstance(outcome, Rejection) else "accepted")
    if isinstance(outcome, Rejection):
        assert outcome.detail
        return
    # Accepted: what is stored and sent must read back as the same event,
    # and be judged the same way again (a console replaying the log).
    again = Event.model_validate_json(event.model_dump_json())
    assert again == event
    assert _judge(again) == outcome


# Found by the fuzzer: a reason or note of the full allowed length, plus the
# prefix the rules put before it in the incident's notes, made a Note too long
# for its model; decide raised ValidationError (and the server answered 500).

LONGEST = "é" * MAX_TEXT


def test_a_longest_reopen_reason_is_rejected_not_raised() -> None:
    world = World()
    incident = world.create_incident()
    world.accept(world.close(incident))
    world.reject(world.reopen(incident, reason=LONGEST), RejectCode.INVALID_PAYLOAD)
    world.accept(world.reopen(incident, reason=LONGEST[: MAX_TEXT - len("Reopened: ")]))


def test_a_longest_screen_override_reason_is_rejected_not_raised() -> None:
    world = World()
    payload = incident_payload(safety={"weapons": True}, screen_override_reason=LONGEST)
    world.reject(
        world.event(EventType.INCIDENT_CREATED, uuid7(), payload), RejectCode.INVALID_PAYLOAD
    )


def test_longest_follow_up_and_handoff_notes_are_rejected_not_raised() -> None:
    world = World()
    incident = world.create_incident()
    world.accept(world.close(incident))
    due_by = world.now + timedelta(days=1)
    window = {"due_from": world.now.isoformat(), "due_by": due_by.isoformat()}
    world.accept(world.event(EventType.INCIDENT_FOLLOW_UP_SCHEDULED, incident, window))
    world.reject(
        world.event(EventType.INCIDENT_FOLLOW_UP_DONE, incident, {"note": LONGEST}),
        RejectCode.INVALID_PAYLOAD,
    )
    world.accept(
        world.event(EventType.INCIDENT_HANDOFF_REQUESTED, incident, {"provider": "Didi Hirsch"})
    )
    world.reject(
        world.event(EventType.INCIDENT_HANDOFF_ACCEPTED, incident, {"note": LONGEST}),
        RejectCode.INVALID_PAYLOAD,
    )
