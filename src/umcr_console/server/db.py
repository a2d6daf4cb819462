"""The server's database: schema, engine factory and transaction helpers.

One schema for SQLite (the default, a file) and PostgreSQL (by URL). The event
log (``events``) is the record; ``incidents`` and ``teams`` hold the current
state that the rules read, kept in the same transaction as the log so they can
never disagree with it. ``server_state`` is a single row whose lock serialises
writers so that ``seq`` rises by exactly one per accepted event (docs/server.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

metadata = sa.MetaData()


class UtcDateTime(sa.TypeDecorator[datetime]):
    """An aware UTC datetime on every database.

    SQLite has no time zone type, so the value is stored as naive UTC there and
    given its zone back on read; PostgreSQL stores ``timestamptz``.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


events = sa.Table(
    "events",
    metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("event_id", sa.String(36), nullable=False, unique=True),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("entity_id", sa.String(36), nullable=False, index=True),
    # The incident an event belongs to (a team event: the team's incident), for timelines.
    sa.Column("incident_id", sa.String(36), nullable=True, index=True),
    sa.Column("occurred_at", UtcDateTime, nullable=False),
    sa.Column("recorded_at", UtcDateTime, nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("workstation_id", sa.String(100), nullable=False),
    sa.Column("expected_version", sa.Integer, nullable=True),
    sa.Column("payload", sa.JSON, nullable=False),
)

incidents = sa.Table(
    "incidents",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("number", sa.String(20), nullable=False),
    sa.Column("state", sa.String(20), nullable=False, index=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False),
    sa.Column("closed_at", UtcDateTime, nullable=True, index=True),
    sa.Column("division", sa.String(200), nullable=True),
    sa.Column("data", sa.JSON, nullable=False),
)

# What the program reports need of each incident, and nothing personal: kept
# by the write path beside ``incidents`` (same transaction), so a report over a
# year reads narrow rows by an index on received_at instead of every incident's
# JSON document (docs/server.md, "Reports").
incident_summary = sa.Table(
    "incident_summary",
    metadata,
    sa.Column("incident_id", sa.String(36), primary_key=True),
    sa.Column("number", sa.String(20), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False),
    sa.Column("priority", sa.SmallInteger, nullable=False),
    sa.Column("call_type", sa.String(40), nullable=False),
    sa.Column("source", sa.String(40), nullable=False),
    sa.Column("division", sa.String(200), nullable=True),
    sa.Column("disposition", sa.String(40), nullable=True),
    sa.Column("redirected_to", sa.String(20), nullable=True),
    sa.Column("dispatched_at", UtcDateTime, nullable=True),
    sa.Column("en_route_at", UtcDateTime, nullable=True),
    sa.Column("on_scene_at", UtcDateTime, nullable=True),
    sa.Column("closed_at", UtcDateTime, nullable=True),
    # Revision 0004: whether the incident carries a follow-up, and whether it is done.
    sa.Column("follow_up_scheduled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("follow_up_done", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_incident_summary_received_at", "received_at"),
)

# Every provider that ever had a team on an incident (an incident's team_ids
# forget a team once it clears, the report must not): one row per pair,
# written when an assignment is accepted.
incident_providers = sa.Table(
    "incident_providers",
    metadata,
    sa.Column("incident_id", sa.String(36), primary_key=True),
    sa.Column("provider", sa.String(200), primary_key=True),
)

# Where each incident was (issue 22, docs/locations.md): the normalised
# address key and the point, kept by the write path beside ``incidents``, so a
# location history lookup is an index range, not a scan of JSON documents.
# ``(lat, lon)`` is a plain btree used as a bounding-box index (no PostGIS;
# docs/dependencies.md).
incident_places = sa.Table(
    "incident_places",
    metadata,
    sa.Column("incident_id", sa.String(36), primary_key=True),
    sa.Column("received_at", UtcDateTime, nullable=False),
    sa.Column("address_key", sa.String(200), nullable=False, server_default=""),
    sa.Column("lat", sa.Float, nullable=True),
    sa.Column("lon", sa.Float, nullable=True),
    sa.Index("ix_incident_places_lat_lon", "lat", "lon"),
    sa.Index("ix_incident_places_address_key", "address_key", "received_at"),
)

# Revision 0011 (issue 24): where field teams reported themselves, kept only
# for the configured time (Settings.position_retention, server/positions.py).
team_positions = sa.Table(
    "team_positions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("team_id", sa.String(36), nullable=False),
    sa.Column("username", sa.String(100), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("accuracy_m", sa.Float, nullable=True),
    sa.Index("ix_team_positions_team_at", "team_id", "at"),
    sa.Index("ix_team_positions_received_at", "received_at"),
)

teams = sa.Table(
    "teams",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("username", sa.String(100), primary_key=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("team_id", sa.String(36), nullable=True),
    sa.Column("provider", sa.String(200), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    # Revision 0010: the last successful sign-in, for `umcr-server user list`.
    sa.Column("last_sign_in_at", UtcDateTime, nullable=True),
)

tokens = sa.Table(
    "tokens",
    metadata,
    # sha256 hex of the token: a stolen database does not hand out sessions.
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("username", sa.String(100), nullable=False, index=True),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("revoked", sa.Boolean, nullable=False, server_default=sa.false()),
)

login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(100), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    # Revision 0010: the client address; failures lock an account per source.
    sa.Column("source", sa.String(100), nullable=False, server_default="unknown"),
    sa.Index("ix_login_failures_username_at", "username", "at"),
    sa.Index("ix_login_failures_at", "at"),
)

server_state = sa.Table(
    "server_state",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
    # Events up to this seq were accepted before the audit log (migration 0006).
    sa.Column("audit_from_seq", sa.BigInteger, nullable=True),
)

# The EIDO packets of redirects to LAPD / LAFD and what became of each
# (server/redirects.py): one row per redirecting event, so a packet is never
# built twice and never lost silently. ``redirect_cursor`` is the seq up to
# which the event log was read for redirects.
redirect_outbox = sa.Table(
    "redirect_outbox",
    metadata,
    sa.Column("event_id", sa.String(36), primary_key=True),
    sa.Column("seq", sa.BigInteger, nullable=False, unique=True),
    sa.Column("incident_id", sa.String(36), nullable=False, index=True),
    sa.Column("agency", sa.String(20), nullable=False),
    sa.Column("endpoint", sa.String(2000), nullable=True),
    # pending, sent, failed, or no_endpoint (none configured for the agency).
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UtcDateTime, nullable=True),
    sa.Column("last_error", sa.String(500), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("sent_at", UtcDateTime, nullable=True),
    sa.Column("document", sa.JSON, nullable=False),
    sa.Index("ix_redirect_outbox_status_next", "status", "next_attempt_at"),
)

redirect_cursor = sa.Table(
    "redirect_cursor",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
)

# The audit trail (server/audit.py, docs/security.md "Audit log"): one row per
# accepted or rejected event and per sign-in, sign-out and user change, each
# row's hash covering the row and the hash of the row before it. Written under
# the writer lock (write_transaction), so ids rise by one and the chain never forks.
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("workstation_id", sa.String(100), nullable=True),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("event_type", sa.String(64), nullable=True),
    # An incident or team id, or a user name for auth.* and user.* rows.
    sa.Column("entity_id", sa.String(100), nullable=True),
    sa.Column("incident_id", sa.String(36), nullable=True),
    sa.Column("event_id", sa.String(36), nullable=True),
    sa.Column("seq", sa.BigInteger, nullable=True),
    # sha256 of the stored events row: a later edit of the event log shows too.
    sa.Column("event_hash", sa.String(64), nullable=True),
    sa.Column("reject_code", sa.String(40), nullable=True),
    sa.Column("detail", sa.String(500), nullable=True),
    # Canonical JSON text (audit.canonical_json): hashed as stored, serialised once.
    sa.Column("before", sa.Text, nullable=True),
    sa.Column("after", sa.Text, nullable=True),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Index("ix_audit_log_at", "at"),
    sa.Index("ix_audit_log_actor", "actor"),
    sa.Index("ix_audit_log_entity_id", "entity_id"),
    sa.Index("ix_audit_log_incident_id", "incident_id"),
)

# Where the chain starts after pruning: the id and hash of the last pruned row.
audit_anchor = sa.Table(
    "audit_anchor",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("through_id", sa.BigInteger, nullable=False),
    sa.Column("last_hash", sa.String(64), nullable=False),
    sa.Column("pruned_at", UtcDateTime, nullable=False),
)

# Ed25519 public keys of users, one per user and workstation it was made on
# (docs/security.md, "Who did it"): what proves an action made offline is that
# user's when another user's console sends it. Revoked with the user.
author_keys = sa.Table(
    "author_keys",
    metadata,
    sa.Column("key_id", sa.String(16), primary_key=True),
    sa.Column("username", sa.String(100), nullable=False, index=True),
    sa.Column("workstation_id", sa.String(100), nullable=False),
    sa.Column("public_key", sa.String(64), nullable=False),
    sa.Column("enrolled_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
)

# Who sent an event whose author (``events.actor``) is another user: the seq,
# the token's user, and the author's key that proved it. One row per such event.
event_submitters = sa.Table(
    "event_submitters",
    metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("submitted_by", sa.String(100), nullable=False),
    sa.Column("key_id", sa.String(16), nullable=False),
)

# Restore from a backup (docs/server.md, "Restore from backup"): this database's
# identity (kept by a backup, so the server can tell its own log was restored),
# each restore the server detected, and what consoles gave back of the lost events.
server_identity = sa.Table(
    "server_identity",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("database_id", sa.String(32), nullable=False),
)
restores = sa.Table(
    "restores",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("detected_at", UtcDateTime, nullable=False),
    # The restored log ends at fork_seq; the log before the restore had reached lost_through.
    sa.Column("fork_seq", sa.BigInteger, nullable=False),
    sa.Column("lost_through", sa.BigInteger, nullable=False),
)
recovered_events = sa.Table(
    "recovered_events",
    metadata,
    sa.Column("restore_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("original_seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("event_id", sa.String(36), nullable=False),
    # Its seq now (recovered or already present); None if it could not be applied.
    sa.Column("seq", sa.BigInteger, nullable=True),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("workstation_id", sa.String(100), nullable=False),
    sa.Column("submitted_by", sa.String(100), nullable=False),
    sa.Column("detail", sa.String(500), nullable=True),
    sa.Column("at", UtcDateTime, nullable=False),
)

# Execution option that makes a connection's next transaction a write transaction.
WRITE_OPTION = "umcr_write"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str) -> Engine:
    """An engine for ``url``: SQLite with WAL and real transactions, or PostgreSQL."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    # READ COMMITTED on purpose: after the server_state row lock is taken, each
    # statement sees what the writer before us committed (docs/server.md).
    return sa.create_engine(
        url,
        pool_size=10,
        max_overflow=20,
        pool_pre_ping=True,
        # A database error's text must not carry a caller's name into the log.
        hide_parameters=True,
        isolation_level="READ COMMITTED",
    )


def _sqlite_engine(url: str) -> Engine:
    engine = sa.create_engine(
        url,
        pool_size=10,
        max_overflow=20,
        hide_parameters=True,  # as above: no SQL parameters in an error's text
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy's documented recipe (SQLite dialect, "Enabling Non-Legacy
        # SQLite Transactional Modes"): stop pysqlite from issuing its own
        # BEGIN (it skips SELECTs, so reads would not be repeatable) ...
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            # FULL: a commit is on disk before we answer, so SIGKILL loses nothing accepted.
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # ... and emit our own. A write transaction takes the write lock at once
        # (IMMEDIATE), so two writers can never both read the same last_seq.
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the writer lock (server_state row) until commit.

    SQLite: BEGIN IMMEDIATE takes the database write lock. PostgreSQL: SELECT
    ... FOR UPDATE on the single server_state row, which serialises writers
    across every server process on the database.
    """
    with engine.connect() as conn:
        conn = conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            if not is_sqlite(engine):
                lock = sa.select(server_state.c.id).where(server_state.c.id == 1).with_for_update()
                conn.execute(lock).scalar_one()
            yield conn


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction whose statements all see one snapshot."""
    with engine.connect() as conn:
        if not is_sqlite(engine):
            # REPEATABLE READ: the seq and the rows read after it agree.
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


# Built once: a statement made per call pays SQLAlchemy's cache key walk each time.
_LAST_SEQ = sa.select(server_state.c.last_seq).where(server_state.c.id == 1)


def last_seq(conn: Connection) -> int:
    return int(conn.execute(_LAST_SEQ).scalar_one())


def utc_now() -> datetime:
    return datetime.now(UTC)
