"""High-contrast dark theme for a dim dispatch floor, and a light one.

Colours that carry meaning (aging levels, team statuses) are defined once
here and used by every widget, the map and the wall.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette, QScreen
from PySide6.QtWidgets import QApplication

from ..domain.enums import TeamStatus
from ..domain.timers import Level

THEMES = ("dark", "light")

LEVEL_COLOURS: dict[str, dict[Level, QColor]] = {
    "dark": {Level.WARNING: QColor("#8a6d00"), Level.ALARM: QColor("#a31515")},
    "light": {Level.WARNING: QColor("#ffe08a"), Level.ALARM: QColor("#ff9b9b")},
}

# Status colours chosen to stay distinct for the common colour-vision deficiencies
# (blue/orange axis first) and on both themes.
STATUS_COLOURS: dict[TeamStatus, QColor] = {
    TeamStatus.AVAILABLE: QColor("#2e9e44"),
    TeamStatus.DISPATCHED: QColor("#e8a317"),
    TeamStatus.EN_ROUTE: QColor("#f07f13"),
    TeamStatus.ON_SCENE: QColor("#d7263d"),
    TeamStatus.TRANSPORTING: QColor("#9b5de5"),
    TeamStatus.FOLLOW_UP: QColor("#3a86ff"),
    TeamStatus.OUT_OF_SERVICE: QColor("#6c757d"),
    TeamStatus.OFF_DUTY: QColor("#444b52"),
}

PENDING_MARK = "◔"  # shown on rows whose latest change is not yet confirmed


def apply_theme(app: QApplication, name: str) -> None:
    """Fusion style with a palette; dark is the default on the floor."""
    app.setStyle("Fusion")
    palette = QPalette()
    if name == "dark":
        base, text, window = QColor("#101317"), QColor("#f2f4f7"), QColor("#1a1f26")
        palette.setColor(QPalette.ColorRole.Window, window)
        palette.setColor(QPalette.ColorRole.WindowText, text)
        palette.setColor(QPalette.ColorRole.Base, base)
        palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#161b22"))
        palette.setColor(QPalette.ColorRole.Text, text)
        palette.setColor(QPalette.ColorRole.Button, QColor("#262d36"))
        palette.setColor(QPalette.ColorRole.ButtonText, text)
        palette.setColor(QPalette.ColorRole.ToolTipBase, QColor("#262d36"))
        palette.setColor(QPalette.ColorRole.ToolTipText, text)
        palette.setColor(QPalette.ColorRole.Highlight, QColor("#2f81f7"))
        palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#8b949e"))
        palette.setColor(QPalette.ColorRole.Link, QColor("#58a6ff"))
    else:
        palette = app.style().standardPalette()
    app.setPalette(palette)
    app.setProperty("umcr_theme", name)


def current_theme() -> str:
    app = QApplication.instance()
    name = app.property("umcr_theme") if app is not None else None
    return name if name in THEMES else "dark"


def level_colour(level: Level) -> QColor | None:
    return LEVEL_COLOURS[current_theme()].get(level)


def largest_screen() -> QScreen | None:
    """The screen with the most pixels (a wall monitor beats a laptop's)."""
    screens = QGuiApplication.screens()
    if not screens:
        return None
    return max(screens, key=lambda s: s.geometry().width() * s.geometry().height())
