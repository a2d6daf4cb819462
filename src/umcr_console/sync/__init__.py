"""The sync engine: keeps a ``store.Workspace`` in step with the central server.

No Qt here: the UI connects to ``SyncEngine``'s plain-Python signals.
docs/client.md describes the API.
"""

from .backoff import Backoff
from .engine import LinkState, StreamDead, SyncEngine, SyncStatus
from .requests import LinkError, NotSignedIn
from .sse import SSEMessage, SSEParser

__all__ = [
    "Backoff",
    "LinkError",
    "LinkState",
    "NotSignedIn",
    "SSEMessage",
    "SSEParser",
    "StreamDead",
    "SyncEngine",
    "SyncStatus",
]
