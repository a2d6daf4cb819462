"""The field companion (issue 24, docs/field.md): a phone-sized page for field teams.

The page is three static files (HTML, one plain JavaScript file, CSS) and a
service worker, served from ``/field/``; it talks to the same API as every
console: ``POST /api/v1/auth/token`` to sign in (the lockout and the sign-in
gate apply), ``POST /api/v1/events`` to report (judged by ``rules.decide``
like everything else), and two endpoints of its own:

- ``GET /api/v1/field/assignment``: the signed-in field user's own team, its
  current call (address, type, what dispatch wrote, caution notes on the
  place), the statuses the rules allow next and its newest call for help.
  Only the token's team: there is no parameter to name another.
- ``POST /api/v1/field/position`` and ``GET /api/v1/field/positions``: the
  team's position (server/positions.py).

No cookie is ever set: the token travels in the ``Authorization`` header, which
another site's page cannot make a browser send, so there is nothing for a
cross-site request to ride on (CSRF). The page's Content-Security-Policy
(server/headers.py, ``FIELD_CSP``) allows scripts from this origin only, no
inline script.
"""

from datetime import datetime
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import RedirectResponse, Response
from pydantic import Field
from sqlalchemy.engine import Engine

from ..domain import events as ev
from ..domain.enums import EventType, Role, TeamStatus
from ..domain.locations import Place
from ..domain.model import Incident, Team
from ..domain.rules import TRANSITIONS, Rejection, decide
from ..protocol import API_PREFIX, Wire
from .access import signed_in
from .auth import Principal
from .db import read_transaction
from .eventlog import DbStateView, last_seq
from .locations import read_history
from .problems import problem_responses
from .settings import Settings

FIELD_PATH = "/field"
# The statuses a team reports from the field: the rest are the dispatcher's.
FIELD_STATUSES = (
    TeamStatus.EN_ROUTE,
    TeamStatus.ON_SCENE,
    TeamStatus.TRANSPORTING,
    TeamStatus.AVAILABLE,
)
# name -> media type of the page's files (package data of umcr_console.server).
_STATIC = {
    "field.js": "text/javascript; charset=utf-8",
    "field.css": "text/css; charset=utf-8",
    "sw.js": "text/javascript; charset=utf-8",
    "manifest.json": "application/manifest+json",
}


class FieldTeam(Wire):
    id: str
    call_sign: str
    provider: str
    division: str
    status: TeamStatus
    status_label: str
    status_since: datetime
    last_check_in: datetime | None = None


class FieldNote(Wire):
    at: datetime
    author: str
    text: str


class FieldCaution(Wire):
    category: str
    text: str
    at: datetime
    expires_at: datetime
    number: str
    address: str


class FieldIncident(Wire):
    id: str
    number: str
    state: str
    call_type: str
    call_type_label: str
    priority: int
    received_at: datetime
    address: str
    division: str | None = None
    lat: float | None = None
    lon: float | None = None
    language: str = ""
    person: str = ""
    caller_name: str = ""
    caller_phone: str = ""
    narrative: str = ""
    notes: list[FieldNote] = Field(default_factory=list)
    safety: dict[str, bool] = Field(default_factory=dict)


class FieldHelp(Wire):
    event_id: str
    requested_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: str = ""
    acknowledgement_note: str = ""


class StatusChoice(Wire):
    status: TeamStatus
    label: str


class Assignment(Wire):
    """``GET /api/v1/field/assignment``: what the team's phone shows."""

    seq: int
    username: str
    expires_at: datetime
    team: FieldTeam
    next_statuses: list[StatusChoice]
    # The field statuses each field status may go to (rules.TRANSITIONS), so
    # the page can offer the next buttons after an action it queued offline.
    transitions: dict[str, list[str]]
    incident: FieldIncident | None = None
    cautions: list[FieldCaution] = Field(default_factory=list)
    help: FieldHelp | None = None


class _OneTeamView:
    """A ``StateView`` of the team and its incident, for asking ``decide``."""

    def __init__(self, team: Team, incident: Incident | None) -> None:
        self._team, self._incident = team, incident

    def team(self, team_id: str) -> Team | None:
        return self._team if team_id == self._team.id else None

    def incident(self, incident_id: str) -> Incident | None:
        found = self._incident
        return found if found is not None and found.id == incident_id else None


def next_statuses(team: Team, incident: Incident | None, now: datetime) -> list[TeamStatus]:
    """The field statuses ``rules.decide`` would accept from the team's state now."""
    view = _OneTeamView(team, incident)
    allowed = []
    for status in FIELD_STATUSES:
        event = ev.make_event(
            EventType.TEAM_STATUS_CHANGED,
            team.id,
            ev.StatusChanged(status=status),
            workstation_id="field-check",
            occurred_at=now,
        )
        if not isinstance(decide(view, event, now=now), Rejection):
            allowed.append(status)
    return allowed


def field_transitions() -> dict[str, list[str]]:
    """Each status -> the field statuses the team state machine allows from it."""
    return {
        str(status): [str(s) for s in FIELD_STATUSES if s in TRANSITIONS[status]]
        for status in TeamStatus
    }


def _incident(incident: Incident) -> FieldIncident:
    return FieldIncident(
        id=incident.id,
        number=incident.number,
        state=incident.state,
        call_type=incident.call_type,
        call_type_label=incident.call_type.label,
        priority=int(incident.priority),
        received_at=incident.received_at,
        address=incident.location.address,
        division=incident.location.division,
        lat=incident.location.lat,
        lon=incident.location.lon,
        language=incident.language,
        person=incident.person,
        caller_name=incident.caller.name,
        caller_phone=incident.caller.phone,
        narrative=incident.narrative,
        notes=[FieldNote(at=n.at, author=n.author, text=n.text) for n in incident.notes],
        safety=incident.safety.model_dump(),
    )


def read_assignment(engine: Engine, settings: Settings, user: Principal) -> Assignment:
    """The assignment of ``user``'s own team; 404 if the team does not exist."""
    now = settings.clock()
    if user.team_id is None:
        raise HTTPException(404, "this field user belongs to no team")
    with read_transaction(engine) as conn:
        view = DbStateView(conn)
        team = view.team(user.team_id)
        incident = view.incident(team.incident_id) if team and team.incident_id else None
        seq = last_seq(conn)
    if team is None:
        raise HTTPException(404, "the team of this field user is not on the roster")
    cautions: list[FieldCaution] = []
    if incident is not None:
        loc = incident.location
        place = Place(
            address=loc.address,
            lat=loc.lat,
            lon=loc.lon,
            radius_m=settings.deployment.locations.history_radius_m,
            months=settings.deployment.locations.history_months,
        )
        if place.has_point or place.key:
            # Scoped like the location history (docs/locations.md): the notes of
            # calls the team's provider holds, this one's included.
            history = read_history(engine, user, place, now=now)
            cautions = [
                FieldCaution(
                    category=c.category,
                    text=c.text,
                    at=c.at,
                    expires_at=c.expires_at,
                    number=c.number,
                    address=c.address,
                )
                for c in history.cautions
            ]
    help_call = team.help
    return Assignment(
        seq=seq,
        username=user.username,
        expires_at=user.expires_at,
        team=FieldTeam(
            id=team.id,
            call_sign=team.call_sign,
            provider=team.provider,
            division=team.division,
            status=team.status,
            status_label=team.status.label,
            status_since=team.status_since,
            last_check_in=team.last_check_in,
        ),
        next_statuses=[
            StatusChoice(status=s, label=s.label) for s in next_statuses(team, incident, now)
        ],
        transitions=field_transitions(),
        incident=_incident(incident) if incident is not None else None,
        cautions=cautions,
        help=None
        if help_call is None
        else FieldHelp(
            event_id=help_call.event_id,
            requested_at=help_call.requested_at,
            acknowledged_at=help_call.acknowledged_at,
            acknowledged_by=help_call.acknowledged_by,
            acknowledgement_note=help_call.acknowledgement_note,
        ),
    )


def _asset(name: str) -> bytes:
    return resources.files(__package__).joinpath("field_static", name).read_bytes()


def pages() -> APIRouter:
    """The page and its files, no token needed (they hold no data)."""
    routes = APIRouter(include_in_schema=False)

    @routes.get(FIELD_PATH)
    def field_root() -> RedirectResponse:
        return RedirectResponse(f"{FIELD_PATH}/", status_code=308)

    @routes.get(f"{FIELD_PATH}/")
    def field_page() -> Response:
        return Response(_asset("field.html"), media_type="text/html; charset=utf-8")

    @routes.get(FIELD_PATH + "/{name}")
    def field_file(name: str) -> Response:
        media_type = _STATIC.get(name)
        if media_type is None:
            raise HTTPException(404, "no such file")
        return Response(_asset(name), media_type=media_type)

    return routes


def router(settings: Settings, engine: Engine) -> APIRouter:
    routes = APIRouter(prefix=API_PREFIX)
    FieldUser = Annotated[
        Principal, Depends(signed_in(engine, settings, {Role.FIELD}, "use the field page"))
    ]

    @routes.get(
        "/field/assignment",
        response_model=Assignment,
        tags=["field"],
        responses=problem_responses(401, 403, 404),
    )
    def assignment(user: FieldUser) -> Assignment:
        """Extension (issue 24): the field user's own team and its current call."""
        return read_assignment(engine, settings, user)

    return routes
