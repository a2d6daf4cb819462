"""The seq the audit log starts after: events up to it were accepted unaudited.

``audit verify`` proves completeness (issue 17, item 4): every accepted event
after ``server_state.audit_from_seq`` must have its audit row. The value is set
once, here, from what the database holds now: with audit rows, the seq before
the first audited event; without any, the newest seq (those events predate the
audit log, migration 0005). A later ``DELETE FROM audit_log`` leaves it as it
is, so the events left without rows show.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_state = sa.table(
    "server_state",
    sa.column("id", sa.Integer),
    sa.column("last_seq", sa.BigInteger),
    sa.column("audit_from_seq", sa.BigInteger),
)
_audit = sa.table("audit_log", sa.column("seq", sa.BigInteger), sa.column("action", sa.String))


def upgrade() -> None:
    with op.batch_alter_table("server_state") as batch:
        batch.add_column(sa.Column("audit_from_seq", sa.BigInteger, nullable=True))
    conn = op.get_bind()
    first_audited = conn.execute(
        sa.select(sa.func.min(_audit.c.seq)).where(_audit.c.action == "event.accepted")
    ).scalar_one_or_none()
    if first_audited is not None:
        start = int(first_audited) - 1
    else:
        start = int(conn.execute(sa.select(_state.c.last_seq).where(_state.c.id == 1)).scalar_one())
    conn.execute(sa.update(_state).where(_state.c.id == 1).values(audit_from_seq=start))


def downgrade() -> None:
    with op.batch_alter_table("server_state") as batch:
        batch.drop_column("audit_from_seq")
