"""A whole console session, then the stolen laptop: no personal value in clear in any file.

Issue 17, item 5, widened: a real server process, the console's own pieces
wired as the app wires them (log in with the offline verifier, the local
store where the app keeps it, QSettings, console.log), and a dispatcher's
shift with every personal field filled in -- intake, EIDO import, notes,
team status notes, follow-up, handoff, close, a rejected call, conflicts
left in the outbox offline, an unexpected error. Then every byte of every
file under the console's data and log folders is searched.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tests.support.server import DEFAULT_USERS
from tests.support.waiting import until
from umcr_console.app import log_in, setup_logging, store_path
from umcr_console.config import load_deployment
from umcr_console.domain import events as ev
from umcr_console.domain.enums import (
    CallType,
    Disposition,
    EventType,
    Priority,
    Source,
    TeamStatus,
)
from umcr_console.domain.ids import uuid7
from umcr_console.domain.model import Caller, Location, Safety
from umcr_console.interop import EidoAgent, eido_to_incident_created, incident_to_eido
from umcr_console.offline_login import OfflineVerifiers
from umcr_console.paths import data_dir, log_dir
from umcr_console.store import LocalStore, Workspace
from umcr_console.sync.engine import SyncEngine
from umcr_console.ui import crash
from umcr_console.ui.main_window import MainWindow

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow

# Made-up values no code or library would ever hold by chance.
PERSONAL = {
    "caller": "Wilhelmina Sparrowhawk",
    "phone": "3235550199",
    "person": "Bartholomew Inkwater",
    "narrative": "standing on the overpass railing on Figueroa",
    "address": "5123 Pelican Quay Blvd",
    "note": "brother Thaddeus says meds ran out Tuesday",
    "status_note": "with Bartholomew at the gas station",
    "follow_up": "call Wilhelmina back about the bed at Didi Hirsch",
    "handoff": "Bartholomew prefers Tagalog, hates sirens",
    "closing": "Bartholomew went home with Thaddeus",
    "eido_caller": "Cornelius Featherstonehaugh",
    "eido_phone": "8185550123",
    "eido_narrative": "sleeping in a doorway, barefoot, Crenshaw and 48th",
    "eido_address": "7788 Heron Crescent",
    "override": "Bartholomew's diabetes is managed, no ambulance needed",
    "offline_note": "left a voicemail for Cornelius at 8185550123",
    "crash": "Wilhelmina Sparrowhawk at 5123 Pelican Quay Blvd",
}


def _files(*folders: Path) -> list[Path]:
    return sorted({p for folder in folders for p in folder.rglob("*") if p.is_file()})


def test_no_personal_value_in_clear_in_any_console_file_after_a_shift(
    live_server,
    tmp_path,
    qtbot,
    run,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("UMCR_DATA_DIR", str(tmp_path / "console-data"))
    user = "dispatcher1"
    password = DEFAULT_USERS[user][1]
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    data = data_dir()
    setup_logging()

    async def shift() -> None:
        session = await log_in(
            live_server.url, user, password, OfflineVerifiers(data / "offline-login.json")
        )
        store = LocalStore(store_path(data, session.url))
        workspace = Workspace(store, actor=user)
        engine = SyncEngine(
            session.url,
            workspace,
            username=user,
            password=password,
            token=session.token,
            keepalive=1.0,
        )
        settings = QSettings(str(data / "settings.ini"), QSettings.Format.IniFormat)
        settings.setValue("login/server", session.url)
        settings.setValue("login/username", user)
        window = MainWindow(
            workspace,
            load_deployment(),
            settings=settings,
            username=user,
            clock=lambda: datetime.now(UTC),
        )
        window.attach_sync(engine)
        qtbot.addWidget(window)
        window.show()
        task = engine.start()
        try:
            await until(lambda: len(workspace.view.teams) == 6, "the teams")
            now = datetime.now(UTC)

            def submit(kind: EventType, entity: str, payload: ev.Payload | dict) -> ev.Event:
                event = workspace.new_event(kind, entity, payload)
                workspace.submit(event)
                return event

            # Intake with every personal field.
            incident = uuid7()
            created = submit(
                EventType.INCIDENT_CREATED,
                incident,
                ev.IncidentCreated(
                    received_at=now,
                    source=Source.DIRECT_LINE,
                    call_type=CallType.WELFARE_CHECK,
                    priority=Priority.HIGH,
                    location=Location(
                        address=PERSONAL["address"], lat=34.05, lon=-118.25, division="Central"
                    ),
                    caller=Caller(name=PERSONAL["caller"], phone=PERSONAL["phone"]),
                    language="Tagalog",
                    safety=Safety(medical=True),
                    narrative=PERSONAL["narrative"],
                    person=PERSONAL["person"],
                    screen_override_reason=PERSONAL["override"],
                ),
            )
            team = next(
                t for t in workspace.view.teams.values() if t.status == TeamStatus.AVAILABLE
            )
            submit(EventType.INCIDENT_NOTE_ADDED, incident, ev.NoteAdded(text=PERSONAL["note"]))
            submit(EventType.INCIDENT_TEAM_ASSIGNED, incident, ev.TeamAssigned(team_id=team.id))
            submit(
                EventType.TEAM_STATUS_CHANGED,
                team.id,
                ev.StatusChanged(status=TeamStatus.ON_SCENE, note=PERSONAL["status_note"]),
            )
            # The same call entered twice: rejected, the notice names its address.
            workspace.submit(created.model_copy(update={"event_id": uuid7()}))
            await until(lambda: workspace.pending_count == 0, "the server's answers")
            await until(lambda: workspace.rejected, "the rejection")
            assert incident in workspace.view.incidents, [n.summary for n in workspace.rejected]
            accepted = workspace.view.incidents[incident]
            submit(
                EventType.INCIDENT_HANDOFF_REQUESTED,
                incident,
                ev.HandoffRequested(provider="Exodus Recovery", note=PERSONAL["handoff"]),
            )
            submit(
                EventType.INCIDENT_CLOSED,
                incident,
                ev.Closed(disposition=Disposition.RESOLVED_ON_SCENE, note=PERSONAL["closing"]),
            )
            submit(
                EventType.INCIDENT_FOLLOW_UP_SCHEDULED,
                incident,
                ev.FollowUpScheduled(
                    due_from=now, due_by=now + timedelta(days=2), note=PERSONAL["follow_up"]
                ),
            )
            # An EIDO from another agency, imported as a new call with its notes.
            sender = accepted.model_copy(
                update={
                    "caller": Caller(name=PERSONAL["eido_caller"], phone=PERSONAL["eido_phone"]),
                    "narrative": PERSONAL["eido_narrative"],
                    "location": Location(
                        address=PERSONAL["eido_address"],
                        lat=34.0,
                        lon=-118.3,
                        division="77th Street",
                    ),
                }
            )
            document = incident_to_eido(
                sender,
                [],
                agent=EidoAgent(username="partner", workstation_id="partner-ws"),
                include_personal=True,
            )
            imported = eido_to_incident_created(document)
            eido_incident = uuid7()
            # The screen flags it (medical) as it did the first: the dispatcher gives the reason.
            payload = imported.payload.model_copy(
                update={"screen_override_reason": PERSONAL["override"]}
            )
            submit(EventType.INCIDENT_CREATED, eido_incident, payload)
            for text in imported.notes:
                submit(EventType.INCIDENT_NOTE_ADDED, eido_incident, ev.NoteAdded(text=text))
            await until(lambda: workspace.pending_count == 0, "the server's answers")
            rejected = [n.summary for n in workspace.rejected]
            assert eido_incident in workspace.view.incidents, rejected
            assert any(PERSONAL["address"] in s for s in rejected), rejected
        finally:
            await engine.stop()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        # Offline: actions wait in the outbox; one no longer fits the local rules (a conflict).
        submit(
            EventType.INCIDENT_NOTE_ADDED,
            eido_incident,
            ev.NoteAdded(text=PERSONAL["offline_note"]),
        )
        submit(EventType.INCIDENT_TEAM_ASSIGNED, eido_incident, ev.TeamAssigned(team_id=team.id))
        submit(EventType.INCIDENT_TEAM_ASSIGNED, eido_incident, ev.TeamAssigned(team_id=team.id))
        assert workspace.counts.conflicts >= 1 and workspace.counts.unsent == 3
        # An unexpected error whose message quotes the call.
        try:
            raise RuntimeError(f"cannot draw {PERSONAL['crash']}")
        except RuntimeError as exc:
            crash._excepthook(type(exc), exc, exc.__traceback__)
        window.close()  # saves the layout into settings.ini
        settings.sync()
        store.close()

    try:
        run(shift())
    finally:
        for handler in root.handlers:
            if handler not in handlers:
                handler.close()
        root.handlers[:] = handlers
        root.setLevel(level)

    files = _files(data, log_dir())
    names = {p.name for p in files}
    assert {"settings.ini", "offline-login.json", "console.log"} <= names, names
    assert any(n.endswith(".sqlite3") for n in names), names
    secrets = [*PERSONAL.values(), password]
    found = {
        str(p.relative_to(tmp_path)): [s for s in secrets if s.encode() in p.read_bytes()]
        for p in files
    }
    assert not {k: v for k, v in found.items() if v}, found
