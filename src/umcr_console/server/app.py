"""The FastAPI application factory: every endpoint of protocol.md, plus extensions.

Blocking work (database, Argon2) runs in the thread pool; the event loop only
routes requests and feeds the SSE streams.
"""

import csv
import io
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing, asynccontextmanager
from datetime import UTC
from typing import Annotated, Literal

import anyio
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from .. import __version__
from ..domain.config import Costs, Deployment
from ..domain.enums import Role
from ..domain.events import Event
from ..domain.ids import canonical_uuid
from ..domain.permissions import may_write
from ..domain.privacy import redact_incident, redact_team
from ..domain.reports import csv_rows
from ..protocol import (
    ACCOUNT_DISABLED_PROBLEM,
    API_PREFIX,
    TOO_MANY_SIGN_INS_PROBLEM,
    AccountLock,
    BatchResult,
    EventBatch,
    EventPage,
    Health,
    Lockouts,
    ProgramReport,
    Snapshot,
    TokenRequest,
    TokenResponse,
)
from . import (
    audit_api,
    auth,
    authorship,
    eventlog,
    field,
    locations,
    positions,
    recovery,
    redirects,
    reporting,
)
from .access import Credentials, signed_in
from .auth import Principal
from .broadcast import Broadcaster
from .db import is_sqlite, make_engine, read_transaction
from .headers import SecurityHeadersMiddleware
from .inputs import MAX_SEQ, DateTimeQuery, batch_problem
from .logsafe import describe
from .migrate import upgrade
from .notify import PgListener
from .problems import (
    BodyLimitMiddleware,
    ProblemError,
    install_error_handlers,
    problem_response,
    problem_responses,
)
from .schemas import IncidentTimeline, Me
from .scope import is_scoped, scope_for, visible_events
from .settings import Settings
from .signin_gate import TICKET, SignInAdmission, SignInGate, TooManySignIns
from .tail import HistoryChanged, LogTail

log = logging.getLogger(__name__)

DEFAULT_PAGE = 1000
MAX_PAGE = 5000
# Events read from the log per step of an SSE stream.
_STREAM_CHUNK = 500
# Roles that see the sign-in locks in force (GET /auth/lockouts): those who can act on them.
LOCKOUT_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR})
# Roles that may read program reports: aggregates only, so the wall too.
REPORT_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.DISPATCHER, Role.WALL})
# Live event streams one token may hold (issue 17, found by the attacker suite).
# A console holds one; a reconnect may find its old connection not yet noticed
# dead. Past the cap the token's OLDEST stream ends (at its next wake, within a
# keep-alive): a console's reconnect always gets through, and one token cannot
# pile up thousands of streams (3,000 of them made a snapshot take 30 s).
MAX_STREAMS_PER_TOKEN = 4
# A spreadsheet runs a cell that starts like a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_PROBLEMS = problem_responses(401, 403, 422)


def create_app(settings: Settings, *, engine: Engine | None = None) -> FastAPI:
    """The server app for ``settings``; ``engine`` overrides the one made from its URL."""
    engine = engine or make_engine(settings.database_url)
    broadcaster = Broadcaster()
    # Sign-ins run in threads of their own, few at once (server/signin_gate.py).
    gate = SignInGate()

    async def read_log(after: int, limit: int) -> list[Event]:
        found, _last = await anyio.to_thread.run_sync(eventlog.read_events, engine, after, limit)
        return found

    # One read of the log per wake-up serves every stream of this process.
    tail = LogTail(read_log)
    # Names this instance in its PostgreSQL notifications (server/notify.py).
    origin = uuid.uuid4().hex[:12]
    # Restore from backup (server/recovery.py): the key that signs accepted
    # events and the head of the log, both kept outside the database.
    signer = recovery.EventSigner()
    heads: list[recovery.HeadMarker] = []

    def write_head(event: Event) -> None:
        if heads and event.seq is not None:
            try:
                heads[0].note(event.seq, event.event_id)
            except OSError as exc:  # a full disk: restore detection may come late
                log.warning("could not note the log's head: %s", exc)

    def note_head(event: Event) -> None:
        """Note the log's head after the commit: one small write in place, no
        fsync (recovery.HeadMarker), cheaper than a hop to a worker thread."""
        write_head(event)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        broadcaster.bind()
        tail.bind()
        await anyio.to_thread.run_sync(upgrade, engine)
        # Other server processes on the database wake our streams through it.
        listener = (
            None
            if is_sqlite(engine)
            else PgListener(engine, broadcaster.notify_threadsafe, origin=origin)
        )
        if listener is not None:
            listener.start()
        marker = recovery.HeadMarker(
            signer.path.parent, await anyio.to_thread.run_sync(recovery.database_id, engine)
        )
        heads.append(marker)
        await anyio.to_thread.run_sync(
            lambda: recovery.detect_restore(engine, marker, now=settings.clock())
        )
        seeded = await anyio.to_thread.run_sync(
            lambda: eventlog.seed_roster(engine, settings.deployment, now=settings.clock())
        )
        if seeded.accepted:
            note_head(seeded.accepted[-1])
            log.info("roster: %d team(s) added from the configuration", len(seeded.accepted))
        try:
            yield
        finally:
            gate.close()
            broadcaster.close()
            if listener is not None:
                await anyio.to_thread.run_sync(listener.stop)
            engine.dispose()

    app = FastAPI(
        title="UMCR central server",
        version=__version__,
        description="The event log every dispatch console syncs with. See docs/server.md.",
        lifespan=lifespan,
        docs_url="/docs",
        openapi_url="/openapi.json",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.broadcaster = broadcaster
    app.state.sign_in_gate = gate
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    # A sign-in flood is refused before anything else of ours runs.
    app.add_middleware(
        SignInAdmission, gate=gate, path=f"{API_PREFIX}/auth/token", refuse=_too_many_sign_ins
    )
    # Outermost: every answer, errors, 413s and 429s included, gets the headers.
    app.add_middleware(SecurityHeadersMiddleware)
    app.state.origin = origin
    # The event endpoint tells the redirect sender what it committed (issue 25).
    commits = redirects.LocalCommits()
    app.include_router(
        _router(settings, engine, broadcaster, tail, origin, signer, note_head, gate, commits)
    )
    # EIDO document endpoint and the redirect packet sender (docs/interop.md).
    app.include_router(redirects.router(settings, engine, broadcaster, commits=commits))
    app.include_router(audit_api.router(settings, engine))  # GET /audit, the daily prune
    # POST /keys: users' signing keys for actions made offline (server/authorship.py).
    app.include_router(authorship.router(settings, engine))

    def recovered(last: Event) -> None:
        broadcaster.notify()
        note_head(last)

    # GET /recovery, POST /recover: healing a restored log from the consoles.
    app.include_router(recovery.router(settings, engine, signer, recovered, origin))
    app.include_router(locations.router(settings, engine))  # location history (issue 22)
    # The field companion (issue 24): its page and its endpoints.
    app.include_router(field.pages())
    app.include_router(field.router(settings, engine))
    app.include_router(positions.router(settings, engine))
    return app


def _router(
    settings: Settings,
    engine: Engine,
    broadcaster: Broadcaster,
    tail: LogTail,
    origin: str,
    signer: recovery.EventSigner,
    note_head: Callable[[Event], None],
    gate: SignInGate,
    commits: redirects.LocalCommits,
) -> APIRouter:
    router = APIRouter(prefix=API_PREFIX)
    User = Annotated[Principal, Depends(signed_in(engine, settings))]
    # token -> its live streams, oldest first; touched on the event loop only.
    open_streams: dict[str, list[_StreamSlot]] = {}
    # Each event's SSE text, made once for all the unredacted streams of this
    # process instead of once per stream (issue 25); event loop only.
    sse_texts = _SseTexts(signer)
    LockoutReader = Annotated[
        Principal, Depends(signed_in(engine, settings, LOCKOUT_ROLES, "see sign-in locks"))
    ]
    retry_after = {"Retry-After": {"schema": {"type": "string"}, "description": "seconds"}}
    sign_in_problems = {**problem_responses(400, 423, 429), **_PROBLEMS}
    for code in (423, 429):
        sign_in_problems[code] = {**sign_in_problems[code], "headers": retry_after}

    @router.post(
        "/auth/token",
        response_model=TokenResponse,
        tags=["auth"],
        responses=sign_in_problems,
    )
    async def sign_in(body: TokenRequest, request: Request) -> TokenResponse:
        """Exchange a user name and password for a bearer token (valid for a shift).

        429 (with Retry-After) when too many sign-ins are being checked, from
        this address or in all; 423 when the account is locked for this
        address; 403 for the right password of a disabled account.
        """
        source = request.client.host if request.client else auth.UNKNOWN_SOURCE
        # Admitted by the SignInAdmission middleware (which answers 429 otherwise).
        ticket = getattr(request.state, TICKET, None)
        if ticket is None:  # mounted without the middleware: admit here
            try:
                ticket = gate.admit(source)
            except TooManySignIns as busy:
                raise ProblemError(
                    429,
                    _busy_detail(busy),
                    TOO_MANY_SIGN_INS_PROBLEM,
                    headers={"Retry-After": str(busy.retry_after)},
                ) from None
            request.state.sign_in_ticket = ticket

        def check() -> auth.IssuedToken | BaseException:
            try:
                return auth.sign_in(
                    engine,
                    body.username,
                    body.password,
                    now=settings.clock(),
                    ttl=settings.token_ttl,
                    source=source,
                    field_ttl=settings.field_token_ttl,
                )
            except (auth.Locked, auth.BadCredentials, auth.Disabled) as refused:
                return refused

        try:
            outcome = await gate.run(check)
            # Failures count against the source's rate; a success or a disabled account do not.
            ticket.failed = isinstance(outcome, (auth.BadCredentials, auth.Locked))
        finally:
            ticket.release()
        if isinstance(outcome, auth.IssuedToken):
            issued = outcome
        elif isinstance(outcome, auth.Locked):
            locked = outcome
            wait = max(1, int((locked.until - settings.clock()).total_seconds()) + 1)
            raise HTTPException(
                423,
                f"account locked after {auth.LOCKOUT_ATTEMPTS} failed sign-ins within "
                f"{int(auth.LOCKOUT_WINDOW.total_seconds() // 60)} minutes from this address; "
                f"try again after {locked.until:%H:%M:%S} UTC, or ask an administrator "
                "to unlock it",
                headers={"Retry-After": str(wait)},
            )
        elif isinstance(outcome, auth.Disabled):
            raise ProblemError(
                403, "this account is disabled: ask an administrator", ACCOUNT_DISABLED_PROBLEM
            )
        else:
            raise HTTPException(
                401, "wrong user name or password", headers={"WWW-Authenticate": "Bearer"}
            )
        p = issued.principal
        return TokenResponse(
            access_token=issued.token,
            role=p.role,
            expires_at=p.expires_at,
            username=p.username,
            team_id=p.team_id,
            provider=p.provider,
        )

    @router.get("/auth/lockouts", response_model=Lockouts, tags=["auth"], responses=_PROBLEMS)
    def lockouts(_user: LockoutReader) -> Lockouts:
        """Extension: the sign-in locks in force (admins and supervisors).

        A supervisor's console polls it and shows each new lock as a notice:
        many at once means someone is guessing. ``umcr-server user unlock``
        ends a lock.
        """
        return Lockouts(
            locks=[
                AccountLock(
                    username=lock.username,
                    source=lock.source,
                    until=lock.until,
                    failures=lock.failures,
                )
                for lock in auth.current_locks(engine, now=settings.clock())
            ]
        )

    @router.delete("/auth/token", status_code=204, tags=["auth"], responses=_PROBLEMS)
    def sign_out(
        credentials: Credentials,
        _user: User,
    ) -> Response:
        """Extension: revoke the token of this request (end of shift)."""
        assert credentials is not None
        auth.revoke(engine, credentials.credentials, now=settings.clock())
        return Response(status_code=204)

    @router.get("/health", response_model=Health, tags=["state"])
    def health() -> Health:
        """Liveness and the last seq; needs no token."""
        return Health(
            version=__version__, seq=eventlog.read_last_seq(engine), time=settings.clock()
        )

    @router.get("/me", response_model=Me, tags=["auth"], responses=_PROBLEMS)
    def me(user: User) -> Me:
        """Extension: who the token belongs to."""
        return Me(
            username=user.username,
            role=user.role,
            team_id=user.team_id,
            provider=user.provider,
            expires_at=user.expires_at,
        )

    @router.get("/deployment", response_model=Deployment, tags=["state"], responses=_PROBLEMS)
    def deployment(_user: User) -> Deployment:
        """Extension: the deployment configuration (thresholds, teams, service areas)."""
        return settings.deployment

    @router.get("/snapshot", response_model=Snapshot, tags=["state"], responses=_PROBLEMS)
    def snapshot(user: User) -> Snapshot:
        """The state after event ``seq``: open incidents, those closed in the last 24 h, all teams."""
        data = eventlog.read_snapshot(engine, now=settings.clock())
        if user.role == Role.WALL:
            return Snapshot(
                seq=data.seq,
                incidents=[redact_incident(i) for i in data.incidents],
                teams=[redact_team(t) for t in data.teams],
            )
        with read_transaction(engine) as conn:
            scope = scope_for(conn, user)
            if scope is not None:
                scope.load_creators(conn, (i.created_by for i in data.incidents))
        if scope is None:
            return Snapshot(seq=data.seq, incidents=data.incidents, teams=data.teams)
        return Snapshot(
            seq=data.seq,
            incidents=[scope.incident(i) for i in data.incidents],
            teams=[scope.team(t) for t in data.teams],
        )

    @router.post(
        "/events",
        response_model=BatchResult,
        tags=["events"],
        responses={**problem_responses(400, 413, 503), **_PROBLEMS},
    )
    async def post_events(batch: EventBatch, user: User) -> BatchResult:
        """Submit 1..500 events; one result per event, in order, applied in order."""
        if not may_write(user.role):
            raise HTTPException(403, f"the {user.role} role is read-only")
        if problem := batch_problem(batch.events):
            raise HTTPException(422, problem)
        outcome = await run_in_threadpool(
            eventlog.submit_batch,
            engine,
            user,
            batch.events,
            clock=settings.clock,
            origin=origin,
        )
        if outcome.accepted:
            commits.note(outcome.accepted)  # just before the notify it goes with
            broadcaster.notify()
            note_head(outcome.accepted[-1])
        return BatchResult(results=outcome.results)

    @router.get("/events", response_model=EventPage, tags=["events"], responses=_PROBLEMS)
    def get_events(
        user: User,
        after: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
        umcr_event_signatures: Annotated[str | None, Header()] = None,
    ) -> EventPage:
        """Accepted events with seq > ``after``, ascending; ``last_seq`` is the server's newest.

        *Extension*: with the header ``UMCR-Event-Signatures: 1`` each event a
        user gets unredacted carries ``server_sig`` (docs/server.md, "Restore").
        """
        found, last = eventlog.read_events(engine, after, limit)
        if umcr_event_signatures == "1":
            found = recovery.signed_events(signer, user, found)
        return EventPage(events=visible_events(engine, user, found), last_seq=last)

    @router.get(
        "/events/stream",
        tags=["events"],
        response_class=StreamingResponse,
        responses={200: {"content": {"text/event-stream": {}}}, **_PROBLEMS},
    )
    async def stream_events(
        request: Request,
        user: User,
        credentials: Credentials,
        after: Annotated[int | None, Query(ge=0, le=MAX_SEQ)] = None,
        last_event_id: Annotated[str | None, Header()] = None,
        umcr_event_signatures: Annotated[str | None, Header()] = None,
    ) -> StreamingResponse:
        """Server-Sent Events: every accepted event after the cursor, then live.

        The cursor is the ``Last-Event-ID`` header (a reconnect), else
        ``?after=N``, else the current end of the log.
        """
        cursor = _cursor(last_event_id, after)
        if cursor is None:
            cursor = await run_in_threadpool(eventlog.read_last_seq, engine)
        return StreamingResponse(
            _sse(
                user,
                cursor,
                credentials.credentials if credentials else "",
                signed=umcr_event_signatures == "1",
            ),
            media_type="text/event-stream",
            headers={"X-Accel-Buffering": "no"},  # Cache-Control: no-store, as every answer
        )

    async def _sse(
        user: Principal, cursor: int, token: str, *, signed: bool = False
    ) -> AsyncIterator[str]:
        slot = _StreamSlot()
        mine = open_streams.setdefault(token, [])
        mine.append(slot)
        for older in mine[:-MAX_STREAMS_PER_TOKEN]:
            older.ended = True
        del mine[:-MAX_STREAMS_PER_TOKEN]
        try:
            async with aclosing(
                _sse_messages(user, cursor, token, slot, signed=signed)
            ) as messages:
                async for message in messages:
                    yield message
        finally:
            if slot in mine:
                mine.remove(slot)
            if not mine and open_streams.get(token) is mine:
                del open_streams[token]

    async def _sse_messages(
        user: Principal, cursor: int, token: str, slot: _StreamSlot, *, signed: bool
    ) -> AsyncIterator[str]:
        keepalive = settings.keepalive
        scoped = is_scoped(user)
        # Tell EventSource clients how soon to reconnect, and open the stream at once.
        yield f"retry: 1000\n: stream after seq {cursor}\n\n"
        last_sent = last_checked = time.monotonic()
        while not broadcaster.closed and not slot.ended and user.expires_at > settings.clock():
            # A revoked token (umcr-server user revoke) ends the stream within
            # one keep-alive interval, as an expired one does.
            if time.monotonic() - last_checked >= keepalive:
                try:
                    valid = await run_in_threadpool(
                        auth.authenticate, engine, token, now=settings.clock()
                    )
                except SQLAlchemyError as exc:
                    log.warning("event stream ends: database error: %s", describe(exc))
                    tail.forget()  # a database that comes back may be another (failover)
                    return
                if valid is None:
                    return
                last_checked = time.monotonic()
            # Both before the read: a commit announced after them wakes us,
            # one announced before them is in what the read sees.
            waiter, ticket = broadcaster.waiter(), tail.ticket()
            try:
                found = await tail.after(cursor, ticket, _STREAM_CHUNK)
            except SQLAlchemyError as exc:
                # The client reconnects with Last-Event-ID; nothing is lost.
                log.warning("event stream ends: database error: %s", describe(exc))
                tail.forget()
                return
            except HistoryChanged as exc:
                # The client reconnects, finds its cursor's event gone and reloads.
                log.warning("event stream ends: %s (the database went back)", exc)
                return
            if found:
                if scoped or user.role == Role.WALL:  # redacted for this user: its own text
                    try:
                        shown = await run_in_threadpool(visible_events, engine, user, found)
                    except SQLAlchemyError as exc:
                        log.warning("event stream ends: database error: %s", describe(exc))
                        tail.forget()
                        return
                    yield "".join(_sse_message(e) for e in shown)
                else:
                    yield "".join(sse_texts.text(e, signed=signed) for e in found)
                cursor = found[-1].seq or cursor
                last_sent = time.monotonic()
                continue
            quiet = time.monotonic() - last_sent
            if quiet >= keepalive:
                yield ": keep-alive\n\n"
                last_sent = time.monotonic()
                continue
            # Woken by a commit of this process, or re-read the log at the
            # keep-alive for commits of other processes.
            await broadcaster.wait(waiter, keepalive - quiet)

    @router.get(
        "/reports",
        response_model=ProgramReport,
        tags=["reports"],
        responses={
            200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv"},
            **_PROBLEMS,
        },
    )
    def program_report(
        user: User,
        start: Annotated[DateTimeQuery, Query(description="RFC 3339 with an offset; inclusive")],
        end: Annotated[DateTimeQuery, Query(description="RFC 3339 with an offset; exclusive")],
        format: Annotated[Literal["json", "csv"], Query()] = "json",
        cost_unarmed: Annotated[
            float | None, Query(ge=0, le=1e6, description="dollars per intervention")
        ] = None,
        cost_police: Annotated[
            float | None, Query(ge=0, le=1e6, description="dollars per intervention")
        ] = None,
    ) -> ProgramReport | Response:
        """Extension: program figures for calls received in [start, end).

        In total and by division, call type and provider (every provider that
        had a team on the call), computed by ``domain.reports``. Costs default
        to the deployment's. ``format=csv`` gives ``domain.reports.csv_rows``.
        """
        if user.role not in REPORT_ROLES:
            raise HTTPException(403, f"the {user.role} role may not read reports")
        if start.tzinfo is None or end.tzinfo is None:
            raise HTTPException(422, "start and end need a UTC offset (e.g. Z or +00:00)")
        try:
            start, end = start.astimezone(UTC), end.astimezone(UTC)
        except OverflowError:
            raise HTTPException(422, "start or end is out of range in UTC") from None
        if end <= start:
            raise HTTPException(422, "end must be after start")
        costs = settings.deployment.costs
        costs = Costs(
            unarmed_per_intervention=(
                costs.unarmed_per_intervention if cost_unarmed is None else cost_unarmed
            ),
            police_per_intervention=(
                costs.police_per_intervention if cost_police is None else cost_police
            ),
        )
        # A provider's user gets the figures of the calls its teams were on.
        provider = user.provider if is_scoped(user) else None
        seq, rep = reporting.program_report(engine, start, end, costs, provider=provider)
        if format == "csv":
            name = f"umcr-report-{start:%Y%m%d}-{end:%Y%m%d}.csv"
            return Response(
                _csv_text(csv_rows(rep)),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )
        return ProgramReport.of(rep, seq=seq, costs=costs)

    @router.get(
        "/incidents/{incident_id}/events",
        response_model=IncidentTimeline,
        tags=["events"],
        responses={**problem_responses(404), **_PROBLEMS},
    )
    def incident_events(incident_id: str, user: User) -> IncidentTimeline:
        """Extension: one incident's accepted events in order, for its timeline."""
        try:
            canonical = canonical_uuid(incident_id)
        except ValueError:
            raise HTTPException(404, f"no incident {incident_id[:64]!r}") from None
        found = eventlog.read_incident_events(engine, canonical)
        if found is None:
            raise HTTPException(404, f"no incident {canonical}")
        return IncidentTimeline(incident_id=canonical, events=visible_events(engine, user, found))

    return router


class _StreamSlot:
    """One live event stream; ``ended`` when newer streams of its token pushed it out."""

    __slots__ = ("ended",)

    def __init__(self) -> None:
        self.ended = False


class _SseTexts:
    """The SSE text of each recent event as an unredacted stream sends it, signed or not.

    Keyed by what makes the text (seq, event id, recorded_at, actor): an event
    accepted again after the database went back is another text.
    """

    _KEEP = 4096

    def __init__(self, signer: recovery.EventSigner) -> None:
        self._signer = signer
        self._texts: dict[tuple[int | None, str, object, str | None, bool], str] = {}

    def text(self, event: Event, *, signed: bool) -> str:
        key = (event.seq, event.event_id, event.recorded_at, event.actor, signed)
        found = self._texts.get(key)
        if found is None:
            shown = (
                event.model_copy(update={"server_sig": self._signer.sign(event)})
                if signed
                else event
            )
            found = self._texts[key] = _sse_message(shown)
            if len(self._texts) > self._KEEP:
                del self._texts[next(iter(self._texts))]
        return found


def _busy_detail(busy: TooManySignIns) -> str:
    return f"{busy.why}: try again in {busy.retry_after} s"


def _too_many_sign_ins(busy: TooManySignIns) -> Response:
    """The 429 of a refused sign-in, as the middleware sends it (no body read)."""
    return problem_response(
        429,
        _busy_detail(busy),
        headers={"Retry-After": str(busy.retry_after)},
        type_=TOO_MANY_SIGN_INS_PROBLEM,
    )


def _cursor(last_event_id: str | None, after: int | None) -> int | None:
    """The stream's start: Last-Event-ID wins, since a reconnect sends the newest cursor."""
    if last_event_id is not None and last_event_id.strip():
        try:
            value = int(last_event_id.strip())
        except ValueError:
            raise HTTPException(422, "Last-Event-ID must be a seq (a whole number)") from None
        if not 0 <= value <= MAX_SEQ:
            raise HTTPException(422, "Last-Event-ID is out of range")
        return value
    return after


def _csv_text(rows: list[list[str]]) -> str:
    """CSV for a spreadsheet; a group name (a division typed by a client) cannot be a formula."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        name = row[1]
        if name.startswith(_FORMULA_START):
            row = [row[0], "'" + name, *row[2:]]
        writer.writerow(row)
    return out.getvalue()


def _sse_message(event: Event) -> str:
    # model_dump_json has no newlines, so one data: line carries the event.
    return f"id: {event.seq}\nevent: {event.type}\ndata: {event.model_dump_json()}\n\n"
