"""Timers and thresholds: how late is an incident, how overdue is a team.

Pure functions of an entity, ``now`` and the configured thresholds, so the
queue colours, the alerts and the tests all read the same clock the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum

from .config import Thresholds
from .enums import IncidentState, TeamStatus
from .marks import tr
from .model import Incident, Team


class Level(IntEnum):
    """How much attention a row asks for; higher is worse."""

    NORMAL = 0
    WARNING = 1
    ALARM = 2


def incident_age(incident: Incident, now: datetime) -> timedelta:
    """Time since the call was received (until closed, then the final figure)."""
    end = incident.times.closed_at or now
    return max(end - incident.received_at, timedelta(0))


def waiting_since(incident: Incident) -> datetime:
    """When the call started to wait for a team: received, or its scheduled time if later.

    A call planned for 14:00 (``incident.scheduled``) is not late at 13:00.
    """
    scheduled = incident.scheduled_for
    if scheduled is not None and scheduled > incident.received_at:
        return scheduled
    return incident.received_at


def time_in_state(incident: Incident, now: datetime) -> timedelta:
    """Time since the incident entered its current state."""
    times = incident.times
    if incident.state == IncidentState.CLOSED and times.closed_at:
        start = times.closed_at
    elif incident.state == IncidentState.ASSIGNED and times.dispatched_at:
        start = times.on_scene_at or times.en_route_at or times.dispatched_at
    else:
        start = incident.received_at
    return max(now - start, timedelta(0))


def incident_level(incident: Incident, now: datetime, thresholds: Thresholds) -> Level:
    """Aging colour of a queue row.

    Pending: warning and alarm after the configured minutes waiting. Assigned
    but no team on scene yet: warning at 80% of the response target, alarm
    past it. On scene or closed: normal. Waiting counts from
    ``waiting_since`` (the scheduled time of a call planned for later).
    """
    if not incident.is_open or incident.times.on_scene_at is not None:
        return Level.NORMAL
    minutes = (now - waiting_since(incident)).total_seconds() / 60
    if incident.state == IncidentState.PENDING:
        if minutes >= thresholds.pending_alarm_min:
            return Level.ALARM
        if minutes >= thresholds.pending_warning_min:
            return Level.WARNING
        return Level.NORMAL
    if minutes >= thresholds.response_target_min:
        return Level.ALARM
    if minutes >= 0.8 * thresholds.response_target_min:
        return Level.WARNING
    return Level.NORMAL


def next_level_change(incident: Incident, now: datetime, thresholds: Thresholds) -> datetime | None:
    """When ``incident_level`` will next change if nothing happens to the incident.

    Lets a queue of thousands of rows recolour only the rows whose level moves,
    instead of judging every row every second.
    """
    if not incident.is_open or incident.times.on_scene_at is not None:
        return None
    if incident.state == IncidentState.PENDING:
        steps = (thresholds.pending_warning_min, thresholds.pending_alarm_min)
    else:
        steps = (0.8 * thresholds.response_target_min, thresholds.response_target_min)
    for minutes in steps:
        at = waiting_since(incident) + timedelta(minutes=minutes)
        if at > now:
            return at
    return None


@dataclass(frozen=True)
class Overdue:
    """A team past its status limit or safety check-in."""

    team_id: str
    reason: str
    since: datetime  # when it became overdue

    def escalation_due(self, now: datetime, thresholds: Thresholds) -> bool:
        """Unacknowledged this long, the alert goes to the supervisors."""
        return now - self.since >= timedelta(minutes=thresholds.escalate_after_min)


def team_overdue(team: Team, now: datetime, thresholds: Thresholds) -> Overdue | None:
    """Overdue if on scene without a check-in for the interval, or past its status limit."""
    if team.status == TeamStatus.ON_SCENE:
        last = max(team.last_check_in or team.status_since, team.status_since)
        due = last + timedelta(minutes=thresholds.check_in_interval_min)
        if now >= due:
            reason = tr("{team}: no check-in since {time}").format(
                team=team.call_sign, time=f"{last:%H:%M}"
            )
            return Overdue(team.id, reason, due)
        return None
    limit = thresholds.status_limit(team.status)
    if limit is not None and now >= team.status_since + limit:
        minutes = int(limit.total_seconds() // 60)
        return Overdue(
            team.id,
            tr("{team}: {status} over {minutes} min").format(
                team=team.call_sign, status=tr(team.status.label).lower(), minutes=minutes
            ),
            team.status_since + limit,
        )
    return None


def format_elapsed(delta: timedelta) -> str:
    """``m:ss`` under an hour, ``h:mm:ss`` above, as dispatch screens show it."""
    total = int(max(delta.total_seconds(), 0))
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
