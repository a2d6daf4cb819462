"""Redirect outbox: the EIDO packets of redirects to LAPD / LAFD and their delivery.

Revision ID: 0003
Revises: 0002
Create Date: 2025-01-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_server_state = sa.table(
    "server_state", sa.column("id", sa.Integer), sa.column("last_seq", sa.BigInteger)
)


def upgrade() -> None:
    op.create_table(
        "redirect_outbox",
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False, unique=True),
        sa.Column("incident_id", sa.String(36), nullable=False),
        sa.Column("agency", sa.String(20), nullable=False),
        sa.Column("endpoint", sa.String(2000), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", _TS, nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("sent_at", _TS, nullable=True),
        sa.Column("document", sa.JSON, nullable=False),
    )
    op.create_index("ix_redirect_outbox_incident_id", "redirect_outbox", ["incident_id"])
    op.create_index(
        "ix_redirect_outbox_status_next", "redirect_outbox", ["status", "next_attempt_at"]
    )
    cursor = op.create_table(
        "redirect_cursor",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
    )
    # Redirects from before this revision were handed over by phone: the
    # packets start with the next event, not with the whole history.
    conn = op.get_bind()
    last = conn.execute(
        sa.select(_server_state.c.last_seq).where(_server_state.c.id == 1)
    ).scalar_one_or_none()
    op.bulk_insert(cursor, [{"id": 1, "last_seq": int(last or 0)}])


def downgrade() -> None:
    op.drop_table("redirect_cursor")
    op.drop_index("ix_redirect_outbox_status_next", table_name="redirect_outbox")
    op.drop_index("ix_redirect_outbox_incident_id", table_name="redirect_outbox")
    op.drop_table("redirect_outbox")
