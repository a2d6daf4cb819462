"""What the wall role (a screen in a room) may see: no personal data.

Personal data of callers and persons in crisis: caller name and phone, the
person, the narrative, notes and free-text reasons, and a team's status note
(what the team said on the radio). The wall sees where, what and when, never
who or what was said.
"""

from __future__ import annotations

from typing import Any

from .enums import EventType
from .events import Event
from .model import Caller, Incident, Team

# Payload keys that may carry personal data, for every event type.
PERSONAL_PAYLOAD_KEYS = frozenset(
    {
        "caller",
        "person",
        "narrative",
        "text",
        "note",
        "reason",
        "screen_override_reason",
        "safety_words",  # words from the narrative and a free-text reason
        # Who at a provider accepted a warm handoff: a name, not the wall's business.
        "accepted_by",
        # A caution note on a place (issue 22): the wall never sees one, not even its kind.
        "category",
        "expires_at",
        # Where a field worker was when they called for help (issue 24): the
        # wall knows the team's division, never its position.
        "lat",
        "lon",
        "accuracy_m",
        "position_at",
    }
)
# The wall's map needs where, not which door: coordinates rounded to about 100 m.
_WALL_COORD_DECIMALS = 3


def _coarse(value: float | None) -> float | None:
    return None if value is None else round(value, _WALL_COORD_DECIMALS)


def _coarse_location(location: dict[str, Any]) -> dict[str, Any]:
    return {
        **location,
        "address": "",
        "lat": _coarse(location.get("lat")),
        "lon": _coarse(location.get("lon")),
    }


def redact_incident(incident: Incident) -> Incident:
    # Follow-up and handoff notes say what was promised to whom: personal.
    follow_up = incident.follow_up and incident.follow_up.model_copy(update={"note": ""})
    handoff = incident.handoff and incident.handoff.model_copy(
        update={"note": "", "accepted_by": ""}
    )
    return incident.model_copy(
        update={
            "caller": Caller(),
            "person": "",
            "narrative": "",
            "notes": (),
            "redirect_reason": None,
            "follow_up": follow_up,
            "handoff": handoff,
            "cautions": (),
            "location": incident.location.model_validate(
                _coarse_location(incident.location.model_dump())
            ),
        }
    )


def redact_team(team: Team) -> Team:
    # A status or check-in note is free text from the field ("sitting with the
    # mother at 12 Elm St"): the same kind of data as an incident note.
    # A call for help shows on the wall (the team and when), but neither the
    # worker's position nor what was said (issue 24).
    help_call = team.help and team.help.model_copy(
        update={
            "note": "",
            "lat": None,
            "lon": None,
            "accuracy_m": None,
            "position_at": None,
            "acknowledgement_note": "",
        }
    )
    return team.model_copy(update={"status_note": "", "help": help_call})


def redact_payload(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    cleaned = {k: v for k, v in payload.items() if k not in PERSONAL_PAYLOAD_KEYS}
    if event_type in (EventType.INCIDENT_CREATED, EventType.INCIDENT_UPDATED) and isinstance(
        cleaned.get("location"), dict
    ):
        cleaned["location"] = _coarse_location(cleaned["location"])
    return cleaned


def redact_event(event: Event) -> Event:
    return event.model_copy(update={"payload": redact_payload(event.type, event.payload)})
