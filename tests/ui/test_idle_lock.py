"""The idle lock (issue 10, item 3): after the configured idle time every window
hides behind a lock screen that shows counts only; the signed-in user's
password brings every window back as it was; the wall never locks; syncing
goes on behind the lock."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPlainTextEdit, QWidget

from tests.server.helpers import created
from tests.support.server import DEFAULT_USERS
from tests.support.waiting import until
from tests.ui.live import LiveConsole
from umcr_console.app import Console, Session, idle_lock_minutes, unlock_check
from umcr_console.config import load_deployment
from umcr_console.domain import events as ev
from umcr_console.domain.config import Deployment
from umcr_console.domain.enums import CallType, EventType, Priority, Source
from umcr_console.domain.ids import uuid7
from umcr_console.domain.model import Location
from umcr_console.offline_login import OfflineVerifiers
from umcr_console.store.db import LocalStore
from umcr_console.store.workspace import Workspace
from umcr_console.sync.engine import SyncEngine
from umcr_console.ui.idle_lock import IdleLock, LockScreen, lock_main_window

PASSWORD = "correct horse battery"
CALLER = "Marge Example"
PHONE = "213-555-0199"
NARRATIVE = "Son not sleeping, hearing voices"


class Ticks:
    """A monotonic clock (seconds) the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, *, minutes: float = 0, seconds: float = 0) -> None:
        self.now += minutes * 60 + seconds


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
def lock(window, ticks: Ticks):
    idle_lock = lock_main_window(
        window, verify=lambda password: password == PASSWORD, idle_min=15, clock=ticks
    )
    yield idle_lock
    idle_lock.dispose()  # a second time if the window's close did it already


def visible_windows() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def shown_text(widget: QWidget) -> str:
    """Every text a person could read on the widget."""
    parts = [w.text() for w in widget.findChildren(QLabel)]
    parts += [w.text() for w in widget.findChildren(QLineEdit) if w.echoMode() == QLineEdit.Normal]
    parts += [w.toPlainText() for w in widget.findChildren(QPlainTextEdit)]
    return "\n".join(parts)


def go_idle(lock: IdleLock, ticks: Ticks) -> None:
    ticks.advance(minutes=15)
    lock.check()
    assert lock.is_locked


def fill_intake(window) -> None:
    window.new_call()
    intake = window._intake
    intake.address.setText("742 Evergreen Terrace")
    intake.caller_name.setText(CALLER)
    intake.phone.setText(PHONE)
    intake.narrative.setPlainText(NARRATIVE)
    intake.caller_name.setFocus()


def test_it_locks_after_the_idle_time_and_not_before(window, lock, ticks, qtbot) -> None:
    ticks.advance(minutes=15, seconds=-1)
    lock.check()
    assert not lock.is_locked and window.isVisible()
    ticks.advance(seconds=1)
    lock.check()
    assert lock.is_locked
    assert visible_windows() == [lock.screen]
    assert "dispatcher1" in lock.screen.user.text()


def test_keyboard_or_mouse_input_in_any_window_restarts_the_idle_time(
    window, lock, ticks, qtbot
) -> None:
    ticks.advance(minutes=14)
    qtbot.keyClick(window.command, Qt.Key.Key_A)
    ticks.advance(minutes=14)
    lock.check()
    assert not lock.is_locked, "a key press counts as activity"
    fill_intake(window)  # another window: the filter is application-wide
    qtbot.mouseClick(window._intake.phone, Qt.MouseButton.LeftButton)
    ticks.advance(minutes=14)
    lock.check()
    assert not lock.is_locked, "a click in the intake dialog counts as activity"
    ticks.advance(minutes=1)
    lock.check()
    assert lock.is_locked


@pytest.mark.slow
def test_nothing_personal_shows_while_locked_and_the_password_brings_it_all_back(
    window, lock, ticks, server_side, qtbot
) -> None:
    incident_id = server_side.create_incident("1200 W 7th St")
    assert window.select_incident(incident_id)
    window.open_action("redirect")
    (redirect,) = window._open_dialogs
    redirect.reason.setText("caller mentions a knife")
    window.open_planner()
    fill_intake(window)
    intake = window._intake
    before = set(visible_windows())
    assert {window, intake, redirect, window.planner_window} <= before
    intake.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is intake.caller_name)

    go_idle(lock, ticks)
    assert visible_windows() == [lock.screen]
    assert all(w.isHidden() for w in (window, intake, redirect, window.planner_window))
    screen_text = shown_text(lock.screen)
    for personal in (CALLER, PHONE, NARRATIVE, "Evergreen", "7th St", "knife"):
        assert personal not in screen_text

    qtbot.keyClicks(lock.screen.password, "not my password")
    qtbot.keyClick(lock.screen.password, Qt.Key.Key_Return)
    assert lock.is_locked
    assert "Wrong password" in lock.screen.message.text()
    assert visible_windows() == [lock.screen]

    qtbot.keyClicks(lock.screen.password, PASSWORD)
    qtbot.mouseClick(lock.screen.sign_in, Qt.MouseButton.LeftButton)
    assert not lock.is_locked and lock.screen.isHidden()
    assert set(visible_windows()) == before
    # The same dialogs, every field as typed, the same incident selected.
    assert window._intake is intake
    assert intake.caller_name.text() == CALLER and intake.phone.text() == PHONE
    assert intake.narrative.toPlainText() == NARRATIVE
    assert redirect in window._open_dialogs
    assert redirect.reason.text() == "caller mentions a knife"
    assert window.selected_incident_id() == incident_id
    qtbot.waitUntil(lambda: QApplication.focusWidget() is intake.caller_name)


def test_five_wrong_passwords_keep_it_locked_and_lose_nothing(window, lock, ticks, qtbot) -> None:
    fill_intake(window)
    go_idle(lock, ticks)
    for _ in range(5):
        assert not lock.try_unlock("guess")
    assert "5 wrong passwords" in lock.screen.message.text()
    assert not lock.screen.password.isEnabled()
    assert not lock.try_unlock(PASSWORD), "even the right password waits out the pause"
    assert lock.is_locked and visible_windows() == [lock.screen]

    ticks.advance(minutes=5)
    lock.refresh()
    assert lock.screen.password.isEnabled()
    assert lock.try_unlock(PASSWORD)
    assert window._intake.narrative.toPlainText() == NARRATIVE


def test_shortcuts_and_new_windows_stay_behind_the_lock(window, lock, ticks, qtbot) -> None:
    go_idle(lock, ticks)
    qtbot.keyClick(lock.screen.password, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window._intake is None, "Ctrl+N of the hidden window must not fire"
    # Code that opens a window while locked (a rejection, "log in again") is held back.
    fill_intake(window)
    assert visible_windows() == [lock.screen]
    assert lock.try_unlock(PASSWORD)
    assert window._intake.isVisible()
    assert window._intake.caller_name.text() == CALLER


def test_quit_from_the_lock_keeps_the_outbox_and_asks_before_dropping_a_typed_call(
    window, lock, ticks, workspace, server_side, qtbot, tmp_path
) -> None:
    incident_id = server_side.create_incident("1200 W 7th St")
    window.command.setText(f"D {workspace.view.incidents[incident_id].number} PL-1")
    window.run_command()
    assert workspace.store.outbox_count() == 1
    fill_intake(window)
    go_idle(lock, ticks)

    with qtbot.assertNotEmitted(window.closed):
        qtbot.mouseClick(lock.screen.quit, Qt.MouseButton.LeftButton)
    assert "unsaved input" in lock.screen.message.text()
    assert lock.is_locked
    with qtbot.waitSignal(window.closed, timeout=1000):
        qtbot.mouseClick(lock.screen.quit, Qt.MouseButton.LeftButton)
    assert workspace.store.outbox_count() == 1
    (row,) = workspace.store.load_outbox()
    assert row.event.type == EventType.INCIDENT_TEAM_ASSIGNED


def test_while_locked_events_still_apply_and_the_lock_shows_counts_only(
    window, lock, ticks, clock, server_side, qtbot
) -> None:
    go_idle(lock, ticks)
    lock.refresh()
    assert lock.screen.summary.text() == "0 calls waiting"
    server_side.create_incident("742 Evergreen Terrace")
    server_side.create_incident("1200 W 7th St")
    assert window.queue_model.rowCount() == 2, "the queue behind the lock is current"
    lock.refresh()
    assert lock.screen.summary.text() == "2 calls waiting"
    # Waiting past the alarm threshold raises alerts: counted, flashing, no address.
    clock.advance(minutes=25)
    window.tick()
    lock.refresh()
    assert "2 alerts not acknowledged" in lock.screen.summary.text()
    assert "background" in lock.screen.summary.styleSheet()
    assert "Evergreen" not in shown_text(lock.screen)


def test_the_lock_screen_ignores_escape_and_alt_f4(window, lock, ticks, qtbot) -> None:
    go_idle(lock, ticks)
    qtbot.keyClick(lock.screen.password, Qt.Key.Key_Escape)
    lock.screen.close()
    assert lock.screen.isVisible() and lock.is_locked
    assert not window.isVisible()


@pytest.mark.slow
def test_the_password_is_checked_locally_with_the_argon2_verifier(tmp_path) -> None:
    url = "http://127.0.0.1:9"  # nothing listens there: the check never needs the server
    verifiers = OfflineVerifiers(tmp_path / "offline-login.json")
    verifiers.remember(url, "dispatcher1", PASSWORD, "dispatcher")
    session = Session(url, "dispatcher1", PASSWORD, "dispatcher", "token")
    check = unlock_check(verifiers, session)
    assert check(PASSWORD)
    assert not check("wrong") and not check("")
    # Another user's password does not open this user's lock.
    verifiers.remember(url, "dispatcher2", "other secret", "dispatcher")
    assert not check("other secret")
    # The verifier file gone: the password of this session still works, nothing else.
    (tmp_path / "offline-login.json").unlink()
    assert check(PASSWORD) and not check("wrong")


def test_the_idle_time_comes_from_the_deployment_and_may_only_be_shortened_locally(
    monkeypatch,
) -> None:
    base = load_deployment("pilot")
    assert idle_lock_minutes(base) == 15
    strict = Deployment.model_validate(
        {**base.model_dump(mode="json"), "security": {"idle_lock_min": 5}}
    )
    assert idle_lock_minutes(strict) == 5
    monkeypatch.setenv("UMCR_IDLE_LOCK_MIN", "0.5")
    assert idle_lock_minutes(strict) == 0.5
    monkeypatch.setenv("UMCR_IDLE_LOCK_MIN", "240")
    assert idle_lock_minutes(strict) == 5, "a workstation cannot lengthen the policy"
    with pytest.raises(ValueError):
        Deployment.model_validate(
            {**base.model_dump(mode="json"), "security": {"idle_lock_min": 0}}
        )


@pytest.mark.parametrize("wall", [True, False], ids=["wall", "dispatcher"])
def test_the_wall_never_locks(wall, tmp_path, qtbot, run, monkeypatch) -> None:
    """Through the composition root: the wall gets no lock; the same path with a
    dispatcher's window does (so this test can fail)."""
    monkeypatch.setenv("UMCR_DATA_DIR", str(tmp_path / "data"))
    console = Console(argparse.Namespace(wall=wall, self_test=True, ca_bundle=None))
    ticks = Ticks()
    console.idle_clock = ticks
    store = LocalStore(tmp_path / "store.sqlite3")
    workspace = Workspace(store, actor="wall" if wall else "dispatcher1")
    engine = SyncEngine("http://127.0.0.1:9", workspace, username="wall", password="x")
    session = Session("http://127.0.0.1:9", "wall", "x", "wall", None, offline=True)

    async def scenario() -> None:
        window = console._window(session, workspace, load_deployment(), engine)
        qtbot.addWidget(window)
        try:
            ticks.advance(minutes=600)
            if console.idle_lock is not None:
                console.idle_lock.check()
            if wall:
                assert console.idle_lock is None
                assert window.isVisible()
                assert not any(isinstance(w, LockScreen) for w in visible_windows())
            else:
                assert console.idle_lock is not None and console.idle_lock.is_locked
                assert not window.isVisible()
        finally:
            window.close()  # disposes the lock with the window

    try:
        run(scenario())
    finally:
        store.close()


@pytest.mark.slow
def test_behind_the_lock_calls_arrive_and_the_outbox_drains(live_server, tmp_path, qtbot, run):
    """A real server: the locked console receives another dispatcher's call and sends
    the action it queued before it locked."""
    ticks = Ticks()

    async def scenario() -> None:
        console = LiveConsole("locked", live_server.url, "dispatcher1", tmp_path, qtbot)
        idle_lock = lock_main_window(
            console.window,
            verify=lambda p: p == DEFAULT_USERS["dispatcher1"][1],
            idle_min=15,
            clock=ticks,
        )
        task = console.engine.start()
        try:
            await until(lambda: console.engine.status.link == "online", "online")
            go_idle(idle_lock, ticks)
            own = ev.make_event(
                EventType.INCIDENT_CREATED,
                uuid7(),
                ev.IncidentCreated(
                    received_at=datetime.now(UTC) - timedelta(minutes=1),
                    source=Source.DIRECT_LINE,
                    call_type=CallType.WELFARE_CHECK,
                    priority=Priority.ROUTINE,
                    location=Location(address="1 Own Call Way", division="Wilshire"),
                ),
                workstation_id=console.workspace.workstation_id,
                occurred_at=datetime.now(UTC),
            )
            console.workspace.submit(own)  # queued just before the lock took over
            with live_server.client("dispatcher2") as other:
                response = other.post(
                    "/api/v1/events",
                    json={"events": [created(call_type="mental_health", priority=1)]},
                )
            assert response.json()["results"][0]["status"] == "accepted"
            await until(lambda: len(console.workspace.view.incidents) == 2, "the other call")
            await until(lambda: console.store.outbox_count() == 0, "the outbox drained")
            assert idle_lock.is_locked and not console.window.isVisible()
            idle_lock.refresh()
            assert idle_lock.screen.summary.text() == "2 calls waiting"
            assert idle_lock.try_unlock(DEFAULT_USERS["dispatcher1"][1])
            assert console.window.queue_model.rowCount() == 2
        finally:
            idle_lock.dispose()
            await console.close()
            task.cancel()

    run(scenario())
