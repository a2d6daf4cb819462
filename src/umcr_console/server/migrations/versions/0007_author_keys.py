"""Authors' keys and who submitted an event made by another user (shift change offline).

docs/security.md, "Who did it: actions made offline across a shift change".

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "author_keys",
        sa.Column("key_id", sa.String(16), primary_key=True),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("workstation_id", sa.String(100), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("enrolled_at", _TS, nullable=False),
        sa.Column("revoked_at", _TS, nullable=True),
    )
    op.create_index("ix_author_keys_username", "author_keys", ["username"])
    op.create_table(
        "event_submitters",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("submitted_by", sa.String(100), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("event_submitters")
    op.drop_index("ix_author_keys_username", table_name="author_keys")
    op.drop_table("author_keys")
