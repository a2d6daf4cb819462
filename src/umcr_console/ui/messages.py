"""One way to tell the dispatcher something: ``info``, ``warning``, ``error``.

Every short answer to what the dispatcher just did ("Saved: …", "Select an
incident first.", "✗ Not sent: …") goes to one line under the command line,
the one place the dispatcher reads them, and in one look per level. Modules
call the window's ``messages`` instead of writing into a label themselves
(as qutebrowser's ``utils/message.py``). Lasting problems (a rejected action,
an alert, a failed background task) are notices instead (``notices.py``).
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel


class Level(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


STYLES: dict[Level, str] = {
    Level.INFO: "",
    Level.WARNING: "",
    Level.ERROR: "color: #ff7b72;",
}
# An action the local store could not save: the loudest line the console shows.
URGENT_STYLE = "color: #ff7b72; font-weight: bold;"


class Messages(QObject):
    """The message line of a window: the last message, shown as typed (plain text)."""

    shown = Signal(str, str)  # level, text

    def __init__(self, label: QLabel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.level = Level.INFO

    def info(self, text: str) -> None:
        self._show(Level.INFO, text, STYLES[Level.INFO])

    def warning(self, text: str) -> None:
        """The dispatcher must do something first ("Select an incident first.")."""
        self._show(Level.WARNING, text, STYLES[Level.WARNING])

    def error(self, text: str, *, urgent: bool = False) -> None:
        """Refused or failed; ``urgent``: nothing was saved (a full disk)."""
        self._show(Level.ERROR, text, URGENT_STYLE if urgent else STYLES[Level.ERROR])

    def append(self, text: str) -> None:
        """More about the message shown now, at its level."""
        self.label.setText(self.label.text() + text)
        self.shown.emit(self.level.value, self.label.text())

    def text(self) -> str:
        return self.label.text()

    def _show(self, level: Level, text: str, style: str) -> None:
        self.level = level
        self.label.setText(text)
        self.label.setStyleSheet(style)
        self.shown.emit(level.value, text)
