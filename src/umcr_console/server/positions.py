"""Field teams' positions (issue 24, docs/field.md "Position").

A position is personal data of the worker, so it is not an event (the log
keeps events for ever): it goes into ``team_positions``, each write deletes
what is older than the retention (``UMCR_POSITION_RETENTION_HOURS``, default
12 h), and reading takes only what is within it. Only the team's own field
user reports it (with the phone's permission, sent by the page); dispatchers,
supervisors and admins read the newest of each team with its age; a
provider's user reads only its own teams'; the wall and field users read none
(the wall sees a team's division, never where it is).
"""

from datetime import UTC, datetime, timedelta
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import Response
from pydantic import AwareDatetime, Field
from sqlalchemy.engine import Engine

from ..domain.enums import Role
from ..protocol import API_PREFIX, Positions, TeamPosition, Wire
from .access import signed_in
from .auth import Principal
from .db import read_transaction, team_positions, write_transaction
from .problems import problem_responses
from .scope import scope_for
from .settings import Settings

READER_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.DISPATCHER})
# A phone's clock may be a little ahead; a position "from the future" is refused.
_MAX_AHEAD = timedelta(minutes=5)


class PositionReport(Wire):
    """``POST /api/v1/field/position``: where the phone is, as it measured it."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    accuracy_m: float | None = Field(default=None, ge=0, le=100_000)
    at: AwareDatetime


def record(
    engine: Engine, user: Principal, report: PositionReport, *, now: datetime, keep: timedelta
) -> None:
    """Store the position of ``user``'s team and forget those past the retention."""
    assert user.team_id is not None
    with write_transaction(engine) as conn:
        conn.execute(
            sa.insert(team_positions).values(
                team_id=user.team_id,
                username=user.username,
                at=report.at,
                received_at=now,
                lat=report.lat,
                lon=report.lon,
                accuracy_m=report.accuracy_m,
            )
        )
        prune(conn, now=now, keep=keep)


def prune(conn: sa.Connection, *, now: datetime, keep: timedelta) -> int:
    """Delete positions received longer ago than ``keep``; how many went."""
    result = conn.execute(
        sa.delete(team_positions).where(team_positions.c.received_at < now - keep)
    )
    return result.rowcount or 0


def newest(
    engine: Engine, user: Principal, *, now: datetime, keep: timedelta
) -> list[TeamPosition]:
    """The newest position of each team within the retention, as ``user`` may see them."""
    t = team_positions.c
    latest = (
        sa.select(t.team_id, sa.func.max(t.at).label("at"))
        .where(t.received_at >= now - keep)
        .group_by(t.team_id)
        .subquery()
    )
    query = (
        sa.select(t.team_id, t.lat, t.lon, t.accuracy_m, t.at)
        .join(latest, sa.and_(t.team_id == latest.c.team_id, t.at == latest.c.at))
        .where(t.received_at >= now - keep)
        .order_by(t.team_id)
    )
    with read_transaction(engine) as conn:
        rows = conn.execute(query).all()
        scope = scope_for(conn, user)
    seen: set[str] = set()
    found = []
    for row in rows:
        if row.team_id in seen or (scope is not None and not scope.owns_team(row.team_id)):
            continue
        seen.add(row.team_id)
        found.append(
            TeamPosition(
                team_id=row.team_id,
                lat=row.lat,
                lon=row.lon,
                accuracy_m=row.accuracy_m,
                at=row.at,
                age_s=max(0.0, (now - row.at).total_seconds()),
            )
        )
    return found


def router(settings: Settings, engine: Engine) -> APIRouter:
    routes = APIRouter(prefix=API_PREFIX)
    Reporter = Annotated[
        Principal, Depends(signed_in(engine, settings, {Role.FIELD}, "report a team's position"))
    ]
    Reader = Annotated[
        Principal, Depends(signed_in(engine, settings, READER_ROLES, "read teams' positions"))
    ]

    @routes.post(
        "/field/position",
        status_code=204,
        tags=["field"],
        responses=problem_responses(401, 403, 422),
    )
    def report_position(report: PositionReport, user: Reporter) -> Response:
        """Extension (issue 24): the field user's team is here (the phone's measure)."""
        now = settings.clock()
        try:
            report.at.astimezone(UTC)  # 0001-01-01T00:00+05:00 has no UTC form
        except OverflowError:
            raise HTTPException(422, "at: out of range in UTC") from None
        if report.at > now + _MAX_AHEAD:
            raise HTTPException(422, "at: the position's time is in the future")
        if user.team_id is None:
            raise HTTPException(403, "this field user belongs to no team")
        record(engine, user, report, now=now, keep=settings.position_retention)
        return Response(status_code=204)

    @routes.get(
        "/field/positions",
        response_model=Positions,
        tags=["field"],
        responses=problem_responses(401, 403),
    )
    def positions(user: Reader) -> Positions:
        """Extension (issue 24): each team's newest position within the retention, with its age."""
        keep = settings.position_retention
        return Positions(
            retention_hours=keep.total_seconds() / 3600,
            positions=newest(engine, user, now=settings.clock(), keep=keep),
        )

    return routes
