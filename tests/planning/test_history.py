"""Demand and service from incidents: what counts, hours of week, pooling, fallback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from umcr_console.domain.config import ServiceArea
from umcr_console.domain.enums import CallType, Disposition, IncidentState, Priority, Source
from umcr_console.domain.model import Incident, IncidentTimes, Location
from umcr_console.planning import history
from umcr_console.planning.model import HOURS_PER_WEEK, ServiceProfile

FALLBACK = ServiceProfile(
    mean_min=66.7, cv=0.48, travel_min=27.6, travel_cv=0.45, processing_min=2.5
)
# Monday 5 January 2026, 09:00 in Los Angeles (PST, UTC-8; no DST change for weeks).
MONDAY_9 = datetime(2026, 1, 5, 17, 0, tzinfo=UTC)
_numbers = iter(range(1, 1_000_000))


def incident(
    received: datetime,
    *,
    division: str | None = "Wilshire",
    source: Source = Source.LAPD_911,
    disposition: Disposition | None = Disposition.RESOLVED_ON_SCENE,
    dispatch_after: float | None = 3.0,
    travel: float | None = 25.0,
    scene: float = 30.0,
) -> Incident:
    dispatched = (
        received + timedelta(minutes=dispatch_after) if dispatch_after is not None else None
    )
    on_scene = dispatched + timedelta(minutes=travel) if dispatched and travel is not None else None
    end = (on_scene or dispatched or received) + timedelta(minutes=scene)
    n = next(_numbers)
    return Incident(
        id=f"i{n}",
        number=str(n),
        version=1,
        state=IncidentState.CLOSED,
        received_at=received,
        priority=Priority.HIGH,
        call_type=CallType.WELFARE_CHECK,
        source=source,
        location=Location(division=division),
        times=IncidentTimes(dispatched_at=dispatched, on_scene_at=on_scene, closed_at=end),
        disposition=disposition,
    )


def test_hour_of_week_is_local_time() -> None:
    zone = history.local_zone()
    assert history.hour_of_week(MONDAY_9, zone) == 9
    assert history.hour_of_week(MONDAY_9 + timedelta(days=6, hours=14), zone) == HOURS_PER_WEEK - 1


def test_what_needs_a_team() -> None:
    assert history.needs_team(incident(MONDAY_9))
    assert not history.needs_team(incident(MONDAY_9, disposition=Disposition.DUPLICATE))
    redirected = incident(MONDAY_9, disposition=Disposition.REDIRECTED_LAPD, dispatch_after=None)
    assert not history.needs_team(redirected)
    # Redirected after a team went (the team called for backup): it needed the team.
    assert history.needs_team(incident(MONDAY_9, disposition=Disposition.REDIRECTED_LAPD))
    given_up = incident(MONDAY_9, disposition=Disposition.CANCELLED, dispatch_after=None)
    assert history.needs_team(given_up)


def four_weeks() -> list[Incident]:
    """Two calls every Monday 09:xx, one every Friday 20:xx, for four weeks."""
    found = []
    for week in range(4):
        monday = MONDAY_9 + timedelta(weeks=week)
        found += [incident(monday + timedelta(minutes=5)), incident(monday + timedelta(minutes=40))]
        found.append(incident(monday + timedelta(days=4, hours=11, minutes=10), division="Olympic"))
    return found


def test_rates_per_hour_of_week() -> None:
    start = MONDAY_9 - timedelta(hours=9)  # Monday 00:00 local
    found = history.from_incidents(
        four_weeks(), start, start + timedelta(weeks=4), fallback=FALLBACK
    )
    assert not found.pooled_days
    assert found.calls == 12
    assert found.rates["Wilshire"][9] == pytest.approx(2.0)
    assert found.rates["Olympic"][4 * 24 + 20] == pytest.approx(1.0)
    assert sum(found.rates["Wilshire"]) == pytest.approx(2.0)
    assert found.from_fallback  # 12 calls are too few for service times
    assert found.service == FALLBACK


def test_short_history_pools_the_days() -> None:
    start = MONDAY_9 - timedelta(hours=9)
    found = history.from_incidents(
        four_weeks(), start, start + timedelta(days=7), fallback=FALLBACK
    )
    assert found.pooled_days
    # Two calls at 09:xx in one week, spread over the seven 09:00 hours.
    assert found.rates["Wilshire"][9] == pytest.approx(2 / 7)
    assert found.rates["Wilshire"][24 + 9] == pytest.approx(2 / 7)
    assert any("pooled" in note for note in found.notes)


def test_a_partial_hour_counts_in_part() -> None:
    start = MONDAY_9 + timedelta(minutes=30)
    found = history.from_incidents(
        [incident(MONDAY_9 + timedelta(minutes=40))],
        start,
        start + timedelta(weeks=3),
        fallback=FALLBACK,
    )
    # Monday 09:00 is in the period for 0.5 + 1 + 1 + 0.5 hours (it ends at 09:30 too).
    assert found.rates["Wilshire"][9] == pytest.approx(1 / 3)


def test_service_from_enough_calls() -> None:
    start = MONDAY_9
    calls = []
    for i in range(60):
        at = start + timedelta(hours=3 * i)
        if i % 5 == 0:  # found on patrol: on scene at once
            calls.append(
                incident(
                    at, source=Source.TEAM_INITIATED, dispatch_after=0.0, travel=0.0, scene=40.0
                )
            )
        else:
            calls.append(incident(at, travel=20.0 + i % 3 * 5, scene=30.0))
    found = history.from_incidents(
        calls, start, start + timedelta(days=8), fallback=FALLBACK, documentation_min=20.0
    )
    assert not found.from_fallback
    s = found.service
    assert s.travel_min == pytest.approx(25.0, abs=0.3)
    assert s.processing_min == pytest.approx(3.0)
    assert s.zero_response_share == pytest.approx(12 / 60)
    # Dispatched -> closed is travel + scene (found: scene only), plus 20 min documenting.
    expected = (48 * (25.0 + 30.0 + 20.0) + 12 * (40.0 + 20.0)) / 60
    assert s.mean_min == pytest.approx(expected, abs=0.5)
    assert s.cv > 0
    unknown = history.from_incidents(
        [incident(start, division=None)], start, start + timedelta(days=1), fallback=FALLBACK
    )
    assert unknown.rates == {} and any("without a division" in n for n in unknown.notes)


def test_own_division_takes_out_the_expected_cross_drives() -> None:
    service = ServiceProfile(
        mean_min=70,
        cv=0.5,
        travel_min=30,
        travel_cv=0.4,
        processing_min=2.5,
        cross_division_extra_min=8.0,
    )
    found = history.History(
        start=MONDAY_9,
        end=MONDAY_9 + timedelta(weeks=4),
        calls=100,
        rates={"A": (0.1,) * HOURS_PER_WEEK, "B": (0.1,) * HOURS_PER_WEEK},
        service=service,
        service_samples=100,
        from_fallback=False,
        pooled_days=False,
        notes=(),
    )
    areas = [ServiceArea(name="X", divisions=("A", "B"))]
    one = found.own_division(areas, {"X": 1})
    two = found.own_division(areas, {"X": 2})
    assert one.travel_min < two.travel_min < service.travel_min
    assert one.mean_min < service.mean_min


def test_an_empty_period_is_refused() -> None:
    with pytest.raises(ValueError):
        history.from_incidents([], MONDAY_9, MONDAY_9, fallback=FALLBACK)
