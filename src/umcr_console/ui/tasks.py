"""One way to run an async operation from the UI (in the spirit of Anki's ``CollectionOp``).

``Tasks.run(coroutine, what=...)`` starts the coroutine on the console's
loop (qasync), keeps a reference to its task until it ends (asyncio holds
only a weak one: a dropped task can vanish mid-flight), and reports how it
ended:

- success: ``on_success(result)`` if given, then ``succeeded(what)``;
- cancelled (a window closed, a newer request): nothing, quietly;
- failure: logged as the exception's outline only (``logsafe``: type and
  frames, never the message, which may quote a caller), then ``on_failure``
  if given, else ``failed(what, exception)``: the main window turns it into
  a notice. A failure nobody listens to goes to the crash handler
  (``crash.py``: a dialog, or the end of a headless run), never into the void.

Expected failures (offline, refused) stay the coroutine's own business: it
catches them and says so where it shows its result. What reaches ``failed``
is a defect the dispatcher must see.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QMetaMethod, QObject, Signal

log = logging.getLogger(__name__)

T = TypeVar("T")


class Tasks(QObject):
    """The background operations of one window, each kept until it ends."""

    succeeded = Signal(str)  # what
    failed = Signal(str, object)  # what, the exception

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        running: set[asyncio.Task[Any]] = set()
        self._running = running
        # Its window is gone: what it still runs would report to deleted widgets.
        self.destroyed.connect(lambda *_: [task.cancel() for task in list(running)])

    def run(
        self,
        coroutine: Coroutine[Any, Any, T],
        *,
        what: str,
        on_success: Callable[[T], object] | None = None,
        on_failure: Callable[[BaseException], object] | None = None,
    ) -> asyncio.Task[T]:
        """Start ``coroutine`` now; ``what`` names it for the dispatcher and the log:
        a fixed phrase ("The program report"), never personal data."""
        task = asyncio.ensure_future(coroutine)
        self._running.add(task)
        task.add_done_callback(lambda t: self._ended(t, what, on_success, on_failure))
        return task

    @property
    def running(self) -> frozenset[asyncio.Task[Any]]:
        return frozenset(self._running)

    def _ended(
        self,
        task: asyncio.Task[T],
        what: str,
        on_success: Callable[[T], object] | None,
        on_failure: Callable[[BaseException], object] | None,
    ) -> None:
        self._running.discard(task)
        if task.cancelled():
            return
        if not shiboken6.isValid(self):  # ended as its window was deleted: log it, no more
            if (exc := task.exception()) is not None:
                log.warning("%s failed after its window closed", what, exc_info=exc)
            return
        exc = task.exception()
        if exc is None:
            if on_success is not None:
                on_success(task.result())
            self.succeeded.emit(what)
            return
        log.warning("%s failed", what, exc_info=exc)
        if on_failure is not None:
            on_failure(exc)
        elif self.isSignalConnected(QMetaMethod.fromSignal(self.failed)):
            self.failed.emit(what, exc)
        else:
            sys.excepthook(type(exc), exc, exc.__traceback__)
