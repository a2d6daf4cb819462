"""Restore from backup: the server takes back, from the consoles, the events it lost.

- The server signs every event it accepted (HMAC-SHA256 with a key kept in a
  file outside the database, so a restored database is still verified by the
  same key) and sends the signature to consoles that ask (header
  ``UMCR-Event-Signatures: 1``). Consoles keep the events they saw, signed.
- After each commit the server notes its head (seq, event id) in a small file
  outside the database, named by the database's identity. At start, a head
  file ahead of the database means the database was restored from a backup:
  a ``restores`` row (the restored log ends at ``fork_seq``; the log had
  reached ``lost_through``) and an audit row say so.
- A console whose cursor is ahead of the server's head (or whose event at its
  cursor is not the server's) offers the events it holds after ``fork_seq``
  (``POST /recover``). Each is taken only with a valid server signature, once
  (by event id), in the original order, with its original event id, actor,
  workstation, occurred_at and recorded_at, at the next seq of the log (seq
  stays gap-free and rising), and audited as ``event.recovered`` naming the
  workstation it came from.
- ``GET /recovery`` lists, for a supervisor, what came back and which original
  seqs no console held.

docs/server.md, "Restore from backup".
"""

# No postponed annotations: FastAPI must see the local dependency in the
# endpoint signatures of ``router``.

import contextlib
import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.engine import Connection, Engine

from ..domain.enums import Role
from ..domain.events import Event
from ..domain.permissions import may_write
from ..domain.rules import Rejection, decide
from ..paths import data_dir
from ..protocol import (
    API_PREFIX,
    RecoverBatch,
    RecoverResult,
    RecoverResults,
    RecoveryReport,
)
from . import audit, auth, eventlog
from .db import (
    events,
    is_sqlite,
    last_seq,
    read_transaction,
    recovered_events,
    restores,
    server_identity,
    server_state,
    write_transaction,
)
from .inputs import batch_problem
from .notify import notify_statement
from .problems import problem_responses

log = logging.getLogger(__name__)

KEY_FILE_ENV = "UMCR_EVENT_KEY_FILE"
KEY_FILE = "event-signing.key"
SIGNATURES_HEADER = "UMCR-Event-Signatures"
RESTORED = "log.restored"
RECOVERED = audit.EVENT_RECOVERED
RECOVERY_REFUSED = "event.recovery_refused"
_SIGNED_FIELDS = (
    "seq",
    "event_id",
    "type",
    "entity_id",
    "workstation_id",
    "expected_version",
    "payload",
    "actor",
)


def key_path() -> Path:
    override = os.environ.get(KEY_FILE_ENV)
    return Path(override) if override else data_dir() / KEY_FILE


def _load_key(path: Path) -> bytes:
    """The signing key in ``path``, made (0600, atomically) on first use."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
            handle.flush()
            os.fsync(handle.fileno())
    for _ in range(50):  # another process may be writing it this instant
        text = path.read_text().strip()
        if len(text) == 64:
            return bytes.fromhex(text)
        threading.Event().wait(0.02)
    raise RuntimeError(f"the event signing key {path} is damaged")


def _canonical(event: Event) -> bytes:
    fields: dict[str, Any] = event.model_dump(mode="json", include=set(_SIGNED_FIELDS))
    for name in ("occurred_at", "recorded_at"):
        value = getattr(event, name)
        fields[name] = (
            None if value is None else value.astimezone(UTC).isoformat(timespec="microseconds")
        )
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


class EventSigner:
    """HMAC-SHA256 over an accepted event, with the key of ``key_path``."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or key_path()
        self._key = _load_key(self.path)

    def sign(self, event: Event) -> str:
        return hmac.new(self._key, _canonical(event), hashlib.sha256).hexdigest()

    def verifies(self, event: Event) -> bool:
        given = event.server_sig or ""
        return hmac.compare_digest(given, self.sign(event.model_copy(update={"server_sig": None})))


def database_id(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(sa.select(server_identity.c.database_id)).scalar_one())


# Bytes of the head record: more than any seq and event id take, so each write covers the last.
_HEAD_WIDTH = 160


class HeadMarker:
    """The newest (seq, event id) this database's log reached, kept outside it."""

    def __init__(self, directory: Path, database: str) -> None:
        self.path = directory / f"event-log-head-{database}.json"
        self._lock = threading.Lock()
        self._seq = -1

    def read(self) -> tuple[int, str] | None:
        try:
            data = json.loads(self.path.read_text())
            return int(data["seq"]), str(data["event_id"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def note(self, seq: int, event_id: str, *, force: bool = False) -> None:
        """Record the head after a commit (no fsync: a crash costs a late detection only).

        One write in place of a fixed-width record (padded with spaces), no
        temporary file and rename: it runs after every commit (issue 25). A
        torn record after a crash reads as no head, like a missing file.
        """
        record = json.dumps({"seq": seq, "event_id": event_id}).encode().ljust(_HEAD_WIDTH)
        with self._lock:
            if seq <= self._seq and not force:
                return
            self._seq = seq
            # os.write at offset 0, not os.pwrite: Windows has no pwrite (the
            # bundled server failed to start there).
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
            try:
                os.write(fd, record)
            finally:
                os.close(fd)


def _head(conn: Connection) -> tuple[int, str | None]:
    seq = last_seq(conn)
    event_id = conn.execute(sa.select(events.c.event_id).where(events.c.seq == seq)).scalar()
    return seq, event_id


def detect_restore(engine: Engine, marker: HeadMarker, *, now: datetime) -> int | None:
    """At start: if the head file is ahead of the database, record a restore; its id."""
    noted = marker.read()
    restore_id = None
    with write_transaction(engine) as conn:
        seq, event_id = _head(conn)
        if noted is not None:
            noted_seq, noted_id = noted
            if noted_seq > seq or (noted_seq == seq and noted_id != event_id):
                restore_id = int(
                    conn.execute(
                        sa.insert(restores)
                        .values(detected_at=now, fork_seq=seq, lost_through=noted_seq)
                        .returning(restores.c.id)
                    ).scalar_one()
                )
                audit.record(
                    conn,
                    RESTORED,
                    eventlog.SYSTEM_ACTOR,
                    at=now,
                    workstation_id=eventlog.SYSTEM_WORKSTATION,
                    detail=(
                        f"the event log was restored from a backup: it ends at seq {seq}, "
                        f"it had reached seq {noted_seq}; events {seq + 1} to {noted_seq} "
                        "are taken back from the consoles that hold them"
                    ),
                )
                log.warning(
                    "the event log was restored: it ends at %d, it had reached %d", seq, noted_seq
                )
    marker.note(seq, event_id or "", force=True)
    return restore_id


@dataclass(frozen=True)
class _Restore:
    id: int
    fork_seq: int
    lost_through: int


def _latest_restore(conn: Connection) -> _Restore | None:
    row = conn.execute(sa.select(restores).order_by(restores.c.id.desc()).limit(1)).first()
    return None if row is None else _Restore(int(row.id), int(row.fork_seq), int(row.lost_through))


def _next_original(conn: Connection, restore: _Restore) -> int:
    top = conn.execute(
        sa.select(sa.func.max(recovered_events.c.original_seq)).where(
            recovered_events.c.restore_id == restore.id
        )
    ).scalar()
    return max(int(top or 0), restore.fork_seq) + 1


def recover_batch(
    engine: Engine,
    signer: EventSigner,
    principal: auth.Principal,
    batch: RecoverBatch,
    *,
    clock: Any,
    origin: str = "",
) -> tuple[list[RecoverResult], list[Event]]:
    """Take back the events a console offers, in original order; the results and the new events."""
    results: list[RecoverResult] = []
    accepted: list[Event] = []
    offered = sorted(batch.events, key=lambda e: e.seq or 0)
    with eventlog._process_write_lock, write_transaction(engine) as conn:
        now = clock()
        restore = _latest_restore(conn)
        if restore is None:
            return [
                RecoverResult(event_id=e.event_id, status="refused", detail="no restore to heal")
                for e in offered
            ], []
        # A signed event past the noted end of the lost range proves the old log
        # reached it (the head file lags a power cut): widen the range.
        reached = max(
            (e.seq or 0 for e in offered if e.recorded_at is not None and signer.verifies(e)),
            default=0,
        )
        if reached > restore.lost_through:
            conn.execute(
                sa.update(restores).where(restores.c.id == restore.id).values(lost_through=reached)
            )
            restore = _Restore(restore.id, restore.fork_seq, reached)
        seq = last_seq(conn)
        known = eventlog._known_event_ids(conn, {e.event_id for e in offered})
        expected = _next_original(conn, restore)
        view = eventlog.DbStateView(conn)
        trail = audit.BatchTrail(principal.username, view, now)
        rows: list[dict[str, Any]] = []
        notes: list[dict[str, Any]] = []
        providers: set[tuple[str, str]] = set()
        waiting = False

        def note(event: Event, outcome: str, at_seq: int | None, detail: str | None) -> None:
            notes.append(
                {
                    "restore_id": restore.id,
                    "original_seq": event.seq,
                    "event_id": event.event_id,
                    "seq": at_seq,
                    "outcome": outcome,
                    "workstation_id": batch.workstation_id,
                    "submitted_by": principal.username,
                    "detail": detail,
                    "at": now,
                }
            )

        for offer in offered:
            original = offer.seq or 0
            if waiting:
                results.append(RecoverResult(event_id=offer.event_id, status="later"))
                continue
            if not signer.verifies(offer) or offer.recorded_at is None or not offer.actor:
                results.append(
                    RecoverResult(
                        event_id=offer.event_id,
                        status="refused",
                        detail="not signed by this server: not taken",
                    )
                )
                continue
            if offer.event_id in known:
                results.append(
                    RecoverResult(
                        event_id=offer.event_id, status="present", seq=known[offer.event_id]
                    )
                )
                if restore.fork_seq < original <= restore.lost_through and original >= expected:
                    note(offer, "present", known[offer.event_id], None)
                    expected = original + 1
                continue
            if not restore.fork_seq < original <= restore.lost_through:
                results.append(
                    RecoverResult(
                        event_id=offer.event_id,
                        status="refused",
                        detail=f"seq {original} is not in the lost range "
                        f"{restore.fork_seq + 1}..{restore.lost_through}",
                    )
                )
                continue
            if original < expected:
                # Taken from another console already, or judged unrecoverable.
                results.append(RecoverResult(event_id=offer.event_id, status="present"))
                continue
            if original > expected and not batch.gap_ok:
                # An earlier lost event may still come from another console.
                waiting = True
                results.append(RecoverResult(event_id=offer.event_id, status="later"))
                continue
            event = offer.model_copy(
                update={"seq": None, "server_sig": None, "author": None, "signature": None}
            )
            decision = decide(view, event, now=offer.recorded_at, seq=seq + 1)
            problem = decision if isinstance(decision, Rejection) else eventlog._checked(decision)
            if problem is not None:
                detail = f"could not be applied again: {problem.code}: {problem.detail}"[:500]
                results.append(
                    RecoverResult(event_id=offer.event_id, status="refused", detail=detail)
                )
                note(offer, "refused", None, detail)
                trail.rejected(event, problem)
                entry = trail.entries[-1]
                entry["action"] = RECOVERY_REFUSED
                entry["actor"] = offer.actor
                entry["detail"] = (
                    f"from workstation {batch.workstation_id} (sent by {principal.username}), "
                    f"originally seq {original}: {detail}"
                )[:500]
                expected = original + 1
                continue
            assert not isinstance(decision, Rejection)
            seq += 1
            known[event.event_id] = seq
            stored = event.model_copy(update={"seq": seq})
            rows.append(eventlog._event_row(stored, eventlog._related_incident(stored, decision)))
            trail.accepted(rows[-1], decision)
            entry = trail.entries[-1]
            entry["action"] = RECOVERED
            entry["actor"] = offer.actor
            entry["detail"] = (
                f"recovered from workstation {batch.workstation_id} (sent by "
                f"{principal.username}) after a restore; originally seq {original}, "
                f"recorded at {offer.recorded_at.isoformat()}"
            )[:500]
            view.apply(decision)
            providers |= eventlog._assigned_providers(event, decision)
            note(offer, "recovered", seq, None)
            expected = original + 1
            accepted.append(stored)
            results.append(RecoverResult(event_id=offer.event_id, status="recovered", seq=seq))
        if rows:
            conn.execute(sa.insert(events), rows)
            view.flush()
            eventlog._insert_providers(conn, providers)
            conn.execute(sa.update(server_state).where(server_state.c.id == 1).values(last_seq=seq))
            if not is_sqlite(engine):
                conn.execute(notify_statement(f"{origin}:{seq}"))
        if notes:
            conn.execute(sa.insert(recovered_events), notes)
        trail.write(conn)
    outcomes = Counter(r.status for r in results)
    log.info(
        "recovery: workstation %s offered %d event(s), seq %s to %s (lost range %d..%d): %s",
        batch.workstation_id,
        len(offered),
        offered[0].seq if offered else "-",
        offered[-1].seq if offered else "-",
        restore.fork_seq + 1,
        restore.lost_through,
        ", ".join(f"{n} {status}" for status, n in sorted(outcomes.items())),
    )
    return results, accepted


def report(engine: Engine) -> RecoveryReport:
    """The latest restore: what came back, from where, and what no console held."""
    with read_transaction(engine) as conn:
        restore = _latest_restore(conn)
        if restore is None:
            return RecoveryReport(restored=False)
        rows = conn.execute(
            sa.select(recovered_events)
            .where(recovered_events.c.restore_id == restore.id)
            .order_by(recovered_events.c.original_seq)
        ).all()
        detected = conn.execute(
            sa.select(restores.c.detected_at).where(restores.c.id == restore.id)
        ).scalar_one()
    seen = {int(r.original_seq) for r in rows}
    missing = [s for s in range(restore.fork_seq + 1, restore.lost_through + 1) if s not in seen]
    return RecoveryReport(
        restored=True,
        detected_at=detected,
        fork_seq=restore.fork_seq,
        lost_through=restore.lost_through,
        next_original=max([restore.fork_seq, *seen]) + 1,
        recovered=[
            {
                "original_seq": r.original_seq,
                "seq": r.seq,
                "event_id": r.event_id,
                "outcome": r.outcome,
                "workstation_id": r.workstation_id,
                "submitted_by": r.submitted_by,
                "detail": r.detail,
            }
            for r in rows
        ],
        missing=missing,
    )


def signed_events(
    signer: EventSigner, principal: auth.Principal, found: list[Event]
) -> list[Event]:
    """``found`` with the server's signature, for a user who gets events unredacted."""
    from .scope import is_scoped

    if principal.role == Role.WALL or is_scoped(principal):
        return found  # redacted copies: nothing a restore could take back
    return [e.model_copy(update={"server_sig": signer.sign(e)}) for e in found]


def router(
    settings: Any, engine: Engine, signer: EventSigner, on_accepted: Any, origin: str
) -> APIRouter:
    """``GET /recovery`` and ``POST /recover``."""
    from fastapi.concurrency import run_in_threadpool

    from .access import signed_in
    from .scope import is_scoped

    api = APIRouter(prefix=API_PREFIX, tags=["events"])
    User = Annotated[auth.Principal, Depends(signed_in(engine, settings))]

    @api.get("/recovery", response_model=RecoveryReport, responses=problem_responses(401, 403))
    def recovery(user: User) -> RecoveryReport:
        """Extension: the latest restore from backup, what consoles gave back, what is missing.

        A console that may write reads the lost range (to give back what it
        holds); which workstation and user gave what back is for a central
        supervisor (it names other providers' staff).
        """
        if not may_write(user.role):
            raise HTTPException(403, f"the {user.role} role has no events to give back")
        found = report(engine)
        if user.role in (Role.SUPERVISOR, Role.ADMIN) and not is_scoped(user):
            return found
        return found.model_copy(update={"recovered": []})

    @api.post(
        "/recover",
        response_model=RecoverResults,
        responses=problem_responses(400, 401, 403, 413, 422, 503),
    )
    async def recover(batch: RecoverBatch, user: User) -> RecoverResults:
        """Extension: a console gives back events the server signed and lost in a restore."""
        if not may_write(user.role):
            raise HTTPException(403, f"the {user.role} role may not give events back")
        if problem := batch_problem(batch.events):
            raise HTTPException(422, problem)
        results, accepted = await run_in_threadpool(
            recover_batch, engine, signer, user, batch, clock=settings.clock, origin=origin
        )
        if accepted:
            with contextlib.suppress(Exception):
                on_accepted(accepted[-1])
        return RecoverResults(results=results)

    return api
