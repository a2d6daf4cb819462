"""Showing data as typed: never as markup.

Qt reads any label or tooltip text that looks like HTML as HTML
(``Qt::mightBeRichText``): a note "<b>call back</b>" turns bold, and help
text "D <incident> <team>" loses its arguments (issue 18 item 5). Text from
data (notes, addresses, names, server messages, imported files) goes
through these helpers; rich text built on purpose escapes every value
it interpolates (``html.escape``).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt  # mightBeRichText lives in QtGui
from PySide6.QtWidgets import QLabel

from ..domain.marks import QT_TR_NOOP
from .i18n import tr

# How a call with no division is shown, in every place (queue, form, map).
NO_DIVISION = QT_TR_NOOP("? not placed")
# What each kind of event did, as the messages and the timeline say it (translated there).
EVENT_WORDS = (
    QT_TR_NOOP("incident created"),
    QT_TR_NOOP("incident updated"),
    QT_TR_NOOP("incident note added"),
    QT_TR_NOOP("incident team assigned"),
    QT_TR_NOOP("incident team released"),
    QT_TR_NOOP("incident redirected"),
    QT_TR_NOOP("incident closed"),
    QT_TR_NOOP("incident reopened"),
    QT_TR_NOOP("team status changed"),
    QT_TR_NOOP("team checked in"),
    QT_TR_NOOP("team created"),
    QT_TR_NOOP("team alert escalated"),
    QT_TR_NOOP("team alert acknowledged"),
    QT_TR_NOOP("incident follow up scheduled"),
    QT_TR_NOOP("incident follow up done"),
    QT_TR_NOOP("incident handoff requested"),
    QT_TR_NOOP("incident handoff accepted"),
    QT_TR_NOOP("incident scheduled"),
    QT_TR_NOOP("incident caution added"),
    QT_TR_NOOP("team help requested"),
    QT_TR_NOOP("team help acknowledged"),
    QT_TR_NOOP("alert acknowledged"),
    QT_TR_NOOP("alert escalated"),
    QT_TR_NOOP("caution added"),
    QT_TR_NOOP("checked in"),
    QT_TR_NOOP("closed"),
    QT_TR_NOOP("created"),
    QT_TR_NOOP("follow up done"),
    QT_TR_NOOP("follow up scheduled"),
    QT_TR_NOOP("handoff accepted"),
    QT_TR_NOOP("handoff requested"),
    QT_TR_NOOP("help acknowledged"),
    QT_TR_NOOP("help requested"),
    QT_TR_NOOP("note added"),
    QT_TR_NOOP("redirected"),
    QT_TR_NOOP("reopened"),
    QT_TR_NOOP("scheduled"),
    QT_TR_NOOP("status changed"),
    QT_TR_NOOP("team assigned"),
    QT_TR_NOOP("team released"),
    QT_TR_NOOP("updated"),
    # team statuses as events carry them
    QT_TR_NOOP("available"),
    QT_TR_NOOP("dispatched"),
    QT_TR_NOOP("en route"),
    QT_TR_NOOP("on scene"),
    QT_TR_NOOP("transporting"),
    QT_TR_NOOP("follow up"),
    QT_TR_NOOP("out of service"),
    QT_TR_NOOP("off duty"),
)


def plain(label: QLabel) -> QLabel:
    """Make ``label`` show its text as typed, whatever it contains."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def tooltip(text: str | None) -> str | None:
    """A tooltip that shows ``text`` as typed (tooltips have no text format)."""
    # Wrapped whenever a "<" is in it, whether or not this Qt would take it
    # for HTML (its guess looks at the first line only).
    if not text or ("<" not in text and not GuiQt.mightBeRichText(text)):
        return text
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


def division_label(division: str | None) -> str:
    """The one way a division (or its absence) is shown."""
    return division or tr(NO_DIVISION)
