"""Follow-ups in the report summary: two columns of incident_summary, filled from the incidents.

The reports count, per group, the calls whose incident carries a follow-up and
those whose follow-up is done (issue 7). Both are read from each stored
incident's JSON document, as the write path (eventlog._summary_row) keeps them.

Revision ID: 0004
Revises: 0003
Create Date: 2025-01-04
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_CHUNK = 1000

# Frozen copies of the tables this revision reads and writes.
_incidents = sa.table("incidents", sa.column("id", sa.String), sa.column("data", sa.JSON))
_summary = sa.table(
    "incident_summary",
    sa.column("incident_id", sa.String),
    sa.column("follow_up_scheduled", sa.Boolean),
    sa.column("follow_up_done", sa.Boolean),
)


def upgrade() -> None:
    with op.batch_alter_table("incident_summary") as batch:
        batch.add_column(
            sa.Column("follow_up_scheduled", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("follow_up_done", sa.Boolean, nullable=False, server_default=sa.false())
        )
    conn = op.get_bind()
    rows = _follow_up_rows(conn)  # read to the end before writing
    update = (
        sa.update(_summary)
        .where(_summary.c.incident_id == sa.bindparam("b_id"))
        .values(
            follow_up_scheduled=sa.bindparam("b_scheduled"),
            follow_up_done=sa.bindparam("b_done"),
        )
    )
    for start in range(0, len(rows), _CHUNK):
        conn.execute(update, rows[start : start + _CHUNK])


def downgrade() -> None:
    with op.batch_alter_table("incident_summary") as batch:
        batch.drop_column("follow_up_done")
        batch.drop_column("follow_up_scheduled")


def _follow_up_rows(conn: sa.Connection) -> list[dict[str, Any]]:
    """The incidents with a follow-up (the others keep the defaults, false and false).

    Streamed (yield_per on the statement, as in 0002): only the few incidents
    with a follow-up are kept, never a year of documents.
    """
    result = conn.execute(
        sa.select(_incidents.c.id, _incidents.c.data).execution_options(yield_per=_CHUNK)
    )
    rows = []
    for incident_id, data in result:
        follow_up = data.get("follow_up")
        if follow_up is not None:
            rows.append(
                {
                    "b_id": incident_id,
                    "b_scheduled": True,
                    "b_done": follow_up.get("done_at") is not None,
                }
            )
    return rows
