"""Words for a dispatcher: what an event tried to do, on which incident or team.

Used for rejection notices ("Assigning team EX-1 to incident U000123 was
rejected: team EX-1 is dispatched, not available. Choose another available
team.").
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.enums import CallType, EventType, RejectCode, TeamStatus
from ..domain.events import Event
from ..domain.marks import QT_TR_NOOP, tr
from ..domain.rules import StateView

INCIDENT = "incident"
TEAM = "team"

# What the dispatcher can do about each kind of rejection (marked English; the
# summary is written in the console's language when the rejection arrives).
ADVICE: dict[str, str] = {
    RejectCode.TEAM_UNAVAILABLE: QT_TR_NOOP("Choose another available team."),
    RejectCode.VERSION_CONFLICT: QT_TR_NOOP(
        "Someone changed it meanwhile: check it and try again."
    ),
    RejectCode.INCIDENT_CLOSED: QT_TR_NOOP(
        "It was closed meanwhile; reopen it first if the work goes on."
    ),
    RejectCode.INVALID_TRANSITION: QT_TR_NOOP(
        "Check the current status and choose a step that follows."
    ),
    RejectCode.UNKNOWN_ENTITY: QT_TR_NOOP(
        "It is not known to the server; it may have been refused earlier."
    ),
    RejectCode.INVALID_PAYLOAD: QT_TR_NOOP("Correct the entry and submit it again."),
    RejectCode.FORBIDDEN: QT_TR_NOOP("Your role may not do this; ask a supervisor."),
    RejectCode.DUPLICATE_ENTITY: QT_TR_NOOP("It exists already; nothing was added."),
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
        return tr("an unknown incident")
    if incident.number and incident.number != "pending":
        return tr("incident {number}").format(number=incident.number)
    where = incident.location.address or tr("no address")
    return tr("the new incident ({call_type}, {address})").format(
        call_type=tr(incident.call_type.label), address=where
    )


def team_label(view: StateView, team_id: str | None) -> str:
    team = view.team(team_id) if team_id else None
    return tr("team {team}").format(team=team.call_sign) if team else tr("an unknown team")


def subject_of(event: Event, view: StateView) -> Subject:
    """Describe ``event`` with names from ``view`` (the state it was judged on)."""
    payload = event.payload
    team_id = payload.get("team_id") if isinstance(payload.get("team_id"), str) else None
    kind = event.type.split(".", 1)[0]
    if kind == TEAM:
        team = team_label(view, event.entity_id)
        if event.type == EventType.TEAM_STATUS_CHANGED:
            try:
                status = tr(TeamStatus(payload.get("status", "")).label).lower()
            except ValueError:
                status = str(payload.get("status"))
            action = tr("Setting {team} to {status}").format(team=team, status=status)
        elif event.type == EventType.TEAM_CHECKED_IN:
            action = tr("The check-in of {team}").format(team=team)
        elif event.type == EventType.TEAM_CREATED:
            action = tr("Adding team {call_sign}").format(call_sign=payload.get("call_sign", "?"))
        elif event.type == EventType.TEAM_ALERT_ESCALATED:
            action = tr("Escalating the overdue alert of {team} to the supervisors").format(
                team=team
            )
        elif event.type == EventType.TEAM_ALERT_ACKNOWLEDGED:
            action = tr("Acknowledging the overdue alert of {team}").format(team=team)
        elif event.type == EventType.TEAM_HELP_REQUESTED:
            action = tr("The call for help of {team}").format(team=team)
        elif event.type == EventType.TEAM_HELP_ACKNOWLEDGED:
            action = tr("Acknowledging the call for help of {team}").format(team=team)
        else:
            action = tr("{event} on {team}").format(event=event.type, team=team)
        return Subject(TEAM, event.entity_id, None, event.entity_id, action)

    incident = incident_label(view, event.entity_id)
    match event.type:
        case EventType.INCIDENT_CREATED:
            try:
                call_type = tr(CallType(payload.get("call_type", "")).label)
            except ValueError:
                call_type = tr("incident")
            address = (payload.get("location") or {}).get("address") or tr("no address")
            action = tr("The new incident ({call_type}, {address})").format(
                call_type=call_type, address=address
            )
        case EventType.INCIDENT_UPDATED:
            action = tr("The edit of {incident}").format(incident=incident)
        case EventType.INCIDENT_NOTE_ADDED:
            action = tr("The note on {incident}").format(incident=incident)
        case EventType.INCIDENT_TEAM_ASSIGNED:
            action = tr("Assigning {team} to {incident}").format(
                team=team_label(view, team_id), incident=incident
            )
        case EventType.INCIDENT_TEAM_RELEASED:
            action = tr("Releasing {team} from {incident}").format(
                team=team_label(view, team_id), incident=incident
            )
        case EventType.INCIDENT_REDIRECTED:
            action = tr("Redirecting {incident} to {agency}").format(
                incident=incident, agency=payload.get("agency", "?")
            )
        case EventType.INCIDENT_CLOSED:
            action = tr("Closing {incident}").format(incident=incident)
        case EventType.INCIDENT_REOPENED:
            action = tr("Reopening {incident}").format(incident=incident)
        case EventType.INCIDENT_FOLLOW_UP_SCHEDULED:
            action = tr("Scheduling a follow-up of {incident}").format(incident=incident)
        case EventType.INCIDENT_FOLLOW_UP_DONE:
            action = tr("Marking the follow-up of {incident} done").format(incident=incident)
        case EventType.INCIDENT_HANDOFF_REQUESTED:
            action = tr("The handoff of {incident} to {provider}").format(
                incident=incident, provider=payload.get("provider", "?")
            )
        case EventType.INCIDENT_HANDOFF_ACCEPTED:
            action = tr("Recording that the handoff of {incident} was accepted").format(
                incident=incident
            )
        case EventType.INCIDENT_SCHEDULED:
            if team_id is None:
                action = tr("Planning {incident} for later").format(incident=incident)
            else:
                action = tr("Planning {incident} for later with {team}").format(
                    incident=incident, team=team_label(view, team_id)
                )
        case _:
            action = tr("{event} on {incident}").format(event=event.type, incident=incident)
    return Subject(INCIDENT, event.entity_id, event.entity_id, team_id, action)


def rejection_summary(subject: Subject, code: str, detail: str) -> str:
    """What the notice says, in the console's language; ``detail`` (the server's
    words, English) is quoted as sent."""
    advice = ADVICE.get(code)
    text = tr("{action} was rejected: {detail}.").format(
        action=subject.action, detail=detail.rstrip(".")
    )
    return f"{text} {tr(advice)}" if advice else text
