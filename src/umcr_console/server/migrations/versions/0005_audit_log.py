"""Audit log: a hash-chained row per accepted or rejected action, and the prune anchor.

The chain starts empty at this revision: events accepted before it stay in the
event log, unaudited (docs/security.md, "Audit log").

Revision ID: 0005
Revises: 0004
Create Date: 2025-01-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("workstation_id", sa.String(100), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("event_type", sa.String(64), nullable=True),
        sa.Column("entity_id", sa.String(100), nullable=True),
        sa.Column("incident_id", sa.String(36), nullable=True),
        sa.Column("event_id", sa.String(36), nullable=True),
        sa.Column("seq", sa.BigInteger, nullable=True),
        sa.Column("event_hash", sa.String(64), nullable=True),
        sa.Column("reject_code", sa.String(40), nullable=True),
        sa.Column("detail", sa.String(500), nullable=True),
        sa.Column("before", sa.Text, nullable=True),
        sa.Column("after", sa.Text, nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_actor", "audit_log", ["actor"])
    op.create_index("ix_audit_log_entity_id", "audit_log", ["entity_id"])
    op.create_index("ix_audit_log_incident_id", "audit_log", ["incident_id"])
    op.create_table(
        "audit_anchor",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("through_id", sa.BigInteger, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("pruned_at", _TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_anchor")
    for name in ("incident_id", "entity_id", "actor", "at"):
        op.drop_index(f"ix_audit_log_{name}", table_name="audit_log")
    op.drop_table("audit_log")
