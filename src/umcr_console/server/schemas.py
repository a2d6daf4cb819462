"""Wire models of the server's extensions to protocol.md (see docs/server.md)."""

from __future__ import annotations

from datetime import datetime

from ..domain.enums import Role
from ..domain.events import Event
from ..protocol import Wire


class Me(Wire):
    """``GET /api/v1/me``: who the token belongs to."""

    username: str
    role: Role
    team_id: str | None = None
    provider: str | None = None
    expires_at: datetime


class IncidentTimeline(Wire):
    """``GET /api/v1/incidents/{id}/events``: one incident's accepted events, in order."""

    incident_id: str
    events: list[Event]
