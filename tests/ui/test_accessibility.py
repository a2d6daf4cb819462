"""Accessibility in-process: names, descriptions, colour never alone, high contrast,
font scaling. (The real AT-SPI tree of the running console: test_atspi_tree.py.)"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QStyle,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QWidget,
)

from tests.ui.conftest import show_wall
from umcr_console.domain.timers import Level
from umcr_console.ui import accessibility
from umcr_console.ui.a11y_tour import open_everything
from umcr_console.ui.queue_model import COL_AGE
from umcr_console.ui.theme import (
    LEVEL_COLOURS,
    STATUS_COLOURS,
    STATUS_SYMBOLS,
    THEMES,
    apply_font_scale,
    apply_theme,
    current_theme,
    font_scale,
)


@pytest.fixture
def namer(qapp):
    accessibility.install(qapp)
    yield
    apply_theme(qapp, "dark")
    apply_font_scale(qapp, 1.0)


def _close_all(opened: list[QWidget]) -> None:
    """Close what the tour opened; the lock screen (application-modal, it refuses a
    plain close) too, or it would block the input of every later test."""
    for widget in reversed(opened):
        if hasattr(widget, "allow_close"):
            widget.allow_close()
        widget.close()
    assert QApplication.activeModalWidget() is None


def _every_tab(root: QWidget) -> list[str]:
    """Missing names on every page of every tab widget (a hidden page counts too)."""
    missing = list(accessibility.missing_names(root))
    for tabs in root.findChildren(QTabWidget):
        if not tabs.isVisibleTo(root):
            continue
        for page in range(tabs.count()):
            tabs.setCurrentIndex(page)
            missing += accessibility.missing_names(root)
    return sorted(set(missing))


@pytest.mark.slow
def test_every_control_of_every_window_and_dialog_has_a_spoken_name(
    namer, window, server_side, qtbot
) -> None:
    server_side.create_incident("1200 W 7th St", division="Olympic", minutes_ago=3)
    opened = open_everything(window)
    titles = {w.windowTitle() for w in opened}
    # The tour reaches what the brief lists (one title each, roughly).
    assert len(opened) >= 18, titles
    for widget in opened:
        qtbot.waitExposed(widget)
        assert _every_tab(widget) == [], widget.windowTitle()
    _close_all(opened[1:])


def test_the_namer_gives_a_control_without_text_a_name_and_a_description(namer, qtbot) -> None:
    box = QWidget()
    box.setWindowTitle("Filters")
    field = QLineEdit(box, placeholderText="search number, address, type")
    combo = QComboBox(box, objectName="filter_state")
    bare = QComboBox(box)
    label = QLabel("&Priority", box)
    labelled = QComboBox(box)
    label.setBuddy(labelled)
    qtbot.addWidget(box)
    # Before it is shown a screen reader would get nothing for the bare ones.
    assert accessibility.spoken_name(bare) == ""
    box.show()
    qtbot.waitExposed(box)
    assert accessibility.spoken_name(field) == "search number, address, type"
    assert accessibility.spoken_name(combo) == "Show calls in state"
    assert accessibility.spoken_name(labelled) == "Priority"
    assert accessibility.spoken_name(bare) == "Filters"  # its window's title, the last resort
    assert "arrows" in accessibility.spoken_description(combo)
    assert accessibility.missing_names(box) == []


def test_missing_names_reports_a_control_with_no_name(qtbot) -> None:
    box = QWidget()
    combo = QComboBox(box, objectName="nameless")
    qtbot.addWidget(box)
    box.show()  # no namer installed on this one: it is found out
    combo.setAccessibleName("")
    assert accessibility.missing_names(box) == ["QComboBox(nameless)"]


def test_aging_is_told_by_a_shape_and_in_words_not_by_colour_alone(
    namer, window, server_side, clock
) -> None:
    thresholds = window.deployment.thresholds
    incident_id = server_side.create_incident("1200 W 7th St", minutes_ago=0)
    model = window.queue_model
    cell = model.index(model.row_of(incident_id), COL_AGE)
    assert cell.data(Qt.ItemDataRole.DecorationRole) is None
    clock.advance(minutes=thresholds.pending_warning_min + 0.1)
    window.tick()
    cell = model.index(model.row_of(incident_id), COL_AGE)
    warning_icon = cell.data(Qt.ItemDataRole.DecorationRole)
    assert warning_icon is not None and not warning_icon.isNull()
    assert "warning" in cell.data(Qt.ItemDataRole.AccessibleTextRole)
    clock.advance(minutes=thresholds.pending_alarm_min)
    window.tick()
    cell = model.index(model.row_of(incident_id), COL_AGE)
    alarm_icon = cell.data(Qt.ItemDataRole.DecorationRole)
    assert "alarm" in cell.data(Qt.ItemDataRole.AccessibleTextRole)
    # Two different shapes, not one shape in two colours.
    assert warning_icon.pixmap(14).toImage() != alarm_icon.pixmap(14).toImage()
    assert cell.data(Qt.ItemDataRole.DisplayRole) in cell.data(Qt.ItemDataRole.AccessibleTextRole)


def test_team_statuses_differ_by_shape_on_the_map() -> None:
    assert set(STATUS_SYMBOLS) == set(STATUS_COLOURS)
    assert len(set(STATUS_SYMBOLS.values())) == len(STATUS_SYMBOLS)


def _press(window, keys: str) -> None:
    """The View menu's entry with shortcut ``keys``, triggered. (Another test's
    console left alive in this process would make a real key press ambiguous;
    the keys themselves are tested in test_keyboard_only.py.)"""
    from PySide6.QtGui import QAction, QKeySequence

    (action,) = [
        a
        for a in window.findChildren(QAction)
        if a.shortcut() == QKeySequence(keys) and a.isEnabled()
    ]
    assert action.shortcutContext() == Qt.ShortcutContext.ApplicationShortcut
    action.trigger()


def _contrast(a, b) -> float:
    def luminance(c) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
        )

    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.slow
def test_high_contrast_theme_passes_wcag_aaa_and_menu_toggles_it(namer, window, qtbot) -> None:
    from PySide6.QtGui import QPalette

    assert "high-contrast" in THEMES
    apply_theme(QApplication.instance(), "dark")
    _press(window, "Ctrl+Shift+H")
    assert current_theme() == "high-contrast"
    assert window.settings.value("window/theme") == "high-contrast"
    palette = QApplication.instance().palette()
    role = QPalette.ColorRole
    for fg, bg in (
        (role.WindowText, role.Window),
        (role.Text, role.Base),
        (role.ButtonText, role.Button),
        (role.HighlightedText, role.Highlight),
        (role.PlaceholderText, role.Base),
    ):
        assert _contrast(palette.color(fg), palette.color(bg)) >= 7, (fg, bg)
    for colour in LEVEL_COLOURS["high-contrast"].values():
        assert _contrast(palette.color(role.Text), colour) >= 7
    assert set(LEVEL_COLOURS["high-contrast"]) == {Level.WARNING, Level.ALARM}
    _press(window, "Ctrl+Shift+H")
    assert current_theme() == "dark"


def _clipped(root: QWidget) -> list[str]:
    """Visible labels and buttons narrower or lower than their text needs."""
    clipped = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, (QLabel, QAbstractButton)) or not widget.isVisibleTo(root):
            continue
        if isinstance(widget, QLabel) and (widget.wordWrap() or not widget.text()):
            continue
        if widget.sizePolicy().horizontalPolicy().name == "Ignored":
            continue
        need = widget.minimumSizeHint()
        if widget.width() < need.width() or widget.height() < need.height():
            clipped.append(
                f"{type(widget).__name__} {widget.objectName()!r} {widget.size().toTuple()} < {need.toTuple()}"
            )
    return clipped


def _cut_cells(root: QWidget, rows: int = 40) -> list[str]:
    """Table cells (of the first ``rows`` rows) whose text is wider or taller than
    the cell, as the view's own delegate measures it. A column the view lets
    elide (``umcr_may_elide``, theme.rows_follow_font) passes when the cell's
    tool tip holds the whole text; every other column must show it whole."""
    cut = []
    for view in [root, *root.findChildren(QTableView)]:
        if not isinstance(view, QTableView) or not view.isVisibleTo(root.window()):
            continue
        model, delegate = view.model(), view.itemDelegate()
        may_elide = set(view.property("umcr_may_elide") or [])
        icon = view.iconSize()
        if not icon.isValid():
            side = view.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, view)
            icon = QSize(side, side)
        for row in range(min(model.rowCount(), rows)):
            if view.isRowHidden(row):
                continue
            for column in range(model.columnCount()):
                index = model.index(row, column)
                text = index.data(Qt.ItemDataRole.DisplayRole)
                if view.isColumnHidden(column) or not text:
                    continue
                option = QStyleOptionViewItem()
                option.initFrom(view.viewport())
                option.font = view.font()
                option.decorationSize = icon
                option.textElideMode = view.textElideMode()
                option.rect = view.visualRect(index)
                if view.wordWrap():
                    option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
                need = delegate.sizeHint(option, index)
                cell = option.rect.size()
                if need.width() <= cell.width() and need.height() <= cell.height():
                    continue
                if column in may_elide and index.data(Qt.ItemDataRole.ToolTipRole):
                    continue
                cut.append(
                    f"{view.objectName()}[{row},{column}] {text!r} {cell.toTuple()} < {need.toTuple()}"
                )
    return cut


def test_the_cell_check_finds_a_call_type_cut_and_allows_an_elided_address(
    namer, window, server_side, qtbot
) -> None:
    from umcr_console.ui.queue_model import COL_LOCATION, COL_TYPE

    server_side.create_incident("1200 W 7th St, Los Angeles, CA 90017, USA", minutes_ago=3)
    window.resize(1920, 1080)
    window.show()
    qtbot.waitExposed(window)
    view = window.queue_view
    assert _cut_cells(view) == []
    header = view.horizontalHeader()
    header.setSectionResizeMode(COL_LOCATION, header.ResizeMode.Interactive)
    view.setColumnWidth(COL_LOCATION, 30)  # the address elided: its tool tip says it
    assert _cut_cells(view) == []
    view.setColumnWidth(COL_TYPE, 30)
    assert [c for c in _cut_cells(view) if c.startswith(f"queue_view[0,{COL_TYPE}]")]
    view.setColumnWidth(COL_TYPE, 400)
    assert _cut_cells(view) == []
    rows = view.verticalHeader()
    rows.setMinimumSectionSize(1)
    rows.resizeSection(0, 8)  # a row lower than its text: every cell of it is cut
    assert len(_cut_cells(view)) >= 5, _cut_cells(view)


@pytest.mark.parametrize("scale", [1.5, 2.0])
def test_the_queue_and_team_board_rows_follow_the_text_size(
    namer, window, server_side, qtbot, scale
) -> None:
    server_side.create_incident("1200 W 7th St", division="Olympic", minutes_ago=3)
    window.resize(1920, 1080)
    window.show()
    qtbot.waitExposed(window)
    window.team_board.toggle.setChecked(True)  # the board as a table
    before = window.queue_view.verticalHeader().defaultSectionSize()
    apply_font_scale(QApplication.instance(), scale)
    QApplication.processEvents()
    assert window.queue_view.verticalHeader().defaultSectionSize() > before
    for view in (window.queue_view, window.team_view):
        assert view.model().rowCount() > 0
        assert _cut_cells(view) == [], view.objectName()


def test_text_size_menu_cycles_the_scale_and_keeps_it(namer, window, qtbot) -> None:
    base = QApplication.instance().font().pointSizeF()
    _press(window, "Ctrl+Shift+T")
    assert font_scale() == 1.25
    _press(window, "Ctrl+Shift+T")
    assert font_scale() == 1.5
    assert QApplication.instance().font().pointSizeF() == pytest.approx(base * 1.5)
    assert float(window.settings.value("view/font_scale")) == 1.5


def test_the_clipping_check_finds_a_label_cut_short(namer, qtbot) -> None:
    box = QWidget()
    label = QLabel("Safety screen: weapons", box)
    qtbot.addWidget(box)
    box.show()
    label.setFixedWidth(40)
    assert _clipped(box) and "QLabel" in _clipped(box)[0]


@pytest.mark.slow
def test_at_one_and_a_half_times_the_text_no_label_of_a_dialog_is_cut(
    namer, window, server_side, qtbot
) -> None:
    server_side.create_incident("1200 W 7th St", division="Olympic", minutes_ago=3)
    apply_font_scale(QApplication.instance(), 1.5)
    window.resize(1920, 1080)
    opened = open_everything(window)
    problems = {}
    checked = 0
    for widget in opened[1:]:
        qtbot.waitExposed(widget)
        widget.adjustSize()  # a dialog opens at its size hint
        QApplication.processEvents()
        checked += sum(
            isinstance(w, (QLabel, QAbstractButton)) for w in widget.findChildren(QWidget)
        )
        if cut := _clipped(widget):
            problems[widget.windowTitle()] = cut
    assert problems == {}
    assert checked > 100  # the check saw the dialogs' labels and buttons
    _close_all(opened[1:])


def _wall(qtbot, workspace, deployment, clock, server_side):
    from umcr_console.domain.enums import CallType

    for minutes, call_type in (
        (3, CallType.PERSON_IN_DISTRESS),  # the longest call type
        (12, CallType.SUBSTANCE_USE),
        (40, CallType.WELFARE_CHECK),
    ):
        server_side.create_incident(
            "1200 W 7th St", division="North Hollywood", minutes_ago=minutes, call_type=call_type
        )
    return show_wall(qtbot, workspace, deployment, clock)


def _wall_cuts_nothing(wall) -> None:
    from umcr_console.ui.wall import WALL_COLUMNS

    assert wall.queue_model.rowCount() == 3
    for _page in range(wall.pages.count()):
        QApplication.processEvents()
        assert _clipped(wall) == []
        assert _cut_cells(wall.pending_view) == []  # the call type whole, if on two lines
        wall.next_page()
    header = wall.pending_view.horizontalHeader()
    for column in WALL_COLUMNS:
        assert header.sectionSize(column) >= header.sectionSizeHint(column), column


def test_the_wall_at_one_and_a_half_times_the_text_cuts_nothing(
    namer, qtbot, workspace, deployment, clock, server_side
) -> None:
    from umcr_console.ui.wall import WALL_MIN_PX

    apply_font_scale(QApplication.instance(), 1.5)
    wall = _wall(qtbot, workspace, deployment, clock, server_side)
    minimum = round(WALL_MIN_PX * 1.5)
    assert wall.pending_view.font().pixelSize() >= minimum
    assert wall.map_widget.label_font.pixelSize() >= minimum
    _wall_cuts_nothing(wall)


def test_the_wall_follows_a_change_of_text_size_without_a_restart(
    namer, qtbot, workspace, deployment, clock, server_side
) -> None:
    from umcr_console.ui.wall import WALL_MIN_PX

    wall = _wall(qtbot, workspace, deployment, clock, server_side)
    assert wall.pending_view.font().pixelSize() < round(WALL_MIN_PX * 1.5)
    apply_font_scale(QApplication.instance(), 1.5)
    minimum = round(WALL_MIN_PX * 1.5)
    qtbot.waitUntil(lambda: wall.pending_view.font().pixelSize() >= minimum)
    assert wall.clock_label.font().pixelSize() >= round(28 * 1.5)
    assert wall.map_widget.label_font.pixelSize() >= minimum
    assert all(
        label.textItem.font().pixelSize() >= minimum
        for label in wall.map_widget.division_labels.values()
    )
    assert f"font-size:{round(64 * 1.5)}px" in wall.figures["pending"].text()
    _wall_cuts_nothing(wall)


def test_high_contrast_reaches_the_map_and_the_wall_charts(
    namer, qtbot, workspace, deployment, clock, server_side
) -> None:
    from PySide6.QtGui import QColor

    from umcr_console.ui.theme import PLOT_STYLES

    wall = _wall(qtbot, workspace, deployment, clock, server_side)
    dark = QColor(PLOT_STYLES["dark"]["background"])
    plots = (wall.map_widget.plot, wall.hourly_plot, wall.response_plot)
    assert all(plot.backgroundBrush().color() == dark for plot in plots)
    apply_theme(QApplication.instance(), "high-contrast")
    qtbot.waitUntil(lambda: "#000000" in wall.styleSheet())
    style = PLOT_STYLES["high-contrast"]
    black = QColor(style["background"])
    assert all(plot.backgroundBrush().color() == black for plot in plots)
    assert wall.map_widget.outlines.opts["pen"].color() == QColor(style["outline"])
    assert wall.hourly_plot.getAxis("left").textPen().color() == QColor(style["text"])
    assert style["tile"] in wall.figures["pending"].styleSheet()
    # The app's high-contrast style sheet must not shrink the queue's headings.
    from umcr_console.ui.wall import WALL_MIN_PX

    assert wall.pending_view.horizontalHeader().font().pixelSize() >= WALL_MIN_PX
    # Text on the map and charts at 7:1 or more, bars and lines at 3:1 (WCAG 1.4.11).
    for key in ("text", "title", "muted", "outline", "marker_pen"):
        assert _contrast(QColor(style[key]), black) >= 7, key
    for key in ("hourly", "response", "target"):
        assert _contrast(QColor(style[key]), black) >= 3, key


MAIN_AREAS = {
    "command_line": "command line",
    "filter_state": "queue filters",
    "filter_division": "queue filters",
    "filter_provider": "queue filters",
    "filter_mine": "queue filters",
    "filter_text": "queue filters",
    "queue_view": "queue",
    "dock_detail": "detail panel",
    "dock_teams": "team board",
    "dock_map": "map",
    "dock_notices": "notices",
    "dock_followups": "follow-ups",
}


def _area_of(widget: QWidget, window: QWidget) -> str:
    """The main-window area ``widget`` is in (its own name, or its dock's)."""
    while widget is not None and widget is not window:
        if widget.objectName() in MAIN_AREAS:
            return MAIN_AREAS[widget.objectName()]
        widget = widget.parentWidget()
    return "window"  # the tab bar of the tabbed docks: the window's own


def _tab_walk(window, qtbot, presses: int = 150) -> list[tuple[str, int]]:
    """The areas Tab visits from the command line until it comes back to it, each
    with the number of presses spent in it."""
    window.command.setFocus(Qt.FocusReason.TabFocusReason)
    areas: list[tuple[str, int]] = []
    for _ in range(presses):
        here = QApplication.focusWidget()
        area = _area_of(here, window)
        if areas and areas[-1][0] == area:
            areas[-1] = (area, areas[-1][1] + 1)
        else:
            areas.append((area, 1))
        qtbot.keyClick(here, Qt.Key.Key_Tab)
        if QApplication.focusWidget() is window.command:
            return areas
    raise AssertionError(f"Tab never came back to the command line: {areas}")


def _active(window, qtbot, server_side) -> None:
    for minutes in (3, 5, 8):
        server_side.create_incident("1200 W 7th St", division="Olympic", minutes_ago=minutes)
    window.resize(1920, 1080)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def test_tab_walks_the_main_window_area_by_area_in_reading_order(
    namer, window, server_side, qtbot
) -> None:
    _active(window, qtbot, server_side)
    walk = _tab_walk(window, qtbot)
    # Each area once, in this order (the docks' own tab bar, Notices / Follow-ups, last).
    assert [area for area, _presses in walk] == [
        "command line",
        "queue filters",
        "queue",
        "detail panel",
        "team board",
        "map",
        "notices",
        "follow-ups",
        "window",
    ]
    # One Tab leaves the queue (Qt's default walked it cell by cell: 9 columns a row).
    assert dict(walk)["queue"] == 1
    window.team_board.toggle.setChecked(True)  # the board as a table: Tab leaves it too
    window.team_view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(window.team_view, Qt.Key.Key_Tab)
    assert _area_of(QApplication.focusWidget(), window) == "map"


def test_the_tab_walk_finds_a_trap_and_a_jump(namer, window, server_side, qtbot) -> None:
    _active(window, qtbot, server_side)
    window.queue_view.setTabKeyNavigation(True)  # Qt's default: Tab from cell to cell
    with pytest.raises(AssertionError, match=r"never came back.*\('queue', 1[0-9][0-9]\)"):
        _tab_walk(window, qtbot)  # the queue keeps Tab: a keyboard trap
    window.queue_view.setTabKeyNavigation(False)
    QWidget.setTabOrder(window.command, window.queue_view)  # the filters skipped
    areas = [area for area, _presses in _tab_walk(window, qtbot)]
    assert areas[:2] == ["command line", "queue"]


def test_the_planner_targets_and_report_costs_say_what_they_are(namer, window, qtbot) -> None:
    from umcr_console.ui.planner import PlannerWindow
    from umcr_console.ui.report_window import ReportWindow

    planner = PlannerWindow(
        clock=window.clock, incidents=lambda: [], deployment=window.deployment, parent=window
    )
    report = ReportWindow(window.deployment, None, clock=window.clock, parent=window)
    for other in (planner, report):
        other.setWindowFlag(Qt.WindowType.Window)
        other.show()
        qtbot.waitExposed(other)
    # Before: the window's title ("Expansion planner", "Program report") for each.
    assert accessibility.spoken_name(planner.mean_target) == "Mean response ≤"
    assert accessibility.spoken_name(planner.p90_target) == "90% of responses ≤"
    assert accessibility.spoken_name(report.cost_police) == "Cost per intervention, police"
    for other in (planner, report):
        other.close()


def test_a_wall_started_in_high_contrast_keeps_its_large_headings(
    namer, qtbot, workspace, deployment, clock, server_side
) -> None:
    """The theme's style sheet gave the queue's header the application's small
    font when Qt first polished it (the wall's heading row was 14-pixel text)."""
    from umcr_console.ui.wall import WALL_MIN_PX

    apply_theme(QApplication.instance(), "high-contrast")
    apply_font_scale(QApplication.instance(), 1.5)
    wall = _wall(qtbot, workspace, deployment, clock, server_side)
    header = wall.pending_view.horizontalHeader()
    assert header.font().pixelSize() >= round(WALL_MIN_PX * 1.5)
    assert header.sizeHint().height() >= round(WALL_MIN_PX * 1.5)
    _wall_cuts_nothing(wall)
