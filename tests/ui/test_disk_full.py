"""A disk that fills while dispatching (issue 19 item 4), in the main window.

The store's own SQLite connection is limited with ``PRAGMA max_page_count``
to the pages it holds: the next commit fails with SQLITE_FULL exactly as on
a full disk. The dispatcher must be told at once, the action must not show
as done, nothing saved before may go, and work resumes when space returns.
"""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt

from umcr_console.domain import events as ev
from umcr_console.domain.enums import EventType, IncidentState
from umcr_console.store import LocalStore, StoreFull
from umcr_console.ui.alert_notices import STORE_NOTICE


def fill_disk(store: LocalStore) -> None:
    """No byte more for the file: the next write fails with SQLITE_FULL.

    The file may not grow past the pages it has, and the room left inside
    them is taken by a filler table, in ever smaller rows.
    """
    db = store._dbapi
    db.execute("CREATE TABLE IF NOT EXISTS test_filler (x BLOB)")
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count={pages}")
    for size in (4096, 512, 64, 8, 1):
        while True:
            try:
                db.execute("INSERT INTO test_filler VALUES (zeroblob(?))", (size,))
            except sqlite3.OperationalError as exc:
                assert exc.sqlite_errorcode == sqlite3.SQLITE_FULL, exc
                break


def free_space(store: LocalStore) -> None:
    store._dbapi.execute("PRAGMA max_page_count=1073741823")
    store._dbapi.execute("DROP TABLE IF EXISTS test_filler")


def note(workspace, incident_id: str, n: int):
    return workspace.new_event(
        EventType.INCIDENT_NOTE_ADDED, incident_id, ev.NoteAdded(text=f"note {n}:")
    )


def test_a_disk_that_fills_while_dispatching_tells_at_once_and_loses_nothing(
    qtbot, window, workspace, server_side
) -> None:
    incident_id = server_side.create_incident("1200 W 7th St")
    number = workspace.view.incidents[incident_id].number
    fill_disk(workspace.store)
    # The dispatcher keeps working (short notes, through the window) until the
    # disk is full: then no action fits, as each is bigger than such a note.
    saved = []
    for n in range(500):
        event = note(workspace, incident_id, n)
        if not window.submit(event):
            break
        saved.append(event.event_id)
    else:
        raise AssertionError("the disk never filled")
    assert saved, "some actions fit before the disk filled"

    # Told at once, in the command line's answer and in the notices ...
    assert "NOT SAVED" in window.command_result.text()
    assert "disk" in window.command_result.text()
    notice = next(n for n in window.notices.notices() if n.key == STORE_NOTICE)
    assert "NOT SAVED" in notice.text and "full" in notice.text
    assert window.notices_dock.isVisible()
    # ... the failed note is not shown, everything before it is, in order.
    notes = [n.text for n in workspace.view.incidents[incident_id].notes]
    assert len(notes) == len(saved) and notes[-1].startswith(f"note {len(saved) - 1}:")
    assert [row.event.event_id for row in workspace.store.load_outbox()] == saved

    # A command typed now is not done either, and its line stays to run again.
    command = f"D {number[1:].lstrip('0')} ac-1"
    qtbot.keyClicks(window.command, command)
    qtbot.keyClick(window.command, Qt.Key.Key_Return)
    assert workspace.view.incidents[incident_id].state == IncidentState.PENDING
    assert window.command.text() == command
    assert workspace.pending_count == len(saved)

    # Space returns: the same line now saves, and the notice goes.
    free_space(workspace.store)
    qtbot.keyClick(window.command, Qt.Key.Key_Return)
    assert window.command.text() == ""
    assert workspace.view.incidents[incident_id].state == IncidentState.ASSIGNED
    assert not window.notices.has(STORE_NOTICE)
    outbox = workspace.store.load_outbox()
    assert [row.event.event_id for row in outbox][:-1] == saved
    assert outbox[-1].event.type == EventType.INCIDENT_TEAM_ASSIGNED
    assert workspace.store.integrity_check() == ["ok"]


def test_a_call_taken_on_a_full_disk_stays_in_its_form(
    qtbot, window, workspace, server_side
) -> None:
    other = server_side.create_incident("1200 W 7th St")
    fill_disk(workspace.store)
    with pytest.raises(StoreFull):  # short notes until none fits: a new call is bigger
        for n in range(500):
            workspace.submit(note(workspace, other, n))
    window.new_call()
    intake = window._intake
    qtbot.keyClicks(intake.address, "Reseda Blvd & Devonshire St")
    intake.division.setCurrentIndex(intake.division.findData("Devonshire"))
    intake.try_submit()

    # The call is not in the queue, and its form is open again with what was typed.
    assert list(workspace.view.incidents) == [other]
    assert window.notices.has(STORE_NOTICE)
    assert window._intake is intake
    qtbot.waitUntil(intake.isVisible)
    assert intake.address.text() == "Reseda Blvd & Devonshire St"

    free_space(workspace.store)
    assert intake.try_submit()
    (incident,) = (i for i in workspace.view.incidents.values() if i.id != other)
    assert incident.location.address == "Reseda Blvd & Devonshire St"
    assert not window.notices.has(STORE_NOTICE)
