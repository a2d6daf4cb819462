"""The console in Spanish (issue 23): the main window, intake with its safety
screen, a dialog and the wall show Spanish, and no text on them is still an
English source the catalogue translates."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTabWidget,
    QWidget,
)

from umcr_console.ui import i18n

CATALOGUE = Path(__file__).resolve().parents[2] / "resources" / "i18n" / "umcr_es_US.ts"


def _english_sources() -> dict[str, str]:
    """English source (mnemonic removed) -> its Spanish, where the two differ."""
    found = {}
    for message in ET.parse(CATALOGUE).iter("message"):
        source = (message.findtext("source") or "").replace("&", "")
        spanish = (message.findtext("translation") or "").replace("&", "")
        if source.strip() and source != spanish:
            found[source] = spanish
    return found


@pytest.fixture
def spanish(qapp) -> Iterator[None]:
    assert i18n.install("es", qapp)
    yield
    i18n.install("en", qapp)


def visible_texts(root: QWidget) -> list[str]:
    """What a user reads on ``root``: window title, labels, buttons, group titles,
    combo items, tabs, dock titles, placeholders, tooltips, menus, table headers."""
    texts = [root.windowTitle()]
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        if not w.isVisibleTo(root) and w is not root and not isinstance(w, QMenu):
            continue
        texts.append(w.toolTip())
        if isinstance(w, QLabel | QAbstractButton):
            texts.append(w.text())
        if isinstance(w, QGroupBox):
            texts.append(w.title())
        if isinstance(w, QLineEdit):
            texts.append(w.placeholderText())
        if isinstance(w, QComboBox):
            texts.extend(w.itemText(i) for i in range(w.count()))
        if isinstance(w, QTabWidget):
            texts.extend(w.tabText(i) for i in range(w.count()))
        if isinstance(w, QDockWidget):
            texts.append(w.windowTitle())
        if isinstance(w, QMenu):
            texts.append(w.title())
            texts.extend(a.text() for a in w.actions())
        model = getattr(w, "model", None)
        if callable(model) and hasattr(w, "horizontalHeader"):
            m = model()
            if m is not None:
                texts.extend(
                    str(m.headerData(c, Qt.Orientation.Horizontal)) for c in range(m.columnCount())
                )
    return [t.replace("&", "") for t in texts if t]


def still_english(texts: list[str]) -> list[str]:
    sources = _english_sources()
    return sorted({t for t in texts if t in sources})


def test_install_loads_our_catalogue_and_qts_own(spanish) -> None:
    assert i18n.tr("New call") == "Nueva llamada"
    # Qt's own catalogue (qtbase_es) translates the standard buttons.
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancelar"
    assert QLocale().name() == "es_US"


def test_english_stays_english(qapp) -> None:
    i18n.install("en", qapp)
    assert i18n.tr("New call") == "New call"


def test_the_main_window_is_in_spanish(spanish, qtbot, tmp_path, workspace, deployment, clock):
    from PySide6.QtCore import QSettings

    from umcr_console.ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(workspace, deployment, settings=settings, username="d1", clock=clock)
    win.ticker.stop()
    qtbot.addWidget(win)
    win.show()
    texts = visible_texts(win)
    menus = [a.text() for a in win.menuBar().actions()]
    assert menus[:3] == ["&Archivo", "&Incidente", "&Equipo"]
    assert win.windowTitle().startswith("Despacho UMCR")
    assert "Número" in texts and "Tipo de llamada" in texts  # queue headers
    assert "Disponible" in [
        win.team_model.index(r, 3).data() for r in range(win.team_model.rowCount())
    ]
    assert still_english(texts) == []


def test_intake_and_its_safety_screen_are_in_spanish(spanish, qtbot, deployment, clock) -> None:
    from umcr_console.ui.intake import IntakeDialog

    form = IntakeDialog(divisions=deployment.divisions, workstation_id="ws", clock=clock)
    qtbot.addWidget(form)
    form.show()
    # The questions a call-taker reads to the caller, as written.
    assert form.weapons.text() == "¿Hay &armas?"
    assert form.medical.text() == "¿Alguien necesita atención &médica de emergencia?"
    form.narrative.setPlainText("he has a gun")
    form.read_safety_words()
    assert form.words_label.text().startswith("⚠ La llamada menciona armas")
    assert form.build_events() is None  # the words need an answer
    assert "confirme o descarte" in form.errors()["words"]
    assert still_english(visible_texts(form)) == []
    form.confirm_safety_words()  # ticks the weapons question
    assert form.weapons.isChecked()
    assert form.recommendation.text().startswith("Recomendación: redirigir a LAPD")
    assert still_english(visible_texts(form)) == []
    # A redirect following the screen records the screen's reason in Spanish.
    form.address.setText("1 Main St")
    form.division.setCurrentIndex(1)
    events = form.build_events()
    assert events is not None
    assert events[-1].payload["reason"] == "Evaluación de seguridad: armas"


def test_every_dialog_is_in_spanish(
    spanish, qtbot, tmp_path, workspace, deployment, clock, server_side
) -> None:
    """Each action dialog, the login form and the lock screen: Spanish, no English left."""
    from PySide6.QtCore import QSettings

    from umcr_console.ui import action_dialogs as d
    from umcr_console.ui.idle_lock import LockScreen
    from umcr_console.ui.login import LoginDialog

    incident = workspace.view.incidents[server_side.create_incident("1 Main St")]
    teams = list(workspace.view.teams.values())
    common = {"workstation_id": "ws", "clock": clock}
    dialogs = [
        d.AssignTeamDialog(incident, teams, **common),
        d.ReleaseTeamDialog(incident, workspace.view.teams, **common),
        d.RedirectDialog(incident, **common),
        d.CloseDialog(incident, providers=deployment.providers, **common),
        d.ScheduleDialog(incident, teams, **common),
        d.ReopenDialog(incident, **common),
        d.TeamStatusDialog(teams[0], **common),
        d.CheckInDialog(teams[0], **common),
        LoginDialog(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)),
        LockScreen("d1"),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        texts = visible_texts(dialog)
        assert still_english(texts) == [], type(dialog).__name__
    assert "Cancelar" in visible_texts(dialogs[0])  # Qt's own button, from qtbase_es
    assert dialogs[3].windowTitle() == f"Cerrar {incident.number}"
    assert "Resuelto en escena" in visible_texts(dialogs[3])


def test_the_wall_is_in_spanish(spanish, qtbot, workspace, deployment, clock) -> None:
    from umcr_console.ui.wall import WallWindow

    wall = WallWindow(workspace, deployment, clock=clock)
    wall.ticker.stop()
    qtbot.addWidget(wall)
    wall.show()
    wall.tick()
    wall.update_figures()
    texts = visible_texts(wall)
    assert any("Llamadas hoy" in t for t in texts)
    # Thursday 26 November 2026, in the console's locale.
    assert wall.clock_label.text().startswith("jue 26 nov")
    assert still_english(texts) == []


def test_the_check_finds_english_left_on_screen(spanish, qtbot) -> None:
    """The walk above can fail: a label set without tr() is reported."""
    root = QWidget()
    qtbot.addWidget(root)
    QLabel("Select a team first (F4).", root)
    root.show()
    assert still_english(visible_texts(root)) == ["Select a team first (F4)."]


def test_text_the_domain_builds_follows_the_language(spanish, qapp) -> None:
    """Alerts, the coverage line and recommendation reasons reach the screen too."""
    from umcr_console.domain.coverage import Coverage
    from umcr_console.sync.engine import LinkState, SyncStatus

    coverage = Coverage(free_in_division={}, uncovered=("Wilshire",), thin=())
    assert coverage.text == "NINGÚN equipo libre para Wilshire"
    assert SyncStatus(link=LinkState.ONLINE, unsent=2).text == "en línea, 2 en cola"
    i18n.install("en", qapp)
    assert coverage.text == "NO free team for Wilshire"  # the server's words stay English


def test_a_local_refusal_is_said_in_spanish_and_the_server_keeps_english(
    spanish, qapp, qtbot, window, workspace, clock
) -> None:
    """The rules refuse "on scene" for a team with no call: the dispatcher reads why in
    Spanish; the same rules without a translator (the server) answer in English."""
    from PySide6.QtCore import Qt

    from umcr_console.domain import events as ev
    from umcr_console.domain.enums import EventType, TeamStatus
    from umcr_console.domain.rules import Rejection, decide

    qtbot.keyClicks(window.command, "OS PL-1")
    qtbot.keyClick(window.command, Qt.Key.Key_Return)
    shown = window.command_result.text()
    assert "No enviado" in shown
    assert "el equipo PL-1 no puede pasar de «disponible» a «en escena»" in shown
    assert "team" not in shown and "cannot" not in shown
    assert workspace.store.load_outbox() == []

    team = next(t for t in workspace.view.teams.values() if t.call_sign == "PL-1")
    event = ev.make_event(
        EventType.TEAM_STATUS_CHANGED,
        team.id,
        ev.StatusChanged(status=TeamStatus.ON_SCENE),
        expected_version=team.version,
        workstation_id="ws",
        occurred_at=clock(),
    )
    i18n.install("en", qapp)
    outcome = decide(workspace.view, event, now=clock())
    assert isinstance(outcome, Rejection)
    assert outcome.detail == "team PL-1 cannot go from available to on scene"


def test_the_f1_help_has_no_english_line_left(spanish, qapp, qtbot, window) -> None:
    """Every key and command line of F1 in Spanish, the status and disposition codes too."""
    from PySide6.QtWidgets import QTextBrowser

    from umcr_console.domain.commands import command_help
    from umcr_console.ui.menus import SHORTCUTS, show_help

    i18n.install("en", qapp)
    english = [text for _, text in command_help()] + [text for _, text in SHORTCUTS]
    i18n.install("es", qapp)
    dialog = show_help(window)
    qtbot.addWidget(dialog)
    shown = dialog.findChild(QTextBrowser).toPlainText()
    lines = [line.strip() for line in shown.splitlines() if line.strip()]
    assert [line for line in lines if line in english] == []
    assert still_english(lines) == []
    assert dialog.windowTitle() == "Teclado y comandos"
    assert "poner al equipo en «en camino»" in lines  # ER <team> [note]
    assert any(line.startswith("cerrar; códigos: RES resuelto en escena, ") for line in lines)
    assert "OS <team> [note]" in lines  # the commands are typed the same in every language


def test_eido_import_warnings_and_the_planner_are_in_spanish(
    spanish, qtbot, tmp_path, workspace, server_side, clock
) -> None:
    import json

    from umcr_console.interop import EidoAgent, incident_to_eido
    from umcr_console.ui.eido_dialog import EidoImportDialog
    from umcr_console.ui.planner import PlannerWindow

    incident = workspace.view.incidents[server_side.create_incident("1 Main St")]
    document = incident_to_eido(incident, [], agent=EidoAgent("d1", "ws"))
    document["incidentComponent"].pop("incidentPriorityInternalText", None)
    for call in document.get("callComponent", []):
        call.pop("priorityIdentifier", None)
    path = tmp_path / "call.json"
    path.write_text(json.dumps(document))
    dialog = EidoImportDialog(str(path))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.result is not None
    assert any("priority" in w for w in dialog.result.warnings)  # English underneath
    details = dialog.details.toPlainText()
    assert "• sin prioridad: se puso 2 (alta); clasifique la llamada" in details
    assert "priority" not in details
    assert still_english([*visible_texts(dialog), *details.split("• ")]) == []

    planner = PlannerWindow(clock=clock)
    qtbot.addWidget(planner)
    texts = visible_texts(planner)
    assert "Piloto (6 divisiones)" in texts and "Toda la ciudad (21)" in texts
    assert planner.shift_plan().starts == (7, 15, 23)
    assert still_english(texts) == []


def test_a_server_rejection_notice_is_framed_in_spanish_with_the_servers_words(
    spanish, workspace, server_side, clock
) -> None:
    """The notice of a rejection that came over the wire: what was refused and what
    to do in Spanish; the server's reason quoted as it sent it (English)."""
    from umcr_console.domain import events as ev
    from umcr_console.domain.enums import EventType, RejectCode
    from umcr_console.store.describe import rejection_summary, subject_of

    incident = workspace.view.incidents[server_side.create_incident("1 Main St")]
    team = next(t for t in workspace.view.teams.values() if t.call_sign == "PL-1")
    event = ev.make_event(
        EventType.INCIDENT_TEAM_ASSIGNED,
        incident.id,
        ev.TeamAssigned(team_id=team.id),
        workstation_id="ws",
        occurred_at=clock(),
    )
    server_said = "team PL-1 is dispatched, not available"
    summary = rejection_summary(
        subject_of(event, workspace.view), RejectCode.TEAM_UNAVAILABLE, server_said
    )
    assert summary == (
        f"Se rechazó la asignación del equipo PL-1 al incidente {incident.number}: "
        f"{server_said}. Elija otro equipo disponible."
    )
