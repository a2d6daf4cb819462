"""A whole console (store, workspace, sync engine, main window) against a live server."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QSettings

from tests.support.server import DEFAULT_USERS
from umcr_console.config import load_deployment
from umcr_console.domain.model import Team
from umcr_console.store.db import LocalStore
from umcr_console.store.workspace import Workspace
from umcr_console.sync.engine import SyncEngine
from umcr_console.ui.main_window import MainWindow


def utcnow() -> datetime:
    return datetime.now(UTC)


class LiveConsole:
    def __init__(
        self,
        name: str,
        url: str,
        user: str,
        tmp_path,
        qtbot,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.store = LocalStore(tmp_path / f"{name}.sqlite3")
        self.workspace = Workspace(self.store, actor=user, clock=clock or utcnow)
        self.engine = SyncEngine(
            url, self.workspace, username=user, password=DEFAULT_USERS[user][1], keepalive=1.0
        )
        settings = QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
        self.window = MainWindow(
            self.workspace,
            load_deployment(),
            settings=settings,
            username=user,
            clock=clock or utcnow,
        )
        if clock is not None:
            self.window.ticker.stop()  # the test ticks with its own clock
        self.window.attach_sync(self.engine)
        qtbot.addWidget(self.window)
        self.window.show()

    def team(self, call_sign: str) -> Team:
        return next(t for t in self.workspace.view.teams.values() if t.call_sign == call_sign)

    async def close(self) -> None:
        await self.engine.stop()
        self.window.close()
        self.store.close()
