"""ui/tasks.py: every background operation of the UI is kept until it ends, and
how it ended reaches the dispatcher: a result, a notice, or the crash handler."""

from __future__ import annotations

import asyncio
import gc
import io
import logging
import sys

import pytest
from PySide6.QtCore import QObject

from umcr_console.logsafe import OutlineFormatter
from umcr_console.ui.tasks import Tasks

# Personal data in an exception's message: shown to the dispatcher, never logged.
CALLER = "Marge Example, 742 Evergreen Terrace"


def _recorder(signal) -> list:
    seen: list = []
    signal.connect(lambda *args: seen.append(args))
    return seen


async def _answer(gate: asyncio.Event) -> int:
    await gate.wait()
    return 42


async def _fail() -> None:
    await asyncio.sleep(0)
    raise LookupError(CALLER)


@pytest.mark.slow
def test_success_reaches_the_callback_and_the_task_is_kept_until_then(qtbot, run) -> None:
    tasks = Tasks()
    results: list[int] = []
    succeeded = _recorder(tasks.succeeded)

    async def scenario() -> None:
        gate = asyncio.Event()
        tasks.run(_answer(gate), what="The answer", on_success=results.append)  # not kept here
        gc.collect()  # asyncio holds tasks weakly: the runner's reference is what keeps it
        assert len(tasks.running) == 1
        gate.set()
        while tasks.running:
            await asyncio.sleep(0.01)

    run(scenario())
    assert results == [42]
    assert succeeded == [("The answer",)]


def test_a_failure_is_reported_with_what_failed_and_logged_without_its_message(qtbot, run) -> None:
    tasks = Tasks()
    failed = _recorder(tasks.failed)
    text = io.StringIO()
    handler = logging.StreamHandler(text)
    handler.setFormatter(OutlineFormatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("umcr_console.ui.tasks")
    logger.addHandler(handler)
    try:
        task = tasks.run(_fail(), what="The incident's history")
        run(asyncio.wait([task]))
    finally:
        logger.removeHandler(handler)
    [(what, exc)] = failed
    assert what == "The incident's history"
    assert isinstance(exc, LookupError) and str(exc) == CALLER  # the whole error, for the screen
    logged = text.getvalue()
    assert "The incident's history failed" in logged
    assert "builtins.LookupError (message left out)" in logged
    assert "Marge" not in logged and "Evergreen" not in logged
    assert not tasks.running


def test_on_failure_takes_the_failure_instead_of_the_signal(qtbot, run) -> None:
    tasks = Tasks()
    failed = _recorder(tasks.failed)
    taken: list[BaseException] = []
    task = tasks.run(_fail(), what="Export", on_failure=taken.append)
    run(asyncio.wait([task]))
    assert [type(e) for e in taken] == [LookupError]
    assert failed == []


def test_a_failure_nobody_listens_to_goes_to_the_crash_handler(qtbot, run, monkeypatch) -> None:
    hooked: list[tuple] = []
    monkeypatch.setattr(sys, "excepthook", lambda *info: hooked.append(info))
    tasks = Tasks()
    task = tasks.run(_fail(), what="Unheard")
    run(asyncio.wait([task]))
    [(kind, exc, _tb)] = hooked
    assert kind is LookupError and str(exc) == CALLER


def test_a_cancelled_task_is_neither_success_nor_failure(qtbot, run, monkeypatch) -> None:
    hooked: list[tuple] = []
    monkeypatch.setattr(sys, "excepthook", lambda *info: hooked.append(info))
    tasks = Tasks()
    succeeded = _recorder(tasks.succeeded)

    async def scenario() -> None:
        task = tasks.run(_answer(asyncio.Event()), what="Never answered")
        await asyncio.sleep(0)
        task.cancel()
        await asyncio.wait([task])

    run(scenario())
    assert succeeded == [] and hooked == [] and not tasks.running


def test_tasks_of_a_deleted_window_are_cancelled(qtbot, run) -> None:
    owner = QObject()
    tasks = Tasks(owner)

    async def scenario() -> asyncio.Task[int]:
        task = tasks.run(_answer(asyncio.Event()), what="Orphan")
        await asyncio.sleep(0)
        owner.deleteLater()
        while not task.done():
            await asyncio.sleep(0.01)
        return task

    task = run(scenario())
    assert task.cancelled()


def test_a_failed_window_task_is_a_notice(qtbot, run, window) -> None:
    task = window.tasks.run(_fail(), what="The incident's history from the server")
    run(asyncio.wait([task]))
    [notice] = window.notices.notices()
    assert notice.kind == "alert"
    assert notice.text == f"The incident's history from the server failed: {CALLER}"
    assert window.notices_dock.isVisible()
