"""The one bridge from plain-Python change notices to Qt signals.

The store and the sync engine know nothing of Qt; they emit through
``store.signals.Signal``. Everything runs on the Qt thread (qasync), so the
bridge re-emits directly; widgets connect to these Qt signals only.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..store.workspace import Workspace


class WorkspaceBridge(QObject):
    incidents_changed = Signal(object)  # frozenset[str]
    teams_changed = Signal(object)  # frozenset[str]
    rejection_added = Signal(object)  # RejectionNotice
    counts_changed = Signal(object)  # Counts
    reloaded = Signal(int)

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        workspace.incidents_changed.connect(self.incidents_changed.emit)
        workspace.teams_changed.connect(self.teams_changed.emit)
        workspace.rejection_added.connect(self.rejection_added.emit)
        workspace.counts_changed.connect(self.counts_changed.emit)
        workspace.reloaded.connect(self.reloaded.emit)
