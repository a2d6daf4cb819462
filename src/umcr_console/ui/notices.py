"""Notices: rejected actions and alerts, non-blocking, acknowledged by the dispatcher."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .i18n import tr

NOTICE_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Notice:
    key: str  # unique: "rejection:<id>" or "alert:<entity>:<reason>"
    kind: str  # "rejection" | "alert" | "escalation" | "help"
    text: str
    at: datetime
    incident_id: str | None = None
    team_id: str | None = None
    rejection_id: int | None = None


class NoticesWidget(QWidget):
    acknowledged = Signal(object)  # Notice
    activated = Signal(object)  # Notice: show its incident or team

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Notices")
        self.header = QLabel(tr("No notices"), objectName="notices_header")
        self.list = QListWidget(objectName="notices_list")
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(lambda item: self.activated.emit(item.data(NOTICE_ROLE)))
        self.ack_button = QPushButton(tr("Acknowledge (Ctrl+Shift+K)"))
        self.ack_button.clicked.connect(self.acknowledge_selected)
        row = QHBoxLayout()
        row.addWidget(self.header, 1)
        row.addWidget(self.ack_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.list)
        self._keys: dict[str, QListWidgetItem] = {}

    def add(self, notice: Notice) -> bool:
        """Show a notice once; False if it is already shown."""
        if notice.key in self._keys:
            return False
        item = QListWidgetItem(
            f"{QLocale().toString(notice.at.astimezone().time(), 'HH:mm:ss')}  {notice.text}"
        )
        item.setData(NOTICE_ROLE, notice)
        colour = {
            "rejection": "#d29922",
            "alert": "#f85149",
            "escalation": "#ff7b72",
            "help": "#ff4040",  # a field team's "help now" (issue 24)
        }[notice.kind]
        item.setForeground(QColor(colour))
        self.list.insertItem(0, item)
        self._keys[notice.key] = item
        self.list.setCurrentItem(item)
        self._update_header()
        return True

    def remove(self, key: str) -> None:
        item = self._keys.pop(key, None)
        if item is not None:
            self.list.takeItem(self.list.row(item))
            self._update_header()

    def has(self, key: str) -> bool:
        return key in self._keys

    def notices(self) -> list[Notice]:
        return [self.list.item(i).data(NOTICE_ROLE) for i in range(self.list.count())]

    def acknowledge_selected(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        notice: Notice = item.data(NOTICE_ROLE)
        self.remove(notice.key)
        self.acknowledged.emit(notice)

    def _update_header(self) -> None:
        count = self.list.count()
        self.header.setText(
            tr("No notices")
            if not count
            else tr("1 notice")
            if count == 1
            else tr("{count} notices").format(count=count)
        )
