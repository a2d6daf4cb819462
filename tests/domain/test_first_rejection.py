"""``first_rejection``: an action of several events is judged as a whole, in order,
without changing the state (the console's local refusal, issue 18 item 3)."""

from __future__ import annotations

from umcr_console.domain.enums import EventType, RejectCode, TeamStatus
from umcr_console.domain.ids import uuid7
from umcr_console.domain.rules import first_rejection

from .world import World, incident_payload


def test_a_call_and_its_redirect_pass_together() -> None:
    world = World()
    incident_id = uuid7()
    created = world.event(EventType.INCIDENT_CREATED, incident_id, incident_payload())
    redirected = world.event(
        EventType.INCIDENT_REDIRECTED, incident_id, {"agency": "LAPD", "reason": "gun"}
    )
    assert first_rejection(world.state, [created, redirected], now=world.now) is None
    # Alone, the redirect has no incident to act on; nothing was stored meanwhile.
    event, rejection = first_rejection(world.state, [redirected], now=world.now)
    assert event is redirected and rejection.code == RejectCode.UNKNOWN_ENTITY
    assert world.state.incidents == {}


def test_the_first_refused_event_is_named_with_its_reason() -> None:
    world = World()
    team_id = world.create_team("PL-1")
    incident_id = world.create_incident()
    assign = world.assign(incident_id, team_id)
    on_scene = world.status(team_id, TeamStatus.ON_SCENE)
    twice = world.assign(incident_id, team_id)
    assert first_rejection(world.state, [assign, on_scene], now=world.now) is None
    event, rejection = first_rejection(world.state, [assign, on_scene, twice], now=world.now)
    assert event is twice and rejection.code == RejectCode.TEAM_UNAVAILABLE
    assert "PL-1" in rejection.detail
    # On scene before the assignment: refused, with the reason the console shows.
    event, rejection = first_rejection(world.state, [on_scene], now=world.now)
    assert event is on_scene and "PL-1" in rejection.detail
    assert world.state.teams[team_id].status == TeamStatus.AVAILABLE
