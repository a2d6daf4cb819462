"""Division sets, service areas and the pilot-rate scenario."""

from __future__ import annotations

import pytest

from umcr_console import geodata
from umcr_console.config import load_deployment
from umcr_console.planning import scenarios
from umcr_console.planning.model import HOURS_PER_WEEK


def test_the_three_sets() -> None:
    sets = {s.key: s.divisions for s in scenarios.division_sets()}
    pilot = load_deployment("pilot").divisions
    assert sets["pilot"] == pilot
    assert len(sets["nine"]) == 9 and set(pilot) < set(sets["nine"])
    assert set(sets["citywide"]) == set(geodata.geography().names)


@pytest.mark.slow
def test_the_assumed_next_three_border_the_pilot() -> None:
    geography = geodata.geography()
    pilot = set(load_deployment("pilot").divisions)
    areas_of_pilot = {a.name for a in scenarios.service_areas(pilot)}
    for division in scenarios.NEXT_THREE:
        assert geography.neighbours(division) & pilot, division
    # One for each pilot service area.
    assert {a.name for a in scenarios.service_areas(scenarios.NEXT_THREE)} == areas_of_pilot


def test_service_areas_of_the_pilot_are_the_pilots() -> None:
    pilot = load_deployment("pilot")
    found = {a.name: set(a.divisions) for a in scenarios.service_areas(pilot.divisions)}
    assert found == {a.name: set(a.divisions) for a in pilot.service_areas}


def test_service_areas_are_bureaus_restricted() -> None:
    areas = scenarios.service_areas(["Harbor", "Topanga", "Central", "Rampart"])
    assert {a.name: a.divisions for a in areas} == {
        "Valley": ("Topanga",),
        "Central": ("Central", "Rampart"),
        "South": ("Harbor",),
    }
    with pytest.raises(ValueError, match="not LAPD divisions"):
        scenarios.service_areas(["Atlantis"])


def test_pilot_rate() -> None:
    pilot = load_deployment("pilot").divisions
    per_day = sum(sum(r) for r in scenarios.scenario_rates(pilot).values()) / 7
    assert per_day == pytest.approx(18.0 * scenarios.TEAM_SHARE)
    city = scenarios.scenario_rates(scenarios.all_divisions())
    # 21 divisions at the pilot's calls per LAPD-sample call: about 63 calls a day.
    assert sum(sum(r) for r in city.values()) / 7 == pytest.approx(
        63.0 * scenarios.TEAM_SHARE, rel=0.02
    )
    assert sum(city["Hollywood"]) > 2 * sum(city["Northeast"])  # 31 vs 13 sample calls
    monday, tuesday = city["Wilshire"][:24], city["Wilshire"][24:48]
    assert monday == tuesday and max(monday) > 2 * min(monday)


def test_pilot_rate_scenario_demand() -> None:
    areas = scenarios.pilot_rate_scenario(scenarios.division_set("nine").divisions)
    assert [a.name for a in areas] == ["Valley", "West", "South"]
    assert all(len(a.rates_per_hour) == HOURS_PER_WEEK for a in areas)
    assert all(a.service == scenarios.CALIBRATED_SERVICE for a in areas)
    doubled = scenarios.pilot_rate_scenario(("Wilshire",), pilot_calls_per_day=36.0)
    single = scenarios.pilot_rate_scenario(("Wilshire",))
    assert doubled[0].calls_per_week == pytest.approx(2 * single[0].calls_per_week)


def test_default_cost_is_the_pilots_contract_per_team_hour() -> None:
    # $11.3M for six teams around the clock for a year.
    per_team_hour = 11_300_000 / (6 * 8760)
    assert abs(scenarios.DEFAULT_COST_PER_TEAM_HOUR - per_team_hour) < 0.5
