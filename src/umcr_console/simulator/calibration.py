"""The pure calibration path: the same simulator on an in-memory floor.

No server, no waiting: the floor is a ``domain.state.State`` judged by
``domain.rules.decide`` (through ``LocalFloor``), and time jumps from step to
step. A simulated month takes about a second, so the model can be checked
against its targets in the test suite. The figures come from
``domain.reports.figures``, the same definitions the wall and the report
window use.
"""

from __future__ import annotations

import asyncio
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..config import load_deployment
from ..domain import reports
from ..domain.config import Deployment
from ..domain.enums import EventType, Source, TeamStatus
from ..domain.model import Incident
from .calls import Places
from .engine import Simulator, Stats, _local_zone
from .floor import LocalFloor
from .pacing import InstantPacer
from .params import Parameters
from .profile import CallProfile, load_profile

# A Sunday at local midnight, so whole simulated days are whole local days.
DEFAULT_START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
# Calls still open when arrivals stop are worked to the end within this time.
DRAIN = timedelta(days=1)


@dataclass(frozen=True)
class Calibration:
    """What a simulated period produced, in the program's figures."""

    days: float
    figures: reports.Figures
    incidents: list[Incident]
    stats: Stats
    hour_counts: list[int]
    # Program figures by the report's definitions (reports.py):
    calls_per_day: float
    redirect_share: float
    response_mean_min: float
    on_scene_mean_min: float
    # Also: dispatched calls only (team-initiated ones count 0 min in the report).
    response_dispatched_mean_min: float
    team_initiated_share: float
    # Minutes a team spent on scene (on scene -> leaving), from the event log.
    scene_status_mean_min: float
    rejections: int

    def hour_correlation(self, reference: list[float] | tuple[float, ...]) -> float:
        """Pearson r of the simulated calls per local hour with ``reference``."""
        return statistics.correlation([float(c) for c in self.hour_counts], list(reference))


def _minutes(delta: timedelta) -> float:
    return delta.total_seconds() / 60


def calibrate(
    places: Places,
    *,
    days: float = 30,
    params: Parameters | None = None,
    seed: int | str = 1,
    deployment: Deployment | None = None,
    profile: CallProfile | None = None,
    start: datetime = DEFAULT_START,
) -> Calibration:
    """Simulate ``days`` of calls on an in-memory floor and measure them."""
    deployment = deployment or load_deployment("pilot")
    profile = profile or load_profile()
    floor = LocalFloor.with_roster(deployment, start)
    sim = Simulator(
        floor,
        InstantPacer(start),
        deployment,
        places,
        params=params,
        profile=profile,
        seed=seed,
    )
    end = start + timedelta(days=days)
    stats = asyncio.run(sim.run(until=end + DRAIN, arrivals_until=end))
    incidents = reports.in_period(floor.state.incidents.values(), start, end)
    figures = reports.figures(incidents)
    zone = _local_zone()
    hours = [0] * 24
    for incident in incidents:
        hours[incident.received_at.astimezone(zone).hour] += 1
    handled = [i for i in incidents if i.disposition not in reports.NOT_HANDLED]
    dispatched = [i for i in handled if i.source != Source.TEAM_INITIATED]
    scene_minutes = _scene_status_minutes(floor)
    return Calibration(
        days=days,
        figures=figures,
        incidents=incidents,
        stats=stats,
        hour_counts=hours,
        calls_per_day=figures.calls / days,
        redirect_share=figures.redirect_rate or 0.0,
        response_mean_min=figures.response.mean_min or 0.0,
        on_scene_mean_min=figures.on_scene.mean_min or 0.0,
        response_dispatched_mean_min=statistics.fmean(reports.response_minutes(dispatched))
        if dispatched
        else 0.0,
        team_initiated_share=(
            sum(1 for i in incidents if i.source == Source.TEAM_INITIATED) / len(incidents)
            if incidents
            else 0.0
        ),
        scene_status_mean_min=statistics.fmean(scene_minutes) if scene_minutes else 0.0,
        rejections=sum(stats.rejected.values()),
    )


def _scene_status_minutes(floor: LocalFloor) -> list[float]:
    """Each stay in ``on_scene``: from the status change to the team's next one."""
    arrived: dict[str, datetime] = {}
    stays = []
    incident_team: dict[str, list[str]] = {}
    for event in floor.events:
        if event.type == EventType.INCIDENT_TEAM_ASSIGNED:
            incident_team.setdefault(event.entity_id, []).append(str(event.payload["team_id"]))
        if event.type == EventType.TEAM_STATUS_CHANGED:
            team_id = event.entity_id
            if team_id in arrived:
                stays.append(_minutes(event.occurred_at - arrived.pop(team_id)))
            if event.payload["status"] == TeamStatus.ON_SCENE:
                arrived[team_id] = event.occurred_at
        if event.type == EventType.INCIDENT_CLOSED:
            # Closing moves the team on scene to follow-up without a status event.
            for team_id in incident_team.get(event.entity_id, []):
                if team_id in arrived:
                    stays.append(_minutes(event.occurred_at - arrived.pop(team_id)))
    return stays


def summary(cal: Calibration) -> dict[str, object]:
    """The headline figures, rounded, for printing."""
    return {
        "days": cal.days,
        "calls_per_day": round(cal.calls_per_day, 2),
        "redirect_share": round(cal.redirect_share, 4),
        "response_mean_min": round(cal.response_mean_min, 1),
        "response_dispatched_mean_min": round(cal.response_dispatched_mean_min, 1),
        "on_scene_mean_min": round(cal.on_scene_mean_min, 1),
        "scene_status_mean_min": round(cal.scene_status_mean_min, 1),
        "team_initiated_share": round(cal.team_initiated_share, 3),
        "dispositions": dict(Counter(cal.figures.dispositions)),
        "rejections": cal.rejections,
        "max_waiting": cal.stats.max_waiting,
    }
