"""Sign-in: failures per account and source address, and each user's last sign-in.

A lockout now holds for one (user, source) pair, so a stranger who knows the
user names cannot lock the whole floor out (docs/security.md, "Sign-in:
lockout, rate limits and the password policy"). Failures recorded before this
revision get the source "unknown"; they age out within 20 minutes.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("login_failures") as batch:
        batch.add_column(
            sa.Column("source", sa.String(100), nullable=False, server_default="unknown")
        )
        batch.create_index("ix_login_failures_at", ["at"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("last_sign_in_at")
    with op.batch_alter_table("login_failures") as batch:
        batch.drop_index("ix_login_failures_at")
        batch.drop_column("source")
