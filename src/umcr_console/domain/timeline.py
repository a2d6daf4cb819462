"""An incident's timeline: its own events and what its teams did on it.

A team's status changes are events of the team (``entity_id`` is the team),
so an incident's own log misses "PL-1 on scene" (issue 18 item 7). This pure
function puts them back: a team's events count for the incident from its
assignment until it leaves (released, the incident closed or redirected, or
a status that clears it: available, out of service, off duty -- that status
change itself is shown).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .enums import EventType, TeamStatus
from .events import Event

_CLEARING = frozenset(
    {TeamStatus.AVAILABLE.value, TeamStatus.OUT_OF_SERVICE.value, TeamStatus.OFF_DUTY.value}
)
_TEAM_EVENTS = frozenset(
    {
        EventType.TEAM_STATUS_CHANGED.value,
        EventType.TEAM_CHECKED_IN.value,
        EventType.TEAM_ALERT_ESCALATED.value,
        EventType.TEAM_ALERT_ACKNOWLEDGED.value,
        EventType.TEAM_HELP_REQUESTED.value,
        EventType.TEAM_HELP_ACKNOWLEDGED.value,
    }
)


def assigned_team_ids(events: Iterable[Event]) -> set[str]:
    """Every team an assignment in ``events`` names."""
    return {
        str(e.payload["team_id"])
        for e in events
        if e.type == EventType.INCIDENT_TEAM_ASSIGNED and "team_id" in e.payload
    }


def first_assignment_seq(events: Iterable[Event]) -> int | None:
    """The seq of the first confirmed assignment: team events before it are not this call's."""
    seqs = [
        e.seq for e in events if e.type == EventType.INCIDENT_TEAM_ASSIGNED and e.seq is not None
    ]
    return min(seqs) if seqs else None


def incident_timeline(
    incident_id: str, events: Sequence[Event], team_events: Mapping[str, Sequence[Event]]
) -> list[Event]:
    """The incident's ``events`` and its teams' events while on it, each once, in
    order: confirmed ones by seq, then pending ones (seq None) as they came."""
    seen: set[str] = set()
    merged: list[Event] = []
    for event in [*events, *(e for team in team_events.values() for e in team)]:
        if event.event_id not in seen:
            seen.add(event.event_id)
            merged.append(event)
    pending_order = {id(e): i for i, e in enumerate(merged)}
    merged.sort(key=lambda e: (e.seq is None, e.seq or 0, e.occurred_at, pending_order[id(e)]))
    on_incident: set[str] = set()
    out: list[Event] = []
    for event in merged:
        if event.entity_id == incident_id:
            out.append(event)
            team_id = event.payload.get("team_id")
            if event.type == EventType.INCIDENT_TEAM_ASSIGNED and isinstance(team_id, str):
                on_incident.add(team_id)
            elif event.type == EventType.INCIDENT_TEAM_RELEASED and isinstance(team_id, str):
                on_incident.discard(team_id)
            elif event.type in (EventType.INCIDENT_CLOSED, EventType.INCIDENT_REDIRECTED):
                on_incident.clear()
        elif event.entity_id in on_incident and event.type in _TEAM_EVENTS:
            out.append(event)
            if event.type == EventType.TEAM_STATUS_CHANGED and (
                event.payload.get("status") in _CLEARING
            ):
                on_incident.discard(event.entity_id)
    return out
