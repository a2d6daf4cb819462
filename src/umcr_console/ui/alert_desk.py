"""Team alerts shared through the event log: escalation to supervisors and acknowledgements.

The main window's ``AlertBook`` says which alerts are new and which are due
to escalate; this desk turns that into events and notices:

- a team alert nobody acknowledged in time is *recorded* as
  ``team.alert_escalated`` (one event id per team and overdue episode, so two
  consoles escalating at once make one event), not only shown here;
- every console shows the escalations of the log (from the teams' state), and
  a supervisor's console draws attention to them;
- acknowledging a team alert or escalation records ``team.alert_acknowledged``,
  which ends it on every console; an alert acknowledged elsewhere leaves the
  notices here too.

Incident alerts (a call waiting with no team) stay local, as before.

A field team's "help now" (``team.help_requested``, issue 24) is a notice of
its own kind on every console, loud (the window is raised and beeps) whatever
the role, until a dispatcher acknowledges it (``team.help_acknowledged``, one
event id per call for help), which the team's phone then shows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..domain import events as ev
from ..domain.alerts import (
    Alert,
    AlertBook,
    acknowledgement_event_id,
    escalation_event_id,
    escalations,
    help_acknowledgement_event_id,
    help_alerts,
)
from ..domain.enums import EventType, Role
from ..domain.events import Event
from ..store.workspace import Workspace
from .alert_notices import ALERT_KINDS, alert_key_of, escalation_notice_key, remove_alert
from .i18n import tr
from .notices import Notice, NoticesWidget

SUPERVISOR_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
# Roles whose console records escalations; None: not signed in yet (the server judges).
_WRITING_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.DISPATCHER, None})


class AlertDesk:
    def __init__(
        self,
        workspace: Workspace,
        book: AlertBook,
        notices: NoticesWidget,
        submit: Callable[[Event], None],
        *,
        role: Callable[[], str | None],
    ) -> None:
        self.workspace = workspace
        self.book = book
        self.notices = notices
        self.submit = submit
        self.role = role
        self._shown: set[str] = set()  # escalation notice keys this desk added
        self._help_shown: set[str] = set()  # help notice keys this desk added

    def _notice_key(self, team_id: str, since: datetime, fallback: str) -> str:
        """The key the window uses for this alert's notices, if the alert is active here."""
        for key, alert in self.book.active.items():
            if alert.team_id == team_id and alert.since == since:
                return escalation_notice_key(key)
        return escalation_notice_key(fallback)

    def tick(self, escalate: list[Alert], now: datetime) -> bool:
        """Record due escalations, show those of the log; True if a supervisor must look."""
        role = self.role()
        view = self.workspace.view
        if role in _WRITING_ROLES:
            for alert in escalate:
                team = view.teams.get(alert.team_id) if alert.team_id else None
                if team is None:
                    continue
                event = self.workspace.new_event(
                    EventType.TEAM_ALERT_ESCALATED,
                    team.id,
                    ev.AlertEscalated(
                        status=team.status, overdue_since=alert.since, reason=alert.text
                    ),
                ).model_copy(update={"event_id": escalation_event_id(team.id, alert.since)})
                # The view may know better already (escalated or acknowledged elsewhere).
                if self.workspace.check(event) is None:
                    self.submit(event)

        # Alerts acknowledged on another console leave this one too.
        for key in list(self.book.active):
            if self.book.is_acknowledged(key) and self.book.active[key].team_id:
                remove_alert(self.notices, key)

        attention = False
        current: set[str] = set()
        for escalation in escalations(view.teams.values()):
            key = self._notice_key(escalation.team_id, escalation.since, escalation.key)
            current.add(key)
            supervisor = role in SUPERVISOR_ROLES
            text = escalation.text + (
                tr(" — acknowledge when handled") if supervisor else tr(" — supervisors notified")
            )
            added = self.notices.add(
                Notice(key, "escalation", text, escalation.since, team_id=escalation.team_id)
            )
            if added:
                self._shown.add(key)
                attention = attention or supervisor
        for key in self._shown - current:
            self.notices.remove(key)
        self._shown &= current
        return self.show_help() or attention

    def show_help(self) -> bool:
        """Show every open call for help; True if one is new here (be loud)."""
        view = self.workspace.view
        current: set[str] = set()
        loud = False
        for call in help_alerts(view.teams.values(), view.incidents):
            key = f"help|{call.key}"
            current.add(key)
            text = call.text + tr(" — acknowledge to tell the team")
            notice = Notice(key, "help", text, call.since, call.incident_id, call.team_id)
            if self.notices.add(notice):
                self._help_shown.add(key)
                loud = True
        for key in self._help_shown - current:
            self.notices.remove(key)  # acknowledged here or on another console
        self._help_shown &= current
        return loud

    def acknowledged(self, notice: Notice) -> None:
        """The dispatcher acknowledged a notice: record it for a team alert."""
        if notice.team_id is None or notice.kind not in (*ALERT_KINDS, "help"):
            return
        team = self.workspace.view.teams.get(notice.team_id)
        if team is None:
            return
        if notice.kind == "help":
            self._acknowledge_help(team.id)
            return
        alert = self.book.active.get(alert_key_of(notice))
        since = alert.since if alert is not None else team.escalated_for
        if since is None or team.alert_acknowledged_for == since:
            return
        event = self.workspace.new_event(
            EventType.TEAM_ALERT_ACKNOWLEDGED,
            team.id,
            ev.AlertAcknowledged(overdue_since=since),
        ).model_copy(update={"event_id": acknowledgement_event_id(team.id, since)})
        self.submit(event)

    def _acknowledge_help(self, team_id: str) -> None:
        team = self.workspace.view.teams.get(team_id)
        if team is None or team.help is None or not team.help.is_open:
            return
        requested_at = team.help.requested_at
        event = self.workspace.new_event(
            EventType.TEAM_HELP_ACKNOWLEDGED,
            team.id,
            ev.HelpAcknowledged(requested_at=requested_at),
        ).model_copy(update={"event_id": help_acknowledgement_event_id(team.id, requested_at)})
        self.submit(event)
