"""Widgets around the call queue: the hold under the pointer, the hidden-calls line.

``QueueHold`` watches the queue's viewport: while the pointer is over it or a
button is down on it, the model holds its order (ui/queue_model.py ``hold``),
so the row under the pointer is the row a click lands on. Leaving the queue
(or letting go of the button outside it) applies what waited.

``HiddenCallsLabel`` says how many calls the filter or the search hides, and
how many of them are open, so a filter never hides a call silently.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTableView, QWidget

from .i18n import tr
from .queue_model import IncidentQueueModel


class QueueHold(QObject):
    """Holds ``model``'s order while the pointer is over ``view`` or presses it."""

    def __init__(self, view: QTableView, model: IncidentQueueModel) -> None:
        super().__init__(view)
        self.view = view
        self.model = model
        self._pressed = False
        self._inside = False
        view.setMouseTracking(True)  # moves without a button count as "over the queue"
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.Enter, QEvent.Type.HoverEnter, QEvent.Type.MouseMove):
            self._inside = True
            self.model.hold()
        elif kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            self._inside = self._pressed = True
            self.model.hold(pressed=True)
        elif kind == QEvent.Type.MouseButtonRelease:
            self._pressed = False
            self.model.hold(pressed=False)
            if not self._inside:
                self.model.release()  # dragged out and let go: nothing left to aim at
        elif kind == QEvent.Type.Leave:
            self._inside = False
            if not self._pressed:
                self.model.release()
        return False


class HiddenCallsLabel(QWidget):
    """'3 open calls hidden by the filter' with a button that shows them all."""

    show_all = Signal()

    def __init__(self, model: IncidentQueueModel, describe: Callable[[], str]) -> None:
        super().__init__(objectName="queue_hidden")
        self.model = model
        self.describe = describe  # which filter is on, e.g. "Open, search 'vermont'"
        self.label = QLabel(objectName="queue_hidden_text")
        self.button = QPushButton(tr("Show all"), objectName="queue_show_all")
        self.button.setFlat(True)
        self.button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.button.clicked.connect(self.show_all)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        model.contents_changed.connect(self.refresh)
        self.refresh()

    def refresh(self, *_args: object) -> None:
        open_hidden, closed_hidden = self.model.hidden_counts()
        if not open_hidden and not closed_hidden:
            self.label.setText(tr("All calls shown"))
            self.label.setStyleSheet("color: #8b949e;")
            self.button.hide()
            return
        parts = []
        if open_hidden:
            parts.append(tr("{count} open").format(count=open_hidden))
        if closed_hidden:
            parts.append(tr("{count} closed").format(count=closed_hidden))
        total = open_hidden + closed_hidden
        hidden = (
            tr("{counts} call hidden by the filter ({filter})")
            if total == 1
            else tr("{counts} calls hidden by the filter ({filter})")
        )
        self.label.setText(hidden.format(counts=tr(" and ").join(parts), filter=self.describe()))
        # Open calls out of sight matter: someone may be waiting on one of them.
        self.label.setStyleSheet("color: #d29922; font-weight: bold;" if open_hidden else "")
        self.button.show()
