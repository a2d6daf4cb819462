"""The audit viewer against a real server: rows, filters, paging, roles, the menu entry."""

from __future__ import annotations

import asyncio

import pytest

from tests.server.helpers import PL1, assigned, created, status
from tests.support.server import DEFAULT_USERS
from tests.support.waiting import until
from tests.ui.live import LiveConsole
from umcr_console.server import audit
from umcr_console.store.db import LocalStore
from umcr_console.store.workspace import Workspace
from umcr_console.sync.engine import SyncEngine
from umcr_console.ui import audit_viewer
from umcr_console.ui.audit_viewer import AuditTableModel, AuditViewerWindow

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow


def _post(server, user: str, *events: dict) -> list[dict]:
    with server.client(user) as client:
        answer = client.post("/api/v1/events", json={"events": list(events)})
        assert answer.status_code == 200, answer.text
        return answer.json()["results"]


def _column(window: AuditViewerWindow, column: int) -> list[str]:
    model = window.model
    return [model.index(r, column).data() for r in range(model.rowCount())]


async def _signed_in(server, user: str, tmp_path) -> tuple[SyncEngine, LocalStore, asyncio.Task]:
    store = LocalStore(tmp_path / f"{user}.sqlite3")
    engine = SyncEngine(
        server.url, Workspace(store, actor=user), username=user, password=DEFAULT_USERS[user][1]
    )
    task = engine.start()
    await until(lambda: engine.role is not None, f"{user} signed in")
    return engine, store, task


def test_the_viewer_shows_who_did_what_filters_and_pages(live_server, tmp_path, qtbot, run):
    incident = {**created(), "workstation_id": "ws-north-3"}
    results = _post(live_server, "dispatcher1", incident, assigned(incident["entity_id"], PL1))
    number = f"U{results[0]['seq']:06d}"
    _post(live_server, "dispatcher2", status(PL1, "en_route"))
    # A second assignment of the same team: refused, and shown as refused.
    [refused] = _post(
        live_server, "dispatcher2", assigned(incident["entity_id"], PL1, expected_version=1)
    )
    assert refused["status"] == "rejected"
    _post(live_server, "dispatcher1", *[created() for _ in range(4)])

    async def scenario() -> None:
        engine, store, task = await _signed_in(live_server, "supervisor", tmp_path)
        names = {PL1: "PL-1"}
        window = AuditViewerWindow(engine.fetch_audit, label=names.get, page_size=5)
        qtbot.addWidget(window)
        window.show()
        try:
            # Newest first, five at a time.
            await window.search()
            assert window.model.rowCount() == 5
            assert window.more_button.isEnabled()
            await window.load_more()
            assert window.model.rowCount() == 10
            ids = [e.id for e in window.model.entries]
            assert ids == sorted(ids, reverse=True)

            # One incident: its creation, the assignment, its team's status, the refusal.
            window.incident.setText(number)
            await window.search()
            actions = _column(window, AuditTableModel.COL_ACTION)
            assert actions == [
                "REJECTED incident.team_assigned",
                "team.status_changed",
                "incident.team_assigned",
                "incident.created",
            ]
            assert not window.more_button.isEnabled()
            assert _column(window, AuditTableModel.COL_ACTOR) == [
                "dispatcher2",
                "dispatcher2",
                "dispatcher1",
                "dispatcher1",
            ]
            assert _column(window, AuditTableModel.COL_WORKSTATION)[-1] == "ws-north-3"
            entities = _column(window, AuditTableModel.COL_ENTITY)
            assert entities[-1] == number and entities[1] == f"PL-1 ({number})"
            summaries = _column(window, AuditTableModel.COL_SUMMARY)
            assert summaries[0].startswith("refused (")
            assert summaries[2].startswith(f"{number} state: pending → assigned; ")
            assert "team_ids: + PL-1" in summaries[2]
            assert " · PL-1 status: available → dispatched; " in summaries[2]
            assert summaries[1].startswith("PL-1 status: dispatched → en_route")
            assert summaries[3] == f"{number} new (pending)"

            # By actor and action, and a date range that holds nothing.
            window.incident.clear()
            window.actor.setText("dispatcher2")
            window.action.setCurrentText("event.rejected")
            await window.search()
            assert _column(window, AuditTableModel.COL_ACTION) == [
                "REJECTED incident.team_assigned"
            ]
            window.actor.clear()
            window.action.setCurrentText("auth.sign_in")
            await window.search()
            assert "supervisor" in _column(window, AuditTableModel.COL_ACTOR)
            window.action.setCurrentText(audit_viewer.ALL_ACTIONS)
            window.use_dates.setChecked(True)
            window.first.setDate(window.first.date().addYears(-3))
            window.last.setDate(window.first.date().addDays(2))
            await window.search()
            assert window.model.rowCount() == 0 and window.status.text() == "0 rows"
        finally:
            await engine.stop()
            assert task.done()
            store.close()

    run(scenario())


def test_a_dispatcher_is_refused_and_told_why(live_server, tmp_path, qtbot, run):
    async def scenario() -> None:
        engine, store, task = await _signed_in(live_server, "dispatcher1", tmp_path)
        window = AuditViewerWindow(engine.fetch_audit)
        qtbot.addWidget(window)
        try:
            await window.search()
            assert window.model.rowCount() == 0
            assert "Could not load the audit log" in window.status.text()
            assert "403" in window.status.text()
            assert window.search_button.isEnabled()
        finally:
            await engine.stop()
            assert task.done()
            store.close()

    run(scenario())


def test_the_menu_entry_is_there_for_supervisors_only(live_server, tmp_path, qtbot, run):
    async def scenario() -> None:
        supervisor = LiveConsole("sup", live_server.url, "supervisor", tmp_path, qtbot)
        dispatcher = LiveConsole("disp", live_server.url, "dispatcher1", tmp_path, qtbot)
        tasks = [supervisor.engine.start(), dispatcher.engine.start()]
        try:
            shown = {}
            for console in (supervisor, dispatcher):
                await until(lambda c=console: c.engine.role is not None, "signed in")
                assert not console.window.audit_action.isVisible()
                reports = next(
                    a.menu() for a in console.window.menuBar().actions() if a.text() == "&Reports"
                )
                reports.aboutToShow.emit()
                shown[console.engine.role] = console.window.audit_action.isVisible()
            assert shown == {"supervisor": True, "dispatcher": False}
            dispatcher.window.open_audit()
            assert "supervisors and admins" in dispatcher.window.command_result.text()
            supervisor.window.open_audit()
            viewer = supervisor.window.audit_window
            assert viewer.isVisible()
            await viewer._task
            assert viewer.model.rowCount() > 0
        finally:
            await supervisor.close()
            await dispatcher.close()
            assert all(t.done() for t in tasks)

    run(scenario())


def test_the_viewers_action_list_is_the_servers() -> None:
    assert audit_viewer.ACTIONS == audit.ACTIONS
