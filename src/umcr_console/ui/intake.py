"""New-call intake: a keyboard-first form with the eligibility/safety screen.

The form never loses what was typed: a bad field is marked with a message
next to it and the form stays open; closing a filled form asks first. A call
the safety screen flags (weapons, violence, medical emergency, crime in
progress) is recommended for redirect; keeping it for an unarmed team needs a
reason, and redirecting needs one too.

The screen also reads what the call-taker typed (narrative, person, address,
caller): words of the safety word lists (docs/safety-screen.md) raise a
warning that the call-taker confirms (the screen's boxes are ticked) or
clears with a reason; the call is not saved until one or the other, and the
decision travels in the creation event (``safety_words``). A call with
neither coordinates nor a division cannot be placed: saving it asks for the
division, a point on the map, or an explicit "not placed".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..config import load_safety_words
from ..domain import events as ev
from ..domain.enums import Agency, CallType, EventType, Priority, Source
from ..domain.ids import uuid7
from ..domain.marks import QT_TR_NOOP
from ..domain.model import Caller, Location, Safety, SafetyWordFound, SafetyWordsCheck
from ..domain.safety_words import Match, SafetyWords, ScreenReading
from .i18n import tr
from .location_history import LocationHistoryPanel

PHONE_PATTERN = re.compile(r"^\+?[0-9 ()./-]{7,25}$")
DERIVE_DIVISION = QT_TR_NOOP("(from coordinates)")
# The division choice that saves a call nobody can place (the default refuses to).
UNPLACED = "\x00unplaced"
UNPLACED_LABEL = QT_TR_NOOP("Not known: save without a place")
# How long typing pauses before the safety words are read again.
READ_DELAY_MS = 250
CATEGORY_LABELS = {
    "weapons": QT_TR_NOOP("weapons"),
    "violence": QT_TR_NOOP("violence in progress"),
    "medical": QT_TR_NOOP("a medical emergency"),
    "crime": QT_TR_NOOP("a crime in progress"),
}


@functools.cache
def shipped_safety_words() -> SafetyWords:
    return load_safety_words()


SOURCE_LABELS = {
    Source.LAPD_911: QT_TR_NOOP("LAPD 911 diversion"),
    Source.TRANSFER_988: QT_TR_NOOP("988 transfer"),
    Source.DIRECT_LINE: QT_TR_NOOP("Direct line"),
    Source.POLICE_REQUEST: QT_TR_NOOP("Police request"),
    Source.TEAM_INITIATED: QT_TR_NOOP("Team-initiated"),
    Source.FOLLOW_UP: QT_TR_NOOP("Scheduled follow-up"),
}
PRIORITY_LABELS = {
    Priority.URGENT: QT_TR_NOOP("1 urgent"),
    Priority.HIGH: QT_TR_NOOP("2 high"),
    Priority.ROUTINE: QT_TR_NOOP("3 routine"),
}


def recommended_agency(safety: Safety) -> Agency:
    """Where the safety screen sends a flagged call: LAFD for a medical emergency
    alone, LAPD for anything else."""
    return Agency.LAFD if safety.medical and not (safety.weapons or safety.crime) else Agency.LAPD


def screen_reason(safety: Safety) -> str:
    """The redirect reason when the dispatcher follows the recommendation."""
    found = [
        label
        for flag, label in (
            (safety.weapons, tr("weapons")),
            (safety.violence, tr("violence in progress")),
            (safety.medical, tr("medical emergency")),
            (safety.crime, tr("crime in progress")),
        )
        if flag
    ]
    return tr("Safety screen: ") + ", ".join(found)


class IntakeDialog(QDialog):
    """Emits ``submitted`` with the events of one call: created, and redirected if chosen."""

    submitted = Signal(list)
    draft_kept = Signal()  # closed with unsaved input; it will be shown again

    def __init__(
        self,
        *,
        divisions: Sequence[str],
        workstation_id: str,
        clock: Callable[[], datetime],
        division_at: Callable[[float, float], str | None] | None = None,
        safety_words: SafetyWords | None = None,
        gate: Callable[[Sequence[ev.Event]], str | None] | None = None,
        history: LocationHistoryPanel | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.history = history  # earlier calls and caution notes at the place (issue 22)
        self.setWindowTitle(tr("New call"))
        self.setObjectName("IntakeDialog")
        self._workstation_id = workstation_id
        self._clock = clock
        self._division_at = division_at
        self._received_at = clock()
        self._errors: dict[str, QLabel] = {}
        self._clean_close = False
        self._safety_words = safety_words or shipped_safety_words()
        # The window's local check (MainWindow.refusal): refused, the form stays.
        self._gate = gate
        self._reading = ScreenReading(())
        # The call-taker's decision and the words it was about.
        self._words_decision: str | None = None
        self._words_decided: frozenset[tuple[str, str]] = frozenset()
        self._build(divisions)

    # ---- layout -----------------------------------------------------------
    def _build(self, divisions: Sequence[str]) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.source = QComboBox()
        for source, label in SOURCE_LABELS.items():
            self.source.addItem(tr(label), source)
        self.call_type = QComboBox()
        for call_type in CallType:
            self.call_type.addItem(tr(call_type.label), call_type)
        self.priority = QComboBox()
        for priority, label in PRIORITY_LABELS.items():
            self.priority.addItem(tr(label), priority)
        self.priority.setCurrentIndex(1)
        self.address = QLineEdit(placeholderText=tr("street address or cross streets"))
        self.lat = QLineEdit(placeholderText="34.0522")
        self.lon = QLineEdit(placeholderText="-118.2437")
        coords = QHBoxLayout()
        coords.addWidget(self.lat)
        coords.addWidget(self.lon)
        self.division = QComboBox()
        self.division.addItem(tr(DERIVE_DIVISION), None)
        for name in divisions:
            self.division.addItem(name, name)
        self.division.addItem(tr(UNPLACED_LABEL), UNPLACED)
        self.caller_name = QLineEdit()
        self.phone = QLineEdit(placeholderText=tr("callback number"))
        self.language = QLineEdit(placeholderText=tr("English"))
        self.person = QLineEdit(
            placeholderText=tr("who is the person in crisis; what helped before")
        )
        self.narrative = QPlainTextEdit()
        self.narrative.setTabChangesFocus(True)
        self.narrative.setPlaceholderText(tr("what the caller says; safety notes"))

        rows: list[tuple[str, str, QWidget | QHBoxLayout]] = [
            ("source", tr("&Source"), self.source),
            ("call_type", tr("Call &type"), self.call_type),
            ("priority", tr("&Priority"), self.priority),
            ("address", tr("&Address"), self.address),
            ("coords", tr("Lat / l&on"), coords),
            ("division", tr("&Division"), self.division),
            ("caller", tr("&Caller"), self.caller_name),
            ("phone", tr("Call&back"), self.phone),
            ("language", tr("&Language"), self.language),
            ("person", tr("P&erson"), self.person),
        ]
        for key, label, field in rows:
            error = QLabel()
            error.setObjectName(f"error_{key}")
            error.setStyleSheet("color: #ff6b6b;")
            error.hide()
            self._errors[key] = error
            box = QVBoxLayout()
            box.setSpacing(1)
            if isinstance(field, QHBoxLayout):
                box.addLayout(field)
            else:
                box.addWidget(field)
            box.addWidget(error)
            # A QLabel with a buddy makes the &-mnemonic jump to its field (Alt+letter).
            form.addRow(QLabel(label, buddy=self.lat if key == "coords" else field), box)

        screen = QGroupBox(tr("Safety screen: any of these means not for an unarmed team"))
        screen_layout = QVBoxLayout(screen)
        checks = QHBoxLayout()
        self.weapons = QCheckBox(tr("&Weapons"))
        self.violence = QCheckBox(tr("&Violence in progress"))
        self.medical = QCheckBox(tr("&Medical emergency"))
        self.crime = QCheckBox(tr("C&rime in progress"))
        for box in (self.weapons, self.violence, self.medical, self.crime):
            checks.addWidget(box)
            box.toggled.connect(self._update_screen)
        screen_layout.addLayout(checks)
        self.recommendation = QLabel()
        self.recommendation.setWordWrap(True)
        self.recommendation.setObjectName("recommendation")
        self.recommendation.hide()
        screen_layout.addWidget(self.recommendation)
        choice = QHBoxLayout()
        self.screen_choice = QComboBox()
        self.screen_choice.addItem(tr("Redirect to LAPD"), Agency.LAPD)
        self.screen_choice.addItem(tr("Redirect to LAFD / EMS"), Agency.LAFD)
        self.screen_choice.addItem(tr("Keep for an unarmed team"), None)
        self.screen_reason = QLineEdit(
            placeholderText=tr("reason (needed unless you follow the recommendation)")
        )
        choice.addWidget(self.screen_choice)
        choice.addWidget(self.screen_reason, 1)
        self._screen_row = QWidget()
        self._screen_row.setLayout(choice)
        self._screen_row.hide()
        screen_layout.addWidget(self._screen_row)
        self._errors["screen"] = QLabel(objectName="error_screen", styleSheet="color: #ff6b6b;")
        self._errors["screen"].hide()
        screen_layout.addWidget(self._errors["screen"])
        screen_layout.addWidget(self._build_words_box())

        self.buttons = QDialogButtonBox()
        self.save_button = QPushButton(tr("Save call (Ctrl+Enter)"))
        self.save_button.setDefault(False)
        self.save_button.setAutoDefault(False)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.discard_button = self.buttons.addButton(
            tr("Discard call"), QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.later_button = self.buttons.addButton(
            tr("Keep as draft (Esc)"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.save_button.clicked.connect(self.try_submit)
        self.discard_button.clicked.connect(self.discard)
        self.later_button.clicked.connect(self.close)
        for keys in ("Ctrl+Return", "Ctrl+Enter", "Ctrl+S"):
            QShortcut(QKeySequence(keys), self, activated=self.try_submit)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if self.history is not None:
            layout.addWidget(self.history)
            screen_layout.addWidget(self.history.safety_banner)
            self.history.attach(self.address, self.lat, self.lon)
        layout.addWidget(QLabel(tr("&Narrative"), buddy=self.narrative))
        layout.addWidget(self.narrative, 1)
        self._errors["narrative"] = QLabel(
            objectName="error_narrative", styleSheet="color: #ff6b6b;"
        )
        self._errors["narrative"].hide()
        layout.addWidget(self._errors["narrative"])
        layout.addWidget(screen)
        layout.addWidget(self.buttons)
        self.resize(640, 720)
        self.address.setFocus()

        # Read the typed text again once typing pauses (and at save, at once).
        self._read_timer = QTimer(self, singleShot=True, interval=READ_DELAY_MS)
        self._read_timer.timeout.connect(self.read_safety_words)
        for field in (self.narrative, self.person, self.address, self.caller_name):
            field.textChanged.connect(self._read_timer.start)
        for box in (self.weapons, self.violence, self.medical, self.crime):
            box.toggled.connect(self._show_words)

    def _build_words_box(self) -> QFrame:
        """The warning raised by words in the typed text, with its two answers."""
        self.words_box = QFrame(objectName="safety_words")
        self.words_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.words_box.setStyleSheet(
            "QFrame#safety_words { border: 2px solid #f85149; border-radius: 4px; }"
        )
        box = QVBoxLayout(self.words_box)
        self.words_label = QLabel(objectName="safety_words_text", wordWrap=True)
        # Typed text: shown as typed, never read as markup.
        self.words_label.setTextFormat(Qt.TextFormat.PlainText)
        self.words_label.setStyleSheet("font-weight: bold;")
        box.addWidget(self.words_label)
        answers = QHBoxLayout()
        self.words_confirm = QPushButton(tr("Con&firm: raise the safety screen"))
        self.words_confirm.setObjectName("safety_words_confirm")
        self.words_reason = QLineEdit(placeholderText=tr("why it is no danger (needed to clear)"))
        self.words_reason.setObjectName("safety_words_reason")
        self.words_reason.setMaxLength(ev.MAX_TEXT)
        self.words_clear = QPushButton(tr("Clear: no dan&ger"))
        self.words_clear.setObjectName("safety_words_clear")
        for button in (self.words_confirm, self.words_clear):
            button.setAutoDefault(False)
        self.words_confirm.clicked.connect(self.confirm_safety_words)
        self.words_clear.clicked.connect(self.clear_safety_words)
        answers.addWidget(self.words_confirm)
        answers.addWidget(self.words_reason, 1)
        answers.addWidget(self.words_clear)
        box.addLayout(answers)
        self.words_state = QLabel(objectName="safety_words_state", wordWrap=True)
        self.words_state.setTextFormat(Qt.TextFormat.PlainText)
        box.addWidget(self.words_state)
        self._errors["words"] = QLabel(objectName="error_words", styleSheet="color: #ff6b6b;")
        self._errors["words"].hide()
        box.addWidget(self._errors["words"])
        self.words_box.hide()
        self.words_negated = QLabel(objectName="safety_words_negated", wordWrap=True)
        self.words_negated.setTextFormat(Qt.TextFormat.PlainText)
        self.words_negated.setStyleSheet("color: #8b949e;")
        self.words_negated.hide()
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.words_box)
        layout.addWidget(self.words_negated)
        return holder

    # ---- safety words ----------------------------------------------------------
    def _typed_fields(self) -> dict[str, str]:
        return {
            "narrative": self.narrative.toPlainText(),
            "person": self.person.text(),
            "address": self.address.text(),
            "caller": self.caller_name.text(),
        }

    def read_safety_words(self) -> ScreenReading:
        """Read the typed text now; show (or hide) the warning."""
        self._read_timer.stop()
        self._reading = self._safety_words.read(self._typed_fields())
        self._show_words()
        return self._reading

    def _raised_keys(self) -> frozenset[tuple[str, str]]:
        return frozenset((m.category, m.text.casefold()) for m in self._reading.raised)

    def words_decision(self) -> str | None:
        """The answer ("confirmed" or "cleared") covering every raised word, else None."""
        keys = self._raised_keys()
        if not keys:
            return None
        ticked = self._safety()
        if all(getattr(ticked, c) for c in self._reading.categories):
            # The screen is raised for all the words name (by Confirm or by hand).
            return "confirmed"
        if self._words_decision == "cleared" and keys <= self._words_decided:
            return "cleared"
        return None  # unanswered, new words since, or a confirmed box unticked again

    def _show_words(self) -> None:
        raised = self._reading.raised
        self.words_box.setVisible(bool(raised))
        negated = self._reading.negated
        self.words_negated.setVisible(bool(negated) and not raised)
        if negated:
            self.words_negated.setText(
                tr("Read as negated, not raised: ") + ", ".join(_quoted(m) for m in negated)
            )
        if not raised:
            return
        parts = []
        for category in self._reading.categories:
            words = [m for m in raised if m.category == category]
            parts.append(
                tr(CATEGORY_LABELS[category]) + ": " + ", ".join(_quoted(m) for m in words)
            )
        self.words_label.setText(tr("⚠ The call mentions {what}.").format(what="; ".join(parts)))
        decision = self.words_decision()
        if decision == "confirmed":
            self.words_state.setText(tr("Confirmed: the safety screen is raised."))
        elif decision == "cleared":
            self.words_state.setText(
                tr("Cleared as no danger: {reason}").format(reason=self.words_reason.text().strip())
            )
        else:
            self.words_state.setText(
                tr(
                    "Confirm to raise the safety screen, or give the reason and clear it. "
                    "The call is saved after one or the other."
                )
            )

    def confirm_safety_words(self) -> None:
        """The words are a danger: tick their boxes (the screen then asks what to do)."""
        reading = self.read_safety_words()
        if not reading.any:
            return
        for category in reading.categories:
            getattr(self, category).setChecked(True)
        self._words_decision = "confirmed"
        self._words_decided = self._raised_keys()
        self._errors["words"].hide()
        self._show_words()

    def clear_safety_words(self) -> bool:
        """The words are no danger ("the gun is a toy"): needs the reason."""
        reading = self.read_safety_words()
        if not reading.any:
            return False
        if not self.words_reason.text().strip():
            self._show_error("words", tr("say why these words are no danger, then clear"))
            self.words_reason.setFocus()
            return False
        self._words_decision = "cleared"
        self._words_decided = self._raised_keys()
        self._errors["words"].hide()
        self._show_words()
        return True

    def _words_check(self) -> SafetyWordsCheck | None:
        decision = self.words_decision()
        if decision is None:
            return None
        found = tuple(
            SafetyWordFound(
                category=m.category, words=m.text[:200], field=m.field, language=m.language
            )
            for m in self._reading.raised
        )[:50]
        reason = self.words_reason.text().strip() if decision == "cleared" else ""
        return SafetyWordsCheck(found=found, decision=decision, reason=reason)

    def set_location(self, lat: float, lon: float) -> None:
        """Coordinates picked on the map; the division follows from them."""
        self.lat.setText(f"{lat:.5f}")
        self.lon.setText(f"{lon:.5f}")
        self.division.setCurrentIndex(0)  # derive from the coordinates
        if self.history is not None:
            self.history.look_up_now(self.address.text(), lat, lon)
        if self._division_at is not None:
            division = self._division_at(lat, lon)
            self.setWindowTitle(
                tr("New call — {division}").format(division=division or tr("outside the city"))
            )
        self._errors["division"].clear()  # the call is placed now
        self._errors["division"].hide()

    def _update_screen(self) -> None:
        flags = self._safety()
        flagged = flags.any_flag
        self._screen_row.setVisible(flagged)
        self.recommendation.setVisible(flagged)
        if flagged:
            agency = (
                "LAFD / EMS" if flags.medical and not (flags.weapons or flags.crime) else "LAPD"
            )
            self.screen_choice.setCurrentIndex(1 if agency.startswith("LAFD") else 0)
            self.recommendation.setText(
                tr(
                    "Recommended: redirect to {agency}. To keep the call for an unarmed team, "
                    "choose so and give the reason."
                ).format(agency=agency)
            )

    # ---- reading and checking the form -------------------------------------
    def _safety(self) -> Safety:
        return Safety(
            weapons=self.weapons.isChecked(),
            violence=self.violence.isChecked(),
            medical=self.medical.isChecked(),
            crime=self.crime.isChecked(),
        )

    def _show_error(self, key: str, message: str) -> None:
        self._errors[key].setText(message)
        self._errors[key].show()

    def _clear_errors(self) -> None:
        for label in self._errors.values():
            label.clear()
            label.hide()

    def errors(self) -> dict[str, str]:
        """The messages shown next to fields, for tests and accessibility."""
        return {key: label.text() for key, label in self._errors.items() if label.text()}

    def _coordinate(self, field: QLineEdit, low: float, high: float, name: str) -> float | None:
        text = field.text().strip()
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            self._show_error(
                "coords",
                tr("{name} must be a number, for example {example}").format(
                    name=name, example=field.placeholderText()
                ),
            )
            return None
        if not low <= value <= high:
            self._show_error(
                "coords",
                tr("{name} must be between {low} and {high}").format(name=name, low=low, high=high),
            )
            return None
        return value

    def build_events(self) -> list[ev.Event] | None:
        """The events this form makes, or None after marking every bad field."""
        self._clear_errors()
        address = self.address.text().strip()
        if not address:
            self._show_error("address", tr("an address or cross streets is needed to send a team"))
        if len(address) > 200:
            self._show_error("address", tr("at most 200 characters"))
        lat = self._coordinate(self.lat, -90, 90, tr("latitude"))
        lon = self._coordinate(self.lon, -180, 180, tr("longitude"))
        if (lat is None) != (lon is None) and "coords" not in self.errors():
            self._show_error("coords", tr("give both latitude and longitude, or neither"))
        division = self.division.currentData()
        if division == UNPLACED:
            division = None  # chosen on purpose: saved, shown as not placed
        elif division is None and lat is not None and lon is not None and self._division_at:
            division = self._division_at(lat, lon)
            if division is None:
                self._show_error("coords", tr("this point is outside the City of Los Angeles"))
        elif division is None and lat is None and lon is None and "coords" not in self.errors():
            # Without either the call is on no map, in no division's queue, and
            # no distance can rank the teams: ask, loudly, before saving.
            self._show_error(
                "division",
                tr(
                    "⚠ This call cannot be placed: no coordinates and no division. Choose the "
                    'division, click the map, or choose "{unplaced}".'
                ).format(unplaced=tr(UNPLACED_LABEL)),
            )
        phone = self.phone.text().strip()
        if phone and not PHONE_PATTERN.match(phone):
            self._show_error("phone", tr("digits, spaces, + ( ) - only; 7 to 25 characters"))
        if len(self.caller_name.text()) > 200:
            self._show_error("caller", tr("at most 200 characters"))
        if len(self.language.text()) > 200:
            self._show_error("language", tr("at most 200 characters"))
        if len(self.narrative.toPlainText()) > ev.MAX_TEXT:
            self._show_error(
                "narrative",
                tr("at most {count} characters; move detail to notes").format(
                    count=QLocale().toString(ev.MAX_TEXT)
                ),
            )
        if len(self.person.text()) > ev.MAX_TEXT:
            self._show_error(
                "person",
                tr("at most {count} characters").format(count=QLocale().toString(ev.MAX_TEXT)),
            )
        reading = self.read_safety_words()
        if reading.any and self.words_decision() is None:
            self._show_error("words", tr("confirm or clear what the call mentions before saving"))
        safety = self._safety()
        reason = self.screen_reason.text().strip()
        redirect_to: Agency | None = None
        if safety.any_flag:
            redirect_to = self.screen_choice.currentData()
            if not reason and redirect_to == recommended_agency(safety):
                # Following the recommendation: the screen's own finding is the reason.
                reason = screen_reason(safety)
            if not reason:
                self._show_error("screen", tr("give the reason for this choice"))
        if self.errors():
            return None

        now = self._clock()
        incident_id = uuid7()
        created = ev.IncidentCreated(
            received_at=self._received_at,
            source=self.source.currentData(),
            call_type=self.call_type.currentData(),
            priority=self.priority.currentData(),
            location=Location(address=address, lat=lat, lon=lon, division=division),
            caller=Caller(name=self.caller_name.text().strip(), phone=phone),
            language=self.language.text().strip(),
            safety=safety,
            narrative=self.narrative.toPlainText().strip(),
            person=self.person.text().strip(),
            screen_override_reason=reason if safety.any_flag else "",
            safety_words=self._words_check() if reading.any else None,
        )
        events = [
            ev.make_event(
                EventType.INCIDENT_CREATED,
                incident_id,
                created,
                workstation_id=self._workstation_id,
                occurred_at=now,
            )
        ]
        if redirect_to is not None:
            events.append(
                ev.make_event(
                    EventType.INCIDENT_REDIRECTED,
                    incident_id,
                    ev.Redirected(agency=redirect_to, reason=reason),
                    workstation_id=self._workstation_id,
                    occurred_at=now,
                )
            )
        return events

    def try_submit(self) -> bool:
        events = self.build_events()
        if events is None:
            return False
        why = self._gate(events) if self._gate is not None else None
        if why is not None:
            self._show_error("screen", tr("Not saved: {why}.").format(why=why))
            return False
        self.submitted.emit(events)
        self._clean_close = True
        self.accept()
        return True

    def has_input(self) -> bool:
        return any(
            field.text().strip()
            for field in (
                self.address,
                self.lat,
                self.lon,
                self.caller_name,
                self.phone,
                self.person,
            )
        ) or bool(self.narrative.toPlainText().strip())

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closing keeps what was typed: the window that owns the form keeps this
        # instance and shows it again on the next "new call" until it is saved or
        # discarded. No modal question, so nothing blocks the event loop.
        if not self._clean_close and self.has_input():
            self.draft_kept.emit()
        event.accept()

    def discard(self) -> None:
        """Drop the typed call on purpose and close."""
        self._clean_close = True
        self.close()

    def reject(self) -> None:
        # Escape goes through close(), so a filled form is never dropped by one key.
        self.close()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)


# The typed fields the safety words are read in (Match.field), as the warning names them.
FIELD_WORDS = (
    QT_TR_NOOP("narrative"),
    QT_TR_NOOP("person"),
    QT_TR_NOOP("address"),
    QT_TR_NOOP("caller"),
    QT_TR_NOOP("note"),
)


def _quoted(match: Match) -> str:
    return f"\u201c{match.text}\u201d ({tr(match.field)})"
