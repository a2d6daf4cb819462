"""Issue 18 item 5: text from data is shown as typed, never read as markup.

``shown`` renders a string the way Qt will show it in a label or tooltip
(Qt takes text that looks like HTML for HTML), so each test checks what the
dispatcher actually reads.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QTextBrowser

from umcr_console.domain import events as ev
from umcr_console.domain.commands import COMMAND_HELP
from umcr_console.domain.enums import EventType, TeamStatus
from umcr_console.ui import action_dialogs as dialogs
from umcr_console.ui.queue_model import COL_LOCATION
from umcr_console.ui.team_model import COL_STATUS

MARKUP = "<b>call back</b> <script>alert(1)</script> & <i>later</i>"


def shown(text: str, fmt: Qt.TextFormat = Qt.TextFormat.AutoText) -> str:
    rich = fmt == Qt.TextFormat.RichText or (
        fmt == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text)
    )
    if not rich:
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def label_shows(label: QLabel) -> str:
    return shown(label.text(), label.textFormat())


def team_id(workspace, call_sign: str) -> str:
    return next(t.id for t in workspace.view.teams.values() if t.call_sign == call_sign)


def test_f1_help_shows_every_argument(qtbot, window) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F1)
    browser = window.help_dialog.findChild(QTextBrowser)
    text = browser.toPlainText()
    for command, _what in COMMAND_HELP:
        assert command in text, command
    assert "D <incident> <team>" in text
    assert "CL <incident> <code> [note]" in text


def test_a_typed_command_is_echoed_as_typed(qtbot, window) -> None:
    qtbot.keyClicks(window.command, "AV <b>PL-9</b>")
    qtbot.keyClick(window.command, Qt.Key.Key_Return)
    assert "<b>PL-9</b>" in label_shows(window.command_result)


def test_a_team_note_in_a_tooltip_shows_as_typed(window, workspace, server_side) -> None:
    pl1 = team_id(workspace, "PL-1")
    server_side.accept(
        workspace.new_event(
            EventType.TEAM_STATUS_CHANGED,
            pl1,
            ev.StatusChanged(status=TeamStatus.OUT_OF_SERVICE, note=MARKUP),
        )
    )
    row = window.team_model.row_of(pl1)
    tip = window.team_model.index(row, COL_STATUS).data(Qt.ItemDataRole.ToolTipRole)
    assert f"Note: {MARKUP}" in shown(tip)


def test_an_address_in_a_queue_tooltip_shows_as_typed(window, server_side) -> None:
    incident_id = server_side.create_incident(MARKUP)
    row = window.queue_model.row_of(incident_id)
    tip = window.queue_model.index(row, COL_LOCATION).data(Qt.ItemDataRole.ToolTipRole)
    assert shown(tip) == MARKUP


def test_a_colleagues_change_in_the_conflict_box_shows_as_typed(
    qtbot, window, workspace, server_side
) -> None:
    incident_id = server_side.create_incident("A St")
    window.select_incident(incident_id)
    qtbot.keyClicks(window.detail.person, "mine")
    incident = workspace.view.incidents[incident_id]
    server_side.accept(
        workspace.new_event(
            EventType.INCIDENT_UPDATED,
            incident_id,
            ev.IncidentUpdated(person=MARKUP),
            expected_version=incident.version,
        )
    )
    labels = [label_shows(w) for w in window.detail.conflict_box.findChildren(QLabel)]
    assert f"theirs: {MARKUP}" in labels


def test_a_refusal_in_a_dialog_shows_as_typed(qtbot, window, workspace, server_side) -> None:
    incident_id = server_side.create_incident("A St")
    window.select_incident(incident_id)
    window.open_action("redirect")
    dialog = next(d for d in window._open_dialogs if isinstance(d, dialogs.RedirectDialog))
    dialog.fail(f"Not sent: {MARKUP}")
    assert label_shows(dialog.error) == f"Not sent: {MARKUP}"
