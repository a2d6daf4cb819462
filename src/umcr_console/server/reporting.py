"""Program reports from the database, computed by the one reports module (domain.reports).

The server does not compute figures itself: it reads the incidents of the
period from ``incident_summary`` (narrow rows, indexed by ``received_at``,
no personal data) and the providers of each from ``incident_providers``, and
hands them to ``domain.reports.report``, as the wall and the report window do
with their local state. So every screen and every export agree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ..domain.config import Costs
from ..domain.enums import Agency, CallType, Disposition, IncidentState, Priority, Source
from ..domain.model import Incident, IncidentTimes, Location
from ..domain.reports import Report, report
from .db import incident_providers, incident_summary, last_seq, read_transaction


@dataclass(frozen=True)
class PeriodIncidents:
    seq: int
    incidents: list[Incident]
    providers: dict[str, tuple[str, ...]]


def _incident(row: Any) -> Incident:
    """An incident without personal data, from its summary row.

    ``model_construct`` skips validation on purpose: the row was written from
    a validated ``Incident`` (eventlog), and validating a year of incidents
    again would take most of a report's time budget. The enums are rebuilt,
    so the reports module sees the same types as everywhere else.
    """
    return Incident.model_construct(
        id=row.incident_id,
        number=row.number,
        version=row.version,
        state=IncidentState(row.state),
        received_at=row.received_at,
        priority=Priority(row.priority),
        call_type=CallType(row.call_type),
        source=Source(row.source),
        location=Location.model_construct(division=row.division),
        disposition=None if row.disposition is None else Disposition(row.disposition),
        redirected_to=None if row.redirected_to is None else Agency(row.redirected_to),
        times=IncidentTimes.model_construct(
            dispatched_at=row.dispatched_at,
            en_route_at=row.en_route_at,
            on_scene_at=row.on_scene_at,
            closed_at=row.closed_at,
        ),
    )


def period_queries(start: datetime, end: datetime) -> tuple[sa.Select[Any], sa.Select[Any]]:
    """The summary rows of incidents received in [start, end), and their providers.

    Both are range scans of ix_incident_summary_received_at.
    """
    in_period = sa.and_(
        incident_summary.c.received_at >= start, incident_summary.c.received_at < end
    )
    return (
        sa.select(incident_summary).where(in_period),
        sa.select(incident_providers.c.incident_id, incident_providers.c.provider)
        .join(
            incident_summary,
            incident_summary.c.incident_id == incident_providers.c.incident_id,
        )
        .where(in_period),
    )


def read_period(engine: Engine, start: datetime, end: datetime) -> PeriodIncidents:
    """The incidents received in [start, end) and their providers, as of one seq."""
    incidents_query, providers_query = period_queries(start, end)
    with read_transaction(engine) as conn:
        seq = last_seq(conn)
        rows = conn.execute(incidents_query).all()
        pairs = conn.execute(providers_query).all()
    providers: defaultdict[str, list[str]] = defaultdict(list)
    for incident_id, provider in pairs:
        providers[incident_id].append(provider)
    return PeriodIncidents(
        seq=seq,
        incidents=[_incident(r) for r in rows],
        providers={k: tuple(sorted(v)) for k, v in providers.items()},
    )


def program_report(
    engine: Engine, start: datetime, end: datetime, costs: Costs
) -> tuple[int, Report]:
    """The report of [start, end) and the seq it is as of."""
    data = read_period(engine, start, end)
    return data.seq, report(
        data.incidents,
        start,
        end,
        provider_of=lambda i: data.providers.get(i.id, ()),
        costs=costs,
    )
