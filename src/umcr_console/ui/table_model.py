"""The base of the console's flat Qt table models (queue, teams, follow-ups, audit).

Qt asks every model the same three questions: how many rows, how many
columns, what each column is called. The answers are the same in every flat
table: no children, ``len(HEADERS)`` columns, the header text for the display
role. A model sets ``HEADERS`` and implements ``row_count`` and ``data``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from .i18n import tr

Index = QModelIndex | QPersistentModelIndex


class TableModel(QAbstractTableModel):
    HEADERS: tuple[str, ...] = ()

    def row_count(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(self.HEADERS[section])
        return None
