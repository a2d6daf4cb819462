"""Which role may submit which event."""

from __future__ import annotations

from .enums import EventType, Role

_DISPATCH_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.DISPATCHER})
_FIELD_EVENTS = frozenset({EventType.TEAM_STATUS_CHANGED, EventType.TEAM_CHECKED_IN})


def may_write(role: Role) -> bool:
    """Whether the role may post events at all (the wall is read-only)."""
    return role != Role.WALL


def may_submit(role: Role, event_type: str, entity_id: str, own_team_id: str | None) -> str | None:
    """None if allowed, else the reason it is forbidden."""
    if event_type == EventType.TEAM_CREATED:
        return None if role == Role.ADMIN else "only an admin changes the roster"
    if role in _DISPATCH_ROLES:
        return None
    if role == Role.FIELD:
        if event_type in _FIELD_EVENTS and own_team_id == entity_id:
            return None
        return "a field user reports the status of its own team only"
    return f"the {role} role is read-only"
