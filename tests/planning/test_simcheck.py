"""The queueing model against the real simulator (pure path), same inputs.

Each scenario runs the simulator's engine on an in-memory floor judged by
the shared rules (``planning.simcheck``; four simulated runs, about 2,300
days of calls in all, some 15 s). The model gets the simulator's arrival
rates (its parameters and call profile), the service time the run showed
(mean, coefficient of variation; the model adds the cross-division drives
itself) and the team counts, and must predict what the run measured.

Tolerances (docs/planning.md), set from six seeds per scenario: the model
minus the simulator stayed within about half of each.

| figure | per area | all areas |
| --- | --- | --- |
| P(wait) | 0.04 | 0.02 |
| mean wait (both capped at 2 h, as the simulator gives calls up) | 25% + 0.5 min | 15% + 0.3 min |
| utilisation | 0.03 | 0.01 |
| mean response (program definition, the wait capped too) | 3.0 min | 1.0 min |
"""

from __future__ import annotations

import statistics

import pytest

from umcr_console.planning import history, scenarios, simcheck
from umcr_console.planning.simcheck import Row, Run

PER_AREA = {
    "p_wait": (0.04, 0.0),
    "mean_wait_min": (0.5, 0.25),
    "utilisation": (0.03, 0.0),
    "mean_response_min": (3.0, 0.0),
}
POOLED = {
    "p_wait": (0.02, 0.0),
    "mean_wait_min": (0.3, 0.15),
    "utilisation": (0.01, 0.0),
    "mean_response_min": (1.0, 0.0),
}


def within(row: Row, tolerances: dict[str, tuple[float, float]]) -> list[str]:
    """The figures outside ``absolute + relative x simulated``, for the message."""
    misses = []
    for figure, (absolute, relative) in tolerances.items():
        predicted, simulated = row.predicted[figure], row.simulated[figure]
        if abs(predicted - simulated) > absolute + relative * abs(simulated):
            misses.append(f"{row.area} {figure}: model {predicted:.3f}, simulator {simulated:.3f}")
    return misses


@pytest.fixture(scope="module")
def runs() -> dict[str, Run]:
    return {s.name: simcheck.simulate(s) for s in simcheck.standard_scenarios()}


def scenario_names() -> list[str]:
    return [s.name for s in simcheck.standard_scenarios()[:3]]


@pytest.mark.parametrize("name", scenario_names())
@pytest.mark.slow
def test_model_and_simulator_agree(runs: dict[str, Run], name: str) -> None:
    rows = simcheck.compare(runs[name])
    misses = []
    for row in rows:
        misses += within(row, POOLED if row.area == "all" else PER_AREA)
        assert row.calls > 2000 or row.area != "all"
    assert not misses, misses
    # Enough waiting to be a test of the queue, not of an empty floor.
    assert max(r.simulated["p_wait"] for r in rows) > 0.15


def test_the_scenarios_cover_light_and_busy_floors(runs: dict[str, Run]) -> None:
    pilot, west, city, _ = (simcheck.compare(r)[-1] for r in runs.values())
    assert pilot.simulated["utilisation"] < 0.2
    assert west.simulated["utilisation"] > 0.35 and west.simulated["p_wait"] > 0.15
    assert city.teams == 10 and city.calls > 10_000


def test_an_overloaded_single_team_is_overstated_not_understated(runs: dict[str, Run]) -> None:
    """Where the simulator gives many calls up after 2 h (a lone team at twice
    the Southeast's calls), the model, which keeps them queued, errs high."""
    run = runs["Southeast, 1 team, 2x calls"]
    (row,) = simcheck.compare(run)
    assert row.abandoned / row.calls > 0.02
    for figure in ("p_wait", "mean_wait_min", "mean_response_min"):
        assert row.predicted[figure] >= row.simulated[figure], figure
    assert row.predicted["mean_wait_uncapped_min"] > row.predicted["mean_wait_min"]


def test_exponential_service_would_overstate_the_waits(runs: dict[str, Run]) -> None:
    """The service time's cv is about 0.45, not 1: plain M/M/c (Erlang C with
    exponential service) overstates the wait by about 60% and fails the check
    where waits are long enough to tell; Allen-Cunneen's (1 + cs^2)/2 passes."""
    city = "citywide at the pilot rate, 10 teams"
    shaped, plain = (
        simcheck.compare(runs[city])[-1],
        simcheck.compare(runs[city], exponential=True)[-1],
    )
    assert not within(shaped, POOLED)
    assert [m for m in within(plain, POOLED) if "mean_wait_min" in m]
    for name in (city, "West area, 3 teams, 2.5x calls"):
        shaped = simcheck.compare(runs[name])[-1]
        plain = simcheck.compare(runs[name], exponential=True)[-1]
        uncapped = "mean_wait_uncapped_min"
        assert plain.predicted[uncapped] > 1.5 * shaped.predicted[uncapped]
        sim = shaped.simulated["mean_wait_min"]
        error_plain = abs(plain.predicted["mean_wait_min"] - sim)
        assert error_plain > 2 * abs(shaped.predicted["mean_wait_min"] - sim), name
        # The probability of waiting is Erlang C either way (the lag shifts a little).
        assert plain.predicted["p_wait"] == pytest.approx(shaped.predicted["p_wait"], abs=0.01)


def test_the_lagged_load_is_no_worse_than_hour_by_hour(runs: dict[str, Run]) -> None:
    for run in list(runs.values())[:3]:
        lagged, plain = simcheck.compare(run)[-1], simcheck.compare(run, lag=False)[-1]
        error = abs(lagged.predicted["mean_wait_min"] - lagged.simulated["mean_wait_min"])
        assert (
            error <= abs(plain.predicted["mean_wait_min"] - plain.simulated["mean_wait_min"]) + 0.05
        )


def test_calibrated_service_is_what_the_simulated_pilot_shows(runs: dict[str, Run]) -> None:
    run = runs["pilot as is"]
    measured = simcheck.measured_service(simcheck.pooled_measure(run), run.params)
    expected = scenarios.CALIBRATED_SERVICE
    assert measured.mean_min == pytest.approx(expected.mean_min, abs=1.5)
    assert measured.cv == pytest.approx(expected.cv, abs=0.04)
    assert measured.travel_min == pytest.approx(expected.travel_min, abs=1.0)
    assert measured.processing_min == pytest.approx(expected.processing_min, abs=0.1)
    assert measured.zero_response_share == pytest.approx(expected.zero_response_share, abs=0.03)


def test_history_recovers_the_simulators_inputs(runs: dict[str, Run]) -> None:
    """From the simulated year's incidents alone, as the planner reads the console's."""
    run = runs["pilot as is"]
    found = history.from_incidents(
        run.incidents, run.start, run.end, fallback=scenarios.CALIBRATED_SERVICE
    )
    assert not found.from_fallback and not found.pooled_days
    truth = simcheck.simulator_rates(run.scenario.deployment, run.params, run.profile)
    for division, rates in truth.items():
        assert sum(found.rates[division]) == pytest.approx(sum(rates), rel=0.08), division
    assert sum(sum(r) for r in found.rates.values()) / 7 == pytest.approx(
        18 * scenarios.TEAM_SHARE, rel=0.04
    )
    measured = simcheck.measured_service(simcheck.pooled_measure(run), run.params)
    own = found.own_division(
        run.scenario.deployment.service_areas, {"Valley": 2, "West": 3, "South": 1}
    )
    assert own.mean_min == pytest.approx(measured.mean_min, abs=2.0)
    assert own.travel_min == pytest.approx(measured.travel_min, abs=1.0)
    assert found.service.processing_min == pytest.approx(2.5, abs=0.3)
    assert found.service.zero_response_share == pytest.approx(
        measured.zero_response_share, abs=0.01
    )
    # The evening peak of the profile shows in the estimated hours.
    evening = statistics.fmean(sum(r[h] for r in found.rates.values()) for h in range(18, 22))
    night = statistics.fmean(sum(r[h] for r in found.rates.values()) for h in range(2, 6))
    assert evening > 1.8 * night
