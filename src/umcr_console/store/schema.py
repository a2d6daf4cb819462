"""Tables of the console's local SQLite store, and their migrations.

Migrations are an ordered list of SQL scripts keyed by ``PRAGMA user_version``
(not alembic; docs/client.md says why): migration *n* brings a file from
version *n-1* to *n*, inside the same transaction that sets the new version,
so a crash mid-upgrade leaves the file at the old version, untouched.

The SQLAlchemy ``Table`` objects below describe the newest schema for the
queries; a test checks that the migrations produce exactly these tables.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Column, Index, Integer, MetaData, Table, Text

metadata = MetaData()

# Key-value facts about this console: server url, workstation id, user, cursor.
meta = Table(
    "meta",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

# The server's state up to the cursor: one JSON document per entity.
confirmed_incident = Table(
    "confirmed_incident",
    metadata,
    Column("id", Text, primary_key=True),
    Column("data", Text, nullable=False),
)
confirmed_team = Table(
    "confirmed_team",
    metadata,
    Column("id", Text, primary_key=True),
    Column("data", Text, nullable=False),
)

# Accepted events this console has seen, for timelines and the audit.
event_log = Table(
    "event_log",
    metadata,
    Column("seq", Integer, primary_key=True),
    Column("event_id", Text, nullable=False, unique=True),
    Column("type", Text, nullable=False),
    Column("entity_id", Text, nullable=False),
    Column("team_id", Text),
    Column("data", Text, nullable=False),
    Index("ix_event_log_entity", "entity_id", "seq"),
    Index("ix_event_log_team", "team_id", "seq"),
)

# Local events not yet confirmed, in the order they were made. AUTOINCREMENT
# so a local_seq is never reused, even after the newest row left.
outbox = Table(
    "outbox",
    metadata,
    Column("local_seq", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Text, nullable=False, unique=True),
    Column("data", Text, nullable=False),
    Column("enqueued_at", Text, nullable=False),
    # The seq the server gave it; the row stays until the confirmed state
    # holds that seq, so the view never shows it twice or not at all.
    Column("accepted_seq", Integer),
    sqlite_autoincrement=True,
)

# Events the server refused, kept for the dispatcher and the audit.
rejection = Table(
    "rejection",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Text, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("entity_kind", Text, nullable=False),
    Column("entity_id", Text, nullable=False),
    Column("data", Text, nullable=False),
    Column("code", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("rejected_at", Text, nullable=False),
    Column("acknowledged_at", Text),
    sqlite_autoincrement=True,
)

_V1 = """
CREATE TABLE meta (
    key TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE confirmed_incident (
    id TEXT NOT NULL PRIMARY KEY,
    data TEXT NOT NULL
);
CREATE TABLE confirmed_team (
    id TEXT NOT NULL PRIMARY KEY,
    data TEXT NOT NULL
);
CREATE TABLE event_log (
    seq INTEGER NOT NULL PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    team_id TEXT,
    data TEXT NOT NULL
);
CREATE INDEX ix_event_log_entity ON event_log (entity_id, seq);
CREATE INDEX ix_event_log_team ON event_log (team_id, seq);
CREATE TABLE outbox (
    local_seq INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL,
    enqueued_at TEXT NOT NULL,
    accepted_seq INTEGER
);
CREATE TABLE rejection (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    entity_kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    data TEXT NOT NULL,
    code TEXT NOT NULL,
    detail TEXT NOT NULL,
    summary TEXT NOT NULL,
    rejected_at TEXT NOT NULL,
    acknowledged_at TEXT
);
"""

# Version 2 changes no table: personal members of the JSON documents are
# sealed (store/protect.py). LocalStore seals a file's clear rows in the
# transaction that sets version 2; the version keeps a console that knows
# only version 1 from reading sealed rows as if they were clear.
_V2 = ""

# Version 3 changes no table either (issue 17, items 5 and 11): every sealed
# value is sealed again with its row's clear part as associated data (an older
# value put back under a newer row no longer opens), and the rejection's
# summary and detail (which name the incident by its address) are sealed too.
_V3 = ""

# MIGRATIONS[i] takes the file from user_version i to i + 1. Append only:
# never edit a migration that has shipped.
MIGRATIONS: Sequence[str] = (_V1, _V2, _V3)

SCHEMA_VERSION = len(MIGRATIONS)


def split_statements(script: str) -> list[str]:
    """The statements of a migration script (no semicolons inside our DDL)."""
    return [s.strip() for s in script.split(";") if s.strip()]
