"""One place for unexpected exceptions: log them, tell the user, keep running.

A dispatch console must not vanish because one slot raised. The hook logs the
exception (the log's formatter keeps its outline only: ``logsafe``) and shows
a non-blocking dialog; the event loop goes on. The same hook serves Qt's slots
(``sys.excepthook``) and the asyncio loop (``install_loop``: a callback that
raised, a task whose exception nobody took); the UI's own background work
reports its failures as notices first (``ui/tasks.py``).

Unless nobody is there to read it: a self-test, a headless (offscreen) run or
a CI job must never wait on a dialog (issue 20: a self-test hung 14 minutes on
one). There the hook writes the error to stderr and ends the run with
``EXIT_CRASH``; a watchdog ends the process if the orderly shutdown stalls.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import traceback
from types import TracebackType
from typing import Any

from PySide6.QtWidgets import QApplication, QMessageBox

from .i18n import tr

log = logging.getLogger("umcr_console.crash")

_open_boxes: list[QMessageBox] = []

EXIT_CRASH = 70  # EX_SOFTWARE: an internal error ended a headless run
# How long a headless run may take to shut down after a crash before the
# process is ended outright.
SHUTDOWN_GRACE_S = 15.0
HEADLESS_PLATFORMS = ("offscreen", "minimal")

_headless = False
exit_status: int | None = None  # EXIT_CRASH once a headless run crashed


def is_headless(self_test: bool = False) -> bool:
    """No one to click a dialog away: a self-test, an offscreen/minimal Qt platform, CI."""
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0]
    return self_test or platform in HEADLESS_PLATFORMS or bool(os.environ.get("CI"))


def _end_headless_run() -> None:
    global exit_status
    exit_status = EXIT_CRASH
    sys.stderr.flush()
    # Orderly first: the event loop returns, the console's main() returns
    # EXIT_CRASH. If that stalls, the watchdog ends the process anyway.
    watchdog = threading.Timer(SHUTDOWN_GRACE_S, os._exit, args=(EXIT_CRASH,))
    watchdog.daemon = True
    watchdog.start()
    QApplication.exit(EXIT_CRASH)


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
    if _headless:
        traceback.print_exception(exc_type, exc, tb)
        print(f"umcr-console: error: {exc_type.__name__}: {exc}", file=sys.stderr)
        _end_headless_run()
        return
    box = QMessageBox(
        QMessageBox.Icon.Critical, tr("Unexpected error"), f"{exc_type.__name__}: {exc}"
    )
    box.setInformativeText(
        tr(
            "The console keeps running and nothing you saved is lost. The details are in the log; "
            "please tell your supervisor what you were doing."
        )
    )
    box.setDetailedText("".join(traceback.format_exception(exc_type, exc, tb)))
    _open_boxes.append(box)
    box.finished.connect(lambda _r, b=box: _open_boxes.remove(b))
    box.open()


def install(headless: bool | None = None) -> None:
    """Make the hook the process's ``sys.excepthook``; ``headless`` defaults to
    ``is_headless()`` (no dialog, exit non-zero)."""
    global _headless
    _headless = is_headless() if headless is None else headless
    sys.excepthook = _excepthook


def _loop_exception(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """The asyncio loop's handler: an exception goes to the same hook as a slot's."""
    exc = context.get("exception")
    if isinstance(exc, BaseException):
        _excepthook(type(exc), exc, exc.__traceback__)
        return
    # No exception ("Task was destroyed but it is pending!"): asyncio's own words,
    # never a value of ours; a note in the log, nothing for the dispatcher.
    log.error("asyncio: %s", context.get("message", "unknown error"))


def install_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Route ``loop``'s unhandled errors to the hook (call after ``install``)."""
    loop.set_exception_handler(_loop_exception)
