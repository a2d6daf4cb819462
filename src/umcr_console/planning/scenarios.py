"""Division sets, their service areas, and the "pilot's per-division rate" scenario.

Where each number comes from is said next to it; docs/planning.md repeats
them in one table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from ..config import load_deployment
from ..domain.config import Deployment, ServiceArea
from ..domain.marks import QT_TR_NOOP, tr
from ..simulator.profile import CallProfile, load_profile
from .model import HOURS_PER_WEEK, AreaDemand, ServiceProfile

# domain.md: more than 6,700 calls in the pilot's first year, about 18 a day
# over its six divisions (the simulator's calibrated rate).
PILOT_CALLS_PER_DAY = 18.0
# domain.md: under 4% of calls are redirected to LAPD at intake; follow-up
# visits (5% of calls, an assumption of the simulator) are never redirected.
# The rest need a team.
TEAM_SHARE = 1.0 - 0.04 * (1.0 - 0.05)

# The simulator's calibration (docs/simulator.md), measured on a simulated
# pilot year by ``simcheck.measured_service`` and checked against it in
# tests/planning/test_simcheck.py: a call the division's own team takes keeps
# it 66.7 min (turnout and travel 27.6, on scene about 25 with transports,
# documentation about 20; calls found on patrol have no drive), cv 0.48. A
# team of another division drives 8 min more. 18.5% of the calls that reach a
# team were found on patrol (response 0 in the program's figures).
CALIBRATED_SERVICE = ServiceProfile(
    mean_min=66.7,
    cv=0.48,
    travel_min=27.6,
    travel_cv=0.45,
    processing_min=2.5,
    cross_division_extra_min=8.0,
    zero_response_share=0.185,
)

# Assumption, stated in docs/planning.md: dollars per team on duty per hour,
# all costs in (two crisis workers, vehicle, provider dispatch and overhead).
# The city extended the pilot's three contracts (six teams, around the clock,
# six divisions) through 31 August 2025 for "nearly $11.3 million" (City
# Council vote reported by MyNewsLA, September 2024). Read as one year of six
# teams: $11.3M / (6 x 8,760 h) = $215 per team-hour. If the sum also covers
# the months since the March 2024 start, the hourly cost is lower (about $143
# over 18 months): the planner lets the supervisor change it.
DEFAULT_COST_PER_TEAM_HOUR = 215.0
# domain.md: citywide (all 21 divisions) by 2028, estimated at about $40M a year.
CITY_ESTIMATE_PER_YEAR = 40_000_000.0

# Assumption: the city has not published which three divisions follow the
# pilot's six. Taken here: one per pilot service area, each bordering a pilot
# division, with the most crisis calls in the LAPD sample among the divisions
# not served (Topanga 30, next to Devonshire and West Valley; Hollywood 31,
# next to Wilshire, Olympic and West L.A.; 77th Street 30, next to Southeast).
# Pacific (31) ties with Hollywood but borders one pilot division only.
NEXT_THREE = ("Topanga", "Hollywood", "77th Street")


@dataclass(frozen=True)
class DivisionSet:
    key: str
    # English, marked for the catalogue; ``title()`` is what the planner shows.
    label: str
    divisions: tuple[str, ...]

    def title(self) -> str:
        """The label in the console's language, with the number of divisions."""
        return tr(self.label).format(count=len(self.divisions))


@cache
def _pilot() -> Deployment:
    return load_deployment("pilot")


@cache
def _citywide() -> Deployment:
    return load_deployment("citywide")


def division_sets() -> tuple[DivisionSet, ...]:
    pilot = _pilot().divisions
    return (
        DivisionSet("pilot", QT_TR_NOOP("Pilot ({count} divisions)"), pilot),
        DivisionSet("nine", QT_TR_NOOP("Funded nine (assumed: pilot + 3)"), pilot + NEXT_THREE),
        DivisionSet("citywide", QT_TR_NOOP("Citywide ({count})"), _citywide().divisions),
    )


def division_set(key: str) -> DivisionSet:
    return next(s for s in division_sets() if s.key == key)


def all_divisions() -> tuple[str, ...]:
    return _citywide().divisions


def service_areas(divisions: Iterable[str]) -> tuple[ServiceArea, ...]:
    """The chosen divisions grouped as the citywide deployment groups them.

    Its four areas are LAPD's geographic bureaus (Valley, West, Central,
    South); the pilot's three areas are the same bureaus restricted to its
    divisions, so the pilot comes out as it is configured.
    """
    chosen = set(divisions)
    unknown = chosen - set(all_divisions())
    if unknown:
        raise ValueError(f"not LAPD divisions: {sorted(unknown)}")
    areas = []
    for area in _citywide().service_areas:
        inside = tuple(d for d in area.divisions if d in chosen)
        if inside:
            areas.append(ServiceArea(name=area.name, divisions=inside))
    return tuple(areas)


def scenario_rates(
    divisions: Iterable[str],
    *,
    pilot_calls_per_day: float = PILOT_CALLS_PER_DAY,
    profile: CallProfile | None = None,
) -> dict[str, tuple[float, ...]]:
    """Calls needing a team per division and local hour of week, at the pilot's rate.

    Each division gets the pilot's calls per LAPD-sample call: a division
    with as many crisis calls in the LAPD sample as the average pilot
    division gets 18/6 = 3 a day (Northeast, with 13, about 1.5; Hollywood,
    with 31, about 3.6). Hours follow the sample's smoothed hour-of-day curve,
    the same every day, as in the simulator.
    """
    profile = profile or load_profile()
    pilot = _pilot().divisions
    per_sample_call = pilot_calls_per_day / sum(profile.calls_by_division[d] for d in pilot)
    hours = profile.hour_weights
    rates = {}
    for d in divisions:
        daily = per_sample_call * profile.calls_by_division[d] * TEAM_SHARE
        rates[d] = tuple(daily * hours[h % 24] for h in range(HOURS_PER_WEEK))
    return rates


def demand(
    areas: Sequence[ServiceArea],
    rates: Mapping[str, Sequence[float]],
    service: ServiceProfile | Mapping[str, ServiceProfile],
) -> tuple[AreaDemand, ...]:
    """One ``AreaDemand`` per area: its divisions' rates added hour by hour."""
    found = []
    for area in areas:
        profile = service if isinstance(service, ServiceProfile) else service[area.name]
        total = tuple(
            sum(rates[d][h] for d in area.divisions if d in rates) for h in range(HOURS_PER_WEEK)
        )
        found.append(AreaDemand(area.name, area.divisions, total, profile))
    return tuple(found)


def pilot_rate_scenario(
    divisions: Iterable[str],
    *,
    pilot_calls_per_day: float = PILOT_CALLS_PER_DAY,
    service: ServiceProfile = CALIBRATED_SERVICE,
) -> tuple[AreaDemand, ...]:
    """The chosen divisions at the pilot's per-division rate, with the calibrated service."""
    divisions = tuple(divisions)
    rates = scenario_rates(divisions, pilot_calls_per_day=pilot_calls_per_day)
    return demand(service_areas(divisions), rates, service)
