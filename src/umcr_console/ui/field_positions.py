"""Field teams' reported positions on the console's map (issue 24, docs/field.md).

Every ``EVERY_S`` seconds the console asks the server where the field teams
last reported themselves (``GET /api/v1/field/positions``, dispatch roles
only) and hands them to the map, which draws a team on a call there, with the
report's age beside its call sign. A role the server refuses (the wall, a
field user) or a failed request leaves the map as it was: positions are a
help, never a reason for an error on the floor.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QObject, QTimer

from ..protocol import Positions
from .i18n import tr
from .map_widget import DivisionMapWidget
from .tasks import Tasks

log = logging.getLogger(__name__)

EVERY_S = 30


class PositionFeed(QObject):
    def __init__(
        self,
        fetch: Callable[[], Awaitable[Positions]],
        map_widget: DivisionMapWidget,
        parent: QObject | None = None,
        *,
        every_s: float = EVERY_S,
    ) -> None:
        super().__init__(parent)
        self.fetch = fetch
        self.map = map_widget
        self.timer = QTimer(self)
        self.timer.setInterval(int(every_s * 1000))
        self.timer.timeout.connect(self.poll)
        self.tasks = Tasks(self)

    def start(self) -> None:
        self.timer.start()
        self.poll()

    def poll(self) -> None:
        if self.tasks.running:
            return
        update = self.update()
        try:
            self.tasks.run(update, what=tr("Reading the field teams' positions"))
        except RuntimeError:  # no event loop (tests without qasync)
            update.close()

    async def update(self) -> None:
        try:
            positions = await self.fetch()
        except Exception as exc:
            log.debug("team positions not read: %s", type(exc).__name__)
            return
        self.map.set_reported_positions(positions.positions)
