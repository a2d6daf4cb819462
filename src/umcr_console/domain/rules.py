"""The rules of dispatch: what an event does to the state, or why it may not.

``decide`` is a pure function. The server judges every event with it before
giving it a seq; the console judges its own pending events with it to show
them at once. Because both import this one function they cannot disagree.

Team status machine (``team.status_changed``; dispatch and close change
statuses by themselves)::

    available      -> out_of_service, off_duty        (dispatched only by assignment)
    dispatched     -> en_route, on_scene, available
    en_route       -> on_scene, available
    on_scene       -> transporting, follow_up, available
    transporting   -> on_scene, follow_up, available
    follow_up      -> available, out_of_service, off_duty (on_scene if it still holds its incident)
    out_of_service -> available, off_duty
    off_duty       -> available, out_of_service

A team that leaves its incident by a status (available, out of service, off
duty: "the team cleared") is released from that incident.

Extensions (issue 5, docs/server.md): an overdue team alert is escalated to
the supervisors and acknowledged once per overdue episode (the episode is
named by the instant it became overdue, and ends when the status changes or
the team checks in on scene); a closed incident may carry a follow-up window
and a warm handoff awaiting acceptance; a pending call may be planned for
later and hold a team, which stays free for other calls until ``hold_from``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from pydantic import ValidationError

from . import events as ev
from .enums import (
    INCIDENT_BOUND_STATUSES,
    REDIRECT_DISPOSITION,
    Agency,
    Disposition,
    EventType,
    IncidentState,
    RejectCode,
    TeamStatus,
)
from .marks import tr
from .model import (
    Caution,
    FollowUp,
    Handoff,
    HelpCall,
    Incident,
    Note,
    Reservation,
    SafetyWordsCheck,
    Team,
)

# How far ahead of the judge's clock an event's time may be (clock skew).
MAX_FUTURE_SKEW = timedelta(minutes=5)

TRANSITIONS: Mapping[TeamStatus, frozenset[TeamStatus]] = {
    TeamStatus.AVAILABLE: frozenset({TeamStatus.OUT_OF_SERVICE, TeamStatus.OFF_DUTY}),
    TeamStatus.DISPATCHED: frozenset(
        {TeamStatus.EN_ROUTE, TeamStatus.ON_SCENE, TeamStatus.AVAILABLE}
    ),
    TeamStatus.EN_ROUTE: frozenset({TeamStatus.ON_SCENE, TeamStatus.AVAILABLE}),
    TeamStatus.ON_SCENE: frozenset(
        {TeamStatus.TRANSPORTING, TeamStatus.FOLLOW_UP, TeamStatus.AVAILABLE}
    ),
    TeamStatus.TRANSPORTING: frozenset(
        {TeamStatus.ON_SCENE, TeamStatus.FOLLOW_UP, TeamStatus.AVAILABLE}
    ),
    TeamStatus.FOLLOW_UP: frozenset(
        {TeamStatus.AVAILABLE, TeamStatus.OUT_OF_SERVICE, TeamStatus.OFF_DUTY, TeamStatus.ON_SCENE}
    ),
    TeamStatus.OUT_OF_SERVICE: frozenset({TeamStatus.AVAILABLE, TeamStatus.OFF_DUTY}),
    TeamStatus.OFF_DUTY: frozenset({TeamStatus.AVAILABLE, TeamStatus.OUT_OF_SERVICE}),
}

# Statuses that end a team's work on its incident.
_CLEARING_STATUSES = frozenset(
    {TeamStatus.AVAILABLE, TeamStatus.OUT_OF_SERVICE, TeamStatus.OFF_DUTY}
)


class StateView(Protocol):
    """Read access to the current state; the server backs it with its database."""

    def incident(self, incident_id: str) -> Incident | None: ...

    def team(self, team_id: str) -> Team | None: ...


@dataclass(frozen=True)
class Rejection:
    code: RejectCode
    detail: str


@dataclass
class Changes:
    """The entities an accepted event replaces, keyed by id."""

    incidents: dict[str, Incident] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)


Outcome = Changes | Rejection


class _Rejected(Exception):
    def __init__(self, code: RejectCode, detail: str) -> None:
        super().__init__(detail)
        self.rejection = Rejection(code, detail)


def format_incident_number(seq: int | None) -> str:
    """The number people say on the radio: from the seq of the creating event.

    An incident created offline has no number until the server accepts it.
    """
    return "pending" if seq is None else f"U{seq:06d}"


def decide(view: StateView, event: ev.Event, *, now: datetime, seq: int | None = None) -> Outcome:
    """Judge ``event`` against ``view``: the entities it changes, or a rejection.

    ``now`` is the judge's clock (for events from the future); ``seq`` is the
    number the server is about to give the event, None for a local pending one.
    """
    try:
        try:
            event_type = EventType(event.type)
        except ValueError:
            raise _Rejected(
                RejectCode.INVALID_PAYLOAD,
                tr("unknown event type {type}").format(type=repr(event.type)),
            ) from None
        if event.occurred_at > now + MAX_FUTURE_SKEW:
            raise _Rejected(
                RejectCode.INVALID_PAYLOAD,
                tr("occurred_at {time} is in the future").format(
                    time=event.occurred_at.isoformat()
                ),
            )
        _check_utc(event.occurred_at, "occurred_at")
        try:
            payload = ev.PAYLOAD_MODELS[event_type].model_validate(event.payload)
        except ValidationError as exc:
            raise _Rejected(RejectCode.INVALID_PAYLOAD, _describe(exc)) from None
        return _HANDLERS[event_type](_Context(view, event, seq, now), payload)
    except _Rejected as rejected:
        return rejected.rejection


class _Batch:
    """A view plus the changes of the batch's earlier events."""

    def __init__(self, view: StateView) -> None:
        self.view = view
        self.changes = Changes()

    def incident(self, incident_id: str) -> Incident | None:
        found = self.changes.incidents.get(incident_id)
        return found if found is not None else self.view.incident(incident_id)

    def team(self, team_id: str) -> Team | None:
        found = self.changes.teams.get(team_id)
        return found if found is not None else self.view.team(team_id)


def first_rejection(
    view: StateView, events: Sequence[ev.Event], *, now: datetime
) -> tuple[ev.Event, Rejection] | None:
    """The first of ``events`` the rules refuse when judged in order, each on the
    state the ones before it leave (a call and its redirect, a close and its
    follow-up), with the reason; None when all of them pass."""
    batch = _Batch(view)
    for event in events:
        outcome = decide(batch, event, now=now)
        if isinstance(outcome, Rejection):
            return event, outcome
        batch.changes.incidents.update(outcome.incidents)
        batch.changes.teams.update(outcome.teams)
    return None


def _check_utc(value: datetime, name: str) -> None:
    # Times are stored in UTC; 0001-01-01T00:00+05:00 has no UTC form, and an
    # accepted event that cannot be stored would be lost or poison the log.
    try:
        value.astimezone(UTC)
    except OverflowError:
        raise _Rejected(
            RejectCode.INVALID_PAYLOAD, tr("{field}: out of range in UTC").format(field=name)
        ) from None


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error["loc"]) or "payload"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


@dataclass
class _Context:
    view: StateView
    event: ev.Event
    seq: int | None
    now: datetime
    changes: Changes = field(default_factory=Changes)

    @property
    def at(self) -> datetime:
        return self.event.occurred_at

    @property
    def actor(self) -> str:
        return self.event.actor or ""

    # Reads see this event's own earlier changes.
    def incident(self, incident_id: str) -> Incident:
        found = self.changes.incidents.get(incident_id) or self.view.incident(incident_id)
        if found is None:
            raise _Rejected(
                RejectCode.UNKNOWN_ENTITY, tr("no incident {number}").format(number=incident_id)
            )
        return found

    def team(self, team_id: str) -> Team:
        found = self.changes.teams.get(team_id) or self.view.team(team_id)
        if found is None:
            raise _Rejected(RejectCode.UNKNOWN_ENTITY, tr("no team {team}").format(team=team_id))
        return found

    def check_version(self, current: int, *, required: bool = False) -> None:
        expected = self.event.expected_version
        if expected is None:
            if required:
                raise _Rejected(
                    RejectCode.INVALID_PAYLOAD,
                    tr("{type} needs expected_version").format(type=self.event.type),
                )
            return
        if expected != current:
            raise _Rejected(
                RejectCode.VERSION_CONFLICT,
                tr(
                    "changed meanwhile: expected version {expected}, it is at version {current}"
                ).format(expected=expected, current=current),
            )

    def open_incident(self) -> Incident:
        incident = self.incident(self.event.entity_id)
        self.check_version(incident.version, required=self.event.type == EventType.INCIDENT_UPDATED)
        if not incident.is_open:
            raise _Rejected(
                RejectCode.INCIDENT_CLOSED,
                tr("incident {number} is closed").format(number=incident.number),
            )
        return incident

    def put_incident(self, incident: Incident, **updates: object) -> Incident:
        """Record a new value of an incident; its version rises once per event."""
        original = self.view.incident(incident.id)
        version = (original.version + 1) if original else 1
        new = incident.model_copy(update={**updates, "version": version, "updated_at": self.at})
        self.changes.incidents[new.id] = new
        return new

    def put_team(self, team: Team, **updates: object) -> Team:
        original = self.view.team(team.id)
        version = (original.version + 1) if original else 1
        if "status" in updates and updates["status"] != team.status:
            updates.setdefault("status_since", self.at)
            # A new status starts a new overdue episode, unescalated.
            updates.setdefault("escalated_for", None)
            updates.setdefault("alert_acknowledged_for", None)
        new = team.model_copy(update={**updates, "version": version})
        self.changes.teams[new.id] = new
        return new


def _incident_created(ctx: _Context, p: ev.IncidentCreated) -> Changes:
    if ctx.view.incident(ctx.event.entity_id) is not None:
        raise _Rejected(RejectCode.DUPLICATE_ENTITY, tr("an incident with this id exists"))
    _check_utc(p.received_at, "received_at")
    if p.received_at > ctx.now + MAX_FUTURE_SKEW:
        raise _Rejected(
            RejectCode.INVALID_PAYLOAD,
            tr("received_at {time} is in the future").format(time=p.received_at.isoformat()),
        )
    if p.safety.any_flag and not p.screen_override_reason.strip():
        raise _Rejected(
            RejectCode.INVALID_PAYLOAD,
            tr(
                "the safety screen flags this call: redirect it, or give the reason an unarmed "
                "team still takes it (screen_override_reason)"
            ),
        )
    incident = Incident(
        id=ctx.event.entity_id,
        number=format_incident_number(ctx.seq),
        version=1,
        state=IncidentState.PENDING,
        received_at=p.received_at,
        priority=p.priority,
        call_type=p.call_type,
        source=p.source,
        location=p.location,
        caller=p.caller,
        person=p.person,
        narrative=p.narrative,
        language=p.language,
        safety=p.safety,
        created_by=ctx.actor,
        updated_at=ctx.at,
    )
    if p.screen_override_reason:
        # Neutral wording: the same reason serves a call kept for a team and one
        # redirected right after (the redirect event carries its own reason).
        flags = [
            name for name in ("weapons", "violence", "medical", "crime") if getattr(p.safety, name)
        ]
        text = f"Safety screen ({', '.join(flags) or 'no flag'}): {p.screen_override_reason}"
        incident = incident.model_copy(update={"notes": (_note(ctx, text),)})
    if p.safety_words is not None:
        # The dispatcher reads what the call-taker decided about the words typed.
        text = _words_note_text(p.safety_words, "the call-taker")
        incident = incident.model_copy(update={"notes": (*incident.notes, _note(ctx, text))})
    if p.follows_up is not None:
        # A follow-up that becomes an incident: link both ways, and the
        # original's follow-up is done (by this very call).
        original = ctx.incident(p.follows_up)
        incident = incident.model_copy(update={"follows_up": original.id})
        follow_up = original.follow_up
        if follow_up is not None and follow_up.is_open:
            done = follow_up.model_copy(
                update={"done_at": ctx.at, "done_by": ctx.actor, "incident_id": incident.id}
            )
            ctx.put_incident(original, follow_up=done)
    ctx.changes.incidents[incident.id] = incident
    return ctx.changes


def _words_note_text(check: SafetyWordsCheck, by: str) -> str:
    text = f"Safety words {check.decision} by {by}: {check.summary()}"
    if check.reason.strip():
        text += f". Reason: {check.reason.strip()}"
    return text


def _incident_updated(ctx: _Context, p: ev.IncidentUpdated) -> Changes:
    incident = ctx.open_incident()
    changes = p.changes()
    if not changes:
        raise _Rejected(RejectCode.INVALID_PAYLOAD, tr("nothing to change"))
    if p.safety_words is not None:
        changes["notes"] = (
            *incident.notes,
            _note(ctx, _words_note_text(p.safety_words, "dispatch")),
        )
    ctx.put_incident(incident, **changes)
    return ctx.changes


def _note(ctx: _Context, text: str) -> Note:
    # A reason of the full allowed length plus a prefix ("Reopened: ") is too
    # long for a note: a rejection, not a ValidationError out of decide (found
    # by tests/domain/test_payload_fuzz.py; the server answered 500).
    if len(text) > ev.MAX_TEXT:
        raise _Rejected(
            RejectCode.INVALID_PAYLOAD,
            tr("the note would be {length} characters long; at most {limit} fit").format(
                length=len(text), limit=ev.MAX_TEXT
            ),
        )
    return Note(at=ctx.at, author=ctx.actor, workstation_id=ctx.event.workstation_id, text=text)


def _note_added(ctx: _Context, p: ev.NoteAdded) -> Changes:
    # Notes stay possible on a closed incident: documentation often follows the close.
    incident = ctx.incident(ctx.event.entity_id)
    ctx.check_version(incident.version)
    notes = (*incident.notes, _note(ctx, p.text))
    if p.safety_words is not None:
        notes = (*notes, _note(ctx, _words_note_text(p.safety_words, "dispatch")))
    ctx.put_incident(incident, notes=notes)
    return ctx.changes


def _team_assigned(ctx: _Context, p: ev.TeamAssigned) -> Changes:
    incident = ctx.open_incident()
    team = ctx.team(p.team_id)
    if team.status != TeamStatus.AVAILABLE or team.incident_id is not None:
        raise _Rejected(
            RejectCode.TEAM_UNAVAILABLE,
            tr("team {team} is {status}, not available").format(
                team=team.call_sign, status=_status_word(team.status)
            ),
        )
    reservation = team.reservation
    if (
        reservation is not None
        and reservation.incident_id != incident.id
        and ctx.at >= reservation.hold_from
    ):
        held_for = ctx.incident(reservation.incident_id)
        raise _Rejected(
            RejectCode.TEAM_UNAVAILABLE,
            tr("team {team} is held for {number} at {time}").format(
                team=team.call_sign, number=held_for.number, time=_clock_text(reservation.at)
            ),
        )
    times = incident.times
    if times.dispatched_at is None:
        times = times.model_copy(update={"dispatched_at": ctx.at})
    updates: dict[str, object] = {}
    if reservation is not None and reservation.incident_id == incident.id:
        # The scheduled call starts: the reservation has served its purpose.
        reservation = None
        updates["reserved_team_id"] = None
    assigned = incident.assigned_team_ids
    ctx.put_incident(
        incident,
        team_ids=(*incident.team_ids, team.id),
        released_team_ids=tuple(t for t in incident.released_team_ids if t != team.id),
        state=IncidentState.ASSIGNED,
        times=times,
        assigned_team_ids=assigned if team.id in assigned else (*assigned, team.id),
        **updates,
    )
    ctx.put_team(
        team,
        status=TeamStatus.DISPATCHED,
        incident_id=incident.id,
        status_note="",
        reservation=reservation,
    )
    return ctx.changes


def _detach(
    ctx: _Context, incident: Incident, team: Team, status: TeamStatus, *, released: bool = False
) -> Incident:
    """Take ``team`` off ``incident`` and give it ``status``; the incident's new value.

    ``released``: the team leaves an open call (a release, or a clearing status)
    rather than being on it at its close: its provider's hold on the call ends.
    """
    remaining = tuple(t for t in incident.team_ids if t != team.id)
    state = incident.state
    if incident.is_open:
        state = IncidentState.ASSIGNED if remaining else IncidentState.PENDING
    ctx.put_team(team, status=status, incident_id=None)
    released_ids = incident.released_team_ids
    if released and team.id not in released_ids:
        released_ids = (*released_ids, team.id)
    return ctx.put_incident(
        incident, team_ids=remaining, state=state, released_team_ids=released_ids
    )


def _team_released(ctx: _Context, p: ev.TeamReleased) -> Changes:
    incident = ctx.open_incident()
    team = ctx.team(p.team_id)
    if team.id not in incident.team_ids:
        raise _Rejected(
            RejectCode.INVALID_TRANSITION,
            tr("team {team} is not on incident {number}").format(
                team=team.call_sign, number=incident.number
            ),
        )
    released_status = (
        TeamStatus.AVAILABLE if team.status in INCIDENT_BOUND_STATUSES else team.status
    )
    _detach(ctx, incident, team, released_status, released=True)
    return ctx.changes


def _close(
    ctx: _Context,
    incident: Incident,
    disposition: Disposition,
    redirected_to: Agency | None,
    reason: str | None,
    note: str,
) -> None:
    """Close an incident: teams not yet on scene become available, the others document."""
    if incident.reserved_team_id is not None:
        # A planned call that ends (cancelled, redirected) frees its team.
        held = ctx.team(incident.reserved_team_id)
        ctx.put_team(held, reservation=None)
        incident = ctx.put_incident(incident, reserved_team_id=None)
    for team_id in incident.team_ids:
        team = ctx.team(team_id)
        if team.status in (TeamStatus.DISPATCHED, TeamStatus.EN_ROUTE):
            status = TeamStatus.AVAILABLE
        elif team.status in (TeamStatus.ON_SCENE, TeamStatus.TRANSPORTING):
            status = TeamStatus.FOLLOW_UP
        else:
            status = team.status
        incident = _detach(ctx, incident, team, status)
    notes = incident.notes + ((_note(ctx, note),) if note else ())
    ctx.put_incident(
        incident,
        state=IncidentState.CLOSED,
        disposition=disposition,
        redirected_to=redirected_to,
        redirect_reason=reason,
        times=incident.times.model_copy(update={"closed_at": ctx.at}),
        notes=notes,
    )


def _redirected(ctx: _Context, p: ev.Redirected) -> Changes:
    incident = ctx.open_incident()
    _close(ctx, incident, REDIRECT_DISPOSITION[p.agency], p.agency, p.reason, "")
    return ctx.changes


def _closed(ctx: _Context, p: ev.Closed) -> Changes:
    incident = ctx.open_incident()
    agency = next((a for a, d in REDIRECT_DISPOSITION.items() if d == p.disposition), None)
    reason = (p.note or None) if agency else None
    _close(ctx, incident, p.disposition, agency, reason, p.note)
    return ctx.changes


def _reopened(ctx: _Context, p: ev.Reopened) -> Changes:
    incident = ctx.incident(ctx.event.entity_id)
    ctx.check_version(incident.version)
    if incident.is_open:
        raise _Rejected(
            RejectCode.INVALID_TRANSITION,
            tr("incident {number} is open").format(number=incident.number),
        )
    ctx.put_incident(
        incident,
        state=IncidentState.PENDING,
        disposition=None,
        redirected_to=None,
        redirect_reason=None,
        times=incident.times.model_copy(update={"closed_at": None}),
        notes=(*incident.notes, _note(ctx, f"Reopened: {p.reason}")),
    )
    return ctx.changes


def _status_changed(ctx: _Context, p: ev.StatusChanged) -> Changes:
    team = ctx.team(ctx.event.entity_id)
    ctx.check_version(team.version)
    new = p.status
    if new == team.status:
        raise _Rejected(
            RejectCode.INVALID_TRANSITION,
            tr("team {team} is already {status}").format(
                team=team.call_sign, status=_status_word(new)
            ),
        )
    if new not in TRANSITIONS[team.status]:
        raise _Rejected(
            RejectCode.INVALID_TRANSITION,
            (
                tr(
                    "team {team} cannot go from {old} to {new} (assign it to an incident to dispatch it)"
                )
                if new == TeamStatus.DISPATCHED
                else tr("team {team} cannot go from {old} to {new}")
            ).format(team=team.call_sign, old=_status_word(team.status), new=_status_word(new)),
        )
    if new in INCIDENT_BOUND_STATUSES and team.incident_id is None:
        raise _Rejected(
            RejectCode.INVALID_TRANSITION,
            tr("team {team} holds no incident to be {status}").format(
                team=team.call_sign, status=_status_word(new)
            ),
        )
    if team.incident_id is not None and new in _CLEARING_STATUSES:
        incident = ctx.incident(team.incident_id)
        _detach(ctx, incident, team, new, released=incident.is_open)
        ctx.put_team(ctx.team(team.id), status_note=p.note)
        return ctx.changes
    if team.incident_id is not None:
        incident = ctx.incident(team.incident_id)
        times = incident.times
        if new == TeamStatus.EN_ROUTE and times.en_route_at is None:
            times = times.model_copy(update={"en_route_at": ctx.at})
        if new == TeamStatus.ON_SCENE and times.on_scene_at is None:
            times = times.model_copy(update={"on_scene_at": ctx.at})
        if times != incident.times:
            ctx.put_incident(incident, times=times)
    updates: dict[str, object] = {"status": new, "status_note": p.note}
    if new == TeamStatus.ON_SCENE:
        # Arriving starts the safety check-in clock afresh, and the scene is the
        # team's last known position (for the recommendation).
        updates["last_check_in"] = ctx.at
        updates["last_scene_incident_id"] = team.incident_id
    ctx.put_team(team, **updates)
    return ctx.changes


def _checked_in(ctx: _Context, p: ev.CheckedIn) -> Changes:
    team = ctx.team(ctx.event.entity_id)
    ctx.check_version(team.version)
    updates: dict[str, object] = {}
    if team.status == TeamStatus.ON_SCENE:
        # The check-in ends the on-scene overdue episode, and its alert.
        updates = {"escalated_for": None, "alert_acknowledged_for": None}
    ctx.put_team(team, last_check_in=ctx.at, status_note=p.note or team.status_note, **updates)
    return ctx.changes


def _team_created(ctx: _Context, p: ev.TeamCreated) -> Changes:
    if ctx.view.team(ctx.event.entity_id) is not None:
        raise _Rejected(
            RejectCode.DUPLICATE_ENTITY, tr("team {team} exists").format(team=p.call_sign)
        )
    team = Team(
        id=ctx.event.entity_id,
        call_sign=p.call_sign,
        provider=p.provider,
        division=p.division,
        status=TeamStatus.AVAILABLE,  # the program runs 24/7; a roster change is a status
        status_since=ctx.at,
        version=1,
        languages=p.languages,
        base_lat=p.base_lat,
        base_lon=p.base_lon,
    )
    ctx.changes.teams[team.id] = team
    return ctx.changes


def _status_word(status: TeamStatus) -> str:
    """A status as a refusal names it: its label, in the console's language."""
    return tr(status.label).lower()


def _clock_text(value: datetime) -> str:
    return f"{value.astimezone(UTC):%H:%M} UTC"


def _episode_start(team: Team) -> datetime:
    """When the clock of the team's current overdue episode started (timers.team_overdue)."""
    if team.status == TeamStatus.ON_SCENE and team.last_check_in is not None:
        return max(team.last_check_in, team.status_since)
    return team.status_since


def _current_episode(ctx: _Context, team: Team, overdue_since: datetime) -> None:
    """Refuse an alert event about an episode that has ended (a stale view)."""
    _check_utc(overdue_since, "overdue_since")
    if overdue_since > ctx.at:
        raise _Rejected(
            RejectCode.INVALID_PAYLOAD,
            tr("overdue_since {time} is after the event itself").format(
                time=overdue_since.isoformat()
            ),
        )
    start = _episode_start(team)
    if overdue_since <= start:
        ended = (
            tr("the alert has ended: team {team} checked in at {time}")
            if team.status == TeamStatus.ON_SCENE
            else tr("the alert has ended: team {team} changed status at {time}")
        )
        raise _Rejected(
            RejectCode.INVALID_TRANSITION,
            ended.format(team=team.call_sign, time=_clock_text(start)),
        )


def _alert_escalated(ctx: _Context, p: ev.AlertEscalated) -> Changes:
    team = ctx.team(ctx.event.entity_id)
    ctx.check_version(team.version)
    if p.status != team.status:
        raise _Rejected(
            RejectCode.INVALID_TRANSITION,
            tr("the alert has ended: team {team} is {status} now").format(
                team=team.call_sign, status=_status_word(team.status)
            ),
        )
    _current_episode(ctx, team, p.overdue_since)
    if team.escalated_for == p.overdue_since:
        raise _Rejected(
            RejectCode.INVALID_TRANSITION,
            tr("the alert of team {team} is escalated already").format(team=team.call_sign),
        )
    if team.alert_acknowledged_for == p.overdue_since:
        raise _Rejected(
            RejectCode.INVALID_TRANSITION,
            tr("the alert of team {team} was acknowledged: nothing to escalate").format(
                team=team.call_sign
            ),
        )
    ctx.put_team(team, escalated_for=p.overdue_since)
    return ctx.changes


def _alert_acknowledged(ctx: _Context, p: ev.AlertAcknowledged) -> Changes:
    team = ctx.team(ctx.event.entity_id)
    ctx.check_version(team.version)
    _current_episode(ctx, team, p.overdue_since)
    if team.alert_acknowledged_for == p.overdue_since:
        raise _Rejected(
            RejectCode.INVALID_TRANSITION,
            tr("the alert of team {team} is acknowledged already").format(team=team.call_sign),
        )
    ctx.put_team(team, alert_acknowledged_for=p.overdue_since)
    return ctx.changes


def _follow_up_scheduled(ctx: _Context, p: ev.FollowUpScheduled) -> Changes:
    # Open or closed: a follow-up is usually promised at the close.
    incident = ctx.incident(ctx.event.entity_id)
    ctx.check_version(incident.version)
    _check_utc(p.due_from, "due_from")
    _check_utc(p.due_by, "due_by")
    if p.due_by <= ctx.at:
        raise _Rejected(RejectCode.INVALID_PAYLOAD, tr("due_by is in the past"))
    follow_up = FollowUp(
        due_from=p.due_from,
        due_by=p.due_by,
        scheduled_at=ctx.at,
        scheduled_by=ctx.actor,
        note=p.note,
    )
    ctx.put_incident(incident, follow_up=follow_up)
    return ctx.changes


def _follow_up_done(ctx: _Context, p: ev.FollowUpDone) -> Changes:
    incident = ctx.incident(ctx.event.entity_id)
    ctx.check_version(incident.version)
    follow_up = incident.follow_up
    if follow_up is None or not follow_up.is_open:
        raise _Rejected(
            RejectCode.INVALID_TRANSITION,
            tr("incident {number} has no open follow-up").format(number=incident.number),
        )
    notes = incident.notes + ((_note(ctx, f"Follow-up done: {p.note}"),) if p.note else ())
    ctx.put_incident(
        incident,
        follow_up=follow_up.model_copy(update={"done_at": ctx.at, "done_by": ctx.actor}),
        notes=notes,
    )
    return ctx.changes


def _handoff_requested(ctx: _Context, p: ev.HandoffRequested) -> Changes:
    incident = ctx.incident(ctx.event.entity_id)
    ctx.check_version(incident.version)
    current = incident.handoff
    if current is not None and current.is_open and current.provider == p.provider:
        raise _Rejected(
            RejectCode.INVALID_TRANSITION,
            tr("incident {number} already awaits acceptance by {provider}").format(
                number=incident.number, provider=p.provider
            ),
        )
    # Another provider replaces an open request (the first one declined).
    handoff = Handoff(provider=p.provider, requested_at=ctx.at, requested_by=ctx.actor, note=p.note)
    ctx.put_incident(incident, handoff=handoff)
    return ctx.changes


def _handoff_accepted(ctx: _Context, p: ev.HandoffAccepted) -> Changes:
    incident = ctx.incident(ctx.event.entity_id)
    ctx.check_version(incident.version)
    handoff = incident.handoff
    if handoff is None or not handoff.is_open:
        raise _Rejected(
            RejectCode.INVALID_TRANSITION,
            tr("incident {number} has no handoff awaiting acceptance").format(
                number=incident.number
            ),
        )
    text = f"Handoff accepted by {handoff.provider}" + (f": {p.note}" if p.note else "")
    ctx.put_incident(
        incident,
        handoff=handoff.model_copy(update={"accepted_at": ctx.at, "accepted_by": p.accepted_by}),
        notes=(*incident.notes, _note(ctx, text)),
    )
    return ctx.changes


def _scheduled(ctx: _Context, p: ev.Scheduled) -> Changes:
    incident = ctx.open_incident()
    if incident.team_ids:
        raise _Rejected(
            RejectCode.INVALID_TRANSITION,
            tr("incident {number} has a team now; release it to plan the call for later").format(
                number=incident.number
            ),
        )
    team: Team | None = None
    hold_from: datetime | None = None
    if p.scheduled_for is None:
        if p.team_id is not None:
            raise _Rejected(
                RejectCode.INVALID_PAYLOAD, tr("a team is reserved only for a scheduled time")
            )
    else:
        _check_utc(p.scheduled_for, "scheduled_for")
        if p.scheduled_for <= ctx.at:
            raise _Rejected(RejectCode.INVALID_PAYLOAD, tr("scheduled_for is in the past"))
        hold_from = p.hold_from or p.scheduled_for
        _check_utc(hold_from, "hold_from")
        if hold_from > p.scheduled_for:
            raise _Rejected(RejectCode.INVALID_PAYLOAD, tr("hold_from is after scheduled_for"))
        if p.team_id is not None:
            team = ctx.team(p.team_id)
            held = team.reservation
            if held is not None and held.incident_id != incident.id:
                raise _Rejected(
                    RejectCode.TEAM_UNAVAILABLE,
                    tr("team {team} is reserved for {number} at {time}").format(
                        team=team.call_sign,
                        number=ctx.incident(held.incident_id).number,
                        time=_clock_text(held.at),
                    ),
                )
    previous = incident.reserved_team_id
    if previous is not None and (team is None or previous != team.id):
        ctx.put_team(ctx.team(previous), reservation=None)
    if team is not None and p.scheduled_for is not None and hold_from is not None:
        reservation = Reservation(incident_id=incident.id, at=p.scheduled_for, hold_from=hold_from)
        ctx.put_team(team, reservation=reservation)
    ctx.put_incident(
        incident,
        scheduled_for=p.scheduled_for,
        reserved_team_id=team.id if team is not None else None,
    )
    return ctx.changes


# How long a caution note holds when its author gives no expiry (issue 22).
CAUTION_DEFAULT_LIFETIME = timedelta(days=365)


def _caution_added(ctx: _Context, p: ev.CautionAdded) -> Changes:
    # Allowed on a closed incident too: the team often learns of the dog or
    # the weapon on scene and writes the note while documenting the call.
    incident = ctx.incident(ctx.event.entity_id)
    ctx.check_version(incident.version)
    expires_at = p.expires_at or ctx.at + CAUTION_DEFAULT_LIFETIME
    _check_utc(expires_at, "expires_at")
    if expires_at <= ctx.at:
        raise _Rejected(
            RejectCode.INVALID_PAYLOAD, tr("expires_at: must be after the note is made")
        )
    caution = Caution(
        at=ctx.at, author=ctx.actor, category=p.category, text=p.text, expires_at=expires_at
    )
    ctx.put_incident(incident, cautions=(*incident.cautions, caution))
    return ctx.changes


def _help_requested(ctx: _Context, p: ev.HelpRequested) -> Changes:
    # No version check: help must never lose to a status change made meanwhile.
    team = ctx.team(ctx.event.entity_id)
    if team.help is not None and team.help.is_open:
        # One alert per call for help: a second tap (or a retry with a new id)
        # while the first is not acknowledged adds nothing.
        raise _Rejected(
            RejectCode.INVALID_TRANSITION,
            tr("team {team} called for help at {time} already; it is not acknowledged yet").format(
                team=team.call_sign, time=_clock_text(team.help.requested_at)
            ),
        )
    if p.position_at is not None:
        _check_utc(p.position_at, "position_at")
    help_call = HelpCall(
        requested_at=ctx.at,
        requested_by=ctx.actor,
        event_id=ctx.event.event_id,
        incident_id=team.incident_id,
        note=p.note,
        lat=p.lat,
        lon=p.lon,
        accuracy_m=p.accuracy_m,
        position_at=p.position_at,
    )
    ctx.put_team(team, help=help_call)
    return ctx.changes


def _help_acknowledged(ctx: _Context, p: ev.HelpAcknowledged) -> Changes:
    team = ctx.team(ctx.event.entity_id)
    _check_utc(p.requested_at, "requested_at")
    current = team.help
    if current is None or current.requested_at != p.requested_at:
        raise _Rejected(
            RejectCode.INVALID_TRANSITION,
            tr("team {team} has no call for help made at {time}").format(
                team=team.call_sign, time=_clock_text(p.requested_at)
            ),
        )
    if not current.is_open:
        raise _Rejected(
            RejectCode.INVALID_TRANSITION,
            tr("the call for help of team {team} is acknowledged already").format(
                team=team.call_sign
            ),
        )
    acknowledged = current.model_copy(
        update={
            "acknowledged_at": ctx.at,
            "acknowledged_by": ctx.actor,
            "acknowledgement_note": p.note,
        }
    )
    ctx.put_team(team, help=acknowledged)
    return ctx.changes


# Each handler takes its event type's payload model (ev.PAYLOAD_MODELS).
_HANDLERS: dict[EventType, Callable[[_Context, Any], Changes]] = {
    EventType.INCIDENT_CREATED: _incident_created,
    EventType.INCIDENT_UPDATED: _incident_updated,
    EventType.INCIDENT_NOTE_ADDED: _note_added,
    EventType.INCIDENT_TEAM_ASSIGNED: _team_assigned,
    EventType.INCIDENT_TEAM_RELEASED: _team_released,
    EventType.INCIDENT_REDIRECTED: _redirected,
    EventType.INCIDENT_CLOSED: _closed,
    EventType.INCIDENT_REOPENED: _reopened,
    EventType.TEAM_STATUS_CHANGED: _status_changed,
    EventType.TEAM_CHECKED_IN: _checked_in,
    EventType.TEAM_CREATED: _team_created,
    EventType.TEAM_ALERT_ESCALATED: _alert_escalated,
    EventType.TEAM_ALERT_ACKNOWLEDGED: _alert_acknowledged,
    EventType.INCIDENT_FOLLOW_UP_SCHEDULED: _follow_up_scheduled,
    EventType.INCIDENT_FOLLOW_UP_DONE: _follow_up_done,
    EventType.INCIDENT_HANDOFF_REQUESTED: _handoff_requested,
    EventType.INCIDENT_HANDOFF_ACCEPTED: _handoff_accepted,
    EventType.INCIDENT_SCHEDULED: _scheduled,
    EventType.INCIDENT_CAUTION_ADDED: _caution_added,
    EventType.TEAM_HELP_REQUESTED: _help_requested,
    EventType.TEAM_HELP_ACKNOWLEDGED: _help_acknowledged,
}
