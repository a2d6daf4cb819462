"""Small non-blocking dialogs for dispatch actions.

Each is opened with ``open()`` (never ``exec()``), emits ``event_made`` with
the event it builds, and closes. Before it emits, the window's ``gate``
(``MainWindow.refusal``: the shared rules on the current view) may refuse the
events; the dialog then stays open and says why, and nothing is sent
(issue 18 item 3).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain import events as ev
from ..domain.config import Thresholds
from ..domain.enums import (
    DISPOSITION_LABELS,
    REDIRECT_DISPOSITION,
    Agency,
    Disposition,
    EventType,
    TeamStatus,
)
from ..domain.events import Event
from ..domain.followups import default_window
from ..domain.model import Incident, Team
from ..domain.rules import TRANSITIONS
from .i18n import tr
from .text import plain, tooltip

TEAM_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class _EventDialog(QDialog):
    event_made = Signal(object)

    def __init__(
        self,
        title: str,
        *,
        workstation_id: str,
        clock: Callable[[], datetime],
        gate: Callable[[Sequence[Event]], str | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._workstation_id = workstation_id
        self._clock = clock
        self._gate = gate
        self.form = QFormLayout()
        self.error = plain(QLabel(objectName="dialog_error", wordWrap=True))
        self.error.setStyleSheet("color: #ff6b6b;")
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _emit(self, event_type: EventType, entity_id: str, payload: ev.Payload) -> None:
        event = ev.make_event(
            event_type,
            entity_id,
            payload,
            workstation_id=self._workstation_id,
            occurred_at=self._clock(),
        )
        self._send([event])

    def _send(self, events: Sequence[Event]) -> None:
        """Emit ``events`` and close, unless the rules refuse them: then stay and say why."""
        why = self._gate(events) if self._gate is not None else None
        if why is not None:
            self.fail(tr("Not sent: {why}.").format(why=why))
            return
        for event in events:
            self.event_made.emit(event)
        self.accept()

    def fail(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _submit(self) -> None:
        raise NotImplementedError  # each dialog builds its own event


def _reason_field(placeholder: str) -> QLineEdit:
    return QLineEdit(placeholderText=placeholder, maxLength=ev.MAX_TEXT)


class AssignTeamDialog(_EventDialog):
    """Available teams, those of the incident's division first."""

    def __init__(
        self,
        incident: Incident,
        teams: Sequence[Team],
        *,
        rank: Callable[[Incident, Sequence[Team]], list[tuple[Team, str]]] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(tr("Assign a team to {number}").format(number=incident.number), **kwargs)
        self.incident = incident
        self.list = QListWidget(objectName="team_choices")
        ranked = (rank or default_rank)(incident, teams)
        for position, (team, why) in enumerate(ranked, start=1):
            # Two lines: who, then why (the reason would not fit beside it).
            text = f"{position}. {team.call_sign}  {team.provider}  {team.division}"
            item = QListWidgetItem(f"{text}\n      {why}" if why else text)
            item.setToolTip(tooltip(why))
            item.setData(TEAM_ID_ROLE, team.id)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        else:
            self.fail(
                tr(
                    "No team is available. Free a team, or keep the call pending and watch the queue."
                )
            )
        self.list.itemActivated.connect(lambda _item: self._submit())
        self.form.addRow(self.list)
        self._fit_reasons()

    def _fit_reasons(self) -> None:
        """Wide enough that every reason shows whole (within the screen); a reason
        longer than that wraps rather than being cut (issue 18, item 9)."""
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        metrics = self.list.fontMetrics()
        lines = [
            line
            for row in range(self.list.count())
            for line in self.list.item(row).text().splitlines()
        ]
        widest = max((metrics.horizontalAdvance(line) for line in lines), default=0)
        screen = self.screen().availableGeometry() if self.screen() else None
        room = int(screen.width() * 0.9) if screen is not None else 1600
        scrollbar = self.list.verticalScrollBar().sizeHint().width()
        wanted = widest + 2 * self.list.frameWidth() + scrollbar + 24
        self.list.setMinimumWidth(min(max(wanted, 420), room - 40))
        self.list.setMinimumHeight(min(max(self.list.count(), 4) * 2 * metrics.height() + 16, 560))

    def _submit(self) -> None:
        item = self.list.currentItem()
        if item is None:
            self.fail(tr("Choose a team."))
            return
        self._emit(
            EventType.INCIDENT_TEAM_ASSIGNED,
            self.incident.id,
            ev.TeamAssigned(team_id=item.data(TEAM_ID_ROLE)),
        )


def default_rank(incident: Incident, teams: Sequence[Team]) -> list[tuple[Team, str]]:
    """Available teams: same division first, then by call sign."""
    division = incident.location.division
    available = [t for t in teams if t.status == TeamStatus.AVAILABLE and t.incident_id is None]
    available.sort(key=lambda t: (t.division != division, t.call_sign))
    return [(t, tr("same division") if t.division == division else "") for t in available]


class ReleaseTeamDialog(_EventDialog):
    def __init__(self, incident: Incident, teams: dict[str, Team], **kwargs) -> None:
        super().__init__(
            tr("Release a team from {number}").format(number=incident.number), **kwargs
        )
        self.incident = incident
        self.team = QComboBox()
        for team_id in incident.team_ids:
            team = teams.get(team_id)
            self.team.addItem(team.call_sign if team else team_id, team_id)
        self.reason = _reason_field(tr("why (optional)"))
        self.form.addRow(tr("Team"), self.team)
        self.form.addRow(tr("Reason"), self.reason)

    def _submit(self) -> None:
        if self.team.currentData() is None:
            self.fail(tr("No team holds this incident."))
            return
        self._emit(
            EventType.INCIDENT_TEAM_RELEASED,
            self.incident.id,
            ev.TeamReleased(team_id=self.team.currentData(), reason=self.reason.text().strip()),
        )


class RedirectDialog(_EventDialog):
    def __init__(self, incident: Incident, **kwargs) -> None:
        super().__init__(tr("Redirect {number}").format(number=incident.number), **kwargs)
        self.incident = incident
        self.agency = QComboBox()
        self.agency.addItem("LAPD", Agency.LAPD)
        self.agency.addItem("LAFD / EMS", Agency.LAFD)
        self.reason = _reason_field(tr("reason (required)"))
        self.form.addRow(tr("Agency"), self.agency)
        self.form.addRow(tr("Reason"), self.reason)

    def _submit(self) -> None:
        reason = self.reason.text().strip()
        if not reason:
            self.fail(tr("A redirect needs a reason: it is a headline figure of the program."))
            return
        self._emit(
            EventType.INCIDENT_REDIRECTED,
            self.incident.id,
            ev.Redirected(agency=self.agency.currentData(), reason=reason),
        )


def _qt_time(value: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(value.timestamp()))


def _py_time(value: QDateTime, like: datetime) -> datetime:
    """The edited instant, aware, in the zone of ``like`` (the injected clock's)."""
    return datetime.fromtimestamp(value.toSecsSinceEpoch(), like.tzinfo)


class CloseDialog(_EventDialog):
    """Close with a disposition; may promise a follow-up window or a warm handoff.

    The close, the follow-up and the handoff are separate events (in that
    order), so protocol.md's ``incident.closed`` stays as it is.
    """

    def __init__(
        self,
        incident: Incident,
        *,
        providers: Sequence[str] = (),
        thresholds: Thresholds | None = None,
        **kwargs,
    ) -> None:
        super().__init__(tr("Close {number}").format(number=incident.number), **kwargs)
        self.incident = incident
        self.disposition = QComboBox()
        for disposition, label in DISPOSITION_LABELS.items():
            if disposition not in REDIRECT_DISPOSITION.values():  # a redirect is its own dialog
                self.disposition.addItem(tr(label), disposition)
        self.note = _reason_field(tr("closing note (optional)"))
        self.form.addRow(tr("Disposition"), self.disposition)
        self.form.addRow(tr("Note"), self.note)

        due_from, due_by = default_window(self._clock(), thresholds or Thresholds())
        self.follow_up = QCheckBox(tr("Schedule a follow-up"), objectName="close_follow_up")
        self.due_from = QDateTimeEdit(_qt_time(due_from), objectName="close_due_from")
        self.due_by = QDateTimeEdit(_qt_time(due_by), objectName="close_due_by")
        for edit in (self.due_from, self.due_by):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("ddd dd MMM HH:mm")
        self.follow_up_note = _reason_field(tr("what to follow up (optional)"))
        self.handoff = QComboBox(objectName="close_handoff", editable=True)
        self.handoff.addItem("")
        self.handoff.addItems(list(providers))
        self.handoff.lineEdit().setPlaceholderText(tr("provider that takes the person over"))
        self.form.addRow(self.follow_up)
        self.form.addRow(tr("Due from"), self.due_from)
        self.form.addRow(tr("Due by"), self.due_by)
        self.form.addRow(tr("Follow-up"), self.follow_up_note)
        self.form.addRow(tr("Warm handoff to"), self.handoff)
        self.follow_up.toggled.connect(self._follow_up_toggled)
        self._follow_up_toggled(False)

    def _follow_up_toggled(self, on: bool) -> None:
        for widget in (self.due_from, self.due_by, self.follow_up_note):
            widget.setEnabled(on)

    def _submit(self) -> None:
        disposition = self.disposition.currentData()
        provider = self.handoff.currentText().strip()
        if disposition == Disposition.WARM_HANDOFF and not provider:
            self.fail(tr("A warm handoff needs the provider it goes to."))
            return
        now = self._clock()
        events = [
            (
                EventType.INCIDENT_CLOSED,
                ev.Closed(disposition=disposition, note=self.note.text().strip()),
            )
        ]
        if self.follow_up.isChecked():
            due_from = _py_time(self.due_from.dateTime(), now)
            due_by = _py_time(self.due_by.dateTime(), now)
            if due_by < due_from or due_by <= now:
                self.fail(tr("The follow-up must be due by a time after its start, in the future."))
                return
            events.append(
                (
                    EventType.INCIDENT_FOLLOW_UP_SCHEDULED,
                    ev.FollowUpScheduled(
                        due_from=due_from, due_by=due_by, note=self.follow_up_note.text().strip()
                    ),
                )
            )
        if provider:
            events.append(
                (EventType.INCIDENT_HANDOFF_REQUESTED, ev.HandoffRequested(provider=provider))
            )
        self._send(
            [
                ev.make_event(
                    event_type,
                    self.incident.id,
                    payload,
                    workstation_id=self._workstation_id,
                    occurred_at=now,
                )
                for event_type, payload in events
            ]
        )


class ScheduleDialog(_EventDialog):
    """Plan a pending call for later, optionally holding a team for it.

    The team stays available for other calls until ``lead_min`` minutes
    before the planned time (the rules refuse other assignments from then).
    """

    def __init__(
        self,
        incident: Incident,
        teams: Sequence[Team],
        *,
        lead_min: float = 30,
        **kwargs,
    ) -> None:
        super().__init__(tr("Plan {number} for later").format(number=incident.number), **kwargs)
        self.incident = incident
        self.lead = timedelta(minutes=lead_min)
        now = self._clock()
        start = incident.scheduled_for or (now + timedelta(hours=1)).replace(
            minute=0, second=0, microsecond=0
        )
        self.when = QDateTimeEdit(_qt_time(start), objectName="schedule_when")
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("ddd dd MMM HH:mm")
        self.team = QComboBox(objectName="schedule_team")
        self.team.addItem(tr("no team held"), None)
        for team in sorted(teams, key=lambda t: t.call_sign):
            held = team.reservation is not None and team.reservation.incident_id != incident.id
            label = f"{team.call_sign}  {team.division}" + (tr("  (reserved)") if held else "")
            self.team.addItem(label, team.id)
        if incident.reserved_team_id:
            self.team.setCurrentIndex(max(self.team.findData(incident.reserved_team_id), 0))
        self.unplan = QCheckBox(
            tr("Not planned: an ordinary call now"), objectName="schedule_clear"
        )
        self.form.addRow(tr("When"), self.when)
        self.form.addRow(tr("Hold team"), self.team)
        self.form.addRow(
            QLabel(
                tr("A held team takes other calls until {minutes} min before.").format(
                    minutes=int(lead_min)
                )
            )
        )
        self.form.addRow(self.unplan)

    def _submit(self) -> None:
        if self.unplan.isChecked():
            payload = ev.Scheduled(scheduled_for=None)
        else:
            at = _py_time(self.when.dateTime(), self._clock())
            if at <= self._clock():
                self.fail(tr("Choose a time in the future."))
                return
            team_id = self.team.currentData()
            payload = ev.Scheduled(
                scheduled_for=at,
                team_id=team_id,
                hold_from=max(at - self.lead, self._clock()) if team_id else None,
            )
        self._emit(EventType.INCIDENT_SCHEDULED, self.incident.id, payload)


class ReopenDialog(_EventDialog):
    def __init__(self, incident: Incident, **kwargs) -> None:
        super().__init__(tr("Reopen {number}").format(number=incident.number), **kwargs)
        self.incident = incident
        self.reason = _reason_field(tr("reason (required)"))
        self.form.addRow(tr("Reason"), self.reason)

    def _submit(self) -> None:
        reason = self.reason.text().strip()
        if not reason:
            self.fail(tr("Say why the incident is reopened."))
            return
        self._emit(EventType.INCIDENT_REOPENED, self.incident.id, ev.Reopened(reason=reason))


class TeamStatusDialog(_EventDialog):
    """Set a team's status on its behalf (logged with the dispatcher as actor)."""

    def __init__(self, team: Team, **kwargs) -> None:
        super().__init__(tr("Set status of {team}").format(team=team.call_sign), **kwargs)
        self.team = team
        self.status = QComboBox()
        for status in TeamStatus:
            if status in TRANSITIONS[team.status]:
                self.status.addItem(tr(status.label), status)
        self.note = _reason_field(tr("what the team said (optional)"))
        self.form.addRow(tr("Now"), QLabel(tr(team.status.label)))
        self.form.addRow(tr("New status"), self.status)
        self.form.addRow(tr("Note"), self.note)

    def _submit(self) -> None:
        self._emit(
            EventType.TEAM_STATUS_CHANGED,
            self.team.id,
            ev.StatusChanged(status=self.status.currentData(), note=self.note.text().strip()),
        )


class CheckInDialog(_EventDialog):
    def __init__(self, team: Team, **kwargs) -> None:
        super().__init__(tr("Check-in of {team}").format(team=team.call_sign), **kwargs)
        self.team = team
        self.note = _reason_field(tr("what the team said, e.g. 'all OK, 15 more minutes'"))
        self.form.addRow(tr("Team said"), self.note)

    def _submit(self) -> None:
        self._emit(
            EventType.TEAM_CHECKED_IN, self.team.id, ev.CheckedIn(note=self.note.text().strip())
        )


def made_events(dialog: _EventDialog) -> list[Event]:
    """Collect what a dialog emits (tests and the command line use it)."""
    out: list[Event] = []
    dialog.event_made.connect(out.append)
    return out
