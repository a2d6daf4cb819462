"""The main window's menus, keyboard shortcuts, help and about box.

Every action is in a menu and most have a key: a dispatcher on the phone
works from the keyboard (F1 lists them, with the command line's commands).
Shortcuts are application-wide (``ApplicationShortcut``), so they work while
a dialog of the console has the focus.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Protocol

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QMenu,
    QMenuBar,
    QMessageBox,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..domain.commands import command_help
from ..domain.marks import QT_TR_NOOP
from . import accessibility, eido_dialog
from .i18n import tr
from .map_widget import DivisionMapWidget
from .notices import NoticesWidget

SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Ctrl+N", QT_TR_NOOP("New call (intake); shows a kept draft again")),
    ("F2", QT_TR_NOOP("Command line")),
    ("F3", QT_TR_NOOP("Call queue")),
    ("F4", QT_TR_NOOP("Team board")),
    ("Ctrl+D", QT_TR_NOOP("Assign a team to the selected incident")),
    ("Ctrl+Shift+R", QT_TR_NOOP("Release a team from the selected incident")),
    ("Ctrl+Shift+D", QT_TR_NOOP("Redirect the selected incident to LAPD / LAFD")),
    ("Ctrl+L", QT_TR_NOOP("Close the selected incident with a disposition")),
    ("Ctrl+Shift+O", QT_TR_NOOP("Reopen the selected incident")),
    ("Ctrl+T", QT_TR_NOOP("Add a note to the selected incident")),
    ("Ctrl+Shift+S", QT_TR_NOOP("Set the selected team's status")),
    ("Ctrl+K", QT_TR_NOOP("Safety check-in for the selected team")),
    ("Ctrl+Shift+K", QT_TR_NOOP("Acknowledge the selected notice")),
    ("Ctrl+Shift+L", QT_TR_NOOP("Switch dark / light theme")),
    ("Ctrl+Shift+P", QT_TR_NOOP("Program report for any period")),
    ("Ctrl+Shift+H", QT_TR_NOOP("High contrast theme on / off")),
    ("Ctrl+Shift+T", QT_TR_NOOP("Text size: 1x, 1.25x, 1.5x, 2x")),
    ("Alt+S / Alt+M", QT_TR_NOOP("Map: choose a division / a team (arrow keys or type)")),
    (
        "Tab / Shift+Tab",
        QT_TR_NOOP("Next / previous control; Space presses, Enter confirms, Esc closes"),
    ),
    ("F1", QT_TR_NOOP("This help")),
)


class MenuHost(Protocol):
    """What the menus reach of the main window (passed in: no import back)."""

    queue_view: QTableView
    team_view: QTableView
    notices: NoticesWidget
    map: DivisionMapWidget
    detail_dock: QDockWidget
    teams_dock: QDockWidget
    map_dock: QDockWidget
    notices_dock: QDockWidget
    followups_dock: QDockWidget
    sign_in_action: QAction
    settings: QSettings
    audit_action: QAction

    def menuBar(self) -> QMenuBar: ...
    def close(self) -> bool: ...
    def new_call(self) -> None: ...
    def login_again(self, reason: str) -> None: ...
    def open_action(self, action: str, incident_id: str | None = None) -> None: ...
    def open_team_action(self, action: str) -> None: ...
    def focus_note(self) -> None: ...
    def focus_command(self) -> None: ...
    def toggle_theme(self) -> None: ...
    def open_report(self) -> None: ...
    def open_planner(self) -> None: ...
    def open_audit(self) -> None: ...
    def may_read_audit(self) -> bool: ...
    def show_help(self) -> None: ...
    def show_about(self) -> None: ...


def add_action(
    owner: QObject, menu: QMenu, text: str, shortcut: str | None, slot: Callable[[], object]
) -> QAction:
    """A menu entry; its shortcut works in every window of the console."""
    action = QAction(text, owner)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
    action.triggered.connect(slot)
    menu.addAction(action)
    return action


def build_menus(window: MenuHost) -> None:
    """The menu bar; sets ``window.sign_in_action`` and ``window.audit_action``."""
    bar = window.menuBar()
    file_menu = bar.addMenu(tr("&File"))
    add_action(window, file_menu, tr("&New call…"), "Ctrl+N", window.new_call)
    file_menu.addSeparator()
    # Reopens the password form after it was cancelled (the server still asks).
    window.sign_in_action = add_action(
        window, file_menu, tr("&Sign in again…"), None, lambda: window.login_again("")
    )
    window.sign_in_action.setEnabled(False)
    add_action(window, file_menu, tr("&Quit"), "Ctrl+Q", window.close)
    incident_menu = bar.addMenu(tr("&Incident"))
    for text, key, name in (
        (tr("&Assign team…"), "Ctrl+D", "assign"),
        (tr("&Release team…"), "Ctrl+Shift+R", "release"),
        (tr("Re&direct…"), "Ctrl+Shift+D", "redirect"),
        (tr("&Close…"), "Ctrl+L", "close"),
        (tr("Re&open…"), "Ctrl+Shift+O", "reopen"),
        (tr("Plan for &later…"), None, "schedule"),
    ):
        add_action(window, incident_menu, text, key, lambda _=False, n=name: window.open_action(n))
    add_action(window, incident_menu, tr("Add &note"), "Ctrl+T", window.focus_note)
    incident_menu.addSeparator()
    add_action(
        window,
        incident_menu,
        tr("Export &EIDO…"),
        None,
        lambda: eido_dialog.export_selected(window),
    )
    add_action(
        window, incident_menu, tr("&Import EIDO…"), None, lambda: eido_dialog.import_file(window)
    )
    team_menu = bar.addMenu(tr("&Team"))
    add_action(
        window,
        team_menu,
        tr("Set &status…"),
        "Ctrl+Shift+S",
        lambda: window.open_team_action("status"),
    )
    add_action(
        window,
        team_menu,
        tr("Safety &check-in…"),
        "Ctrl+K",
        lambda: window.open_team_action("check_in"),
    )
    view_menu = bar.addMenu(tr("&View"))
    add_action(window, view_menu, tr("&Command line"), "F2", window.focus_command)
    add_action(window, view_menu, tr("Call &queue"), "F3", window.queue_view.setFocus)
    add_action(window, view_menu, tr("&Team board"), "F4", window.team_view.setFocus)
    # High contrast and larger text (docs/accessibility.md).
    add_action(
        window,
        view_menu,
        tr("&High contrast"),
        "Ctrl+Shift+H",
        lambda: accessibility.toggle_high_contrast(window, window.settings),
    )
    add_action(
        window,
        view_menu,
        tr("Te&xt size"),
        "Ctrl+Shift+T",
        lambda: accessibility.next_font_scale(window, window.settings),
    )
    add_action(
        window, view_menu, tr("Switch dark / light theme"), "Ctrl+Shift+L", window.toggle_theme
    )
    add_action(
        window,
        view_menu,
        tr("Acknowledge notice"),
        "Ctrl+Shift+K",
        window.notices.acknowledge_selected,
    )
    add_action(
        window, view_menu, tr("&Fit map to served area"), "Ctrl+0", window.map.fit_served_area
    )
    for dock in (
        window.detail_dock,
        window.teams_dock,
        window.map_dock,
        window.notices_dock,
        window.followups_dock,
    ):
        view_menu.addAction(dock.toggleViewAction())
    reports_menu = bar.addMenu(tr("&Reports"))
    add_action(window, reports_menu, tr("&Program report…"), "Ctrl+Shift+P", window.open_report)
    add_action(window, reports_menu, tr("&Expansion planner…"), None, window.open_planner)
    # Supervisors and admins only (the server refuses the others too).
    window.audit_action = add_action(
        window, reports_menu, tr("&Audit log…"), None, window.open_audit
    )
    window.audit_action.setVisible(False)
    reports_menu.aboutToShow.connect(
        lambda: window.audit_action.setVisible(window.may_read_audit())
    )
    help_menu = bar.addMenu(tr("&Help"))
    add_action(window, help_menu, tr("&Keyboard and commands"), "F1", window.show_help)
    add_action(window, help_menu, tr("&About"), None, window.show_about)


def show_help(parent: QWidget) -> QDialog:
    """F1: the keys and the commands, non-blocking."""
    # Escaped: "D <incident> <team>" is text, not tags (issue 18 item 5).
    rows = "".join(
        f"<tr><td><b>{escape(k)}</b></td><td>{escape(tr(v))}</td></tr>" for k, v in SHORTCUTS
    )
    commands = "".join(
        f"<tr><td><code>{escape(k)}</code></td><td>{escape(v)}</td></tr>" for k, v in command_help()
    )
    browser = QTextBrowser()
    browser.setHtml(
        f"<h3>{escape(tr('Keyboard'))}</h3><table>{rows}</table>"
        f"<h3>{escape(tr('Command line (F2)'))}</h3><table>{commands}</table>"
    )
    dialog = QDialog(parent)
    dialog.setWindowTitle(tr("Keyboard and commands"))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    QVBoxLayout(dialog).addWidget(browser)
    dialog.resize(720, 640)
    dialog.open()
    return dialog


def show_about(parent: QWidget, deployment_name: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setWindowTitle(tr("About UMCR Dispatch"))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(
        f"<b>{escape(tr('UMCR Dispatch Console'))}</b> {__version__}<br>"
        + escape(tr("Deployment: {name}").format(name=deployment_name))
        + "<br><br>"
        + escape(
            tr(
                "Map data: LAPD division boundaries and police station locations, "
                "City of Los Angeles open data (LA GeoHub); see resources/geo/SOURCES.md."
            )
        )
    )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
