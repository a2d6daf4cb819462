"""The staffing model: hours, shifts, lagged loads, response percentiles, the inverse, cost."""

from __future__ import annotations

import math

import numpy as np
import pytest

from umcr_console.planning import scenarios
from umcr_console.planning.erlang import mgc
from umcr_console.planning.model import (
    HOURS_PER_WEEK,
    ONE_DAY,
    THREE_EIGHTS,
    TWO_TWELVES,
    AreaDemand,
    AreaModel,
    ServiceProfile,
    Shifts,
    Target,
    cross_division_share,
    curve,
    evaluate,
    lag_weights,
    solve,
)

SERVICE = ServiceProfile(
    mean_min=70.0,
    cv=0.5,
    travel_min=25.0,
    travel_cv=0.45,
    processing_min=2.5,
    cross_division_extra_min=8.0,
    zero_response_share=0.2,
)


def flat(
    name: str,
    per_hour: float,
    divisions: tuple[str, ...] = ("A",),
    service: ServiceProfile = SERVICE,
) -> AreaDemand:
    return AreaDemand(name, divisions, (per_hour,) * HOURS_PER_WEEK, service)


def test_shifts() -> None:
    assert [THREE_EIGHTS.of_hour(h) for h in (0, 6, 7, 14, 15, 22, 23)] == [2, 2, 0, 0, 1, 1, 2]
    assert [THREE_EIGHTS.hours(s) for s in range(3)] == [8, 8, 8]
    assert THREE_EIGHTS.label(2) == "23:00–07:00"
    assert TWO_TWELVES.hours(1) == 12 and ONE_DAY.hours(0) == 24
    assert Shifts.parse("8, 20") == Shifts((8, 20))
    assert sum(len(THREE_EIGHTS.hours_of_week(s)) for s in range(3)) == HOURS_PER_WEEK
    for bad in ((), (25,), (15, 7), (7, 7)):
        with pytest.raises(ValueError):
            Shifts(bad)


def test_lag_weights_carry_the_mean_service_time() -> None:
    weights = lag_weights(70.0, 0.5)
    assert sum(weights) == pytest.approx(70 / 60)
    # Most of a call's load falls in its own hour and the next.
    assert weights[0] + weights[1] > 0.8 * sum(weights)
    # Deterministic 30 min calls arriving evenly in an hour: a call at t (hours)
    # is busy min(0.5, 1 - t) within its hour, 0.375 on average; 0.125 spills over.
    fixed = lag_weights(30.0, 0.0)
    assert fixed[0] == pytest.approx(0.375, abs=2e-3)
    assert fixed[1] == pytest.approx(0.125, abs=2e-3)
    assert sum(fixed[2:]) == pytest.approx(0.0, abs=1e-9)


def test_lagged_load_of_a_flat_week_is_flat() -> None:
    area = flat("A", 0.5)
    assert area.loads(lag=True) == pytest.approx(area.loads(lag=False))
    assert area.loads(lag=False)[0] == pytest.approx(0.5 * 70 / 60)


def test_lagged_load_follows_the_calls_later() -> None:
    rates = [0.0] * HOURS_PER_WEEK
    rates[10] = 3.0  # a burst of calls at 10:00 on Monday
    area = AreaDemand("A", ("A",), tuple(rates), SERVICE)
    lagged = area.loads(lag=True)
    assert lagged[11] > 0  # teams still busy the hour after
    assert lagged[9] == 0
    assert sum(lagged) == pytest.approx(3.0 * 70 / 60)


def test_a_flat_single_division_area_is_one_queue() -> None:
    area = flat("A", 1.2)
    result = AreaModel(area, ONE_DAY).evaluate(0, 3)
    q = mgc(3, 1.2 * 70 / 60, 70.0, 0.5)
    assert result.p_wait == pytest.approx(q.p_wait)
    assert result.mean_wait_min == pytest.approx(q.mean_wait)
    assert result.utilisation == pytest.approx(1.2 * 70 / 60 / 3)
    assert result.p90_wait_min == pytest.approx(q.wait_quantile(0.9), abs=1e-6)
    assert result.mean_response_dispatched_min == pytest.approx(2.5 + q.mean_wait + 25.0)
    assert result.mean_response_min == pytest.approx(0.8 * (2.5 + q.mean_wait + 25.0))
    assert result.cross_division_share == 0.0
    assert result.calls_per_week == pytest.approx(1.2 * HOURS_PER_WEEK)


def test_response_percentile_against_monte_carlo() -> None:
    area = flat("A", 1.6)
    result = AreaModel(area, ONE_DAY).evaluate(0, 3)
    q = mgc(3, 1.6 * 70 / 60, 70.0, 0.5)
    rng = np.random.default_rng(7)
    n = 400_000
    sigma = math.sqrt(math.log1p(0.45**2))
    travel = rng.lognormal(math.log(25.0) - sigma**2 / 2, sigma, n)
    waits = np.where(rng.random(n) < q.p_wait, rng.exponential(q.mean_wait / q.p_wait, n), 0.0)
    response = np.where(rng.random(n) < 0.2, 0.0, 2.5 + waits + travel)
    assert result.p90_response_min == pytest.approx(float(np.quantile(response, 0.9)), abs=0.4)


def test_cross_division_share() -> None:
    assert cross_division_share(2, 1, 0.3) == 0.0  # one division: always its own team
    assert cross_division_share(0, 3, 0.0) == 1.0
    assert cross_division_share(3, 3, 0.0) == 0.0
    assert cross_division_share(1, 4, 0.0) == pytest.approx(0.75)
    # Fewer teams or busier teams: more calls answered from elsewhere.
    assert cross_division_share(2, 4, 0.2) > cross_division_share(3, 4, 0.2)
    assert cross_division_share(4, 4, 0.4) > cross_division_share(4, 4, 0.2)


def test_fewer_teams_than_divisions_drive_further() -> None:
    area = flat("A", 0.8, divisions=("A", "B", "C", "D"))
    two = AreaModel(area, ONE_DAY).evaluate(0, 2)
    four = AreaModel(area, ONE_DAY).evaluate(0, 4)
    assert two.service_min > four.service_min > SERVICE.mean_min
    assert two.mean_response_dispatched_min - two.mean_wait_min > (
        four.mean_response_dispatched_min - four.mean_wait_min
    )


def test_unstable_hours_are_explicit() -> None:
    rates = [0.5] * HOURS_PER_WEEK
    for h in range(17, 20):
        rates[h] = 3.0  # three busy Monday evening hours: 3.5 erlangs
    area = AreaDemand("A", ("A",), tuple(rates), SERVICE)
    result = AreaModel(area, ONE_DAY, lag=False).evaluate(0, 3)
    assert result.unstable_hours == 3
    assert not result.stable
    assert result.p_wait == 1.0 and result.mean_wait_min == math.inf
    assert result.mean_response_min == math.inf
    assert not Target(mean_response_min=None).met_by(result)
    assert AreaModel(area, ONE_DAY, lag=False).evaluate(0, 4).stable


def test_targets() -> None:
    result = AreaModel(flat("A", 1.0), ONE_DAY).evaluate(0, 2)
    assert Target(mean_response_min=result.mean_response_min + 0.1).met_by(result)
    assert not Target(mean_response_min=result.mean_response_min - 0.1).met_by(result)
    assert not Target(mean_response_min=None, p_wait_max=result.p_wait - 0.01).met_by(result)
    assert not Target(mean_response_min=None, p90_response_min=result.p90_response_min - 1).met_by(
        result
    )
    assert Target(mean_response_min=None).met_by(result)
    assert "mean response ≤ 30 min" in Target().describe()
    empty = AreaModel(flat("A", 0.0), ONE_DAY).evaluate(0, 0)
    assert Target(mean_response_min=1.0).met_by(empty)  # no calls: nothing to miss


TARGETS = [
    Target(mean_response_min=30.0),
    Target(mean_response_min=None, p_wait_max=0.05),
    Target(mean_response_min=30.0, p90_response_min=55.0),
    Target(mean_response_min=29.0, p_wait_max=0.1),
]


@pytest.mark.parametrize("key", ["pilot", "nine", "citywide"])
@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.describe())
def test_the_inverse_is_minimal(key: str, target: Target) -> None:
    """One team fewer in any area and shift misses the target (or breaks the 24/7 floor)."""
    areas = scenarios.pilot_rate_scenario(scenarios.division_set(key).divisions)
    plan = solve(areas, THREE_EIGHTS, target, cost_per_team_hour=215.0)
    assert plan.reachable
    teams = plan.teams()
    assert all(cell.reachable and target.met_by(cell.result) for cell in plan.cells)
    fewer_tried = 0
    for area in areas:
        for shift in range(len(THREE_EIGHTS)):
            counts = list(teams[area.name])
            if counts[shift] == 1:
                continue  # at least one team per area around the clock
            counts[shift] -= 1
            # Areas are independent queues: evaluating this one is enough.
            other = evaluate([area], THREE_EIGHTS, {area.name: tuple(counts)}, target=target)
            assert not other.cell(area.name, shift).reachable, (area.name, shift, counts)
            fewer_tried += 1
    assert fewer_tried > 0


def test_the_floor_of_one_team_is_kept_and_can_be_lowered() -> None:
    quiet = [flat("Quiet", 0.02)]
    assert solve(quiet, THREE_EIGHTS, Target(), cost_per_team_hour=1).teams() == {
        "Quiet": (1, 1, 1)
    }
    empty = [flat("Empty", 0.0)]
    assert solve(empty, THREE_EIGHTS, Target(), cost_per_team_hour=1, min_teams=0).teams() == {
        "Empty": (0, 0, 0)
    }


def test_a_target_below_the_travel_time_is_out_of_reach() -> None:
    area = flat("A", 1.0)
    plan = solve([area], ONE_DAY, Target(mean_response_min=15.0), cost_per_team_hour=215.0)
    cell = plan.cell("A", 0)
    assert not plan.reachable and not cell.reachable
    assert "out of reach" in cell.note
    # It still gets a sensible count: near the best response, not the search's ceiling.
    best = AreaModel(area, ONE_DAY).evaluate(0, 60)
    assert cell.result.teams < 10
    assert cell.result.mean_response_min <= best.mean_response_min + 0.5


def test_cost_arithmetic() -> None:
    areas = [flat("A", 0.5), flat("B", 0.5)]
    plan = evaluate(areas, THREE_EIGHTS, {"A": (2, 3, 1), "B": (1, 1, 1)}, cost_per_team_hour=215.0)
    # (2 + 3 + 1 + 1 + 1 + 1) teams x 8 h x 365 days = 26,280 team-hours.
    assert plan.team_hours_per_year == 26_280
    assert plan.cost_per_year == pytest.approx(26_280 * 215.0)
    assert plan.mean_teams_on_duty == pytest.approx(3.0)
    # One team per LAPD division around the clock at the pilot's hourly cost:
    # 21 x 8,760 h x $215 = $39.6M, the size of the city's $40M estimate.
    city = evaluate([flat("City", 1.0)], ONE_DAY, {"City": (21,)}, cost_per_team_hour=215.0)
    assert city.cost_per_year == pytest.approx(39_551_400)


def test_curve_improves_with_teams() -> None:
    area = scenarios.pilot_rate_scenario(scenarios.division_set("citywide").divisions)[0]
    points = curve(area, THREE_EIGHTS, 1, range(1, 9))
    responses = [p.mean_response_min for p in points]
    assert math.isinf(responses[0])  # one team cannot carry the Valley's evening
    finite = [r for r in responses if math.isfinite(r)]
    assert finite == sorted(finite, reverse=True)
    assert finite[-1] > 0.8 * (SERVICE.processing_min + 27.0)  # travel stays


def test_totals_weigh_by_calls() -> None:
    busy, quiet = flat("Busy", 2.0), flat("Quiet", 0.2)
    plan = evaluate([busy, quiet], ONE_DAY, {"Busy": (4,), "Quiet": (1,)})
    cells = {c.result.area: c.result for c in plan.cells}
    expected = (cells["Busy"].p_wait * 2.0 + cells["Quiet"].p_wait * 0.2) / 2.2
    assert plan.totals["p_wait"] == pytest.approx(expected)
    assert plan.totals["calls_per_week"] == pytest.approx(2.2 * HOURS_PER_WEEK)


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        AreaDemand("A", ("A",), (1.0,) * 24, SERVICE)
    with pytest.raises(ValueError):
        AreaDemand("A", ("A",), (-1.0,) * HOURS_PER_WEEK, SERVICE)
    with pytest.raises(ValueError):
        ServiceProfile(mean_min=0, cv=0.5, travel_min=20, travel_cv=0.4, processing_min=2)
    with pytest.raises(ValueError):
        ServiceProfile(
            mean_min=60,
            cv=0.5,
            travel_min=20,
            travel_cv=0.4,
            processing_min=2,
            zero_response_share=1.0,
        )
    with pytest.raises(ValueError):
        evaluate([flat("A", 1.0)], THREE_EIGHTS, {"A": (1, 1)})
