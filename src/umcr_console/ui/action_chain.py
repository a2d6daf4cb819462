"""The action-dialog chain: an action's name, its dialog, the rules' check, the submit.

Menus, shortcuts, the incident panel and the team board name an action
("assign", "close", "status" …); ``ActionChain`` builds its dialog
(``action_dialogs.py``) with what it needs (a ranked team list and the
place's cautions for an assignment), gives it the window's local check
(``gate``) and hands the event it makes to the window's ``submit``. Dialogs
are non-blocking (``open()``); the open ones are kept in ``open_dialogs``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtWidgets import QDialog, QWidget

from .. import geodata
from ..domain import recommend
from ..domain.config import Deployment
from ..domain.events import Event
from ..domain.model import Incident, Team
from ..store.workspace import Workspace
from . import action_dialogs as dialogs
from .location_history import cautions_label

INCIDENT_ACTIONS = ("assign", "release", "redirect", "close", "schedule", "reopen")
TEAM_ACTIONS = ("status", "check_in")


class ActionChain:
    def __init__(
        self,
        *,
        workspace: Workspace,
        deployment: Deployment,
        clock: Callable[[], datetime],
        gate: Callable[[Sequence[Event]], str | None],
        submit: Callable[[Event], object],
        parent: QWidget,
        open_dialogs: list[QDialog],
    ) -> None:
        self.workspace = workspace
        self.deployment = deployment
        self.clock = clock
        self.gate = gate
        self.submit = submit
        self.parent = parent
        self.open_dialogs = open_dialogs

    def _common(self) -> dict:
        return {
            "workstation_id": self.workspace.workstation_id,
            "clock": self.clock,
            "gate": self.gate,
            "parent": self.parent,
        }

    def show(self, dialog: dialogs._EventDialog) -> dialogs._EventDialog:
        dialog.event_made.connect(self.submit)
        self.open_dialogs.append(dialog)
        dialog.finished.connect(lambda _r, d=dialog: self.open_dialogs.remove(d))
        dialog.open()
        return dialog

    def incident_action(self, action: str, incident: Incident) -> dialogs._EventDialog:
        """The dialog of ``action`` on ``incident``, open."""
        view = self.workspace.view
        if action == "assign":
            rank = recommend.ranker(
                view.incidents,
                deployment=self.deployment,
                geography=geodata.geography(),
                stations=geodata.stations(),
                now=self.clock(),
            )
            dialog: dialogs._EventDialog = dialogs.AssignTeamDialog(
                incident, list(view.teams.values()), rank=rank, **self._common()
            )
            settings = self.deployment.locations
            if caution := cautions_label(
                view.incidents.values(),
                incident.location,
                now=self.clock(),
                radius_m=settings.history_radius_m,
                months=settings.history_months,
            ):
                dialog.form.insertRow(0, caution)
        elif action == "release":
            dialog = dialogs.ReleaseTeamDialog(incident, view.teams, **self._common())
        elif action == "redirect":
            dialog = dialogs.RedirectDialog(incident, **self._common())
        elif action == "close":
            dialog = dialogs.CloseDialog(
                incident,
                providers=self.deployment.providers,
                thresholds=self.deployment.thresholds,
                **self._common(),
            )
        elif action == "schedule":
            dialog = dialogs.ScheduleDialog(
                incident,
                list(view.teams.values()),
                lead_min=self.deployment.thresholds.reservation_lead_min,
                **self._common(),
            )
        elif action == "reopen":
            dialog = dialogs.ReopenDialog(incident, **self._common())
        else:
            raise ValueError(f"unknown action {action!r}")
        return self.show(dialog)

    def team_action(self, action: str, team: Team) -> dialogs._EventDialog:
        """The dialog of ``action`` ("status" or "check_in") on ``team``, open."""
        if action == "status":
            dialog: dialogs._EventDialog = dialogs.TeamStatusDialog(team, **self._common())
        elif action == "check_in":
            dialog = dialogs.CheckInDialog(team, **self._common())
        else:
            raise ValueError(f"unknown team action {action!r}")
        return self.show(dialog)
