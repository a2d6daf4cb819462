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
