"""The dispatcher's main window: queue, detail, teams, notices, command line.

Widgets read Qt models fed by the ``WorkspaceBridge`` and hand every action to
``Workspace.submit`` (durable first, shown at once, synced later). Docks can
be arranged; the arrangement and the theme are kept in QSettings.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QItemSelectionModel, QLocale, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from .. import geodata
from ..domain.alerts import AlertBook
from ..domain.commands import CommandError, parse_command
from ..domain.config import Deployment
from ..domain.enums import EventType, IncidentState
from ..domain.events import Event
from ..domain.marks import QT_TR_NOOP
from ..domain.model import Incident, Team
from ..domain.timeline import assigned_team_ids, first_assignment_seq, incident_timeline
from ..logsafe import brief
from ..store.db import StoreError
from ..store.workspace import Counts, RejectionNotice, Workspace
from ..sync.engine import SyncEngine, SyncStatus
from .action_chain import ActionChain
from .alert_desk import AlertDesk
from .alert_notices import (
    ALERT_KINDS,
    STORE_NOTICE,
    alert_key_of,
    rejection_notice,
    show_alerts,
    store_notice,
    sync_notice,
    task_failed_notice,
)
from .bridge import WorkspaceBridge
from .field_positions import PositionFeed
from .followups import FollowUpsWidget
from .i18n import tr
from .incident_detail import IncidentDetailWidget
from .intake import IntakeDialog
from .location_history import (
    CautionDialog,
    FrequentLocationsPanel,
    LocationHistoryPanel,
)
from .map_widget import DivisionMapWidget
from .menus import build_menus
from .menus import show_about as about_box
from .menus import show_help as help_dialog
from .messages import Messages
from .notices import Notice, NoticesWidget
from .queue_model import (
    COL_AGE,
    COL_DIVISION,
    COL_IN_STATE,
    COL_LOCATION,
    COL_NUMBER,
    COL_PRIORITY,
    COL_TEAM,
    COL_TYPE,
    INCIDENT_ID_ROLE,
    IncidentQueueModel,
    QueueFilter,
)
from .queue_model import whole_columns as queue_whole_columns
from .queue_widgets import HiddenCallsLabel, QueueHold
from .tasks import Tasks
from .team_board import TeamBoardWidget
from .team_model import COL_INCIDENT, TEAM_ID_ROLE, TeamTableModel
from .team_model import whole_columns as team_whole_columns
from .text import plain
from .theme import apply_theme, current_theme, largest_screen, rows_follow_font

log = logging.getLogger(__name__)
# Roles that may open the audit viewer (server/audit.py AUDIT_ROLES).
AUDIT_ROLES = frozenset({"supervisor", "admin"})

STATE_FILTERS = {
    QT_TR_NOOP("Open"): frozenset({IncidentState.PENDING, IncidentState.ASSIGNED}),
    QT_TR_NOOP("Pending"): frozenset({IncidentState.PENDING}),
    QT_TR_NOOP("Assigned"): frozenset({IncidentState.ASSIGNED}),
    QT_TR_NOOP("Closed"): frozenset({IncidentState.CLOSED}),
    QT_TR_NOOP("All"): frozenset(),
}


def visible_rows(view: QTableView) -> range:
    """The rows a table view shows now (what a 1 Hz tick needs to repaint)."""
    first = view.rowAt(0)
    if first < 0:
        return range(0)
    last = view.rowAt(view.viewport().height() - 1)
    if last < 0:
        last = view.model().rowCount() - 1
    return range(first, last + 1)


class StatusBarWidgets:
    """Connection, counts, clock offset, user and workstation in the status bar."""

    def __init__(self, window: QMainWindow) -> None:
        self.connection = QLabel(tr("connecting…"), objectName="status_connection")
        self.counts = QLabel(objectName="status_counts")
        self.offset = QLabel(objectName="status_offset")
        self.identity = QLabel(objectName="status_identity")
        bar = window.statusBar()
        for label in (self.connection, self.counts, self.offset):
            bar.addWidget(label)
        bar.addPermanentWidget(self.identity)

    def set_connection(self, text: str, ok: bool) -> None:
        self.connection.setText(text)
        self.connection.setStyleSheet("" if ok else "color: #ff7b72; font-weight: bold;")

    def set_counts(self, counts: Counts) -> None:
        text = tr("{unsent} queued to send, {pending} unconfirmed").format(
            unsent=counts.unsent, pending=counts.pending
        )
        if counts.rejected:
            text += tr(", {rejected} rejected").format(rejected=counts.rejected)
        self.counts.setText(text)
        self.counts.setStyleSheet("color: #d29922;" if counts.rejected else "")

    def set_offset(self, seconds: float | None) -> None:
        self.offset.setText(
            tr("clock offset ?")
            if seconds is None
            else tr("clock offset {seconds} s").format(
                seconds=QLocale().toString(seconds, "f", 1)
                if seconds < 0
                else "+" + QLocale().toString(seconds, "f", 1)
            )
        )


class MainWindow(QMainWindow):
    closed = Signal()

    def __init__(
        self,
        workspace: Workspace,
        deployment: Deployment,
        *,
        settings: QSettings,
        username: str,
        clock: Callable[[], datetime],
        division_at: Callable[[float, float], str | None] | None = None,
        sound: bool = False,
    ) -> None:
        super().__init__()
        self.setWindowTitle(tr("UMCR Dispatch — {name}").format(name=deployment.name))
        self.setObjectName("MainWindow")
        self.workspace = workspace
        self.deployment = deployment
        self.settings = settings
        self.username = username
        self.clock = clock
        self.division_at = division_at
        self.sound = sound
        self.bridge = WorkspaceBridge(workspace, self)
        self.engine: SyncEngine | None = None  # attach_sync: the server link
        self.alerts = AlertBook(deployment.thresholds)
        self._intake: IntakeDialog | None = None
        self._open_dialogs: list[QDialog] = []
        self.actions = ActionChain(
            workspace=workspace,
            deployment=deployment,
            clock=clock,
            gate=self.refusal,
            submit=self.submit,
            parent=self,
            open_dialogs=self._open_dialogs,
        )
        self._server_timelines: dict[str, list[Event]] = {}
        # Background operations: kept until they end, a failure is a notice (ui/tasks.py).
        self.tasks = Tasks(self)

        self.queue_model = IncidentQueueModel(deployment.thresholds, clock, self)
        self.team_model = TeamTableModel(deployment.thresholds, clock, parent=self)
        self._build_central()
        self._build_docks()
        build_menus(self)
        self.route_failures(self.tasks)
        self.status = StatusBarWidgets(self)
        self.status.identity.setText(f"{username} @ {workspace.workstation_id}")
        self.status.set_counts(workspace.counts)
        self.status.set_offset(None)

        self.bridge.incidents_changed.connect(self._incidents_changed)
        self.bridge.teams_changed.connect(self._teams_changed)
        self.bridge.rejection_added.connect(self._rejection_added)
        self.bridge.counts_changed.connect(self.status.set_counts)
        self.bridge.reloaded.connect(lambda _seq: self.reload())
        self.bridge.sync_status_changed.connect(self.show_sync_status)
        self.bridge.sync_notice.connect(self._sync_notice)
        self.bridge.login_required.connect(self.login_again)
        self.reload()
        for notice in workspace.rejected:
            self._rejection_added(notice)

        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self.tick)
        self.ticker.start()
        self._restore_layout()

    # ---- building -----------------------------------------------------------
    def _build_central(self) -> None:
        self.command = QLineEdit(objectName="command_line")
        self.command.setPlaceholderText(
            tr("F2  command: D 123 PL-1 · OS PL-1 · CL 123 RES · F1 for all")
        )
        self.command.returnPressed.connect(self.run_command)
        # Typed commands and server messages: shown as typed. A long message
        # wraps; it never widens the window (issue 18, item 9).
        self.command_result = plain(QLabel(objectName="command_result", wordWrap=True))
        self.command_result.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # Every message to the dispatcher goes through here (ui/messages.py).
        self.messages = Messages(self.command_result, self)

        self.state_filter = QComboBox(objectName="filter_state")
        for state in STATE_FILTERS:
            self.state_filter.addItem(tr(state), state)
        self.division_filter = QComboBox(objectName="filter_division")
        self.division_filter.addItem(tr("All divisions"), None)
        for division in self.deployment.divisions:
            self.division_filter.addItem(division, division)
        self.provider_filter = QComboBox(objectName="filter_provider")
        self.provider_filter.addItem(tr("All providers"), None)
        for provider in self.deployment.providers:
            self.provider_filter.addItem(provider, provider)
        self.mine_filter = QCheckBox(tr("Mine"), objectName="filter_mine")
        self.search = QLineEdit(
            placeholderText=tr("search number, address, type"), objectName="filter_text"
        )
        for widget, signal in (
            (self.state_filter, "currentIndexChanged"),
            (self.division_filter, "currentIndexChanged"),
            (self.provider_filter, "currentIndexChanged"),
            (self.mine_filter, "toggled"),
            (self.search, "textChanged"),
        ):
            getattr(widget, signal).connect(self.apply_filter)

        self.queue_view = QTableView(objectName="queue_view")
        self.queue_view.setModel(self.queue_model)
        self._configure_table(self.queue_view)
        self.queue_view.horizontalHeader().setSectionResizeMode(
            COL_LOCATION, QHeaderView.ResizeMode.Stretch
        )
        # Call types and divisions whole at first sight (the location takes the rest).
        for column, width in (
            (COL_NUMBER, 96),
            (COL_PRIORITY, 32),
            (COL_TYPE, 230),
            (COL_DIVISION, 120),
            (COL_TEAM, 80),
            (COL_AGE, 72),
            (COL_IN_STATE, 72),
        ):
            self.queue_view.setColumnWidth(column, width)
        # At a larger text size the rows grow and the columns above widen.
        rows_follow_font(
            self.queue_view,
            queue_whole_columns(self.deployment.divisions),
            may_elide=[COL_LOCATION],
        )
        self.queue_view.selectionModel().currentRowChanged.connect(self._queue_current_changed)
        # The order holds under the pointer; the filter never hides calls silently.
        self.queue_hold = QueueHold(self.queue_view, self.queue_model)
        self.queue_hidden = HiddenCallsLabel(self.queue_model, self._filter_text)
        self.queue_hidden.show_all.connect(self.clear_filters)
        self.queue_model.row_leaving.connect(self._queue_row_leaving)

        filters = QHBoxLayout()
        for widget in (
            self.state_filter,
            self.division_filter,
            self.provider_filter,
            self.mine_filter,
        ):
            filters.addWidget(widget)
        filters.addWidget(self.search, 1)
        command_row = QHBoxLayout()
        command_row.addWidget(QLabel(tr("Command")))
        command_row.addWidget(self.command, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(command_row)
        layout.addWidget(self.command_result)
        layout.addLayout(filters)
        layout.addWidget(self.queue_hidden)
        layout.addWidget(self.queue_view, 1)
        self.setCentralWidget(central)

    @staticmethod
    def _configure_table(view: QTableView) -> None:
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setAlternatingRowColors(True)
        view.verticalHeader().setVisible(False)
        # Fixed row heights: a ticking table must never measure its contents
        # (theme.rows_follow_font sets the height from the font, on a font change).
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setWordWrap(False)
        # Tab goes on to the next area; the arrows move between rows.
        view.setTabKeyNavigation(False)

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # saveState needs stable names
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        self.detail = IncidentDetailWidget(
            divisions=list(self.deployment.divisions),
            workstation_id=self.workspace.workstation_id,
            clock=self.clock,
        )
        self.detail.gate = self.refusal
        self.detail.event_made.connect(self.submit)
        self.detail.action_requested.connect(self.open_action)
        # Location history and caution notes of the selected incident's place (issue 22).
        self.place_history = self._history_panel()
        self.place_history.caution_requested.connect(self.open_caution)
        self.detail.tabs.addTab(self.place_history, tr("Place"))
        self.detail_dock = self._dock(
            tr("Incident"), "dock_detail", self.detail, Qt.DockWidgetArea.RightDockWidgetArea
        )

        self.team_view = QTableView(objectName="team_view")
        self.team_view.setModel(self.team_model)
        self._configure_table(self.team_view)
        rows_follow_font(
            self.team_view,
            team_whole_columns(self.deployment.divisions, self.deployment.providers),
            may_elide=[COL_INCIDENT],
        )
        self.team_view.doubleClicked.connect(lambda _i: self.open_team_action("status"))
        self.team_board = TeamBoardWidget(self.team_model, self.team_view, self.deployment)
        self.team_board.team_selected.connect(self.select_team)
        self.teams_dock = self._dock(
            tr("Teams"), "dock_teams", self.team_board, Qt.DockWidgetArea.BottomDockWidgetArea
        )

        self.map = DivisionMapWidget(
            geodata.drawing_geography(), geodata.stations(), self.deployment, clock=self.clock
        )
        self.map.team_clicked.connect(self.select_team)
        self.map.incident_clicked.connect(self.select_incident)
        self.map.location_picked.connect(self._map_location_picked)
        self.map.setMinimumWidth(280)
        self.map_dock = self._dock(
            tr("Map"), "dock_map", self.map, Qt.DockWidgetArea.LeftDockWidgetArea
        )

        self.notices = NoticesWidget()
        self.notices.acknowledged.connect(self._notice_acknowledged)
        self.notices.activated.connect(self._notice_activated)
        self.notices_dock = self._dock(
            tr("Notices"), "dock_notices", self.notices, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        # Team alerts escalate to the supervisors through the log (ui/alert_desk.py).
        self.alert_desk = AlertDesk(
            self.workspace,
            self.alerts,
            self.notices,
            self.submit,
            role=lambda: self.engine.role if self.engine is not None else None,
        )
        self.followups = FollowUpsWidget(
            self.workspace, self.bridge, self.deployment.thresholds, self.clock
        )
        self.followups.gate = self.refusal
        self.followups.event_made.connect(self.submit)
        self.followups.incident_selected.connect(self.select_incident)
        self.followups_dock = self._dock(
            tr("Follow-ups"),
            "dock_followups",
            self.followups,
            Qt.DockWidgetArea.BottomDockWidgetArea,
        )
        self.tabifyDockWidget(self.notices_dock, self.followups_dock)
        self.notices_dock.raise_()

    # ---- layout persistence ------------------------------------------------
    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if geometry is None or not self.restoreGeometry(geometry):
            # First start: maximised on the largest screen, never a small window
            # in the corner of a wall-sized monitor (issue 18, item 11).
            screen = largest_screen()
            if screen is not None:
                self.setGeometry(screen.availableGeometry())
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        if state is not None:
            self.restoreState(state)
        else:
            # First run: the map and the detail get room beside the queue (once
            # the window is laid out, or Qt ignores the sizes).
            QTimer.singleShot(0, self._default_dock_sizes)

    def _default_dock_sizes(self) -> None:
        self.resizeDocks([self.map_dock, self.detail_dock], [440, 380], Qt.Orientation.Horizontal)
        self.resizeDocks([self.teams_dock], [270], Qt.Orientation.Vertical)

    def closeEvent(self, event) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/theme", current_theme())
        self.ticker.stop()
        self.closed.emit()
        super().closeEvent(event)

    def toggle_theme(self) -> None:
        apply_theme(QApplication.instance(), "light" if current_theme() == "dark" else "dark")
        self.queue_view.viewport().update()

    # ---- feeding the models -------------------------------------------------
    def _pending_ids(self) -> set[str]:
        view = self.workspace.view
        return {i for i in view.incidents if self.workspace.is_pending(i)} | {
            t for t in view.teams if self.workspace.is_pending(t)
        }

    def reload(self) -> None:
        view = self.workspace.view
        pending = self._pending_ids()
        self.queue_model.reset(view.incidents.values(), view.teams.values(), pending)
        self.team_model.reset(view.teams.values(), view.incidents.values(), pending)
        self.map.set_state(view.incidents.values(), view.teams.values())
        self._refresh_detail()

    def _incidents_changed(self, ids: frozenset[str]) -> None:
        view = self.workspace.view
        changed = [view.incidents[i] for i in ids if i in view.incidents]
        gone = [i for i in ids if i not in view.incidents]
        pending = self._pending_ids()
        self.queue_model.update_incidents(changed, pending)
        if gone:
            self.queue_model.remove_incidents(gone)
        self.team_model.update_incident_numbers(changed)
        self.map.update_incidents(changed)
        if gone:
            self.map.remove_incidents(gone)
        if self.detail.incident_id in ids:
            self._refresh_detail()

    def _teams_changed(self, ids: frozenset[str]) -> None:
        view = self.workspace.view
        teams = [view.teams[t] for t in ids if t in view.teams]
        pending = self._pending_ids()
        self.queue_model.update_teams(teams)
        self.team_model.update_teams(teams, pending)
        self.map.update_teams(teams)
        incident_id = self.detail.incident_id
        if incident_id and any(t.incident_id == incident_id for t in teams):
            self._refresh_detail()
        # A field team's "help now" is shown at once, not at the next tick (issue 24).
        if self.alert_desk.show_help():
            self.notices_dock.show()
            self.notices_dock.raise_()
            QApplication.alert(self)
            if self.sound:
                QApplication.beep()

    def _refresh_detail(self) -> None:
        incident_id = self.selected_incident_id()
        view = self.workspace.view
        incident = view.incidents.get(incident_id) if incident_id else None
        timeline = self._timeline(incident_id) if incident else []
        self.detail.show_incident(incident, timeline, view.teams)
        self.place_history.show_place(
            incident.location if incident else None,
            exclude=incident.id if incident else None,
            fetch=incident_id != self.place_history.incident_id,
        )

    def _timeline(self, incident_id: str) -> list[Event]:
        """The server's full history of the incident (fetched once), then what this
        console saw since and its own pending events; each event once, in order."""
        local = self.workspace.timeline(incident_id)
        fetched = self._server_timelines.get(incident_id, [])
        seen = {e.event_id for e in fetched}
        confirmed = sorted(
            [*fetched, *(e for e in local if e.seq is not None and e.event_id not in seen)],
            key=lambda e: e.seq or 0,
        )
        events = [*confirmed, *(e for e in local if e.seq is None)]
        # What its teams did there ("PL-1 on scene") is logged on the teams.
        after = first_assignment_seq(events)
        team_events = {
            team_id: self.workspace.timeline(
                team_id, after_seq=after - 1 if after is not None else 2**62
            )
            for team_id in assigned_team_ids(events)
        }
        return incident_timeline(incident_id, events, team_events)

    def _fetch_timeline(self, incident_id: str | None) -> None:
        """Events older than this console's log come from the server, in the background."""
        engine = self.engine
        if engine is None or incident_id is None or incident_id in self._server_timelines:
            return

        async def fetch() -> None:
            try:
                self._server_timelines[incident_id] = await engine.fetch_timeline(incident_id)
            except Exception as exc:  # offline or refused: the local log is what we show
                log.info("timeline of %s not fetched: %s", incident_id, brief(exc))
                return
            if self.selected_incident_id() == incident_id:
                self._refresh_detail()

        self.tasks.run(fetch(), what=tr("The incident's history from the server"))

    def _queue_row_leaving(self, incident_id: str) -> None:
        """The selected call leaves the queue: nothing is selected (the panel says so)."""
        if incident_id == self.selected_incident_id():
            self.queue_view.selectionModel().clear()

    def _queue_current_changed(self, *_args) -> None:
        self._refresh_detail()
        self._fetch_timeline(self.selected_incident_id())

    def apply_filter(self) -> None:
        self.queue_model.set_filter(
            QueueFilter(
                states=STATE_FILTERS[self.state_filter.currentData()],
                divisions=frozenset({d})
                if (d := self.division_filter.currentData())
                else frozenset(),
                provider=self.provider_filter.currentData(),
                mine_user=self.username if self.mine_filter.isChecked() else None,
                text=self.search.text().strip(),
            )
        )
        self.queue_hidden.refresh()
        # The selected call may be hidden now: the panel follows the selection.
        if self.detail.incident_id != self.selected_incident_id():
            self._refresh_detail()

    def clear_filters(self) -> None:
        self.state_filter.setCurrentIndex(self.state_filter.findData("All"))
        self.division_filter.setCurrentIndex(0)
        self.provider_filter.setCurrentIndex(0)
        self.mine_filter.setChecked(False)
        self.search.clear()

    def _filter_text(self) -> str:
        """The filter in words, for the hidden-calls line."""
        parts = [self.state_filter.currentText()]
        if self.division_filter.currentIndex() > 0:
            parts.append(self.division_filter.currentText())
        if self.provider_filter.currentIndex() > 0:
            parts.append(self.provider_filter.currentText())
        if self.mine_filter.isChecked():
            parts.append(tr("mine"))
        if self.search.text().strip():
            parts.append(tr("search '{text}'").format(text=self.search.text().strip()))
        return ", ".join(parts)

    # ---- selection ------------------------------------------------------------
    def selected_incident_id(self) -> str | None:
        index = self.queue_view.currentIndex()
        return index.data(INCIDENT_ID_ROLE) if index.isValid() else None

    def selected_incident(self) -> Incident | None:
        incident_id = self.selected_incident_id()
        return self.workspace.view.incidents.get(incident_id) if incident_id else None

    def select_incident(self, incident_id: str) -> bool:
        # Choosing a call is the dispatcher's own act: a held queue catches up first.
        self.queue_model.apply_waiting()
        row = self.queue_model.row_of(incident_id)
        if row is None:
            # Not shown under the current filter: show everything, then select.
            self.clear_filters()
            row = self.queue_model.row_of(incident_id)
            if row is None:
                return False
        index = self.queue_model.index(row, 0)
        self.queue_view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.queue_view.scrollTo(index)
        # The row may have been current already (no change signal): show it anyway.
        self.map.select("incident", incident_id)
        self._refresh_detail()
        return True

    def selected_team(self) -> Team | None:
        index = self.team_view.currentIndex()
        team_id = index.data(TEAM_ID_ROLE) if index.isValid() else None
        return self.workspace.view.teams.get(team_id) if team_id else None

    def select_team(self, team_id: str) -> bool:
        row = self.team_model.row_of(team_id)
        if row is None:
            return False
        self.team_board.tiles.select(team_id)
        self.map.select("team", team_id)
        self.team_view.selectionModel().setCurrentIndex(
            self.team_model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        return True

    # ---- actions --------------------------------------------------------------
    def refusal(self, events: Sequence[Event]) -> str | None:
        """Why the rules refuse ``events`` here and now (None: they pass).

        The one local check every action goes through (issue 18 item 3): the
        console has the server's rules (``decide``), so an event they refuse is
        not sent, online or offline, and the dispatcher is told why at once.
        """
        refused = self.workspace.check_all(events)
        return None if refused is None else refused.detail

    def submit(self, event: Event) -> bool:
        """Every action ends here: durable in the outbox, shown at once, synced later."""
        return self.submit_all([event])

    def submit_all(self, events: Sequence[Event]) -> bool:
        """Submit ``events`` (one action) if the rules accept them all; else nothing.

        False when the rules refuse them, or when the local store could not
        save the first (a full disk): then nothing is shown as done and the
        dispatcher is told at once. A later step that fails after the first
        saved is named in the notice.
        """
        why = self.refusal(events)
        if why is not None:
            self.messages.error(tr("✗ Not sent: {why}. Nothing was saved.").format(why=why))
            return False
        for index, event in enumerate(events):
            what = tr(event.type.replace(".", " ").replace("_", " "))
            try:
                self.workspace.submit(event)
            except StoreError as exc:
                log.error("action %s not saved: %s", event.event_id, brief(exc))
                self.messages.error(
                    tr("✗ NOT SAVED: {what}. {error}").format(what=what, error=exc), urgent=True
                )
                self.notices.remove(STORE_NOTICE)  # newest on top, with the time of this failure
                self.notices.add(
                    store_notice(
                        tr("NOT SAVED: {what}. {error}").format(what=what, error=exc), self.clock()
                    )
                )
                self.notices_dock.show()
                self.notices_dock.raise_()
                return index > 0  # the first saved: the action stands, the notice names the rest
        self.notices.remove(STORE_NOTICE)  # saving works again
        what = tr(events[-1].type.replace(".", " ").replace("_", " ")) if events else ""
        self.messages.info(tr("Saved: {what}").format(what=what))
        return True

    def new_call(self) -> None:
        """Ctrl+N: the intake form; a call being typed is shown again, as it was."""
        self.open_intake()

    def open_intake(
        self, fill: Callable[[IntakeDialog], None] | None = None
    ) -> IntakeDialog | None:
        """The intake form, shown and raised; the form of the call being taken if one is.

        With ``fill`` (an imported call, for one): a new call filled by it, or
        None while the dispatcher is typing another (what was typed is never
        overwritten; the caller says why).
        """
        if fill is not None and self._intake is not None and self._intake.has_input():
            return None
        if self._intake is None:
            self._intake = IntakeDialog(
                divisions=list(self.deployment.divisions),
                workstation_id=self.workspace.workstation_id,
                clock=self.clock,
                division_at=self.division_at,
                gate=self.refusal,
                history=self._history_panel(),
                parent=self,
            )
            self._intake.submitted.connect(self._intake_submitted)
        if fill is not None:
            fill(self._intake)
        self._intake.show()
        self._intake.raise_()
        self._intake.activateWindow()
        return self._intake

    def _history_panel(self) -> LocationHistoryPanel:
        """A place-history panel over this console's incidents, completed from the server."""

        async def remote(place, exclude):
            engine = self.engine
            if engine is None:
                raise RuntimeError("no server link")
            return await engine.fetch_location_history(place, exclude=exclude)

        settings = self.deployment.locations
        panel = LocationHistoryPanel(
            incidents=lambda: self.workspace.view.incidents.values(),
            clock=self.clock,
            remote=remote,
            radius_m=settings.history_radius_m,
            months=settings.history_months,
        )
        self.route_failures(panel.tasks)
        return panel

    def open_caution(self, incident_id: str) -> None:
        incident = self.workspace.view.incidents.get(incident_id)
        if incident is None:
            return
        dialog = CautionDialog(
            incident, workstation_id=self.workspace.workstation_id, clock=self.clock, parent=self
        )
        dialog.event_made.connect(self.submit)
        dialog.open()

    def _map_location_picked(self, lat: float, lon: float) -> None:
        """A click on the map places the call being taken (a new form if none is open)."""
        intake = self.open_intake()
        assert intake is not None
        intake.set_location(lat, lon)

    def _intake_submitted(self, events: list[Event]) -> None:
        if not self.submit_all(events):
            form = self._intake
            if form is not None and self.notices.has(STORE_NOTICE):
                # Not saved (a full disk): the form comes back with everything
                # typed, to save again; closing it asks before throwing it away.
                QTimer.singleShot(0, lambda: (setattr(form, "_clean_close", False), form.show()))
            return
        self._intake = None  # the next call starts from an empty form
        self._select_saved(events[0].entity_id)

    def _select_saved(self, incident_id: str) -> None:
        """Select a call just saved, if the filter shows it: a save never changes the
        filter (a redirected call is closed, and the Open queue must stay open calls)."""
        self.queue_model.apply_waiting()
        if self.queue_model.row_of(incident_id) is not None:
            self.select_incident(incident_id)
            return
        self.messages.append(tr(" — the call is hidden by the filter (Show all)."))

    def open_action(self, action: str, incident_id: str | None = None) -> None:
        """An incident action's dialog (ui/action_chain.py), on the selected incident if none."""
        incident = (
            self.workspace.view.incidents.get(incident_id)
            if incident_id
            else self.selected_incident()
        )
        if incident is None:
            self.messages.warning(tr("Select an incident first."))
            return
        self.actions.incident_action(action, incident)

    def open_team_action(self, action: str) -> None:
        team = self.selected_team()
        if team is None:
            self.messages.warning(tr("Select a team first (F4)."))
            return
        self.actions.team_action(action, team)

    def focus_note(self) -> None:
        self.detail.tabs.setCurrentIndex(1)
        self.detail.note_input.setFocus()

    def focus_command(self) -> None:
        self.command.setFocus()
        self.command.selectAll()

    def run_command(self) -> None:
        text = self.command.text()
        try:
            event = parse_command(
                text,
                self.workspace.view,
                workstation_id=self.workspace.workstation_id,
                now=self.clock(),
            )
        except CommandError as exc:
            self.messages.error(f"✗ {exc}")
            return  # the typed line stays for correction
        incident = self.workspace.view.incidents.get(event.entity_id)
        words = (
            self.detail.unflagged_words(incident, event.payload.get("text", ""))
            if event.type == EventType.INCIDENT_NOTE_ADDED and incident is not None
            else []
        )
        if words:
            # Flagging or clearing needs the incident panel's answer (issue 18 item 1).
            named = ", ".join(f"\u201c{m.text}\u201d ({tr(m.category)})" for m in words)
            self.messages.error(
                tr(
                    "✗ Not sent: the note names {named} and the call is not flagged for it; "
                    "add it in the incident panel (Ctrl+T) to flag or clear it."
                ).format(named=named)
            )
            return
        if self.submit(event):
            self.command.clear()  # refused or not saved: the line stays, to correct or run again

    # ---- notices and alerts -------------------------------------------------
    def _rejection_added(self, notice: RejectionNotice) -> None:
        self.notices.add(rejection_notice(notice))
        self.notices_dock.show()
        self.notices_dock.raise_()

    def route_failures(self, tasks: Tasks) -> None:
        """A background operation of this window (or one it opened) that failed is a notice."""
        tasks.failed.connect(self._task_failed)

    def _task_failed(self, what: str, exc: BaseException) -> None:
        notice = task_failed_notice(what, exc, self.clock())
        self.notices.remove(notice.key)  # newest on top, with the time of this failure
        self.notices.add(notice)
        self.notices_dock.show()
        self.notices_dock.raise_()

    def _notice_acknowledged(self, notice: Notice) -> None:
        if notice.rejection_id is not None:
            self.workspace.acknowledge(notice.rejection_id)
        elif notice.kind in (*ALERT_KINDS, "help"):
            self.alerts.acknowledge(alert_key_of(notice))
            self.alert_desk.acknowledged(notice)

    def _notice_activated(self, notice: Notice) -> None:
        if notice.incident_id:
            self.select_incident(notice.incident_id)
        if notice.team_id:
            self.select_team(notice.team_id)

    def tick(self) -> None:
        """Once a second: timers, aging colours and alerts move on."""
        self.queue_model.tick(visible_rows(self.queue_view))
        self.team_model.tick()
        self.detail.refresh_header()
        self.map.tick()
        view = self.workspace.view
        new, ended, escalate = self.alerts.update(
            view.incidents.values(), view.teams.values(), self.clock()
        )
        show_alerts(self.notices, new, ended, escalate, self.clock())
        self.queue_model.set_flashing(
            {a.incident_id for a in self.alerts.unacknowledged() if a.incident_id}
        )
        supervisors_look = self.alert_desk.tick(escalate, self.clock())
        self.followups.tick()
        if new or escalate or supervisors_look:
            self.notices_dock.show()
            QApplication.alert(self)
            if self.sound:
                QApplication.beep()

    # ---- sync -----------------------------------------------------------------
    def attach_sync(self, engine: SyncEngine) -> None:
        """Show the engine's link state and notices; ask for the password on 401
        (through the bridge, connected in ``__init__``)."""
        self.engine = engine
        self.bridge.attach_sync(engine)
        # Field teams' reported positions on the map (issue 24): ui/field_positions.py.
        self.position_feed = PositionFeed(engine.fetch_team_positions, self.map, self)
        self.position_feed.start()

    def _sync_notice(self, text: str) -> None:
        self.notices.add(sync_notice(text, self.clock()))

    def show_sync_status(self, status: SyncStatus) -> None:
        ok = status.link == "online" and not status.login_required
        self.sign_in_action.setEnabled(status.login_required)
        text = status.text
        if status.last_sync is not None:
            text += tr(" · last sync {time}").format(
                time=QLocale().toString(status.last_sync.astimezone().time(), "HH:mm:ss")
            )
        self.status.set_connection(text, ok)
        self.status.set_offset(status.clock_offset)

    def login_again(self, reason: str) -> None:
        from .login import LoginDialog

        engine = self.engine
        if engine is None or any(isinstance(d, LoginDialog) for d in self._open_dialogs):
            return
        dialog = LoginDialog(self.settings, self)
        dialog.setWindowTitle(tr("Log in again"))
        # The same server and the same user: who works here changes with a
        # restart, so the window, the lock and the store stay this user's.
        dialog.server.setEnabled(False)
        dialog.username.setText(self.username)
        dialog.username.setEnabled(False)
        dialog.password.setFocus()
        reason = reason or engine.status.login_detail
        dialog.show_error(f"The server asks you to log in again: {reason}")

        def given(_url: str, user: str, password: str) -> None:
            engine.login(user, password)
            dialog.accept()

        dialog.login_requested.connect(given)
        dialog.open()
        self._open_dialogs.append(dialog)
        dialog.finished.connect(lambda _r: self._open_dialogs.remove(dialog))

    def open_planner(self) -> None:
        """Teams needed per service area and shift, and their cost (docs/planning.md)."""
        from .planner import PlannerWindow

        self.planner_window = PlannerWindow(
            clock=self.clock,
            incidents=lambda: self.workspace.view.incidents.values(),
            deployment=self.deployment,
            parent=self,
        )
        self.planner_window.setWindowFlag(Qt.WindowType.Window)
        self.planner_window.show()

    def may_read_audit(self) -> bool:
        return self.engine is not None and self.engine.role in AUDIT_ROLES

    def open_audit(self) -> None:
        """The audit viewer: who did what and when, from the server's audit log."""
        from .audit_viewer import AuditViewerWindow

        if not self.may_read_audit():
            self.messages.warning(tr("The audit log is for supervisors and admins."))
            return

        def call_sign(entity_id: str) -> str | None:
            team = self.workspace.view.teams.get(entity_id)
            return team.call_sign if team else None

        self.audit_window = AuditViewerWindow(self.engine.fetch_audit, label=call_sign, parent=self)
        self.route_failures(self.audit_window.tasks)
        self.audit_window.setWindowFlag(Qt.WindowType.Window)
        self.audit_window.show()
        self.audit_window.search()

    def open_report(self) -> None:
        """The program report window (figures from the server for any period)."""
        from .report_window import ReportWindow

        engine = self.engine
        if engine is None:
            self.messages.warning(tr("Reports need the server: not connected."))
            return

        async def fetch(start, end, unarmed, police, fmt):
            return await engine.fetch_report(
                start, end, cost_unarmed=unarmed, cost_police=police, fmt=fmt
            )

        self.report_window = ReportWindow(self.deployment, fetch, clock=self.clock, parent=self)
        # Frequent locations of the same period, run with each report (issue 22).
        frequent = FrequentLocationsPanel(
            lambda start, end, fmt: engine.fetch_frequent_locations(start, end, fmt=fmt),
            self.report_window.bounds,
        )
        self.report_window.body.addWidget(frequent)
        self.route_failures(self.report_window.tasks)
        self.route_failures(frequent.tasks)
        self.report_window.report_shown.connect(
            lambda _r: self.tasks.run(frequent.run(), what=tr("The frequent locations"))
        )
        self.report_window.frequent_locations = frequent
        self.report_window.setWindowFlag(Qt.WindowType.Window)
        self.report_window.show()

    # ---- help (ui/menus.py) ---------------------------------------------------
    def show_help(self) -> None:
        self.help_dialog = help_dialog(self)

    def show_about(self) -> None:
        about_box(self, self.deployment.name)
