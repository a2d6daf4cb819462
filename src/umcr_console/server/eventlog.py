"""The event log: judging and storing event batches, and reading them back.

Every batch is judged and stored in ONE write transaction that holds the
writer lock (``db.write_transaction``): the server_state row on PostgreSQL,
the database write lock on SQLite. So seq is handed out by exactly one writer
at a time, rises by one per accepted event with no gap, and a reader never
sees seq N+1 committed before seq N. The rules are the shared pure
``domain.rules.decide``; this module only feeds it the stored state.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from pydantic_core import PydanticSerializationError
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine

from ..domain.config import Deployment
from ..domain.enums import EventType, IncidentState, RejectCode, Role
from ..domain.events import Event, TeamCreated
from ..domain.ids import name_id
from ..domain.model import Incident, Location, Team
from ..domain.permissions import may_submit
from ..domain.rules import Changes, Rejection, decide
from ..protocol import EventResult, ResultStatus
from . import audit, authorship, locations
from .auth import Principal
from .db import (
    events,
    incident_providers,
    incident_summary,
    incidents,
    is_sqlite,
    last_seq,
    read_transaction,
    server_state,
    teams,
    utc_now,
    write_transaction,
)
from .notify import notify_statement
from .scope import ProviderScope, scope_for

SYSTEM_ACTOR = "system"
SYSTEM_WORKSTATION = "server"
RECENTLY_CLOSED = timedelta(hours=24)
# Row state of a closed incident whose follow-up or warm handoff is still open:
# the snapshot keeps it like an open one (the incident itself stays "closed").
CLOSED_WITH_OPEN_WORK = "closed_open"
OPEN_STATES = (
    *(s.value for s in IncidentState if s != IncidentState.CLOSED),
    CLOSED_WITH_OPEN_WORK,
)
# SQLite allows 32766 bound parameters; stay far below for IN lists.
_IN_CHUNK = 500

# Writers of this process queue here instead of spinning in SQLite's busy
# handler or holding pooled connections while they wait for the row lock.
_process_write_lock = threading.Lock()


def system_principal() -> Principal:
    return Principal(
        username=SYSTEM_ACTOR,
        role=Role.ADMIN,
        team_id=None,
        provider=None,
        expires_at=datetime.max.replace(tzinfo=UTC),
    )


class DbStateView:
    """``StateView`` over the incidents and teams tables, plus this batch's changes.

    Rows are read once and cached: the write lock is held for the whole
    batch, so nobody else can change them meanwhile.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._incidents: dict[str, Incident | None] = {}
        self._teams: dict[str, Team | None] = {}
        # Ids that have a row in the database (UPDATE rather than INSERT).
        self.stored_incidents: set[str] = set()
        self.stored_teams: set[str] = set()
        self.dirty_incidents: dict[str, Incident] = {}
        self.dirty_teams: dict[str, Team] = {}
        # Where each stored incident was when read: incident_places changes with it.
        self._stored_places: dict[str, Location] = {}
        # The JSON form of each dirty entity, by "incidents/<id>" or "teams/<id>",
        # made once by _checked (issue 25): the audit trail and the rows reuse it.
        self.dumped: dict[str, dict[str, Any]] = {}

    def incident(self, incident_id: str) -> Incident | None:
        if incident_id not in self._incidents:
            data = self._conn.execute(
                sa.select(incidents.c.data).where(incidents.c.id == incident_id)
            ).scalar_one_or_none()
            if data is not None:
                self.stored_incidents.add(incident_id)
            self._incidents[incident_id] = None if data is None else Incident.model_validate(data)
            if data is not None:
                self._stored_places[incident_id] = self._incidents[incident_id].location  # type: ignore[union-attr]
        return self._incidents[incident_id]

    def team(self, team_id: str) -> Team | None:
        if team_id not in self._teams:
            data = self._conn.execute(
                sa.select(teams.c.data).where(teams.c.id == team_id)
            ).scalar_one_or_none()
            if data is not None:
                self.stored_teams.add(team_id)
            self._teams[team_id] = None if data is None else Team.model_validate(data)
        return self._teams[team_id]

    def apply(self, changes: Changes, dumped: dict[str, dict[str, Any]] | None = None) -> None:
        for incident in changes.incidents.values():
            self._incidents[incident.id] = incident
            self.dirty_incidents[incident.id] = incident
            self._keep_dump(f"incidents/{incident.id}", dumped)
        for team in changes.teams.values():
            self._teams[team.id] = team
            self.dirty_teams[team.id] = team
            self._keep_dump(f"teams/{team.id}", dumped)

    def _keep_dump(self, key: str, dumped: dict[str, dict[str, Any]] | None) -> None:
        if dumped and key in dumped:
            self.dumped[key] = dumped[key]
        else:  # changed without a dump: the row makes its own
            self.dumped.pop(key, None)

    def flush(self) -> None:
        """Write every changed incident and team row."""
        new_incidents = [
            i for i in self.dirty_incidents.values() if i.id not in self.stored_incidents
        ]
        old_incidents = [i for i in self.dirty_incidents.values() if i.id in self.stored_incidents]
        if new_incidents:
            self._conn.execute(
                sa.insert(incidents), [_incident_row(i, self._dump(i)) for i in new_incidents]
            )
            self._conn.execute(
                sa.insert(incident_summary), [_summary_row(i) for i in new_incidents]
            )
        if old_incidents:
            self._conn.execute(
                sa.update(incidents).where(incidents.c.id == sa.bindparam("b_id")),
                [
                    {"b_id": i.id, **_incident_row(i, self._dump(i), with_id=False)}
                    for i in old_incidents
                ],
            )
            self._conn.execute(
                sa.update(incident_summary).where(
                    incident_summary.c.incident_id == sa.bindparam("b_id")
                ),
                [{"b_id": i.id, **_summary_row(i, with_id=False)} for i in old_incidents],
            )
        moved = [i for i in old_incidents if i.location != self._stored_places.get(i.id)]
        locations.write_places(self._conn, new_incidents, moved)
        self._stored_places.update((i.id, i.location) for i in (*new_incidents, *moved))
        new_teams = [t for t in self.dirty_teams.values() if t.id not in self.stored_teams]
        old_teams = [t for t in self.dirty_teams.values() if t.id in self.stored_teams]
        if new_teams:
            self._conn.execute(sa.insert(teams), [_team_row(t, self._dump(t)) for t in new_teams])
        if old_teams:
            self._conn.execute(
                sa.update(teams).where(teams.c.id == sa.bindparam("b_id")),
                [{"b_id": t.id, **_team_row(t, self._dump(t), with_id=False)} for t in old_teams],
            )
        self.stored_incidents.update(i.id for i in new_incidents)
        self.stored_teams.update(t.id for t in new_teams)
        self.dirty_incidents.clear()
        self.dirty_teams.clear()
        self.dumped.clear()

    def _dump(self, entity: Incident | Team) -> dict[str, Any] | None:
        kind = "incidents" if isinstance(entity, Incident) else "teams"
        return self.dumped.get(f"{kind}/{entity.id}")


def _incident_row(
    incident: Incident, data: dict[str, Any] | None = None, *, with_id: bool = True
) -> dict[str, Any]:
    row = {
        "number": incident.number,
        "state": (
            CLOSED_WITH_OPEN_WORK
            if not incident.is_open and incident.has_open_work
            else incident.state.value
        ),
        "version": incident.version,
        "received_at": incident.received_at,
        "closed_at": incident.times.closed_at,
        "division": incident.location.division,
        "data": incident.model_dump(mode="json") if data is None else data,
    }
    if with_id:
        row["id"] = incident.id
    return row


def _summary_row(incident: Incident, *, with_id: bool = True) -> dict[str, Any]:
    """The report's columns of an incident: no personal data (see db.incident_summary)."""
    times = incident.times
    follow_up = incident.follow_up
    row: dict[str, Any] = {
        "number": incident.number,
        "version": incident.version,
        "state": incident.state.value,
        "received_at": incident.received_at,
        "priority": int(incident.priority),
        "call_type": incident.call_type.value,
        "source": incident.source.value,
        "division": incident.location.division,
        "disposition": incident.disposition.value if incident.disposition else None,
        "redirected_to": incident.redirected_to.value if incident.redirected_to else None,
        "dispatched_at": times.dispatched_at,
        "en_route_at": times.en_route_at,
        "on_scene_at": times.on_scene_at,
        "closed_at": times.closed_at,
        "follow_up_scheduled": follow_up is not None,
        "follow_up_done": follow_up is not None and follow_up.done_at is not None,
    }
    if with_id:
        row["incident_id"] = incident.id
    return row


def _assigned_providers(event: Event, changes: Changes) -> set[tuple[str, str]]:
    """(incident, provider) of a team an accepted assignment put on its incident."""
    if event.type != EventType.INCIDENT_TEAM_ASSIGNED:
        return set()
    return {
        (team.incident_id, team.provider)
        for team in changes.teams.values()
        if team.incident_id == event.entity_id
    }


def _insert_providers(conn: Connection, pairs: set[tuple[str, str]]) -> None:
    """Add the pairs not yet stored (a team may be assigned to one incident twice)."""
    if not pairs:
        return
    insert = sqlite_insert if is_sqlite(conn.engine) else postgresql_insert
    conn.execute(
        insert(incident_providers).on_conflict_do_nothing(),
        [{"incident_id": i, "provider": p} for i, p in sorted(pairs)],
    )


def _team_row(
    team: Team, data: dict[str, Any] | None = None, *, with_id: bool = True
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "version": team.version,
        "data": team.model_dump(mode="json") if data is None else data,
    }
    if with_id:
        row["id"] = team.id
    return row


def _utc_incident(incident: Incident) -> Incident:
    """The server stores and returns UTC; ``received_at`` comes from the client's payload."""
    return incident.model_copy(update={"received_at": incident.received_at.astimezone(UTC)})


def _checked(changes: Changes, dumped: dict[str, dict[str, Any]] | None = None) -> Rejection | None:
    """Make the changed entities exactly what will be stored, or say why they cannot be.

    The rules build entities with ``model_copy``, which does not validate; a
    value that could not be read back would poison every later snapshot. So
    each entity goes through its stored JSON form and back before it counts.
    That form goes into ``dumped`` (by "incidents/<id>", "teams/<id>"): it
    is what the row stores and what the audit trail compares.
    """
    if dumped is None:
        dumped = {}
    try:
        checked_incidents = {}
        for k, v in changes.incidents.items():
            data = _utc_incident(v).model_dump(mode="json", warnings="error")
            checked_incidents[k] = Incident.model_validate(data)
            dumped[f"incidents/{k}"] = data
        checked_teams = {}
        for k, v in changes.teams.items():
            data = v.model_dump(mode="json", warnings="error")
            checked_teams[k] = Team.model_validate(data)
            dumped[f"teams/{k}"] = data
        changes.incidents, changes.teams = checked_incidents, checked_teams
    except OverflowError:
        return Rejection(RejectCode.INVALID_PAYLOAD, "received_at: out of range in UTC")
    except (ValidationError, PydanticSerializationError, ValueError) as exc:
        return Rejection(
            RejectCode.INVALID_PAYLOAD, f"the change would leave an invalid record: {exc}"[:500]
        )
    return None


def _related_incident(event: Event, changes: Changes) -> str | None:
    """The incident an accepted event belongs to, for an incident's timeline."""
    if event.type.startswith("incident."):
        return event.entity_id
    if changes.incidents:
        return next(iter(changes.incidents))
    team = changes.teams.get(event.entity_id)
    return team.incident_id if team else None


@dataclass
class BatchOutcome:
    results: list[EventResult]
    accepted: list[Event] = field(default_factory=list)


def submit_batch(
    engine: Engine,
    principal: Principal,
    batch: Sequence[Event],
    *,
    clock: Callable[[], datetime] = utc_now,
    origin: str = "",
) -> BatchOutcome:
    """Judge and store ``batch`` in order, in one durable transaction.

    The server, not the client, sets ``actor`` (the token's user),
    ``recorded_at`` and ``seq``; whatever a client sent there is dropped.
    ``origin`` names the server instance in the PostgreSQL notification, so
    that instance's listener can skip what it has already announced itself.
    """
    outcome = BatchOutcome(results=[])
    with _process_write_lock, write_transaction(engine) as conn:
        # Read the clock under the lock, so recorded_at rises with seq.
        now = clock()
        seq = last_seq(conn)
        known = _known_event_ids(conn, {e.event_id for e in batch})
        view = DbStateView(conn)
        # A provider's user acts only on what its provider holds (server/scope.py).
        scope = scope_for(conn, principal)
        rows: list[dict[str, Any]] = []
        providers: set[tuple[str, str]] = set()
        # Every accepted and rejected event is audited in this transaction (server/audit.py).
        trail = audit.BatchTrail(principal.username, view, now)
        # Events made by another user (a shift change offline): server/authorship.py.
        prover = authorship.Prover(conn)
        scopes: dict[str, ProviderScope | None] = {principal.username: scope}
        submitters: list[dict[str, Any]] = []

        def reject(sent: Event, rejection: Rejection, acting: Principal = principal) -> None:
            outcome.results.append(_rejected(sent, rejection))
            trail.rejected(sent, rejection)
            _attribute(trail, acting, principal)

        for sent in batch:
            if sent.event_id in known:
                outcome.results.append(
                    EventResult(
                        event_id=sent.event_id,
                        status=ResultStatus.DUPLICATE,
                        seq=known[sent.event_id],
                    )
                )
                continue
            acting, key_id = principal, None
            if sent.author is not None and sent.author != principal.username:
                proven = prover.prove(sent)
                if isinstance(proven, Rejection):
                    reject(sent, proven)
                    continue
                acting, key_id = proven.principal, proven.key_id
                if acting.username not in scopes:
                    scopes[acting.username] = scope_for(conn, acting)
            # The author's own rights and scope, as they are now.
            reason = may_submit(
                acting.role, sent.type, sent.entity_id, acting.team_id, _own_incident(view, acting)
            )
            acting_scope = scopes[acting.username]
            if reason is None and acting_scope is not None:
                reason = _out_of_scope(acting_scope, conn, view, sent)
            if reason is not None:
                reject(sent, Rejection(RejectCode.FORBIDDEN, reason), acting)
                continue
            try:
                occurred_at = sent.occurred_at.astimezone(UTC)
            except OverflowError:
                reject(
                    sent, Rejection(RejectCode.INVALID_PAYLOAD, "occurred_at: out of range in UTC")
                )
                continue
            event = sent.model_copy(
                update={
                    "occurred_at": occurred_at,
                    "actor": acting.username,
                    "recorded_at": now,
                    "seq": None,
                    "author": None,
                    "signature": None,
                    "server_sig": None,
                }
            )
            decision = decide(view, event, now=now, seq=seq + 1)
            if isinstance(decision, Rejection):
                reject(sent, decision, acting)
                continue
            dumped: dict[str, dict[str, Any]] = {}
            problem = _checked(decision, dumped)
            if problem is not None:
                reject(sent, problem, acting)
                continue
            seq += 1
            known[event.event_id] = seq
            stored = event.model_copy(update={"seq": seq})
            rows.append(_event_row(stored, _related_incident(stored, decision)))
            trail.accepted(rows[-1], decision, dumped)  # before apply: the view has the old state
            _attribute(trail, acting, principal, key_id)
            if key_id is not None:
                submitters.append(
                    {"seq": seq, "submitted_by": principal.username, "key_id": key_id}
                )
            view.apply(decision, dumped)
            providers |= _assigned_providers(event, decision)
            outcome.accepted.append(stored)
            outcome.results.append(
                EventResult(event_id=event.event_id, status=ResultStatus.ACCEPTED, seq=seq)
            )
        if rows:
            conn.execute(sa.insert(events), rows)
            view.flush()
            _insert_providers(conn, providers)
            authorship.record_submitters(conn, submitters)
            conn.execute(sa.update(server_state).where(server_state.c.id == 1).values(last_seq=seq))
            if not is_sqlite(engine):
                # Delivered by PostgreSQL at commit, and only if it commits:
                # every server process on the database wakes its streams.
                conn.execute(notify_statement(f"{origin}:{seq}"))
        trail.write(conn)
    # Leaving the block committed the transaction (durably: synchronous=FULL on
    # SQLite, fsync on PostgreSQL) before anyone is told "accepted".
    return outcome


def _own_incident(view: DbStateView, acting: Principal) -> str | None:
    """The incident a field user's team is on now (it may add notes to it)."""
    if acting.role != Role.FIELD or acting.team_id is None:
        return None
    team = view.team(acting.team_id)
    return team.incident_id if team is not None else None


def _attribute(
    trail: audit.BatchTrail,
    acting: Principal,
    submitter: Principal,
    key_id: str | None = None,
) -> None:
    """The newest audit row names the author; and who sent it, if another user did."""
    if acting is submitter:
        return
    row = trail.entries[-1]
    row["actor"] = acting.username
    sent_by = f"submitted by {submitter.username}"
    if key_id is not None:
        sent_by += f" with {acting.username}'s key {key_id}"
    detail = f"{row['detail']}; {sent_by}" if row["detail"] else sent_by
    row["detail"] = detail[:500]  # the column's length (audit.entry cuts the same way)


def _out_of_scope(
    scope: ProviderScope, conn: Connection, view: DbStateView, event: Event
) -> str | None:
    """Why a provider's user may not submit ``event``, judged on the state before it."""
    incident = view.incident(event.entity_id) if event.type.startswith("incident.") else None
    # Every incident the payload names is judged too (a follow-up's original).
    referenced = {ref: view.incident(ref) for ref in scope.referenced_incidents(event)}
    known = [i for i in (incident, *referenced.values()) if i is not None]
    scope.load_creators(conn, (i.created_by for i in known))
    return scope.forbids(event, incident, referenced)


def _rejected(event: Event, rejection: Rejection) -> EventResult:
    return EventResult(
        event_id=event.event_id,
        status=ResultStatus.REJECTED,
        code=rejection.code,
        detail=rejection.detail,
    )


def _known_event_ids(conn: Connection, event_ids: Iterable[str]) -> dict[str, int]:
    ids = list(event_ids)
    found: dict[str, int] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        for event_id, seq in conn.execute(
            sa.select(events.c.event_id, events.c.seq).where(events.c.event_id.in_(chunk))
        ):
            found[event_id] = seq
    return found


def _event_row(event: Event, incident_id: str | None) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "event_id": event.event_id,
        "type": event.type,
        "entity_id": event.entity_id,
        "incident_id": incident_id,
        "occurred_at": event.occurred_at,
        "recorded_at": event.recorded_at,
        "actor": event.actor,
        "workstation_id": event.workstation_id,
        "expected_version": event.expected_version,
        "payload": event.payload,
    }


def _event_of(row: Any) -> Event:
    return Event(
        event_id=row.event_id,
        type=row.type,
        entity_id=row.entity_id,
        occurred_at=row.occurred_at,
        workstation_id=row.workstation_id,
        expected_version=row.expected_version,
        payload=row.payload,
        seq=row.seq,
        recorded_at=row.recorded_at,
        actor=row.actor,
    )


_EVENT_COLUMNS = [c for c in events.c if c.name != "incident_id"]


def read_events(engine: Engine, after: int, limit: int) -> tuple[list[Event], int]:
    """Accepted events with seq > ``after`` in ascending order, and the last seq."""
    with read_transaction(engine) as conn:
        rows = conn.execute(
            sa.select(*_EVENT_COLUMNS)
            .where(events.c.seq > after)
            .order_by(events.c.seq)
            .limit(limit)
        ).all()
        return [_event_of(r) for r in rows], last_seq(conn)


def read_incident_events(engine: Engine, incident_id: str) -> list[Event] | None:
    """The accepted events of one incident in order; None if there is no such incident."""
    with read_transaction(engine) as conn:
        exists = conn.execute(
            sa.select(incidents.c.id).where(incidents.c.id == incident_id)
        ).scalar_one_or_none()
        if exists is None:
            return None
        rows = conn.execute(
            sa.select(*_EVENT_COLUMNS)
            .where(events.c.incident_id == incident_id)
            .order_by(events.c.seq)
        ).all()
        return [_event_of(r) for r in rows]


@dataclass(frozen=True)
class SnapshotData:
    seq: int
    incidents: list[Incident]
    teams: list[Team]


def snapshot_query(now: datetime) -> sa.Select[tuple[Any]]:
    """The snapshot's incidents: every open one, those closed in the last 24 h,
    and closed ones with a follow-up or handoff still open (``CLOSED_WITH_OPEN_WORK``).

    "state IN (open states)" rather than "state != closed": both arms of the
    OR are then index scans (ix_incidents_state, ix_incidents_closed_at), so
    the snapshot reads a day of incidents, not years of history.
    """
    return (
        sa.select(incidents.c.data)
        .where(
            sa.or_(
                incidents.c.state.in_(OPEN_STATES),
                incidents.c.closed_at >= now - RECENTLY_CLOSED,
            )
        )
        .order_by(incidents.c.received_at, incidents.c.id)
    )


def read_snapshot(engine: Engine, *, now: datetime) -> SnapshotData:
    """The state after event ``seq``: open incidents, those closed in the last 24 h, all teams."""
    with read_transaction(engine) as conn:
        seq = last_seq(conn)
        incident_rows = conn.execute(snapshot_query(now)).scalars()
        found_incidents = [Incident.model_validate(d) for d in incident_rows]
        team_rows = conn.execute(sa.select(teams.c.data)).scalars()
        found_teams = sorted((Team.model_validate(d) for d in team_rows), key=lambda t: t.call_sign)
    return SnapshotData(seq=seq, incidents=found_incidents, teams=found_teams)


def read_last_seq(engine: Engine) -> int:
    with engine.connect() as conn:
        return last_seq(conn)


def team_created_event(team_call_sign: str, *, now: datetime, **fields: Any) -> Event:
    """The event that puts a team of the configuration on the roster.

    Its event_id is derived from the call sign, so every server process (and
    every restart) makes the same one, and a second try is a duplicate.
    """
    payload = TeamCreated(call_sign=team_call_sign, **fields)
    return Event(
        event_id=name_id("team-created", team_call_sign),
        type=EventType.TEAM_CREATED,
        entity_id=name_id("team", team_call_sign),
        occurred_at=now,
        workstation_id=SYSTEM_WORKSTATION,
        payload=payload.model_dump(mode="json"),
    )


def seed_roster(engine: Engine, deployment: Deployment, *, now: datetime) -> BatchOutcome:
    """Add each team of the deployment that the database does not know yet.

    Adding a team is a configuration change: a ``team.created`` event through
    the normal write path, so consoles learn of it like of any other change.
    """
    with engine.connect() as conn:
        present = set(conn.execute(sa.select(teams.c.id)).scalars())
    batch = [
        team_created_event(
            t.call_sign,
            now=now,
            provider=t.provider,
            division=t.division,
            languages=t.languages,
        )
        for t in deployment.teams
        if t.id not in present
    ]
    if not batch:
        return BatchOutcome(results=[])
    return submit_batch(engine, system_principal(), batch, clock=lambda: now)
