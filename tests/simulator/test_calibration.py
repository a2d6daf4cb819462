"""The simulator's output over a simulated month matches its calibration.

Pure path: the simulator on an in-memory state judged by the shared rules,
measured with the report definitions (domain/reports.py). The tolerances are
those of docs/simulator.md; across 20 seeds the monthly figures spread by
(standard deviation) 0.65 calls/day, 0.9 points of redirect share, 1.0 min of
response and 1.2 min on scene, so each tolerance is 2 to 3 of those.
"""

from __future__ import annotations

import asyncio
import statistics
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from umcr_console.config import load_deployment
from umcr_console.domain.enums import CallType, EventType, IncidentState, Source, TeamStatus
from umcr_console.simulator.calibration import DEFAULT_START, Calibration, calibrate
from umcr_console.simulator.engine import Simulator
from umcr_console.simulator.floor import LocalFloor
from umcr_console.simulator.pacing import InstantPacer
from umcr_console.simulator.params import LogNormal, Parameters
from umcr_console.simulator.places import DivisionPlaces
from umcr_console.simulator.profile import load_profile

from .conftest import MONTH_SEEDS

# Targets (docs/domain.md) and tolerances (docs/simulator.md).
CALLS_PER_DAY, CALLS_TOL = 18.0, 1.5
REDIRECT, REDIRECT_TOL = 0.04, 0.02
RESPONSE_MIN, RESPONSE_TOL = 27.0, 3.0
ON_SCENE_MIN, ON_SCENE_TOL = 25.0, 3.0
# Pearson r of simulated calls per local hour with the LAPD sample's hours.
MIN_R_SMOOTHED, MIN_R_RAW = 0.75, 0.6


def within(value: float, target: float, tolerance: float) -> bool:
    return abs(value - target) <= tolerance


@pytest.mark.parametrize("seed", MONTH_SEEDS)
@pytest.mark.slow
def test_a_month_matches_the_calibration(months: dict[int, Calibration], seed: int) -> None:
    cal = months[seed]
    assert within(cal.calls_per_day, CALLS_PER_DAY, CALLS_TOL), cal.calls_per_day
    assert within(cal.redirect_share, REDIRECT, REDIRECT_TOL), cal.redirect_share
    assert within(cal.response_mean_min, RESPONSE_MIN, RESPONSE_TOL), cal.response_mean_min
    assert within(cal.on_scene_mean_min, ON_SCENE_MIN, ON_SCENE_TOL), cal.on_scene_mean_min


def test_the_months_average_close_to_the_targets(months: dict[int, Calibration]) -> None:
    """Three months together: tighter, so a biased model cannot hide in the tolerance."""
    cals = list(months.values())
    assert within(statistics.fmean(c.calls_per_day for c in cals), CALLS_PER_DAY, 1.0)
    assert within(statistics.fmean(c.response_mean_min for c in cals), RESPONSE_MIN, 1.5)
    assert within(statistics.fmean(c.on_scene_mean_min for c in cals), ON_SCENE_MIN, 1.5)


@pytest.mark.parametrize("seed", MONTH_SEEDS)
def test_hour_of_day_follows_the_lapd_sample(months: dict[int, Calibration], seed: int) -> None:
    profile = load_profile()
    cal = months[seed]
    assert cal.hour_correlation(profile.hour_weights) >= MIN_R_SMOOTHED
    assert cal.hour_correlation(profile.hour_counts) >= MIN_R_RAW
    # And the evening peak is there: 18:00-21:59 busier than 03:00-06:59.
    assert sum(cal.hour_counts[18:22]) > 2 * sum(cal.hour_counts[3:7])


def test_the_pure_floor_never_rejects_and_every_call_ends(months: dict[int, Calibration]) -> None:
    for cal in months.values():
        assert cal.rejections == 0
        assert all(i.state == IncidentState.CLOSED for i in cal.incidents)


def test_every_location_is_inside_its_division(
    months: dict[int, Calibration], places: DivisionPlaces
) -> None:
    cal = months[MONTH_SEEDS[0]]
    served = {
        "Devonshire",
        "West Valley",
        "West Los Angeles",
        "Wilshire",
        "Olympic",
        "Southeast",
    }
    seen = set()
    for incident in cal.incidents:
        loc = incident.location
        assert loc.division in served and loc.lat is not None and loc.lon is not None
        assert places.geography.division_at(loc.lat, loc.lon) == loc.division, incident.id
        seen.add(loc.division)
    assert seen == served


def test_time_on_scene_has_a_long_tail(months: dict[int, Calibration]) -> None:
    """Most calls are short, some take hours (domain.md: nearly three hours with a family)."""
    for cal in months.values():
        stats = cal.figures.on_scene
        assert stats.median_min is not None and stats.mean_min is not None
        assert stats.median_min < stats.mean_min
        minutes = [
            (i.times.closed_at - i.times.on_scene_at).total_seconds() / 60
            for i in cal.incidents
            if i.times.on_scene_at and i.times.closed_at
        ]
        assert max(minutes) > 120


def test_the_call_mix_follows_the_profile_and_star(months: dict[int, Calibration]) -> None:
    incidents = [i for cal in months.values() for i in cal.incidents]
    n = len(incidents)
    types = Counter(i.call_type for i in incidents)
    profile = load_profile()
    lapd_total = sum(profile.call_types.values())
    params = Parameters()
    lapd_share = 1 - params.follow_up_share - params.syringe_share
    for call_type, count in profile.call_types.items():
        expected = count / lapd_total * lapd_share
        assert within(types[call_type] / n, expected, 0.03), call_type
    assert within(types[CallType.FOLLOW_UP_VISIT] / n, params.follow_up_share, 0.02)
    sources = Counter(i.source for i in incidents)
    # Team-initiated needs the division's team free: a little under STAR's 23%.
    assert 0.15 <= sources[Source.TEAM_INITIATED] / n <= 0.23
    # 911 and police requests keep STAR's 42:35 between them.
    calls_in = sources[Source.LAPD_911] + sources[Source.POLICE_REQUEST]
    assert within(sources[Source.LAPD_911] / calls_in, 42 / 77, 0.04)
    priorities = Counter(int(i.priority) for i in incidents)
    assert set(priorities) == {1, 2, 3}


def test_teams_check_in_about_every_15_minutes_on_scene(places: DivisionPlaces) -> None:
    deployment = load_deployment("pilot")
    floor = LocalFloor.with_roster(deployment, DEFAULT_START)
    sim = Simulator(floor, InstantPacer(DEFAULT_START), deployment, places, seed=7)
    asyncio.run(sim.run(until=DEFAULT_START + timedelta(days=5)))
    last_contact: dict[str, datetime] = {}
    gaps = []
    for event in floor.events:
        if event.type == EventType.TEAM_STATUS_CHANGED:
            if event.payload["status"] == TeamStatus.ON_SCENE:
                last_contact[event.entity_id] = event.occurred_at
            else:
                last_contact.pop(event.entity_id, None)
        elif event.type == EventType.TEAM_CHECKED_IN:
            before = last_contact.get(event.entity_id)
            assert before is not None, "a check-in off scene"
            gaps.append((event.occurred_at - before).total_seconds() / 60)
            last_contact[event.entity_id] = event.occurred_at
    assert gaps and min(gaps) >= 12 and max(gaps) <= 18
    assert within(statistics.fmean(gaps), 15, 1)


def test_the_rate_scales_the_calls(places: DivisionPlaces) -> None:
    cal = calibrate(places, days=10, seed=4, params=Parameters().with_rate(54))
    assert within(cal.calls_per_day, 54, 5)
    assert calibrate(places, days=10, seed=4, params=Parameters().with_rate(0)).incidents == []
    with pytest.raises(ValueError):
        Parameters().with_rate(-1)


def test_a_miscalibrated_model_fails_the_check(places: DivisionPlaces) -> None:
    """The tolerances bite: 10 more minutes of travel is out of them."""
    slow = replace(Parameters(), travel=LogNormal(35.7, 0.45, low=4, high=120))
    cal = calibrate(places, days=30, seed=1, params=slow)
    assert not within(cal.response_mean_min, RESPONSE_MIN, RESPONSE_TOL)


def test_same_seed_same_run_other_seed_other_run(places: DivisionPlaces) -> None:
    def trace(seed: int) -> list[tuple[str, str, str]]:
        cal = calibrate(places, days=3, seed=seed)
        return [
            (i.call_type.value, i.received_at.isoformat(), f"{i.location.lat},{i.location.lon}")
            for i in sorted(cal.incidents, key=lambda i: i.received_at)
        ] + [(str(i.disposition), str(i.times.on_scene_at), "") for i in cal.incidents]

    first = trace(11)
    assert first == trace(11)
    assert first != trace(12)
