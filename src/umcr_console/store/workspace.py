"""What a console shows: the server's state up to the cursor, plus its own pending events.

``Workspace`` is the one object the UI reads and writes through (docs/client.md
documents its API). It keeps

- ``confirmed``: the server's state after event ``cursor`` (in memory and in
  the store);
- the pending entries: the outbox, in the order the dispatcher made them,
  each judged by the shared ``domain.rules.decide`` on top of the confirmed
  state and the entries before it;
- ``view``: the result, a ``domain.state.State`` the UI renders.

A pending event that the local rules no longer accept stays in the outbox
and is still sent (the server is the judge), but it changes nothing in the
view and is marked with its local ``conflict``. When the server rejects an
event it leaves the outbox for the rejection list, the entries after it are
judged again, and ``rejection_added`` carries a notice saying what, why and on
which incident or team.

The pending entries are judged again incrementally: store/pending.py. What
the console keeps of the past, and for how long: store/retention.py.

Nothing is applied twice or lost: an event stays in the outbox (and in the
pending entries) until the confirmed state holds it; the transaction that
adds it to the confirmed state removes it from the outbox.

Not thread-safe: use it from the thread of the event loop that runs the sync
engine (the Qt thread under qasync).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel

from ..domain.enums import EventType, RejectCode
from ..domain.events import PAYLOAD_MODELS, Event, make_event
from ..domain.ids import uuid7
from ..domain.model import Incident, Team
from ..domain.privacy import PERSONAL_PAYLOAD_KEYS, redact_incident, redact_team
from ..domain.rules import Changes, Rejection, decide, first_rejection
from ..domain.state import State
from ..protocol import EventResult, ResultStatus, Snapshot
from .authorship import AuthorKey
from .db import LocalStore, NewRejection, StoredRejection
from .describe import INCIDENT, TEAM, rejection_summary, subject_of
from .pending import END, Key, PendingEntry, PendingOverlay, same
from .retention import KEEP_CLOSED, KEEP_EVENTS_FOR, PURGE_PERSONAL_AFTER, Retention
from .signals import Signal

log = logging.getLogger(__name__)

REDACTED = "(redacted)"
WORKSTATION_ID = "workstation_id"


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class PendingItem:
    """One event of the outbox, as the UI may list it."""

    local_seq: int
    event: Event
    enqueued_at: datetime
    # The seq the server gave it; it leaves when the stream brings it back.
    accepted_seq: int | None
    # Why the local rules no longer accept it on the current view; it is
    # still sent, and the server decides.
    conflict: Rejection | None


@dataclass(frozen=True)
class RejectionNotice:
    """An event the server refused: what, why, and on which incident or team."""

    id: int
    event: Event
    code: str
    detail: str
    summary: str  # one sentence for the dispatcher, with what to do
    kind: str  # "incident" or "team"
    entity_id: str
    incident_id: str | None
    team_id: str | None
    rejected_at: datetime

    @classmethod
    def from_stored(cls, row: StoredRejection) -> RejectionNotice:
        team_id = row.event.payload.get("team_id")
        return cls(
            id=row.id,
            event=row.event,
            code=row.code,
            detail=row.detail,
            summary=row.summary,
            kind=row.entity_kind,
            entity_id=row.entity_id,
            incident_id=row.entity_id if row.entity_kind == INCIDENT else None,
            team_id=team_id
            if isinstance(team_id, str)
            else (row.entity_id if row.entity_kind == TEAM else None),
            rejected_at=row.rejected_at,
        )


@dataclass(frozen=True)
class Counts:
    pending: int  # events in the outbox, sent or not
    unsent: int  # of those, not yet accepted by the server
    rejected: int  # rejection notices not yet acknowledged
    conflicts: int  # pending events the local rules no longer accept


@dataclass(frozen=True)
class ApplyResult:
    applied: int
    # Set when a seq was missing: the cursor after which to page (GET /events?after=).
    gap_after: int | None = None


class StateDiverged(Exception):
    """A server event does not apply to the confirmed state: reload the snapshot."""

    def __init__(self, event: Event, rejection: Rejection) -> None:
        super().__init__(
            f"server event {event.seq} ({event.type}) does not apply locally: "
            f"{rejection.code}: {rejection.detail}"
        )
        self.event = event
        self.rejection = rejection


class _Overlay:
    """Confirmed state plus the changes of the server events applied so far in a batch."""

    def __init__(self, base: State) -> None:
        self.base = base
        self.incidents: dict[str, Incident] = {}
        self.teams: dict[str, Team] = {}

    def incident(self, incident_id: str) -> Incident | None:
        found = self.incidents.get(incident_id)
        return found if found is not None else self.base.incident(incident_id)

    def team(self, team_id: str) -> Team | None:
        found = self.teams.get(team_id)
        return found if found is not None else self.base.team(team_id)

    def commit(self, changes: Changes) -> None:
        self.incidents.update(changes.incidents)
        self.teams.update(changes.teams)


# A required personal field that is not free text needs a valid placeholder.
_PLACEHOLDERS = {"category": "other"}


def _fill_redacted(event: Event) -> Event:
    """A server event as the rules can apply it, for users who get redacted events.

    The wall role receives events without personal fields; a required one
    (a note's text, a redirect's reason) gets a placeholder so the rules can
    still move the state forward. So does the safety screen's reason, which
    the rules require whenever a safety flag is set.
    """
    try:
        model = PAYLOAD_MODELS[EventType(event.type)]
    except ValueError:
        return event
    safety = event.payload.get("safety")
    flagged = isinstance(safety, dict) and any(safety.values())
    missing = {
        name: _PLACEHOLDERS.get(name, REDACTED)
        for name, info in model.model_fields.items()
        if name in PERSONAL_PAYLOAD_KEYS
        and name not in event.payload
        and (info.is_required() or (flagged and name == "screen_override_reason"))
    }
    if not missing:
        return event
    return event.model_copy(update={"payload": {**event.payload, **missing}})


class Workspace(PendingOverlay, Retention):
    """The console's state: confirmed + pending, with change notifications.

    Signals (plain Python, see ``signals.Signal``):

    - ``incidents_changed(frozenset[str])``: ids whose value or pending mark changed
    - ``teams_changed(frozenset[str])``: same for teams
    - ``rejection_added(RejectionNotice)``: the server refused one of our events
    - ``counts_changed(Counts)``: pending / unsent / rejected / conflict counts
    - ``submitted(Event)``: a new event is in the outbox (the sync engine pushes)
    - ``reloaded(int)``: the confirmed state was replaced by a snapshot at this seq
    """

    def __init__(
        self,
        store: LocalStore,
        *,
        actor: str = "",
        workstation_id: str | None = None,
        clock: Callable[[], datetime] = utcnow,
        purge_personal_after: timedelta = PURGE_PERSONAL_AFTER,
        keep_events_for: timedelta = KEEP_EVENTS_FOR,
    ) -> None:
        self.store = store
        self._clock = clock
        self.purge_personal_after = purge_personal_after
        # The recovery window: confirmed events kept for a restored server.
        self.keep_events_for = keep_events_for
        self._actor = actor
        # Set for a user the server sends redacted data (the wall): the confirmed
        # state is redacted the same way, so it equals the server's snapshots.
        self.redact = False
        stored_ws = store.get_meta(WORKSTATION_ID)
        self.workstation_id = workstation_id or stored_ws or f"ws-{uuid7()}"
        if self.workstation_id != stored_ws:
            store.set_meta({WORKSTATION_ID: self.workstation_id})

        self.incidents_changed: Signal[frozenset[str]] = Signal("incidents_changed")
        self.teams_changed: Signal[frozenset[str]] = Signal("teams_changed")
        self.rejection_added: Signal[RejectionNotice] = Signal("rejection_added")
        self.counts_changed: Signal[Counts] = Signal("counts_changed")
        self.submitted: Signal[Event] = Signal("submitted")
        self.reloaded: Signal[int] = Signal("reloaded")

        self.confirmed: State = store.load_confirmed(closed_before=clock() - KEEP_CLOSED)
        self._cursor_event_id: str | None = store.cursor()[1]
        self.view = State(seq=self.confirmed.seq)
        self._start_pending()
        self._now = clock()
        self._rejected = [RejectionNotice.from_stored(r) for r in store.rejections()]
        # Event ids the server would not take as their author's (author_unproven).
        self._held: set[str] = set()
        self.author_key: AuthorKey | None = None
        self._last_counts = self.counts
        for row in store.load_outbox():
            self._add_entry(
                PendingEntry(row.local_seq, row.event, row.enqueued_at, row.accepted_seq, actor)
            )
        # No listener is connected yet: this only fills the view.
        self._reload_view()
        self.prune_closed()

    # -- reading ----------------------------------------------------------

    @property
    def cursor(self) -> int:
        """The seq of the newest server event in the confirmed state (0: none yet)."""
        return self.confirmed.seq

    @property
    def cursor_event_id(self) -> str | None:
        """The event id at the cursor, when known (to recognise the same server database)."""
        return self._cursor_event_id

    @property
    def actor(self) -> str:
        return self._actor

    @actor.setter
    def actor(self, username: str) -> None:
        """The user the server will record for our events (after a login)."""
        if username == self._actor:
            return
        self._actor = username
        for entry in self._entries.values():
            actor = entry.event.author or username or None
            entry.judged = entry.event.model_copy(update={"actor": actor})
        self._reload_view()

    @property
    def pending_count(self) -> int:
        return len(self._entries)

    @property
    def counts(self) -> Counts:
        return Counts(len(self._entries), self._unsent, len(self._rejected), self._conflicts)

    @property
    def rejected(self) -> list[RejectionNotice]:
        """Rejections the dispatcher has not acknowledged yet, oldest first."""
        return list(self._rejected)

    def is_pending(self, entity_id: str) -> bool:
        """Whether an incident or team has local changes the server has not confirmed."""
        return (
            self._refcount[entity_id] > 0
            or (INCIDENT, entity_id) in self._writers
            or (TEAM, entity_id) in self._writers
        )

    def pending_items(self, entity_id: str | None = None) -> list[PendingItem]:
        """The outbox in order (only the events about ``entity_id`` if given)."""
        return [
            PendingItem(e.local_seq, e.event, e.enqueued_at, e.accepted_seq, e.conflict)
            for e in self._entries.values()
            if entity_id is None
            or any(key[1] == entity_id for key in e.refs)
            or any(key[1] == entity_id for key in e.outputs)
        ]

    def timeline(self, entity_id: str, *, after_seq: int = 0) -> list[Event]:
        """Confirmed events about an incident or team (seq set; after ``after_seq``),
        then pending ones (seq None)."""
        return [
            *self.store.log_events(entity_id, after_seq=after_seq),
            *(p.event for p in self.pending_items(entity_id)),
        ]

    def unsent(self, limit: int) -> list[Event]:
        """The oldest events the server has not accepted yet, in order (for the sync engine).

        One author per batch: the actions another user made here before a
        shift change go in batches of their own, so if the server cannot prove
        they are that user's, none of ours is judged in a batch without them.
        Held events are left out (``held_items``), and so is every later event
        about the same incident or team, which would be judged without them.
        """
        out: list[Event] = []
        blocked: set[Key] = set()
        author: str | None = None
        for entry in self._entries.values():
            if entry.accepted_seq is not None:
                continue
            if self._is_held(entry) or entry.refs & blocked:
                blocked |= entry.refs
                continue
            made_by = entry.event.author or self._actor
            if out and made_by != author:
                break
            author = made_by
            out.append(entry.event)
            if len(out) >= limit:
                break
        return out

    def accepted_unconfirmed(self) -> list[tuple[str, int]]:
        """(event id, seq) of the pending events the server accepted, in the order made.

        The stream has not brought them yet; the sync engine checks at each
        session that the server's log still holds them there.
        """
        return [
            (e.event.event_id, e.accepted_seq)
            for e in self._entries.values()
            if e.accepted_seq is not None
        ]

    def send_again(self, event_ids: Collection[str]) -> None:
        """The server's log no longer holds these accepted events (a restore): send them again.

        They are unsent again in their place in the outbox, so they go before
        anything made after them.
        """
        wanted = set(event_ids)
        entries = [
            e
            for e in self._entries.values()
            if e.event.event_id in wanted and e.accepted_seq is not None
        ]
        if not entries:
            return
        self._forget_acceptance(entries)
        self._finish(set())

    def _is_held(self, entry: PendingEntry) -> bool:
        return entry.event.event_id in self._held and entry.event.author != self._actor

    def held_items(self) -> list[PendingItem]:
        """Pending events held because the server could not prove their author.

        They stay in the outbox, never sent under another name; they go when
        their author signs in on this workstation (or a supervisor decides).
        """
        return [
            PendingItem(e.local_seq, e.event, e.enqueued_at, e.accepted_seq, e.conflict)
            for e in self._entries.values()
            if self._is_held(e)
        ]

    def use_author_key(self, key: AuthorKey | None) -> None:
        """The signed-in user's signing key: every action submitted from now on carries it."""
        self.author_key = key

    def check(self, event: Event) -> Rejection | None:
        """What the rules say about ``event`` on the current view, without submitting it."""
        judged = event.model_copy(update={"actor": self._actor}) if self._actor else event
        outcome = decide(self.view, judged, now=self._clock())
        return outcome if isinstance(outcome, Rejection) else None

    def check_all(self, events: Sequence[Event]) -> Rejection | None:
        """What the rules say about ``events`` in order, on the current view, without
        submitting them: the first refusal, or None. The console refuses locally
        what the server would refuse (issue 18 item 3), online or not."""
        judged = [e.model_copy(update={"actor": self._actor}) if self._actor else e for e in events]
        found = first_rejection(self.view, judged, now=self._clock())
        return found[1] if found is not None else None

    # -- writing (UI) -----------------------------------------------------

    def new_event(
        self,
        event_type: EventType,
        entity_id: str,
        payload: BaseModel | dict[str, Any],
        *,
        expected_version: int | None = None,
    ) -> Event:
        """An event from this workstation, now (submit it with ``submit``)."""
        return make_event(
            event_type,
            entity_id,
            payload,
            workstation_id=self.workstation_id,
            occurred_at=self._clock(),
            expected_version=expected_version,
        )

    def submit(self, event: Event) -> None:
        """Record ``event`` durably, show it at once, and have it sent.

        When this returns the event is committed to disk; a crash cannot lose
        it. The outcome of the local rules is visible through ``pending_items``
        (``conflict``); the server has the last word.
        """
        if event.event_id in self._by_event_id:
            raise ValueError(f"event {event.event_id} is already pending")
        if event.seq is not None:
            raise ValueError("a new event has no seq: the server gives it")
        if event.author is None and self._actor:
            # Who made it, proved by their key, so that it is still theirs if
            # another user is signed in when it reaches the server.
            key = (
                self.author_key
                if self.author_key and self.author_key.username == self._actor
                else None
            )
            event = event.model_copy(update={"author": self._actor})
            if key is not None:
                event = event.model_copy(update={"signature": key.sign(event)})
        enqueued_at = self._clock()
        local_seq = self.store.enqueue(event, enqueued_at=enqueued_at)
        self._now = enqueued_at
        entry = PendingEntry(local_seq, event, enqueued_at, None, self._actor)
        self._add_entry(entry)
        # The newest entry sees the current view: no one after it to re-judge.
        self._judge(entry)
        self._marks |= entry.refs
        self._finish(set(entry.outputs))
        self.submitted.emit(event)

    def acknowledge(self, notice_id: int) -> None:
        """The dispatcher has seen a rejection; it stays in the store for the audit."""
        self.store.acknowledge(notice_id, at=self._clock())
        self._rejected = [n for n in self._rejected if n.id != notice_id]
        self._emit_counts()

    # -- sync side --------------------------------------------------------

    def apply_server_events(self, events: Sequence[Event]) -> ApplyResult:
        """Add accepted events (from the stream or a page) to the confirmed state.

        Events at or below the cursor are skipped (redelivery is harmless);
        the first missing seq stops the batch and is reported in
        ``gap_after``. Our own events leave the outbox in the same transaction.
        Raises ``StateDiverged`` when a server event does not apply locally
        (the events before it are kept); the caller reloads the snapshot.
        """
        cursor = self.confirmed.seq
        batch: list[Event] = []
        gap_after: int | None = None
        for ev in sorted((e for e in events if e.seq is not None), key=lambda e: e.seq or 0):
            assert ev.seq is not None
            last = cursor + len(batch)
            if ev.seq <= last:
                continue
            if ev.seq != last + 1:
                gap_after = last
                break
            batch.append(ev)
        if not batch:
            return ApplyResult(0, gap_after)

        overlay = _Overlay(self.confirmed)
        applied: list[Event] = []
        diverged: StateDiverged | None = None
        for ev in batch:
            filled = _fill_redacted(ev)
            # The server judged it at recorded_at, not at occurred_at: judged at its
            # own time, a received_at after occurred_at looked "in the future" and
            # the console diverged (found by tests/server/test_payload_fuzz_server.py).
            outcome = decide(overlay, filled, now=ev.recorded_at or ev.occurred_at, seq=ev.seq)
            if isinstance(outcome, Rejection):
                diverged = StateDiverged(ev, outcome)
                break
            if filled is not ev:
                # The server sent this event redacted (an incident out of this
                # user's scope): keep the incident as the server's snapshot
                # shows it, without the placeholders the rules needed.
                outcome.incidents = {k: redact_incident(v) for k, v in outcome.incidents.items()}
            overlay.commit(outcome)
            applied.append(ev)
        if self.redact:
            overlay.incidents = {k: redact_incident(v) for k, v in overlay.incidents.items()}
            overlay.teams = {k: redact_team(v) for k, v in overlay.teams.items()}
        if applied:
            self.store.commit_server_events(
                applied, overlay.incidents.values(), overlay.teams.values()
            )
            self._now = self._clock()
            seeds: list[tuple[Key, int]] = []
            for ev in applied:
                entry = self._by_event_id.get(ev.event_id)
                if entry is not None:
                    seeds.extend(self._remove_entry(entry))
            for kind, changed, target in (
                (INCIDENT, overlay.incidents, self.confirmed.incidents),
                (TEAM, overlay.teams, self.confirmed.teams),
            ):
                for entity_id, value in changed.items():
                    old = target.get(entity_id)
                    target[entity_id] = value  # type: ignore[assignment]
                    if not same(old, value):
                        seeds.append(((kind, entity_id), -1))
            self.confirmed.seq = self.view.seq = applied[-1].seq or 0
            self._cursor_event_id = applied[-1].event_id
            self._resend_missing()
            changed_keys = self._propagate(seeds)
            self._finish(changed_keys | {key for key, _ in seeds})
        if diverged is not None:
            raise diverged
        return ApplyResult(len(applied), gap_after)

    def handle_results(self, results: Sequence[EventResult]) -> list[RejectionNotice]:
        """Take the server's answers to a push; returns the new rejection notices.

        accepted / duplicate: the entry keeps its place until the stream
        brings the event (or leaves now if the confirmed state already holds
        that seq); rejected: the entry leaves for the rejection list.
        """
        accepted: dict[str, int] = {}
        confirmed: list[PendingEntry] = []
        rejected: list[tuple[PendingEntry, NewRejection]] = []
        held: list[PendingEntry] = []
        now = self._clock()
        for result in results:
            entry = self._by_event_id.get(result.event_id)
            if entry is None:
                continue
            if result.code == RejectCode.AUTHOR_UNPROVEN and entry.event.author != self._actor:
                # Not a judgement of the action: the server cannot tell it is its
                # author's. It stays here, held, never sent under our name.
                held.append(entry)
                continue
            if result.status in (ResultStatus.ACCEPTED, ResultStatus.DUPLICATE):
                if result.seq is None:
                    continue
                if result.seq <= self.confirmed.seq:
                    confirmed.append(entry)
                elif entry.accepted_seq != result.seq:
                    accepted[entry.event.event_id] = result.seq
            else:
                subject = subject_of(entry.event, self.view)
                code = str(result.code or "rejected")
                detail = result.detail or code
                rejected.append(
                    (
                        entry,
                        NewRejection(
                            event=entry.event,
                            code=code,
                            detail=detail,
                            summary=rejection_summary(subject, code, detail),
                            entity_kind=subject.kind,
                            entity_id=subject.entity_id,
                            rejected_at=now,
                        ),
                    )
                )
        for entry in held:
            self._held.add(entry.event.event_id)
            self._marks |= entry.refs
        if not (accepted or confirmed or rejected):
            if held:
                self._emit_counts()
            return []
        ids = self.store.commit_results(
            accepted=accepted,
            confirmed=[e.event.event_id for e in confirmed],
            rejected=[r for _, r in rejected],
        )
        self._now = now
        seeds: list[tuple[Key, int]] = []
        force: list[int] = []
        for entry in confirmed:
            seeds.extend(self._remove_entry(entry))
        for entry, _ in rejected:
            seeds.extend(self._remove_entry(entry))
        for event_id, seq in accepted.items():
            entry = self._by_event_id[event_id]
            if entry.accepted_seq is None:
                self._unsent -= 1
            entry.accepted_seq = seq
            self._marks |= entry.refs
            if entry.event.type == EventType.INCIDENT_CREATED:
                # Judged again with its seq: the incident gets its number now,
                # and matches the server's value when the stream brings it.
                force.append(entry.local_seq)
        notices: list[RejectionNotice] = []
        for row_id, (entry, new) in zip(ids, rejected, strict=True):
            notices.append(
                RejectionNotice(
                    id=row_id,
                    event=new.event,
                    code=new.code,
                    detail=new.detail,
                    summary=new.summary,
                    kind=new.entity_kind,
                    entity_id=new.entity_id,
                    incident_id=new.entity_id if new.entity_kind == INCIDENT else None,
                    team_id=next((k[1] for k in entry.refs if k[0] == TEAM), None),
                    rejected_at=new.rejected_at,
                )
            )
        self._rejected.extend(notices)
        changed_keys = self._propagate(seeds, force)
        self._finish(changed_keys | {key for key, _ in seeds})
        for notice in notices:
            self.rejection_added.emit(notice)
        return notices

    def load_snapshot(
        self,
        snapshot: Snapshot,
        *,
        cursor_event_id: str | None = None,
        server_changed: bool = False,
    ) -> None:
        """Replace the confirmed state by the server's snapshot.

        ``server_changed``: the server's database is not the one we followed
        (its seq went backwards, or the event at our cursor differs): the log
        is cleared and every pending event is sent again (duplicates are
        harmless), since its acceptance by the old database means nothing.
        """
        state = State.of(snapshot.incidents, snapshot.teams, snapshot.seq)
        self.store.replace_confirmed(
            state,
            cursor_event_id=cursor_event_id,
            forget_acceptance=server_changed,
            # A redacted user must not find earlier, unredacted events in the log.
            clear_log=server_changed or self.redact,
        )
        self.confirmed = state
        self._cursor_event_id = cursor_event_id
        for entry in list(self._entries.values()):
            if entry.accepted_seq is None:
                continue
            if server_changed:
                entry.accepted_seq = None
                self._unsent += 1
            elif entry.accepted_seq <= state.seq:
                self._remove_entry(entry)
        self._reload_view()
        self.reloaded.emit(state.seq)

    def note_cursor_event_id(self, seq: int, event_id: str) -> None:
        """Remember the id of the event at ``seq`` if it is still the cursor."""
        if seq == self.confirmed.seq and self._cursor_event_id != event_id:
            self.store.set_cursor_event_id(seq, event_id)
            self._cursor_event_id = event_id

    # -- internals --------------------------------------------------------

    def _resend_missing(self) -> None:
        """Entries accepted at a seq the confirmed state passed without them: send again.

        The event at that seq would have removed them, so the server's
        history no longer holds them (a database restored from a backup).
        Accepted entries are a prefix of the outbox (pushed in order), so
        the scan stops at the first one not accepted.
        """
        missing: list[PendingEntry] = []
        for entry in self._entries.values():
            if entry.accepted_seq is None:
                break
            if entry.accepted_seq <= self.confirmed.seq:
                missing.append(entry)
        if not missing:
            return
        log.warning(
            "%d accepted event(s) are not in the server's history: sending them again",
            len(missing),
        )
        self._forget_acceptance(missing)

    def _forget_acceptance(self, entries: list[PendingEntry]) -> None:
        self.store.forget_acceptance([e.event.event_id for e in entries])
        for entry in entries:
            entry.accepted_seq = None
            self._unsent += 1
            self._marks |= entry.refs

    def _reload_view(self) -> None:
        self._now = self._clock()
        old_keys = {(INCIDENT, i) for i in self.view.incidents} | {
            (TEAM, t) for t in self.view.teams
        }
        self._rebuild()
        new_keys = {(INCIDENT, i) for i in self.confirmed.incidents}
        new_keys |= {(TEAM, t) for t in self.confirmed.teams}
        new_keys |= self._writers.keys()
        self.view.seq = self.confirmed.seq
        for entry in self._entries.values():
            self._marks |= entry.refs
        self._finish(old_keys | new_keys)

    def _finish(self, keys: set[Key]) -> None:
        """Bring the view up to date for ``keys`` and tell the listeners."""
        incidents: set[str] = set()
        teams: set[str] = set()
        for key in keys:
            kind, entity_id = key
            new = self._base(key, END)
            target: dict[str, Any] = self.view.incidents if kind == INCIDENT else self.view.teams
            old = target.get(entity_id)
            if new is None:
                target.pop(entity_id, None)
            else:
                target[entity_id] = new
            if not same(old, new):
                (incidents if kind == INCIDENT else teams).add(entity_id)
        for kind, entity_id in self._marks:
            if kind:
                (incidents if kind == INCIDENT else teams).add(entity_id)
        self._marks = set()
        if incidents:
            self.incidents_changed.emit(frozenset(incidents))
        if teams:
            self.teams_changed.emit(frozenset(teams))
        self._emit_counts()

    def _emit_counts(self) -> None:
        counts = self.counts
        if counts != self._last_counts:
            self._last_counts = counts
            self.counts_changed.emit(counts)

    # -- checks -------------------------------------------------------------

    def full_recompute(self) -> State:
        """The view computed from scratch (tests compare it with the incremental one)."""
        state = self.confirmed.copy()
        for entry in self._entries.values():
            outcome = decide(state, entry.judged, now=self._now, seq=entry.accepted_seq)
            if isinstance(outcome, Changes):
                state.commit(outcome)
        return state
