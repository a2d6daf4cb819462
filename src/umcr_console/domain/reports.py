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
- Follow-ups scheduled: calls whose incident carries a follow-up (one at
  most); follow-ups done: of those, the ones marked done (or become a call).

The figures need a few fields of each incident, never personal data: a
``Call``. ``report`` and ``figures`` take incidents (the wall and the report
window hold them); ``report_calls`` takes calls straight away (the server
reads them from a summary table, so a year of history is never turned into
full incidents). Each call's facts (handled? minutes to the scene?) are
worked out once, however many groups it counts in.
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


@dataclass(frozen=True, slots=True)
class Call:
    """What the figures need of one incident: no personal data."""

    id: str
    received_at: datetime
    is_open: bool
    division: str | None
    call_type: str  # CallType value
    disposition: str | None  # Disposition value
    on_scene_at: datetime | None
    closed_at: datetime | None
    # Defaults: calls built before follow-ups existed still count (as none).
    follow_up: bool = False  # a follow-up was scheduled
    follow_up_done: bool = False

    @classmethod
    def of(cls, incident: Incident) -> Call:
        follow_up = incident.follow_up
        return cls(
            id=incident.id,
            received_at=incident.received_at,
            is_open=incident.is_open,
            division=incident.location.division,
            call_type=incident.call_type.value,
            disposition=None if incident.disposition is None else incident.disposition.value,
            on_scene_at=incident.times.on_scene_at,
            closed_at=incident.times.closed_at,
            follow_up=follow_up is not None,
            follow_up_done=follow_up is not None and follow_up.done_at is not None,
        )


@dataclass(frozen=True, slots=True)
class _Facts:
    """One call's part in the figures, worked out once (the definitions above)."""

    handled: bool
    redirected: bool
    is_open: bool
    disposition: str | None
    response_min: float | None  # handled and reached: received -> first on scene
    on_scene_min: float | None  # handled, reached and closed: on scene -> closed
    follow_up: bool
    follow_up_done: bool

    @classmethod
    def of(cls, call: Call) -> _Facts:
        handled = call.disposition not in NOT_HANDLED
        response = on_scene = None
        if handled and call.on_scene_at is not None:
            response = _minutes(call.on_scene_at - call.received_at)
            if call.closed_at is not None:
                on_scene = _minutes(call.closed_at - call.on_scene_at)
        return cls(
            handled=handled,
            redirected=handled and call.disposition in REDIRECTED,
            is_open=call.is_open,
            disposition=call.disposition,
            response_min=response,
            on_scene_min=on_scene,
            follow_up=call.follow_up,
            follow_up_done=call.follow_up and call.follow_up_done,
        )


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
        # Sorted once: median and percentile sort again, which is linear on sorted data.
        ordered = sorted(minutes)
        return cls(len(ordered), fmean(ordered), median(ordered), percentile(ordered, 0.9))


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
    follow_ups_scheduled: int = 0
    follow_ups_done: int = 0

    @property
    def redirect_rate(self) -> float | None:
        return self.redirected / self.handled if self.handled else None

    @property
    def cost_avoided(self) -> float:
        return self.cost_police - self.cost_unarmed


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
    return _figures([_Facts.of(Call.of(i)) for i in incidents], costs)


def call_figures(calls: Iterable[Call], costs: Costs = DEFAULT_COSTS) -> Figures:
    """``figures`` of calls rather than incidents."""
    return _figures([_Facts.of(c) for c in calls], costs)


def _figures(facts: list[_Facts], costs: Costs) -> Figures:
    handled = [f for f in facts if f.handled]
    response = [f.response_min for f in handled if f.response_min is not None]
    on_scene = [f.on_scene_min for f in handled if f.on_scene_min is not None]
    # A handled call a team reached is one intervention: exactly those with a response time.
    interventions = len(response)
    dispositions = Counter(f.disposition for f in facts if f.disposition is not None)
    return Figures(
        calls=len(facts),
        handled=len(handled),
        redirected=sum(1 for f in handled if f.redirected),
        open_now=sum(1 for f in facts if f.is_open),
        response=DurationStats.of(response),
        on_scene=DurationStats.of(on_scene),
        dispositions=dict(sorted(dispositions.items())),
        interventions=interventions,
        cost_unarmed=interventions * costs.unarmed_per_intervention,
        cost_police=interventions * costs.police_per_intervention,
        follow_ups_scheduled=sum(1 for f in facts if f.follow_up),
        follow_ups_done=sum(1 for f in facts if f.follow_up_done),
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
    calls: list[tuple[Call, _Facts, tuple[str, ...]]],
    key: Callable[[Call, tuple[str, ...]], Iterable[str]],
    costs: Costs,
) -> dict[str, Figures]:
    groups: dict[str, list[_Facts]] = {}
    for call, facts, providers in calls:
        for name in key(call, providers):
            groups.setdefault(name, []).append(facts)
    return {name: _figures(items, costs) for name, items in sorted(groups.items())}


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
    providers = {i.id: tuple(provider_of(i)) for i in chosen}
    return report_calls(
        (Call.of(i) for i in chosen),
        start,
        end,
        provider_of=lambda c: providers[c.id],
        costs=costs,
    )


def report_calls(
    calls: Iterable[Call],
    start: datetime,
    end: datetime,
    *,
    provider_of: Callable[[Call], Iterable[str]] = lambda c: (),
    costs: Costs = DEFAULT_COSTS,
) -> Report:
    """``report`` of calls rather than incidents: the same figures, the same groups."""
    chosen = [
        (c, _Facts.of(c), tuple(provider_of(c))) for c in calls if start <= c.received_at < end
    ]
    return Report(
        start=start,
        end=end,
        total=_figures([f for _c, f, _p in chosen], costs),
        by_division=_group(chosen, lambda c, _p: (c.division or "unknown",), costs),
        by_call_type=_group(chosen, lambda c, _p: (c.call_type,), costs),
        by_provider=_group(chosen, lambda _c, p: p, costs),
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
    # Appended: the columns before keep their positions.
    "follow_ups_scheduled",
    "follow_ups_done",
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
            str(f.follow_ups_scheduled),
            str(f.follow_ups_done),
        ]

    rows = [list(CSV_COLUMNS), row("total", "all", rep.total)]
    for group, table in (
        ("division", rep.by_division),
        ("call_type", rep.by_call_type),
        ("provider", rep.by_provider),
    ):
        rows.extend(row(group, name, f) for name, f in table.items())
    return rows
