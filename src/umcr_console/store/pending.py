"""The pending overlay: the outbox's events judged on the confirmed state, incrementally.

Each pending event (``PendingEntry``) is judged by the shared
``domain.rules.decide`` on the confirmed state and the entries before it, and
records the entity values it read while being judged (``inputs``) and the
values it produced (``outputs``). When a confirmed entity changes or an entry
leaves, only the entries that touch the changed entities are examined, in
order; an entry whose inputs are unchanged is not judged again, and a change
stops spreading at the first entry that writes the same value as before. The
usual case, our own event coming back from the server with the values we
predicted, re-judges nothing, so a view with 10,000 pending events stays
cheap to keep current.

``PendingOverlay`` is the part of ``workspace.Workspace`` that keeps these
indexes; the workspace holds the confirmed state and tells the listeners.
"""

from __future__ import annotations

import heapq
import sys
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ..domain.events import Event
from ..domain.model import Incident, Team
from ..domain.rules import Rejection, decide
from ..domain.state import State
from .describe import INCIDENT, TEAM

Key = tuple[str, str]  # (INCIDENT | TEAM, id)
Entity = Incident | Team
END = sys.maxsize  # a position after every entry: the view
_MISSING: Any = object()
_FORCE: Key = ("", "")  # heap marker: judge this entry again whatever its inputs


def same(a: object, b: object) -> bool:
    return a is b or a == b


class PendingEntry:
    """A pending event and what judging it read and produced."""

    __slots__ = (
        "accepted_seq",
        "conflict",
        "enqueued_at",
        "event",
        "inputs",
        "judged",
        "local_seq",
        "outputs",
        "refs",
    )

    def __init__(
        self,
        local_seq: int,
        event: Event,
        enqueued_at: datetime,
        accepted_seq: int | None,
        actor: str,
    ) -> None:
        self.local_seq = local_seq
        self.event = event
        # Judged as the server will judge it: with its author (our user if it
        # names none) as the actor, so the predicted values (note authors,
        # created_by) match the server's.
        actor = event.author or actor
        self.judged = event.model_copy(update={"actor": actor}) if actor else event
        self.enqueued_at = enqueued_at
        self.accepted_seq = accepted_seq
        self.inputs: dict[Key, Entity | None] = {}
        self.outputs: dict[Key, Entity] = {}
        self.conflict: Rejection | None = None
        self.refs: frozenset[Key] = _refs_of(event)


def _refs_of(event: Event) -> frozenset[Key]:
    kind = TEAM if event.type.startswith("team.") else INCIDENT
    refs = {(kind, event.entity_id)}
    team_id = event.payload.get("team_id")
    if isinstance(team_id, str):
        refs.add((TEAM, team_id))
    return frozenset(refs)


class _Recorder:
    """The state as an entry at ``pos`` sees it; remembers every read."""

    __slots__ = ("pos", "reads", "ws")

    def __init__(self, ws: PendingOverlay, pos: int) -> None:
        self.ws = ws
        self.pos = pos
        self.reads: dict[Key, Entity | None] = {}

    def _get(self, key: Key) -> Any:
        if key in self.reads:
            return self.reads[key]
        value = self.ws._base(key, self.pos)
        self.reads[key] = value
        return value

    def incident(self, incident_id: str) -> Incident | None:
        return self._get((INCIDENT, incident_id))  # type: ignore[no-any-return]

    def team(self, team_id: str) -> Team | None:
        return self._get((TEAM, team_id))  # type: ignore[no-any-return]


def _insert_pos(index: dict[Key, list[int]], key: Key, pos: int) -> None:
    positions = index.get(key)
    if positions is None:
        index[key] = [pos]
    elif positions[-1] < pos:
        positions.append(pos)
    else:
        insort(positions, pos)


def _remove_pos(index: dict[Key, list[int]], key: Key, pos: int) -> None:
    positions = index[key]
    i = bisect_left(positions, pos)
    del positions[i]
    if not positions:
        del index[key]


class PendingOverlay:
    """The pending entries and their indexes; a part of ``Workspace``."""

    # Kept by the workspace: the state the first entry is judged on, and the
    # time the entries are judged at.
    confirmed: State
    _now: datetime

    def _start_pending(self) -> None:
        self._entries: dict[int, PendingEntry] = {}
        self._by_event_id: dict[str, PendingEntry] = {}
        # Per entity key, the positions of the entries that read or write it,
        # and of those that write it, in order.
        self._touchers: dict[Key, list[int]] = {}
        self._writers: dict[Key, list[int]] = {}
        # Per entity id, how many pending entries name it.
        self._refcount: Counter[str] = Counter()
        self._unsent = 0
        self._conflicts = 0
        # Keys whose pending mark may have changed: the listeners hear of them.
        self._marks: set[Key] = set()

    def _base(self, key: Key, pos: int) -> Entity | None:
        """The value of ``key`` as the entry at ``pos`` sees it."""
        writers = self._writers.get(key)
        if writers:
            i = bisect_left(writers, pos)
            if i:
                return self._entries[writers[i - 1]].outputs[key]
        kind, entity_id = key
        if kind == INCIDENT:
            return self.confirmed.incidents.get(entity_id)
        return self.confirmed.teams.get(entity_id)

    def _add_entry(self, entry: PendingEntry) -> None:
        self._entries[entry.local_seq] = entry
        self._by_event_id[entry.event.event_id] = entry
        for key in entry.refs:
            self._refcount[key[1]] += 1
        if entry.accepted_seq is None:
            self._unsent += 1

    def _remove_entry(self, entry: PendingEntry) -> list[tuple[Key, int]]:
        """Take an entry out; the keys whose value changes for the entries after it."""
        pos = entry.local_seq
        del self._entries[pos]
        del self._by_event_id[entry.event.event_id]
        for key in entry.refs:
            self._refcount[key[1]] -= 1
            if not self._refcount[key[1]]:
                del self._refcount[key[1]]
        if entry.accepted_seq is None:
            self._unsent -= 1
        if entry.conflict is not None:
            self._conflicts -= 1
        for key in entry.inputs.keys() | entry.outputs.keys():
            _remove_pos(self._touchers, key, pos)
        for key in entry.outputs:
            _remove_pos(self._writers, key, pos)
        self._marks |= entry.refs
        self._marks |= entry.outputs.keys()
        return [(key, pos) for key in entry.outputs]

    def _judge(self, entry: PendingEntry) -> None:
        """Judge ``entry`` on the state before it and update the indexes."""
        recorder = _Recorder(self, entry.local_seq)
        outcome = decide(recorder, entry.judged, now=self._now, seq=entry.accepted_seq)
        if isinstance(outcome, Rejection):
            outputs: dict[Key, Entity] = {}
            conflict: Rejection | None = outcome
        else:
            outputs = {(INCIDENT, k): v for k, v in outcome.incidents.items()}
            outputs.update({(TEAM, k): v for k, v in outcome.teams.items()})
            conflict = None
        pos = entry.local_seq
        old_touch = entry.inputs.keys() | entry.outputs.keys()
        new_touch = recorder.reads.keys() | outputs.keys()
        for key in old_touch - new_touch:
            _remove_pos(self._touchers, key, pos)
        for key in new_touch - old_touch:
            _insert_pos(self._touchers, key, pos)
        for key in entry.outputs.keys() - outputs.keys():
            _remove_pos(self._writers, key, pos)
        for key in outputs.keys() - entry.outputs.keys():
            _insert_pos(self._writers, key, pos)
        if (entry.conflict is None) != (conflict is None):
            self._conflicts += 1 if conflict is not None else -1
            self._marks |= entry.refs
        entry.inputs = recorder.reads
        entry.outputs = outputs
        entry.conflict = conflict

    def _push_next(self, heap: list[tuple[int, Key]], key: Key, after: int) -> None:
        positions = self._touchers.get(key)
        if positions:
            i = bisect_right(positions, after)
            if i < len(positions):
                heapq.heappush(heap, (positions[i], key))

    def _propagate(self, seeds: Iterable[tuple[Key, int]], force: Iterable[int] = ()) -> set[Key]:
        """Judge again, in order, the entries whose inputs changed; the keys whose outputs changed.

        A seed ``(key, after)`` says: the value of ``key`` changed for the
        entries after position ``after``.
        """
        heap: list[tuple[int, Key]] = []
        for key, after in seeds:
            self._push_next(heap, key, after)
        for pos in force:
            heapq.heappush(heap, (pos, _FORCE))
        changed: set[Key] = set()
        while heap:
            pos, key = heapq.heappop(heap)
            keys = {key}
            while heap and heap[0][0] == pos:
                keys.add(heapq.heappop(heap)[1])
            entry = self._entries.get(pos)
            if entry is None:
                continue
            forced = _FORCE in keys
            keys.discard(_FORCE)
            if not forced and all(
                same(self._base(k, pos), entry.inputs.get(k, _MISSING)) for k in keys
            ):
                # Same inputs, same outputs: the change passes by unless it writes the key.
                for k in keys:
                    if k not in entry.outputs:
                        self._push_next(heap, k, pos)
                continue
            old_outputs = entry.outputs
            self._judge(entry)
            out_keys = old_outputs.keys() | entry.outputs.keys()
            for k in keys - out_keys:
                self._push_next(heap, k, pos)
            for k in out_keys:
                if not same(old_outputs.get(k, _MISSING), entry.outputs.get(k, _MISSING)):
                    changed.add(k)
                    self._push_next(heap, k, pos)
        return changed

    def _rebuild(self) -> None:
        """Judge every entry afresh, in order (at start and after a snapshot)."""
        self._touchers.clear()
        self._writers.clear()
        self._conflicts = 0
        for entry in self._entries.values():
            entry.inputs = {}
            entry.outputs = {}
            entry.conflict = None
            self._judge(entry)
