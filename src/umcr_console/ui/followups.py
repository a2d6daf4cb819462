"""The follow-up list: follow-ups and warm handoffs that are upcoming, due or overdue.

A dock of the main window. It reads the workspace's view (through the
bridge's change signals), orders the open work with ``domain.followups`` and
lets the dispatcher mark a follow-up done, record a handoff's acceptance, or
turn a follow-up into a new incident linked to the first. Like every widget
here it only *makes* events (``event_made``); the window submits them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain import events as ev
from ..domain.config import Thresholds
from ..domain.enums import CallType, EventType, Priority, Source
from ..domain.events import Event
from ..domain.followups import FOLLOW_UP, HANDOFF, Urgency, WorkItem, open_work
from ..domain.ids import uuid7
from ..domain.marks import QT_TR_NOOP
from ..domain.model import Incident
from ..store.workspace import Workspace
from .bridge import WorkspaceBridge
from .i18n import tr
from .table_model import Index, TableModel
from .text import plain
from .theme import rows_follow_font

COL_URGENCY, COL_NUMBER, COL_WHAT, COL_WINDOW, COL_DIVISION = range(5)
HEADERS = (
    "",
    QT_TR_NOOP("Incident"),
    QT_TR_NOOP("What"),
    QT_TR_NOOP("When"),
    QT_TR_NOOP("Division"),
)
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
_COLOURS = {
    Urgency.OVERDUE: QColor("#a31515"),
    Urgency.DUE: QColor("#9a6700"),
    Urgency.UPCOMING: QColor("#30363d"),
}


class FollowUpModel(TableModel):
    """The open work as rows; a tick repaints rows in place unless the list itself changed."""

    HEADERS = HEADERS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[WorkItem] = []

    def row_count(self) -> int:
        return len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = self._items[index.row()]
        column = index.column()
        if role == ITEM_ROLE:
            return item
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                tr(item.urgency.label),
                item.number,
                _what(item),
                _window(item),
                item.division,
            )[column]
        if role == Qt.ItemDataRole.BackgroundRole and column == COL_URGENCY:
            return _COLOURS[item.urgency]
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_URGENCY:
            return QColor("#ffffff")
        return None

    def set_items(self, items: list[WorkItem]) -> None:
        keys = [(i.key, i.urgency) for i in items]
        if keys == [(i.key, i.urgency) for i in self._items]:
            self._items = items
            if items:
                self.dataChanged.emit(self.index(0, 0), self.index(len(items) - 1, COL_DIVISION))
            return
        # Order or membership changed (a handful of rows): rebuild.
        self.beginResetModel()
        self._items = items
        self.endResetModel()

    def item_at(self, row: int) -> WorkItem:
        return self._items[row]

    def items(self) -> list[WorkItem]:
        return list(self._items)


class FollowUpsWidget(QWidget):
    event_made = Signal(object)  # Event
    incident_selected = Signal(str)

    def __init__(
        self,
        workspace: Workspace,
        bridge: WorkspaceBridge,
        thresholds: Thresholds,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("FollowUps")
        self.workspace = workspace
        self.thresholds = thresholds
        self.clock = clock
        # The window's local check (MainWindow.refusal); None: no check here.
        self.gate: Callable[[Sequence[Event]], str | None] | None = None
        self.model = FollowUpModel(self)
        self.header = QLabel(objectName="followups_header")
        self.view = QTableView(objectName="followups_view")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows_follow_font(self.view)  # rows as tall as the text, at any text size
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(COL_WHAT, QHeaderView.ResizeMode.Stretch)
        for column, width in ((COL_URGENCY, 80), (COL_NUMBER, 90), (COL_WINDOW, 210)):
            header.resizeSection(column, width)
        self.view.doubleClicked.connect(lambda _i: self._show())
        self.note = QLineEdit(
            placeholderText=tr("what was done / who accepted (optional)"),
            maxLength=ev.MAX_TEXT,
            objectName="followups_note",
        )
        self.done_button = QPushButton(tr("Follow-up done"), objectName="followups_done")
        self.done_button.clicked.connect(self.mark_done)
        self.accepted_button = QPushButton(tr("Handoff accepted"), objectName="followups_accepted")
        self.accepted_button.clicked.connect(self.mark_accepted)
        self.incident_button = QPushButton(tr("New incident"), objectName="followups_new_incident")
        self.incident_button.setToolTip(tr("Make the follow-up a new call, linked to the first"))
        self.incident_button.clicked.connect(self.make_incident)
        self.message = plain(QLabel(objectName="followups_message"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        for button in (self.done_button, self.accepted_button, self.incident_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.header)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        bridge.incidents_changed.connect(lambda _ids: self.refresh())
        bridge.reloaded.connect(lambda _seq: self.refresh())
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.refresh()

    # ---- data ------------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute the list (on changes, and once a second: due becomes overdue)."""
        selected = self.selected_item()
        items = open_work(self.workspace.view.incidents.values(), self.clock(), self.thresholds)
        self.model.set_items(items)
        if selected is not None:
            for row, item in enumerate(items):
                if item.key == selected.key:
                    self.view.selectRow(row)
                    break
        overdue = sum(1 for i in items if i.urgency == Urgency.OVERDUE)
        due = sum(1 for i in items if i.urgency == Urgency.DUE)
        if not items:
            self.header.setText(tr("No follow-ups or handoffs open"))
            self.header.setStyleSheet("color: #8b949e;")
        else:
            self.header.setText(
                tr("{count} open: {overdue} overdue, {due} due").format(
                    count=len(items), overdue=overdue, due=due
                )
            )
            self.header.setStyleSheet("color: #ff7b72; font-weight: bold;" if overdue else "")
        self._update_buttons()

    tick = refresh

    def selected_item(self) -> WorkItem | None:
        index = self.view.currentIndex()
        if not index.isValid() or not self.view.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.item_at(index.row())

    def select(self, incident_id: str, kind: str = FOLLOW_UP) -> bool:
        for row, item in enumerate(self.model.items()):
            if item.incident_id == incident_id and item.kind == kind:
                self.view.selectRow(row)
                return True
        return False

    def _update_buttons(self, *_args: object) -> None:
        item = self.selected_item()
        follow_up = item is not None and item.kind == FOLLOW_UP
        self.done_button.setEnabled(follow_up)
        self.incident_button.setEnabled(follow_up)
        self.accepted_button.setEnabled(item is not None and item.kind == HANDOFF)

    # ---- actions ---------------------------------------------------------------
    def _incident(self) -> Incident | None:
        item = self.selected_item()
        return self.workspace.view.incidents.get(item.incident_id) if item else None

    def _emit(self, event: Event, what: str) -> None:
        why = self.gate([event]) if self.gate is not None else None
        if why is not None:  # the window's local check (MainWindow.refusal)
            self.message.setText(tr("Not sent: {why}.").format(why=why))
            return
        self.event_made.emit(event)
        self.note.clear()
        self.message.setText(what)

    def _show(self) -> None:
        item = self.selected_item()
        if item is not None:
            self.incident_selected.emit(item.incident_id)

    def mark_done(self) -> None:
        incident = self._incident()
        if incident is None:
            return
        event = self.workspace.new_event(
            EventType.INCIDENT_FOLLOW_UP_DONE,
            incident.id,
            ev.FollowUpDone(note=self.note.text().strip()),
        )
        self._emit(event, f"Follow-up of {incident.number} done.")

    def mark_accepted(self) -> None:
        incident = self._incident()
        if incident is None:
            return
        event = self.workspace.new_event(
            EventType.INCIDENT_HANDOFF_ACCEPTED,
            incident.id,
            ev.HandoffAccepted(accepted_by=self.note.text().strip()[:200]),
        )
        self._emit(event, f"Handoff of {incident.number} accepted.")

    def make_incident(self) -> None:
        """A new call for the follow-up visit: same person and place, linked to the first."""
        incident = self._incident()
        if incident is None:
            return
        follow_up = incident.follow_up
        what = f"Follow-up of {incident.number}"
        if follow_up is not None and follow_up.note:
            what += f": {follow_up.note}"
        if self.note.text().strip():
            what += f" ({self.note.text().strip()})"
        payload = ev.IncidentCreated(
            received_at=self.clock(),
            source=Source.FOLLOW_UP,
            call_type=CallType.FOLLOW_UP_VISIT,
            priority=Priority.ROUTINE,
            location=incident.location,
            caller=incident.caller,
            person=incident.person,
            language=incident.language,
            narrative=what[: ev.MAX_TEXT],
            follows_up=incident.id,
        )
        event = self.workspace.new_event(EventType.INCIDENT_CREATED, uuid7(), payload)
        self._emit(event, f"New follow-up call made from {incident.number}.")
        self.incident_selected.emit(event.entity_id)


def _what(item: WorkItem) -> str:
    """The item's kind in the console's language ("follow-up visit", "handoff to X")."""
    if item.kind == HANDOFF:
        provider = item.what.removeprefix("handoff to ")
        return tr("handoff to {provider}").format(provider=provider)
    return tr("follow-up visit")


def _window(item: WorkItem) -> str:
    """When it is due, with weekdays and times in the console's locale."""

    def moment(at: datetime) -> str:
        return QLocale().toString(at.astimezone(), "ddd HH:mm")

    if item.due_from is None:
        return tr("accept by {when}").format(when=moment(item.due_by))
    return f"{moment(item.due_from)} – {moment(item.due_by)}"
