"""Accessible names and descriptions for every control, without touching each form.

A screen reader announces a control by its accessible name and tells what it
does by its description. Qt derives a name for some controls (a button's text,
a field's label buddy) but not for others (a combo box or a table without a
label, a field with only a placeholder). ``AccessibleNamer`` is an event
filter on the application: whenever a control is shown, one without an
accessible name gets one, in this order:

1. an explicit name for its ``objectName`` (``NAMES``, for controls no visible
   text describes well),
2. its own text (buttons, check boxes), its label buddy or form-row label,
3. its placeholder text, its tool tip,
4. the title of the group box or dock it sits in, or its window's title.

Its description is its tool tip or placeholder, else a short hint of the keys
that work it. ``missing_names`` lists the controls a screen reader would read
without a name (through Qt's own accessibility interface, the same the AT-SPI
bridge uses): the tests call it on every window and dialog.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, QPoint, QSettings, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QDockWidget,
    QFormLayout,
    QGraphicsView,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from .i18n import tr
from .team_tiles import TeamTilesWidget
from .theme import FONT_SCALES, apply_font_scale, apply_theme, current_theme, font_scale

# Controls that take the focus or a click: each needs a name.
INTERACTIVE: tuple[type[QWidget], ...] = (
    TeamTilesWidget,
    QGraphicsView,  # the map's plot
    QAbstractButton,
    QLineEdit,
    QTextEdit,
    QPlainTextEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractSlider,
    QAbstractItemView,
    QTabBar,
)


def _names() -> dict[str, str]:
    """Explicit names by objectName (translated when asked, not at import)."""
    return {
        "command_line": tr("Command line"),
        "filter_state": tr("Show calls in state"),
        "filter_division": tr("Show calls in division"),
        "filter_provider": tr("Show calls of provider"),
        "filter_text": tr("Search calls"),
        "queue_view": tr("Call queue"),
        "team_view": tr("Team board"),
        "TeamTiles": tr("Team tiles"),
        "DivisionMap": tr("Division map"),
        "map_divisions": tr("Map: choose a division"),
        "map_teams": tr("Map: choose a team"),
    }


def _hint(widget: QWidget) -> str:
    """What the keys do, for a control with no tool tip or placeholder."""
    if isinstance(widget, QGraphicsView):
        return tr("Map; the Division and Team choosers below it work from the keyboard")
    if isinstance(widget, TeamTilesWidget):
        return tr("Arrow keys choose a team")
    if isinstance(widget, QComboBox):
        return tr("Up and Down arrows choose; type to jump to an entry")
    if isinstance(widget, QAbstractItemView):
        return tr("Arrow keys move between rows; Enter opens the row")
    if isinstance(widget, QTabBar):
        return tr("Left and Right arrows change the tab")
    if isinstance(widget, (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)):
        return tr("Text field")
    if isinstance(widget, QAbstractButton) and widget.isCheckable():
        return tr("Space toggles")
    if isinstance(widget, QAbstractButton):
        return tr("Space or Enter presses")
    return tr("Use the arrow keys")


def _clean(text: str) -> str:
    """A label's text as read aloud: no &-mnemonic, no trailing colon, one line."""
    text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    return " ".join(text.split()).rstrip(":").strip()


def _label_for(widget: QWidget) -> str:
    window = widget.window()
    for label in window.findChildren(QLabel):
        if label.buddy() is widget and label.text():
            return _clean(label.text())
    parent = widget.parentWidget()
    while parent is not None and parent is not window.parentWidget():
        layout = parent.layout()
        if isinstance(layout, QFormLayout):
            label = layout.labelForField(widget)
            if isinstance(label, QLabel) and label.text():
                return _clean(label.text())
            # A target switched on by a check box in the label column (the
            # planner's "Mean response ≤ [30 min]"): the check box says it.
            if isinstance(label, QAbstractButton) and label.text():
                return _clean(label.text())
        parent = parent.parentWidget() if parent is not window else None
    return ""


def _container_title(widget: QWidget) -> str:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QGroupBox) and parent.title():
            return _clean(parent.title())
        if isinstance(parent, QDockWidget) and parent.windowTitle():
            return _clean(parent.windowTitle())
        if parent.isWindow():
            return _clean(parent.windowTitle())
        parent = parent.parentWidget()
    return ""


def derived_name(widget: QWidget) -> str:
    """The name a control without one gets (see the module docstring)."""
    explicit = _names().get(widget.objectName())
    parent = widget.parentWidget()
    if not explicit and not widget.objectName() and parent is not None:
        explicit = _names().get(parent.objectName())  # the map's plot is the map
    if explicit:
        return explicit
    if isinstance(widget, QAbstractButton) and widget.text():
        return _clean(widget.text())
    if isinstance(widget, QGroupBox) and widget.title():
        return _clean(widget.title())
    label = _label_for(widget)
    if label:
        return label
    placeholder = getattr(widget, "placeholderText", None)
    if callable(placeholder) and placeholder():
        return _clean(placeholder())
    editor = widget.lineEdit() if isinstance(widget, QComboBox) else None
    if editor is not None and editor.placeholderText():
        return _clean(editor.placeholderText())
    if widget.toolTip():
        return _clean(widget.toolTip())
    title = _container_title(widget)
    if title:
        return title
    return _clean(widget.objectName().replace("_", " "))


def fill_in(widget: QWidget) -> None:
    """Give ``widget`` a name and a description if it has none (a combo box's
    popup list too: a screen reader meets it when the list opens). A table or
    list lets Tab go on to the next control: Qt's default walks Tab from cell to
    cell, and a queue of 9 columns and 200 rows trapped the keyboard (the arrow
    keys move within it)."""
    if isinstance(widget, QAbstractItemView):
        widget.setTabKeyNavigation(False)
    if isinstance(widget, QComboBox) and widget.view() is not None:
        if not widget.view().accessibleName():
            widget.view().setAccessibleName(derived_name(widget))
        fill_in(widget.view())
    if not widget.accessibleName():
        name = derived_name(widget)
        if name:
            widget.setAccessibleName(name)
    if not widget.accessibleDescription():
        placeholder = getattr(widget, "placeholderText", None)
        description = widget.toolTip() or (
            placeholder() if callable(placeholder) and placeholder() else ""
        )
        widget.setAccessibleDescription(_clean(description) if description else _hint(widget))


def is_interactive(widget: QWidget) -> bool:
    return isinstance(widget, INTERACTIVE) or (
        isinstance(widget, QGroupBox) and widget.isCheckable()
    )


def controls(root: QWidget) -> list[QWidget]:
    """The interactive widgets under ``root`` (itself included)."""
    widgets: Iterable[QWidget] = [root, *root.findChildren(QWidget)]
    return [w for w in widgets if is_interactive(w)]


def name_tree(root: QWidget) -> None:
    for widget in controls(root):
        fill_in(widget)


def spoken_name(widget: QWidget) -> str:
    """The name Qt gives a screen reader (what AT-SPI reads as ``name``)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    if interface is None:
        return ""
    return interface.text(QAccessible.Text.Name).strip()


def spoken_description(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    if interface is None:
        return ""
    return interface.text(QAccessible.Text.Description).strip()


def missing_names(root: QWidget) -> list[str]:
    """Visible controls under ``root`` a screen reader reads without a name or a
    description, as ``ClassName(objectName)`` for a test's message."""
    missing = []
    for widget in controls(root):
        if not widget.isVisibleTo(root.window()) and widget is not root:
            continue
        # Qt's tab bar reads its current tab as its name and has no description
        # of its own: the property set on it is what there is.
        described = spoken_description(widget) or widget.accessibleDescription()
        if not spoken_name(widget) or not described:
            missing.append(f"{type(widget).__name__}({widget.objectName()})")
    return missing


def _focus_stops(window: QWidget) -> list[QWidget]:
    """The widgets Tab stops at, outermost only (a combo's own line edit is the combo)."""
    stops = [
        w
        for w in window.findChildren(QWidget)
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and w.isVisibleTo(window)
        and w.focusProxy() is None
        and not w.isWindow()
    ]
    inside = set(stops)

    def nested(widget: QWidget) -> bool:
        parent = widget.parentWidget()
        while parent is not None and parent is not window:
            if parent in inside:
                return True
            parent = parent.parentWidget()
        return False

    return [w for w in stops if not nested(w)]


def order_focus_by_position(window: QWidget) -> list[QWidget]:
    """Tab follows reading order: top to bottom, then left to right.

    A dialog's fields are often made after its OK / Cancel buttons (a base
    class makes the buttons), and Qt's tab order is the order of creation: the
    focus would start on OK. Rows are told apart by their vertical centre
    within half a line."""
    stops = _focus_stops(window)
    row = max(window.fontMetrics().height() // 2, 4)

    def position(widget: QWidget) -> tuple[int, int]:
        top_left = widget.mapTo(window, QPoint(0, 0))
        return ((top_left.y() + widget.height() // 2) // row, top_left.x())

    ordered = sorted(stops, key=position)
    for first, second in itertools.pairwise(ordered):
        QWidget.setTabOrder(first, second)
    # The focus starts on the first field, unless the dialog chose one itself.
    if ordered and window.focusWidget() is None:
        ordered[0].setFocus(Qt.FocusReason.TabFocusReason)
    return ordered


class AccessibleNamer(QObject):
    """Application event filter: names every control the first time it is shown;
    a dialog's tab order follows its layout (``order_focus_by_position``)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget):
            if watched.isWindow():
                name_tree(watched)
                if isinstance(watched, QDialog):
                    order_focus_by_position(watched)
            elif is_interactive(watched):
                fill_in(watched)
        return False


FONT_SCALE_KEY = "view/font_scale"


def apply_view_settings(app: QApplication, settings: QSettings, args: object = None) -> None:
    """At start: the namer, and the font scale (``--font-scale`` is kept as the setting)."""
    install(app)
    scale = getattr(args, "font_scale", None)
    if scale:
        settings.setValue(FONT_SCALE_KEY, float(scale))
    else:
        scale = float(settings.value(FONT_SCALE_KEY, 1.0))
    apply_font_scale(app, min(max(float(scale), 0.5), 3.0))


def toggle_high_contrast(window: QWidget, settings: QSettings) -> None:
    """View > High contrast: on, or back to the theme before it."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    if current_theme() == "high-contrast":
        apply_theme(app, str(settings.value("window/theme_before_contrast", "dark")))
    else:
        settings.setValue("window/theme_before_contrast", current_theme())
        apply_theme(app, "high-contrast")
    settings.setValue("window/theme", current_theme())
    for view in window.findChildren(QAbstractItemView):
        view.viewport().update()


def next_font_scale(window: QWidget, settings: QSettings) -> float:
    """View > Text size: 1x, 1.25x, 1.5x, 2x, then 1x again; kept as a setting."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    later = [s for s in FONT_SCALES if s > font_scale() + 0.01]
    scale = later[0] if later else FONT_SCALES[0]
    apply_font_scale(app, scale)
    settings.setValue(FONT_SCALE_KEY, scale)
    window.updateGeometry()
    return scale


def install(app: QApplication) -> AccessibleNamer:
    """Install the namer once on ``app``; returns it (kept alive by the app)."""
    existing = app.findChild(AccessibleNamer, "umcr_accessible_namer")
    if existing is not None:
        return existing
    namer = AccessibleNamer(app)
    namer.setObjectName("umcr_accessible_namer")
    app.installEventFilter(namer)
    return namer
