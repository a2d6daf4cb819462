"""The console's local SQLite file: confirmed state, cursor, event log, outbox, rejections.

Every method that changes more than one row does it in one transaction, so a
``kill -9`` at any instant leaves either the old or the new content. The file
runs in WAL mode with ``synchronous=FULL``: a commit is on disk (fsync of the
WAL) before ``commit`` returns, which is what lets ``enqueue`` tell the
dispatcher "done". Only the writes of the confirmed state (a copy of the
server's) run at ``synchronous=NORMAL`` (see ``_transaction``).
``locking_mode=EXCLUSIVE`` keeps a second console process
from opening the same file (two processes draining one outbox would show two
different views); the operating system drops the lock when a process dies.

This class is SQL only: it knows nothing of the view or of the network. It is
used from one thread (the console's event loop thread).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    CursorResult,
    Engine,
    create_engine,
    delete,
    event,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.pool import NullPool

from ..domain.events import Event
from ..domain.model import Incident, Team
from ..domain.privacy import redact_event
from ..domain.state import State
from ..logsafe import SafeMessage
from . import schema
from .keys import KeyUnavailable, store_key
from .protect import KEY_CHECK_META, SEALED, RowCipher, RowCodec, SealError
from .schema import (
    confirmed_incident,
    confirmed_team,
    event_log,
    meta,
    outbox,
    rejection,
)

CURSOR_SEQ = "cursor_seq"
# Confirmed events are kept this long for a restored server to take back (issue 19).
EVENT_WINDOW = timedelta(hours=72)
CURSOR_EVENT_ID = "cursor_event_id"


class StoreError(SafeMessage):
    """The local store cannot be opened or used (the message names rows and paths, no values)."""


class StoreLocked(StoreError):
    """Another process has this store open."""


class StoreTooNew(StoreError):
    """The file was written by a newer version of the console."""


class StoreDamaged(StoreError):
    """The file is damaged on disk (a torn page, a truncated file, a broken header).

    ``store.recover.open_store`` moves such a file aside, starts a new one and
    recovers the unsent actions that can still be read.
    """


class StoreFull(StoreError):
    """The disk (or the file's size limit) is full: the write was rolled back, nothing kept.

    Everything committed before is intact; the same write succeeds once
    there is space again.
    """


FULL_MESSAGE = (
    "The disk holding this console's local store is full: the last action was NOT "
    "saved. Everything saved before is safe. Free space on the disk (call IT), then "
    "do the action again."
)


def _is_full(exc: BaseException) -> bool:
    """SQLITE_FULL: "database or disk is full" (a full disk, or ``max_page_count``)."""
    orig = getattr(exc, "orig", exc)
    return getattr(orig, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL


# (store path, create) -> the store's 256-bit key; see keys.store_key.
KeySource = Callable[[Path, bool], bytes]
# The store file and its WAL, shared memory and key file: the owner's only.
_SIDE_FILES = ("-wal", "-shm", "-journal")


@contextlib.contextmanager
def _opening() -> Iterator[None]:
    """Report sealed data that does not open as a store error, never as a wrong value."""
    try:
        yield
    except SealError as exc:
        raise StoreError(f"the local store's personal data cannot be read: {exc}") from exc


def _owner_only(path: Path) -> None:
    """Create the store file 0600 before SQLite does (its WAL and shm copy its mode)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    # Files written by an older console were created with the umask's mode.
    # Windows has no mode bits (the profile folder's ACL protects them), and a
    # chmod of a file another console process holds open fails there.
    if os.name != "posix":
        return
    for file in (path, *(path.with_name(path.name + s) for s in _SIDE_FILES)):
        if file.exists():
            os.chmod(file, 0o600)


@dataclass(frozen=True)
class OutboxRow:
    local_seq: int
    event: Event
    enqueued_at: datetime
    accepted_seq: int | None


@dataclass(frozen=True)
class NewRejection:
    """A rejection to record; the store adds its id."""

    event: Event
    code: str
    detail: str
    summary: str
    entity_kind: str
    entity_id: str
    rejected_at: datetime


@dataclass(frozen=True)
class StoredRejection:
    id: int
    event: Event
    code: str
    detail: str
    summary: str
    entity_kind: str
    entity_id: str
    rejected_at: datetime
    acknowledged_at: datetime | None


def sqlite_pragmas(dbapi_connection: sqlite3.Connection) -> None:
    """The settings of every store connection (the benchmark's bare SQLite uses them too)."""
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA locking_mode=EXCLUSIVE")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    # Deleted and overwritten rows are zeroed, not left in free space: what a
    # purge removes is gone from the file after the next checkpoint.
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


def _team_id_of(ev: Event) -> str | None:
    team_id = ev.payload.get("team_id")
    return team_id if isinstance(team_id, str) else None


class LocalStore:
    """One open store file. Use as a context manager or call ``close``."""

    def __init__(
        self,
        path: str | Path,
        *,
        migrations: Sequence[str] = schema.MIGRATIONS,
        keys: KeySource | None = store_key,
    ) -> None:
        """Open (or create) the store at ``path``.

        ``keys`` gives the key that seals personal data (keyring, or a key file
        beside the store); ``None`` writes personal data in clear, for the
        benchmark that measures what sealing costs, never for a console.
        """
        self.path = Path(path)
        self._keys = keys
        self._codec = RowCodec(None)
        _owner_only(self.path)
        self._engine: Engine = create_engine(
            f"sqlite:///{self.path}",
            poolclass=NullPool,
            # Short: another process holding the exclusive lock will not let go.
            connect_args={"timeout": 0.5},
        )
        event.listen(self._engine, "connect", self._on_connect)
        # We issue BEGIN ourselves (pysqlite's implicit transactions do not
        # cover DDL and start lazily); IMMEDIATE takes the write lock at once.
        event.listen(self._engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        try:
            self._conn: Connection = self._engine.connect()
        except OperationalError as exc:
            self._engine.dispose()
            if "locked" in str(exc):
                raise StoreLocked(f"{self.path} is open in another console process") from exc
            raise StoreError(f"cannot open {self.path}: {exc}") from exc
        except DatabaseError as exc:  # "file is not a database": a broken header
            self._engine.dispose()
            raise StoreDamaged(f"{self.path} is damaged: {exc.orig}") from exc
        self._dbapi: sqlite3.Connection = self._conn.connection.dbapi_connection  # type: ignore[assignment]
        self._sync = "FULL"
        try:
            self._check_pages()
            self._migrate(migrations)
        except BaseException as exc:
            # Release the file (and its exclusive lock) before reporting.
            self.close()
            if isinstance(exc, DatabaseError) and not isinstance(exc, OperationalError):
                raise StoreDamaged(f"{self.path} is damaged: {exc.orig}") from exc
            if isinstance(exc, OperationalError):
                raise StoreError(f"cannot upgrade {self.path}: {exc}") from exc
            if isinstance(exc, KeyUnavailable):
                raise StoreError(str(exc)) from exc
            raise
        self._wipe_wal()

    @contextlib.contextmanager
    def _transaction(self, *, durable: bool = True) -> Iterator[None]:
        """A write transaction; ``durable``: on disk (fsync) before it returns.

        Only the confirmed state's writes are not durable: it is a copy of
        the server's, and WAL keeps the file consistent when a power cut
        loses the last of them (the cursor goes back, the events come
        again). Losing one cannot reorder anything: a later durable commit
        flushes the whole WAL before it. A ``kill -9`` loses nothing either
        way (the OS holds the written WAL).
        """
        level = "FULL" if durable else "NORMAL"
        if level != self._sync:
            # Not allowed inside a transaction; run it on the bare connection
            # so SQLAlchemy does not open one first.
            self._dbapi.execute(f"PRAGMA synchronous={level}")
            self._sync = level
        try:
            with self._conn.begin():
                yield
        except OperationalError as exc:
            if _is_full(exc):
                self._after_full()
                raise StoreFull(FULL_MESSAGE) from exc
            raise

    def _after_full(self) -> None:
        """SQLite may already have rolled back; make sure no transaction stays open."""
        if self._dbapi.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._dbapi.execute("ROLLBACK")

    def _check_pages(self) -> None:
        """SQLite's quick check of every page at start (a shift's store: milliseconds)."""
        found = [r[0] for r in self._conn.exec_driver_sql("PRAGMA quick_check").all()]
        self._conn.rollback()
        if found != ["ok"]:
            raise StoreDamaged(f"{self.path} is damaged: {'; '.join(found[:3])}")

    @staticmethod
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None
        sqlite_pragmas(dbapi_connection)

    def _migrate(self, migrations: Sequence[str]) -> None:
        with self._transaction():
            version = self._conn.exec_driver_sql("PRAGMA user_version").scalar_one()
            if version > len(migrations):
                raise StoreTooNew(
                    f"{self.path} has schema version {version}; this console knows "
                    f"{len(migrations)}: install the newer console or use another data folder"
                )
            for number in range(version, len(migrations)):
                for statement in schema.split_statements(migrations[number]):
                    self._conn.exec_driver_sql(statement)
            if version != len(migrations):
                self._conn.exec_driver_sql(f"PRAGMA user_version = {len(migrations)}")
            self._codec = RowCodec(self._open_cipher(version))

    def _open_cipher(self, version: int) -> RowCipher | None:
        """The cipher of this store; a store not sealed yet is sealed now, in this transaction.

        ``version``: the schema the file had; one sealed by schema 2 is sealed
        again here (schema 3 binds each value to its row's clear part).
        """
        check = self._conn.execute(
            select(meta.c.value).where(meta.c.key == KEY_CHECK_META)
        ).scalar()
        if self._keys is None:
            if check is not None:
                raise StoreError(f"{self.path} holds encrypted personal data: it needs its key")
            return None
        cipher = RowCipher(self._keys(self.path, check is None))
        if check is not None:
            if not cipher.opens_key_check(check):
                raise StoreError(
                    f"the key found for {self.path} does not open it (another key, "
                    "or the file was changed): its personal data cannot be read"
                )
            if version == 2:
                self._reseal(RowCodec(cipher, legacy=True), RowCodec(cipher))
            return cipher
        # A store of schema 1, or one written without a key: seal every row in
        # place; the transaction makes it all or nothing.
        self._reseal(RowCodec(None), RowCodec(cipher))
        self._put_meta({KEY_CHECK_META: cipher.key_check()})
        return cipher

    def _reseal(self, old: RowCodec, new: RowCodec) -> None:
        """Read every row with ``old`` and write it again with ``new`` (inside the migration)."""
        with _opening():
            tables: tuple[tuple[str, Callable[[str], Any], Callable[[Any], str], str], ...] = (
                ("confirmed_incident", old.incident, new.incident_text, "id"),
                ("confirmed_team", old.team, new.team_text, "id"),
                ("event_log", old.event, new.event_text, "seq"),
                ("outbox", old.event, new.event_text, "local_seq"),
                ("rejection", old.event, new.event_text, "id"),
            )
            for table, decode, encode, key_column in tables:
                rows = self._conn.exec_driver_sql(f"SELECT {key_column}, data FROM {table}").all()
                if not rows:
                    continue
                self._conn.exec_driver_sql(
                    f"UPDATE {table} SET data = ? WHERE {key_column} = ?",
                    [(encode(decode(data)), key) for key, data in rows],
                )
            # Before schema 3 a rejection's summary and detail were kept in clear.
            rows = self._conn.exec_driver_sql(
                "SELECT id, event_id, summary, detail FROM rejection"
            ).all()
            if rows:
                self._conn.exec_driver_sql(
                    "UPDATE rejection SET summary = ?, detail = ? WHERE id = ?",
                    [
                        (
                            new.rejection_text(summary, event_id, "summary"),
                            new.rejection_text(detail, event_id, "detail"),
                            row_id,
                        )
                        for row_id, event_id, summary, detail in rows
                    ],
                )

    def _wipe_wal(self) -> None:
        """Copy the WAL into the file and empty it: old versions of rows leave both."""
        self._dbapi.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @property
    def schema_version(self) -> int:
        version = int(self._conn.exec_driver_sql("PRAGMA user_version").scalar_one())
        self._conn.rollback()
        return version

    def close(self) -> None:
        self._conn.close()
        self._engine.dispose()

    def __enter__(self) -> LocalStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- meta -----------------------------------------------------------

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        value = self._conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
        self._conn.rollback()
        return default if value is None else value

    def set_meta(self, values: Mapping[str, str]) -> None:
        with self._transaction():
            self._put_meta(values)

    def _put_meta(self, values: Mapping[str, str]) -> None:
        for key, value in values.items():
            self._conn.exec_driver_sql(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def cursor(self) -> tuple[int, str | None]:
        """The seq of the newest confirmed event and its event id (None after a snapshot)."""
        rows = dict(
            self._conn.execute(
                select(meta.c.key, meta.c.value).where(
                    meta.c.key.in_([CURSOR_SEQ, CURSOR_EVENT_ID])
                )
            ).all()
        )
        self._conn.rollback()
        event_id = rows.get(CURSOR_EVENT_ID) or None
        return int(rows.get(CURSOR_SEQ, 0)), event_id

    # -- confirmed state --------------------------------------------------

    def load_confirmed(self, *, closed_before: datetime | None = None) -> State:
        """The confirmed state; with ``closed_before``, first forget incidents closed before it.

        The forgetting happens in SQL, before any row is parsed: a store that
        gathered a long history opens in the time of a shift's worth of rows,
        not of 100,000 (issue 4's cold start). It keeps, like
        ``Workspace.prune_closed``, every incident a pending event is about and
        every incident with a follow-up or handoff recorded; the workspace
        prunes the rest of the old ones precisely after loading.
        """
        if closed_before is not None:
            self._forget_closed_before(closed_before)
        with _opening():
            incidents = [
                self._codec.incident(data)
                for data in self._conn.execute(select(confirmed_incident.c.data)).scalars()
            ]
            teams = [
                self._codec.team(data)
                for data in self._conn.execute(select(confirmed_team.c.data)).scalars()
            ]
        self._conn.rollback()
        return State.of(incidents, teams, self.cursor()[0])

    def commit_server_events(
        self,
        events: Sequence[Event],
        incidents: Iterable[Incident],
        teams: Iterable[Team],
    ) -> None:
        """Record accepted events in seq order with the entities they changed.

        Outbox rows of the same event ids leave in the same transaction: from
        now on the confirmed state holds them.
        """
        if not events:
            return
        with self._transaction(durable=False):
            self._upsert_entities(incidents, teams)
            # Plain executemany: SQLAlchemy's expanding IN and per-row dict
            # parameters cost more than SQLite itself for 500-event batches.
            self._conn.exec_driver_sql(
                "INSERT OR IGNORE INTO event_log (seq, event_id, type, entity_id, team_id, data) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        ev.seq,
                        ev.event_id,
                        ev.type,
                        ev.entity_id,
                        _team_id_of(ev),
                        self._codec.event_text(ev),
                    )
                    for ev in events
                ],
            )
            self._delete_outbox([ev.event_id for ev in events])
            last = events[-1]
            self._put_meta({CURSOR_SEQ: str(last.seq), CURSOR_EVENT_ID: last.event_id})

    def _delete_outbox(self, event_ids: Sequence[str]) -> None:
        if event_ids:
            self._conn.exec_driver_sql(
                "DELETE FROM outbox WHERE event_id = ?", [(eid,) for eid in event_ids]
            )

    def _upsert_entities(self, incidents: Iterable[Incident], teams: Iterable[Team]) -> None:
        for table, entities, text_of in (
            ("confirmed_incident", incidents, self._codec.incident_text),
            ("confirmed_team", teams, self._codec.team_text),
        ):
            rows = [(e.id, text_of(e)) for e in entities]  # type: ignore[arg-type]
            if rows:
                self._conn.exec_driver_sql(
                    f"INSERT OR REPLACE INTO {table} (id, data) VALUES (?, ?)", rows
                )

    def replace_confirmed(
        self,
        state: State,
        *,
        cursor_event_id: str | None,
        forget_acceptance: bool,
        clear_log: bool,
    ) -> None:
        """Replace the confirmed state by a snapshot at ``state.seq``.

        Outbox rows the server accepted at or before that seq are in the
        snapshot and leave. With ``forget_acceptance`` (another server
        database) no acceptance is trusted: every row is sent again.
        """
        with self._transaction():
            self._conn.execute(delete(confirmed_incident))
            self._conn.execute(delete(confirmed_team))
            self._upsert_entities(state.incidents.values(), state.teams.values())
            if clear_log:
                self._conn.execute(delete(event_log))
            else:
                self._conn.execute(delete(event_log).where(event_log.c.seq > state.seq))
            if forget_acceptance:
                self._conn.execute(update(outbox).values(accepted_seq=None))
            else:
                self._conn.execute(
                    delete(outbox).where(
                        outbox.c.accepted_seq.is_not(None), outbox.c.accepted_seq <= state.seq
                    )
                )
            self._put_meta({CURSOR_SEQ: str(state.seq), CURSOR_EVENT_ID: cursor_event_id or ""})

    def _forget_closed_before(self, cutoff: datetime) -> None:
        # julianday() reads RFC 3339 times with any offset, so the comparison is
        # by instant, not by the text of differently written offsets.
        old = text(
            "SELECT id FROM confirmed_incident"
            " WHERE json_extract(data, '$.state') = 'closed'"
            " AND julianday(json_extract(data, '$.times.closed_at')) < julianday(:cutoff)"
            " AND json_extract(data, '$.follow_up') IS NULL"
            " AND json_extract(data, '$.handoff') IS NULL"
            " AND id NOT IN (SELECT json_extract(data, '$.entity_id') FROM outbox)"
        )
        ids = list(self._conn.execute(old, {"cutoff": cutoff.isoformat()}).scalars())
        self._conn.rollback()
        if ids:
            # Their events stay for the default recovery window; the workspace
            # prunes with its own window right after loading.
            self.forget_incidents(ids, keep_events_after=datetime.now(UTC) - EVENT_WINDOW)

    def forget_incidents(
        self, incident_ids: Sequence[str], *, keep_events_after: datetime | None = None
    ) -> None:
        """Drop confirmed incidents and their logged events (closed long ago).

        Logged events recorded after ``keep_events_after`` stay: the recovery
        window, from which a restored server takes back what it lost.
        """
        with self._transaction():
            for start in range(0, len(incident_ids), 500):
                chunk = incident_ids[start : start + 500]
                self._conn.execute(
                    delete(confirmed_incident).where(confirmed_incident.c.id.in_(chunk))
                )
                logged = delete(event_log).where(event_log.c.entity_id.in_(chunk))
                if keep_events_after is not None:
                    logged = logged.where(
                        text(
                            "julianday(json_extract(data, '$.recorded_at')) < julianday(:cut)"
                        ).bindparams(cut=keep_events_after.isoformat())
                    )
                self._conn.execute(logged)
        self._wipe_wal()

    def prune_log(self, cutoff: datetime) -> int:
        """Drop logged events recorded before ``cutoff`` that are not about a held incident.

        What the recovery window no longer needs (team events included, which
        otherwise grew without bound); an incident still held keeps its events
        for its timeline.
        """
        with self._transaction():
            result = self._conn.exec_driver_sql(
                "DELETE FROM event_log WHERE julianday(json_extract(data, '$.recorded_at'))"
                " < julianday(?) AND entity_id NOT IN (SELECT id FROM confirmed_incident)",
                (cutoff.isoformat(),),
            )
        if result.rowcount:
            self._wipe_wal()
        return int(result.rowcount)

    def recoverable_events(self, after_seq: int, through_seq: int) -> list[Event]:
        """Logged events in (after_seq, through_seq] that carry the server's signature, in order."""
        rows = self._conn.execute(
            select(event_log.c.data)
            .where(event_log.c.seq > after_seq, event_log.c.seq <= through_seq)
            .order_by(event_log.c.seq)
        ).scalars()
        with _opening():
            found = [self._codec.event(data) for data in rows]
        self._conn.rollback()
        return [e for e in found if e.server_sig]

    def purge_personal(self, redacted: Sequence[Incident], *, cutoff: datetime) -> int:
        """Remove personal data that is past keeping; how many rows changed.

        ``redacted``: incidents (already redacted) that replace their rows;
        their logged events lose their personal members too, as do logged
        events older than ``cutoff`` of anything but a held incident (team
        status notes, incidents forgotten at close). Acknowledged rejections
        about them, or older than ``cutoff``, leave. The outbox is left alone:
        its events have not reached the server yet. Then the WAL is emptied
        so no old version of a row is left in either file (secure_delete
        zeroes the freed space).
        """
        ids = [incident.id for incident in redacted]
        changed = 0
        with self._transaction():
            self._upsert_entities(redacted, ())
            changed += len(ids)
            self._conn.exec_driver_sql(
                "CREATE TEMP TABLE IF NOT EXISTS purged (id TEXT PRIMARY KEY)"
            )
            self._conn.exec_driver_sql("DELETE FROM purged")
            if ids:
                self._conn.exec_driver_sql(
                    "INSERT OR IGNORE INTO purged (id) VALUES (?)", [(i,) for i in ids]
                )
            # With a cipher, a row still holding personal data has a sealed member.
            holds_personal = (
                f"json_extract(data, '$.{SEALED}') IS NOT NULL"
                if self._codec.cipher is not None
                else "1"
            )
            rows = self._conn.exec_driver_sql(
                "SELECT seq, data FROM event_log"
                f" WHERE {holds_personal} AND (entity_id IN (SELECT id FROM purged)"
                " OR (entity_id NOT IN (SELECT id FROM confirmed_incident)"
                " AND julianday(json_extract(data, '$.occurred_at')) < julianday(?)))",
                (cutoff.isoformat(),),
            ).all()
            with _opening():
                updates = [
                    (self._codec.event_text(redact_event(self._codec.event(data))), seq)
                    for seq, data in rows
                ]
            if updates:
                self._conn.exec_driver_sql("UPDATE event_log SET data = ? WHERE seq = ?", updates)
            changed += len(updates)
            result = self._conn.exec_driver_sql(
                "DELETE FROM rejection WHERE acknowledged_at IS NOT NULL"
                " AND (entity_id IN (SELECT id FROM purged)"
                " OR julianday(rejected_at) < julianday(?))",
                (cutoff.isoformat(),),
            )
            changed += result.rowcount
            self._conn.exec_driver_sql("DELETE FROM purged")
        if changed:
            self._wipe_wal()
        return changed

    def set_cursor_event_id(self, seq: int, event_id: str) -> None:
        """Learn the event id at the cursor (after a snapshot), if the cursor is still ``seq``."""
        with self._transaction():
            current = self._conn.execute(
                select(meta.c.value).where(meta.c.key == CURSOR_SEQ)
            ).scalar()
            if current is not None and int(current) == seq:
                self._put_meta({CURSOR_EVENT_ID: event_id})

    def log_events(self, entity_id: str, *, after_seq: int = 0) -> list[Event]:
        """Confirmed events about an incident or a team (also assignments naming the team),
        those after ``after_seq`` only if given (a team's part in one incident)."""
        rows = self._conn.execute(
            select(event_log.c.data)
            .where((event_log.c.entity_id == entity_id) | (event_log.c.team_id == entity_id))
            .where(event_log.c.seq > after_seq)
            .order_by(event_log.c.seq)
        ).scalars()
        with _opening():
            events = [self._codec.event(data) for data in rows]
        self._conn.rollback()
        return events

    # -- outbox -----------------------------------------------------------

    def enqueue(self, ev: Event, *, enqueued_at: datetime) -> int:
        """Append ``ev`` to the outbox, durably, and return its local seq.

        When this returns, the event is on disk: a crash or power loss after
        this point cannot lose it.
        """
        with self._transaction():
            result = self._conn.execute(
                insert(outbox),
                {
                    "event_id": ev.event_id,
                    "data": self._codec.event_text(ev),
                    "enqueued_at": _iso(enqueued_at),
                },
            )
        return _inserted_id(result)

    def forget_acceptance(self, event_ids: Sequence[str]) -> None:
        """These events are not in the server's history after all: send them again."""
        with self._transaction():
            self._conn.exec_driver_sql(
                "UPDATE outbox SET accepted_seq = NULL WHERE event_id = ?",
                [(eid,) for eid in event_ids],
            )

    def load_outbox(self) -> list[OutboxRow]:
        rows = self._conn.execute(
            select(
                outbox.c.local_seq, outbox.c.data, outbox.c.enqueued_at, outbox.c.accepted_seq
            ).order_by(outbox.c.local_seq)
        ).all()
        self._conn.rollback()
        with _opening():
            return [
                OutboxRow(
                    local_seq=row.local_seq,
                    event=self._codec.event(row.data),
                    enqueued_at=datetime.fromisoformat(row.enqueued_at),
                    accepted_seq=row.accepted_seq,
                )
                for row in rows
            ]

    def outbox_count(self) -> int:
        count = self._conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar_one()
        self._conn.rollback()
        return int(count)

    def commit_results(
        self,
        *,
        accepted: Mapping[str, int],
        confirmed: Iterable[str],
        rejected: Sequence[NewRejection],
    ) -> list[int]:
        """Apply the server's answers to a batch in one transaction.

        ``accepted``: event id -> seq, kept until the stream brings them;
        ``confirmed``: event ids already in the confirmed state, leave now;
        ``rejected``: leave the outbox and enter the rejection table.
        Returns the ids of the new rejection rows.
        """
        ids: list[int] = []
        with self._transaction():
            if accepted:
                self._conn.exec_driver_sql(
                    "UPDATE outbox SET accepted_seq = ? WHERE event_id = ?",
                    [(seq, eid) for eid, seq in accepted.items()],
                )
            self._delete_outbox([*confirmed, *(r.event.event_id for r in rejected)])
            for r in rejected:
                result = self._conn.execute(
                    insert(rejection),
                    {
                        "event_id": r.event.event_id,
                        "event_type": r.event.type,
                        "entity_kind": r.entity_kind,
                        "entity_id": r.entity_id,
                        "data": self._codec.event_text(r.event),
                        "code": r.code,
                        "detail": self._codec.rejection_text(r.detail, r.event.event_id, "detail"),
                        "summary": self._codec.rejection_text(
                            r.summary, r.event.event_id, "summary"
                        ),
                        "rejected_at": _iso(r.rejected_at),
                    },
                )
                ids.append(_inserted_id(result))
        return ids

    # -- rejections -------------------------------------------------------

    def rejections(self, *, include_acknowledged: bool = False) -> list[StoredRejection]:
        query = select(rejection).order_by(rejection.c.id)
        if not include_acknowledged:
            query = query.where(rejection.c.acknowledged_at.is_(None))
        rows = self._conn.execute(query).all()
        self._conn.rollback()
        with _opening():
            return [self._stored_rejection(row) for row in rows]

    def _stored_rejection(self, row: Any) -> StoredRejection:
        return StoredRejection(
            id=row.id,
            event=self._codec.event(row.data),
            code=row.code,
            detail=self._codec.rejection_value(row.detail, row.event_id, "detail"),
            summary=self._codec.rejection_value(row.summary, row.event_id, "summary"),
            entity_kind=row.entity_kind,
            entity_id=row.entity_id,
            rejected_at=datetime.fromisoformat(row.rejected_at),
            acknowledged_at=(
                datetime.fromisoformat(row.acknowledged_at) if row.acknowledged_at else None
            ),
        )

    def acknowledge(self, rejection_id: int, *, at: datetime) -> bool:
        """Mark a rejection as seen by the dispatcher; False if unknown or already seen."""
        with self._transaction():
            result = self._conn.execute(
                update(rejection)
                .where(rejection.c.id == rejection_id, rejection.c.acknowledged_at.is_(None))
                .values(acknowledged_at=_iso(at))
            )
        return bool(result.rowcount)

    # -- diagnostics ------------------------------------------------------

    def integrity_check(self) -> list[str]:
        """SQLite's own consistency check; ``["ok"]`` when the file is sound."""
        rows = [r[0] for r in self._conn.exec_driver_sql("PRAGMA integrity_check").all()]
        self._conn.rollback()
        return rows

    def dump(self) -> dict[str, Any]:
        """Every table as plain rows, for tests and support."""
        out: dict[str, Any] = {}
        for table in schema.metadata.sorted_tables:
            out[table.name] = [dict(r._mapping) for r in self._conn.execute(select(table)).all()]
        self._conn.rollback()
        plain: dict[str, Any] = json.loads(json.dumps(out, default=str))
        return plain


def _inserted_id(result: CursorResult[Any]) -> int:
    """The id a one-row INSERT made."""
    # Typed Optional: None only for a statement that is not an INSERT, and this is one.
    return int(result.inserted_primary_key[0])  # type: ignore[index]
