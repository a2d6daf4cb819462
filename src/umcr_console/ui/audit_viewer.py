"""The supervisor's audit viewer: who did what, when, from which workstation.

Rows come from the server's audit log (``GET /api/v1/audit``, admins and
supervisors only), newest first, a page at a time (tr("Load more")). Filters go to
the server, so a year of rows is never loaded to be searched here. Each row
says in one line what the action changed (``field: before → after``) or why it
was refused; the tooltip holds the whole of it. docs/security.md, tr("Audit log").
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, QLocale, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.marks import QT_TR_NOOP
from ..logsafe import brief
from ..protocol import AuditEntry, AuditPage
from .i18n import tr
from .table_model import TableModel
from .tasks import Tasks
from .text import tooltip
from .theme import rows_follow_font

log = logging.getLogger(__name__)

# fetch(**params) -> AuditPage, as SyncEngine.fetch_audit
AuditFetcher = Callable[..., Awaitable[AuditPage]]
# An entity id as people know it (a team's call sign), or None.
EntityLabel = Callable[[str], str | None]

# The actions of server/audit.py (ACTIONS), for the filter.
ACTIONS = (
    "event.accepted",
    "event.rejected",
    "event.recovered",
    "auth.sign_in",
    "auth.sign_in_failed",
    "auth.locked",
    "auth.sign_out",
    "user.added",
    "user.changed",
    "user.revoked",
    "user.disabled",
    "user.enabled",
    "user.unlocked",
    "audit.pruned",
    "record.exported",
    "key.enrolled",
)
ALL_ACTIONS = QT_TR_NOOP("All actions")
PAGE_SIZE = 200
_REJECTED = QColor("#d1242f")
# Fields that change with every accepted event and say nothing by themselves.
_QUIET_FIELDS = frozenset({"version", "updated_at"})
# What a reader looks for first.
_FIRST_FIELDS = frozenset({"state", "status"})
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
_SHORT = 40


def _short(value: Any, label: EntityLabel | None = None) -> str:
    """A value in a few characters: a time as local HH:MM:SS, a few ids by name."""
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if isinstance(value, list):
        if len(value) <= 3 and all(isinstance(v, str) for v in value):
            return ", ".join(_short(v, label) for v in value)
        return f"{len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return "{" + ", ".join(sorted(value)) + "}"
    text = str(value)
    if isinstance(value, str):
        if label and (name := label(value)):
            return name
        if _TIME.match(text):
            try:
                moment = datetime.fromisoformat(text).astimezone()
                return QLocale().toString(moment.time(), "HH:mm:ss")
            except ValueError:
                pass
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


def _field_changes(
    before: dict[str, Any], after: dict[str, Any], label: EntityLabel | None = None
) -> list[str]:
    """``name: old → new`` per changed field, state first; a sub-document by its changed keys."""
    names = sorted(after.keys() | before.keys(), key=lambda n: (n not in _FIRST_FIELDS, n))
    parts = []
    for name in names:
        if name in _QUIET_FIELDS:
            continue
        old, new = before.get(name), after.get(name)
        if isinstance(new, dict) and "appended" in new and isinstance(new["appended"], list):
            parts.append(f"{name}: + {_short(new['appended'], label)}")
        elif isinstance(old, dict) and isinstance(new, dict):
            for key in sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k)):
                was, now = _short(old.get(key), label), _short(new.get(key), label)
                parts.append(f"{name}.{key}: {was} → {now}")
        else:
            parts.append(f"{name}: {_short(old, label)} → {_short(new, label)}")
    return parts


def describe(entry: AuditEntry, label: EntityLabel | None = None) -> str:
    """One line: what the action changed, or why it was refused."""
    if entry.action == "event.rejected":
        return tr("refused ({code}): {detail}").format(
            code=entry.reject_code, detail=entry.detail or ""
        )
    if entry.action != "event.accepted" or not entry.after:
        return entry.detail or ""
    before = entry.before or {}
    changed = [
        (kind, entity_id, new)
        for kind in ("incidents", "teams")
        for entity_id, new in (entry.after.get(kind) or {}).items()
    ]
    # The event's own entity first: a team's event, then what it did to the incident.
    changed.sort(key=lambda c: c[1] != entry.entity_id)
    parts = []
    for kind, entity_id, new in changed:
        old = (before.get(kind) or {}).get(entity_id)
        name = _entity_name(kind, entity_id, entry, label)
        if old is None:
            state = (new or {}).get("state") or (new or {}).get("status")
            parts.append(f"{name} new" + (f" ({state})" if state else ""))
        else:
            changes = _field_changes(old, new or {}, label)
            if changes:
                parts.append(f"{name} " + "; ".join(changes))
    return " · ".join(parts)


def _entity_name(kind: str, entity_id: str, entry: AuditEntry, label: EntityLabel | None) -> str:
    if kind == "incidents" and entity_id == entry.incident_id and entry.incident_number:
        return entry.incident_number
    known = label(entity_id) if label else None
    return known or entity_id[:8]


def entity_text(entry: AuditEntry, label: EntityLabel | None = None) -> str:
    """The incident number, a team's call sign (with its incident), or a user name."""
    entity = entry.entity_id or ""
    if entry.incident_number and entity == entry.incident_id:
        return entry.incident_number
    known = label(entity) if label and entity else None
    name = known or (entity[:8] if len(entity) == 36 else entity)
    if entry.incident_number:
        return f"{name} ({entry.incident_number})"
    return name


def action_text(entry: AuditEntry) -> str:
    if entry.action == "event.accepted":
        return entry.event_type or entry.action
    if entry.action == "event.rejected":
        return f"REJECTED {entry.event_type or ''}".strip()
    return entry.action


class AuditTableModel(TableModel):
    """Audit rows in the order the server gave them; tr("Load more") appends."""

    COL_TIME, COL_ACTOR, COL_WORKSTATION, COL_ACTION, COL_ENTITY, COL_SUMMARY = range(6)
    HEADERS = (
        QT_TR_NOOP("Time"),
        QT_TR_NOOP("Actor"),
        QT_TR_NOOP("Workstation"),
        QT_TR_NOOP("Action"),
        QT_TR_NOOP("Entity"),
        QT_TR_NOOP("What changed"),
    )

    def __init__(self, label: EntityLabel | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.entries: list[AuditEntry] = []
        self._texts: list[tuple[str, ...]] = []

    def row_count(self) -> int:
        return len(self.entries)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:  # payload text: shown as typed
            return tooltip(self._texts[index.row()][index.column()])
        if role == Qt.ItemDataRole.ForegroundRole:
            action = self.entries[index.row()].action
            return _REJECTED if action in ("event.rejected", "auth.locked") else None
        return None

    def clear(self) -> None:
        self.beginResetModel()
        self.entries, self._texts = [], []
        self.endResetModel()

    def append(self, entries: Iterable[AuditEntry]) -> None:
        new = list(entries)
        if not new:
            return
        first = len(self.entries)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        self.entries.extend(new)
        self._texts.extend(self._row_texts(e) for e in new)
        self.endInsertRows()

    def _row_texts(self, entry: AuditEntry) -> tuple[str, ...]:
        return (
            QLocale().toString(entry.at.astimezone(), "yyyy-MM-dd HH:mm:ss"),
            entry.actor,
            entry.workstation_id or "",
            action_text(entry),
            entity_text(entry, self.label),
            describe(entry, self.label),
        )


class AuditViewerWindow(QMainWindow):
    """Filters (actor, incident, action, dates), the table, and tr("Load more")."""

    def __init__(
        self,
        fetch: AuditFetcher,
        *,
        label: EntityLabel | None = None,
        page_size: int = PAGE_SIZE,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Audit log"))
        self.setObjectName("AuditViewerWindow")
        self.fetch = fetch
        self.page_size = page_size
        self._filters: dict[str, str | None] = {}
        self._task: asyncio.Future[None] | None = None
        self.tasks = Tasks(self)

        self.actor = QLineEdit(objectName="audit_actor", placeholderText=tr("user name"))
        self.incident = QLineEdit(objectName="audit_incident", placeholderText=tr("U000123 or id"))
        self.action = QComboBox(objectName="audit_action")
        self.action.addItem(tr(ALL_ACTIONS), ALL_ACTIONS)
        for name in ACTIONS:
            self.action.addItem(name, name)
        self.use_dates = QCheckBox(tr("Between"), objectName="audit_use_dates")
        today = QDate.currentDate()
        self.first = QDateEdit(today.addDays(-7), calendarPopup=True, objectName="audit_first")
        self.last = QDateEdit(today, calendarPopup=True, objectName="audit_last")
        self.use_dates.toggled.connect(self.first.setEnabled)
        self.use_dates.toggled.connect(self.last.setEnabled)
        self.first.setEnabled(False)
        self.last.setEnabled(False)
        self.search_button = QPushButton(tr("Search"), objectName="audit_search")
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.search)
        self.more_button = QPushButton(tr("Load more"), objectName="audit_more")
        self.more_button.clicked.connect(self.load_more)
        self.more_button.setEnabled(False)
        self.status = QLabel(objectName="audit_status")
        for line in (self.actor, self.incident):
            line.returnPressed.connect(self.search)

        self.model = AuditTableModel(label, self)
        self.table = QTableView(objectName="audit_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        rows = self.table.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows_follow_font(self.table)  # rows as tall as the text, at any text size
        header = self.table.horizontalHeader()
        for column, width in enumerate((150, 110, 110, 190, 130)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)

        filters = QHBoxLayout()
        for text, widget in (
            (tr("Actor"), self.actor),
            (tr("Incident"), self.incident),
            (tr("Action"), self.action),
        ):
            filters.addWidget(QLabel(text))
            filters.addWidget(widget)
        filters.addWidget(self.use_dates)
        filters.addWidget(self.first)
        filters.addWidget(QLabel(tr("and")))
        filters.addWidget(self.last)
        filters.addWidget(self.search_button)
        footer = QHBoxLayout()
        footer.addWidget(self.status, 1)
        footer.addWidget(self.more_button)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(footer)
        self.setCentralWidget(central)
        self.resize(1200, 650)

    def filters(self) -> dict[str, str | None]:
        """The query parameters of the filters as set now."""
        action = self.action.currentData()
        since = until = None
        if self.use_dates.isChecked():
            first, last = self.first.date(), self.last.date()
            start = datetime(first.year(), first.month(), first.day()).astimezone()
            end = datetime(last.year(), last.month(), last.day()).astimezone()
            since = start.astimezone(UTC).isoformat()
            until = (end + timedelta(days=1)).astimezone(UTC).isoformat()
        return {
            "actor": self.actor.text().strip() or None,
            "incident": self.incident.text().strip() or None,
            "action": None if action == ALL_ACTIONS else action,
            "since": since,
            "until": until,
        }

    def search(self) -> asyncio.Future[None]:
        """The newest rows that match the filters, replacing what is shown."""
        self._filters = self.filters()
        self.model.clear()
        return self._start(None)

    def load_more(self) -> asyncio.Future[None]:
        """The next older page of the same search."""
        before = self.model.entries[-1].id if self.model.entries else None
        return self._start(before)

    def _start(self, before: int | None) -> asyncio.Future[None]:
        self.search_button.setEnabled(False)
        self.more_button.setEnabled(False)
        self.status.setText(tr("Loading…"))
        self._task = self.tasks.run(self._load(before), what=tr("The audit log page"))
        return self._task

    async def _load(self, before: int | None) -> None:
        try:
            page = await self.fetch(**self._filters, before=before, limit=self.page_size)
        except Exception as exc:  # offline or refused: say so, keep what is shown
            log.info("audit page failed: %s", brief(exc))
            self.status.setText(tr("Could not load the audit log: {error}").format(error=exc))
            return
        finally:
            self.search_button.setEnabled(True)
        self.model.append(page.entries)
        self.more_button.setEnabled(page.more)
        shown = len(self.model.entries)
        self.status.setText(
            (tr("1 row") if shown == 1 else tr("{count} rows").format(count=shown))
            + (tr(" (more with Load more)") if page.more else "")
        )
