"""Report summary: incident_summary and incident_providers, filled from the existing log.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_CHUNK = 1000

# Frozen copies of the tables this revision reads and writes.
_incidents = sa.table("incidents", sa.column("id", sa.String), sa.column("data", sa.JSON))
_teams = sa.table("teams", sa.column("id", sa.String), sa.column("data", sa.JSON))
_events = sa.table(
    "events",
    sa.column("seq", sa.BigInteger),
    sa.column("type", sa.String),
    sa.column("entity_id", sa.String),
    sa.column("payload", sa.JSON),
)


def upgrade() -> None:
    summary = op.create_table(
        "incident_summary",
        sa.Column("incident_id", sa.String(36), primary_key=True),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("received_at", _TS, nullable=False),
        sa.Column("priority", sa.SmallInteger, nullable=False),
        sa.Column("call_type", sa.String(40), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("division", sa.String(200), nullable=True),
        sa.Column("disposition", sa.String(40), nullable=True),
        sa.Column("redirected_to", sa.String(20), nullable=True),
        sa.Column("dispatched_at", _TS, nullable=True),
        sa.Column("en_route_at", _TS, nullable=True),
        sa.Column("on_scene_at", _TS, nullable=True),
        sa.Column("closed_at", _TS, nullable=True),
    )
    op.create_index("ix_incident_summary_received_at", "incident_summary", ["received_at"])
    providers = op.create_table(
        "incident_providers",
        sa.Column("incident_id", sa.String(36), primary_key=True),
        sa.Column("provider", sa.String(200), primary_key=True),
    )
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    for rows in _chunks(_summary_rows(conn, sqlite)):
        conn.execute(summary.insert(), rows)
    for rows in _chunks(_provider_rows(conn)):
        conn.execute(providers.insert(), rows)


def downgrade() -> None:
    op.drop_table("incident_providers")
    op.drop_index("ix_incident_summary_received_at", table_name="incident_summary")
    op.drop_table("incident_summary")


def _chunks(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _time(text: str | None, sqlite: bool) -> datetime | None:
    """A stored ISO time as the column wants it (UTC; naive on SQLite, as server.db does)."""
    if text is None:
        return None
    value = datetime.fromisoformat(text).astimezone(UTC)
    return value.replace(tzinfo=None) if sqlite else value


def _summary_rows(conn: sa.Connection, sqlite: bool) -> Iterator[dict[str, Any]]:
    # yield_per on the statement, not the connection: on the connection it
    # would stay on for alembic's own statements after ours.
    result = conn.execute(
        sa.select(_incidents.c.id, _incidents.c.data).execution_options(yield_per=_CHUNK)
    )
    for incident_id, data in result:
        times = data.get("times") or {}
        yield {
            "incident_id": incident_id,
            "number": data["number"],
            "version": data["version"],
            "state": data["state"],
            "received_at": _time(data["received_at"], sqlite),
            "priority": data["priority"],
            "call_type": data["call_type"],
            "source": data["source"],
            "division": (data.get("location") or {}).get("division"),
            "disposition": data.get("disposition"),
            "redirected_to": data.get("redirected_to"),
            "dispatched_at": _time(times.get("dispatched_at"), sqlite),
            "en_route_at": _time(times.get("en_route_at"), sqlite),
            "on_scene_at": _time(times.get("on_scene_at"), sqlite),
            "closed_at": _time(times.get("closed_at"), sqlite),
        }


def _provider_rows(conn: sa.Connection) -> Iterator[dict[str, Any]]:
    """One row per (incident, provider) of every accepted assignment in the log."""
    provider_of = {
        team_id: data.get("provider")
        for team_id, data in conn.execute(sa.select(_teams.c.id, _teams.c.data))
    }
    seen: set[tuple[str, str]] = set()
    result = conn.execute(
        sa.select(_events.c.entity_id, _events.c.payload)
        .where(_events.c.type == "incident.team_assigned")
        .order_by(_events.c.seq)
        .execution_options(yield_per=_CHUNK)
    )
    for incident_id, payload in result:
        # Payloads are stored as sent; the team id may be in any UUID spelling.
        provider = provider_of.get(str(uuid.UUID(payload["team_id"])))
        if provider is not None and (incident_id, provider) not in seen:
            seen.add((incident_id, provider))
            yield {"incident_id": incident_id, "provider": provider}
