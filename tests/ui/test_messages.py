"""ui/messages.py: one line for the dispatcher, one look per level, shown as typed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from umcr_console.ui.messages import STYLES, URGENT_STYLE, Level, Messages


def test_each_level_has_its_look_and_a_later_message_drops_the_earlier_one(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    messages = Messages(label)
    shown: list[tuple[str, str]] = []
    messages.shown.connect(lambda level, text: shown.append((level, text)))
    messages.error("✗ no incident U000999")
    assert label.styleSheet() == STYLES[Level.ERROR]
    messages.warning("Select an incident first.")  # no longer red: it is not an error
    assert (label.text(), label.styleSheet()) == ("Select an incident first.", "")
    messages.error("✗ NOT SAVED: incident created. disk full", urgent=True)
    assert label.styleSheet() == URGENT_STYLE
    messages.info("Saved: incident created")
    messages.append(" — the call is hidden by the filter (Show all).")
    assert messages.text() == (
        "Saved: incident created — the call is hidden by the filter (Show all)."
    )
    assert [level for level, _ in shown] == ["error", "warning", "error", "info", "info"]


def test_the_main_window_answers_through_its_message_line(qtbot, window) -> None:
    assert window.command_result.textFormat() == Qt.TextFormat.PlainText  # shown as typed
    window.open_action("close")  # nothing selected
    assert window.messages.text() == "Select an incident first."
    assert window.command_result.text() == "Select an incident first."
    window.command.setText("D U000999 PL-1")
    window.run_command()
    assert window.messages.level == Level.ERROR
    assert "U000999" in window.command_result.text()
