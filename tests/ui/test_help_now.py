"""A field team's "help now" at the console and on the wall (issue 24).

The server is played by ``server_side`` (the console's real store and
workspace); the phone side and a real server: tests/field/test_field_browser.py.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.ui.test_followups_and_escalation import notices_of, on_scene
from umcr_console.domain import events as ev
from umcr_console.domain.alerts import help_acknowledgement_event_id
from umcr_console.domain.enums import EventType, TeamStatus


def _call_for_help(workspace, server_side, team: str, **payload) -> None:
    server_side.accept(
        workspace.new_event(EventType.TEAM_HELP_REQUESTED, team, ev.HelpRequested(**payload)),
        actor="field1",
    )


def test_help_now_is_a_loud_notice_at_once_and_acknowledging_it_tells_the_team(
    qtbot, window, workspace, server_side
) -> None:
    pl1 = on_scene(workspace, server_side)
    window.notices_dock.hide()
    _call_for_help(
        workspace, server_side, pl1, note="he has a bat", lat=34.0612, lon=-118.2456, accuracy_m=9
    )
    # No tick needed: the team's change itself shows it.
    (notice,) = notices_of(window, pl1, "help")
    assert notice.text.startswith("HELP NOW: PL-1 (")
    assert "Olympic & Vermont" in notice.text and "34.06120, -118.24560" in notice.text
    assert "he has a bat" in notice.text and notice.incident_id is not None
    assert window.notices_dock.isVisible()
    window.tick()
    assert len(notices_of(window, pl1, "help")) == 1  # shown once

    window.notices.list.setCurrentRow(window.notices.notices().index(notice))
    window.notices.acknowledge_selected()
    (pending,) = workspace.pending_items()
    assert pending.event.type == EventType.TEAM_HELP_ACKNOWLEDGED
    requested_at = workspace.view.teams[pl1].help.requested_at
    assert pending.event.event_id == help_acknowledgement_event_id(pl1, requested_at)
    assert workspace.view.teams[pl1].help.acknowledged_at is not None
    window.tick()
    assert notices_of(window, pl1, "help") == []


def test_help_acknowledged_on_another_console_leaves_this_one(
    qtbot, window, workspace, server_side
) -> None:
    pl1 = on_scene(workspace, server_side)
    _call_for_help(workspace, server_side, pl1)
    assert len(notices_of(window, pl1, "help")) == 1
    requested_at = workspace.view.teams[pl1].help.requested_at
    server_side.accept(
        workspace.new_event(
            EventType.TEAM_HELP_ACKNOWLEDGED, pl1, ev.HelpAcknowledged(requested_at=requested_at)
        ),
        actor="dispatcher2",
    )
    window.tick()
    assert notices_of(window, pl1, "help") == []


def test_the_wall_shows_the_call_for_help_without_the_position(
    qtbot, workspace, deployment, server_side, clock
) -> None:
    from umcr_console.ui.wall import WallWindow

    wall = WallWindow(workspace, deployment, clock=clock)
    wall.ticker.stop()
    qtbot.addWidget(wall)
    wall.show()
    assert wall.help_banner.isHidden()
    pl1 = on_scene(workspace, server_side)
    # What the wall's server sends: the team's help without position or note.
    _call_for_help(workspace, server_side, pl1)
    assert not wall.help_banner.isHidden()
    assert wall.help_banner.text().startswith("HELP NOW: PL-1 (")
    assert "last position" not in wall.help_banner.text()
    requested_at = workspace.view.teams[pl1].help.requested_at
    server_side.accept(
        workspace.new_event(
            EventType.TEAM_HELP_ACKNOWLEDGED, pl1, ev.HelpAcknowledged(requested_at=requested_at)
        )
    )
    assert wall.help_banner.isHidden()


def test_the_map_draws_a_team_where_it_reported_itself_with_the_age(
    qtbot, window, workspace, server_side, clock
) -> None:
    import numpy as np

    from tests.ui.test_map import marker_of
    from umcr_console.protocol import Positions, TeamPosition
    from umcr_console.ui.field_positions import PositionFeed

    the_map = window.map
    pl1 = on_scene(workspace, server_side)  # an incident without coordinates
    station_xy = marker_of(the_map.team_scatter, pl1)
    lat, lon = 34.0617, -118.3090
    report = TeamPosition(
        team_id=pl1, lat=lat, lon=lon, accuracy_m=10, at=clock() - timedelta(minutes=4), age_s=240
    )
    fetched: list[int] = []

    async def fetch() -> Positions:
        fetched.append(1)
        return Positions(retention_hours=12, positions=[report])

    feed = PositionFeed(fetch, the_map, window, every_s=3600)
    asyncio.run(feed.update())
    assert fetched and np.allclose(
        marker_of(the_map.team_scatter, pl1), the_map.projection.to_xy(lat, lon)
    )
    assert "PL-1 (4 min ago)" in the_map.team_labels[pl1].toPlainText()
    # Back at base (available): drawn at its station again, without an age.
    server_side.accept(
        workspace.new_event(
            EventType.TEAM_STATUS_CHANGED, pl1, ev.StatusChanged(status=TeamStatus.AVAILABLE)
        )
    )
    assert np.allclose(marker_of(the_map.team_scatter, pl1), station_xy)

    async def refused() -> Positions:
        raise PermissionError("403: the wall role may not read teams' positions")

    # A refusal (a role without access, no signal) leaves the map as it was.
    asyncio.run(PositionFeed(refused, the_map, window).update())
    assert np.allclose(marker_of(the_map.team_scatter, pl1), station_xy)
