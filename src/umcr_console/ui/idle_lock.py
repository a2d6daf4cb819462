"""Idle lock: after N minutes without keyboard or mouse input the console hides
every window and asks for the signed-in user's password (issue 10, item 3).

Nothing is lost while locked: the windows are hidden, not closed, so a
half-typed intake form, an open dialog, the queue selection and the focus come
back exactly as they were. The sync engine and the timers keep running; the
lock screen shows counts only ("3 calls waiting", "2 alerts"), never a name,
an address or a narrative. The wall display never locks (read-only, no
personal data): the composition root does not give it one.

Idle time comes from an injected monotonic clock (seconds), so tests move time
by hand and a change of the wall clock neither locks early nor never.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .i18n import tr

log = logging.getLogger(__name__)

# What counts as a person at the console. Paint, timer and network events do not.
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
        QEvent.Type.TabletMove,
        QEvent.Type.InputMethod,
    }
)
# Windows that Qt closes when hidden and that hold nothing to bring back.
_TRANSIENT = frozenset({Qt.WindowType.Popup, Qt.WindowType.ToolTip, Qt.WindowType.SplashScreen})
MAX_TRIES = 5
COOLDOWN_S = 300.0
_SUMMARY_STYLE = "font-size: 14pt; padding: 6px 10px; border-radius: 4px;"


@dataclass(frozen=True)
class LockSummary:
    """What the lock screen may say: counts, never personal data."""

    calls_waiting: int = 0
    alerts: int = 0

    def text(self) -> str:
        calls = (
            tr("1 call waiting")
            if self.calls_waiting == 1
            else tr("{count} calls waiting").format(count=self.calls_waiting)
        )
        if not self.alerts:
            return calls
        alerts = (
            tr("1 alert not acknowledged")
            if self.alerts == 1
            else tr("{count} alerts not acknowledged").format(count=self.alerts)
        )
        return f"{calls} · {alerts}"


class LockScreen(QWidget):
    """The only window shown while locked: user name, password, sign in, quit."""

    unlock_requested = Signal(str)
    quit_requested = Signal()

    def __init__(self, username: str) -> None:
        super().__init__(
            None,
            Qt.WindowType.Window
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint,
        )
        self.setObjectName("LockScreen")
        self.setWindowTitle(tr("UMCR Dispatch — locked"))
        # Application-modal: the hidden windows' application-wide shortcuts
        # (Ctrl+N, F2...) cannot fire behind it.
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self._may_close = False
        self._flash_on = False

        title = QLabel(tr("UMCR Dispatch is locked"), objectName="lock_title")
        title.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.user = QLabel(
            tr("Signed in as {user}").format(user=f"<b>{_escape(username)}</b>"),
            objectName="lock_user",
        )
        self.summary = QLabel(objectName="lock_summary")
        self.summary.setStyleSheet(_SUMMARY_STYLE)
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password, objectName="lock_password")
        self.password.setPlaceholderText(tr("password"))
        self.password.setMinimumWidth(320)
        self.password.returnPressed.connect(self._submit)
        self.message = QLabel(wordWrap=True, objectName="lock_message")
        self.message.setStyleSheet("color: #ff6b6b;")
        self.sign_in = QPushButton(tr("&Sign in"), objectName="lock_sign_in", default=True)
        self.sign_in.clicked.connect(self._submit)
        self.quit = QPushButton(tr("&Quit"), objectName="lock_quit")
        self.quit.clicked.connect(self.quit_requested)
        self.note = QLabel(
            tr(
                "Calls keep syncing while the console is locked. "
                "Your windows and typed forms come back when you sign in."
            ),
            wordWrap=True,
            objectName="lock_note",
        )

        buttons = QHBoxLayout()
        buttons.addWidget(self.sign_in)
        buttons.addWidget(self.quit)
        box = QVBoxLayout()
        box.setSpacing(10)
        for widget in (title, self.user, self.summary, self.password, self.message):
            box.addWidget(widget)
        box.addLayout(buttons)
        box.addWidget(self.note)
        panel = QWidget(objectName="lock_panel")
        panel.setLayout(box)
        panel.setMaximumWidth(520)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(panel)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def reset(self) -> None:
        self.password.clear()
        self.message.clear()
        self.quit.setText(tr("&Quit"))
        self.set_accepting(True)

    def set_accepting(self, accepting: bool) -> None:
        self.password.setEnabled(accepting)
        self.sign_in.setEnabled(accepting)
        if accepting:
            self.password.setFocus()

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.password.clear()
        self.password.setFocus()

    def show_summary(self, summary: LockSummary) -> None:
        self.summary.setText(summary.text())
        # Unacknowledged alerts flash, as the queue rows do behind the lock.
        self._flash_on = bool(summary.alerts) and not self._flash_on
        self.summary.setStyleSheet(
            _SUMMARY_STYLE + ("background: #b62324; color: white;" if self._flash_on else "")
        )

    def _submit(self) -> None:
        if self.password.isEnabled():
            self.unlock_requested.emit(self.password.text())

    def allow_close(self) -> None:
        self._may_close = True

    def closeEvent(self, event) -> None:
        # Alt+F4 must not reveal what is behind: only sign in or quit end the lock.
        if self._may_close:
            event.accept()
        else:
            event.ignore()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            return
        super().keyPressEvent(event)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class IdleLock(QObject):
    """Application-wide idle clock and the lock: hides every window, shows the
    ``LockScreen``, brings every window back on the right password.

    ``verify(password)`` checks the signed-in user's password (the composition
    root checks it against the local Argon2 verifier). ``summary()`` gives the
    counts the lock screen may show. ``unsaved_form()`` says whether a typed
    form would be lost by quitting; ``quit()`` closes the console as its window's
    close does (the outbox is durable and sent at the next start).
    """

    locked_changed = Signal(bool)

    def __init__(
        self,
        *,
        username: str,
        verify: Callable[[str], bool],
        idle_min: float,
        quit: Callable[[], None],
        summary: Callable[[], LockSummary] = LockSummary,
        unsaved_form: Callable[[], bool] = lambda: False,
        clock: Callable[[], float] = time.monotonic,
        max_tries: int = MAX_TRIES,
        cooldown_s: float = COOLDOWN_S,
        check_every_ms: int = 5_000,
    ) -> None:
        if idle_min <= 0:
            raise ValueError("idle_min must be positive")
        app = QApplication.instance()
        if app is None:
            raise RuntimeError("IdleLock needs a QApplication")
        super().__init__(app)
        self.username = username
        self.idle_s = idle_min * 60.0
        self._verify = verify
        self._quit = quit
        self._summary = summary
        self._unsaved_form = unsaved_form
        self._clock = clock
        self.max_tries = max_tries
        self.cooldown_s = cooldown_s
        self._last_input = clock()
        self._locked = False
        self._hidden: list[QWidget] = []
        self._focus: QWidget | None = None
        self._wrong = 0
        self._cooldown_until: float | None = None
        self._last_summary = LockSummary()
        self._quit_confirming = False
        self._disposed = False

        self.screen = LockScreen(username)
        self.screen.unlock_requested.connect(self.try_unlock)
        self.screen.quit_requested.connect(self._quit_requested)
        self.checker = QTimer(self)
        self.checker.setInterval(check_every_ms)
        self.checker.timeout.connect(self.check)
        self.checker.start()
        self.refresher = QTimer(self)
        self.refresher.setInterval(1_000)
        self.refresher.timeout.connect(self.refresh)
        app.installEventFilter(self)

    # ---- state ------------------------------------------------------------------
    @property
    def is_locked(self) -> bool:
        return self._locked

    @property
    def hidden_windows(self) -> list[QWidget]:
        """The windows the lock hid, in the order they come back."""
        return [w for w in self._hidden if shiboken6.isValid(w)]

    def idle_seconds(self) -> float:
        return max(0.0, self._clock() - self._last_input)

    # ---- idle clock ---------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not self._locked:
            if kind in INPUT_EVENTS:
                self._last_input = self._clock()
            return False
        if kind == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
            if not self._is_lock_screen(watched):
                # Something opened a window while locked (a notice dock, the
                # "log in again" form): it waits behind the lock with the rest.
                self._hide(watched)
        elif kind == QEvent.Type.Shortcut and not self._is_lock_screen(watched):
            return True  # no Ctrl+N behind the lock
        return False

    def _is_lock_screen(self, obj: QObject) -> bool:
        while obj is not None:
            if obj is self.screen:
                return True
            obj = obj.parent()
        return False

    def check(self) -> None:
        """Lock if the console has been idle for the configured time."""
        if not self._locked and self.idle_seconds() >= self.idle_s:
            self.lock()

    def touch(self) -> None:
        """Count now as input (after sign-in, or for a test)."""
        self._last_input = self._clock()

    # ---- lock and unlock -------------------------------------------------------------
    def lock(self) -> None:
        if self._locked:
            return
        app = QApplication.instance()
        self._focus = app.focusWidget()
        visible = [
            w
            for w in app.topLevelWidgets()
            if w.isVisible() and w is not self.screen and not self._is_lock_screen(w)
        ]
        # Parents come back before their dialogs, so a window-modal dialog is
        # modal again over its own window.
        visible.sort(key=_window_depth)
        self._hidden = []
        self._locked = True
        for window in visible:
            self._hide(window)
        self._quit_confirming = False
        self.screen.reset()
        self._apply_cooldown()
        self.refresh()
        self.screen.showFullScreen()
        self.screen.raise_()
        self.screen.activateWindow()
        self.refresher.start()
        log.info("console locked after %.0f s without input", self.idle_seconds())
        self.locked_changed.emit(True)

    def _hide(self, window: QWidget) -> None:
        if window.windowType() not in _TRANSIENT and window not in self._hidden:
            self._hidden.append(window)
        window.hide()

    def try_unlock(self, password: str) -> bool:
        """Unlock on the signed-in user's password; a clear error otherwise."""
        if not self._locked:
            return True
        if self._apply_cooldown():
            return False
        if password and self._verify(password):
            self.unlock()
            return True
        self._wrong += 1
        if self._wrong >= self.max_tries:
            self._cooldown_until = self._clock() + self.cooldown_s
            log.warning("idle lock: %d wrong passwords for %s", self._wrong, self.username)
            self._apply_cooldown()
        else:
            left = self.max_tries - self._wrong
            self.screen.show_error(
                (
                    tr("Wrong password for {user}. 1 more try before a {minutes}-minute wait.")
                    if left == 1
                    else tr(
                        "Wrong password for {user}. {left} more tries before a {minutes}-minute wait."
                    )
                ).format(user=self.username, left=left, minutes=f"{self.cooldown_s / 60:.0f}")
            )
        return False

    def _apply_cooldown(self) -> bool:
        """True while too many wrong passwords keep the lock shut."""
        if self._cooldown_until is None:
            return False
        left = self._cooldown_until - self._clock()
        if left <= 0:
            self._cooldown_until = None
            self._wrong = 0
            self.screen.set_accepting(True)
            self.screen.show_error(tr("You can try your password again."))
            return False
        self.screen.set_accepting(False)
        self.screen.message.setText(
            tr(
                "{tries} wrong passwords: the console stays locked. "
                "Try again in {minutes} min. "
                "Calls keep syncing and nothing typed is lost."
            ).format(tries=self.max_tries, minutes=max(1, round(left / 60)))
        )
        return True

    def unlock(self) -> None:
        self._locked = False
        self._wrong = 0
        self._cooldown_until = None
        self.refresher.stop()
        self.screen.allow_close()
        self.screen.hide()
        self.screen._may_close = False
        for window in self.hidden_windows:
            window.show()
        self._hidden = []
        focus, self._focus = self._focus, None
        if focus is not None and shiboken6.isValid(focus) and focus.isVisible():
            focus.window().activateWindow()
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self.touch()
        log.info("console unlocked by %s", self.username)
        self.locked_changed.emit(False)

    def refresh(self) -> None:
        """Once a second while locked: counts, flashing, the cooldown's end."""
        if not self._locked:
            return
        summary = self._summary()
        self.screen.show_summary(summary)
        last = self._last_summary
        if summary.calls_waiting > last.calls_waiting or summary.alerts > last.alerts:
            QApplication.alert(self.screen)  # the taskbar flashes for a new call or alert
        self._last_summary = summary
        if self._cooldown_until is not None:
            self._apply_cooldown()

    def _quit_requested(self) -> None:
        if self._unsaved_form() and not self._quit_confirming:
            # One click must not drop a half-typed call.
            self._quit_confirming = True
            self.screen.quit.setText(tr("&Quit anyway"))
            self.screen.message.setText(
                tr(
                    "A new-call form has unsaved input: quitting loses it. Queued actions "
                    "are kept and sent at the next start. Sign in to keep the form."
                )
            )
            return
        log.info("console quit from the lock screen")
        self.refresher.stop()
        self.checker.stop()
        self.screen.allow_close()
        self.screen.close()
        self._quit()

    def dispose(self) -> None:
        """Stop watching (the console is ending); a second call does nothing."""
        if self._disposed:
            return
        self._disposed = True
        self._locked = False
        self.checker.stop()
        self.refresher.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.screen.allow_close()
        self.screen.close()
        self.screen.deleteLater()
        self.deleteLater()


def lock_main_window(
    window,
    *,
    verify: Callable[[str], bool],
    idle_min: float,
    clock: Callable[[], float] = time.monotonic,
) -> IdleLock:
    """The idle lock of a dispatcher's ``MainWindow``: its user, its counts, its close."""
    from ..domain.enums import IncidentState
    from .intake import IntakeDialog

    def summary() -> LockSummary:
        incidents = window.workspace.view.incidents.values()
        return LockSummary(
            calls_waiting=sum(1 for i in incidents if i.state is IncidentState.PENDING),
            alerts=len(window.alerts.unacknowledged()),
        )

    def unsaved_form() -> bool:
        return any(
            isinstance(w, IntakeDialog) and w.has_input() for w in QApplication.topLevelWidgets()
        )

    lock = IdleLock(
        username=window.username,
        verify=verify,
        idle_min=idle_min,
        quit=window.close,
        summary=summary,
        unsaved_form=unsaved_form,
        clock=clock,
    )
    window.closed.connect(lock.dispose)
    return lock


def _window_depth(window: QWidget) -> int:
    depth = 0
    parent = window.parentWidget()
    while parent is not None:
        depth += 1
        parent = parent.parentWidget()
    return depth
