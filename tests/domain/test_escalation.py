"""Overdue team alerts: escalation to supervisors and acknowledgement, shared through the log.

Rules (team.alert_escalated / team.alert_acknowledged), the AlertBook that
decides when a console escalates, and the escalations every screen shows,
all with an injected clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from umcr_console.domain.alerts import (
    AlertBook,
    acknowledgement_event_id,
    escalation_event_id,
    escalations,
)
from umcr_console.domain.config import Thresholds
from umcr_console.domain.enums import EventType, RejectCode, TeamStatus
from umcr_console.domain.events import Event
from umcr_console.domain.privacy import redact_event
from umcr_console.domain.timers import team_overdue

from .world import T0, World

TH = Thresholds()  # check-in every 20 min, escalate after 5, dispatched limit 5


def escalate(
    world: World, team: str, since: datetime, status: TeamStatus = TeamStatus.ON_SCENE
) -> Event:
    return world.event(
        EventType.TEAM_ALERT_ESCALATED,
        team,
        {"status": str(status), "overdue_since": since.isoformat(), "reason": "no check-in"},
    )


def acknowledge(world: World, team: str, since: datetime, note: str = "") -> Event:
    return world.event(
        EventType.TEAM_ALERT_ACKNOWLEDGED,
        team,
        {"overdue_since": since.isoformat(), "note": note},
    )


@pytest.fixture
def on_scene() -> tuple[World, str, datetime]:
    """A team on scene since T0 that missed its check-in: overdue since T0 + 20 min."""
    world = World()
    team, _incident = world.put_team_in(TeamStatus.ON_SCENE)
    world.now = T0 + timedelta(minutes=26)
    overdue = team_overdue(world.state.teams[team], world.now, TH)
    assert overdue is not None and overdue.since == T0 + timedelta(minutes=20)
    return world, team, overdue.since


def test_an_escalation_is_recorded_once_per_episode(on_scene) -> None:
    world, team, since = on_scene
    world.accept(escalate(world, team, since))
    assert world.state.teams[team].escalated_for == since
    again = world.reject(escalate(world, team, since), RejectCode.INVALID_TRANSITION)
    assert "escalated already" in again.detail


def test_a_stale_escalation_is_refused_after_a_check_in_or_a_new_status(on_scene) -> None:
    world, team, since = on_scene
    world.accept(world.check_in(team, "all OK"))
    refused = world.reject(escalate(world, team, since), RejectCode.INVALID_TRANSITION)
    assert "checked in" in refused.detail
    world.accept(world.status(team, TeamStatus.TRANSPORTING))
    refused = world.reject(escalate(world, team, since), RejectCode.INVALID_TRANSITION)
    assert "transporting now" in refused.detail


def test_an_escalation_cannot_name_an_episode_that_has_not_begun(on_scene) -> None:
    world, team, _since = on_scene
    future = world.now + timedelta(minutes=1)
    world.reject(escalate(world, team, future), RejectCode.INVALID_PAYLOAD)


def test_a_check_in_on_scene_ends_the_escalation_and_the_next_episode_escalates_anew(
    on_scene,
) -> None:
    world, team, since = on_scene
    world.accept(escalate(world, team, since))
    world.accept(world.check_in(team, "sorry, all fine"))
    state = world.state.teams[team]
    assert state.escalated_for is None and escalations([state]) == []
    world.tick(25)
    overdue = team_overdue(world.state.teams[team], world.now, TH)
    assert overdue is not None and overdue.since > since
    world.accept(escalate(world, team, overdue.since))


def test_a_check_in_does_not_end_a_status_limit_episode() -> None:
    """Dispatched over 5 min is about getting en route; a check-in does not answer it."""
    world = World()
    team, _incident = world.put_team_in(TeamStatus.DISPATCHED)
    world.tick(11)
    overdue = team_overdue(world.state.teams[team], world.now, TH)
    assert overdue is not None
    world.accept(escalate(world, team, overdue.since, TeamStatus.DISPATCHED))
    world.accept(world.check_in(team, "stuck in traffic"))
    assert world.state.teams[team].escalated_for == overdue.since
    world.accept(world.status(team, TeamStatus.EN_ROUTE))
    assert world.state.teams[team].escalated_for is None


def test_acknowledging_stops_the_escalation_everywhere(on_scene) -> None:
    world, team, since = on_scene
    world.accept(acknowledge(world, team, since, "radioed, they are fine"))
    assert world.state.teams[team].alert_acknowledged_for == since
    refused = world.reject(escalate(world, team, since), RejectCode.INVALID_TRANSITION)
    assert "acknowledged" in refused.detail
    world.reject(acknowledge(world, team, since), RejectCode.INVALID_TRANSITION)


def test_a_supervisor_acknowledges_an_escalated_alert(on_scene) -> None:
    world, team, since = on_scene
    world.accept(escalate(world, team, since))
    (open_one,) = escalations(world.state.teams.values())
    assert open_one.team_id == team and open_one.since == since
    assert "ESCALATED" in open_one.text
    world.accept(acknowledge(world, team, since))
    assert escalations(world.state.teams.values()) == []


def test_alert_book_escalates_after_the_configured_minutes_once(on_scene) -> None:
    world, team, since = on_scene
    book = AlertBook(TH)
    teams = world.state.teams.values
    new, ended, escalate_now = book.update([], teams(), since + timedelta(minutes=4))
    assert [a.team_id for a in new] == [team] and ended == [] and escalate_now == []
    _, _, escalate_now = book.update([], teams(), since + timedelta(minutes=5))
    assert [a.team_id for a in escalate_now] == [team]
    assert escalate_now[0].since == since
    _, _, escalate_now = book.update([], teams(), since + timedelta(minutes=6))
    assert escalate_now == []


def test_alert_book_follows_acknowledgements_and_escalations_of_other_consoles(
    on_scene,
) -> None:
    world, team, since = on_scene
    # Another console acknowledged: this one must not escalate.
    world.accept(acknowledge(world, team, since))
    book = AlertBook(TH)
    _, _, escalate_now = book.update([], world.state.teams.values(), since + timedelta(minutes=9))
    assert escalate_now == []
    (alert,) = book.active.values()
    assert book.is_acknowledged(alert.key)

    # A console that restarts after an escalation does not escalate again.
    other = World()
    team2, _ = other.put_team_in(TeamStatus.ON_SCENE)
    other.now = since + timedelta(minutes=5)
    other.accept(escalate(other, team2, since))
    fresh = AlertBook(TH)
    _, _, escalate_now = fresh.update([], other.state.teams.values(), other.now)
    assert escalate_now == []


def test_alert_book_forgets_an_alert_that_ended_and_a_new_one_escalates(on_scene) -> None:
    world, team, since = on_scene
    book = AlertBook(TH)
    book.update([], world.state.teams.values(), since + timedelta(minutes=5))
    world.accept(world.check_in(team))
    _, ended, _ = book.update([], world.state.teams.values(), world.now)
    assert len(ended) == 1 and book.active == {}


def test_consoles_escalating_the_same_episode_make_the_same_event_id(on_scene) -> None:
    _world, team, since = on_scene
    assert escalation_event_id(team, since) == escalation_event_id(
        team, since.astimezone(timezone(timedelta(hours=-7)))
    )
    assert escalation_event_id(team, since) != escalation_event_id(
        team, since + timedelta(seconds=1)
    )
    assert acknowledgement_event_id(team, since) != escalation_event_id(team, since)


def test_the_wall_sees_the_escalation_but_not_the_words(on_scene) -> None:
    world, team, since = on_scene
    event = acknowledge(world, team, since, "mother says he is calmer")
    assert "note" not in redact_event(event).payload
    event = escalate(world, team, since)
    assert "reason" not in redact_event(event).payload
    assert redact_event(event).payload["overdue_since"] == since.isoformat()
