"""The one bridge from the core's plain-Python change notices to Qt signals.

The store and the sync engine know nothing of Qt; they emit through
``store.signals.Signal``. Everything runs on the Qt thread (qasync), so the
bridge re-emits directly; widgets connect to these Qt signals only, never to
the workspace's or the engine's own signals.

- the workspace side, from the start: what changed in the view, rejections,
  the outbox counts, a reload;
- the sync side, once the engine exists (``attach_sync``): the link's status,
  the engine's notices for the dispatcher, the server asking for the password.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..store.workspace import Workspace
from ..sync.engine import SyncEngine


class WorkspaceBridge(QObject):
    incidents_changed = Signal(object)  # frozenset[str]
    teams_changed = Signal(object)  # frozenset[str]
    rejection_added = Signal(object)  # RejectionNotice
    counts_changed = Signal(object)  # Counts
    reloaded = Signal(int)
    # The sync side (attach_sync).
    sync_status_changed = Signal(object)  # SyncStatus
    sync_notice = Signal(str)
    login_required = Signal(str)  # why the server asks again

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.engine: SyncEngine | None = None
        workspace.incidents_changed.connect(self.incidents_changed.emit)
        workspace.teams_changed.connect(self.teams_changed.emit)
        workspace.rejection_added.connect(self.rejection_added.emit)
        workspace.counts_changed.connect(self.counts_changed.emit)
        workspace.reloaded.connect(self.reloaded.emit)

    def attach_sync(self, engine: SyncEngine) -> None:
        """Bridge ``engine``'s signals too, then emit its status as it is now
        (a window shows the link state without waiting for the next change)."""
        if self.engine is not None:
            raise RuntimeError("the bridge already carries a sync engine")
        self.engine = engine
        engine.status_changed.connect(self.sync_status_changed.emit)
        engine.notice.connect(self.sync_notice.emit)
        engine.login_required.connect(self.login_required.emit)
        self.sync_status_changed.emit(engine.status)
