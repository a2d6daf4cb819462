"""The audit log: who did what, when, from where, and what it changed, hash-chained.

One row per accepted or rejected event (written by ``eventlog.submit_batch`` in
the transaction that writes the event log), per sign-in, failed sign-in,
lockout and sign-out, and per user change. Each row's ``hash`` is the sha256 of
a canonical JSON form of the row with the ``hash`` of the row before it
(``prev_hash``), so changing, removing or inserting a row breaks the chain at
that row (``umcr-server audit verify``). Rows of accepted events also carry the
sha256 of the stored ``events`` row, so an edit of the event log shows too.

Every write happens under the writer lock (``db.write_transaction``): ids rise
by one with no gap, and two server processes can never both extend the chain
from the same row. Old rows are pruned after a retention period; the id and
hash of the last pruned row stay in ``audit_anchor`` so what remains verifies.
docs/security.md, "Audit log", says what this does and does not prove.
"""

# The endpoint and the daily prune while serving: server/audit_api.py.

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..domain.events import Event
from ..domain.model import Incident, Team
from ..domain.rules import Changes, Rejection, StateView
from ..protocol import AuditEntry, AuditPage
from .db import (
    audit_anchor,
    audit_log,
    events,
    incidents,
    last_seq,
    read_transaction,
    server_state,
    write_transaction,
)

# What a row records (the ``action`` column).
EVENT_ACCEPTED = "event.accepted"
EVENT_REJECTED = "event.rejected"
# An event a console gave back after a restore (server/recovery.py): it adds an
# event to the log as an accepted one does, so completeness counts both.
EVENT_RECOVERED = "event.recovered"
EVENT_ADDED = (EVENT_ACCEPTED, EVENT_RECOVERED)
SIGN_IN = "auth.sign_in"
SIGN_IN_FAILED = "auth.sign_in_failed"
LOCKED = "auth.locked"  # the failed sign-in that locked the account
SIGN_OUT = "auth.sign_out"
USER_ADDED = "user.added"
USER_CHANGED = "user.changed"  # role or password reset by `user add` of an existing name
USER_REVOKED = "user.revoked"
USER_DISABLED = "user.disabled"
USER_ENABLED = "user.enabled"
USER_UNLOCKED = "user.unlocked"  # `user unlock`: the failed sign-ins cleared
PRUNED = "audit.pruned"
# A disclosure: an incident's personal data or notes left the server in an export.
EXPORTED = "record.exported"
# A user's signing key for offline actions (server/authorship.py); keys are
# revoked with their user (USER_REVOKED).
KEY_ENROLLED = "key.enrolled"
ACTIONS = (
    EVENT_ACCEPTED,
    EVENT_REJECTED,
    EVENT_RECOVERED,
    SIGN_IN,
    SIGN_IN_FAILED,
    LOCKED,
    SIGN_OUT,
    USER_ADDED,
    USER_CHANGED,
    USER_REVOKED,
    USER_DISABLED,
    USER_ENABLED,
    USER_UNLOCKED,
    PRUNED,
    EXPORTED,
    KEY_ENROLLED,
)

GENESIS_HASH = "0" * 64
DEFAULT_PAGE = 200
_VERIFY_CHUNK = 1000
_INCIDENT_NUMBER = re.compile(r"^U\d{6,}$")

# The columns the hash covers, in the canonical form's key order (sorted anyway).
HASHED_COLUMNS = tuple(c.name for c in audit_log.c if c.name != "hash")
_EVENT_COLUMNS = tuple(c.name for c in events.c)


# -- hashing ----------------------------------------------------------------------


def _canonical_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def canonical_json(fields: Mapping[str, Any]) -> bytes:
    """Sorted keys, no whitespace, ASCII only, datetimes as UTC ISO 8601 with microseconds.

    The same bytes whatever the database handed back (both store microseconds
    and give JSON back as the same Python values).
    """
    text = json.dumps(
        {k: _canonical_value(v) for k, v in fields.items()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return text.encode("ascii")


def row_hash(row: Mapping[str, Any]) -> str:
    """The hash of an audit row: over every column but ``hash``, ``prev_hash`` included."""
    return hashlib.sha256(canonical_json({c: row[c] for c in HASHED_COLUMNS})).hexdigest()


def event_hash(event_row: Mapping[str, Any]) -> str:
    """The hash of a stored ``events`` row (every column)."""
    return hashlib.sha256(canonical_json({c: event_row[c] for c in _EVENT_COLUMNS})).hexdigest()


def _json_text(value: Any) -> str | None:
    """``before`` and ``after`` as stored: canonical JSON text, so the hash covers
    exactly the stored characters and nothing is serialised twice."""
    return None if value is None else canonical_json(value).decode("ascii")


def storable_text(value: str | None, limit: int) -> str | None:
    """Storable text: no NUL (PostgreSQL), no lone surrogate (UTF-8), at most ``limit``."""
    if value is None:
        return None
    clean = value.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")
    return clean[:limit]


# -- writing ----------------------------------------------------------------------


def _head(conn: Connection) -> tuple[int, str]:
    """The id and hash the next row follows: the newest row, else the prune anchor."""
    newest = conn.execute(
        sa.select(audit_log.c.id, audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)
    ).first()
    if newest is not None:
        return int(newest.id), newest.hash
    anchor = conn.execute(
        sa.select(audit_anchor.c.through_id, audit_anchor.c.last_hash).where(audit_anchor.c.id == 1)
    ).first()
    if anchor is not None:
        return int(anchor.through_id), anchor.last_hash
    return 0, GENESIS_HASH


def entry(
    action: str,
    actor: str,
    *,
    at: datetime,
    workstation_id: str | None = None,
    event_type: str | None = None,
    entity_id: str | None = None,
    incident_id: str | None = None,
    event_id: str | None = None,
    seq: int | None = None,
    event_hash: str | None = None,
    reject_code: str | None = None,
    detail: str | None = None,
    before: Any = None,
    after: Any = None,
) -> dict[str, Any]:
    """One row to append, without its id and hashes."""
    return {
        "at": at,
        "actor": storable_text(actor, 100),
        "workstation_id": storable_text(workstation_id, 100),
        "action": action,
        "event_type": storable_text(event_type, 64),
        "entity_id": storable_text(entity_id, 100),
        "incident_id": incident_id,
        "event_id": event_id,
        "seq": seq,
        "event_hash": event_hash,
        "reject_code": reject_code,
        "detail": storable_text(detail, 500),
        "before": _json_text(before),
        "after": _json_text(after),
    }


def append(conn: Connection, entries: Sequence[dict[str, Any]]) -> None:
    """Chain ``entries`` onto the log. ``conn`` must hold the writer lock (write_transaction)."""
    if not entries:
        return
    last_id, last_hash = _head(conn)
    rows = []
    for item in entries:
        last_id += 1
        row = {**item, "id": last_id, "prev_hash": last_hash}
        row["hash"] = last_hash = row_hash(row)
        rows.append(row)
    conn.execute(sa.insert(audit_log), rows)


def record(conn: Connection, action: str, actor: str, *, at: datetime, **fields: Any) -> None:
    """Append one row (auth and user changes). ``conn`` must hold the writer lock."""
    append(conn, [entry(action, actor, at=at, **fields)])


def _state(entity: Incident | Team | None) -> dict[str, Any] | None:
    return None if entity is None else entity.model_dump(mode="json")


def _changed_fields(
    old: dict[str, Any] | None, new: dict[str, Any]
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The fields an event changed, before and after; a new entity: None and all of it.

    A list that only grew (notes, team ids) is recorded by what was appended,
    ``{"length": n}`` before and ``{"length": m, "appended": [...]}`` after:
    otherwise every note added to a long incident would copy all its notes twice.
    """
    if old is None:
        return None, new
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k)):
        was, now = old.get(key), new.get(key)
        if isinstance(was, list) and isinstance(now, list) and now[: len(was)] == was:
            before[key] = {"length": len(was)}
            after[key] = {"length": len(now), "appended": now[len(was) :]}
        else:
            before[key], after[key] = was, now
    return before, after


@dataclass
class BatchTrail:
    """The audit rows of one event batch, collected in order and written with it.

    ``accepted`` must be called before the view applies the changes: the view
    still holds each entity's state before the event.
    """

    actor: str
    view: StateView
    at: datetime
    entries: list[dict[str, Any]] = field(default_factory=list)
    # The JSON form of each entity this batch changed: the next event's "before".
    _dumped: dict[str, dict[str, Any]] = field(default_factory=dict)

    def accepted(
        self,
        event_row: Mapping[str, Any],
        changes: Changes,
        dumped: Mapping[str, dict[str, Any]] | None = None,
    ) -> None:
        """``dumped``: the JSON form of changed entities, by ``kind/id``, if made already."""
        before: dict[str, dict[str, Any]] = {"incidents": {}, "teams": {}}
        after: dict[str, dict[str, Any]] = {"incidents": {}, "teams": {}}
        for kind, changed, current in (
            ("incidents", changes.incidents, self.view.incident),
            ("teams", changes.teams, self.view.team),
        ):
            for entity_id, new in changed.items():
                key = f"{kind}/{entity_id}"
                old_state = self._dumped[key] if key in self._dumped else _state(current(entity_id))
                new_state = dumped[key] if dumped and key in dumped else new.model_dump(mode="json")
                self._dumped[key] = new_state
                old, now = _changed_fields(old_state, new_state)
                before[kind][entity_id] = old
                after[kind][entity_id] = now
        self.entries.append(
            entry(
                EVENT_ACCEPTED,
                self.actor,
                at=self.at,
                workstation_id=event_row["workstation_id"],
                event_type=event_row["type"],
                entity_id=event_row["entity_id"],
                incident_id=event_row["incident_id"],
                event_id=event_row["event_id"],
                seq=event_row["seq"],
                event_hash=event_hash(event_row),
                before=before,
                after=after,
            )
        )

    def rejected(self, event: Event, rejection: Rejection) -> None:
        """A refused event: its entity's whole current state before, nothing after."""
        incident_id: str | None = None
        state: dict[str, Any] = {"incidents": {}, "teams": {}}
        if event.type.startswith("incident."):
            incident_id = event.entity_id
            state["incidents"][event.entity_id] = _state(self.view.incident(event.entity_id))
        elif event.type.startswith("team."):
            team = self.view.team(event.entity_id)
            incident_id = team.incident_id if team else None
            state["teams"][event.entity_id] = _state(team)
        self.entries.append(
            entry(
                EVENT_REJECTED,
                self.actor,
                at=self.at,
                workstation_id=event.workstation_id,
                event_type=event.type,
                entity_id=event.entity_id,
                incident_id=incident_id,
                event_id=event.event_id,
                reject_code=str(rejection.code.value),
                detail=rejection.detail,
                before=state,
                after=None,
            )
        )

    def write(self, conn: Connection) -> None:
        append(conn, self.entries)


# -- verifying --------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """What ``verify`` found: intact (``problem`` None) or the first broken row.

    ``from_seq``: events up to it have no audit row by design (accepted before
    the audit log, or their rows pruned); ``through_seq``: the newest event
    the chain accounts for. ``head_id``/``head_hash`` make a checkpoint.
    """

    rows: int
    first_at: datetime | None = None
    last_at: datetime | None = None
    head_hash: str = GENESIS_HASH
    broken_id: int | None = None
    problem: str | None = None
    head_id: int = 0
    from_seq: int = 0
    through_seq: int = 0
    # The checkpoint given to ``verify`` was pruned since: it can vouch for nothing.
    checkpoint_pruned: bool = False

    @property
    def intact(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class Checkpoint:
    """An audit row's id and hash, kept outside the database (``audit checkpoint``).

    Written ``ID:HASH``. A later ``verify --since`` checks that the chain
    still passes through it: a rewritten or replaced chain has another hash
    there, a cut-off one no row there.
    """

    id: int
    hash: str

    def __str__(self) -> str:
        return f"{self.id}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> "Checkpoint":
        found = re.fullmatch(r"\s*(\d{1,19}):([0-9a-f]{64})\s*", text)
        if found is None:
            raise ValueError(f"not an audit checkpoint (ID:HASH): {text.strip()[:80]!r}")
        return cls(int(found.group(1)), found.group(2))


def _prune_boundary(after: str | None) -> tuple[int | None, str | None, int | None]:
    """(through_id, last_hash, through_seq) of an ``audit.pruned`` row's after."""
    data = json.loads(after or "{}")
    seq = data.get("through_seq")
    return data.get("through_id"), data.get("last_hash"), None if seq is None else int(seq)


def verify(engine: Engine, since: Checkpoint | None = None) -> Verdict:
    """Walk the chain from the anchor (or the start) to the newest row.

    Checks, row by row: ids rise by one from the anchor (a missing id is a
    deleted row), each prev_hash is the hash of the row before, each hash is
    the hash of the row as stored, and each accepted event's row in ``events``
    still has the hash recorded here. Completeness: the accepted events' rows
    carry every seq after ``from_seq`` once and in order, up to the newest
    event (``server_state.audit_from_seq``, raised by the newest prune), so a
    deleted row, a truncated table or a cut-off end shows against the event
    log. An anchor must be the one the newest prune recorded in the chain.
    With ``since``, the chain must still pass through that checkpoint.
    """
    with read_transaction(engine) as conn:
        anchor = conn.execute(sa.select(audit_anchor).where(audit_anchor.c.id == 1)).first()
        expected_id = (int(anchor.through_id) if anchor else 0) + 1
        prev = anchor.last_hash if anchor else GENESIS_HASH
        count = 0
        first_at: datetime | None = None
        last_at: datetime | None = None
        last_prune: Mapping[str, Any] | None = None
        audit_from = conn.execute(
            sa.select(server_state.c.audit_from_seq).where(server_state.c.id == 1)
        ).scalar_one_or_none()
        from_seq = int(audit_from or 0)
        newest_prune = conn.execute(
            sa.select(audit_log.c.id, audit_log.c.after)
            .where(audit_log.c.action == PRUNED)
            .order_by(audit_log.c.id.desc())
            .limit(1)
        ).first()
        # None: a prune by an older version, which did not record it; the first
        # audited event then says where the rows start.
        next_seq: int | None = from_seq + 1
        if newest_prune is not None:
            pruned_seq = _prune_boundary(newest_prune.after)[2]
            next_seq = None if pruned_seq is None else max(from_seq, pruned_seq) + 1
        start_seq = next_seq

        def broken(row_id: int, why: str) -> Verdict:
            return Verdict(
                count,
                first_at,
                last_at,
                prev,
                broken_id=row_id,
                problem=why,
                head_id=expected_id - 1,
                from_seq=from_seq,
            )

        if anchor is not None and newest_prune is None:
            return broken(
                expected_id,
                f"the chain starts after row {anchor.through_id} (an anchor), but no prune "
                "is recorded in it: the oldest rows were deleted and the anchor forged",
            )
        if newest_prune is not None and (
            anchor is None
            or newest_prune.id <= anchor.through_id
            or _prune_boundary(newest_prune.after)[:2] != (anchor.through_id, anchor.last_hash)
        ):
            return broken(
                int(newest_prune.id),
                "the prune anchor does not match the newest prune recorded in the chain",
            )
        if since is not None and anchor is not None and since.id <= int(anchor.through_id):
            if since.id < int(anchor.through_id):
                return replace(
                    broken(
                        since.id,
                        f"the checkpoint's row {since.id} was pruned (the chain now starts "
                        f"after row {anchor.through_id}): it cannot be checked; take a new "
                        "checkpoint after each prune",
                    ),
                    checkpoint_pruned=True,
                )
            if since.hash != anchor.last_hash:
                return broken(
                    since.id,
                    f"the prune anchor's hash differs from the checkpoint at row {since.id}: "
                    "the pruned part of the chain was replaced",
                )
        checkpoint_seen = (
            since is None
            or since.id == 0
            or (anchor is not None and since.id == int(anchor.through_id))
        )

        after_id = expected_id - 1
        while True:
            chunk = [
                r._mapping
                for r in conn.execute(
                    sa.select(audit_log)
                    .where(audit_log.c.id > after_id)
                    .order_by(audit_log.c.id)
                    .limit(_VERIFY_CHUNK)
                )
            ]
            if not chunk:
                break
            stored_events = _event_hashes(conn, [r["seq"] for r in chunk if r["seq"] is not None])
            for row in chunk:
                row_id = int(row["id"])
                if row_id != expected_id:  # ids only rise: a row below was deleted
                    gone = f"{expected_id}" + (
                        f" to {row_id - 1}" if row_id - 1 > expected_id else ""
                    )
                    return broken(row_id, f"missing id: row(s) {gone} before it are gone")
                if row["prev_hash"] != prev:
                    return broken(
                        row_id, "broken link: prev_hash is not the hash of the row before"
                    )
                if row_hash(row) != row["hash"]:
                    return broken(row_id, "hash mismatch: the row was changed after it was written")
                if since is not None and row_id == since.id:
                    if row["hash"] != since.hash:
                        return broken(
                            row_id,
                            "the row's hash differs from the checkpoint: the chain was "
                            "rewritten since the checkpoint was taken",
                        )
                    checkpoint_seen = True
                if row["action"] in EVENT_ADDED and row["seq"] is not None:
                    seq = int(row["seq"])
                    if next_seq is None:
                        next_seq = seq
                    if seq > next_seq:
                        return broken(
                            row_id,
                            f"events seq {next_seq} to {seq - 1} have no audit row: rows "
                            "were deleted from the audit log",
                        )
                    if seq < next_seq:
                        return broken(row_id, f"event seq {seq} is audited twice or out of order")
                    next_seq = seq + 1
                if row["seq"] is not None:
                    found = stored_events.get(int(row["seq"]))
                    if found is None:
                        return broken(
                            row_id, f"event seq {row['seq']} is missing from the events table"
                        )
                    if found != row["event_hash"]:
                        return broken(
                            row_id,
                            f"event seq {row['seq']} in the events table was changed "
                            "after it was audited",
                        )
                if row["action"] == PRUNED:
                    last_prune = row
                prev = row["hash"]
                count += 1
                first_at = first_at or row["at"]
                last_at = row["at"]
                expected_id += 1
                after_id = row_id
        newest_event = last_seq(conn)
        audited_through = (next_seq - 1) if next_seq is not None else newest_event
        if newest_event > audited_through:
            what = (
                "the audit log has no row for them: it was emptied or truncated"
                if start_seq is not None and audited_through < start_seq
                else "the end of the audit log was cut off"
            )
            return broken(
                expected_id,
                f"events after seq {audited_through} (up to {newest_event}) have no audit "
                f"row: {what}",
            )
        if last_prune is not None and (
            anchor is None
            or _prune_boundary(last_prune["after"])[:2] != (anchor.through_id, anchor.last_hash)
        ):
            return broken(
                int(last_prune["id"]),
                "the prune anchor does not match the newest prune recorded in the chain",
            )
        if not checkpoint_seen:
            assert since is not None
            return broken(
                since.id,
                f"the chain ends at row {expected_id - 1}, before the checkpoint's row "
                f"{since.id}: rows were cut off the end",
            )
    return Verdict(
        count,
        first_at,
        last_at,
        prev,
        head_id=expected_id - 1,
        from_seq=(start_seq - 1) if start_seq is not None else from_seq,
        through_seq=newest_event,
    )


def _event_hashes(conn: Connection, seqs: list[int]) -> dict[int, str]:
    if not seqs:
        return {}
    rows = conn.execute(
        sa.select(*[events.c[c] for c in _EVENT_COLUMNS]).where(events.c.seq.in_(seqs))
    )
    return {int(r.seq): event_hash(r._mapping) for r in rows}


# -- retention ----------------------------------------------------------------------


def prune(engine: Engine, retention: timedelta, *, now: datetime, actor: str = "system") -> int:
    """Delete the rows older than ``retention``; how many. The rest still verifies.

    Deletes a prefix of the chain (every id up to the newest row older than the
    cut), keeps that row's id and hash in ``audit_anchor``, and records the
    prune itself as a row of the chain.
    """
    if retention <= timedelta(0):
        raise ValueError("the audit retention must be positive")
    cut = now - retention
    with write_transaction(engine) as conn:
        through = conn.execute(
            sa.select(sa.func.max(audit_log.c.id)).where(audit_log.c.at < cut)
        ).scalar_one_or_none()
        if through is None:
            return 0
        last_hash = conn.execute(
            sa.select(audit_log.c.hash).where(audit_log.c.id == through)
        ).scalar_one()
        # The newest event whose row goes: verify then expects rows after it only.
        through_seq = max(
            _pruned_seq(conn),
            conn.execute(
                sa.select(sa.func.max(audit_log.c.seq)).where(
                    audit_log.c.id <= through, audit_log.c.action.in_(EVENT_ADDED)
                )
            ).scalar_one_or_none()
            or 0,
        )
        removed = conn.execute(sa.delete(audit_log).where(audit_log.c.id <= through)).rowcount
        values = {"through_id": through, "last_hash": last_hash, "pruned_at": now}
        if conn.execute(sa.update(audit_anchor).values(**values)).rowcount == 0:
            conn.execute(sa.insert(audit_anchor).values(id=1, **values))
        record(
            conn,
            PRUNED,
            actor,
            at=now,
            detail=f"{removed} row(s) older than {cut.isoformat(timespec='seconds')} pruned",
            after={
                "through_id": int(through),
                "last_hash": last_hash,
                "rows": removed,
                "through_seq": int(through_seq),
            },
        )
    return int(removed)


def _pruned_seq(conn: Connection) -> int:
    """The newest event seq whose audit row is gone or never was: the newest prune's
    ``through_seq``, else the seq the audit log starts after."""
    newest = conn.execute(
        sa.select(audit_log.c.after)
        .where(audit_log.c.action == PRUNED)
        .order_by(audit_log.c.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    pruned = _prune_boundary(newest)[2] if newest is not None else None
    start = conn.execute(
        sa.select(server_state.c.audit_from_seq).where(server_state.c.id == 1)
    ).scalar_one_or_none()
    return max(int(start or 0), pruned or 0)


# -- reading -------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    since: datetime | None = None
    until: datetime | None = None
    actor: str | None = None
    action: str | None = None
    entity_id: str | None = None
    # An incident's id or number: its own rows and those of its teams' events.
    incident: str | None = None


def read_page(
    engine: Engine,
    where: AuditFilter,
    *,
    after: int | None = None,
    before: int | None = None,
    limit: int = DEFAULT_PAGE,
) -> AuditPage:
    """Rows matching ``where``: with ``after``, ids above it oldest first; else newest
    first, below ``before`` when given."""
    conditions: list[Any] = []
    if where.since is not None:
        conditions.append(audit_log.c.at >= where.since)
    if where.until is not None:
        conditions.append(audit_log.c.at < where.until)
    if where.actor:
        conditions.append(audit_log.c.actor == where.actor)
    if where.action:
        conditions.append(audit_log.c.action == where.action)
    if where.entity_id:
        conditions.append(audit_log.c.entity_id == where.entity_id)
    with read_transaction(engine) as conn:
        if where.incident:
            incident_id = _incident_id(conn, where.incident.strip())
            conditions.append(
                sa.or_(audit_log.c.entity_id == incident_id, audit_log.c.incident_id == incident_id)
            )
        if after is not None:
            conditions.append(audit_log.c.id > after)
            order = audit_log.c.id.asc()
        else:
            if before is not None:
                conditions.append(audit_log.c.id < before)
            order = audit_log.c.id.desc()
        query = (
            sa.select(audit_log, incidents.c.number.label("incident_number"))
            .select_from(audit_log.outerjoin(incidents, incidents.c.id == audit_log.c.incident_id))
            .where(*conditions)
            .order_by(order)
            .limit(limit + 1)
        )
        rows = conn.execute(query).all()
    more = len(rows) > limit
    return AuditPage(entries=[_entry_of(r._mapping) for r in rows[:limit]], more=more)


def _entry_of(row: Mapping[str, Any]) -> AuditEntry:
    fields = dict(row)
    for name in ("before", "after"):
        fields[name] = None if fields[name] is None else json.loads(fields[name])
    return AuditEntry.model_validate(fields)


def _incident_id(conn: Connection, incident: str) -> str:
    """An incident number (U000123) as its id; anything else is taken as an id."""
    if _INCIDENT_NUMBER.match(incident):
        found = conn.execute(
            sa.select(incidents.c.id).where(incidents.c.number == incident)
        ).scalar_one_or_none()
        return found or incident
    return incident.lower()
