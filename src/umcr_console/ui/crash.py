"""One place for unexpected exceptions: log them, tell the user, keep running.

A dispatch console must not vanish because one slot raised. The hook logs the
full traceback to the log file and shows a non-blocking dialog; the event
loop goes on.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("umcr_console.crash")

_open_boxes: list[QMessageBox] = []


def _excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        QApplication.quit()
        return
    log.error("unexpected error", exc_info=(exc_type, exc, tb))
    if QApplication.instance() is None:
        traceback.print_exception(exc_type, exc, tb)
        return
    box = QMessageBox(QMessageBox.Icon.Critical, "Unexpected error", f"{exc_type.__name__}: {exc}")
    box.setInformativeText(
        "The console keeps running and nothing you saved is lost. The details are in the log; "
        "please tell your supervisor what you were doing."
    )
    box.setDetailedText("".join(traceback.format_exception(exc_type, exc, tb)))
    _open_boxes.append(box)
    box.finished.connect(lambda _r, b=box: _open_boxes.remove(b))
    box.open()


def install() -> None:
    sys.excepthook = _excepthook
