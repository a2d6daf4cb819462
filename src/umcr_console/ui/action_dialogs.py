"""Small non-blocking dialogs for dispatch actions.

Each is opened with ``open()`` (never ``exec()``), emits ``event_made`` with
the event it builds, and closes. The rules judge the event as usual; the
dialogs only collect what the event needs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
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
from ..domain.enums import Agency, Disposition, EventType, TeamStatus
from ..domain.events import Event
from ..domain.model import Incident, Team
from ..domain.rules import TRANSITIONS

TEAM_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class _EventDialog(QDialog):
    event_made = Signal(object)

    def __init__(
        self,
        title: str,
        *,
        workstation_id: str,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._workstation_id = workstation_id
        self._clock = clock
        self.form = QFormLayout()
        self.error = QLabel(objectName="dialog_error", wordWrap=True)
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
        super().__init__(f"Assign a team to {incident.number}", **kwargs)
        self.incident = incident
        self.list = QListWidget(objectName="team_choices")
        ranked = (rank or default_rank)(incident, teams)
        for team, why in ranked:
            item = QListWidgetItem(f"{team.call_sign}  {team.provider}  {team.division}   {why}")
            item.setData(TEAM_ID_ROLE, team.id)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        else:
            self.fail(
                "No team is available. Free a team, or keep the call pending and watch the queue."
            )
        self.list.itemActivated.connect(lambda _item: self._submit())
        self.form.addRow(self.list)

    def _submit(self) -> None:
        item = self.list.currentItem()
        if item is None:
            self.fail("Choose a team.")
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
    return [(t, "same division" if t.division == division else "") for t in available]


class ReleaseTeamDialog(_EventDialog):
    def __init__(self, incident: Incident, teams: dict[str, Team], **kwargs) -> None:
        super().__init__(f"Release a team from {incident.number}", **kwargs)
        self.incident = incident
        self.team = QComboBox()
        for team_id in incident.team_ids:
            team = teams.get(team_id)
            self.team.addItem(team.call_sign if team else team_id, team_id)
        self.reason = _reason_field("why (optional)")
        self.form.addRow("Team", self.team)
        self.form.addRow("Reason", self.reason)

    def _submit(self) -> None:
        if self.team.currentData() is None:
            self.fail("No team holds this incident.")
            return
        self._emit(
            EventType.INCIDENT_TEAM_RELEASED,
            self.incident.id,
            ev.TeamReleased(team_id=self.team.currentData(), reason=self.reason.text().strip()),
        )


class RedirectDialog(_EventDialog):
    def __init__(self, incident: Incident, **kwargs) -> None:
        super().__init__(f"Redirect {incident.number}", **kwargs)
        self.incident = incident
        self.agency = QComboBox()
        self.agency.addItem("LAPD", Agency.LAPD)
        self.agency.addItem("LAFD / EMS", Agency.LAFD)
        self.reason = _reason_field("reason (required)")
        self.form.addRow("Agency", self.agency)
        self.form.addRow("Reason", self.reason)

    def _submit(self) -> None:
        reason = self.reason.text().strip()
        if not reason:
            self.fail("A redirect needs a reason: it is a headline figure of the program.")
            return
        self._emit(
            EventType.INCIDENT_REDIRECTED,
            self.incident.id,
            ev.Redirected(agency=self.agency.currentData(), reason=reason),
        )


DISPOSITION_LABELS = {
    Disposition.RESOLVED_ON_SCENE: "Resolved on scene",
    Disposition.REFERRAL_MADE: "Referral made",
    Disposition.VOLUNTARY_TRANSPORT: "Voluntary transport to a facility",
    Disposition.WARM_HANDOFF: "Warm handoff to a provider",
    Disposition.DECLINED_SERVICES: "Declined services",
    Disposition.UNABLE_TO_LOCATE: "Unable to locate",
    Disposition.CANCELLED: "Cancelled",
    Disposition.DUPLICATE: "Duplicate",
}


class CloseDialog(_EventDialog):
    def __init__(self, incident: Incident, **kwargs) -> None:
        super().__init__(f"Close {incident.number}", **kwargs)
        self.incident = incident
        self.disposition = QComboBox()
        for disposition, label in DISPOSITION_LABELS.items():
            self.disposition.addItem(label, disposition)
        self.note = _reason_field("closing note (optional)")
        self.form.addRow("Disposition", self.disposition)
        self.form.addRow("Note", self.note)

    def _submit(self) -> None:
        self._emit(
            EventType.INCIDENT_CLOSED,
            self.incident.id,
            ev.Closed(disposition=self.disposition.currentData(), note=self.note.text().strip()),
        )


class ReopenDialog(_EventDialog):
    def __init__(self, incident: Incident, **kwargs) -> None:
        super().__init__(f"Reopen {incident.number}", **kwargs)
        self.incident = incident
        self.reason = _reason_field("reason (required)")
        self.form.addRow("Reason", self.reason)

    def _submit(self) -> None:
        reason = self.reason.text().strip()
        if not reason:
            self.fail("Say why the incident is reopened.")
            return
        self._emit(EventType.INCIDENT_REOPENED, self.incident.id, ev.Reopened(reason=reason))


class TeamStatusDialog(_EventDialog):
    """Set a team's status on its behalf (logged with the dispatcher as actor)."""

    def __init__(self, team: Team, **kwargs) -> None:
        super().__init__(f"Set status of {team.call_sign}", **kwargs)
        self.team = team
        self.status = QComboBox()
        for status in TeamStatus:
            if status in TRANSITIONS[team.status]:
                self.status.addItem(status.label, status)
        self.note = _reason_field("what the team said (optional)")
        self.form.addRow("Now", QLabel(team.status.label))
        self.form.addRow("New status", self.status)
        self.form.addRow("Note", self.note)

    def _submit(self) -> None:
        self._emit(
            EventType.TEAM_STATUS_CHANGED,
            self.team.id,
            ev.StatusChanged(status=self.status.currentData(), note=self.note.text().strip()),
        )


class CheckInDialog(_EventDialog):
    def __init__(self, team: Team, **kwargs) -> None:
        super().__init__(f"Check-in of {team.call_sign}", **kwargs)
        self.team = team
        self.note = _reason_field("what the team said, e.g. 'all OK, 15 more minutes'")
        self.form.addRow("Team said", self.note)

    def _submit(self) -> None:
        self._emit(
            EventType.TEAM_CHECKED_IN, self.team.id, ev.CheckedIn(note=self.note.text().strip())
        )


def made_events(dialog: _EventDialog) -> list[Event]:
    """Collect what a dialog emits (tests and the command line use it)."""
    out: list[Event] = []
    dialog.event_made.connect(out.append)
    return out
