"""Alerts: incidents waiting past their threshold and teams past their timers.

``AlertBook`` turns the state at a moment into the alerts that are due, once
each, remembers which the dispatcher acknowledged, and says which have gone
unacknowledged long enough to escalate to the supervisors. An alert that no
longer applies (the team checked in, the call was dispatched) goes away by
itself; if it comes back later it is a new alert.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .config import Thresholds
from .enums import IncidentState
from .model import Incident, Team
from .timers import Level, format_elapsed, incident_age, incident_level, team_overdue


@dataclass(frozen=True)
class Alert:
    key: str  # stable while the condition lasts
    text: str
    since: datetime
    incident_id: str | None = None
    team_id: str | None = None


@dataclass
class AlertBook:
    thresholds: Thresholds
    active: dict[str, Alert] = field(default_factory=dict)
    acknowledged: set[str] = field(default_factory=set)
    escalated: set[str] = field(default_factory=set)

    def current(
        self, incidents: Iterable[Incident], teams: Iterable[Team], now: datetime
    ) -> dict[str, Alert]:
        due: dict[str, Alert] = {}
        for incident in incidents:
            if incident.state != IncidentState.PENDING:
                continue
            if incident_level(incident, now, self.thresholds) == Level.ALARM:
                key = f"pending:{incident.id}"
                since = incident.received_at + timedelta(minutes=self.thresholds.pending_alarm_min)
                due[key] = Alert(
                    key,
                    f"{incident.number} ({incident.location.division or 'no division'}) waiting "
                    f"{format_elapsed(incident_age(incident, now))} with no team",
                    since,
                    incident_id=incident.id,
                )
        for team in teams:
            overdue = team_overdue(team, now, self.thresholds)
            if overdue is not None:
                key = f"team:{team.id}:{team.status}:{overdue.since.isoformat()}"
                due[key] = Alert(key, overdue.reason, overdue.since, team_id=team.id)
        return due

    def update(
        self, incidents: Iterable[Incident], teams: Iterable[Team], now: datetime
    ) -> tuple[list[Alert], list[str], list[Alert]]:
        """(new alerts, keys that ended, alerts to escalate now)."""
        due = self.current(incidents, teams, now)
        new = [alert for key, alert in due.items() if key not in self.active]
        ended = [key for key in self.active if key not in due]
        for key in ended:
            self.acknowledged.discard(key)
            self.escalated.discard(key)
        self.active = due
        escalate_after = timedelta(minutes=self.thresholds.escalate_after_min)
        escalate = [
            alert
            for key, alert in due.items()
            if key not in self.acknowledged
            and key not in self.escalated
            and now - alert.since >= escalate_after
        ]
        self.escalated.update(alert.key for alert in escalate)
        return new, ended, escalate

    def acknowledge(self, key: str) -> None:
        if key in self.active:
            self.acknowledged.add(key)

    def unacknowledged(self) -> list[Alert]:
        return [a for k, a in self.active.items() if k not in self.acknowledged]
