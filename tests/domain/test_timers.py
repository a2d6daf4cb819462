"""Aging colours and overdue teams, with an injected clock."""

from datetime import UTC, datetime, timedelta

import pytest

from umcr_console.domain.config import Thresholds
from umcr_console.domain.enums import CallType, IncidentState, Priority, Source, TeamStatus
from umcr_console.domain.model import Incident, IncidentTimes, Location, Team
from umcr_console.domain.timers import (
    Level,
    format_elapsed,
    incident_age,
    incident_level,
    team_overdue,
    time_in_state,
)

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
TH = Thresholds()  # pending 10/20 min, response target 30 min, check-in 20 min


def incident(state: IncidentState = IncidentState.PENDING, **times: datetime) -> Incident:
    return Incident(
        id="i",
        number="U000001",
        version=1,
        state=state,
        received_at=T0,
        priority=Priority.HIGH,
        call_type=CallType.MENTAL_HEALTH,
        source=Source.LAPD_911,
        location=Location(),
        times=IncidentTimes(**times),
    )


def team(status: TeamStatus, since: datetime, last_check_in: datetime | None = None) -> Team:
    return Team(
        id="t",
        call_sign="EX-1",
        provider="Exodus Recovery",
        division="Olympic",
        status=status,
        status_since=since,
        version=1,
        last_check_in=last_check_in,
    )


@pytest.mark.parametrize(
    ("minutes", "level"),
    [
        (0, Level.NORMAL),
        (9.9, Level.NORMAL),
        (10, Level.WARNING),
        (19.9, Level.WARNING),
        (20, Level.ALARM),
    ],
)
def test_pending_ages_against_thresholds(minutes: float, level: Level) -> None:
    assert incident_level(incident(), T0 + timedelta(minutes=minutes), TH) == level


def test_assigned_ages_against_the_response_target_until_on_scene() -> None:
    dispatched = incident(IncidentState.ASSIGNED, dispatched_at=T0 + timedelta(minutes=2))
    assert incident_level(dispatched, T0 + timedelta(minutes=23), TH) == Level.NORMAL
    assert incident_level(dispatched, T0 + timedelta(minutes=24), TH) == Level.WARNING
    assert incident_level(dispatched, T0 + timedelta(minutes=30), TH) == Level.ALARM
    arrived = incident(
        IncidentState.ASSIGNED, dispatched_at=T0, on_scene_at=T0 + timedelta(minutes=29)
    )
    assert incident_level(arrived, T0 + timedelta(hours=3), TH) == Level.NORMAL


def test_age_stops_at_close_and_time_in_state_follows_the_state() -> None:
    closed = incident(IncidentState.CLOSED, dispatched_at=T0, closed_at=T0 + timedelta(minutes=50))
    assert incident_age(closed, T0 + timedelta(hours=5)) == timedelta(minutes=50)
    on_scene = incident(
        IncidentState.ASSIGNED, dispatched_at=T0, on_scene_at=T0 + timedelta(minutes=20)
    )
    assert time_in_state(on_scene, T0 + timedelta(minutes=25)) == timedelta(minutes=5)
    assert time_in_state(incident(), T0 + timedelta(minutes=3)) == timedelta(minutes=3)


def test_on_scene_without_check_in_is_overdue_after_the_interval() -> None:
    on_scene = team(TeamStatus.ON_SCENE, T0, last_check_in=T0)
    assert team_overdue(on_scene, T0 + timedelta(minutes=19, seconds=59), TH) is None
    overdue = team_overdue(on_scene, T0 + timedelta(minutes=20), TH)
    assert overdue is not None and overdue.since == T0 + timedelta(minutes=20)
    assert "no check-in" in overdue.reason
    checked = team(TeamStatus.ON_SCENE, T0, last_check_in=T0 + timedelta(minutes=15))
    assert team_overdue(checked, T0 + timedelta(minutes=30), TH) is None


def test_status_limits_and_escalation() -> None:
    dispatched = team(TeamStatus.DISPATCHED, T0)
    assert team_overdue(dispatched, T0 + timedelta(minutes=4), TH) is None
    overdue = team_overdue(dispatched, T0 + timedelta(minutes=5), TH)
    assert overdue is not None and "dispatched over 5 min" in overdue.reason
    assert not overdue.escalation_due(T0 + timedelta(minutes=9), TH)
    assert overdue.escalation_due(T0 + timedelta(minutes=10), TH)
    assert team_overdue(team(TeamStatus.AVAILABLE, T0), T0 + timedelta(days=1), TH) is None


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0:00"), (59, "0:59"), (61, "1:01"), (3600, "1:00:00"), (-5, "0:00")]
)
def test_format_elapsed(seconds: int, text: str) -> None:
    assert format_elapsed(timedelta(seconds=seconds)) == text
