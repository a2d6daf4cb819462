"""The crash handler and bad CA settings (issue 20): a run nobody watches never
waits on a dialog, and a CA setting that cannot work is one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest

from tests.test_app import run_console

# Well below the 30 s a self-test step may wait: a bad setting must fail at start.
FAST_S = 60.0


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("umcr-console: error:")]


def test_self_test_with_ssl_cert_file_missing_fails_fast_in_one_line(tmp_path) -> None:
    missing = tmp_path / "no-such-ca.pem"
    started = time.monotonic()
    result = run_console(
        ["--self-test"], tmp_path, "unused", timeout=FAST_S, env={"SSL_CERT_FILE": str(missing)}
    )
    assert result.returncode == 2, result.stderr
    assert time.monotonic() - started < FAST_S
    assert _error_lines(result.stderr) == [
        f"umcr-console: error: $SSL_CERT_FILE is {missing}, which does not exist: "
        "correct it or remove it to use the system's certificates"
    ]
    assert "Traceback" not in result.stderr


def test_missing_ca_bundle_option_is_one_line(tmp_path) -> None:
    missing = tmp_path / "ca.pem"
    result = run_console(
        ["--self-test", "--ca-bundle", str(missing)], tmp_path, "unused", timeout=FAST_S
    )
    assert result.returncode == 2, result.stderr
    assert _error_lines(result.stderr) == [
        f"umcr-console: error: --ca-bundle: the CA bundle {missing} does not exist"
    ]
    assert "Traceback" not in result.stderr


def test_ca_bundle_that_is_not_pem_is_one_line(tmp_path) -> None:
    junk = tmp_path / "ca.pem"
    junk.write_text("not a certificate\n")
    result = run_console(
        ["--self-test", "--ca-bundle", str(junk)], tmp_path, "unused", timeout=FAST_S
    )
    assert result.returncode == 2, result.stderr
    [line] = _error_lines(result.stderr)
    assert f"the CA bundle {junk} is not a PEM certificate file" in line


def test_a_good_ca_bundle_is_accepted(tmp_path) -> None:
    import certifi

    from umcr_console.app import tls_verify

    assert tls_verify(certifi.where()) is not True  # an SSLContext with that bundle


# A slot that raises in a headless process: before issue 20 the hook opened a
# dialog and the process waited for a click forever.
_SLOT_RAISES = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from umcr_console.ui import crash

    app = QApplication([])
    crash.install()

    def boom():
        raise RuntimeError("boom in a slot")

    QTimer.singleShot(0, boom)
    sys.exit(app.exec())
    """
)


def _crash_headless(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in a fresh interpreter outside CI; it must exit with the crash status."""
    from umcr_console.ui.crash import EXIT_CRASH

    environment = {**os.environ, **env}
    environment.pop("CI", None)
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        capture_output=True,
        text=True,
        timeout=FAST_S,
        check=False,
    )
    assert result.returncode == EXIT_CRASH, result.stderr
    return result


@pytest.mark.parametrize(
    "env",
    [{"QT_QPA_PLATFORM": "offscreen"}, {"QT_QPA_PLATFORM": "minimal"}],
    ids=["offscreen", "minimal"],
)
def test_headless_crash_exits_non_zero_without_a_dialog(env) -> None:
    result = _crash_headless(_SLOT_RAISES, env)
    assert _error_lines(result.stderr) == ["umcr-console: error: RuntimeError: boom in a slot"]
    assert "Traceback" in result.stderr  # the details, for whoever reads the CI log


def test_interactive_crash_shows_a_dialog_and_keeps_running(qtbot, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from umcr_console.ui import crash

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    # A clean slate: an earlier test in this process may have left a status or a box.
    monkeypatch.setattr(crash, "exit_status", None)
    monkeypatch.setattr(crash, "_open_boxes", [])
    crash.install(headless=False)
    try:
        raise ValueError("a slot failed")
    except ValueError:
        sys.excepthook(*sys.exc_info())
    [box] = crash._open_boxes
    assert isinstance(box, QMessageBox)
    assert box.isVisible()
    assert "ValueError: a slot failed" in box.text()
    assert crash.exit_status is None  # the console goes on
    box.done(0)
    assert crash._open_boxes == []


# The same for the asyncio loop: a callback that raises on the console's qasync
# loop reaches the hook through the loop's exception handler.
_CALLBACK_RAISES = textwrap.dedent(
    """
    import asyncio, sys
    import qasync
    from PySide6.QtWidgets import QApplication
    from umcr_console.ui import crash

    app = QApplication([])
    crash.install()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    crash.install_loop(loop)

    def boom():
        raise RuntimeError("boom in a loop callback")

    loop.call_soon(boom)
    sys.exit(app.exec())
    """
)


def test_headless_loop_error_exits_non_zero_without_a_dialog() -> None:
    result = _crash_headless(_CALLBACK_RAISES, {"QT_QPA_PLATFORM": "offscreen"})
    assert _error_lines(result.stderr) == [
        "umcr-console: error: RuntimeError: boom in a loop callback"
    ]


def test_loop_handler_shows_a_task_error_like_a_slot_error(qtbot, monkeypatch, caplog) -> None:
    import asyncio

    from umcr_console.ui import crash

    monkeypatch.setattr(crash, "exit_status", None)
    monkeypatch.setattr(crash, "_open_boxes", [])
    monkeypatch.setattr(crash, "_headless", False)
    loop = asyncio.new_event_loop()
    try:
        crash.install_loop(loop)
        assert loop.get_exception_handler() is crash._loop_exception
        try:
            raise KeyError("a task failed")
        except KeyError as exc:
            loop.call_exception_handler(
                {"message": "Task exception was never retrieved", "exception": exc}
            )
        [box] = crash._open_boxes
        assert box.isVisible()
        assert "KeyError" in box.text()
        box.done(0)
        # Without an exception (a task destroyed while pending): a line in the log only.
        with caplog.at_level("ERROR", logger="umcr_console.crash"):
            loop.call_exception_handler({"message": "Task was destroyed but it is pending!"})
        assert crash._open_boxes == []
        assert "asyncio: Task was destroyed but it is pending!" in caplog.text
        assert crash.exit_status is None
    finally:
        loop.close()


def test_headless_is_detected(monkeypatch) -> None:
    from umcr_console.ui.crash import is_headless

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert not is_headless()
    assert is_headless(self_test=True)
    monkeypatch.setenv("CI", "true")
    assert is_headless()
    monkeypatch.delenv("CI")
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen:fontengine=freetype")
    assert is_headless()


# The frozen entry point with a console that fails to start (as when a module
# is missing from the bundle): PyInstaller's windowed bootloader would show the
# error in a dialog, so the entry must end the run itself.
_ENTRY_WITH_BROKEN_MAIN = textwrap.dedent(
    """
    import runpy, sys
    import umcr_console.app

    def broken_main():
        raise ImportError("No module named 'missing_from_the_bundle'")

    umcr_console.app.main = broken_main
    sys.argv = ["umcr-console", *sys.argv[1:]]
    runpy.run_path({entry!r}, run_name="__main__")
    """
)


def test_frozen_entry_ends_a_self_test_that_cannot_start(tmp_path) -> None:
    from pathlib import Path

    entry = Path(__file__).resolve().parents[1] / "packaging" / "umcr_console_entry.py"
    environment = {k: v for k, v in os.environ.items() if k not in ("CI", "QT_QPA_PLATFORM")}
    result = subprocess.run(
        [sys.executable, "-c", _ENTRY_WITH_BROKEN_MAIN.format(entry=str(entry)), "--self-test"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=FAST_S,
        check=False,
    )
    assert result.returncode == 70, result.stderr
    assert _error_lines(result.stderr) == [
        "umcr-console: error: ImportError: No module named 'missing_from_the_bundle'"
    ]
