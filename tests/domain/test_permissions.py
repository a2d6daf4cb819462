"""Which role may post which event (domain/permissions.py)."""

from __future__ import annotations

import pytest

from umcr_console.domain.enums import EventType, Role
from umcr_console.domain.ids import uuid7
from umcr_console.domain.permissions import may_submit, may_write

OWN_TEAM = uuid7()
OTHER_TEAM = uuid7()
INCIDENT = uuid7()
INCIDENT_EVENTS = [t for t in EventType if t.entity_kind == "incident"]
TEAM_EVENTS = [EventType.TEAM_STATUS_CHANGED, EventType.TEAM_CHECKED_IN]


def test_only_the_wall_is_read_only() -> None:
    assert [role for role in Role if not may_write(role)] == [Role.WALL]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SUPERVISOR, Role.DISPATCHER])
@pytest.mark.parametrize("event_type", INCIDENT_EVENTS + TEAM_EVENTS)
def test_dispatch_roles_may_post_every_dispatch_event(role: Role, event_type: EventType) -> None:
    entity = INCIDENT if event_type.entity_kind == "incident" else OTHER_TEAM
    assert may_submit(role, event_type, entity, None) is None


@pytest.mark.parametrize("event_type", TEAM_EVENTS)
def test_a_field_user_reports_for_its_own_team_only(event_type: EventType) -> None:
    assert may_submit(Role.FIELD, event_type, OWN_TEAM, OWN_TEAM) is None
    assert may_submit(Role.FIELD, event_type, OTHER_TEAM, OWN_TEAM)
    # A field login not bound to any team reports for none.
    assert may_submit(Role.FIELD, event_type, OWN_TEAM, None)


@pytest.mark.parametrize("event_type", INCIDENT_EVENTS)
def test_a_field_user_does_not_work_the_queue(event_type: EventType) -> None:
    reason = may_submit(Role.FIELD, event_type, INCIDENT, OWN_TEAM)
    assert reason and "own team" in reason


@pytest.mark.parametrize("event_type", [*EventType, "incident.teleported"])
def test_the_wall_may_post_nothing(event_type: str) -> None:
    assert may_submit(Role.WALL, event_type, INCIDENT, None)


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_only_an_admin_changes_the_roster(role: Role) -> None:
    assert may_submit(Role.ADMIN, EventType.TEAM_CREATED, OWN_TEAM, None) is None
    reason = may_submit(role, EventType.TEAM_CREATED, OWN_TEAM, OWN_TEAM)
    assert reason and "admin" in reason


def test_roles_given_as_wire_strings_work_the_same() -> None:
    assert may_submit("dispatcher", "incident.closed", INCIDENT, None) is None  # type: ignore[arg-type]
    assert may_submit("wall", "incident.closed", INCIDENT, None)  # type: ignore[arg-type]
    assert not may_write("wall")  # type: ignore[arg-type]
