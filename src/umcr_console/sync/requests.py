"""Requests to the server in the engine's session, and the ones windows make.

The sync engine's session (sync/engine.py) signs in and keeps a token;
``ServerRequests`` sends a request with it (``_request``) and holds the
read-only API the windows use: ``fetch_timeline``, ``fetch_report``,
``fetch_audit``, ``fetch_location_history``, ``fetch_frequent_locations``,
``fetch_deployment``. Each raises ``NotSignedIn``, ``LinkError`` or
``httpx.HTTPError`` when it cannot. No Qt here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
from pydantic import BaseModel

from ..domain.config import Deployment
from ..domain.events import Event
from ..domain.locations import FrequentLocation, LocationHistory, Place
from ..protocol import REVOKED_CHALLENGE, AuditPage, Positions, ProgramReport


class Unauthorized(Exception):
    """A 401: the token is not (or no longer) good; the session signs in again."""


class Revoked(Unauthorized):
    """The token was revoked or signed out: only the user may sign in again."""


def unauthorized(response: httpx.Response) -> Unauthorized:
    revoked = response.headers.get("WWW-Authenticate") == REVOKED_CHALLENGE
    return (Revoked if revoked else Unauthorized)(problem_detail(response))


class LinkError(Exception):
    """The server answered, but not in a way that lets the session go on."""


class NotSignedIn(Exception):
    """A request needs a session the engine does not have yet."""


def problem_detail(response: httpx.Response) -> str:
    """The ``detail`` of an error answer, else the start of its text."""
    try:
        body = response.json()
        if isinstance(body, dict) and isinstance(body.get("detail"), str):
            return str(body["detail"])
    except ValueError:
        pass
    return response.text[:200] or response.reason_phrase


def lenient(model: type[BaseModel], data: Any) -> Any:
    """Drop top-level fields this version does not know (a newer server may add some)."""
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if k in model.model_fields}
    return data


def deployment_from_server(data: Any) -> Deployment:
    """The server's deployment, without the sections a newer server added.

    ``Deployment`` refuses unknown fields (a typo in a deployment file must
    not pass), but a console that was not upgraded must still read a newer
    server's configuration (protocol.md: "extend it, never break it").
    """
    return Deployment.model_validate(lenient(Deployment, data))


class ServerRequests:
    """The session's requests; a part of ``engine.SyncEngine``."""

    # Kept by the engine's session: the client to the server and the token.
    _client: httpx.AsyncClient | None
    _token: str | None

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if self._client is None or not self._token:
            raise NotSignedIn("the sync engine is not signed in")
        headers = {"Authorization": f"Bearer {self._token}"}
        response = await self._client.request(method, path, headers=headers, **kwargs)
        if response.status_code == 401:
            raise unauthorized(response)
        return response

    @staticmethod
    def _raise_for_status(response: httpx.Response) -> None:
        if response.status_code >= 400:
            raise LinkError(
                f"{response.request.method} {response.request.url.path}: "
                f"HTTP {response.status_code}: {problem_detail(response)}"
            )

    async def fetch_timeline(self, incident_id: str) -> list[Event]:
        """All accepted events of one incident, from the server (older than this console).

        Raises ``NotSignedIn``, ``LinkError`` or ``httpx.HTTPError`` when it cannot.
        """
        response = await self._ui_request("GET", f"/incidents/{incident_id}/events")
        return [Event.model_validate(e) for e in response.json()["events"]]

    async def fetch_report(
        self,
        start: datetime,
        end: datetime,
        *,
        cost_unarmed: float | None = None,
        cost_police: float | None = None,
        fmt: str = "json",
    ) -> ProgramReport | str:
        """Program figures for [start, end) from the server (``GET /reports``); CSV text for fmt="csv"."""
        params: dict[str, str] = {"start": start.isoformat(), "end": end.isoformat(), "format": fmt}
        if cost_unarmed is not None:
            params["cost_unarmed"] = str(cost_unarmed)
        if cost_police is not None:
            params["cost_police"] = str(cost_police)
        response = await self._ui_request("GET", "/reports", params=params)
        return response.text if fmt == "csv" else ProgramReport.model_validate(response.json())

    async def fetch_audit(self, **params: str | int | None) -> AuditPage:
        """A page of the audit log (``GET /audit``: admins and supervisors).

        ``params`` are the endpoint's filters and cursor (since, until, actor,
        action, entity_id, incident, before, after, limit); None ones are left out.
        """
        sent = {k: str(v) for k, v in params.items() if v is not None}
        response = await self._ui_request("GET", "/audit", params=sent)
        return AuditPage.model_validate(response.json())

    async def fetch_location_history(
        self, place: Place, *, exclude: str | None = None
    ) -> LocationHistory:
        """Earlier incidents and caution notes at ``place`` (``GET /locations/history``)."""
        params: dict[str, str] = {
            "address": place.address,
            "radius_m": str(place.radius_m),
            "months": str(place.months),
        }
        if place.lat is not None and place.lon is not None:
            params |= {"lat": str(place.lat), "lon": str(place.lon)}
        if exclude is not None:
            params["exclude"] = exclude
        response = await self._ui_request("GET", "/locations/history", params=params)
        return LocationHistory.model_validate(response.json())

    async def fetch_frequent_locations(
        self, start: datetime, end: datetime, *, fmt: str = "json", **filters: str | None
    ) -> list[FrequentLocation] | str:
        """The places with the most calls in [start, end) (``GET /reports/frequent-locations``)."""
        params = {"start": start.isoformat(), "end": end.isoformat(), "format": fmt}
        params |= {k: v for k, v in filters.items() if v is not None}
        response = await self._ui_request("GET", "/reports/frequent-locations", params=params)
        if fmt == "csv":
            return response.text
        return [FrequentLocation.model_validate(row) for row in response.json()]

    async def fetch_team_positions(self) -> Positions:
        """Where field teams last reported themselves (``GET /field/positions``, issue 24)."""
        response = await self._ui_request("GET", "/field/positions")
        return Positions.model_validate(response.json())

    async def fetch_deployment(self) -> Deployment:
        """The deployment configuration the server runs (teams, thresholds)."""
        response = await self._ui_request("GET", "/deployment")
        return deployment_from_server(response.json())

    async def _ui_request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A request a window makes: a 401 is ``NotSignedIn``, any other error raised."""
        try:
            response = await self._request(method, path, **kwargs)
        except Unauthorized as exc:
            raise NotSignedIn(f"the server asks to sign in again: {exc}") from None
        self._raise_for_status(response)
        return response
