"""Retention: what the console keeps of the past, and for how long.

Incidents closed more than ``KEEP_CLOSED`` ago leave the local state (as they
leave the server's snapshot); personal data of those closed more than
``PURGE_PERSONAL_AFTER`` ago leaves the local file; confirmed events are kept
``KEEP_EVENTS_FOR`` for a restored server. ``Retention`` is the part of
``workspace.Workspace`` that prunes and purges.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from ..domain.enums import IncidentState
from ..domain.model import Incident
from ..domain.privacy import redact_incident
from ..domain.state import State
from .db import EVENT_WINDOW, LocalStore
from .describe import INCIDENT
from .pending import Key

# Incidents closed longer ago leave the local state, as they leave the server's snapshot.
KEEP_CLOSED = timedelta(hours=24)
# Personal data of incidents closed longer ago leaves the local file (issue 10):
# what is still held of them is redacted, and old logged events lose theirs.
PURGE_PERSONAL_AFTER = timedelta(hours=72)
# Confirmed events kept (sealed) for a restored server to take back (issue 19).
KEEP_EVENTS_FOR = EVENT_WINDOW


class Retention:
    """Prune and purge; a part of ``Workspace``."""

    # Kept by the workspace.
    store: LocalStore
    confirmed: State
    purge_personal_after: timedelta
    keep_events_for: timedelta
    _clock: Callable[[], datetime]
    _touchers: dict[Key, list[int]]
    _refcount: Counter[str]

    def _finish(self, keys: set[Key]) -> None:
        raise NotImplementedError  # the workspace brings its view up to date

    def prune_closed(self, older_than: timedelta = KEEP_CLOSED) -> int:
        """Forget confirmed incidents closed more than ``older_than`` ago; how many.

        The server's snapshot leaves them out too, so the local state stays
        the size of a shift, not of the program's history. Incidents that a
        pending event touches stay. Called when the workspace opens; the app
        calls it again hourly. Then purges personal data past keeping
        (``purge_personal``).
        """
        cutoff = self._clock() - older_than
        old = [
            incident.id
            for incident in self._closed_before(cutoff)
            # An open follow-up or handoff keeps it (the server's snapshot does too).
            if not incident.has_open_work
        ]
        keep_after = self._clock() - self.keep_events_for
        if old:
            self.store.forget_incidents(old, keep_events_after=keep_after)
            for incident_id in old:
                del self.confirmed.incidents[incident_id]
            self._finish({(INCIDENT, incident_id) for incident_id in old})
        self.store.prune_log(keep_after)
        self.purge_personal()
        return len(old)

    def purge_personal(self) -> int:
        """Remove from the local file the personal data of incidents closed past the window.

        Held incidents closed more than ``purge_personal_after`` ago (those
        with an open follow-up or handoff, which ``prune_closed`` keeps) are
        redacted as for the wall (``domain/privacy.py``): the window is the
        policy, so a follow-up still open past it shows no caller here (the
        server keeps everything; docs/security.md section 4). Older logged
        events and acknowledged rejections lose theirs too (``LocalStore.
        purge_personal``). Pending events are not touched: they have not
        reached the server. Returns how many rows changed.
        """
        cutoff = self._clock() - self.purge_personal_after
        redacted = []
        for incident in self._closed_before(cutoff):
            clean = redact_incident(incident)
            if clean != incident:
                redacted.append(clean)
        changed = self.store.purge_personal(redacted, cutoff=cutoff)
        if redacted:
            for incident in redacted:
                self.confirmed.incidents[incident.id] = incident
            self._finish({(INCIDENT, incident.id) for incident in redacted})
        return changed

    def _closed_before(self, cutoff: datetime) -> list[Incident]:
        """Confirmed incidents closed before ``cutoff`` that no pending event touches."""
        return [
            incident
            for incident in self.confirmed.incidents.values()
            if incident.state == IncidentState.CLOSED
            and incident.times.closed_at is not None
            and incident.times.closed_at < cutoff
            and (INCIDENT, incident.id) not in self._touchers
            and not self._refcount[incident.id]
        ]
