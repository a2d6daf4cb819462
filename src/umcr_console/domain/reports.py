"""Program figures for any period: one module for the wall, the report window
and the server's report endpoint, so every screen shows the same numbers.

Definitions (write them down once, the city decides on them):
- A call counts in a period when it was received in it.
- Calls handled: calls not closed as cancelled or duplicate.
- Redirected: closed as redirected to LAPD or LAFD; the redirect rate is
  redirected / handled.
- Response time: received -> first team on scene, for calls that had one.
- Time on scene: first team on scene -> closed.
- Interventions: handled calls a team reached (on scene), the unit of the
  City Administrative Officer's cost figures ($35 unarmed, $85 police).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import fmean, median

from .config import Costs
from .enums import Disposition
from .model import Incident

NOT_HANDLED = frozenset({Disposition.CANCELLED, Disposition.DUPLICATE})
REDIRECTED = frozenset({Disposition.REDIRECTED_LAPD, Disposition.REDIRECTED_LAFD})
DEFAULT_COSTS = Costs()


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks (the common spreadsheet definition)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class DurationStats:
    count: int
    mean_min: float | None
    median_min: float | None
    p90_min: float | None

    @classmethod
    def of(cls, minutes: list[float]) -> DurationStats:
        if not minutes:
            return cls(0, None, None, None)
        return cls(len(minutes), fmean(minutes), median(minutes), percentile(minutes, 0.9))


@dataclass(frozen=True)
class Figures:
    calls: int
    handled: int
    redirected: int
    open_now: int
    response: DurationStats
    on_scene: DurationStats
    dispositions: dict[str, int]
    interventions: int
    cost_unarmed: float
    cost_police: float

    @property
    def redirect_rate(self) -> float | None:
        return self.redirected / self.handled if self.handled else None

    @property
    def cost_avoided(self) -> float:
        return self.cost_police - self.cost_unarmed

    def response_within(self, minutes: float, response_minutes: list[float]) -> float | None:
        if not response_minutes:
            return None
        return sum(1 for m in response_minutes if m <= minutes) / len(response_minutes)


def _minutes(delta: timedelta) -> float:
    return delta.total_seconds() / 60


def response_minutes(incidents: Iterable[Incident]) -> list[float]:
    return [
        _minutes(i.times.on_scene_at - i.received_at)
        for i in incidents
        if i.times.on_scene_at is not None and i.disposition not in NOT_HANDLED
    ]


def figures(incidents: Iterable[Incident], costs: Costs = DEFAULT_COSTS) -> Figures:
    """The figures of exactly these incidents (filter them first with ``in_period``)."""
    calls = list(incidents)
    handled = [i for i in calls if i.disposition not in NOT_HANDLED]
    redirected = sum(1 for i in handled if i.disposition in REDIRECTED)
    on_scene = [
        _minutes(i.times.closed_at - i.times.on_scene_at)
        for i in handled
        if i.times.on_scene_at is not None and i.times.closed_at is not None
    ]
    interventions = sum(1 for i in handled if i.times.on_scene_at is not None)
    dispositions = Counter(i.disposition.value for i in calls if i.disposition is not None)
    return Figures(
        calls=len(calls),
        handled=len(handled),
        redirected=redirected,
        open_now=sum(1 for i in calls if i.is_open),
        response=DurationStats.of(response_minutes(handled)),
        on_scene=DurationStats.of(on_scene),
        dispositions=dict(sorted(dispositions.items())),
        interventions=interventions,
        cost_unarmed=interventions * costs.unarmed_per_intervention,
        cost_police=interventions * costs.police_per_intervention,
    )


def in_period(incidents: Iterable[Incident], start: datetime, end: datetime) -> list[Incident]:
    return [i for i in incidents if start <= i.received_at < end]


@dataclass(frozen=True)
class Report:
    start: datetime
    end: datetime
    total: Figures
    by_division: dict[str, Figures] = field(default_factory=dict)
    by_call_type: dict[str, Figures] = field(default_factory=dict)
    by_provider: dict[str, Figures] = field(default_factory=dict)


def _group(
    incidents: list[Incident], key: Callable[[Incident], Iterable[str]], costs: Costs
) -> dict[str, Figures]:
    groups: dict[str, list[Incident]] = {}
    for incident in incidents:
        for name in key(incident):
            groups.setdefault(name, []).append(incident)
    return {name: figures(items, costs) for name, items in sorted(groups.items())}


def report(
    incidents: Iterable[Incident],
    start: datetime,
    end: datetime,
    *,
    provider_of: Callable[[Incident], Iterable[str]] = lambda i: (),
    costs: Costs = DEFAULT_COSTS,
) -> Report:
    """Figures for [start, end), in total and by division, call type and provider.

    ``provider_of`` names the providers whose teams worked an incident (an
    incident belongs to every provider that sent a team).
    """
    chosen = in_period(incidents, start, end)
    return Report(
        start=start,
        end=end,
        total=figures(chosen, costs),
        by_division=_group(chosen, lambda i: (i.location.division or "unknown",), costs),
        by_call_type=_group(chosen, lambda i: (i.call_type.value,), costs),
        by_provider=_group(chosen, provider_of, costs),
    )


CSV_COLUMNS = (
    "group",
    "name",
    "calls",
    "handled",
    "redirected",
    "redirect_rate",
    "response_mean_min",
    "response_median_min",
    "response_p90_min",
    "on_scene_mean_min",
    "interventions",
    "cost_unarmed",
    "cost_police",
    "cost_avoided",
)


def csv_rows(rep: Report) -> list[list[str]]:
    def row(group: str, name: str, f: Figures) -> list[str]:
        def num(value: float | None, digits: int = 1) -> str:
            return "" if value is None else f"{value:.{digits}f}"

        return [
            group,
            name,
            str(f.calls),
            str(f.handled),
            str(f.redirected),
            num(f.redirect_rate, 4),
            num(f.response.mean_min),
            num(f.response.median_min),
            num(f.response.p90_min),
            num(f.on_scene.mean_min),
            str(f.interventions),
            num(f.cost_unarmed, 2),
            num(f.cost_police, 2),
            num(f.cost_avoided, 2),
        ]

    rows = [list(CSV_COLUMNS), row("total", "all", rep.total)]
    for group, table in (
        ("division", rep.by_division),
        ("call_type", rep.by_call_type),
        ("provider", rep.by_provider),
    ):
        rows.extend(row(group, name, f) for name, f in table.items())
    return rows
