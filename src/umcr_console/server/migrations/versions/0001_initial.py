"""Initial schema: event log, current state, users, tokens, login failures.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# A frozen copy of the types of server/db.py at this revision; UtcDateTime is
# DateTime(timezone=True) in the database.
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.String(36), nullable=False),
        sa.Column("incident_id", sa.String(36), nullable=True),
        sa.Column("occurred_at", _TS, nullable=False),
        sa.Column("recorded_at", _TS, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("workstation_id", sa.String(100), nullable=False),
        sa.Column("expected_version", sa.Integer, nullable=True),
        sa.Column("payload", sa.JSON, nullable=False),
    )
    op.create_index("ix_events_entity_id", "events", ["entity_id"])
    op.create_index("ix_events_incident_id", "events", ["incident_id"])

    op.create_table(
        "incidents",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("received_at", _TS, nullable=False),
        sa.Column("closed_at", _TS, nullable=True),
        sa.Column("division", sa.String(200), nullable=True),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_index("ix_incidents_state", "incidents", ["state"])
    op.create_index("ix_incidents_closed_at", "incidents", ["closed_at"])

    op.create_table(
        "teams",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
    )

    op.create_table(
        "users",
        sa.Column("username", sa.String(100), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("team_id", sa.String(36), nullable=True),
        sa.Column("provider", sa.String(200), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    )

    op.create_table(
        "tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("revoked", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_tokens_username", "tokens", ["username"])

    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("at", _TS, nullable=False),
    )
    op.create_index("ix_login_failures_username_at", "login_failures", ["username", "at"])

    server_state = op.create_table(
        "server_state",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
    )
    # The single row every writer locks; it exists from the start so there is
    # never a race to create it.
    op.bulk_insert(server_state, [{"id": 1, "last_seq": 0}])


def downgrade() -> None:
    for table in ("server_state", "login_failures", "tokens", "users", "teams", "incidents"):
        op.drop_table(table)
    op.drop_table("events")
