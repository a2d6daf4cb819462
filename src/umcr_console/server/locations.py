"""Location history on the server (issue 22, docs/locations.md).

``incident_places`` holds each incident's address key and point, written by
the event log's write path in the same transaction as the incident
(``write_places``). A lookup is two index ranges on it (the address key; a
bounding box on ``(lat, lon)``), an exact filter on those narrow rows, and
then only the newest matching incidents' documents are read and handed to the
pure ``domain.locations.location_history``, the same function the console runs
offline on its local store.

Scope: the wall gets 403; a provider's user sees every matching call's date,
type, disposition, redirect and safety flags (what the wall's map shows of any
call), but the address and the caution notes only of incidents its provider
holds (server/scope.py).
"""

import csv
import io
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response
from sqlalchemy.engine import Connection, Engine

from ..domain.enums import Role
from ..domain.locations import (
    MAX_ENTRIES,
    MAX_MONTHS,
    MAX_RADIUS_M,
    FrequentLocation,
    LocationHistory,
    Place,
    PlaceCall,
    bounding_box,
    distance_m,
    frequent_csv_rows,
    frequent_locations,
    location_history,
    normalise_address,
)
from ..domain.model import Incident
from ..protocol import API_PREFIX
from .access import signed_in
from .auth import Principal
from .db import (
    incident_places,
    incident_providers,
    incident_summary,
    incidents,
    read_transaction,
)
from .inputs import DateTimeQuery
from .problems import problem_responses
from .scope import is_scoped, scope_for
from .settings import Settings

HISTORY_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.DISPATCHER})
_P = incident_places.c


def place_row(incident: Incident) -> dict[str, Any]:
    loc = incident.location
    return {
        "incident_id": incident.id,
        "received_at": incident.received_at,
        "address_key": normalise_address(loc.address),
        "lat": loc.lat,
        "lon": loc.lon,
    }


def write_places(conn: Connection, new: Iterable[Incident], moved: Iterable[Incident]) -> None:
    """Rows for new incidents, and new values for those whose location changed."""
    if rows := [place_row(i) for i in new]:
        conn.execute(sa.insert(incident_places), rows)
    if rows := [{"b_id": i.id, **place_row(i)} for i in moved]:
        for row in rows:
            del row["incident_id"]
        conn.execute(sa.update(incident_places).where(_P.incident_id == sa.bindparam("b_id")), rows)


# Rows a lookup reads at most, newest first: a box's corners outside the radius
# are dropped after the read, so more than MAX_ENTRIES are read.
_READ_LIMIT = 4 * (MAX_ENTRIES + 1)


def _matching(conn: Connection, place: Place, key: str, since: datetime) -> list[Incident]:
    """The incidents at ``place`` since ``since``, newest first, at most MAX_ENTRIES + 1.

    One statement (one round trip): the address key's index range OR the
    bounding box's range on (lat, lon), joined to the incident documents;
    then the exact distance here.
    """
    at_place = []
    if key:
        at_place.append(_P.address_key == key)
    if place.lat is not None and place.lon is not None:
        lo_lat, hi_lat, lo_lon, hi_lon = bounding_box(place.lat, place.lon, place.radius_m)
        at_place.append(sa.and_(_P.lat.between(lo_lat, hi_lat), _P.lon.between(lo_lon, hi_lon)))
    query = (
        sa.select(_P.address_key, _P.lat, _P.lon, incidents.c.data)
        .join(incidents, incidents.c.id == _P.incident_id)
        .where(_P.received_at >= since, sa.or_(*at_place))
        .order_by(_P.received_at.desc())
        .limit(_READ_LIMIT)
    )
    found = []
    for row_key, lat, lon, data in conn.execute(query):
        near = (
            place.lat is not None
            and place.lon is not None
            and lat is not None
            and lon is not None
            and distance_m(place.lat, place.lon, lat, lon) <= place.radius_m
        )
        if (key and row_key == key) or near:
            found.append(Incident.model_validate(data))
            if len(found) > MAX_ENTRIES:
                break
    return found


def read_history(
    engine: Engine,
    principal: Principal,
    place: Place,
    *,
    now: datetime,
    exclude: str | None = None,
) -> LocationHistory:
    """The history of ``place`` as ``principal`` may see it."""
    key = place.key
    # One statement sees one snapshot: no transaction isolation to ask for.
    with engine.connect() as conn:
        found = _matching(conn, place, key, place.since(now))
        scope = scope_for(conn, principal)
        if scope is not None:
            scope.load_creators(conn, (i.created_by for i in found))
    history = location_history(found, place, now=now, exclude=exclude)
    if len(found) > MAX_ENTRIES:
        history = history.model_copy(update={"truncated": True})
    if scope is None:
        return history
    held = {i.id for i in found if scope.holds(i)}
    return history.model_copy(
        update={
            "entries": tuple(
                e if e.incident_id in held else e.model_copy(update={"address": ""})
                for e in history.entries
            ),
            "cautions": tuple(c for c in history.cautions if c.incident_id in held),
        }
    )


# A spreadsheet runs a cell that starts like a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_S = incident_summary.c


def read_place_calls(engine: Engine, start: datetime, end: datetime) -> list[PlaceCall]:
    """The calls received in [start, end) with their place and providers (narrow rows)."""
    in_period = sa.and_(_S.received_at >= start, _S.received_at < end)
    with read_transaction(engine) as conn:
        rows = conn.execute(
            sa.select(
                _S.incident_id,
                _S.received_at,
                _P.address_key,
                _P.lat,
                _P.lon,
                _S.division,
                _S.redirected_to,
            )
            .join(incident_places, _P.incident_id == _S.incident_id)
            .where(in_period)
        ).all()
        pairs = conn.execute(
            sa.select(incident_providers.c.incident_id, incident_providers.c.provider)
            .join(incident_summary, _S.incident_id == incident_providers.c.incident_id)
            .where(in_period)
        ).all()
    providers: dict[str, tuple[str, ...]] = {}
    for incident_id, provider in pairs:
        providers[incident_id] = (*providers.get(incident_id, ()), provider)
    return [PlaceCall(*row, providers=providers.get(row[0], ())) for row in rows]


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["'" + c if c.startswith(_FORMULA_START) else c for c in row])
    return out.getvalue()


def router(settings: Settings, engine: Engine) -> APIRouter:
    routes = APIRouter(prefix=API_PREFIX)
    User = Annotated[
        Principal,
        Depends(signed_in(engine, settings, HISTORY_ROLES, "read the history of a place")),
    ]
    defaults = settings.deployment.locations

    @routes.get(
        "/locations/history",
        response_model=LocationHistory,
        tags=["locations"],
        responses=problem_responses(401, 403, 422),
    )
    def history(
        user: User,
        address: Annotated[str, Query(max_length=200)] = "",
        lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
        lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
        radius_m: Annotated[float | None, Query(gt=0, le=MAX_RADIUS_M)] = None,
        months: Annotated[int | None, Query(ge=1, le=MAX_MONTHS)] = None,
        exclude: Annotated[
            str | None, Query(max_length=64, description="the incident being taken")
        ] = None,
    ) -> LocationHistory:
        """Extension (issue 22): earlier incidents at a place and its caution notes in force.

        The same normalised address, or a point within ``radius_m`` (deployment
        default), received within the last ``months``; newest first, at most 100.
        """
        if (lat is None) != (lon is None):
            raise HTTPException(422, "give lat and lon together")
        place = Place(
            address=address,
            lat=lat,
            lon=lon,
            radius_m=radius_m or defaults.history_radius_m,
            months=months or defaults.history_months,
        )
        if not place.has_point and not place.key:
            raise HTTPException(
                422, "give a point (lat, lon) or a street address with a number and a street"
            )
        return read_history(engine, user, place, now=settings.clock(), exclude=exclude)

    @routes.get(
        "/reports/frequent-locations",
        response_model=list[FrequentLocation],
        tags=["reports"],
        responses={
            200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv"},
            **problem_responses(401, 403, 422),
        },
    )
    def frequent(
        user: User,
        start: Annotated[DateTimeQuery, Query(description="RFC 3339 with an offset; inclusive")],
        end: Annotated[DateTimeQuery, Query(description="RFC 3339 with an offset; exclusive")],
        division: Annotated[str | None, Query(max_length=200)] = None,
        provider: Annotated[str | None, Query(max_length=200)] = None,
        min_calls: Annotated[int, Query(ge=1, le=1000)] = 2,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        format: Annotated[Literal["json", "csv"], Query()] = "json",
    ) -> list[FrequentLocation] | Response:
        """Extension (issue 22): the places with the most calls received in [start, end).

        By division and by provider (a provider's user: the calls its teams were
        on, as in the program report). Never for the wall.
        """
        if start.tzinfo is None or end.tzinfo is None:
            raise HTTPException(422, "start and end need a UTC offset (e.g. Z or +00:00)")
        try:
            start, end = start.astimezone(UTC), end.astimezone(UTC)
        except OverflowError:
            raise HTTPException(422, "start or end is out of range in UTC") from None
        if end <= start:
            raise HTTPException(422, "end must be after start")
        if is_scoped(user):
            provider = user.provider
        found = frequent_locations(
            read_place_calls(engine, start, end),
            division=division,
            provider=provider,
            min_calls=min_calls,
            limit=limit,
        )
        if format == "csv":
            name = f"umcr-frequent-locations-{start:%Y%m%d}-{end:%Y%m%d}.csv"
            return Response(
                _csv(frequent_csv_rows(found)),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )
        return found

    return routes
