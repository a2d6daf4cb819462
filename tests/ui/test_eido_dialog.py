"""EIDO export and import in the console: choices, the saved file, the intake filled."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from tests.interop.schema import OPENAPI, SAMPLES, errors
from umcr_console.domain import events as ev
from umcr_console.domain.enums import CallType, EventType, Priority, Source
from umcr_console.domain.ids import uuid7
from umcr_console.domain.model import Caller, Location, Safety
from umcr_console.interop import EidoAgent, eido_to_incident_created, incident_to_eido
from umcr_console.ui import eido_dialog
from umcr_console.ui.eido_dialog import EidoExportDialog, EidoImportDialog

AGENT = EidoAgent(username="dispatcher1", workstation_id="ws-test")
CALLER = "Maria Quintana"
NARRATIVE = "He has not slept for three days."


def _incident_with_notes(server_side, clock) -> str:
    incident_id = uuid7()
    server_side.accept(
        ev.make_event(
            EventType.INCIDENT_CREATED,
            incident_id,
            ev.IncidentCreated(
                received_at=clock() - timedelta(minutes=5),
                source=Source.TRANSFER_988,
                call_type=CallType.MENTAL_HEALTH,
                priority=Priority.URGENT,
                location=Location(
                    address="4861 Venice Blvd", lat=34.046748, lon=-118.34283, division="Wilshire"
                ),
                caller=Caller(name=CALLER, phone="+1-213-555-0100"),
                narrative=NARRATIVE,
                person="Adult son, 30",
                language="Spanish",
            ),
            workstation_id="ws-other",
            occurred_at=clock(),
        )
    )
    for text in ("Mother on scene", "Private: history of lithium"):
        server_side.accept(
            ev.make_event(
                EventType.INCIDENT_NOTE_ADDED,
                incident_id,
                ev.NoteAdded(text=text),
                workstation_id="ws-other",
                occurred_at=clock(),
            )
        )
    return incident_id


@pytest.fixture
def incident(server_side, clock, workspace):
    return workspace.view.incidents[_incident_with_notes(server_side, clock)]


def test_export_minimises_by_default(qtbot, incident, tmp_path) -> None:
    dialog = EidoExportDialog(incident, [], agent=AGENT)
    qtbot.addWidget(dialog)
    assert not dialog.personal.isChecked()
    assert dialog.notes.count() == 2
    assert dialog.chosen_notes() == []
    text = json.dumps(dialog.document())
    assert CALLER not in text and NARRATIVE not in text and "lithium" not in text
    assert "4861 Venice Blvd" in text


def test_export_with_chosen_personal_data_and_notes_saves_through_the_file_dialog(
    qtbot, incident, tmp_path
) -> None:
    dialog = EidoExportDialog(incident, [], agent=AGENT)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.personal, Qt.MouseButton.LeftButton)
    dialog.notes.item(0).setCheckState(Qt.CheckState.Checked)  # "Mother on scene" only

    dialog.save_button.click()
    chooser = dialog.file_dialog
    assert isinstance(chooser, QFileDialog)
    assert chooser.isVisible() and chooser.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    target = tmp_path / "out.json"
    with qtbot.waitSignal(dialog.saved) as saved:
        chooser.fileSelected.emit(str(target))
    assert saved.args == [str(target)]

    document = json.loads(target.read_text(encoding="utf-8"))
    text = json.dumps(document, ensure_ascii=False)
    assert CALLER in text and NARRATIVE in text
    assert "Mother on scene" in text and "lithium" not in text
    if OPENAPI.is_file():
        assert errors(document) == []
    # What the file holds imports back to the same call.
    payload = eido_to_incident_created(target.read_bytes()).payload
    assert payload.caller.name == CALLER
    assert payload.call_type == CallType.MENTAL_HEALTH


def test_a_failed_save_says_so_and_stays_open(qtbot, incident, tmp_path) -> None:
    dialog = EidoExportDialog(incident, [], agent=AGENT)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.save_to(str(tmp_path / "no" / "such" / "folder" / "x.json")) is False
    assert "Could not save" in dialog.error.text()
    assert dialog.isVisible()


def _write(tmp_path: Path, document) -> str:
    path = tmp_path / "in.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return str(path)


def test_import_of_a_bad_file_shows_the_errors(qtbot, tmp_path) -> None:
    dialog = EidoImportDialog(_write(tmp_path, '{"eidoVersion": "9.9"'))
    qtbot.addWidget(dialog)
    assert dialog.result is None
    assert dialog.open_button is None
    assert "not JSON" in dialog.details.toPlainText()
    assert "cannot be imported" in dialog.summary.text()


def test_import_opens_the_intake_with_the_mapped_values(
    qtbot, window, workspace, incident, tmp_path, clock
) -> None:
    exported = incident_to_eido(
        incident, [], agent=AGENT, include_personal=True, notes=incident.notes[:1]
    )
    path = _write(tmp_path, exported)

    dialog = eido_dialog.show_import(window, path)
    qtbot.addWidget(dialog)
    assert dialog.result is not None and dialog.result.warnings == []
    assert dialog.open_button is not None
    dialog.open_button.click()

    intake = window._intake
    assert intake is not None and intake.isVisible()
    assert intake.address.text() == "4861 Venice Blvd"
    assert intake.call_type.currentData() == CallType.MENTAL_HEALTH
    assert intake.priority.currentData() == Priority.URGENT
    assert intake.source.currentData() == Source.TRANSFER_988
    assert intake.caller_name.text() == CALLER
    assert intake.phone.text() == "+1-213-555-0100"
    assert intake.language.text() == "Spanish"
    assert "Notes from the sender:\n- Mother on scene" in intake.narrative.toPlainText()
    # Saving it makes a new incident that keeps the original received time.
    with qtbot.waitSignal(intake.submitted) as blocker:
        intake.try_submit()
    (created,) = blocker.args[0]
    assert datetime.fromisoformat(created.payload["received_at"]) == incident.received_at
    assert created.entity_id != incident.id


def test_import_does_not_overwrite_a_call_being_typed(qtbot, window, tmp_path) -> None:
    window.new_call()
    qtbot.keyClicks(window._intake.address, "typed by hand")
    imported = eido_to_incident_created(incident_to_eido(_plain_incident(), [], agent=AGENT))
    assert eido_dialog.open_in_intake(window, imported) is False
    assert window._intake.address.text() == "typed by hand"
    assert "Save or discard" in window.command_result.text()


def _plain_incident():
    from umcr_console.domain.enums import IncidentState
    from umcr_console.domain.model import Incident

    return Incident(
        id=uuid7(),
        number="U000001",
        version=1,
        state=IncidentState.PENDING,
        received_at=datetime(2026, 11, 26, 8, 0, tzinfo=UTC),
        priority=Priority.HIGH,
        call_type=CallType.WELFARE_CHECK,
        source=Source.LAPD_911,
        location=Location(address="5th & Main"),
        safety=Safety(),
    )


@pytest.mark.skipif(
    not (SAMPLES / "Sample call transfer EIDO.json").is_file(),
    reason="the official sample is not in ../shared/data/eido",
)
def test_the_official_sample_opens_with_its_warnings(qtbot, window) -> None:
    dialog = eido_dialog.show_import(window, str(SAMPLES / "Sample call transfer EIDO.json"))
    qtbot.addWidget(dialog)
    assert dialog.result is not None
    assert "Check these" in dialog.summary.text()
    assert "incident type" in dialog.details.toPlainText()
    dialog.open_button.click()
    assert window._intake.address.text() == "42 W Cellular Street, Wilmington, DE"
    assert window._intake.phone.text() == "8195551212"


def test_the_menu_actions_exist_and_export_needs_a_selection(qtbot, window) -> None:
    texts = [a.text() for a in window.menuBar().actions()[1].menu().actions()]
    assert "Export &EIDO…" in texts and "&Import EIDO…" in texts
    window.queue_view.clearSelection()
    window.queue_view.setCurrentIndex(window.queue_model.index(-1, -1))
    assert eido_dialog.export_selected(window) is None
    assert "Select an incident" in window.command_result.text()


def test_export_from_the_window_uses_the_selected_incident(qtbot, window, incident) -> None:
    assert window.select_incident(incident.id)
    dialog = eido_dialog.export_selected(window)
    assert dialog is not None
    qtbot.addWidget(dialog)
    # open(), not exec(): the call returned with the dialog showing.
    assert dialog.isVisible()
    assert dialog.incident.id == incident.id
    assert dialog.agent == EidoAgent(username="dispatcher1", workstation_id="ws-test")
    chooser = eido_dialog.import_file(window)
    qtbot.addWidget(chooser)
    assert chooser.isVisible()
    assert chooser.fileMode() == QFileDialog.FileMode.ExistingFile
