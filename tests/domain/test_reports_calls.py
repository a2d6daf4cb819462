"""reports.report_calls (what the server computes from its summary rows) = reports.report.

And both equal a plain transcription of the definitions, so computing each
call's facts once and grouping them changed no figure.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from statistics import fmean, median

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from umcr_console.domain.config import Costs
from umcr_console.domain.enums import CallType, Disposition, IncidentState, Priority, Source
from umcr_console.domain.model import FollowUp, Incident, IncidentTimes, Location
from umcr_console.domain.reports import (
    Call,
    Figures,
    call_figures,
    figures,
    report,
    report_calls,
)

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow

T0 = datetime(2025, 3, 1, tzinfo=UTC)
NOT_HANDLED = {Disposition.CANCELLED, Disposition.DUPLICATE}
REDIRECTED = {Disposition.REDIRECTED_LAPD, Disposition.REDIRECTED_LAFD}
PROVIDERS = ("Exodus Recovery", "Alcott Center", "Penny Lane Centers")


@st.composite
def incidents(draw: st.DrawFn, number: int) -> Incident:
    received = T0 + timedelta(minutes=draw(st.integers(0, 60 * 24 * 20)))
    disposition = draw(st.none() | st.sampled_from(Disposition))
    on_scene = draw(st.none() | st.integers(0, 300))
    closed = draw(st.none() | st.integers(0, 600)) if disposition else None
    on_scene_at = None if on_scene is None else received + timedelta(minutes=on_scene)
    closed_at = None
    if closed is not None:
        closed_at = (on_scene_at or received) + timedelta(minutes=closed, seconds=7)
    follow_up = None
    if draw(st.booleans()):
        done = draw(st.booleans())
        follow_up = FollowUp(
            due_from=received + timedelta(days=1),
            due_by=received + timedelta(days=3),
            scheduled_at=received,
            done_at=received + timedelta(days=2) if done else None,
        )
    return Incident(
        id=f"i{number}",
        number=f"U{number:06d}",
        version=1,
        state=IncidentState.CLOSED if closed_at else draw(st.sampled_from(IncidentState)),
        received_at=received,
        priority=Priority.HIGH,
        call_type=draw(st.sampled_from(CallType)),
        source=Source.LAPD_911,
        location=Location(division=draw(st.none() | st.sampled_from(("Wilshire", "Harbor")))),
        times=IncidentTimes(on_scene_at=on_scene_at, closed_at=closed_at),
        disposition=disposition,
        follow_up=follow_up,
    )


@st.composite
def floors(draw: st.DrawFn) -> tuple[list[Incident], dict[str, tuple[str, ...]]]:
    count = draw(st.integers(0, 40))
    found = [draw(incidents(n)) for n in range(count)]
    providers = {
        i.id: tuple(draw(st.lists(st.sampled_from(PROVIDERS), max_size=2, unique=True)))
        for i in found
    }
    return found, providers


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * 0.9
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def reference(items: list[Incident], costs: Costs) -> dict[str, object]:
    """The definitions at the top of domain/reports.py, written out plainly."""
    handled = [i for i in items if i.disposition not in NOT_HANDLED]
    reached = [i for i in handled if i.times.on_scene_at is not None]
    response = [(i.times.on_scene_at - i.received_at).total_seconds() / 60 for i in reached]  # type: ignore[operator]
    on_scene = [
        (i.times.closed_at - i.times.on_scene_at).total_seconds() / 60  # type: ignore[operator]
        for i in reached
        if i.times.closed_at is not None
    ]

    def stats(values: list[float]) -> tuple[object, ...]:
        if not values:
            return (0, None, None, None)
        return (len(values), fmean(values), median(values), _p90(values))

    return {
        "calls": len(items),
        "handled": len(handled),
        "redirected": sum(1 for i in handled if i.disposition in REDIRECTED),
        "open_now": sum(1 for i in items if i.is_open),
        "response": stats(response),
        "on_scene": stats(on_scene),
        "dispositions": dict(
            sorted(Counter(i.disposition.value for i in items if i.disposition).items())
        ),
        "interventions": len(reached),
        "cost_unarmed": len(reached) * costs.unarmed_per_intervention,
        "cost_police": len(reached) * costs.police_per_intervention,
        "follow_ups_scheduled": sum(1 for i in items if i.follow_up is not None),
        "follow_ups_done": sum(
            1 for i in items if i.follow_up is not None and i.follow_up.done_at is not None
        ),
    }


def as_reference(f: Figures) -> dict[str, object]:
    data: dict[str, object] = {field.name: getattr(f, field.name) for field in fields(f)}
    for name in ("response", "on_scene"):
        d = getattr(f, name)
        data[name] = (d.count, d.mean_min, d.median_min, d.p90_min)
    return data


@settings(max_examples=150, deadline=None)
@given(floor=floors(), start_day=st.integers(0, 10), days=st.integers(1, 15))
def test_report_calls_equals_report_and_the_plain_definitions(
    floor: tuple[list[Incident], dict[str, tuple[str, ...]]], start_day: int, days: int
) -> None:
    items, providers = floor
    costs = Costs(unarmed_per_intervention=35, police_per_intervention=85)
    start, end = T0 + timedelta(days=start_day), T0 + timedelta(days=start_day + days)
    by_incident = report(items, start, end, provider_of=lambda i: providers[i.id], costs=costs)
    by_call = report_calls(
        [Call.of(i) for i in items], start, end, provider_of=lambda c: providers[c.id], costs=costs
    )
    assert by_call == by_incident

    chosen = [i for i in items if start <= i.received_at < end]
    assert as_reference(by_incident.total) == reference(chosen, costs)
    for division, got in by_incident.by_division.items():
        group = [i for i in chosen if (i.location.division or "unknown") == division]
        assert as_reference(got) == reference(group, costs)
    for provider, got in by_incident.by_provider.items():
        group = [i for i in chosen if provider in providers[i.id]]
        assert as_reference(got) == reference(group, costs)
    assert set(by_incident.by_call_type) == {i.call_type.value for i in chosen}
    assert figures(chosen, costs) == call_figures([Call.of(i) for i in chosen], costs)
