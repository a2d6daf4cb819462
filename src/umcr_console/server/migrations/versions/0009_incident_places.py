"""Location history: incident_places, one row per incident with its address key and point.

Filled here from every stored incident's JSON document, as the write path
(server/places.py) keeps it from now on (issue 22, docs/locations.md).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from umcr_console.server.db import UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_CHUNK = 1000

_incidents = sa.table(
    "incidents",
    sa.column("id", sa.String),
    sa.column("received_at", UtcDateTime),
    sa.column("data", sa.JSON),
)


def upgrade() -> None:
    places = op.create_table(
        "incident_places",
        sa.Column("incident_id", sa.String(36), primary_key=True),
        sa.Column("received_at", UtcDateTime, nullable=False),
        sa.Column("address_key", sa.String(200), nullable=False, server_default=""),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("lon", sa.Float, nullable=True),
    )
    conn = op.get_bind()
    fill(conn, places)
    op.create_index("ix_incident_places_lat_lon", "incident_places", ["lat", "lon"])
    op.create_index(
        "ix_incident_places_address_key", "incident_places", ["address_key", "received_at"]
    )


def downgrade() -> None:
    op.drop_table("incident_places")


def fill(conn: sa.Connection, places: sa.Table) -> int:
    """A row per stored incident (read streamed, as in 0002); indexes are made after, faster."""
    # Imported here: the key must be the one the write path computes.
    from umcr_console.domain.locations import normalise_address

    result = conn.execute(
        sa.select(_incidents.c.id, _incidents.c.received_at, _incidents.c.data).execution_options(
            yield_per=_CHUNK
        )
    )
    rows = []
    keys: dict[str, str] = {}
    for incident_id, received_at, data in result:
        location = data.get("location") or {}
        address = location.get("address") or ""
        if address not in keys:
            keys[address] = normalise_address(address)
        rows.append(
            {
                "incident_id": incident_id,
                "received_at": received_at,
                "address_key": keys[address],
                "lat": location.get("lat"),
                "lon": location.get("lon"),
            }
        )
    # Written after the read reached its end (as in 0004): small rows, not documents.
    for start in range(0, len(rows), _CHUNK):
        conn.execute(sa.insert(places), rows[start : start + _CHUNK])
    return len(rows)
