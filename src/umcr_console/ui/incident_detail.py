"""Incident detail: every field editable, notes, the timeline and the timers.

Edits start from the version on screen. When a colleague's change to the same
incident arrives while the dispatcher is editing, fields the dispatcher did
not touch take the new value, and fields both changed are listed side by side
("theirs" and "yours") for the dispatcher to choose: nothing is silently
overwritten, in either direction. The update is sent with the version it was
based on, so the server refuses it if yet another change came in between.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain import events as ev
from ..domain.enums import CallType, EventType, IncidentState, Priority, Source
from ..domain.events import Event
from ..domain.marks import QT_TR_NOOP
from ..domain.model import (
    Caller,
    Incident,
    Location,
    Safety,
    SafetyWordFound,
    SafetyWordsCheck,
    Team,
)
from ..domain.safety_words import Match, SafetyWords
from ..domain.timers import format_elapsed, incident_age
from .i18n import tr
from .intake import (
    CATEGORY_LABELS,
    PHONE_PATTERN,
    PRIORITY_LABELS,
    SOURCE_LABELS,
    shipped_safety_words,
)
from .text import NO_DIVISION, plain


@dataclass(frozen=True)
class _Field:
    key: str
    label: str
    get: Callable[[Incident], Any]


FIELDS = (
    _Field("priority", QT_TR_NOOP("Priority"), lambda i: i.priority),
    _Field("call_type", QT_TR_NOOP("Call type"), lambda i: i.call_type),
    _Field("source", QT_TR_NOOP("Source"), lambda i: i.source),
    _Field("address", QT_TR_NOOP("Address"), lambda i: i.location.address),
    _Field("lat", QT_TR_NOOP("Latitude"), lambda i: i.location.lat),
    _Field("lon", QT_TR_NOOP("Longitude"), lambda i: i.location.lon),
    _Field("division", QT_TR_NOOP("Division"), lambda i: i.location.division),
    _Field("caller_name", QT_TR_NOOP("Caller"), lambda i: i.caller.name),
    _Field("phone", QT_TR_NOOP("Callback"), lambda i: i.caller.phone),
    _Field("language", QT_TR_NOOP("Language"), lambda i: i.language),
    _Field("person", QT_TR_NOOP("Person"), lambda i: i.person),
    _Field("narrative", QT_TR_NOOP("Narrative"), lambda i: i.narrative),
    _Field("weapons", QT_TR_NOOP("Weapons"), lambda i: i.safety.weapons),
    _Field("violence", QT_TR_NOOP("Violence"), lambda i: i.safety.violence),
    _Field("medical", QT_TR_NOOP("Medical"), lambda i: i.safety.medical),
    _Field("crime", QT_TR_NOOP("Crime"), lambda i: i.safety.crime),
)
_BY_KEY = {f.key: f for f in FIELDS}


def describe_event(event: Event, teams: dict[str, Team]) -> str:
    """One timeline line: when, who (the person, not the workstation), what, in full."""
    when = QLocale().toString(event.occurred_at.astimezone().time(), "HH:mm:ss")
    who = event.actor or tr("you (not yet confirmed)")
    payload = event.payload
    what = tr(event.type.split(".", 1)[1].replace("_", " "))
    if event.type.startswith("team."):
        # A team's own event on this incident ("PL-1 on scene"): the team is the subject.
        subject = teams.get(event.entity_id)
        sign = subject.call_sign if subject is not None else tr("a team")
        if event.type == EventType.TEAM_STATUS_CHANGED and "status" in payload:
            what = f"{sign} {tr(str(payload['status']).replace('_', ' '))}"
        else:
            what = f"{sign} {what}"
    else:
        team = (
            teams.get(payload.get("team_id", ""))
            if isinstance(payload.get("team_id"), str)
            else None
        )
        if team is not None:
            what += f" {team.call_sign}"
        for key in ("status", "disposition", "agency"):
            if key in payload:
                what += f" {tr(str(payload[key]).replace('_', ' '))}"
    for key in ("text", "note", "reason"):
        if payload.get(key):
            what += f": {payload[key]}"
    if event.type == EventType.INCIDENT_UPDATED:
        what += " (" + ", ".join(sorted(payload)) + ")"
    return f"{when}  {who}  {what}"


def event_origin(event: Event) -> str:
    """Where an event came from, for the timeline's tooltip."""
    seq = (
        tr("event #{seq}").format(seq=event.seq)
        if event.seq is not None
        else tr("not yet confirmed by the server")
    )
    return tr("{seq}, from workstation {workstation}").format(
        seq=seq, workstation=event.workstation_id
    )


class IncidentDetailWidget(QWidget):
    """Emits the events the dispatcher makes, and action requests for dialogs."""

    event_made = Signal(object)  # Event
    action_requested = Signal(str, str)  # action name, incident id

    def __init__(
        self,
        *,
        divisions: list[str],
        workstation_id: str,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("IncidentDetail")
        self._workstation_id = workstation_id
        self._clock = clock
        self._incident: Incident | None = None  # the current value in the view
        self._base: Incident | None = None  # the value the edits started from
        self._loading = False
        self._dirty: set[str] = set()
        self._theirs: dict[str, Any] = {}
        # The window's local check (MainWindow.refusal): an event the rules
        # refuse is not emitted, and what was typed stays.
        self.gate: Callable[[Sequence[Event]], str | None] | None = None
        # Safety words typed here (issue 18 item 1, beyond the intake): a new
        # mention the call is not flagged for waits for "flag it" or "no danger".
        self.safety_words: SafetyWords = shipped_safety_words()
        self._words_action: str | None = None  # "save" or "note": what waits
        self._words_cleared: tuple[frozenset[tuple[str, str]], str] | None = None
        self._build(divisions)
        self.show_incident(None, [], {})

    # ---- layout -----------------------------------------------------------
    def _build(self, divisions: list[str]) -> None:
        # Header lines wrap and never ask for width: the panel keeps its width
        # whatever the call type, state or timers say (issue 18, item 9).
        self.title = QLabel(objectName="detail_title", wordWrap=True)
        self.title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.timers = QLabel(objectName="detail_timers", wordWrap=True)
        self.teams_label = plain(QLabel(objectName="detail_teams", wordWrap=True))
        for label in (self.title, self.timers, self.teams_label):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.priority = QComboBox()
        for priority, label in PRIORITY_LABELS.items():
            self.priority.addItem(tr(label), priority)
        self.call_type = QComboBox()
        for call_type in CallType:
            self.call_type.addItem(tr(call_type.label), call_type)
        self.source = QComboBox()
        for source, label in SOURCE_LABELS.items():
            self.source.addItem(tr(label), source)
        self.address = QLineEdit()
        self.lat = QLineEdit()
        self.lon = QLineEdit()
        self.division = QComboBox()
        self.division.addItem(tr(NO_DIVISION), None)
        for name in divisions:
            self.division.addItem(name, name)
        self.caller_name = QLineEdit()
        self.phone = QLineEdit()
        self.language = QLineEdit()
        self.person = QLineEdit()
        self.narrative = QPlainTextEdit()
        self.narrative.setTabChangesFocus(True)
        self.narrative.setFixedHeight(80)
        self.weapons, self.violence = QCheckBox(tr("Weapons")), QCheckBox(tr("Violence"))
        self.medical, self.crime = QCheckBox(tr("Medical")), QCheckBox(tr("Crime"))
        self.error = plain(QLabel(objectName="detail_error", wordWrap=True))
        self.error.setStyleSheet("color: #ff6b6b;")
        self.error.hide()

        form = QFormLayout()
        for key, widget in (
            ("priority", self.priority),
            ("call_type", self.call_type),
            ("source", self.source),
            ("address", self.address),
            ("lat", self.lat),
            ("lon", self.lon),
            ("division", self.division),
            ("caller_name", self.caller_name),
            ("phone", self.phone),
            ("language", self.language),
            ("person", self.person),
            ("narrative", self.narrative),
        ):
            form.addRow(tr(_BY_KEY[key].label), widget)
        safety = QHBoxLayout()
        for box in (self.weapons, self.violence, self.medical, self.crime):
            safety.addWidget(box)
        form.addRow(tr("Safety"), safety)
        for widget in self._widgets().values():
            signal = (
                getattr(widget, "currentIndexChanged", None)
                or getattr(widget, "textChanged", None)
                or widget.toggled
            )
            signal.connect(self._edited)

        self.conflict_box = QGroupBox(tr("Changed by someone else while you were editing"))
        self.conflict_box.setObjectName("conflict_box")
        self.conflict_grid = QGridLayout(self.conflict_box)
        self.conflict_box.hide()

        self.save_button = QPushButton(tr("Save changes"))
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(tr("Revert"))
        self.revert_button.clicked.connect(self.revert)
        edit_buttons = QHBoxLayout()
        edit_buttons.addWidget(self.save_button)
        edit_buttons.addWidget(self.revert_button)
        edit_buttons.addStretch(1)

        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.addLayout(form)
        details_layout.addWidget(self.error)
        details_layout.addWidget(self.conflict_box)
        details_layout.addLayout(edit_buttons)
        details_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(details)

        self.notes = QListWidget(objectName="notes")
        self.note_input = QLineEdit(placeholderText=tr("add a note and press Enter"))
        self.note_input.returnPressed.connect(self.add_note)
        notes_page = QWidget()
        notes_layout = QVBoxLayout(notes_page)
        notes_layout.addWidget(self.notes)
        notes_layout.addWidget(self.note_input)

        self.timeline = QListWidget(objectName="timeline")
        for notes_or_events in (self.notes, self.timeline):
            # Long notes wrap in full; nothing is cut (issue 18 item 7).
            notes_or_events.setWordWrap(True)
            notes_or_events.setTextElideMode(Qt.TextElideMode.ElideNone)
            notes_or_events.setResizeMode(QListView.ResizeMode.Adjust)
            notes_or_events.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.tabs = QTabWidget()
        self.tabs.addTab(scroll, tr("Details"))
        self.tabs.addTab(notes_page, tr("Notes"))
        self.tabs.addTab(self.timeline, tr("Timeline"))

        actions = QHBoxLayout()
        self.action_buttons: dict[str, QPushButton] = {}
        for name, label in (
            ("assign", tr("Assign team…")),
            ("release", tr("Release…")),
            ("redirect", tr("Redirect…")),
            ("close", tr("Close…")),
            ("reopen", tr("Reopen…")),
        ):
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, n=name: self._request(n))
            actions.addWidget(button)
            self.action_buttons[name] = button

        shown = QWidget(objectName="detail_shown")
        shown_layout = QVBoxLayout(shown)
        shown_layout.setContentsMargins(0, 0, 0, 0)
        shown_layout.addWidget(self.title)
        shown_layout.addWidget(self.timers)
        shown_layout.addWidget(self.teams_label)
        shown_layout.addLayout(actions)
        shown_layout.addWidget(self._build_words_box())
        shown_layout.addWidget(self.tabs, 1)
        # Nothing selected: an empty panel that says what to do, not a stale form.
        self.hint = QLabel(tr("Select a call in the queue"), objectName="detail_hint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setStyleSheet("color: #8b949e; font-size: 13pt;")
        self.pages = QStackedWidget(objectName="detail_pages")
        self.pages.addWidget(self.hint)
        self.pages.addWidget(shown)
        self.shown_page = shown
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

    def _build_words_box(self) -> QFrame:
        self.words_box = QFrame(objectName="detail_safety_words")
        self.words_box.setStyleSheet(
            "QFrame#detail_safety_words { border: 2px solid #f85149; border-radius: 4px; }"
        )
        box = QVBoxLayout(self.words_box)
        self.words_label = plain(QLabel(objectName="detail_safety_words_text", wordWrap=True))
        self.words_label.setStyleSheet("font-weight: bold;")
        self.words_flag = QPushButton(tr("Flag it"))
        self.words_flag.setObjectName("detail_safety_words_flag")
        self.words_reason = QLineEdit(placeholderText=tr("why it is no danger (needed)"))
        self.words_reason.setMaxLength(ev.MAX_TEXT)
        self.words_clear = QPushButton(tr("No danger: send as is"))
        self.words_clear.setObjectName("detail_safety_words_clear")
        self.words_flag.clicked.connect(self.flag_safety_words)
        self.words_clear.clicked.connect(self.clear_safety_words)
        row = QHBoxLayout()
        row.addWidget(self.words_flag)
        row.addWidget(self.words_reason, 1)
        row.addWidget(self.words_clear)
        box.addWidget(self.words_label)
        box.addLayout(row)
        self.words_box.hide()
        return self.words_box

    def _widgets(self) -> dict[str, QWidget]:
        return {
            "priority": self.priority,
            "call_type": self.call_type,
            "source": self.source,
            "address": self.address,
            "lat": self.lat,
            "lon": self.lon,
            "division": self.division,
            "caller_name": self.caller_name,
            "phone": self.phone,
            "language": self.language,
            "person": self.person,
            "narrative": self.narrative,
            "weapons": self.weapons,
            "violence": self.violence,
            "medical": self.medical,
            "crime": self.crime,
        }

    # ---- reading and writing widgets -------------------------------------
    def _read(self, key: str) -> Any:
        widget = self._widgets()[key]
        if isinstance(widget, QComboBox):
            return widget.currentData()
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText().strip()
        text = widget.text().strip()  # type: ignore[attr-defined]
        if key in ("lat", "lon"):
            if not text:
                return None
            try:
                return float(text)
            except ValueError:
                return text  # kept as typed; save() reports it
        return text

    def _write(self, key: str, value: Any) -> None:
        widget = self._widgets()[key]
        if isinstance(widget, QComboBox):
            if key == "division" and value is not None and widget.findData(value) < 0:
                # A division this deployment does not serve (a call placed by its
                # coordinates, a simulator's call): shown as it is, like the queue
                # shows it, never as "none" -- an edit would otherwise erase it.
                widget.addItem(value, value)
            widget.setCurrentIndex(max(widget.findData(value), 0))
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText(value or "")
        else:
            widget.setText("" if value is None else str(value))  # type: ignore[attr-defined]

    def _edited(self) -> None:
        if self._loading or self._base is None:
            return
        self._dirty = {f.key for f in FIELDS if not _equal(self._read(f.key), f.get(self._base))}

    # ---- showing ------------------------------------------------------------
    @property
    def incident_id(self) -> str | None:
        return self._incident.id if self._incident else None

    @property
    def dirty(self) -> set[str]:
        return set(self._dirty)

    def show_incident(
        self, incident: Incident | None, timeline: list[Event], teams: dict[str, Team]
    ) -> None:
        """Show ``incident`` (another one, or a new value of the same one)."""
        same = (
            incident is not None and self._incident is not None and incident.id == self._incident.id
        )
        if not same:
            self._reset_words()
        self._incident = incident
        self._teams = teams
        self.setEnabled(incident is not None)
        self.pages.setCurrentWidget(self.shown_page if incident is not None else self.hint)
        if incident is None:
            self._clear()
            return
        if not same or not self._dirty:
            self._load(incident)
        else:
            self._merge(incident)
        self._show_lists(incident, timeline)
        self.refresh_header()

    def _clear(self) -> None:
        """Empty every field and disable every button (nothing is selected)."""
        self._loading = True
        try:
            for widget in self._widgets().values():
                if isinstance(widget, QComboBox):
                    widget.setCurrentIndex(-1)
                elif isinstance(widget, QCheckBox):
                    widget.setChecked(False)
                else:
                    widget.clear()  # type: ignore[attr-defined]
        finally:
            self._loading = False
        for label in (self.title, self.timers, self.teams_label):
            label.clear()
        self.notes.clear()
        self.timeline.clear()
        self.note_input.clear()
        for button in (*self.action_buttons.values(), self.save_button, self.revert_button):
            button.setEnabled(False)
        self._base = None
        self._dirty = set()
        self._theirs = {}
        self.error.hide()
        self._show_conflicts()

    def _load(self, incident: Incident) -> None:
        self._loading = True
        try:
            for f in FIELDS:
                self._write(f.key, f.get(incident))
        finally:
            self._loading = False
        self._base = incident
        self._dirty = set()
        self._theirs = {}
        self.error.hide()
        self._show_conflicts()

    def _merge(self, incident: Incident) -> None:
        """A colleague changed the incident while we edit: merge, never overwrite."""
        assert self._base is not None
        self._loading = True
        try:
            for f in FIELDS:
                theirs, base = f.get(incident), f.get(self._base)
                if _equal(theirs, base):
                    continue
                if f.key in self._dirty:
                    if not _equal(theirs, self._read(f.key)):
                        self._theirs[f.key] = theirs
                else:
                    self._write(f.key, theirs)
        finally:
            self._loading = False
        self._base = incident
        self._dirty = {f.key for f in FIELDS if not _equal(self._read(f.key), f.get(incident))}
        self._show_conflicts()

    def _show_conflicts(self) -> None:
        while self.conflict_grid.count():
            item = self.conflict_grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.conflict_box.setVisible(bool(self._theirs))
        for row, (key, theirs) in enumerate(sorted(self._theirs.items())):
            label = tr(_BY_KEY[key].label)
            self.conflict_grid.addWidget(QLabel(f"<b>{escape(label)}</b>"), row, 0)
            self.conflict_grid.addWidget(
                plain(QLabel(tr("theirs: {value}").format(value=_shown(theirs)))), row, 1
            )
            self.conflict_grid.addWidget(
                plain(QLabel(tr("yours: {value}").format(value=_shown(self._read(key))))), row, 2
            )
            take = QPushButton(tr("Take theirs"))
            take.setObjectName(f"take_theirs_{key}")
            take.clicked.connect(lambda _=False, k=key: self.resolve(k, take_theirs=True))
            keep = QPushButton(tr("Keep yours"))
            keep.setObjectName(f"keep_yours_{key}")
            keep.clicked.connect(lambda _=False, k=key: self.resolve(k, take_theirs=False))
            self.conflict_grid.addWidget(take, row, 3)
            self.conflict_grid.addWidget(keep, row, 4)

    def conflicts(self) -> dict[str, tuple[Any, Any]]:
        """Field -> (theirs, yours) still to be chosen."""
        return {key: (theirs, self._read(key)) for key, theirs in self._theirs.items()}

    def resolve(self, key: str, *, take_theirs: bool) -> None:
        theirs = self._theirs.pop(key)
        if take_theirs:
            self._loading = True
            try:
                self._write(key, theirs)
            finally:
                self._loading = False
            self._edited()
        self._show_conflicts()

    def _show_lists(self, incident: Incident, timeline: list[Event]) -> None:
        self.notes.clear()
        for note in incident.notes:
            item = QListWidgetItem(
                QLocale().toString(note.at.astimezone().time(), "HH:mm")
                + f"  {note.author or tr('you')}: {note.text}"
            )
            item.setToolTip(
                tr("from workstation {workstation}").format(workstation=note.workstation_id)
            )
            self.notes.addItem(item)
        self.timeline.clear()
        for event in timeline:
            item = QListWidgetItem(describe_event(event, self._teams))
            item.setToolTip(event_origin(event))
            if event.seq is None:
                item.setForeground(Qt.GlobalColor.gray)
            self.timeline.addItem(item)

    def refresh_header(self) -> None:
        """Title and timers; called on every tick too."""
        incident = self._incident
        if incident is None:
            return
        now = self._clock()
        times = incident.times
        state = tr(incident.state.value)
        if incident.disposition:
            state += f" ({tr(incident.disposition.value.replace('_', ' '))})"
        self.title.setText(
            f"{incident.number}  P{int(incident.priority)}  {tr(incident.call_type.label)}  [{state}]"
        )
        parts = [
            tr("since received {elapsed}").format(
                elapsed=format_elapsed(incident_age(incident, now))
            )
        ]
        if times.dispatched_at:
            parts.append(
                tr("to dispatch {elapsed}").format(
                    elapsed=format_elapsed(times.dispatched_at - incident.received_at)
                )
            )
        if times.on_scene_at:
            parts.append(
                tr("to on scene {elapsed}").format(
                    elapsed=format_elapsed(times.on_scene_at - incident.received_at)
                )
            )
            end = times.closed_at or now
            parts.append(
                tr("on scene {elapsed}").format(elapsed=format_elapsed(end - times.on_scene_at))
            )
        parts.extend(_open_work(incident))
        self.timers.setText("   ".join(parts))
        teams = [self._teams[t] for t in incident.team_ids if t in self._teams]
        self.teams_label.setText(
            tr("Teams: {teams}").format(
                teams=", ".join(f"{t.call_sign} ({tr(t.status.label)})" for t in teams)
                or tr("none")
            )
        )
        is_open = incident.state != IncidentState.CLOSED
        self.action_buttons["assign"].setEnabled(is_open)
        self.action_buttons["release"].setEnabled(is_open and bool(incident.team_ids))
        self.action_buttons["redirect"].setEnabled(is_open)
        self.action_buttons["close"].setEnabled(is_open)
        self.action_buttons["reopen"].setEnabled(not is_open)
        self.save_button.setEnabled(is_open)
        self.revert_button.setEnabled(True)

    # ---- making events -----------------------------------------------------
    def _request(self, action: str) -> None:
        if self._incident is not None:
            self.action_requested.emit(action, self._incident.id)

    def _event(self, event_type: EventType, payload: ev.Payload, version: int | None) -> Event:
        assert self._incident is not None
        return ev.make_event(
            event_type,
            self._incident.id,
            payload,
            workstation_id=self._workstation_id,
            occurred_at=self._clock(),
            expected_version=version,
        )

    def save(self) -> Event | None:
        """Send the changed fields; None (with a message) when there is nothing to send."""
        self.error.hide()
        if self._incident is None or self._base is None:
            return None
        if self._theirs:
            self._fail(tr("Choose theirs or yours for each field changed by someone else first."))
            return None
        if not self._dirty:
            self._fail(tr("Nothing changed."))
            return None
        values = {key: self._read(key) for key in _BY_KEY}
        for key in ("lat", "lon"):
            if isinstance(values[key], str):
                self._fail(tr("{field} must be a number.").format(field=tr(_BY_KEY[key].label)))
                return None
        if (values["lat"] is None) != (values["lon"] is None):
            self._fail(tr("Give both latitude and longitude, or neither."))
            return None
        if values["phone"] and not PHONE_PATTERN.match(values["phone"]):
            self._fail(tr("Callback: digits, spaces, + ( ) - only; 7 to 25 characters."))
            return None
        changes: dict[str, Any] = {}
        for key in self._dirty & {
            "priority",
            "call_type",
            "source",
            "language",
            "person",
            "narrative",
        }:
            changes[key] = values[key]
        if self._dirty & {"address", "lat", "lon", "division"}:
            try:
                changes["location"] = Location(
                    address=values["address"],
                    lat=values["lat"],
                    lon=values["lon"],
                    division=values["division"],
                )
            except ValueError as exc:
                self._fail(tr("Location: {error}").format(error=exc.errors()[0]["msg"]))  # type: ignore[attr-defined]
                return None
        if self._dirty & {"caller_name", "phone"}:
            changes["caller"] = Caller(name=values["caller_name"], phone=values["phone"])
        if self._dirty & {"weapons", "violence", "medical", "crime"}:
            changes["safety"] = Safety(
                weapons=values["weapons"],
                violence=values["violence"],
                medical=values["medical"],
                crime=values["crime"],
            )
        typed = {k: values[k] or "" for k in ("narrative", "person", "address") if k in self._dirty}
        if "caller_name" in self._dirty:
            typed["caller"] = values["caller_name"] or ""
        before = {
            "narrative": self._base.narrative,
            "person": self._base.person,
            "address": self._base.location.address,
            "caller": self._base.caller.name,
        }
        ticked = Safety(**{c: bool(values[c]) for c in ("weapons", "violence", "medical", "crime")})
        check = self._words_check("save", typed, before, ticked)
        if check is False:
            return None
        if check is not None:
            changes["safety_words"] = check
        try:
            payload = ev.IncidentUpdated(**changes)
        except ValueError as exc:
            self._fail(str(exc))
            return None
        event = self._event(EventType.INCIDENT_UPDATED, payload, self._base.version)
        if not self._may_send(event):
            return None
        self.event_made.emit(event)
        self._reset_words()
        return event

    # ---- safety words ---------------------------------------------------------
    def _reset_words(self) -> None:
        self._words_action = None
        self._words_cleared = None
        if hasattr(self, "words_box"):
            self.words_box.hide()
            self.words_reason.clear()

    def unflagged_words(self, incident: Incident, text: str) -> list[Match]:
        """Safety words in a note ``text`` that ``incident`` is not flagged for."""
        return [
            m
            for m in self.safety_words.read({"note": text}).raised
            if not getattr(incident.safety, m.category)
        ]

    def _new_words(self, typed: dict[str, str], before: dict[str, str]) -> list[Match]:
        """Raised words in ``typed`` that the text ``before`` did not have."""
        old = {
            (m.field, m.category, m.text.casefold())
            for m in self.safety_words.read({k: before.get(k, "") for k in typed}).raised
        }
        return [
            m
            for m in self.safety_words.read(typed).raised
            if (m.field, m.category, m.text.casefold()) not in old
        ]

    def _words_check(
        self, action: str, typed: dict[str, str], before: dict[str, str], flagged: Safety
    ) -> SafetyWordsCheck | bool | None:
        """The record of new safety words, None if none, False if they wait for an answer."""
        new = self._new_words(typed, before)
        if not new:
            return None
        unflagged = [m for m in new if not getattr(flagged, m.category)]
        found = tuple(
            SafetyWordFound(
                category=m.category, words=m.text[:200], field=m.field, language=m.language
            )
            for m in (unflagged or new)
        )[:50]
        if not unflagged:
            return SafetyWordsCheck(found=found, decision="confirmed")
        keys = frozenset((m.category, m.text.casefold()) for m in unflagged)
        cleared = self._words_cleared
        if cleared is not None and keys <= cleared[0]:
            return SafetyWordsCheck(found=found, decision="cleared", reason=cleared[1])
        self._words_action = action
        self._words_unflagged = unflagged
        what = "; ".join(
            f"{tr(CATEGORY_LABELS[c])}: "
            + ", ".join(
                f"\u201c{m.text}\u201d ({tr(m.field)})" for m in unflagged if m.category == c
            )
            for c in dict.fromkeys(m.category for m in unflagged)
        )
        self.words_label.setText(
            tr(
                "\u26a0 This mentions {what}, and the call is not flagged for it. "
                "Flag it (then redirect if it is not for an unarmed team), or say why it is no danger."
            ).format(what=what)
        )
        self.words_box.show()
        return False

    def flag_safety_words(self) -> None:
        """The words are a danger: flag the call for them, then do what waited."""
        if self._words_action is None or self._incident is None:
            return
        categories = {m.category for m in self._words_unflagged}
        action, self._words_action = self._words_action, None
        self.words_box.hide()
        if action == "save":
            for category in categories:
                self._widgets()[category].setChecked(True)  # type: ignore[attr-defined]
            self.save()
            return
        # A note: flag the incident itself (its own event), then add the note.
        incident = self._incident
        flags = incident.safety.model_copy(update={c: True for c in categories})
        found = tuple(
            SafetyWordFound(
                category=m.category, words=m.text[:200], field=m.field, language=m.language
            )
            for m in self._words_unflagged
        )[:50]
        update = self._event(
            EventType.INCIDENT_UPDATED,
            ev.IncidentUpdated(
                safety=flags, safety_words=SafetyWordsCheck(found=found, decision="confirmed")
            ),
            incident.version,
        )
        text = self.note_input.text().strip()
        note = self._event(EventType.INCIDENT_NOTE_ADDED, ev.NoteAdded(text=text), None)
        why = self.gate([update, note]) if self.gate is not None else None
        if why is not None:
            self._fail(tr("Not sent: {why}.").format(why=why))
            return
        self.event_made.emit(update)
        self.event_made.emit(note)
        self.note_input.clear()
        self._reset_words()

    def clear_safety_words(self) -> None:
        """The words are no danger: needs the reason; then do what waited."""
        if self._words_action is None:
            return
        reason = self.words_reason.text().strip()
        if not reason:
            self.words_reason.setFocus()
            self.words_reason.setPlaceholderText(tr("say why it is no danger first"))
            return
        keys = frozenset((m.category, m.text.casefold()) for m in self._words_unflagged)
        self._words_cleared = (keys, reason)
        action, self._words_action = self._words_action, None
        self.words_box.hide()
        if action == "save":
            self.save()
        else:
            self.add_note()

    def _may_send(self, event: Event) -> bool:
        why = self.gate([event]) if self.gate is not None else None
        if why is not None:
            self._fail(tr("Not sent: {why}.").format(why=why))
        return why is None

    def _fail(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def revert(self) -> None:
        if self._incident is not None:
            self._load(self._incident)

    def add_note(self) -> None:
        text = self.note_input.text().strip()
        if not text or self._incident is None:
            return
        if len(text) > ev.MAX_TEXT:
            self._fail(
                tr("A note has at most {count} characters.").format(
                    count=QLocale().toString(ev.MAX_TEXT)
                )
            )
            return
        check = self._words_check("note", {"note": text}, {}, self._incident.safety)
        if check is False:
            return  # the note stays typed until the words are answered
        if check is not None and check.decision == "confirmed":
            check = None  # the call is flagged for these already: nothing to record
        payload = ev.NoteAdded(text=text, safety_words=check) if check else ev.NoteAdded(text=text)
        event = self._event(EventType.INCIDENT_NOTE_ADDED, payload, None)
        if not self._may_send(event):
            return  # the note stays typed
        self.event_made.emit(event)
        self.note_input.clear()
        self._reset_words()


def _open_work(incident: Incident) -> list[str]:
    """What is planned or promised for the incident (docs/teams.md), for the header."""
    parts = []
    if incident.scheduled_for is not None and incident.is_open:
        parts.append(tr("planned for {when}").format(when=_day_time(incident.scheduled_for)))
    follow_up = incident.follow_up
    if follow_up is not None and follow_up.is_open:
        parts.append(tr("follow-up due by {when}").format(when=_day_time(follow_up.due_by)))
    handoff = incident.handoff
    if handoff is not None and handoff.is_open:
        parts.append(tr("handoff to {provider} not yet accepted").format(provider=handoff.provider))
    return parts


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, str) and b is None:
        return a == ""
    if isinstance(b, str) and a is None:
        return b == ""
    return a == b


def _shown(value: Any) -> str:
    if isinstance(value, Priority):
        return tr(PRIORITY_LABELS[value])
    if isinstance(value, CallType):
        return tr(value.label)
    if isinstance(value, Source):
        return tr(SOURCE_LABELS[value])
    return tr("(empty)") if value in (None, "") else str(value)


def _day_time(moment: datetime) -> str:
    """Weekday and time of day in the console's locale ("Mon 14:00", "lun 14:00")."""
    return QLocale().toString(moment.astimezone(), "ddd HH:mm")
