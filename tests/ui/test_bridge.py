"""ui/bridge.py: the core's plain signals reach Qt through the bridge, and only it."""

from __future__ import annotations

import dataclasses

import pytest

from umcr_console.domain import events as ev
from umcr_console.domain.enums import EventType
from umcr_console.sync.engine import LinkState, SyncEngine
from umcr_console.ui.bridge import WorkspaceBridge

# Nothing listens there: the engine is built, never started.
NO_SERVER = "http://127.0.0.1:9"


def _recorder(signal) -> list:
    seen: list = []
    signal.connect(seen.append)
    return seen


def _engine(workspace) -> SyncEngine:
    return SyncEngine(NO_SERVER, workspace, username="dispatcher1", password="unused")


def test_workspace_changes_arrive_as_qt_signals(qtbot, workspace, server_side, clock) -> None:
    bridge = WorkspaceBridge(workspace)
    incidents = _recorder(bridge.incidents_changed)
    counts = _recorder(bridge.counts_changed)
    incident_id = server_side.create_incident("1200 W 7th St")
    assert any(incident_id in ids for ids in incidents)
    workspace.submit(
        ev.make_event(
            EventType.INCIDENT_NOTE_ADDED,
            incident_id,
            ev.NoteAdded(text="caller called back"),
            workstation_id=workspace.workstation_id,
            occurred_at=clock(),
        )
    )
    assert counts and counts[-1].unsent == 1  # one action waits to be sent


def test_attach_sync_emits_the_status_at_once_then_every_change(qtbot, workspace) -> None:
    bridge = WorkspaceBridge(workspace)
    engine = _engine(workspace)
    statuses = _recorder(bridge.sync_status_changed)
    notices = _recorder(bridge.sync_notice)
    logins = _recorder(bridge.login_required)
    bridge.attach_sync(engine)
    assert statuses == [engine.status]  # a window shows the link without waiting
    offline = dataclasses.replace(engine.status, link=LinkState.OFFLINE)
    engine.status_changed.emit(offline)
    engine.notice.emit("PL-1 sign-in locked until 14:00")
    engine.login_required.emit("the session expired")
    assert statuses[-1] is offline
    assert notices == ["PL-1 sign-in locked until 14:00"]
    assert logins == ["the session expired"]


def test_one_engine_per_bridge(qtbot, workspace) -> None:
    bridge = WorkspaceBridge(workspace)
    bridge.attach_sync(_engine(workspace))
    with pytest.raises(RuntimeError, match="already"):
        bridge.attach_sync(_engine(workspace))


def test_the_main_window_hears_the_engine_only_through_its_bridge(qtbot, window) -> None:
    engine = _engine(window.workspace)
    assert window.engine is None  # set in __init__, not discovered with getattr
    window.attach_sync(engine)
    assert window.engine is engine
    # The engine's signal has one listener: the bridge, not a widget.
    assert len(engine.status_changed) == len(engine.notice) == len(engine.login_required) == 1
    engine.notice.emit("PL-1 sign-in locked until 14:00")
    assert [n.text for n in window.notices.notices()] == ["PL-1 sign-in locked until 14:00"]
    engine.status_changed.emit(
        dataclasses.replace(engine.status, link=LinkState.OFFLINE, login_required=True)
    )
    assert window.sign_in_action.isEnabled()
    assert "log in again" in window.status.connection.text()
