"""The sync engine: one long-lived asyncio task with one ``httpx.AsyncClient``.

A session (repeated after every failure, with backoff and full jitter):

1. sign in (``POST /auth/token``) unless a token is held; a 401 there means
   "log in again": the engine waits for ``login()``;
2. ``GET /health``: the clock offset, and the server's seq. A seq behind our
   cursor, or another event at our cursor, means another server database:
   say so and reload from its snapshot, sending every pending event again;
3. ``GET /snapshot`` when the store has no cursor yet;
4. two loops until one fails: follow ``GET /events/stream`` from the cursor
   (``Last-Event-ID``; a seq gap is filled from ``GET /events?after=``; no
   byte for ``dead_after`` seconds means a dead stream), and push the outbox
   in order (``POST /events``, batches of up to 500; a resend is harmless
   because the server answers ``duplicate`` for a known event id).

State the UI shows comes out as ``status_changed(SyncStatus)``. No Qt here;
the engine runs on the loop of the thread that owns the ``Workspace``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import httpx
from pydantic import ValidationError

from .. import __version__
from ..domain.enums import EventType, RejectCode, Role
from ..domain.events import Event
from ..domain.marks import QT_TR_NOOP, tr
from ..domain.permissions import provider_holds
from ..logsafe import brief
from ..protocol import (
    ACCOUNT_DISABLED_PROBLEM,
    API_PREFIX,
    KEEPALIVE_SECONDS,
    MAX_BATCH,
    BatchResult,
    EventPage,
    EventResult,
    Health,
    KeyEnrolment,
    Lockouts,
    RecoverBatch,
    RecoverResults,
    RecoveryReport,
    ResultStatus,
    Snapshot,
    TokenResponse,
)
from ..store import authorship as authorkeys
from ..store.authorship import AuthorKey
from ..store.db import StoreFull
from ..store.signals import Signal
from ..store.workspace import Counts, StateDiverged, Workspace
from .backoff import Backoff
from .requests import (
    LinkError,
    NotSignedIn,
    Revoked,
    ServerRequests,
    Unauthorized,
    lenient,
    problem_detail,
    unauthorized,
)
from .sse import SSEParser

log = logging.getLogger(__name__)

# A stream with no byte for this many keep-alive intervals is dead.
DEAD_STREAM_FACTOR = 2.5
# Seconds a console waits for earlier lost events from other consoles before
# the restored server takes its own past the gap (docs/server.md, "Restore").
RECOVERY_PATIENCE = 10.0
# Asks the server to sign the events it sends (kept for a restore from backup).
SIGNATURES_HEADER = "UMCR-Event-Signatures"
# A backlog at least this long shows progress while it is pushed.
PROGRESS_THRESHOLD = 50
PAGE_LIMIT = 1000
# Seconds between two looks at the sign-in locks (supervisors and admins only).
LOCKOUT_POLL_SECONDS = 30.0
# Roles whose console watches the sign-in locks and shows new ones as notices.
_LOCK_WATCHERS = frozenset({Role.ADMIN, Role.SUPERVISOR})
# Fields the server sets; a client never sends them.
_SERVER_FIELDS = frozenset({"seq", "recorded_at", "actor"})
# Sent only for an action another user made here (docs/server.md, "Authors").
_AUTHOR_FIELDS = frozenset({"author", "signature"})


def utcnow() -> datetime:
    return datetime.now(UTC)


class LinkState(StrEnum):
    CONNECTING = "connecting"  # first contact, not yet known to work
    ONLINE = "online"  # following the stream
    OFFLINE = "offline"  # lost; retrying with backoff (see offline_since)


# The link states as the status bar shows them (translated there: SyncStatus.text).
LINK_WORDS = (QT_TR_NOOP("connecting"), QT_TR_NOOP("online"), QT_TR_NOOP("offline"))


@dataclass(frozen=True)
class SyncStatus:
    """Everything the status bar needs, as one value."""

    link: LinkState = LinkState.CONNECTING
    offline_since: datetime | None = None
    pending: int = 0  # events in the outbox
    unsent: int = 0  # of those, not yet accepted
    rejected: int = 0  # rejection notices not yet acknowledged
    last_sync: datetime | None = None  # last time the server was heard from
    clock_offset: float | None = None  # seconds: server clock minus ours
    login_required: bool = False
    login_detail: str = ""
    progress: tuple[int, int] | None = None  # (pushed, total) while a backlog replays
    server_seq: int | None = None
    last_error: str = ""

    @property
    def text(self) -> str:
        """A short line for a status bar: "offline since 14:02:11, 12 queued"."""
        if self.login_required:
            head = tr("log in again")
        elif self.link == LinkState.OFFLINE and self.offline_since is not None:
            head = tr("offline since {time}").format(
                time=f"{self.offline_since.astimezone():%H:%M:%S}"
            )
        else:
            head = tr(str(self.link))
        parts = [head]
        if self.progress is not None:
            parts.append(
                tr("sending {done}/{total}").format(done=self.progress[0], total=self.progress[1])
            )
        elif self.unsent:
            parts.append(tr("{count} queued").format(count=self.unsent))
        if self.rejected:
            parts.append(tr("{count} rejected").format(count=self.rejected))
        return ", ".join(parts)


class _LoginRequired(Exception):
    pass


def _problem_type(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("type", "")) if isinstance(body, dict) else ""


class StreamDead(LinkError):
    """No event and no keep-alive within the allowed time."""


def _describe(exc: BaseException) -> str:
    if isinstance(exc, LinkError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class SyncEngine(ServerRequests):
    """Keeps a ``Workspace`` in sync with the central server.

    Signals: ``status_changed(SyncStatus)``, ``events_applied(list[Event])``
    (server events newly in the confirmed state), ``notice(str)`` (things the
    dispatcher should read, e.g. "the server's database changed"),
    ``login_required(str)`` (the reason; answer with ``login``),
    ``access_withdrawn(str)`` (the user name: the server says the account was
    disabled or the session ended by an administrator; the console forgets its
    offline verifier for that user).
    """

    def __init__(
        self,
        base_url: str,
        workspace: Workspace,
        *,
        username: str,
        password: str | None = None,
        token: str | None = None,
        workstation_id: str | None = None,
        clock: Callable[[], datetime] = utcnow,
        keepalive: float = KEEPALIVE_SECONDS,
        dead_after: float | None = None,
        request_timeout: float = 15.0,
        connect_timeout: float = 5.0,
        backoff: Backoff | None = None,
        batch_size: int = MAX_BATCH,
        transport: httpx.AsyncBaseTransport | None = None,
        verify: bool | ssl.SSLContext = True,
    ) -> None:
        if workstation_id is not None and workstation_id != workspace.workstation_id:
            raise ValueError(
                f"workstation {workstation_id!r} does not own this store "
                f"({workspace.workstation_id!r})"
            )
        self.base_url = base_url.rstrip("/")
        self.workspace = workspace
        self._username = username
        self._password = password
        self._token = token
        self.role: str | None = None
        # The signed-in user's provider; None for central users (docs/security.md).
        self.provider: str | None = None
        self._clock = clock
        self.keepalive = keepalive
        self.dead_after = dead_after if dead_after is not None else DEAD_STREAM_FACTOR * keepalive
        self.request_timeout = request_timeout
        self.connect_timeout = connect_timeout
        self._backoff = backoff or Backoff(base=0.25, cap=8.0)
        self._max_batch = min(batch_size, MAX_BATCH)
        self._batch_size = self._max_batch
        self._transport = transport
        # TLS: True checks the server against the system store; a context, against its CAs.
        self._verify = verify

        self.status_changed: Signal[SyncStatus] = Signal("status_changed")
        self.events_applied: Signal[list[Event]] = Signal("events_applied")
        self.notice: Signal[str] = Signal("notice")
        self.login_required: Signal[str] = Signal("login_required")
        self.access_withdrawn: Signal[str] = Signal("access_withdrawn")
        # The sign-in locks already shown as notices: (user, source, until).
        self._locks_seen: set[tuple[str, str, datetime]] = set()
        self.lockout_poll = LOCKOUT_POLL_SECONDS

        counts = workspace.counts
        self._status = SyncStatus(
            pending=counts.pending, unsent=counts.unsent, rejected=counts.rejected
        )
        self._client: httpx.AsyncClient | None = None
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: int | None = None
        self._wake: asyncio.Event | None = None
        self._credentials: asyncio.Event | None = None
        self._progress_done = 0
        self._unauthorized_streak = 0
        self._reload = False
        # Users whose signing key the server confirmed in this run.
        self._enrolled: set[str] = set()

    # -- public -------------------------------------------------------------

    @property
    def status(self) -> SyncStatus:
        return self._status

    def start(self) -> asyncio.Task[None]:
        """Run in a task of the running loop; keep the returned task."""
        self._task = asyncio.get_running_loop().create_task(self.run(), name="umcr-sync")
        return self._task

    async def run(self) -> None:
        """Sync until ``stop``; never returns on its own."""
        if self._client is not None:
            raise RuntimeError("this engine runs already")
        self._task = self._task or asyncio.current_task()
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()
        self._wake = asyncio.Event()
        self._credentials = asyncio.Event()
        self._client = httpx.AsyncClient(
            base_url=self.base_url + API_PREFIX,
            transport=self._transport,
            verify=self._verify,
            timeout=httpx.Timeout(self.request_timeout, connect=self.connect_timeout),
            headers={
                "User-Agent": f"umcr-console/{__version__} ({self.workspace.workstation_id})",
                SIGNATURES_HEADER: "1",
            },
        )
        self.workspace.submitted.connect(self._on_submitted)
        self.workspace.counts_changed.connect(self._on_counts)
        try:
            while True:
                try:
                    await self._session()
                except _LoginRequired as exc:
                    await self._wait_for_login(str(exc))
                except Revoked as exc:
                    # Signing in again with the kept password would undo the
                    # revocation: the person at the console must type it.
                    self._token = None
                    self._password = None
                    self.access_withdrawn.emit(self._username)
                    await self._wait_for_login(str(exc))
                except Unauthorized as exc:
                    # The token expired: sign in again at once,
                    # but only once in a row before backing off.
                    self._token = None
                    self._unauthorized_streak += 1
                    if self._unauthorized_streak > 1:
                        await self._offline(exc)
                except (httpx.HTTPError, LinkError, ValidationError, ValueError) as exc:
                    await self._offline(exc)
                except StoreFull as exc:
                    # The disk is full: what the server sent cannot be kept yet.
                    # Nothing is lost (the cursor did not move); retry with backoff.
                    await self._offline(exc)
                except Exception as exc:  # a bug must not end syncing for the shift
                    log.exception("sync session failed unexpectedly")
                    await self._offline(exc)
        finally:
            self.workspace.submitted.disconnect(self._on_submitted)
            self.workspace.counts_changed.disconnect(self._on_counts)
            client, self._client = self._client, None
            await client.aclose()
            self._set(
                link=LinkState.OFFLINE,
                offline_since=self._status.offline_since or self._clock(),
                progress=None,
                last_error="sync stopped",
            )

    async def stop(self) -> None:
        """End the task and close the HTTP client (before the loop stops)."""
        task = self._task
        if task is not None and not task.done() and task is not asyncio.current_task():
            task.cancel()
            await asyncio.wait({task})
        self._task = None

    def login(self, username: str, password: str) -> None:
        """New credentials (after ``login_required``, or a change of user)."""
        if username != self._username:
            self._token = None
        self._username = username
        self._password = password
        if self._status.login_required:
            self._token = None
        self._call_in_loop(self._credentials_given)

    # -- session ------------------------------------------------------------

    async def _session(self) -> None:
        await self._unlock_author_key(create=False)
        await self._sign_in()
        await self._enrol_author_key()
        await self._check_server()
        self._unauthorized_streak = 0
        stream = asyncio.create_task(self._follow_stream(), name="umcr-sync-stream")
        push = asyncio.create_task(self._push_loop(), name="umcr-sync-push")
        # Not awaited with the two above: when it stops, the session goes on.
        locks = asyncio.create_task(self._watch_locks(), name="umcr-sync-locks")
        try:
            done, _ = await asyncio.wait({stream, push}, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # raises what ended it
            raise LinkError("the server ended the event stream")
        finally:
            for task in (stream, push, locks):
                task.cancel()
            await asyncio.gather(stream, push, locks, return_exceptions=True)

    async def _sign_in(self) -> None:
        if self._token:
            return
        if not self._password:
            raise _LoginRequired("sign in to sync with the server")
        assert self._client is not None
        response = await self._client.post(
            "/auth/token", json={"username": self._username, "password": self._password}
        )
        if response.status_code == 429:
            # Too many sign-ins at the server just now: try again later with
            # the same password (the backoff), rather than ask the user.
            raise LinkError(f"sign-in: HTTP 429: {problem_detail(response)}")
        if response.status_code == 403 and _problem_type(response) == ACCOUNT_DISABLED_PROBLEM:
            self._password = None
            self.access_withdrawn.emit(self._username)
            raise _LoginRequired(problem_detail(response))
        if response.status_code in (401, 423):
            # Wrong password or a locked account: retrying would only lock it longer.
            self._password = None
            raise _LoginRequired(problem_detail(response))
        self._raise_for_status(response)
        token = TokenResponse.model_validate(lenient(TokenResponse, response.json()))
        self._token = token.access_token
        self.role = token.role
        self.provider = token.provider
        self.workspace.actor = token.username
        redact = token.role == Role.WALL
        if self.workspace.redact != redact:
            # What this user may see differs from what the store holds: reload it.
            self.workspace.redact = redact
            self._reload = True
        self._set(login_required=False, login_detail="")

    async def _unlock_author_key(self, *, create: bool) -> AuthorKey | None:
        """The user's signing key, opened with the password (made if ``create``).

        Opened before the first sign-in too, so actions made offline are
        signed. Argon2id runs in a worker thread; the store is read and
        written on this loop only.
        """
        username, password = self._username, self._password
        key = self.workspace.author_key
        if key is not None and key.username == username:
            return key
        if not password:
            return None  # a token handed in without a password: nothing opens the key
        loop = asyncio.get_running_loop()
        entry = authorkeys.saved(self.workspace.store, username)
        key = await loop.run_in_executor(None, authorkeys.unseal, entry, username, password)
        if key is None and create:
            key, sealed = await loop.run_in_executor(None, authorkeys.seal_new, username, password)
            authorkeys.save(self.workspace.store, username, sealed)
        if key is not None:
            self.workspace.use_author_key(key)
        return key

    async def _enrol_author_key(self) -> None:
        """Enrol the signed-in user's key with the server, once a run (docs/security.md, "Who did it")."""
        username = self._username
        if username in self._enrolled:
            return
        for _attempt in range(2):
            key = await self._unlock_author_key(create=True)
            if key is None:
                return
            body = KeyEnrolment(
                workstation_id=self.workspace.workstation_id, public_key=key.public_key
            )
            response = await self._request("POST", "/keys", json=body.model_dump())
            if response.status_code == 409:
                # Revoked (the user was revoked since): a new key, enrolled afresh.
                log.info("signing key of %s refused: %s", username, problem_detail(response))
                self.workspace.use_author_key(None)
                authorkeys.forget(self.workspace.store, username)
                continue
            if response.status_code in (404, 405):
                log.info("this server does not enrol signing keys (an older version)")
            elif response.status_code != 403:  # 403: a read-only role makes no actions
                self._raise_for_status(response)
                if not key.enrolled:
                    self.workspace.use_author_key(
                        authorkeys.mark_enrolled(self.workspace.store, key)
                    )
            self._enrolled.add(username)
            return

    async def _check_server(self) -> None:
        """Clock offset, and which database the server runs: reload if it is not ours."""
        sent = self._clock()
        # The first request of a session is a probe: on a link that drops
        # packets silently it must not hold the reconnect for the whole
        # request timeout after the link is back (docs/reliability.md).
        probe = httpx.Timeout(
            min(self.request_timeout, self.dead_after), connect=self.connect_timeout
        )
        response = await self._request("GET", "/health", timeout=probe)
        received = self._clock()
        self._raise_for_status(response)
        health = Health.model_validate(lenient(Health, response.json()))
        midpoint = sent + (received - sent) / 2
        self._set(clock_offset=(health.time - midpoint).total_seconds(), server_seq=health.seq)
        await self._check_acceptances()

        cursor = self.workspace.cursor
        if cursor == 0 or self._reload:
            await self._bootstrap(server_changed=False)
            self._reload = False
            return
        if health.seq < cursor:
            self._notify(
                f"The server's event log ends at {health.seq}, before this console's "
                f"{cursor}: it runs another database (or a restored one). The console "
                "reloads its state and sends its pending actions again."
            )
            await self._give_back(cursor)
            await self._bootstrap(server_changed=True)
            return
        page = await self._page(cursor - 1, 1)
        at_cursor = page.events[0] if page.events else None
        known = self.workspace.cursor_event_id
        if at_cursor is None or at_cursor.seq != cursor or (known and at_cursor.event_id != known):
            self._notify(
                f"The server's event {cursor} is not the one this console has: it runs "
                "another database. The console reloads its state and sends its pending "
                "actions again."
            )
            await self._give_back(cursor)
            await self._bootstrap(server_changed=True)
        elif known is None:
            self.workspace.note_cursor_event_id(cursor, at_cursor.event_id)

    async def _check_acceptances(self) -> None:
        """Our actions the server accepted and the stream has not brought: still in its log?

        A server put back to a backup (or a standby that was behind) may have
        lost them while its log still agrees with ours up to our cursor (our
        cursor at or before the backup, or the floor's give-back rebuilt the
        log the same way up to there): nothing else would tell. They are sent
        again now, in their place, before anything made after them; left
        "accepted", they went only once the cursor passed their old seq,
        after the later ones (docs/reliability.md, "The reorder after a
        restore").
        """
        accepted = self.workspace.accepted_unconfirmed()
        if not accepted:
            return
        first = min(seq for _, seq in accepted)
        last = min(max(seq for _, seq in accepted), first + PAGE_LIMIT - 1)
        page = await self._page(first - 1, last - first + 1)
        logged = {e.seq: e.event_id for e in page.events}
        lost = [eid for eid, seq in accepted if seq <= last and logged.get(seq) != eid]
        if lost:
            log.warning(
                "%d accepted action(s) are not in the server's log (restored from a backup?): "
                "sending them again before the later ones",
                len(lost),
            )
            self.workspace.send_again(lost)

    async def _give_back(self, cursor: int) -> None:
        """After a restore from backup: offer the server the events it lost that we hold.

        Before the reload, which clears our log. The server takes each once,
        in its original order (docs/server.md, "Restore from backup"); it
        answers ``later`` while an earlier lost event may still come from
        another console, and after ``RECOVERY_PATIENCE`` seconds we let it
        take ours past that gap.
        """
        response = await self._request("GET", "/recovery")
        if response.status_code in (403, 404, 405):
            return  # an older server, or a role that may not write
        self._raise_for_status(response)
        restore = RecoveryReport.model_validate(lenient(RecoveryReport, response.json()))
        if not restore.restored or restore.fork_seq is None or restore.lost_through is None:
            return
        # Up to our cursor: the server widens its lost range to what it signed.
        held = self.workspace.store.recoverable_events(restore.fork_seq, cursor)
        if not held:
            return
        given = present = refused = 0
        gap_ok = False
        waited = 0.0
        while held:
            batch = held[: self._max_batch]
            body = RecoverBatch(
                workstation_id=self.workspace.workstation_id, gap_ok=gap_ok, events=batch
            )
            response = await self._request(
                "POST", "/recover", json=body.model_dump(mode="json", exclude_none=False)
            )
            if response.status_code == 403:
                return  # a role that may not write gives nothing back
            self._raise_for_status(response)
            results = RecoverResults.model_validate(lenient(RecoverResults, response.json()))
            later = {r.event_id for r in results.results if r.status == "later"}
            given += sum(r.status == "recovered" for r in results.results)
            present += sum(r.status == "present" for r in results.results)
            refused += sum(r.status == "refused" for r in results.results)
            held = [e for e in batch if e.event_id in later] + held[len(batch) :]
            if later:
                if waited >= RECOVERY_PATIENCE:
                    gap_ok = True
                else:
                    await asyncio.sleep(1.0)
                    waited += 1.0
            else:
                gap_ok = False
        self._notify(
            f"The server's log was restored from a backup (it ends at {restore.fork_seq}; "
            f"it had reached {restore.lost_through}). This console gave back {given} event(s) "
            f"it held ({present} were back already, {refused} refused); a supervisor sees "
            "what no console held in the recovery report."
        )

    async def _bootstrap(self, *, server_changed: bool) -> None:
        response = await self._request("GET", "/snapshot")
        self._raise_for_status(response)
        snapshot = Snapshot.model_validate(lenient(Snapshot, response.json()))
        event_id = None
        if snapshot.seq > 0:
            page = await self._page(snapshot.seq - 1, 1)
            if not page.events or page.events[0].seq != snapshot.seq:
                # The log no longer reaches the snapshot's seq: the database
                # changed between the two reads (a failover to a standby that
                # was behind). Kept, the snapshot would have no event id to
                # check the next server against, and a state no server holds
                # would go on unnoticed (tests/server/test_pg_failover.py).
                raise LinkError(
                    f"the server's log does not reach its own snapshot's seq {snapshot.seq}: "
                    "its database changed; reading it again"
                )
            event_id = page.events[0].event_id
        self.workspace.load_snapshot(
            snapshot, cursor_event_id=event_id, server_changed=server_changed
        )
        self._set(server_seq=max(snapshot.seq, self._status.server_seq or 0))

    async def _page(self, after: int, limit: int = PAGE_LIMIT) -> EventPage:
        response = await self._request(
            "GET", "/events", params={"after": max(after, 0), "limit": limit}
        )
        self._raise_for_status(response)
        return EventPage.model_validate(lenient(EventPage, response.json()))

    # -- sign-in locks --------------------------------------------------------

    async def _watch_locks(self) -> None:
        """A supervisor's or admin's console: each new sign-in lock becomes a notice.

        Many locks at once mean someone is guessing passwords, or locking
        people out; ``umcr-server user unlock NAME`` ends one. Never ends the
        session: an older server without the endpoint just stops the watch.
        """
        while self.role in _LOCK_WATCHERS:
            try:
                response = await self._request("GET", "/auth/lockouts")
            except (httpx.HTTPError, Unauthorized, NotSignedIn) as exc:
                log.info("sign-in locks: %s", _describe(exc))
                return
            if response.status_code in (403, 404):
                return  # the role changed, or a server without the endpoint
            if response.status_code == 200:
                try:
                    self._show_new_locks(Lockouts.model_validate(response.json()))
                except (ValidationError, ValueError) as exc:
                    log.warning("sign-in locks: unreadable answer: %s", brief(exc))
            await asyncio.sleep(self.lockout_poll)

    def _show_new_locks(self, found: Lockouts) -> None:
        for lock in reversed(found.locks):  # oldest first
            key = (lock.username, lock.source, lock.until)
            if key in self._locks_seen:
                continue
            self._locks_seen.add(key)
            self._notify(
                f"Sign-in lock: {lock.username} is locked for address {lock.source} until "
                f"{lock.until.astimezone():%H:%M} after {lock.failures} failed sign-ins. "
                f"Many at once mean someone may be guessing passwords; "
                f"`umcr-server user unlock {lock.username}` ends a lock."
            )

    # -- stream -------------------------------------------------------------

    async def _follow_stream(self) -> None:
        assert self._client is not None
        headers = {
            "Authorization": f"Bearer {self._token}",
            "Last-Event-ID": str(self.workspace.cursor),
            "Accept": "text/event-stream",
            "Cache-Control": "no-cache",
        }
        # httpx's own read timeout is a backstop; the watchdog below is the rule.
        timeout = httpx.Timeout(self.dead_after + 5, connect=self.connect_timeout)
        async with self._client.stream(
            "GET", "/events/stream", headers=headers, timeout=timeout
        ) as response:
            if response.status_code == 401:
                await response.aread()
                raise unauthorized(response)
            if response.status_code != 200:
                await response.aread()
                raise LinkError(
                    f"event stream: HTTP {response.status_code}: {problem_detail(response)}"
                )
            self._set(link=LinkState.ONLINE, offline_since=None, last_error="")
            parser = SSEParser()
            chunks = response.aiter_bytes()
            while True:
                try:
                    async with asyncio.timeout(self.dead_after):
                        chunk = await anext(chunks)
                except StopAsyncIteration:
                    raise LinkError("the server ended the event stream") from None
                except TimeoutError:
                    raise StreamDead(
                        f"no event or keep-alive for {self.dead_after:g} s: reconnecting"
                    ) from None
                messages = parser.feed(chunk)
                self._heard_from_server()
                if not messages:
                    if not self.workspace.counts.unsent:
                        self._backoff.reset()
                    continue
                events = [Event.model_validate_json(m.data) for m in messages]
                await self._apply(events)

    async def _apply(self, events: list[Event]) -> None:
        """Add server events to the confirmed state, filling a gap from the log first.

        When one of them brings an incident into this provider's scope, the
        server sent that incident's earlier events without personal data: the
        snapshot is read again, so the console gets the incident in full.
        """
        if self._comes_into_scope(events):
            # The snapshot at once, without applying the redacted copies first:
            # applied, they made a moment's state at the stream's seq that no
            # snapshot shows (the fault soak's scoped consoles differed from
            # theirs when asked in that moment, docs/reliability.md).
            await self._bootstrap(server_changed=False)
            return
        if await self._apply_in_order(events):
            await self._bootstrap(server_changed=False)

    def _comes_into_scope(self, events: list[Event]) -> bool:
        provider = self.provider
        if provider is None:
            return False
        confirmed = self.workspace.confirmed

        def team_provider(team_id: str) -> str | None:
            team = confirmed.teams.get(team_id)
            return team.provider if team is not None else None

        for ev in events:
            if ev.seq is None or ev.seq <= confirmed.seq:
                continue
            given = (
                ev.type in _GIVES_A_TEAM
                and team_provider(str(ev.payload.get("team_id"))) == provider
            ) or (
                ev.type == EventType.INCIDENT_HANDOFF_REQUESTED
                and ev.payload.get("provider") == provider
            )
            if not given:
                continue
            incident = confirmed.incidents.get(ev.entity_id)
            mine = provider if incident and incident.created_by == self.workspace.actor else None
            if incident is None or not provider_holds(incident, provider, team_provider, mine):
                return True
        return False

    async def _apply_in_order(self, events: list[Event]) -> bool:
        """Apply ``events`` (and any gap before them); whether the snapshot must be read again."""
        top = max((e.seq or 0) for e in events)
        into_scope = False
        while True:
            before = self.workspace.cursor
            into_scope |= self._comes_into_scope(events)
            try:
                result = self.workspace.apply_server_events(events)
            except StateDiverged as exc:
                log.warning("reloading the snapshot: %s", brief(exc))
                self._applied_since(before, events)
                await self._bootstrap(server_changed=False)
                return False
            self._applied_since(before, events)
            if result.gap_after is None:
                return into_scope
            # A seq is missing: read the log from our cursor up to the newest we were given.
            while self.workspace.cursor < top:
                cursor = self.workspace.cursor
                page = await self._page(cursor, min(PAGE_LIMIT, top - cursor))
                if not page.events:
                    raise LinkError(f"the server streamed seq {top} but has nothing after {cursor}")
                into_scope |= await self._apply_in_order(page.events)

    def _applied_since(self, before: int, events: list[Event]) -> None:
        after = self.workspace.cursor
        if after > before:
            self.events_applied.emit([e for e in events if e.seq and before < e.seq <= after])
            self._set(server_seq=max(after, self._status.server_seq or 0))

    # -- push ---------------------------------------------------------------

    async def _push_loop(self) -> None:
        assert self._wake is not None
        while True:
            self._wake.clear()
            batch = self.workspace.unsent(self._batch_size)
            if not batch:
                self._progress_done = 0
                self._set(progress=None)
                await self._wake.wait()
                continue
            total_unsent = self.workspace.counts.unsent
            if self._status.progress is None and total_unsent >= PROGRESS_THRESHOLD:
                self._progress_done = 0
                self._set(progress=(0, total_unsent))
            results = await self._post(batch)
            self.workspace.handle_results(results)
            self._tell_held(batch, results)
            if results:
                self._backoff.reset()
                self._heard_from_server()
                self._batch_size = min(self._max_batch, self._batch_size * 2)
            if self._status.progress is not None:
                self._progress_done += len(results)
                remaining = self.workspace.counts.unsent
                self._set(progress=(self._progress_done, self._progress_done + remaining))

    def _tell_held(self, batch: list[Event], results: list[EventResult]) -> None:
        """Say so when the server could not prove another user's actions are theirs."""
        held = {r.event_id: r for r in results if r.code == RejectCode.AUTHOR_UNPROVEN}
        if not held:
            return
        authors = sorted({e.author or "" for e in batch if e.event_id in held})
        why = next(iter(held.values())).detail or ""
        self._notify(
            f"{len(held)} action(s) made on this workstation by {', '.join(authors)} are held: "
            f"the server cannot prove they are theirs ({why}). They are not sent under "
            f"{self.workspace.actor}'s name. {', '.join(authors)} can sign in here to send "
            "them; tell a supervisor (the server has recorded it in the audit log)."
        )

    def _wire(self, event: Event) -> dict[str, Any]:
        """An event as sent: author and signature only for another user's action."""
        exclude = _SERVER_FIELDS
        if event.author is None or event.author == self.workspace.actor:
            exclude = _SERVER_FIELDS | _AUTHOR_FIELDS  # protocol v1 exactly
        return event.model_dump(mode="json", exclude=set(exclude))

    async def _post(self, batch: list[Event]) -> list[EventResult]:
        body = {"events": [self._wire(e) for e in batch]}
        response = await self._request("POST", "/events", json=body)
        if response.status_code == 200:
            return BatchResult.model_validate(lenient(BatchResult, response.json())).results
        if response.status_code == 403:
            # Our role may not write at all: every event is refused for the same reason.
            return [_refused(e, RejectCode.FORBIDDEN, problem_detail(response)) for e in batch]
        if response.status_code in (413, 422):
            if len(batch) > 1:
                # Find the event the server cannot take: halve until it stands alone.
                self._batch_size = max(1, len(batch) // 2)
                return []
            return [_refused(batch[0], RejectCode.INVALID_PAYLOAD, problem_detail(response))]
        self._raise_for_status(response)
        raise LinkError(f"POST /events: unexpected HTTP {response.status_code}")

    # -- plumbing -----------------------------------------------------------

    async def _offline(self, exc: BaseException) -> None:
        text = _describe(exc)
        if self._status.link != LinkState.OFFLINE:
            log.info("sync offline: %s", text)
        self._set(
            link=LinkState.OFFLINE,
            offline_since=self._status.offline_since or self._clock(),
            last_error=text,
        )
        await asyncio.sleep(self._backoff.next_delay())

    async def _wait_for_login(self, detail: str) -> None:
        assert self._credentials is not None
        self._credentials.clear()
        self._set(
            login_required=True,
            login_detail=detail,
            link=LinkState.OFFLINE,
            offline_since=self._status.offline_since or self._clock(),
        )
        self.login_required.emit(detail)
        await self._credentials.wait()

    def _credentials_given(self) -> None:
        if self._credentials is not None:
            self._credentials.set()

    def _heard_from_server(self) -> None:
        now = self._clock()
        last = self._status.last_sync
        # Once a second is enough for a status bar.
        if last is None or (now - last).total_seconds() >= 1.0:
            self._set(last_sync=now)

    def _on_submitted(self, _event: Event) -> None:
        if self._wake is not None:
            self._call_in_loop(self._wake.set)

    def _on_counts(self, counts: Counts) -> None:
        def update() -> None:
            self._set(pending=counts.pending, unsent=counts.unsent, rejected=counts.rejected)
            if counts.unsent and self._wake is not None:
                self._wake.set()  # e.g. accepted events the server lost are to be sent again

        self._call_in_loop(update)

    def _call_in_loop(self, fn: Callable[[], object]) -> None:
        if self._loop is None or threading.get_ident() == self._thread:
            fn()
        else:
            with contextlib.suppress(RuntimeError):  # the loop has closed
                self._loop.call_soon_threadsafe(fn)

    def _notify(self, text: str) -> None:
        log.warning("%s", text)
        self.notice.emit(text)

    def _set(self, **changes: Any) -> None:
        status = replace(self._status, **changes)
        if status != self._status:
            self._status = status
            self.status_changed.emit(status)


# Events that put a team on an incident (or hold it for one).
_GIVES_A_TEAM = frozenset({EventType.INCIDENT_TEAM_ASSIGNED, EventType.INCIDENT_SCHEDULED})


def _refused(event: Event, code: RejectCode, detail: str) -> EventResult:
    return EventResult(
        event_id=event.event_id, status=ResultStatus.REJECTED, code=code, detail=detail
    )
