"""The console's local store: SQLite file (``LocalStore``) and the view on it (``Workspace``).

No Qt here: the UI adapts ``Workspace``'s plain-Python signals. docs/client.md
describes the API.
"""

from .db import LocalStore, StoreDamaged, StoreError, StoreFull, StoreLocked, StoreTooNew
from .recover import Recovery, open_store
from .signals import Signal
from .workspace import (
    ApplyResult,
    Counts,
    PendingItem,
    RejectionNotice,
    StateDiverged,
    Workspace,
)

__all__ = [
    "ApplyResult",
    "Counts",
    "LocalStore",
    "PendingItem",
    "Recovery",
    "RejectionNotice",
    "Signal",
    "StateDiverged",
    "StoreDamaged",
    "StoreError",
    "StoreFull",
    "StoreLocked",
    "StoreTooNew",
    "Workspace",
    "open_store",
]
