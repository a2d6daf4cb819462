"""Restore from backup: the database's identity, detected restores, events given back.

docs/server.md, "Restore from backup".

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    identity = op.create_table(
        "server_identity",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("database_id", sa.String(32), nullable=False),
    )
    # Made once, here: a backup of this database carries it.
    op.bulk_insert(identity, [{"id": 1, "database_id": uuid.uuid4().hex}])
    op.create_table(
        "restores",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("detected_at", _TS, nullable=False),
        sa.Column("fork_seq", sa.BigInteger, nullable=False),
        sa.Column("lost_through", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "recovered_events",
        sa.Column("restore_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("original_seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=True),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("workstation_id", sa.String(100), nullable=False),
        sa.Column("submitted_by", sa.String(100), nullable=False),
        sa.Column("detail", sa.String(500), nullable=True),
        sa.Column("at", _TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("recovered_events")
    op.drop_table("restores")
    op.drop_table("server_identity")
