"""The staffing model: one M/G/c queue per service area and hour of the week.

Inputs (docs/planning.md):

- ``AreaDemand``: the divisions of one service area (any team of the area may
  take any of its calls, as the dispatch policy does), the calls needing a
  team per local hour of the week (168 rates, Monday 00:00 first), and the
  ``ServiceProfile``: how long a call keeps a team busy (dispatched to
  available again: turnout, travel, on scene, transport, documentation), its
  coefficient of variation, and the parts of the response time (processing,
  travel, the extra travel when a team of another division goes).
- ``Shifts``: when shifts start each day; the number of teams on duty is one
  figure per area and shift, the same every day of the week.

Time-varying demand. A call keeps a team about 75 minutes, so the teams busy
at 18:00 are working calls that arrived at 17:00 as well. The load of each
hour is the *modified offered load* (Jennings, Mandelbaum, Massey & Whitt,
Management Science 42, 1996; Green, Kolesar & Soares, Operations Research
49, 2001): the mean number of busy teams with unlimited teams,
``a(t) = E[integral of lambda over (t - S, t)]``, which lags the arrivals by
the service time. Each hour is then a stationary M/G/c queue at that load
(``erlang.mgc``). ``lag=False`` gives the plain per-hour model (SIPP),
lambda_h x E[S].

Outputs per area and shift, over the calls that arrive in it (each hour
weighted by its calls): P(wait), mean and 90th-percentile wait, mean and
90th-percentile response, utilisation, and whether every hour is stable.
Response follows ``domain/reports.py``: received to first team on scene,
with calls a team found itself on patrol at 0 min; for the others it is
processing + wait + travel.

The inverse, ``solve``: the fewest teams per area and shift that meet a
``Target``. Every figure improves with one more team, and each shift's
figures depend only on its own team count (the lagged loads depend on the
calls, not on the teams), so the smallest count found shift by shift is the
minimum: one team fewer anywhere misses the target.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ..domain.marks import tr
from .erlang import INF, Queue, mgc

HOURS_PER_WEEK = 168
DAYS_PER_YEAR = 365
# The 90th percentile of response is sought on a grid of this step (min) up to the limit.
_GRID_STEP_MIN = 0.25
_GRID_LIMIT_MIN = 720.0
# A mean response target below what travel alone allows is reported as out of
# reach; the cell then gets the fewest teams within this margin of the best.
_REACH_MARGIN_MIN = 0.5


# -- inputs ------------------------------------------------------------------------


@dataclass(frozen=True)
class Shifts:
    """Shift start hours (local, 0-23, ascending); each runs to the next start."""

    starts: tuple[int, ...] = (7, 15, 23)

    def __post_init__(self) -> None:
        if not self.starts:
            raise ValueError("at least one shift")
        if any(not 0 <= h <= 23 for h in self.starts):
            raise ValueError("shift starts are hours 0-23")
        if list(self.starts) != sorted(set(self.starts)):
            raise ValueError("shift starts must be ascending and distinct")

    def __len__(self) -> int:
        return len(self.starts)

    def of_hour(self, hour_of_day: int) -> int:
        """The shift on duty at ``hour_of_day`` (before the first start: the last shift)."""
        found = len(self.starts) - 1
        for i, start in enumerate(self.starts):
            if start <= hour_of_day:
                found = i
        return found

    def hours(self, shift: int) -> int:
        if len(self.starts) == 1:
            return 24
        nxt = self.starts[(shift + 1) % len(self.starts)]
        return (nxt - self.starts[shift]) % 24

    def label(self, shift: int) -> str:
        start = self.starts[shift]
        end = (start + self.hours(shift)) % 24
        return f"{start:02d}:00–{end:02d}:00"

    def hours_of_week(self, shift: int) -> list[int]:
        return [h for h in range(HOURS_PER_WEEK) if self.of_hour(h % 24) == shift]

    @classmethod
    def parse(cls, text: str) -> Shifts:
        """ "7,15,23" -> three 8-hour shifts starting at 07:00, 15:00 and 23:00."""
        return cls(tuple(sorted(int(part) for part in text.replace(" ", "").split(",") if part)))


THREE_EIGHTS = Shifts((7, 15, 23))
TWO_TWELVES = Shifts((7, 19))
ONE_DAY = Shifts((0,))


@dataclass(frozen=True)
class ServiceProfile:
    """How long a call keeps a team, and the parts of its response time (minutes).

    ``mean_min`` and ``travel_min`` are for the division's own team; the model
    adds ``cross_division_extra_min`` for the share of calls it expects a team
    of another division to take (``cross_division_share``).
    """

    # Dispatched -> available again: turnout, travel, on scene, transport, documentation.
    mean_min: float
    # Coefficient of variation (sd / mean) of that time; 1.0 would be exponential.
    cv: float
    # Dispatched -> on scene when the division's own team goes.
    travel_min: float
    travel_cv: float
    # Received -> ready to dispatch (intake and screening).
    processing_min: float
    # Added travel when a team of another division of the area goes.
    cross_division_extra_min: float = 8.0
    # Calls a team found itself on patrol: response 0 min in the program's figures.
    zero_response_share: float = 0.0

    def __post_init__(self) -> None:
        if self.mean_min <= 0 or self.travel_min < 0 or self.processing_min < 0:
            raise ValueError("service and travel times must be positive")
        if self.cv < 0 or self.travel_cv < 0 or self.cross_division_extra_min < 0:
            raise ValueError("coefficients of variation and extra travel must be >= 0")
        if not 0 <= self.zero_response_share < 1:
            raise ValueError("zero_response_share must be in [0, 1)")


@dataclass(frozen=True)
class AreaDemand:
    """One service area: its divisions, calls needing a team per hour of week, service."""

    name: str
    divisions: tuple[str, ...]
    rates_per_hour: tuple[float, ...]
    service: ServiceProfile

    def __post_init__(self) -> None:
        if len(self.rates_per_hour) != HOURS_PER_WEEK:
            raise ValueError(f"{self.name}: {HOURS_PER_WEEK} hourly rates needed")
        if any(r < 0 or not math.isfinite(r) for r in self.rates_per_hour):
            raise ValueError(f"{self.name}: rates must be finite and >= 0")

    @property
    def calls_per_week(self) -> float:
        return float(sum(self.rates_per_hour))

    def loads(self, *, lag: bool = True) -> tuple[float, ...]:
        """Offered load per hour of week, in erlangs (teams busy with unlimited teams)."""
        return _loads(self.rates_per_hour, self.service.mean_min, self.service.cv, lag)


def _lognormal_sigma(cv: float) -> float:
    return math.sqrt(math.log1p(cv * cv))


def _lognormal_survival(x: np.ndarray, mean: float, cv: float) -> np.ndarray:
    """P(X > x) for a log-normal X of this mean and cv (a step at the mean if cv = 0)."""
    if cv == 0:
        return (x < mean).astype(float)
    sigma = _lognormal_sigma(cv)
    mu = math.log(mean) - sigma * sigma / 2
    with np.errstate(divide="ignore"):
        z = (np.log(np.maximum(x, 0.0)) - mu) / (sigma * math.sqrt(2.0))
    erfc = np.vectorize(math.erfc, otypes=[float])
    return 0.5 * erfc(z)


def lag_weights(mean_min: float, cv: float) -> tuple[float, ...]:
    """K_k: erlangs in an hour per call/hour arriving k hours earlier (sum = E[S] in hours).

    With arrivals constant within each hour, the mean load over hour h is
    ``sum_k lambda_(h-k) K_k`` with ``K_k = integral of P(S > u) tri(u - k) du``
    (u in hours; tri the triangle of half-width 1 from two uniform instants).
    """
    step = 1.0 / 60.0
    limit = max(2.0, 10.0 * mean_min / 60.0 * (1.0 + cv))  # far beyond the tail
    u = np.arange(step / 2, limit, step)
    survival = _lognormal_survival(u * 60.0, mean_min, cv)
    weights = []
    for k in range(math.ceil(limit) + 1):
        tri = np.clip(1.0 - np.abs(u - k), 0.0, None)
        weights.append(float(np.sum(survival * tri) * step))
    total = sum(weights)
    # Rescale the rounding away: the weights must carry exactly E[S].
    return tuple(w * (mean_min / 60.0) / total for w in weights)


def _loads(rates: Sequence[float], mean_min: float, cv: float, lag: bool) -> tuple[float, ...]:
    if not lag:
        return tuple(r * mean_min / 60.0 for r in rates)
    kernel = lag_weights(mean_min, cv)
    n = len(rates)
    # The week repeats: the calls of Sunday night still busy teams on Monday morning.
    return tuple(sum(kernel[k] * rates[(h - k) % n] for k in range(len(kernel))) for h in range(n))


# -- results -----------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftResult:
    """One area and shift at a number of teams, over the calls arriving in it."""

    area: str
    shift: int
    label: str
    teams: int
    hours_per_day: int
    calls_per_week: float
    utilisation: float
    peak_utilisation: float
    p_wait: float
    mean_wait_min: float
    p90_wait_min: float
    mean_response_min: float  # the program's definition (team-found calls at 0)
    mean_response_dispatched_min: float  # dispatched calls only
    p90_response_min: float
    unstable_hours: int
    # Dispatched calls answered from another division, and the service time it gives.
    cross_division_share: float
    service_min: float

    @property
    def stable(self) -> bool:
        return self.unstable_hours == 0

    @property
    def has_calls(self) -> bool:
        return self.calls_per_week > 0

    @property
    def team_hours_per_year(self) -> float:
        return self.teams * self.hours_per_day * DAYS_PER_YEAR


@dataclass(frozen=True)
class Target:
    """What a shift must achieve; None leaves a figure free. Stability is always required."""

    mean_response_min: float | None = 30.0
    p_wait_max: float | None = None
    p90_response_min: float | None = None

    def met_by(self, result: ShiftResult) -> bool:
        if not result.has_calls:
            return True
        if not result.stable:
            return False
        if self.mean_response_min is not None and result.mean_response_min > self.mean_response_min:
            return False
        if self.p_wait_max is not None and result.p_wait > self.p_wait_max:
            return False
        return not (
            self.p90_response_min is not None and result.p90_response_min > self.p90_response_min
        )

    def describe(self) -> str:
        parts = []
        if self.mean_response_min is not None:
            parts.append(f"mean response ≤ {self.mean_response_min:g} min")
        if self.p_wait_max is not None:
            parts.append(f"P(wait) ≤ {self.p_wait_max:.0%}")
        if self.p90_response_min is not None:
            parts.append(f"90% of responses ≤ {self.p90_response_min:g} min")
        return ", ".join(parts) or "stable queues only"


# -- evaluation --------------------------------------------------------------------


class AreaModel:
    """An area's queues for any team count, shift by shift (loads computed once)."""

    def __init__(self, area: AreaDemand, shifts: Shifts, *, lag: bool = True) -> None:
        self.area = area
        self.shifts = shifts
        self.lag = lag
        self.loads = area.loads(lag=lag)
        self._hours = [shifts.hours_of_week(s) for s in range(len(shifts))]

    def max_load(self, shift: int) -> float:
        """The shift's highest hourly load with own-division service (a lower bound)."""
        return max((self.loads[h] for h in self._hours[shift]), default=0.0)

    def service_factor(self, shift: int, teams: int) -> tuple[float, float]:
        """(cross-division share, service time / own-division service time) at ``teams``.

        A team sent to another division of the area drives further: its call
        takes ``cross_division_extra_min`` more, for the dispatched calls (not
        those found on patrol). Fewer teams than divisions means more of that.
        """
        s = self.area.service
        hours = self._hours[shift]
        base = sum(self.loads[h] for h in hours) / (teams * len(hours)) if teams else 1.0
        cross = cross_division_share(teams, len(self.area.divisions), min(base, 1.0))
        extra = s.cross_division_extra_min * cross * (1.0 - s.zero_response_share)
        return cross, (s.mean_min + extra) / s.mean_min

    def queues(self, shift: int, teams: int) -> list[tuple[float, Queue]]:
        """(calls per hour, queue) for each hour of week in the shift."""
        s = self.area.service
        _, factor = self.service_factor(shift, teams)
        mean = s.mean_min * factor
        return [
            (self.area.rates_per_hour[h], mgc(teams, self.loads[h] * factor, mean, s.cv))
            for h in self._hours[shift]
        ]

    def evaluate(self, shift: int, teams: int, *, percentiles: bool = True) -> ShiftResult:
        service = self.area.service
        hours = self._hours[shift]
        cross, factor = self.service_factor(shift, teams)
        pairs = self.queues(shift, teams)
        calls = sum(rate for rate, _ in pairs)
        load = sum(q.load for _, q in pairs)
        utilisation = load / (teams * len(hours)) if teams else (INF if load else 0.0)
        peak = max((q.utilisation for _, q in pairs), default=0.0)
        unstable = sum(1 for rate, q in pairs if not q.stable and (rate > 0 or q.load > 0))
        base = {
            "area": self.area.name,
            "shift": shift,
            "label": self.shifts.label(shift),
            "teams": teams,
            "hours_per_day": self.shifts.hours(shift),
            "calls_per_week": calls,
            "utilisation": utilisation,
            "peak_utilisation": peak,
            "unstable_hours": unstable,
            "service_min": service.mean_min * factor,
            "cross_division_share": cross,
        }
        if calls == 0:
            nan = math.nan
            return ShiftResult(
                **base,
                p_wait=0.0,
                mean_wait_min=0.0,
                p90_wait_min=0.0,
                mean_response_min=nan,
                mean_response_dispatched_min=nan,
                p90_response_min=nan,
            )
        travel = service.travel_min + service.cross_division_extra_min * cross
        if unstable:
            return ShiftResult(
                **base,
                p_wait=1.0,
                mean_wait_min=INF,
                p90_wait_min=INF,
                mean_response_min=INF,
                mean_response_dispatched_min=INF,
                p90_response_min=INF,
            )
        weights = [rate / calls for rate, _ in pairs]
        queues = [q for _, q in pairs]
        p_wait = sum(w * q.p_wait for w, q in zip(weights, queues, strict=True))
        mean_wait = sum(w * q.mean_wait for w, q in zip(weights, queues, strict=True))
        dispatched = service.processing_min + mean_wait + travel
        z = service.zero_response_share
        p90_wait = p90_response = math.nan
        if percentiles:
            p90_wait = _mixture_wait_quantile(weights, queues, 0.9)
            p90_response = _response_quantile(
                weights, queues, 0.9, service.processing_min, travel, service.travel_cv, z
            )
        return ShiftResult(
            **base,
            p_wait=p_wait,
            mean_wait_min=mean_wait,
            p90_wait_min=p90_wait,
            mean_response_min=(1 - z) * dispatched,
            mean_response_dispatched_min=dispatched,
            p90_response_min=p90_response,
        )


def cross_division_share(teams: int, divisions: int, utilisation: float) -> float:
    """Share of dispatched calls answered by a team of another division (heuristic).

    A division without a team of its own always gets one from elsewhere; a
    division with one gets it unless it is busy (about ``utilisation`` of the
    time). With teams spread one per division first: ``1 - min(c, d)/d (1 - rho)``.
    """
    if divisions <= 1 or teams <= 0:
        return 0.0 if divisions <= 1 else 1.0
    covered = min(teams, divisions) / divisions
    return 1.0 - covered * (1.0 - utilisation)


def _mixture_wait_quantile(weights: Sequence[float], queues: Sequence[Queue], q: float) -> float:
    def exceed(t: float) -> float:
        return sum(w * qu.p_wait_longer(t) for w, qu in zip(weights, queues, strict=True))

    if exceed(0.0) <= 1 - q:
        return 0.0
    low, high = 0.0, 1.0
    while exceed(high) > 1 - q:
        high *= 2
        if high > 1e6:
            return INF
    for _ in range(60):
        mid = (low + high) / 2
        if exceed(mid) > 1 - q:
            low = mid
        else:
            high = mid
    return high


def _response_quantile(
    weights: Sequence[float],
    queues: Sequence[Queue],
    q: float,
    processing: float,
    travel_mean: float,
    travel_cv: float,
    zero_share: float,
) -> float:
    """The q-quantile of response over the hours' calls.

    Response = 0 for a share ``zero_share``; else processing + W + T, with W
    the hours' waits mixed by their calls (0, or exponential per hour:
    Erlang C and Allen-Cunneen) and T the log-normal travel. The two are
    discretised on a grid and convolved once.
    """
    grid = np.arange(0.0, _GRID_LIMIT_MIN + _GRID_STEP_MIN, _GRID_STEP_MIN)
    # Mixed wait distribution function at the grid points: 1 - sum w C exp(-theta t).
    w = np.asarray(weights)
    c = np.array([qu.p_wait for qu in queues])
    theta = np.array([qu.wait_rate if qu.p_wait > 0 else 0.0 for qu in queues])
    wait_cdf = 1.0 - (w * c) @ np.exp(-np.outer(theta, grid))
    # Each cell's probability is put at its right end: masses at t_0 = 0, t_1, ...
    wait_mass = np.diff(wait_cdf, prepend=0.0)
    if travel_mean <= 0:
        travel_mass = np.zeros_like(grid)
        travel_mass[0] = 1.0
    else:
        travel_mass = np.diff(1.0 - _lognormal_survival(grid, travel_mean, travel_cv), prepend=0.0)
    cdf = np.cumsum(np.convolve(wait_mass, travel_mass)[: len(grid)])
    # P(response > processing + x) for dispatched calls, then the zero share.
    exceed = (1.0 - zero_share) * (1.0 - cdf)
    if 1.0 - zero_share <= 1 - q:
        return 0.0  # the calls found on patrol alone make up the share q
    over = np.nonzero(exceed <= 1 - q)[0]
    if len(over) == 0:
        return INF
    k = int(over[0])
    x0, x1, y0, y1 = grid[k - 1], grid[k], exceed[k - 1], exceed[k]
    x = x1 if y0 == y1 else x0 + (y0 - (1 - q)) * (x1 - x0) / (y0 - y1)
    # Right-end placement makes each of the two parts late by half a step on average.
    return processing + max(0.0, float(x) - _GRID_STEP_MIN)


# -- plans -------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """The answer for one area and shift."""

    result: ShiftResult
    reachable: bool
    note: str = ""


@dataclass(frozen=True)
class Plan:
    """Teams per area and shift, their figures and their cost."""

    shifts: Shifts
    target: Target
    cost_per_team_hour: float
    cells: tuple[Cell, ...]
    areas: tuple[AreaDemand, ...] = field(repr=False)
    lag: bool = True

    @property
    def reachable(self) -> bool:
        return all(c.reachable for c in self.cells)

    def teams(self) -> dict[str, tuple[int, ...]]:
        found: dict[str, list[int]] = {a.name: [0] * len(self.shifts) for a in self.areas}
        for cell in self.cells:
            found[cell.result.area][cell.result.shift] = cell.result.teams
        return {name: tuple(v) for name, v in found.items()}

    def cell(self, area: str, shift: int) -> Cell:
        for cell in self.cells:
            if cell.result.area == area and cell.result.shift == shift:
                return cell
        raise KeyError((area, shift))

    @property
    def team_hours_per_year(self) -> float:
        return sum(c.result.team_hours_per_year for c in self.cells)

    @property
    def cost_per_year(self) -> float:
        return self.team_hours_per_year * self.cost_per_team_hour

    @property
    def mean_teams_on_duty(self) -> float:
        """Teams on duty on average over the day (team-hours per day / 24)."""
        return self.team_hours_per_year / DAYS_PER_YEAR / 24

    @cached_property
    def totals(self) -> dict[str, float]:
        """Call-weighted figures over all areas and shifts."""
        cells = [c.result for c in self.cells if c.result.has_calls]
        calls = sum(r.calls_per_week for r in cells)
        if not calls:
            return {"calls_per_week": 0.0}

        def mean(attr: str) -> float:
            return sum(getattr(r, attr) * r.calls_per_week for r in cells) / calls

        team_hours = sum(r.teams * r.hours_per_day * 7 for r in cells)
        load_hours = sum(r.utilisation * r.teams * r.hours_per_day * 7 for r in cells)
        return {
            "calls_per_week": calls,
            "p_wait": mean("p_wait"),
            "mean_wait_min": mean("mean_wait_min"),
            "mean_response_min": mean("mean_response_min"),
            "mean_response_dispatched_min": mean("mean_response_dispatched_min"),
            "utilisation": load_hours / team_hours if team_hours else INF,
        }


def evaluate(
    areas: Iterable[AreaDemand],
    shifts: Shifts,
    teams: Mapping[str, Sequence[int]],
    *,
    target: Target | None = None,
    cost_per_team_hour: float = 0.0,
    lag: bool = True,
) -> Plan:
    """The figures of a given staffing (teams per area name, one count per shift)."""
    areas = tuple(areas)
    target = target or Target()
    cells = []
    for area in areas:
        model = AreaModel(area, shifts, lag=lag)
        counts = teams[area.name]
        if len(counts) != len(shifts):
            raise ValueError(f"{area.name}: one team count per shift needed")
        for s in range(len(shifts)):
            result = model.evaluate(s, counts[s])
            cells.append(Cell(result, target.met_by(result)))
    return Plan(shifts, target, cost_per_team_hour, tuple(cells), areas, lag)


def solve(
    areas: Iterable[AreaDemand],
    shifts: Shifts,
    target: Target,
    *,
    cost_per_team_hour: float,
    min_teams: int = 1,
    max_teams: int = 60,
    lag: bool = True,
) -> Plan:
    """The fewest teams per area and shift meeting ``target`` (at least ``min_teams``).

    ``min_teams`` = 1 by default: the program answers calls around the clock
    in every area, so no shift is left without a team even when it is quiet.
    A cell that cannot meet the target with ``max_teams`` (e.g. a mean
    response target below the travel time alone) is marked unreachable and
    gets the fewest teams within half a minute of the best response it can get.
    """
    areas = tuple(areas)
    cells = []
    for area in areas:
        model = AreaModel(area, shifts, lag=lag)
        for s in range(len(shifts)):
            cells.append(_solve_cell(model, s, target, min_teams, max_teams))
    return Plan(shifts, target, cost_per_team_hour, tuple(cells), areas, lag)


def _solve_cell(model: AreaModel, shift: int, target: Target, low: int, high: int) -> Cell:
    # Fewer teams than the peak load can never be stable: start above it.
    peak = model.max_load(shift)
    start = max(low, math.floor(peak) + 1) if peak > 0 else low
    need_percentiles = target.p90_response_min is not None
    for teams in range(start, high + 1):
        result = model.evaluate(shift, teams, percentiles=need_percentiles)
        if target.met_by(result):
            return Cell(model.evaluate(shift, teams), True)
    best = model.evaluate(shift, high)
    for teams in range(start, high + 1):
        result = model.evaluate(shift, teams)
        if result.stable and _close_to(result, best):
            return Cell(
                result,
                False,
                tr(
                    "target out of reach: best mean response {mean} min, "
                    "90th percentile {p90} min (travel alone {travel} min)"
                ).format(
                    mean=f"{best.mean_response_min:.1f}",
                    p90=f"{best.p90_response_min:.0f}",
                    travel=f"{model.area.service.travel_min:.0f}",
                ),
            )
    return Cell(best, False, tr("target out of reach"))


def _close_to(result: ShiftResult, best: ShiftResult) -> bool:
    return (
        result.mean_response_min <= best.mean_response_min + _REACH_MARGIN_MIN
        and result.p90_response_min <= best.p90_response_min + 2 * _REACH_MARGIN_MIN
    )


def curve(
    area: AreaDemand, shifts: Shifts, shift: int, teams: Iterable[int], *, lag: bool = True
) -> list[ShiftResult]:
    """The figures of one area and shift for each team count (the planner's chart)."""
    model = AreaModel(area, shifts, lag=lag)
    return [model.evaluate(shift, c) for c in teams]
