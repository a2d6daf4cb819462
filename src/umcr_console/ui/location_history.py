"""The history of a place, at intake and in the incident view (issue 22, docs/locations.md).

``LocationHistoryPanel`` shows the earlier calls at a place (same normalised
address, or within the deployment's radius, over its window) and the caution
notes in force there. It fills at once from what the local store holds
(``domain.locations.location_history`` over the console's incidents: works
offline), then asks the server for the full history in the background and
shows both merged. A caution note of a safety category (weapon seen,
violence, medical) is also shown in ``safety_banner``, a label the intake form
puts beside its safety screen.

``CautionDialog`` makes the ``incident.caution_added`` event of a place's note.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta

from PySide6.QtCore import QLocale, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain import events as ev
from ..domain.enums import CautionCategory, EventType
from ..domain.events import Event
from ..domain.locations import (
    DEFAULT_MONTHS,
    DEFAULT_RADIUS_M,
    CautionEntry,
    FrequentLocation,
    HistoryEntry,
    LocationHistory,
    Place,
    location_history,
    merge,
)
from ..domain.marks import QT_TR_NOOP
from ..domain.model import Incident, Location
from ..logsafe import brief
from .i18n import tr
from .tasks import Tasks

log = logging.getLogger(__name__)

# What the panel asks the server: the sync engine's fetch_location_history.
Remote = Callable[[Place, str | None], Awaitable[LocationHistory]]
# Typing pauses this long before a lookup; leaving the field looks up at once.
TYPING_PAUSE_MS = 400
_SAFETY_STYLE = "background: #5c1010; color: #ffe0e0; border: 2px solid #ff6b6b; padding: 4px; font-weight: bold;"


def _number(text: str) -> float | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if -180 <= value <= 180 else None


def _flags(entry: HistoryEntry) -> str:
    s = entry.safety
    names = [tr(n) for n, on in ((QT_TR_NOOP("weapons"), s.weapons), (QT_TR_NOOP("violence"), s.violence),
                             (QT_TR_NOOP("medical"), s.medical), (QT_TR_NOOP("crime"), s.crime)) if on]  # fmt: skip
    return ("  ⚠ " + ", ".join(names)) if names else ""


def entry_text(entry: HistoryEntry) -> str:
    """One line of the history: when, what, how it ended, police, safety flags."""
    if entry.redirected_to is not None:
        outcome, police = "", tr("redirected to {agency}").format(agency=entry.redirected_to.value)
    else:
        outcome = (
            tr(entry.disposition.value.replace("_", " "))
            if entry.disposition
            else tr(entry.state.value)
        )
        police = ""
    where = tr("same address") if entry.same_address else (
        tr("{metres} m away").format(metres=f"{entry.distance_m:.0f}") if entry.distance_m is not None else ""
    )  # fmt: skip
    return (
        f"{_date(entry.received_at)}  {entry.number}  {tr(entry.call_type.label)}"
        f"  · {outcome}{police}{_flags(entry)}" + (f"  ({where})" if where else "")
    )


def caution_text(caution: CautionEntry) -> str:
    return f"{tr(caution.category.label)}: {caution.text}  — {caution.author}, " + tr(
        "{date}, until {until}"
    ).format(date=_date(caution.at), until=_date(caution.expires_at))


class LocationHistoryPanel(QWidget):
    """Earlier calls and caution notes at a place; emits ``filled`` after each showing."""

    filled = Signal(object)  # LocationHistory
    # The incident whose place gets a note (the tr("Add caution note…") button).
    caution_requested = Signal(str)

    def __init__(
        self,
        *,
        incidents: Callable[[], Iterable[Incident]],
        clock: Callable[[], datetime],
        remote: Remote | None = None,
        radius_m: float = DEFAULT_RADIUS_M,
        months: int = DEFAULT_MONTHS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("LocationHistory")
        self._incidents = incidents
        self._clock = clock
        self.remote = remote
        self.tasks = Tasks(self)
        self.radius_m = radius_m
        self.months = months
        self._place: Place | None = None
        self._exclude: str | None = None
        # The incident whose place is shown (the incident view), None at intake.
        self.incident_id: str | None = None
        self._task: asyncio.Future[None] | None = None
        self.history = LocationHistory()
        self.from_server = False
        self._remote: LocationHistory | None = None  # the server's answer for _place

        self.title = QLabel(objectName="history_title")
        self.title.setStyleSheet("font-weight: bold;")
        self.safety_banner = QLabel(objectName="caution_safety", wordWrap=True)
        self.safety_banner.setStyleSheet(_SAFETY_STYLE)
        self.safety_banner.hide()
        self.cautions = QListWidget(objectName="cautions")
        self.cautions.setMaximumHeight(70)
        self.entries = QListWidget(objectName="history_entries")
        self.entries.setMaximumHeight(160)
        self.add_caution = QPushButton(tr("Add caution note…"))
        self.add_caution.clicked.connect(self._caution_clicked)
        self.add_caution.hide()
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.add_caution)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.cautions)
        layout.addWidget(self.entries, 1)
        self._pause = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._pause.timeout.connect(self._look_up)
        self._pending: Place | None = None
        self.show_history(LocationHistory(), place=None)

    # ---- asking ------------------------------------------------------------
    def place_typed(self, address: str, lat: float | None, lon: float | None) -> None:
        """The place is being typed: look it up when the typing pauses."""
        self._pending = self._place_of(address, lat, lon)
        self._pause.start()

    def show_place(
        self, location: Location | None, *, exclude: str | None = None, fetch: bool = True
    ) -> None:
        """Look up ``location`` now (the call ``exclude`` is not its own history)."""
        self._pause.stop()
        self._exclude = exclude
        self.incident_id = exclude
        self.add_caution.setVisible(exclude is not None)
        place = (
            None
            if location is None
            else self._place_of(location.address, location.lat, location.lon)
        )
        self._show(place, fetch=fetch)

    def attach(self, address: QLineEdit, lat: QLineEdit, lon: QLineEdit) -> None:
        """Follow a form's address and coordinate fields: at a typing pause, and at
        once when the dispatcher leaves a field (Tab or Enter)."""

        def place() -> tuple[str, float | None, float | None]:
            return address.text(), _number(lat.text()), _number(lon.text())

        for field in (address, lat, lon):
            field.textChanged.connect(lambda _t: self.place_typed(*place()))
            field.editingFinished.connect(lambda: self.look_up_now(*place()))

    def look_up_now(self, address: str, lat: float | None, lon: float | None) -> None:
        self._pause.stop()
        place = self._place_of(address, lat, lon)
        if place != self._place:
            self._show(place, fetch=True)

    def _place_of(self, address: str, lat: float | None, lon: float | None) -> Place | None:
        if lat is None or lon is None or not -90 <= lat <= 90:
            lat = lon = None
        place = Place(
            address=address.strip()[:200],
            lat=lat,
            lon=lon,
            radius_m=self.radius_m,
            months=self.months,
        )
        return place if place.has_point or place.key else None

    def _look_up(self) -> None:
        self._show(self._pending, fetch=True)

    def _show(self, place: Place | None, *, fetch: bool) -> None:
        if place is not None and place == self._place and not fetch:
            # The same place again (the incident changed): what the server sent
            # stays, merged with the local store as it is now (a new note shows).
            local = location_history(
                self._incidents(), place, now=self._clock(), exclude=self._exclude
            )
            self.show_history(merge(local, self._remote) if self._remote else local, place=place)
            return
        self._place = place
        self._remote = None
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if place is None:
            self.show_history(LocationHistory(), place=None)
            return
        local = location_history(self._incidents(), place, now=self._clock(), exclude=self._exclude)
        self.from_server = False
        self.show_history(local, place=place)
        if fetch and self.remote is not None:
            try:
                loop = asyncio.get_event_loop()
            except RuntimeError:
                return
            if loop.is_running():  # the console's qasync loop; else local only
                self._task = self.tasks.run(
                    self._fetch(place, local), what=tr("The place history from the server")
                )

    async def _fetch(self, place: Place, local: LocationHistory) -> None:
        assert self.remote is not None
        try:
            remote = await self.remote(place, self._exclude)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # offline or refused: the local history stays
            log.info("location history from the server failed: %s", brief(exc))
            return
        if place != self._place:
            return  # the place changed meanwhile
        self.from_server = True
        self._remote = remote
        self.show_history(merge(local, remote), place=place)

    # ---- showing -----------------------------------------------------------
    def show_history(self, history: LocationHistory, *, place: Place | None) -> None:
        self.history = history
        if place is None:
            self.title.setText(tr("Place history: enter an address or a point"))
        else:
            source = tr("server") if self.from_server else tr("this console only")
            count = len(history.entries)
            more = "+" if history.truncated else ""
            self.title.setText(
                (
                    tr(
                        "Place history: {count}{more} earlier call within "
                        "{metres} m or at the same address, {months} months ({source})"
                    )
                    if count == 1
                    else tr(
                        "Place history: {count}{more} earlier calls within "
                        "{metres} m or at the same address, {months} months ({source})"
                    )
                ).format(
                    count=count,
                    more=more,
                    metres=f"{place.radius_m:.0f}",
                    months=place.months,
                    source=source,
                )
            )
        self.entries.clear()
        for entry in history.entries:
            item = QListWidgetItem(entry_text(entry))
            item.setToolTip(entry.address)
            self.entries.addItem(item)
        self.cautions.clear()
        for caution in history.cautions:
            item = QListWidgetItem(("⚠ " if caution.is_safety else "") + caution_text(caution))
            self.cautions.addItem(item)
        self.cautions.setVisible(bool(history.cautions))
        safety = history.safety_cautions
        self.safety_banner.setVisible(bool(safety))
        if safety:
            self.safety_banner.setText(
                html.escape(tr("CAUTION at this place: "))
                + "; ".join(html.escape(f"{tr(c.category.label)}: {c.text}") for c in safety)
            )
        self.filled.emit(history)

    def _caution_clicked(self) -> None:
        if self._exclude is not None:
            self.caution_requested.emit(self._exclude)


class CautionDialog(QDialog):
    """A caution note on an incident's place: category, text, expiry (default 12 months)."""

    event_made = Signal(object)  # Event

    def __init__(
        self,
        incident: Incident,
        *,
        workstation_id: str,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(
            tr("Caution note — {place}").format(place=incident.location.address or incident.number)
        )
        self._incident = incident
        self._workstation_id = workstation_id
        self._clock = clock
        self.category = QComboBox()
        for category in CautionCategory:
            self.category.addItem(tr(category.label), category)
        self.text = QLineEdit(placeholderText=tr("what a team must know before arriving"))
        self.expires = QDateEdit(calendarPopup=True)
        self.expires.setDate((clock() + timedelta(days=365)).astimezone().date())
        self.error = QLabel(styleSheet="color: #ff6b6b;")
        self.error.hide()
        form = QFormLayout(self)
        form.addRow(tr("&Category"), self.category)
        form.addRow(tr("&Note"), self.text)
        form.addRow(tr("&Expires"), self.expires)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def build_event(self) -> Event | None:
        text = self.text.text().strip()
        if not text:
            self.error.setText(tr("write what the note warns of"))
            self.error.show()
            return None
        now = self._clock()
        day = self.expires.date().toPython()
        expires = datetime(day.year, day.month, day.day, 23, 59, tzinfo=now.astimezone().tzinfo)
        if expires <= now:
            self.error.setText(tr("the expiry must be in the future"))
            self.error.show()
            return None
        payload = ev.CautionAdded(
            category=self.category.currentData(), text=text, expires_at=expires
        )
        return ev.make_event(
            EventType.INCIDENT_CAUTION_ADDED,
            self._incident.id,
            payload,
            workstation_id=self._workstation_id,
            occurred_at=now,
        )

    def try_accept(self) -> bool:
        event = self.build_event()
        if event is None:
            return False
        self.event_made.emit(event)
        self.accept()
        return True


def cautions_label(
    incidents: Iterable[Incident],
    location: Location,
    *,
    now: datetime,
    radius_m: float,
    months: int,
) -> QLabel | None:
    """The caution notes in force at ``location``, for a dispatch confirmation; None if none."""
    place = Place(
        address=location.address,
        lat=location.lat if location.lon is not None else None,
        lon=location.lon if location.lat is not None else None,
        radius_m=radius_m,
        months=months,
    )
    if not place.has_point and not place.key:
        return None
    found = location_history(incidents, place, now=now).cautions
    if not found:
        return None
    label = QLabel(
        tr("Caution at this place:")
        + "\n"
        + "\n".join(("⚠ " if c.is_safety else "• ") + caution_text(c) for c in found),
        objectName="dispatch_cautions",
        wordWrap=True,
    )
    if any(c.is_safety for c in found):
        label.setStyleSheet(_SAFETY_STYLE)
    return label


# fetch(start, end, fmt) -> the rows (json) or CSV text
FrequentFetcher = Callable[[datetime, datetime, str], Awaitable["list[FrequentLocation] | str"]]
FREQUENT_COLUMNS = (
    QT_TR_NOOP("Place"),
    QT_TR_NOOP("Division"),
    QT_TR_NOOP("Calls"),
    QT_TR_NOOP("Redirected to police"),
    QT_TR_NOOP("Providers"),
    QT_TR_NOOP("Last call"),
)
# The caution categories' labels (CautionCategory.label), for the translator.
CAUTION_LABELS = (
    QT_TR_NOOP("Animal"),
    QT_TR_NOOP("Weapon seen"),
    QT_TR_NOOP("Violence"),
    QT_TR_NOOP("Access"),
    QT_TR_NOOP("Medical"),
    QT_TR_NOOP("Other"),
)


class FrequentLocationsPanel(QWidget):
    """The report window's "frequent locations": the places with the most calls in its period."""

    shown = Signal(object)  # list[FrequentLocation]

    def __init__(
        self,
        fetch: FrequentFetcher,
        bounds: Callable[[], tuple[datetime, datetime]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("FrequentLocations")
        self.fetch = fetch
        self.bounds = bounds
        self.tasks = Tasks(self)
        self.rows: list[FrequentLocation] = []
        self.title = QLabel(
            "<b>"
            + html.escape(tr("Frequent locations"))
            + "</b> "
            + html.escape(tr("(two calls or more in the period)"))
        )
        self.status = QLabel(objectName="frequent_status")
        self.export_button = QPushButton(tr("Export frequent locations CSV…"))
        self.export_button.clicked.connect(self.export_csv)
        self.export_button.setEnabled(False)
        self.table = QTableWidget(0, len(FREQUENT_COLUMNS), objectName="frequent_table")
        self.table.setHorizontalHeaderLabels([tr(c) for c in FREQUENT_COLUMNS])
        self.table.verticalHeader().setVisible(False)
        header = QHBoxLayout()
        for widget in (self.title, self.status):
            header.addWidget(widget)
        header.addStretch(1)
        header.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.table, 1)

    async def run(self) -> None:
        start, end = self.bounds()
        try:
            rows = await self.fetch(start, end, "json")
        except Exception as exc:  # offline or refused: say so, keep the last list
            self.status.setText(tr("Could not get frequent locations: {error}").format(error=exc))
            return
        assert not isinstance(rows, str)
        self.show_rows(rows)

    def show_rows(self, rows: list[FrequentLocation]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, f in enumerate(rows):
            cells = (
                f.place,
                f.division,
                str(f.calls),
                str(f.redirected_police),
                ", ".join(f.providers),
                QLocale().toString(f.last_call.astimezone(), QLocale.FormatType.ShortFormat),
            )
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.status.setText(
            tr("1 place") if len(rows) == 1 else tr("{count} places").format(count=len(rows))
        )
        self.export_button.setEnabled(True)
        self.shown.emit(rows)

    def export_csv(self) -> None:
        dialog = QFileDialog(
            self,
            tr("Export frequent locations"),
            "umcr-frequent-locations.csv",
            tr("CSV files (*.csv)"),
        )
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.fileSelected.connect(
            lambda path: self.tasks.run(
                self.save_csv(path), what=tr("The frequent locations CSV export")
            )
        )
        dialog.open()
        self._export_dialog = dialog

    async def save_csv(self, path: str) -> None:
        start, end = self.bounds()
        try:
            text = await self.fetch(start, end, "csv")
        except Exception as exc:
            self.status.setText(tr("Could not export: {error}").format(error=exc))
            return
        assert isinstance(text, str)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        self.status.setText(tr("Saved {path}").format(path=path))


def _date(moment: datetime) -> str:
    """A date in the console's locale (short form)."""
    return QLocale().toString(moment.astimezone().date(), QLocale.FormatType.ShortFormat)
