"""High-contrast dark theme for a dim dispatch floor, and a light one.

Colours that carry meaning (aging levels, team statuses) are defined once
here and used by every widget, the map and the wall.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QIcon,
    QPainter,
    QPalette,
    QPixmap,
    QPolygonF,
    QScreen,
)
from PySide6.QtWidgets import QApplication, QTableView

from ..domain.enums import TeamStatus
from ..domain.timers import Level
from .i18n import tr

THEMES = ("dark", "light", "high-contrast")

LEVEL_COLOURS: dict[str, dict[Level, QColor]] = {
    "dark": {Level.WARNING: QColor("#8a6d00"), Level.ALARM: QColor("#a31515")},
    "light": {Level.WARNING: QColor("#ffe08a"), Level.ALARM: QColor("#ff9b9b")},
    # White text on both at more than 7:1 (WCAG AAA), far apart in lightness too.
    "high-contrast": {Level.WARNING: QColor("#5c4300"), Level.ALARM: QColor("#b00000")},
}

# Aging is never told by colour alone: the age cell carries a shape too, and
# a screen reader reads the level (ui/queue_model.py).
LEVEL_MARKS: dict[Level, str] = {Level.WARNING: "▲", Level.ALARM: "■"}

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

# The map's team markers differ in shape as well as colour (pyqtgraph symbols):
# a free team is a circle, a busy one a triangle or square, an absent one a cross.
STATUS_SYMBOLS: dict[TeamStatus, str] = {
    TeamStatus.AVAILABLE: "o",
    TeamStatus.DISPATCHED: "t1",
    TeamStatus.EN_ROUTE: "t",
    TeamStatus.ON_SCENE: "s",
    TeamStatus.TRANSPORTING: "d",
    TeamStatus.FOLLOW_UP: "h",
    TeamStatus.OUT_OF_SERVICE: "x",
    TeamStatus.OFF_DUTY: "+",
}

# The map's and the wall charts' own colours: pyqtgraph draws them, not the Qt
# palette, so they follow the theme here (the light theme keeps the dark map).
PLOT_STYLES: dict[str, dict[str, str]] = {
    "dark": {
        "background": "#0d1117",
        "text": "#c9d1d9",  # division names, axis ticks
        "title": "#f2f4f7",
        "muted": "#8b949e",  # figure titles and notes
        "outline": "#8b949e",
        "marker_pen": "#0d1117",
        "tile": "#161b22",
        "hourly": "#3a86ff",
        "response": "#2e9e44",
        "target": "#ff7b72",
    },
    # Every text white on black, outlines and marker rims white: above 7:1.
    "high-contrast": {
        "background": "#000000",
        "text": "#ffffff",
        "title": "#ffffff",
        "muted": "#ffffff",
        "outline": "#ffffff",
        "marker_pen": "#ffffff",
        "tile": "#000000",
        "hourly": "#6cb6ff",
        "response": "#3fd45c",
        "target": "#ffff00",
    },
}


def plot_style() -> dict[str, str]:
    """The map's and the charts' colours for the theme shown now."""
    return PLOT_STYLES.get(current_theme(), PLOT_STYLES["dark"])


PENDING_MARK = "◔"  # shown on rows whose latest change is not yet confirmed


def apply_theme(app: QApplication, name: str) -> None:
    """Fusion style with a palette; dark is the default on the floor."""
    # Set first: widgets that restyle on the palette change read it (map, wall).
    app.setProperty("umcr_theme", name)
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
    elif name == "high-contrast":
        palette = high_contrast_palette()
    else:
        palette = app.style().standardPalette()
    app.setPalette(palette)
    # A thick focus frame in high contrast: where the keyboard is must show.
    app.setStyleSheet(HIGH_CONTRAST_STYLE if name == "high-contrast" else "")


HIGH_CONTRAST_STYLE = """
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QComboBox:focus,
QAbstractItemView:focus, QPushButton:focus, QToolButton:focus, QCheckBox:focus {
    border: 3px solid #ffff00;
}
QCheckBox::indicator, QGroupBox::indicator {
    width: 14px; height: 14px; border: 2px solid #ffffff; background: #000000;
}
QCheckBox::indicator:checked, QGroupBox::indicator:checked { background: #ffff00; }
QCheckBox::indicator:disabled { border-color: #a0a0a0; }
"""


def high_contrast_palette() -> QPalette:
    """White on black, yellow selection and links (every pair above 7:1)."""
    palette = QPalette()
    black, white, yellow = QColor("#000000"), QColor("#ffffff"), QColor("#ffff00")
    for role in (
        QPalette.ColorRole.Window,
        QPalette.ColorRole.Base,
        QPalette.ColorRole.AlternateBase,
        QPalette.ColorRole.Button,
        QPalette.ColorRole.ToolTipBase,
    ):
        palette.setColor(role, black)
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.ToolTipText,
        QPalette.ColorRole.BrightText,
        QPalette.ColorRole.Light,
        QPalette.ColorRole.Mid,
    ):
        palette.setColor(role, white)
    palette.setColor(QPalette.ColorRole.Highlight, yellow)
    palette.setColor(QPalette.ColorRole.HighlightedText, black)
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#d0d0d0"))
    palette.setColor(QPalette.ColorRole.Link, yellow)
    palette.setColor(QPalette.ColorRole.LinkVisited, QColor("#00ffff"))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#a0a0a0"))
    return palette


FONT_SCALES = (1.0, 1.25, 1.5, 2.0)


def apply_font_scale(app: QApplication, scale: float) -> None:
    """Every text of the console ``scale`` times its normal size (the wall too:
    its pixel sizes go through ``scaled_px``)."""
    base = app.property("umcr_base_point_size")
    if base is None:
        base = app.font().pointSizeF()
        app.setProperty("umcr_base_point_size", base)
    # Set first: widgets that re-lay themselves out on the font change read it (the wall).
    app.setProperty("umcr_font_scale", float(scale))
    font = app.font()
    font.setPointSizeF(float(base) * scale)
    app.setFont(font)


def font_scale() -> float:
    app = QApplication.instance()
    scale = app.property("umcr_font_scale") if app is not None else None
    return float(scale) if scale else 1.0


def scaled_px(pixels: int) -> int:
    """A pixel size of text times the font scale."""
    return round(pixels * font_scale())


ROW_PADDING = 8  # above and below a table row's text
CELL_PADDING = 16  # left and right of a cell's text, its shape included


def row_height(font: QFont) -> int:
    """A table row as tall as ``font``'s text needs (and the 14-pixel aging shape)."""
    return max(QFontMetrics(font).height(), 14) + ROW_PADDING


class _RowsFollowFont(QObject):
    """On a table's font change (the text size, or its own font): rows as tall as
    the text, and the columns that must not be cut as wide as their text."""

    def __init__(self, view: QTableView, whole: Mapping[int, Iterable[str]]) -> None:
        super().__init__(view)
        self.view = view
        self.whole = {column: list(samples) for column, samples in whole.items()}
        self.apply()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FontChange and watched is self.view:
            self.apply()
        return False

    def apply(self) -> None:
        view = self.view
        view.verticalHeader().setDefaultSectionSize(row_height(view.font()))
        metrics = view.fontMetrics()
        header = view.horizontalHeader()
        for column, samples in self.whole.items():
            need = max(
                [metrics.horizontalAdvance(text) + CELL_PADDING for text in samples]
                + [view.sizeHintForColumn(column), header.sectionSizeHint(column)]
            )
            if view.columnWidth(column) < need:
                view.setColumnWidth(column, need)


def rows_follow_font(
    view: QTableView,
    whole: Mapping[int, Iterable[str]] | None = None,
    may_elide: Iterable[int] = (),
) -> None:
    """Keep ``view``'s rows as tall as its font's text (at any text size), and the
    ``whole`` columns at least as wide as their widest sample text (a call type,
    a status) and the rows shown. Columns in ``may_elide`` (long narrative text,
    whose full text is the cell's tool tip and what a screen reader reads) may be
    cut with an ellipsis; the accessibility test holds every other column."""
    view.setProperty("umcr_may_elide", list(may_elide))
    view.installEventFilter(_RowsFollowFont(view, whole or {}))


def current_theme() -> str:
    app = QApplication.instance()
    name = app.property("umcr_theme") if app is not None else None
    return name if name in THEMES else "dark"


def level_colour(level: Level) -> QColor | None:
    return LEVEL_COLOURS[current_theme()].get(level)


def level_text(level: Level) -> str:
    """The aging level in words (what a screen reader says after the age)."""
    if level == Level.ALARM:
        return tr("alarm: waiting too long")
    if level == Level.WARNING:
        return tr("warning: waiting long")
    return ""


@functools.cache
def _level_icon(level: Level, theme: str) -> QIcon:
    """A triangle for warning, a square for alarm, in the text colour: a shape,
    not a colour, tells the level."""
    size = 14
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#000000") if theme == "light" else QColor("#ffffff"))
    if level == Level.WARNING:
        painter.drawPolygon(QPolygonF([QPointF(7, 1), QPointF(13, 13), QPointF(1, 13)]))
    else:
        painter.drawRect(2, 2, 10, 10)
    painter.end()
    return QIcon(pixmap)


def aging_cue(role: int, level: Level, shown: str) -> object:
    """The age cell's shape (DecorationRole) or spoken text (AccessibleTextRole)."""
    if role == Qt.ItemDataRole.DecorationRole:
        return _level_icon(level, current_theme()) if level in LEVEL_MARKS else None
    words = level_text(level)
    return f"{shown}, {words}" if words else shown


def largest_screen() -> QScreen | None:
    """The screen with the most pixels (a wall monitor beats a laptop's)."""
    screens = QGuiApplication.screens()
    if not screens:
        return None
    return max(screens, key=lambda s: s.geometry().width() * s.geometry().height())
