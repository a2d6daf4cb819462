"""The model's inputs from past incidents: calls per hour of week, service, travel.

The same incidents the reports read (``domain.reports``: a call counts in the
period it was received in), so the planner and the report window agree on
what a call is. From them:

- **Demand**: calls that needed a team, per division and local hour of the
  week. Duplicates do not; calls redirected at intake without a team do not;
  calls that waited and were given up (cancelled with no team) did.
  With less than two weeks of history each weekday has too few calls of its
  own, so the hours of all days are pooled (same rate every day).
- **Service**: how long a call kept a team, dispatched -> closed, plus the
  documentation after it (a team reaching the scene documents; incidents do
  not record that time, so it is an input: 20 min by default, the
  simulator's assumption). Its coefficient of variation adds the
  documentation's own spread.
- **Travel**: dispatched -> first team on scene, dispatched calls only;
  **processing**: the median of received -> dispatched (the median, because
  the calls that waited would pull a mean up); **found on patrol**: the
  share of calls with a team on scene within a minute of being received that
  were team-initiated, which the program's response figure counts at 0.

Closed incidents no longer name their team (it is detached on closing), so
which calls a team of another division took is not in the history. The
service and travel seen include those drives; ``own_division`` takes out the
share the model's heuristic expects at the staffing the history had.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..domain import reports
from ..domain.config import ServiceArea
from ..domain.enums import Disposition, Source
from ..domain.marks import tr
from ..domain.model import Incident
from .model import HOURS_PER_WEEK, AreaDemand, ServiceProfile, cross_division_share
from .scenarios import demand

TIMEZONE = "America/Los_Angeles"
POOL_DAYS_BELOW = timedelta(days=14)
# Fewer service samples than this: the fallback profile is used instead.
MIN_SAMPLES = 30
FOUND_WITHIN = timedelta(minutes=1)


def local_zone() -> tzinfo:
    """L.A. time (the hour-of-week buckets are local), PST on a system without tzdata."""
    try:
        return ZoneInfo(TIMEZONE)
    except ZoneInfoNotFoundError:  # Windows without the tzdata package
        return timezone(timedelta(hours=-8), "PST")


def hour_of_week(at: datetime, zone: tzinfo) -> int:
    local = at.astimezone(zone)
    return local.weekday() * 24 + local.hour


def needs_team(incident: Incident) -> bool:
    """A call that needed a team (whether or not it got one)."""
    if incident.disposition == Disposition.DUPLICATE:
        return False
    return not (incident.disposition in reports.REDIRECTED and incident.times.dispatched_at is None)


@dataclass(frozen=True)
class History:
    """What a period of incidents says about demand and service."""

    start: datetime
    end: datetime
    calls: int
    rates: dict[str, tuple[float, ...]]  # per division, calls per hour of week
    service: ServiceProfile
    service_samples: int
    from_fallback: bool
    pooled_days: bool
    notes: tuple[str, ...]

    @property
    def days(self) -> float:
        return (self.end - self.start).total_seconds() / 86400

    def demand(
        self, areas: Sequence[ServiceArea], service: ServiceProfile | None = None
    ) -> tuple[AreaDemand, ...]:
        return demand(areas, self.rates, service or self.service)

    def own_division(
        self, areas: Sequence[ServiceArea], teams_per_area: Mapping[str, int]
    ) -> ServiceProfile:
        """The service profile less the cross-division drives the history's staffing implied."""
        s = self.service
        calls = sum(sum(v) for v in self.rates.values())
        if not calls or s.cross_division_extra_min == 0:
            return s
        weighted = 0.0
        for area in areas:
            area_calls = sum(sum(self.rates.get(d, ())) for d in area.divisions)
            teams = teams_per_area.get(area.name, 0)
            if not area_calls or not teams:
                continue
            load = area_calls * s.mean_min / 60 / HOURS_PER_WEEK
            weighted += area_calls * cross_division_share(
                teams, len(area.divisions), min(1.0, load / teams)
            )
        share = weighted / calls
        extra = s.cross_division_extra_min * share
        return replace(
            s,
            mean_min=max(1.0, s.mean_min - extra * (1 - s.zero_response_share)),
            travel_min=max(0.0, s.travel_min - extra),
        )


def _hour_exposure(start: datetime, end: datetime, zone: tzinfo) -> list[float]:
    """How many hours of each local hour of week the period holds (fractions at the ends)."""
    exposure = [0.0] * HOURS_PER_WEEK
    slot = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    while slot < end:
        nxt = slot + timedelta(hours=1)
        overlap = (min(nxt, end) - max(slot, start)).total_seconds() / 3600
        if overlap > 0:
            exposure[hour_of_week(slot, zone)] += overlap
        slot = nxt
    return exposure


def _minutes(delta: timedelta) -> float:
    return delta.total_seconds() / 60


def from_incidents(
    incidents: Iterable[Incident],
    start: datetime,
    end: datetime,
    *,
    fallback: ServiceProfile,
    documentation_min: float = 20.0,
    documentation_cv: float = 0.5,
    zone: tzinfo | None = None,
) -> History:
    """Estimate demand and service from the incidents received in [start, end)."""
    if end <= start:
        raise ValueError("the period must end after it starts")
    zone = zone or local_zone()
    chosen = [i for i in reports.in_period(incidents, start, end) if needs_team(i)]
    notes: list[str] = []

    # Demand per division and hour of week.
    exposure = _hour_exposure(start, end, zone)
    pooled = end - start < POOL_DAYS_BELOW
    counts: dict[str, Counter[int]] = {}
    unknown = 0
    for incident in chosen:
        division = incident.location.division
        if not division:
            unknown += 1
            continue
        counts.setdefault(division, Counter())[hour_of_week(incident.received_at, zone)] += 1
    if unknown:
        notes.append(tr("{count} calls without a division left out").format(count=unknown))
    if pooled:
        notes.append(tr("less than two weeks: hours pooled over the days of the week"))
        by_hour = [
            sum(exposure[h] for h in range(HOURS_PER_WEEK) if h % 24 == k) for k in range(24)
        ]
    rates: dict[str, tuple[float, ...]] = {}
    for division, counter in counts.items():
        if pooled:
            per_hour = [
                sum(n for h, n in counter.items() if h % 24 == k) / by_hour[k]
                if by_hour[k]
                else 0.0
                for k in range(24)
            ]
            rates[division] = tuple(per_hour[h % 24] for h in range(HOURS_PER_WEEK))
        else:
            rates[division] = tuple(
                counter[h] / exposure[h] if exposure[h] else 0.0 for h in range(HOURS_PER_WEEK)
            )

    # Service, travel, processing, calls found on patrol.
    busy, travel, processing = [], [], []
    responses = found = 0
    for incident in chosen:
        t = incident.times
        dispatched, on_scene, closed = t.dispatched_at, t.on_scene_at, t.closed_at
        if dispatched is None:
            continue
        is_found = (
            incident.source == Source.TEAM_INITIATED
            and on_scene is not None
            and on_scene - incident.received_at <= FOUND_WITHIN
        )
        if closed is not None and closed >= dispatched:
            # A team that never reached the scene (cancelled en route) has nothing to write up.
            documentation = documentation_min if on_scene is not None else 0.0
            busy.append(_minutes(closed - dispatched) + documentation)
        if on_scene is not None and incident.disposition not in reports.NOT_HANDLED:
            responses += 1
            found += is_found
        if not is_found:
            processing.append(_minutes(dispatched - incident.received_at))
            if on_scene is not None and on_scene >= dispatched:
                travel.append(_minutes(on_scene - dispatched))

    if len(busy) < MIN_SAMPLES or len(travel) < MIN_SAMPLES:
        notes.append(
            tr(
                "only {count} calls with a team: service times from the simulator's calibration"
            ).format(count=len(busy))
        )
        service, from_fallback = fallback, True
    else:
        mean = statistics.fmean(busy)
        variance = statistics.pvariance(busy) + (documentation_min * documentation_cv) ** 2
        travel_mean = statistics.fmean(travel)
        service = ServiceProfile(
            mean_min=mean,
            cv=math.sqrt(variance) / mean,
            travel_min=travel_mean,
            travel_cv=statistics.pstdev(travel) / travel_mean if travel_mean else 0.0,
            processing_min=statistics.median(processing) if processing else fallback.processing_min,
            cross_division_extra_min=fallback.cross_division_extra_min,
            zero_response_share=min(0.95, found / responses) if responses else 0.0,
        )
        from_fallback = False
    return History(
        start=start,
        end=end,
        calls=len(chosen),
        rates=rates,
        service=service,
        service_samples=len(busy),
        from_fallback=from_fallback,
        pooled_days=pooled,
        notes=tuple(notes),
    )
