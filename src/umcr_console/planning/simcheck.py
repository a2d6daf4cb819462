"""The queueing model against the simulator: same calls, same teams, same clock.

The simulator's pure path (``simulator.calibration``: the real engine on an
in-memory floor judged by the shared rules, time jumping from step to step)
runs a deployment with any teams at any rate. This module runs it while
recording what the model needs and predicts:

- every team's status changes (``RecordingFloor``), hence each busy period
  (dispatched to available again: the service time) and each area's
  utilisation;
- every call as drawn (its intake and screening minutes), hence the moment it
  was ready to dispatch and how long it then waited for a team.

``compare`` feeds the model the simulator's inputs (the arrival rate per
division and local hour from its parameters and call profile, the service
mean and coefficient of variation of the area as it ran, the team counts) and
sets its predictions beside what the run measured: P(wait), mean wait,
utilisation and mean response. ``python -m umcr_console.planning.simcheck``
prints the table of docs/planning.md.
"""

from __future__ import annotations

import asyncio
import math
import random
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from ..config import load_deployment
from ..domain import reports
from ..domain.config import Deployment, ServiceArea, TeamConfig
from ..domain.enums import EventType, Source, TeamStatus
from ..domain.events import Event
from ..domain.model import Incident
from ..domain.state import State
from ..protocol import EventResult
from ..simulator.calibration import DEFAULT_START, DRAIN
from ..simulator.calls import CallPlan
from ..simulator.engine import Simulator
from ..simulator.floor import LocalFloor
from ..simulator.pacing import InstantPacer
from ..simulator.params import Parameters
from ..simulator.places import division_places
from ..simulator.profile import CallProfile, load_profile
from .model import HOURS_PER_WEEK, ONE_DAY, AreaDemand, AreaModel, ServiceProfile

# The share of calls that are seconds apart from their dispatch: same instant.
_SAME_INSTANT = timedelta(milliseconds=1)


class RecordingFloor(LocalFloor):
    """An in-memory floor that notes each team status change and when it happened."""

    def __init__(self, state: State | None = None, *, username: str = "simulator") -> None:
        super().__init__(state, username=username)
        self.status_changes: list[tuple[datetime, str, TeamStatus]] = []
        # The first team sent to each incident (closing detaches it from the incident).
        self.first_team: dict[str, str] = {}

    async def submit(
        self, events: Sequence[Event], *, team_id: str | None = None
    ) -> list[EventResult]:
        results = []
        for event in events:
            touched = self._teams_touched(event)
            before = {t: self.state.teams[t].status for t in touched if t in self.state.teams}
            results.extend(await super().submit([event], team_id=team_id))
            if event.type == EventType.INCIDENT_TEAM_ASSIGNED:
                self.first_team.setdefault(event.entity_id, str(event.payload["team_id"]))
            for t, status in before.items():
                now = self.state.teams[t].status
                if now != status:
                    self.status_changes.append((event.occurred_at, t, now))
        return results

    def _teams_touched(self, event: Event) -> set[str]:
        touched = {event.entity_id}
        team_id = event.payload.get("team_id")
        if team_id:
            touched.add(str(team_id))
        if event.type in (EventType.INCIDENT_CLOSED, EventType.INCIDENT_REDIRECTED):
            incident = self.state.incident(event.entity_id)
            if incident is not None:
                touched.update(incident.team_ids)
        return touched


@dataclass(frozen=True)
class Scenario:
    """A deployment at a rate, simulated for ``days`` after a day of warm-up."""

    name: str
    deployment: Deployment
    calls_per_day: float
    days: float
    seed: int = 1
    warmup_days: float = 1.0


@dataclass
class AreaMeasure:
    """What the simulated period showed for one service area."""

    name: str
    teams: int
    calls: int = 0
    waited: int = 0
    abandoned: int = 0
    wait_total_min: float = 0.0
    busy_min: float = 0.0
    window_min: float = 0.0
    service_min: list[float] = field(default_factory=list)
    own_travel_min: list[float] = field(default_factory=list)
    cross_travel_min: list[float] = field(default_factory=list)
    processing_min: list[float] = field(default_factory=list)
    response_min: list[float] = field(default_factory=list)
    found_on_patrol: int = 0

    @property
    def p_wait(self) -> float:
        return self.waited / self.calls if self.calls else 0.0

    @property
    def mean_wait_min(self) -> float:
        return self.wait_total_min / self.calls if self.calls else 0.0

    @property
    def utilisation(self) -> float:
        return self.busy_min / (self.teams * self.window_min) if self.teams else 0.0

    @property
    def service_mean_min(self) -> float:
        return statistics.fmean(self.service_min)

    @property
    def service_cv(self) -> float:
        return statistics.pstdev(self.service_min) / self.service_mean_min

    @property
    def mean_response_min(self) -> float:
        return statistics.fmean(self.response_min) if self.response_min else math.nan

    @property
    def cross_division_share(self) -> float:
        dispatched = len(self.own_travel_min) + len(self.cross_travel_min)
        return len(self.cross_travel_min) / dispatched if dispatched else 0.0


@dataclass(frozen=True)
class Run:
    scenario: Scenario
    params: Parameters
    profile: CallProfile
    areas: dict[str, AreaMeasure]
    # Every incident of the run, and the measured window (after the warm-up).
    incidents: list[Incident]
    start: datetime
    end: datetime


def _plan_recorder(sim: Simulator) -> dict[str, CallPlan]:
    """Keep every call as drawn (the engine forgets closed ones)."""
    plans: dict[str, CallPlan] = {}
    draw = sim.factory.draw

    def recording_draw(rng: random.Random, received: datetime) -> CallPlan:
        plan = draw(rng, received)
        plans[plan.incident_id] = plan
        return plan

    sim.factory.draw = recording_draw  # type: ignore[method-assign]
    return plans


def simulate(scenario: Scenario, *, params: Parameters | None = None) -> Run:
    """Run the simulator's pure path and measure each area (calls after the warm-up)."""
    params = (params or Parameters()).with_rate(scenario.calls_per_day)
    profile = load_profile()
    deployment = scenario.deployment
    start = DEFAULT_START
    floor = RecordingFloor.with_roster(deployment, start)
    sim = Simulator(
        floor,
        InstantPacer(start),
        deployment,
        division_places(),
        params=params,
        profile=profile,
        seed=scenario.seed,
    )
    plans = _plan_recorder(sim)
    end = start + timedelta(days=scenario.warmup_days + scenario.days)
    asyncio.run(sim.run(until=end + DRAIN, arrivals_until=end))
    window_start = start + timedelta(days=scenario.warmup_days)
    areas = _measure(floor, deployment, plans, window_start, end, params)
    incidents = list(floor.state.incidents.values())
    return Run(scenario, params, profile, areas, incidents, window_start, end)


def _minutes(delta: timedelta) -> float:
    return delta.total_seconds() / 60


def _measure(
    floor: RecordingFloor,
    deployment: Deployment,
    plans: dict[str, CallPlan],
    start: datetime,
    end: datetime,
    params: Parameters,
) -> dict[str, AreaMeasure]:
    team_area = {t.id: deployment.service_area_of(t.division) or "" for t in deployment.teams}
    team_division = {t.id: t.division for t in deployment.teams}
    areas = {
        a.name: AreaMeasure(a.name, sum(1 for t in team_area.values() if t == a.name))
        for a in deployment.service_areas
    }
    for measure in areas.values():
        measure.window_min = _minutes(end - start)

    # Busy periods: a team leaves "available" at dispatch and comes back after documentation.
    left: dict[str, datetime] = {}
    for at, team_id, status in floor.status_changes:
        area = areas[team_area[team_id]]
        if status != TeamStatus.AVAILABLE:
            left.setdefault(team_id, at)
            continue
        since = left.pop(team_id, None)
        if since is None:
            continue
        overlap = min(at, end) - max(since, start)
        if overlap > timedelta(0):
            area.busy_min += _minutes(overlap)
        if start <= since < end:
            area.service_min.append(_minutes(at - since))
    for team_id, since in left.items():  # still busy when the run stopped
        overlap = end - max(since, start)
        if overlap > timedelta(0):
            areas[team_area[team_id]].busy_min += _minutes(overlap)

    for incident in floor.state.incidents.values():
        plan = plans.get(incident.id)
        if plan is None or plan.redirect is not None or not start <= incident.received_at < end:
            continue
        area = areas[deployment.service_area_of(plan.division) or ""]
        area.calls += 1
        found = incident.source == Source.TEAM_INITIATED
        if found:
            ready = plan.received
            area.found_on_patrol += 1
        else:
            ready = plan.received + timedelta(minutes=plan.intake_min)
            ready += timedelta(minutes=plan.decision_min)
            area.processing_min.append(_minutes(ready - plan.received))
        dispatched = incident.times.dispatched_at
        if dispatched is None:
            # Never got a team: waited until it was given up (max_wait_min after received).
            area.waited += 1
            area.abandoned += 1
            area.wait_total_min += max(0.0, params.max_wait_min - _minutes(ready - plan.received))
            continue
        wait = dispatched - ready
        if wait > _SAME_INSTANT:
            area.waited += 1
            area.wait_total_min += _minutes(wait)
        on_scene = incident.times.on_scene_at
        if on_scene is not None and incident.disposition not in reports.NOT_HANDLED:
            area.response_min.append(_minutes(on_scene - incident.received_at))
            team = floor.first_team.get(incident.id)
            if not found and team is not None:
                travel = _minutes(on_scene - dispatched)
                if team_division.get(team) == plan.division:
                    area.own_travel_min.append(travel)
                else:
                    area.cross_travel_min.append(travel)
    return areas


# -- the model's side --------------------------------------------------------------


def simulator_rates(
    deployment: Deployment, params: Parameters, profile: CallProfile
) -> dict[str, tuple[float, ...]]:
    """Calls needing a team per division and local hour of week, as the simulator draws them.

    Poisson at ``calls_per_day`` x the hour's weight x the division's weight;
    redirected calls (a share of all but follow-up visits) never need a team.
    """
    divisions = profile.division_weights(deployment.divisions)
    hours = profile.hour_weights
    need = 1.0 - params.redirect_share * (1.0 - params.follow_up_share)
    return {
        d: tuple(params.calls_per_day * w * need * hours[h % 24] for h in range(HOURS_PER_WEEK))
        for d, w in divisions.items()
    }


def measured_service(m: AreaMeasure, params: Parameters) -> ServiceProfile:
    """The service profile a run showed, with its own-division service time.

    The model adds the extra drive of cross-division calls itself, so it gets
    the service time of a call the division's own team takes: the measured
    mean less the extra drive times the measured cross-division share.
    """
    own = statistics.fmean(m.own_travel_min) if m.own_travel_min else params.travel.mean
    if len(m.cross_travel_min) >= 10:
        extra = max(0.0, statistics.fmean(m.cross_travel_min) - own)
    else:
        extra = params.cross_division_extra.mean
    travel_cv = statistics.pstdev(m.own_travel_min) / own if len(m.own_travel_min) >= 10 else 0.45
    responses = len(m.response_min)
    zero = m.found_on_patrol / responses if responses else 0.0
    own_service = m.service_mean_min - extra * m.cross_division_share * (1.0 - zero)
    return ServiceProfile(
        mean_min=own_service,
        cv=m.service_cv,
        travel_min=own,
        travel_cv=travel_cv,
        processing_min=params.intake.mean + params.decision.mean,
        cross_division_extra_min=extra,
        zero_response_share=zero,
    )


def pooled_measure(run: Run) -> AreaMeasure:
    """All areas of a run as one (for the service profile of the whole floor)."""
    pooled = AreaMeasure("all", sum(m.teams for m in run.areas.values()))
    for m in run.areas.values():
        pooled.calls += m.calls
        pooled.found_on_patrol += m.found_on_patrol
        for name in (
            "service_min",
            "own_travel_min",
            "cross_travel_min",
            "processing_min",
            "response_min",
        ):
            getattr(pooled, name).extend(getattr(m, name))
    return pooled


def area_demands(run: Run) -> list[AreaDemand]:
    """The model's inputs for each area of the run: the simulator's rates, the run's service."""
    rates = simulator_rates(run.scenario.deployment, run.params, run.profile)
    demands = []
    for area in run.scenario.deployment.service_areas:
        area_rates = tuple(sum(rates[d][h] for d in area.divisions) for h in range(HOURS_PER_WEEK))
        service = measured_service(run.areas[area.name], run.params)
        demands.append(AreaDemand(area.name, area.divisions, area_rates, service))
    return demands


@dataclass(frozen=True)
class Row:
    """Predicted and simulated figures for one area (or ``all``)."""

    area: str
    teams: int
    calls: int
    abandoned: int
    predicted: dict[str, float]
    simulated: dict[str, float]


# mean_wait_min: the model's E[min(W, 2 h)], like for like with the simulator,
# which gives a call up after 2 h (and mean response with that wait);
# mean_wait_uncapped_min and mean_response_uncapped_min: the planner's figures.
FIGURES = ("p_wait", "mean_wait_min", "utilisation", "mean_response_min")


def _simulated(m: AreaMeasure) -> dict[str, float]:
    return {
        "p_wait": m.p_wait,
        "mean_wait_min": m.mean_wait_min,
        "utilisation": m.utilisation,
        "mean_response_min": m.mean_response_min,
    }


def compare(run: Run, *, lag: bool = True, exponential: bool = False) -> list[Row]:
    """Per area and for all areas together (call-weighted; utilisation team-weighted).

    ``exponential``: the plain M/M/c model (service cv taken as 1), to show
    what ignoring the service time's shape would cost.
    """
    rows = []
    for demand in area_demands(run):
        if exponential:
            demand = replace(demand, service=replace(demand.service, cv=1.0))
        m = run.areas[demand.name]
        model = AreaModel(demand, ONE_DAY, lag=lag)
        result = model.evaluate(0, m.teams, percentiles=False)
        pairs = model.queues(0, m.teams)
        calls = sum(rate for rate, _ in pairs)
        limit = run.params.max_wait_min - demand.service.processing_min
        capped = sum(rate * q.mean_wait_capped(limit) for rate, q in pairs) / calls
        # Like for like: a call given up never reaches the scene, so the
        # simulator's responses leave out the longest waits.
        z = demand.service.zero_response_share
        response = result.mean_response_min - (1 - z) * (result.mean_wait_min - capped)
        predicted = {
            "p_wait": result.p_wait,
            "mean_wait_min": capped,
            "mean_wait_uncapped_min": result.mean_wait_min,
            "utilisation": result.utilisation,
            "mean_response_min": response,
            "mean_response_uncapped_min": result.mean_response_min,
            "cross_division_share": result.cross_division_share,
        }
        simulated = _simulated(m)
        simulated["cross_division_share"] = m.cross_division_share
        rows.append(Row(demand.name, m.teams, m.calls, m.abandoned, predicted, simulated))
    if len(rows) > 1:
        rows.append(_pooled(rows))
    return rows


def _pooled(rows: Iterable[Row]) -> Row:
    rows = [r for r in rows if r.calls]
    calls = sum(r.calls for r in rows)
    teams = sum(r.teams for r in rows)

    def mix(values: dict[str, float], figure: str, r: Row) -> float:
        return values[figure] * (r.teams if figure == "utilisation" else r.calls)

    def pooled(side: str) -> dict[str, float]:
        keys = getattr(rows[0], side).keys()
        return {
            f: sum(mix(getattr(r, side), f, r) for r in rows)
            / (teams if f == "utilisation" else calls)
            for f in keys
        }

    return Row(
        "all",
        teams,
        calls,
        sum(r.abandoned for r in rows),
        pooled("predicted"),
        pooled("simulated"),
    )


# -- the scenarios of docs/planning.md ------------------------------------------


def with_teams(base: Deployment, teams_per_area: dict[str, int], name: str) -> Deployment:
    """The areas of ``base`` named in ``teams_per_area``, with that many teams each.

    Teams go one per division first (round robin), as a roster would place them.
    """
    areas = [a for a in base.service_areas if a.name in teams_per_area]
    teams = []
    for area in areas:
        for i in range(teams_per_area[area.name]):
            teams.append(
                TeamConfig(
                    call_sign=f"{area.name[:3].upper()}-{i + 1}",
                    provider="Planning",
                    division=area.divisions[i % len(area.divisions)],
                )
            )
    return Deployment(
        name=name,
        providers=("Planning",),
        service_areas=tuple(ServiceArea(name=a.name, divisions=a.divisions) for a in areas),
        teams=tuple(teams),
        thresholds=base.thresholds,
    )


def _share(profile: CallProfile, all_divisions: Sequence[str], some: Sequence[str]) -> float:
    weights = profile.division_weights(all_divisions)
    return sum(weights[d] for d in some)


PILOT_CALLS_PER_DAY = 18.0


def standard_scenarios(*, scale: float = 1.0) -> list[Scenario]:
    """The checks of docs/planning.md; ``scale`` multiplies the simulated days.

    1. the pilot as it is: six teams, 18 calls a day;
    2. a stressed area: the pilot's West area (three teams) at 2.5x its calls;
    3. citywide at the pilot's calls per division (63 a day) with ten teams;
    4. an overloaded single team (Southeast at 2x): where the model is only
       conservative, because the simulator gives calls up after 2 h.
    """
    pilot = load_deployment("pilot")
    citywide = load_deployment("citywide")
    profile = load_profile()
    rate = PILOT_CALLS_PER_DAY
    west = next(a for a in pilot.service_areas if a.name == "West")
    south = next(a for a in pilot.service_areas if a.name == "South")
    per_division = rate / len(pilot.divisions)
    return [
        Scenario("pilot as is", pilot, rate, days=365 * scale, seed=11),
        Scenario(
            "West area, 3 teams, 2.5x calls",
            with_teams(pilot, {"West": 3}, "pilot-west"),
            2.5 * rate * _share(profile, pilot.divisions, west.divisions),
            days=240 * scale,
            seed=12,
        ),
        Scenario(
            "citywide at the pilot rate, 10 teams",
            with_teams(citywide, {"Valley": 3, "West": 3, "Central": 2, "South": 2}, "city-10"),
            per_division * len(citywide.divisions),
            days=180 * scale,
            seed=13,
        ),
        Scenario(
            "Southeast, 1 team, 2x calls",
            with_teams(pilot, {"South": 1}, "pilot-south"),
            2.0 * rate * _share(profile, pilot.divisions, south.divisions),
            days=240 * scale,
            seed=14,
        ),
    ]


def format_rows(name: str, rows: Sequence[Row]) -> str:
    lines = [
        f"**{name}** (model / simulator)",
        "",
        "| area | teams | calls | given up | P(wait) | mean wait, min (uncapped model) | utilisation | mean response, min |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        p, s = r.predicted, r.simulated
        lines.append(
            f"| {r.area} | {r.teams} | {r.calls} | {r.abandoned} | "
            f"{p['p_wait']:.3f} / {s['p_wait']:.3f} | "
            f"{p['mean_wait_min']:.2f} / {s['mean_wait_min']:.2f} ({p['mean_wait_uncapped_min']:.2f}) | "
            f"{p['utilisation']:.3f} / {s['utilisation']:.3f} | "
            f"{p['mean_response_min']:.1f} / {s['mean_response_min']:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:  # pragma: no cover - prints the docs' tables
    for scenario in standard_scenarios():
        run = simulate(scenario)
        print(format_rows(scenario.name, compare(run)))
        print()


if __name__ == "__main__":  # pragma: no cover
    main()
