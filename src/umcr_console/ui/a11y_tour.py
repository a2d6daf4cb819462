"""Open every window and dialog of the console at once, for accessibility checks.

Test-only: the accessibility tests call ``open_everything`` on a main window
(offscreen, tests/ui/test_accessibility.py), and the running console calls it
when started with ``UMCR_A11Y_TOUR=1`` so that the AT-SPI walk
(tests/ui/test_atspi_tree.py) finds each dialog in the real accessibility
tree. Nothing is submitted: the dialogs are opened and left open.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ..interop.eido_export import EidoAgent, incident_to_eido


async def _no_server(*_args: object, **_kwargs: object) -> object:
    raise RuntimeError("no server in the accessibility tour")


def open_when_ready(window: QWidget, delay_ms: int, give_up_s: float = 90.0) -> None:
    """After ``delay_ms``, once the window's floor has an incident and a team (the
    dialogs of an incident need one), ``open_everything``; polls twice a second."""
    import time

    from PySide6.QtCore import QTimer

    deadline = time.monotonic() + give_up_s

    def ready() -> bool:
        workspace = getattr(window, "workspace", None)
        if workspace is None or not hasattr(window, "actions"):
            return True  # the wall: nothing to wait for
        view = workspace.view
        return bool(view.teams) and any(i.is_open for i in view.incidents.values())

    def attempt() -> None:
        if ready() or time.monotonic() > deadline:
            open_everything(window)
        else:
            QTimer.singleShot(500, attempt)

    QTimer.singleShot(delay_ms, attempt)


def open_everything(window: QWidget) -> list[QWidget]:
    """Every top-level window and dialog reachable from ``window``, opened."""
    from .main_window import MainWindow

    opened: list[QWidget] = [window]
    if isinstance(window, MainWindow):
        opened += _main_window_tour(window)
    for widget in opened:
        widget.show()
    window.setProperty("umcr_a11y_tour", len(opened))
    window._a11y_tour = opened  # type: ignore[attr-defined]  # kept alive (the lock screen has no parent)
    return opened


def _main_window_tour(window) -> list[QWidget]:  # window: MainWindow (no import cycle)
    import json

    from . import eido_dialog, menus
    from .audit_viewer import AuditViewerWindow
    from .idle_lock import LockScreen
    from .location_history import CautionDialog
    from .login import LoginDialog
    from .planner import PlannerWindow
    from .report_window import ReportWindow

    opened: list[QWidget] = []
    incidents = sorted(window.workspace.view.incidents.values(), key=lambda i: i.number)
    open_incidents = [i for i in incidents if i.is_open]
    incident = (open_incidents or incidents or [None])[0]
    if incident is not None:
        window.select_incident(incident.id)
    teams = sorted(window.workspace.view.teams.values(), key=lambda t: t.call_sign)

    window.new_call()
    intake = window._intake
    if intake is not None:
        intake.weapons.setChecked(True)  # the safety screen and its choice show
        opened.append(intake)
    if incident is not None:
        for action in ("assign", "release", "redirect", "close", "schedule", "reopen"):
            opened.append(window.actions.incident_action(action, incident))
        caution = CautionDialog(
            incident,
            workstation_id=window.workspace.workstation_id,
            clock=window.clock,
            parent=window,
        )
        opened.append(caution)
        export = eido_dialog.export_selected(window)
        if export is not None:
            opened.append(export)
        path = Path(tempfile.mkdtemp(prefix="umcr-a11y-")) / "call.json"
        path.write_text(json.dumps(incident_to_eido(incident, [], agent=_agent(window))))
        opened.append(eido_dialog.EidoImportDialog(str(path), parent=window))
    if teams:
        window.select_team(teams[0].id)
        for action in ("status", "check_in"):
            opened.append(window.actions.team_action(action, teams[0]))
    opened.append(menus.show_help(window))
    opened.append(menus.show_about(window, window.deployment.name))
    opened.append(
        PlannerWindow(
            clock=window.clock,
            incidents=lambda: window.workspace.view.incidents.values(),
            deployment=window.deployment,
            parent=window,
        )
    )
    engine = window.engine
    fetch_report = engine.fetch_report if engine is not None else _no_server
    opened.append(ReportWindow(window.deployment, fetch_report, clock=window.clock, parent=window))
    fetch_audit = engine.fetch_audit if engine is not None else _no_server
    opened.append(AuditViewerWindow(fetch_audit, parent=window))
    for other in opened[-3:]:
        other.setWindowFlag(Qt.WindowType.Window)  # own windows, as the menus open them
    opened.append(LoginDialog(window.settings, parent=window))
    opened.append(LockScreen(window.username))
    return opened


def _agent(window) -> EidoAgent:
    return EidoAgent(username=window.username, workstation_id=window.workspace.workstation_id)
