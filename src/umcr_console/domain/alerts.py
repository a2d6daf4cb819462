"""Alerts: incidents waiting past their threshold and teams past their timers.

``AlertBook`` turns the state at a moment into the alerts that are due, once
each, remembers which the dispatcher acknowledged, and says which have gone
unacknowledged long enough to escalate to the supervisors. An alert that no
longer applies (the team checked in, the call was dispatched) goes away by
itself; if it comes back later it is a new alert.

Team alerts are shared through the event log: acknowledging one records
``team.alert_acknowledged`` and escalating one records
``team.alert_escalated``, both for the overdue episode (``Alert.since``). The
team then carries ``alert_acknowledged_for`` / ``escalated_for``, so every
console (and the wall) sees the same thing, a console that restarts does not
escalate twice, and ``escalation_event_id`` makes two consoles escalating at
the same second one event (the second is a duplicate on the server).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from .config import Thresholds
from .enums import IncidentState
from .ids import name_id
from .marks import tr
from .model import Incident, Team
from .timers import (
    Level,
    format_elapsed,
    incident_age,
    incident_level,
    team_overdue,
    waiting_since,
)


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
                since = waiting_since(incident) + timedelta(
                    minutes=self.thresholds.pending_alarm_min
                )
                due[key] = Alert(
                    key,
                    tr("{number} ({division}) waiting {elapsed} with no team").format(
                        number=incident.number,
                        division=incident.location.division or tr("no division"),
                        elapsed=format_elapsed(incident_age(incident, now)),
                    ),
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
        """(new alerts, keys that ended, alerts to escalate now).

        A team alert acknowledged or escalated on any console (the team's
        ``alert_acknowledged_for`` / ``escalated_for`` name its episode) counts
        as acknowledged or escalated here too.
        """
        teams = list(teams)
        due = self.current(incidents, teams, now)
        new = [alert for key, alert in due.items() if key not in self.active]
        ended = [key for key in self.active if key not in due]
        for key in ended:
            self.acknowledged.discard(key)
            self.escalated.discard(key)
        self.active = due
        by_id = {team.id: team for team in teams}
        for key, alert in due.items():
            team = by_id.get(alert.team_id) if alert.team_id else None
            if team is None:
                continue
            if team.alert_acknowledged_for == alert.since:
                self.acknowledged.add(key)
            if team.escalated_for == alert.since:
                self.escalated.add(key)
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

    def is_acknowledged(self, key: str) -> bool:
        return key in self.acknowledged


@dataclass(frozen=True)
class Escalation:
    """An overdue team alert that went to the supervisors and nobody acknowledged yet."""

    team_id: str
    call_sign: str
    since: datetime  # when the team became overdue (the episode)
    text: str

    @property
    def key(self) -> str:
        return f"escalation:{self.team_id}:{self.since.isoformat()}"


def escalations(teams: Iterable[Team]) -> list[Escalation]:
    """The escalations open now, oldest first, from the teams alone.

    No thresholds needed: the rules clear ``escalated_for`` when the episode
    ends (new status, check-in on scene), so the wall shows exactly what the
    consoles show.
    """
    found = [
        Escalation(
            team.id,
            team.call_sign,
            team.escalated_for,
            tr(
                "ESCALATED: {team} ({status}, {division}) overdue since {time}, not acknowledged"
            ).format(
                team=team.call_sign,
                status=tr(team.status.label).lower(),
                division=team.division,
                time=f"{team.escalated_for.astimezone():%H:%M}",
            ),
        )
        for team in teams
        if team.escalated_for is not None and team.alert_acknowledged_for != team.escalated_for
    ]
    return sorted(found, key=lambda e: (e.since, e.call_sign))


def escalation_event_id(team_id: str, since: datetime) -> str:
    """One id per team and overdue episode: consoles that escalate it at once make one event."""
    return name_id("team-alert-escalated", f"{team_id}@{since.astimezone(UTC).isoformat()}")


def acknowledgement_event_id(team_id: str, since: datetime) -> str:
    return name_id("team-alert-acknowledged", f"{team_id}@{since.astimezone(UTC).isoformat()}")


@dataclass(frozen=True)
class HelpAlert:
    """A field team's "help now" nobody acknowledged yet (issue 24)."""

    team_id: str
    call_sign: str
    since: datetime  # when the team called
    incident_id: str | None
    text: str

    @property
    def key(self) -> str:
        return f"help:{self.team_id}:{self.since.isoformat()}"


def help_alerts(
    teams: Iterable[Team], incidents: dict[str, Incident] | None = None
) -> list[HelpAlert]:
    """The open calls for help, oldest first, from the teams alone (as ``escalations``).

    The text names the team, its incident (number and address when known:
    ``incidents``) and its last known position with its age.
    """
    incidents = incidents or {}
    found = []
    for team in teams:
        call = team.help
        if call is None or not call.is_open:
            continue
        incident = incidents.get(call.incident_id) if call.incident_id else None
        where = ""
        if incident is not None:
            where = tr(" on {number}").format(number=incident.number)
            if incident.location.address:
                where += tr(" at {address}").format(address=incident.location.address)
        position = ""
        if call.lat is not None and call.lon is not None:
            when = call.position_at or call.requested_at
            position = tr("; last position {lat}, {lon} at {time}").format(
                lat=f"{call.lat:.5f}", lon=f"{call.lon:.5f}", time=f"{when.astimezone():%H:%M:%S}"
            )
            if call.accuracy_m is not None:
                position += f" (±{call.accuracy_m:.0f} m)"
        note = f": {call.note}" if call.note else ""
        found.append(
            HelpAlert(
                team.id,
                team.call_sign,
                call.requested_at,
                call.incident_id,
                tr("HELP NOW: {team} ({division}){where} at {time}").format(
                    team=team.call_sign,
                    division=team.division,
                    where=where,
                    time=f"{call.requested_at.astimezone():%H:%M:%S}",
                )
                + position
                + note,
            )
        )
    return sorted(found, key=lambda h: (h.since, h.call_sign))


def help_acknowledgement_event_id(team_id: str, requested_at: datetime) -> str:
    """One id per call for help: two consoles acknowledging it at once make one event."""
    return name_id(
        "team-help-acknowledged", f"{team_id}@{requested_at.astimezone(UTC).isoformat()}"
    )
