"""Words for a dispatcher: what an event tried to do, on which incident or team.

Used for rejection notices ("Assigning team EX-1 to incident U000123 was
rejected: team EX-1 is dispatched, not available. Choose another available
team.").
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.enums import CallType, EventType, RejectCode, TeamStatus
from ..domain.events import Event
from ..domain.rules import StateView

INCIDENT = "incident"
TEAM = "team"

# What the dispatcher can do about each kind of rejection.
ADVICE: dict[str, str] = {
    RejectCode.TEAM_UNAVAILABLE: "Choose another available team.",
    RejectCode.VERSION_CONFLICT: "Someone changed it meanwhile: check it and try again.",
    RejectCode.INCIDENT_CLOSED: "It was closed meanwhile; reopen it first if the work goes on.",
    RejectCode.INVALID_TRANSITION: "Check the current status and choose a step that follows.",
    RejectCode.UNKNOWN_ENTITY: "It is not known to the server; it may have been refused earlier.",
    RejectCode.INVALID_PAYLOAD: "Correct the entry and submit it again.",
    RejectCode.FORBIDDEN: "Your role may not do this; ask a supervisor.",
    RejectCode.DUPLICATE_ENTITY: "It exists already; nothing was added.",
}


@dataclass(frozen=True)
class Subject:
    """Which incident or team an event is about, and a phrase for what it did."""

    kind: str  # INCIDENT or TEAM
    entity_id: str
    incident_id: str | None
    team_id: str | None
    action: str


def incident_label(view: StateView, incident_id: str | None) -> str:
    incident = view.incident(incident_id) if incident_id else None
    if incident is None:
        return "an unknown incident"
    if incident.number and incident.number != "pending":
        return f"incident {incident.number}"
    where = incident.location.address or "no address"
    return f"the new incident ({incident.call_type.label}, {where})"


def team_label(view: StateView, team_id: str | None) -> str:
    team = view.team(team_id) if team_id else None
    return f"team {team.call_sign}" if team else "an unknown team"


def subject_of(event: Event, view: StateView) -> Subject:
    """Describe ``event`` with names from ``view`` (the state it was judged on)."""
    payload = event.payload
    team_id = payload.get("team_id") if isinstance(payload.get("team_id"), str) else None
    kind = event.type.split(".", 1)[0]
    if kind == TEAM:
        team = team_label(view, event.entity_id)
        if event.type == EventType.TEAM_STATUS_CHANGED:
            try:
                status = TeamStatus(payload.get("status", "")).label.lower()
            except ValueError:
                status = str(payload.get("status"))
            action = f"Setting {team} to {status}"
        elif event.type == EventType.TEAM_CHECKED_IN:
            action = f"The check-in of {team}"
        elif event.type == EventType.TEAM_CREATED:
            action = f"Adding team {payload.get('call_sign', '?')}"
        elif event.type == EventType.TEAM_ALERT_ESCALATED:
            action = f"Escalating the overdue alert of {team} to the supervisors"
        elif event.type == EventType.TEAM_ALERT_ACKNOWLEDGED:
            action = f"Acknowledging the overdue alert of {team}"
        elif event.type == EventType.TEAM_HELP_REQUESTED:
            action = f"The call for help of {team}"
        elif event.type == EventType.TEAM_HELP_ACKNOWLEDGED:
            action = f"Acknowledging the call for help of {team}"
        else:
            action = f"{event.type} on {team}"
        return Subject(TEAM, event.entity_id, None, event.entity_id, action)

    incident = incident_label(view, event.entity_id)
    match event.type:
        case EventType.INCIDENT_CREATED:
            try:
                call_type = CallType(payload.get("call_type", "")).label
            except ValueError:
                call_type = "incident"
            address = (payload.get("location") or {}).get("address") or "no address"
            action = f"The new incident ({call_type}, {address})"
        case EventType.INCIDENT_UPDATED:
            action = f"The edit of {incident}"
        case EventType.INCIDENT_NOTE_ADDED:
            action = f"The note on {incident}"
        case EventType.INCIDENT_TEAM_ASSIGNED:
            action = f"Assigning {team_label(view, team_id)} to {incident}"
        case EventType.INCIDENT_TEAM_RELEASED:
            action = f"Releasing {team_label(view, team_id)} from {incident}"
        case EventType.INCIDENT_REDIRECTED:
            action = f"Redirecting {incident} to {payload.get('agency', '?')}"
        case EventType.INCIDENT_CLOSED:
            action = f"Closing {incident}"
        case EventType.INCIDENT_REOPENED:
            action = f"Reopening {incident}"
        case EventType.INCIDENT_FOLLOW_UP_SCHEDULED:
            action = f"Scheduling a follow-up of {incident}"
        case EventType.INCIDENT_FOLLOW_UP_DONE:
            action = f"Marking the follow-up of {incident} done"
        case EventType.INCIDENT_HANDOFF_REQUESTED:
            action = f"The handoff of {incident} to {payload.get('provider', '?')}"
        case EventType.INCIDENT_HANDOFF_ACCEPTED:
            action = f"Recording that the handoff of {incident} was accepted"
        case EventType.INCIDENT_SCHEDULED:
            action = f"Planning {incident} for later"
            if team_id is not None:
                action += f" with {team_label(view, team_id)}"
        case _:
            action = f"{event.type} on {incident}"
    return Subject(INCIDENT, event.entity_id, event.entity_id, team_id, action)


def rejection_summary(subject: Subject, code: str, detail: str) -> str:
    advice = ADVICE.get(code, "")
    text = f"{subject.action} was rejected: {detail.rstrip('.')}."
    return f"{text} {advice}" if advice else text
