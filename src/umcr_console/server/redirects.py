"""EIDO interop on the server: the redirect packet and the document endpoint.

When an incident is redirected to LAPD or LAFD (``incident.redirected``, or
``incident.closed`` with a ``redirected_*`` disposition), the server builds
the incident's NENA EIDO (``umcr_console.interop``) and POSTs it to the
endpoint configured for that agency, retrying with exponential backoff in a
background task. Every redirect gets one row in ``redirect_outbox`` saying
what became of its packet (sent, failed after N tries, or no endpoint
configured), so nothing is lost silently.

How it finds redirects: it reads the event log after its own cursor
(``redirect_cursor``) under a lock, like a stream reads it, so every server
process on one database may run it and each redirect is queued exactly once.
Woken by this process's commits, it also re-reads every few seconds for the
commits of other processes.

Also: ``GET /api/v1/incidents/{id}/eido`` (the document, for a file or a
partner) and ``GET /api/v1/redirects`` (the outbox, without documents).
Configuration: environment variables, docs/interop.md.
"""

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Any

import anyio
import httpx
import sqlalchemy as sa
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.engine import Connection, Engine

from ..domain.enums import REDIRECT_DISPOSITION, Agency, EventType, Role
from ..domain.events import Event
from ..domain.ids import canonical_uuid
from ..domain.model import Incident, Team
from ..interop import EidoAgent, EidoIdentity, incident_to_eido
from ..protocol import API_PREFIX, Problem
from . import audit
from .access import signed_in
from .auth import Principal
from .broadcast import Broadcaster
from .db import (
    WRITE_OPTION,
    events,
    incidents,
    is_sqlite,
    read_transaction,
    redirect_cursor,
    redirect_outbox,
    server_state,
    teams,
    write_transaction,
)
from .scope import incidents_by_id, scope_for
from .settings import Settings

log = logging.getLogger(__name__)

ENDPOINT_ENV = {
    Agency.LAPD: "UMCR_REDIRECT_ENDPOINT_LAPD",
    Agency.LAFD: "UMCR_REDIRECT_ENDPOINT_LAFD",
}
TOKEN_ENV = {Agency.LAPD: "UMCR_REDIRECT_TOKEN_LAPD", Agency.LAFD: "UMCR_REDIRECT_TOKEN_LAFD"}
MAX_ATTEMPTS_ENV = "UMCR_REDIRECT_MAX_ATTEMPTS"
BACKOFF_ENV = "UMCR_REDIRECT_BACKOFF"
TIMEOUT_ENV = "UMCR_REDIRECT_TIMEOUT"
PERSONAL_ENV = "UMCR_REDIRECT_PERSONAL"
AGENCY_ID_ENV = "UMCR_EIDO_AGENCY_ID"
ELEMENT_ID_ENV = "UMCR_EIDO_ELEMENT_ID"

# Roles that hand incidents over to other agencies; the wall never gets an EIDO.
EIDO_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.DISPATCHER})
# Every role that may export at all may include personal data: a dispatcher
# already sees it and is the one who hands the call over (docs/interop.md).
EIDO_PERSONAL_ROLES = EIDO_ROLES

PENDING, SENT, FAILED, NO_ENDPOINT = "pending", "sent", "failed", "no_endpoint"
_SCAN_PAGE = 500
_ERROR_CHARS = 500
_REDIRECT_DISPOSITIONS = {d.value: a for a, d in REDIRECT_DISPOSITION.items()}


@dataclass(frozen=True)
class RedirectConfig:
    """Where redirect packets go and how hard the server tries."""

    endpoints: Mapping[Agency, str] = field(default_factory=dict)
    tokens: Mapping[Agency, str] = field(default_factory=dict)
    max_attempts: int = 8
    # Seconds before the 2nd try; doubled for each try after, up to backoff_cap.
    backoff: float = 2.0
    backoff_cap: float = 300.0
    timeout: float = 10.0
    include_personal: bool = False
    identity: EidoIdentity = field(default_factory=EidoIdentity)
    # Seconds between re-reads of the log for commits of other server processes.
    poll: float = 5.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "RedirectConfig":
        env = os.environ if environ is None else environ
        endpoints = {
            a: env[name].strip() for a, name in ENDPOINT_ENV.items() if env.get(name, "").strip()
        }
        for agency, url in endpoints.items():
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"{ENDPOINT_ENV[agency]} must be an http(s) URL, not {url!r}")
        kwargs: dict[str, Any] = {
            "endpoints": endpoints,
            "tokens": {a: env[name] for a, name in TOKEN_ENV.items() if env.get(name)},
            "include_personal": env.get(PERSONAL_ENV, "").strip().lower() in {"1", "true", "yes"},
        }
        if value := env.get(MAX_ATTEMPTS_ENV):
            kwargs["max_attempts"] = int(value)
            if kwargs["max_attempts"] < 1:
                raise ValueError(f"{MAX_ATTEMPTS_ENV} must be at least 1")
        if value := env.get(BACKOFF_ENV):
            kwargs["backoff"] = float(value)
            if not 0 < kwargs["backoff"] <= 3600:
                raise ValueError(f"{BACKOFF_ENV} must be in (0, 3600] seconds")
        if value := env.get(TIMEOUT_ENV):
            kwargs["timeout"] = float(value)
        identity = EidoIdentity()
        if env.get(AGENCY_ID_ENV) or env.get(ELEMENT_ID_ENV):
            identity = EidoIdentity(
                agency_id=env.get(AGENCY_ID_ENV) or identity.agency_id,
                element_id=env.get(ELEMENT_ID_ENV) or identity.element_id,
            )
        kwargs["identity"] = identity
        return cls(**kwargs)

    def delay(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failed try."""
        return min(self.backoff_cap, self.backoff * 2 ** max(0, attempts - 1))


# ---- reading the incident and its teams -------------------------------------------


def _incident(conn: Connection, incident_id: str) -> Incident | None:
    data = conn.execute(
        sa.select(incidents.c.data).where(incidents.c.id == incident_id)
    ).scalar_one_or_none()
    return None if data is None else Incident.model_validate(data)


def _teams_of(conn: Connection, incident_id: str, up_to_seq: int | None = None) -> list[Team]:
    """Every team that was ever assigned to the incident (a close releases them all)."""
    query = sa.select(events.c.payload).where(
        events.c.entity_id == incident_id, events.c.type == EventType.INCIDENT_TEAM_ASSIGNED
    )
    if up_to_seq is not None:
        query = query.where(events.c.seq <= up_to_seq)
    team_ids: list[str] = []
    for (payload,) in conn.execute(query.order_by(events.c.seq)):
        team_id = canonical_uuid(payload["team_id"])
        if team_id not in team_ids:
            team_ids.append(team_id)
    if not team_ids:
        return []
    rows = conn.execute(sa.select(teams.c.id, teams.c.data).where(teams.c.id.in_(team_ids)))
    found = {row.id: Team.model_validate(row.data) for row in rows}
    return [found[t] for t in team_ids if t in found]


# ---- queueing: the log -> the outbox ---------------------------------------------------


def _redirect_agency(event_type: str, payload: Mapping[str, Any]) -> Agency | None:
    if event_type == EventType.INCIDENT_REDIRECTED:
        return Agency(payload["agency"])
    if event_type == EventType.INCIDENT_CLOSED:
        return _REDIRECT_DISPOSITIONS.get(str(payload.get("disposition")))
    return None


@contextlib.contextmanager
def _write(engine: Engine) -> Iterator[Connection]:
    """A write transaction; on SQLite it takes the write lock at BEGIN (IMMEDIATE), since
    a read transaction that upgrades to a write fails at once if another wrote meanwhile."""
    with engine.connect() as conn:
        conn = conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            yield conn


@contextlib.contextmanager
def _cursor_lock(engine: Engine) -> Iterator[tuple[Connection, int]]:
    """A write transaction holding the redirect cursor row: one reader of the log at a time."""
    with engine.connect() as conn:
        conn = conn.execution_options(**{WRITE_OPTION: True})  # SQLite: BEGIN IMMEDIATE
        with conn.begin():
            query = sa.select(redirect_cursor.c.last_seq).where(redirect_cursor.c.id == 1)
            if not is_sqlite(engine):
                query = query.with_for_update()
            yield conn, int(conn.execute(query).scalar_one())


@dataclass
class ScanMark:
    """How far one process read the log past the durable cursor and found no redirect.

    Lets a round skip the locked cursor update (a durable commit the event
    writers wait for) while the new events hold no redirect: the cursor may
    lag, never run ahead of an unqueued redirect. Trusted only while the log
    still has the same event at ``seq`` (a database that went back has not).
    """

    seq: int = 0
    event_id: str | None = None


def queue_redirects(
    engine: Engine, config: RedirectConfig, *, now: datetime, mark: ScanMark | None = None
) -> int:
    """Queue a packet for every redirect in the log after the cursor; how many were queued."""
    queued = 0
    # Cheap unlocked look first: most rounds find nothing new, and the lock
    # below is a write lock that event writers would wait for.
    with read_transaction(engine) as conn:
        cursor = conn.execute(sa.select(redirect_cursor.c.last_seq)).scalar_one()
        newest = conn.execute(sa.select(server_state.c.last_seq)).scalar_one()
        if newest <= cursor:
            return 0
        # Nothing to queue in what is new: no write at all (the cursor is
        # advanced, under the lock, once it lags a page behind or at a redirect).
        if (
            mark is not None
            and newest - cursor < _SCAN_PAGE
            and _no_redirect_after(conn, cursor, mark)
        ):
            return 0
    while True:
        with _cursor_lock(engine) as (conn, cursor):
            rows = conn.execute(
                sa.select(
                    events.c.seq,
                    events.c.event_id,
                    events.c.type,
                    events.c.entity_id,
                    events.c.actor,
                    events.c.workstation_id,
                    events.c.payload,
                )
                .where(events.c.seq > cursor)
                .order_by(events.c.seq)
                .limit(_SCAN_PAGE)
            ).all()
            if not rows:
                return queued
            for row in rows:
                agency = _redirect_agency(row.type, row.payload)
                if agency is not None:
                    queued += _queue(conn, config, row, agency, now)
            conn.execute(
                redirect_cursor.update()
                .where(redirect_cursor.c.id == 1)
                .values(last_seq=rows[-1].seq)
            )
            if mark is not None:
                mark.seq, mark.event_id = rows[-1].seq, rows[-1].event_id
        if len(rows) < _SCAN_PAGE:
            return queued


def _no_redirect_after(conn: Connection, cursor: int, mark: ScanMark) -> bool:
    """Whether the log after ``cursor`` holds no redirect; moves ``mark`` over what it read."""
    start = cursor
    if mark.seq > cursor:
        at_mark = conn.execute(sa.select(events.c.event_id).where(events.c.seq == mark.seq))
        if at_mark.scalar_one_or_none() == mark.event_id:
            start = mark.seq
    rows = conn.execute(
        sa.select(events.c.seq, events.c.event_id, events.c.type, events.c.payload)
        .where(events.c.seq > start)
        .order_by(events.c.seq)
        .limit(_SCAN_PAGE)
    ).all()
    if any(_redirect_agency(row.type, row.payload) is not None for row in rows):
        return False
    if rows:
        mark.seq, mark.event_id = rows[-1].seq, rows[-1].event_id
    return True


def _queue(
    conn: Connection, config: RedirectConfig, row: Any, agency: Agency, now: datetime
) -> int:
    incident = _incident(conn, row.entity_id)
    if incident is None:  # cannot happen for an accepted event; never block the queue on it
        log.error("redirect packet: incident %s of seq %d is missing", row.entity_id, row.seq)
        return 0
    document = incident_to_eido(
        incident,
        _teams_of(conn, incident.id, row.seq),
        agent=EidoAgent(username=row.actor, workstation_id=row.workstation_id),
        include_personal=config.include_personal,
        agency_for_redirect=agency,
        identity=config.identity,
    )
    endpoint = config.endpoints.get(agency)
    conn.execute(
        redirect_outbox.insert().values(
            event_id=row.event_id,
            seq=row.seq,
            incident_id=incident.id,
            agency=agency.value,
            endpoint=endpoint,
            status=PENDING if endpoint else NO_ENDPOINT,
            attempts=0,
            next_attempt_at=now if endpoint else None,
            created_at=now,
            document=document,
        )
    )
    if not endpoint:
        log.warning(
            "redirect of incident %s to %s: no endpoint configured (%s); hand it over by phone",
            incident.number,
            agency.value,
            ENDPOINT_ENV[agency],
        )
    return 1


# ---- delivery ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Claim:
    event_id: str
    agency: Agency
    endpoint: str
    attempts: int
    document: dict[str, Any]
    incident_id: str


def claim_due(engine: Engine, config: RedirectConfig, *, now: datetime) -> list[_Claim]:
    """Pending packets whose time has come, each leased to this process for one try."""
    lease = now + timedelta(seconds=config.timeout + 30)
    claimed: list[_Claim] = []
    with _write(engine) as conn:
        rows = conn.execute(
            sa.select(redirect_outbox)
            .where(redirect_outbox.c.status == PENDING, redirect_outbox.c.next_attempt_at <= now)
            .order_by(redirect_outbox.c.seq)
            .limit(50)
        ).all()
        for row in rows:
            # Compare-and-set: another process that claimed it first moved next_attempt_at.
            taken = conn.execute(
                redirect_outbox.update()
                .where(
                    redirect_outbox.c.event_id == row.event_id,
                    redirect_outbox.c.status == PENDING,
                    redirect_outbox.c.next_attempt_at == row.next_attempt_at,
                )
                .values(next_attempt_at=lease)
            ).rowcount
            if taken == 1:
                claimed.append(
                    _Claim(
                        row.event_id,
                        Agency(row.agency),
                        row.endpoint,
                        row.attempts,
                        row.document,
                        row.incident_id,
                    )
                )
    return claimed


def record_attempt(
    engine: Engine,
    config: RedirectConfig,
    claim: _Claim,
    *,
    error: str | None,
    final: bool,
    now: datetime,
) -> str:
    """Store the outcome of one try; the packet's new status."""
    attempts = claim.attempts + 1
    if error is None:
        values: dict[str, Any] = {"status": SENT, "sent_at": now, "last_error": None}
    elif final or attempts >= config.max_attempts:
        values = {"status": FAILED, "last_error": error[:_ERROR_CHARS], "next_attempt_at": None}
    else:
        values = {
            "status": PENDING,
            "last_error": error[:_ERROR_CHARS],
            "next_attempt_at": now + timedelta(seconds=config.delay(attempts)),
        }
    with _write(engine) as conn:
        conn.execute(
            redirect_outbox.update()
            .where(redirect_outbox.c.event_id == claim.event_id)
            .values(attempts=attempts, **values)
        )
    return str(values["status"])


async def _send(
    client: httpx.AsyncClient, config: RedirectConfig, claim: _Claim
) -> tuple[str | None, bool]:
    """One POST: (None, _) when accepted; else (the error, whether retrying is pointless)."""
    headers = {
        "Content-Type": "application/json",
        # The receiver can drop a repeat: a try whose answer was lost is sent again.
        "Idempotency-Key": claim.event_id,
    }
    if token := config.tokens.get(claim.agency):
        headers["Authorization"] = f"Bearer {token}"
    try:
        response = await client.post(claim.endpoint, json=claim.document, headers=headers)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}", False
    if 200 <= response.status_code < 300:
        return None, False
    detail = f"HTTP {response.status_code}: {response.text[:200]}"
    # A 4xx other than timeout / too many requests will not change by trying again.
    final = 400 <= response.status_code < 500 and response.status_code not in (408, 425, 429)
    return detail, final


def _loggable(error: str | None) -> str | None:
    """A send error for the log: an agency's answer body may echo the packet's
    personal data, so only its status is logged (the whole error stays in the
    outbox row, readable through GET /redirects)."""
    if error is not None and error.startswith("HTTP "):
        return error.split(":", 1)[0]
    return error


# Commits noted for the sender at most; past it the sender reads the log (fewer
# notes than wake-ups), so an app whose sender does not run keeps no list.
_MAX_NOTED = 1000


class LocalCommits:
    """This process's commits since the sender's last round, each noted just before
    the broadcaster's notify (event loop only): a round woken by commits of ours
    that hold no redirect need not read them back from the log (issue 25)."""

    def __init__(self) -> None:
        # (first seq, last seq, last event id, holds a redirect) per commit.
        self._commits: list[tuple[int, int, str, bool]] = []

    def note(self, accepted: Sequence[Event]) -> None:
        if not accepted or accepted[0].seq is None or accepted[-1].seq is None:
            return
        if len(self._commits) >= _MAX_NOTED:  # no sender taking them: forget, it reads the log
            self._commits.clear()
        redirect = any(_redirect_agency(e.type, e.payload) is not None for e in accepted)
        self._commits.append((accepted[0].seq, accepted[-1].seq, accepted[-1].event_id, redirect))

    def take(self) -> list[tuple[int, int, str, bool]]:
        taken, self._commits = self._commits, []
        return taken


class RedirectSender:
    """The background task: queue new redirects, send what is due, sleep until next due."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        broadcaster: Broadcaster,
        config: RedirectConfig,
        commits: LocalCommits | None = None,
    ) -> None:
        self.engine = engine
        self.commits = commits or LocalCommits()
        self._generation = broadcaster.generation
        self._log_read_at: float | None = None
        self.settings = settings
        self.broadcaster = broadcaster
        self.config = config
        self._task: asyncio.Task[None] | None = None
        self._mark = ScanMark()
        # The outbox's next due time as last read, and when (monotonic): a round
        # woken by a commit that queued nothing need not read it again.
        self._due: datetime | None = None
        self._due_read_at: float | None = None
        # The broadcaster's generation when the last finished round began: a
        # test waits on it to know a round has seen its commits ("nothing more
        # is sent" is then a fact, not a guess after a sleep).
        self.finished_generation = -1

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="redirect-sender")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        async with httpx.AsyncClient(timeout=self.config.timeout) as client:
            while not self.broadcaster.closed:
                waiter = self.broadcaster.waiter()
                try:
                    wait = await self.step(client)
                except asyncio.CancelledError:
                    raise
                except sa.exc.OperationalError as exc:
                    # The database is down or failing over: expected, and said
                    # once per round in a line, not a traceback per round.
                    first = str(exc.orig or exc).strip().splitlines()[0]
                    log.warning("redirect sender: database unavailable (%s); trying again", first)
                    wait = self.config.poll
                except Exception:
                    # A database hiccup must not end the sender; the next round retries.
                    log.exception("redirect sender: round failed; trying again")
                    wait = self.config.poll
                await self.broadcaster.wait(waiter, wait)

    async def step(self, client: httpx.AsyncClient) -> float:
        """One round; the seconds until the next round is needed."""
        generation = self.broadcaster.generation
        wait = await self._round(client)
        # Every commit notified before this round began is queued and, if due, sent.
        self.finished_generation = generation
        return wait

    async def _round(self, client: httpx.AsyncClient) -> float:
        clock = self.settings.clock
        queued = 0
        if not self._only_own_plain_commits():
            self._log_read_at = time.monotonic()
            queued = await anyio.to_thread.run_sync(
                lambda: queue_redirects(self.engine, self.config, now=clock(), mark=self._mark)
            )
        read_at = self._due_read_at
        if queued or read_at is None or time.monotonic() - read_at >= self.config.poll:
            # Re-read at least every poll: another process may have queued packets.
            await self._read_due()
        due = self._due
        claims = []
        if due is not None and due <= clock():
            claims = await anyio.to_thread.run_sync(
                lambda: claim_due(self.engine, self.config, now=clock())
            )
        for claim in claims:
            error, final = await _send(client, self.config, claim)
            status = await anyio.to_thread.run_sync(
                lambda c=claim, e=error, f=final: record_attempt(
                    self.engine, self.config, c, error=e, final=f, now=clock()
                )
            )
            if status == SENT:
                log.info(
                    "redirect packet of incident %s sent to %s", claim.incident_id, claim.agency
                )
            elif status == FAILED:
                log.error(
                    "redirect packet of incident %s to %s FAILED after %d tries: %s",
                    claim.incident_id,
                    claim.agency,
                    claim.attempts + 1,
                    _loggable(error),
                )
            else:
                log.warning(
                    "redirect packet of incident %s to %s: try %d failed (%s); retrying",
                    claim.incident_id,
                    claim.agency,
                    claim.attempts + 1,
                    _loggable(error),
                )
        if claims:
            await self._read_due()
        next_due = self._due
        if next_due is None:
            return self.config.poll
        seconds = (next_due - clock()).total_seconds()
        return max(0.0, min(self.config.poll, seconds))

    def _only_own_plain_commits(self) -> bool:
        """Whether everything new since the mark is commits of this process without a
        redirect, seq after seq (then the mark moves over them, and no read is needed).

        Any other wake-up (another process's commit, a recovery, a timeout), a gap,
        or a poll interval without a read of the log: False, read the log.
        """
        generation, commits = self.broadcaster.generation, self.commits.take()
        others = generation - self._generation != len(commits)
        self._generation = generation
        read_at = self._log_read_at
        if others or not commits or read_at is None:
            return False
        if time.monotonic() - read_at >= self.config.poll:
            return False
        expected = self._mark.seq + 1
        for first, last, _event_id, redirect in commits:
            if redirect or first != expected:
                return False
            expected = last + 1
        self._mark.seq, self._mark.event_id = commits[-1][1], commits[-1][2]
        return True

    async def _read_due(self) -> None:
        self._due_read_at = time.monotonic()
        self._due = await anyio.to_thread.run_sync(self._next_due)

    def _next_due(self) -> datetime | None:
        with read_transaction(self.engine) as conn:
            return conn.execute(
                sa.select(sa.func.min(redirect_outbox.c.next_attempt_at)).where(
                    redirect_outbox.c.status == PENDING
                )
            ).scalar_one_or_none()


# ---- the router ----------------------------------------------------------------------------


class RedirectRecord(BaseModel):
    event_id: str
    seq: int
    incident_id: str
    agency: Agency
    status: str
    attempts: int
    endpoint: str | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None


class RedirectList(BaseModel):
    redirects: list[RedirectRecord]


_PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}}
    for code in (401, 403, 404, 422)
}


def _record_export(engine: Engine, actor: str, incident_id: str, detail: str, at: datetime) -> None:
    with write_transaction(engine) as conn:
        audit.record(
            conn,
            audit.EXPORTED,
            actor,
            at=at,
            entity_id=incident_id,
            incident_id=incident_id,
            detail=detail,
        )


def router(
    settings: Settings,
    engine: Engine,
    broadcaster: Broadcaster,
    config: RedirectConfig | None = None,
    commits: LocalCommits | None = None,
) -> APIRouter:
    """The interop endpoints, with the redirect sender running for the app's lifetime.

    ``commits``: where the event endpoint notes each commit before it notifies.
    """
    config = config or RedirectConfig.from_env()

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Runs inside the app's own lifespan: the schema is migrated by now.
        sender = RedirectSender(engine, settings, broadcaster, config, commits)
        _app.state.redirect_sender = sender
        sender.start()
        try:
            yield
        finally:
            await sender.stop()

    api = APIRouter(prefix=API_PREFIX, lifespan=lifespan, tags=["interop"])
    # No postponed annotations in this module: FastAPI must see the local
    # ``principal`` dependency in the endpoint signatures below.
    principal = signed_in(engine, settings, EIDO_ROLES, "read EIDO documents")

    @api.get(
        "/incidents/{incident_id}/eido",
        responses={200: {"content": {"application/json": {}}}, **_PROBLEMS},
    )
    async def incident_eido(
        incident_id: str,
        user: Annotated[Principal, Depends(principal)],
        personal: Annotated[bool, Query(description="caller, person, narrative")] = False,
        notes: Annotated[bool, Query(description="every note of the incident")] = False,
    ) -> JSONResponse:
        """Extension: the incident as a NENA-STA-021 EIDO document (docs/interop.md).

        Personal data and notes only when asked for, and only for roles that
        may (dispatcher, supervisor, admin); never for the wall.
        """
        if (personal or notes) and user.role not in EIDO_PERSONAL_ROLES:
            raise HTTPException(403, f"the {user.role} role may not export personal data")
        try:
            canonical = canonical_uuid(incident_id)
        except ValueError:
            raise HTTPException(404, f"no incident {incident_id[:64]!r}") from None

        def build() -> dict[str, Any] | None:
            with read_transaction(engine) as conn:
                incident = _incident(conn, canonical)
                if incident is None:
                    return None
                scope = scope_for(conn, user)
                if scope is not None:
                    scope.load_creators(conn, [incident.created_by])
                    if not scope.holds(incident):
                        raise HTTPException(
                            403, f"incident {incident.number} is held by another provider"
                        )
                return incident_to_eido(
                    incident,
                    _teams_of(conn, canonical),
                    agent=EidoAgent(username=user.username, workstation_id="server"),
                    include_personal=personal,
                    notes=incident.notes if notes else None,
                    identity=config.identity,
                )

        document = await run_in_threadpool(build)
        if document is None:
            raise HTTPException(404, f"no incident {canonical}")
        if personal or notes:
            # Personal data leaving the server is accounted for (docs/security.md).
            what = " and ".join(
                n for n, asked in (("personal data", personal), ("notes", notes)) if asked
            )
            await run_in_threadpool(
                _record_export,
                engine,
                user.username,
                canonical,
                f"EIDO with {what}",
                settings.clock(),
            )
        return JSONResponse(document)

    @api.get("/redirects", response_model=RedirectList, responses=_PROBLEMS)
    def redirects(
        user: Annotated[Principal, Depends(principal)],
        incident_id: Annotated[str | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    ) -> RedirectList:
        """Extension: the redirect packets, newest first, and what became of each."""
        query = sa.select(redirect_outbox).order_by(redirect_outbox.c.seq.desc()).limit(limit)
        if incident_id:
            try:
                query = query.where(redirect_outbox.c.incident_id == canonical_uuid(incident_id))
            except ValueError:
                raise HTTPException(422, "incident_id must be a UUID") from None
        with read_transaction(engine) as conn:
            rows = conn.execute(query).all()
            # A provider's user sees the redirects of the incidents its provider holds.
            scope = scope_for(conn, user)
            if scope is not None:
                held = incidents_by_id(conn, {r.incident_id for r in rows})
                scope.load_creators(conn, (i.created_by for i in held.values() if i))
                rows = [r for r in rows if (i := held[r.incident_id]) and scope.holds(i)]
        return RedirectList(
            redirects=[
                RedirectRecord(
                    event_id=r.event_id,
                    seq=r.seq,
                    incident_id=r.incident_id,
                    agency=Agency(r.agency),
                    status=r.status,
                    attempts=r.attempts,
                    endpoint=r.endpoint,
                    last_error=r.last_error,
                    created_at=r.created_at,
                    sent_at=r.sent_at,
                    next_attempt_at=r.next_attempt_at,
                )
                for r in rows
            ]
        )

    return api
