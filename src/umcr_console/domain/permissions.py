"""Which role may submit which event."""

from __future__ import annotations

from collections.abc import Callable

from .enums import EventType, Role
from .model import Incident

_DISPATCH_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.DISPATCHER})
_FIELD_EVENTS = frozenset(
    {EventType.TEAM_STATUS_CHANGED, EventType.TEAM_CHECKED_IN, EventType.TEAM_HELP_REQUESTED}
)


def may_write(role: Role) -> bool:
    """Whether the role may post events at all (the wall is read-only)."""
    return role != Role.WALL


def may_submit(
    role: Role,
    event_type: str,
    entity_id: str,
    own_team_id: str | None,
    own_incident_id: str | None = None,
) -> str | None:
    """None if allowed, else the reason it is forbidden.

    ``own_incident_id``: the incident a field user's team is on now; the team
    may add a note to it (issue 24), to no other.
    """
    if event_type == EventType.TEAM_CREATED:
        return None if role == Role.ADMIN else "only an admin changes the roster"
    if role in _DISPATCH_ROLES:
        return None
    if role == Role.FIELD:
        if event_type in _FIELD_EVENTS and own_team_id == entity_id:
            return None
        if (
            event_type == EventType.INCIDENT_NOTE_ADDED
            and own_incident_id is not None
            and own_incident_id == entity_id
        ):
            return None
        return "a field user reports for its own team and its current call only"
    return f"the {role} role is read-only"


def provider_holds(
    incident: Incident,
    provider: str,
    team_provider: Callable[[str], str | None],
    creator_provider: str | None,
) -> bool:
    """Whether ``provider`` holds ``incident`` (provider scoping, docs/security.md).

    It does when one of its teams is on the incident, was on it and was not
    released from it while it was open (``released_team_ids``: a team that
    worked the call to its close keeps it), or is reserved for it; when the
    incident is handed off to it; or when one of its users took the call
    (``creator_provider``: the provider of ``incident.created_by``). The server
    decides what a provider's user sees by it; the console, when to read its
    snapshot again.
    """
    worked = (t for t in incident.assigned_team_ids if t not in incident.released_team_ids)
    team_ids = (*worked, *incident.team_ids, incident.reserved_team_id)
    return (
        any(t is not None and team_provider(t) == provider for t in team_ids)
        or (incident.handoff is not None and incident.handoff.provider == provider)
        or (bool(incident.created_by) and creator_provider == provider)
    )
