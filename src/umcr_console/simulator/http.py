"""The floor of a real server, through its public HTTP API only.

The simulator signs in like any client (``POST /auth/token``), reads the
state (``GET /snapshot``, then ``GET /events?after=N``), and posts events
(``POST /events``) as a dispatcher, or as a team's field user when it has one.
With ``field_page`` a field user also does what the field page does (issue 24,
docs/field.md): it reads its assignment (``GET /field/assignment``) before it
reports, and sends its position (``POST /field/position``, the call's place)
with each status change it makes.
Resending a batch after a network error is safe (the server answers
``duplicate`` for events it already accepted), so transient failures are
retried with the same event ids.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from ..domain.config import Deployment
from ..domain.enums import EventType
from ..domain.events import Event
from ..domain.rules import Rejection
from ..domain.state import State
from ..protocol import (
    API_PREFIX,
    MAX_BATCH,
    BatchResult,
    EventPage,
    EventResult,
    Snapshot,
    TokenResponse,
)

log = logging.getLogger(__name__)

RETRIES = 5
_RETRY_BASE_S = 0.2
PAGE = 1000
# How old a view may be before a step asks the server again (people act in real time).
FRESH_S = 0.1


def _retry_after(answer: httpx.Response) -> float:
    """Seconds to wait before the next try: the server's Retry-After, within [0.2, 10]."""
    try:
        return min(10.0, max(0.2, float(answer.headers.get("Retry-After", "1"))))
    except ValueError:
        return 1.0


class SimulatorError(RuntimeError):
    """The server refused the simulator for good (bad credentials, a bad request)."""


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str


class _Session:
    """One signed-in user: an httpx client whose token is renewed on a 401."""

    def __init__(self, client: httpx.AsyncClient, credentials: Credentials) -> None:
        self.client = client
        self.credentials = credentials
        self.token: TokenResponse | None = None

    async def sign_in(self) -> TokenResponse:
        for attempt in range(RETRIES + 1):
            answer = await self.client.post(
                f"{API_PREFIX}/auth/token",
                json={"username": self.credentials.username, "password": self.credentials.password},
            )
            if answer.status_code != 429 or attempt == RETRIES:
                break
            # The server admits a few sign-ins at a time (several field users
            # signing in at once are more): wait as it says, then try again.
            await asyncio.sleep(_retry_after(answer))
        if answer.status_code != 200:
            raise SimulatorError(
                f"sign-in as {self.credentials.username!r} failed: {answer.status_code} {_detail(answer)}"
            )
        self.token = TokenResponse.model_validate(answer.json())
        return self.token

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A request with retries on network errors and one new sign-in on a 401."""
        renewed = False
        for attempt in range(RETRIES + 1):
            if self.token is None:
                await self.sign_in()
            assert self.token is not None
            headers = {"Authorization": f"Bearer {self.token.access_token}"}
            try:
                answer = await self.client.request(method, path, headers=headers, **kwargs)
            except httpx.TransportError as exc:
                if attempt == RETRIES:
                    raise
                log.warning("%s %s: %s; retrying", method, path, exc)
                await asyncio.sleep(_RETRY_BASE_S * 2**attempt)
                continue
            if answer.status_code == 401 and not renewed:
                renewed = True  # token expired (a shift is 12 h): sign in again
                self.token = None
                continue
            if answer.status_code == 503 and attempt < RETRIES:
                await asyncio.sleep(_RETRY_BASE_S * 2**attempt)
                continue
            if answer.status_code >= 400:
                raise SimulatorError(f"{method} {path}: {answer.status_code} {_detail(answer)}")
            return answer
        raise AssertionError("unreachable")


def _detail(answer: httpx.Response) -> str:
    try:
        return str(answer.json().get("detail", answer.text))
    except ValueError:
        return answer.text[:200]


class HttpFloor:
    """The server's state as seen through the API, and the way to post events."""

    def __init__(
        self,
        url: str,
        dispatcher: Credentials,
        field_users: Sequence[Credentials] = (),
        *,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
        field_page: bool = False,
    ) -> None:
        self._client = httpx.AsyncClient(base_url=url, timeout=timeout, transport=transport)
        self._dispatcher = _Session(self._client, dispatcher)
        self._field = [_Session(self._client, c) for c in field_users]
        self._by_team: dict[str, _Session] = {}
        self._state = State()
        self.deployment: Deployment | None = None
        self._submitted = False
        self._refreshed_at = -math.inf
        # The field page's own endpoints (issue 24): how often they were used.
        self.field_page = field_page
        self.field_page_reads = 0
        self.positions_sent = 0

    async def open(self) -> None:
        """Sign in, read the deployment and the snapshot."""
        await self._dispatcher.sign_in()
        # Sign-ins are slow by design (Argon2): do the teams' at once.
        tokens = await asyncio.gather(*(s.sign_in() for s in self._field))
        for session, token in zip(self._field, tokens, strict=True):
            if token.team_id is None:
                raise SimulatorError(f"{session.credentials.username!r} is not a team's field user")
            self._by_team[token.team_id] = session
        answer = await self._dispatcher.request("GET", f"{API_PREFIX}/deployment")
        self.deployment = Deployment.model_validate(answer.json())
        answer = await self._dispatcher.request("GET", f"{API_PREFIX}/snapshot")
        snapshot = Snapshot.model_validate(answer.json())
        self._state = State.of(snapshot.incidents, snapshot.teams, snapshot.seq)
        await self.refresh()

    async def close(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> HttpFloor:
        await self.open()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    @property
    def state(self) -> State:
        return self._state

    @property
    def username(self) -> str:
        return self._dispatcher.credentials.username

    @property
    def field_teams(self) -> Mapping[str, str]:
        """Team id -> the field user that reports for it."""
        return {team: s.credentials.username for team, s in self._by_team.items()}

    async def submit(
        self, events: Sequence[Event], *, team_id: str | None = None
    ) -> list[EventResult]:
        session = self._by_team.get(team_id or "", self._dispatcher)
        as_phone = self.field_page and session is not self._dispatcher
        if as_phone:
            await session.request("GET", f"{API_PREFIX}/field/assignment")
            self.field_page_reads += 1
        self._submitted = True
        results: list[EventResult] = []
        for start in range(0, len(events), MAX_BATCH):
            chunk = events[start : start + MAX_BATCH]
            body = {"events": [e.model_dump(mode="json", exclude_none=True) for e in chunk]}
            answer = await session.request("POST", f"{API_PREFIX}/events", json=body)
            results.extend(BatchResult.model_validate(answer.json()).results)
        if as_phone and any(e.type == EventType.TEAM_STATUS_CHANGED for e in events):
            await self._send_position(session, team_id)
        return results

    async def _send_position(self, session: _Session, team_id: str | None) -> None:
        """The phone's position with a status change: the team is at (or near) its call."""
        team = self._state.teams.get(team_id or "")
        incident = self._state.incidents.get(team.incident_id or "") if team else None
        if incident is None or incident.location.lat is None or incident.location.lon is None:
            return
        report = {
            "lat": incident.location.lat,
            "lon": incident.location.lon,
            "accuracy_m": 25.0,
            "at": datetime.now(UTC).isoformat(),
        }
        await session.request("POST", f"{API_PREFIX}/field/position", json=report)
        self.positions_sent += 1

    async def refresh(self) -> None:
        """Apply every event accepted since the last one seen, in seq order.

        After a submit it always asks; otherwise at most every ``FRESH_S``: the
        steps of one simulated instant need not ask the server again and again.
        """
        if not self._submitted and time.monotonic() - self._refreshed_at < FRESH_S:
            return
        self._submitted = False
        self._refreshed_at = time.monotonic()
        while True:
            answer = await self._dispatcher.request(
                "GET", f"{API_PREFIX}/events", params={"after": self._state.seq, "limit": PAGE}
            )
            page = EventPage.model_validate(answer.json())
            for event in page.events:
                assert event.seq is not None
                now = event.recorded_at or datetime.now(UTC)
                outcome = self._state.apply(event, now=max(now, event.occurred_at), seq=event.seq)
                if isinstance(outcome, Rejection):
                    # The snapshot leaves out calls closed over 24 h ago; an event
                    # about one of them changes nothing the simulator acts on.
                    log.debug("event %s not applied locally: %s", event.seq, outcome.detail)
                    self._state.seq = event.seq
            if not page.events or self._state.seq >= page.last_seq:
                return
