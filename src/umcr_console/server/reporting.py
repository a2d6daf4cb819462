"""Program reports from the database, computed by the one reports module (domain.reports).

The server does not compute figures itself: it reads the calls of the period
from ``incident_summary`` (narrow rows, indexed by ``received_at``, no
personal data) and the providers of each from ``incident_providers``, and
hands them to ``domain.reports.report_calls``, which applies the same
definitions the wall and the report window apply to their incidents. So every
screen and every export agree, and a year of history is never turned into
full incident documents.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ..domain.config import Costs
from ..domain.enums import IncidentState
from ..domain.reports import Call, Report, report_calls
from .db import incident_providers, incident_summary, last_seq, read_transaction

_S = incident_summary.c
_CALL_COLUMNS = (
    _S.incident_id,
    _S.received_at,
    _S.state,
    _S.division,
    _S.call_type,
    _S.disposition,
    _S.on_scene_at,
    _S.closed_at,
    _S.follow_up_scheduled,
    _S.follow_up_done,
)
_CLOSED = IncidentState.CLOSED.value


@dataclass(frozen=True)
class PeriodCalls:
    seq: int
    calls: list[Call]
    providers: dict[str, tuple[str, ...]]


def period_queries(start: datetime, end: datetime) -> tuple[sa.Select[Any], sa.Select[Any]]:
    """The calls received in [start, end), and their providers.

    Both are range scans of ix_incident_summary_received_at.
    """
    in_period = sa.and_(_S.received_at >= start, _S.received_at < end)
    return (
        sa.select(*_CALL_COLUMNS).where(in_period),
        sa.select(incident_providers.c.incident_id, incident_providers.c.provider)
        .join(incident_summary, _S.incident_id == incident_providers.c.incident_id)
        .where(in_period),
    )


def read_period(engine: Engine, start: datetime, end: datetime) -> PeriodCalls:
    """The calls received in [start, end) and their providers, as of one seq."""
    calls_query, providers_query = period_queries(start, end)
    with read_transaction(engine) as conn:
        seq = last_seq(conn)
        # Positional: a year is tens of thousands of rows, and by-name access costs.
        calls = [
            Call(iid, received, state != _CLOSED, division, kind, disposition, scene, closed, f, d)
            for iid, received, state, division, kind, disposition, scene, closed, f, d in (
                conn.execute(calls_query)
            )
        ]
        pairs = conn.execute(providers_query).all()
    providers: defaultdict[str, tuple[str, ...]] = defaultdict(tuple)
    for incident_id, provider in pairs:
        providers[incident_id] += (provider,)
    return PeriodCalls(seq=seq, calls=calls, providers=dict(providers))


def program_report(
    engine: Engine, start: datetime, end: datetime, costs: Costs, *, provider: str | None = None
) -> tuple[int, Report]:
    """The report of [start, end) and the seq it is as of.

    ``provider``: only the calls one of that provider's teams was on (a
    provider's own users, server/scope.py).
    """
    data = read_period(engine, start, end)
    calls = data.calls
    if provider is not None:
        calls = [c for c in calls if provider in data.providers.get(c.id, ())]
    return data.seq, report_calls(
        calls,
        start,
        end,
        provider_of=lambda c: data.providers.get(c.id, ()),
        costs=costs,
    )
