"""Events: what a client sends, and the payload each event type carries.

An ``Event`` is the envelope of protocol.md. Its payload is validated by the
payload model of its type (``PAYLOAD_MODELS``), the same on the server and in
the console, so a malformed payload is refused the same way everywhere.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from .enums import (
    Agency,
    CallType,
    CautionCategory,
    Disposition,
    EventType,
    Priority,
    Source,
    TeamStatus,
)
from .ids import canonical_uuid, uuid7
from .model import Caller, Location, Safety, SafetyWordsCheck

MAX_TEXT = 10_000
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
RequiredText = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_TEXT, strip_whitespace=True)
]
Name = Annotated[str, StringConstraints(max_length=200)]
# A UUID in any accepted spelling, normalised to lower-case hyphenated form.
UuidStr = Annotated[str, StringConstraints(max_length=64), AfterValidator(canonical_uuid)]


class Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class IncidentCreated(Payload):
    received_at: AwareDatetime
    source: Source
    call_type: CallType
    priority: Priority
    location: Location
    caller: Caller = Caller()
    language: Name = ""
    safety: Safety = Safety()
    narrative: Text = ""
    # Extensions of protocol.md:
    person: Text = ""
    # Why an unarmed team still takes a call the safety screen flagged.
    screen_override_reason: Text = ""
    # The incident whose follow-up this call is (source scheduled_follow_up):
    # the new incident links to it and its follow-up is marked done.
    follows_up: UuidStr | None = None
    # Safety words the intake read in the typed text, and the call-taker's
    # decision on them (docs/safety-screen.md); absent when none were found.
    safety_words: SafetyWordsCheck | None = None


class IncidentUpdated(Payload):
    """Only the fields to change; at least one."""

    source: Source | None = None
    call_type: CallType | None = None
    priority: Priority | None = None
    location: Location | None = None
    caller: Caller | None = None
    language: Name | None = None
    safety: Safety | None = None
    narrative: Text | None = None
    person: Text | None = None
    # Extension (issue 18): safety words in the changed text and the
    # dispatcher's decision on them (docs/safety-screen.md); not a field of
    # the incident, so it never makes an update on its own.
    safety_words: SafetyWordsCheck | None = None

    @model_validator(mode="after")
    def _no_nulls(self) -> IncidentUpdated:
        # None means "not given"; an explicit null would write None into a
        # required field of the incident (model_copy does not validate).
        nulls = sorted(name for name in self.model_fields_set if getattr(self, name) is None)
        if nulls:
            raise ValueError(
                f"{', '.join(nulls)}: null is not a value; leave a field out to keep it"
            )
        return self

    def changes(self) -> dict[str, Any]:
        """The incident's fields to change (``safety_words`` is a record, not a field)."""
        return {
            name: getattr(self, name) for name in self.model_fields_set if name != "safety_words"
        }


class NoteAdded(Payload):
    text: RequiredText
    # Extension (issue 18): safety words in the note and the decision on them.
    safety_words: SafetyWordsCheck | None = None


class TeamAssigned(Payload):
    team_id: UuidStr


class TeamReleased(Payload):
    team_id: UuidStr
    reason: Text = ""


class Redirected(Payload):
    agency: Agency
    reason: RequiredText


class Closed(Payload):
    disposition: Disposition
    note: Text = ""


class Reopened(Payload):
    reason: RequiredText


class StatusChanged(Payload):
    status: TeamStatus
    note: Text = ""


class CheckedIn(Payload):
    note: Text = ""


class TeamCreated(Payload):
    call_sign: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    provider: Name
    division: Name
    languages: tuple[Name, ...] = ()
    base_lat: float | None = Field(default=None, ge=-90, le=90)
    base_lon: float | None = Field(default=None, ge=-180, le=180)


class AlertEscalated(Payload):
    """An overdue team alert nobody acknowledged goes to the supervisors.

    ``overdue_since`` names the overdue episode (``timers.team_overdue``): one
    escalation per episode. ``status`` is the status that is overdue, so an
    escalation made on a stale view (the team moved on) is refused.
    """

    status: TeamStatus
    overdue_since: AwareDatetime
    reason: Text = ""


class AlertAcknowledged(Payload):
    """Someone on the floor has seen the overdue alert of this episode."""

    overdue_since: AwareDatetime
    note: Text = ""


class FollowUpScheduled(Payload):
    due_from: AwareDatetime
    due_by: AwareDatetime
    note: Text = ""

    @model_validator(mode="after")
    def _window(self) -> FollowUpScheduled:
        if self.due_by < self.due_from:
            raise ValueError("due_by is before due_from")
        return self


class FollowUpDone(Payload):
    note: Text = ""


class HandoffRequested(Payload):
    provider: Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
    note: Text = ""


class HandoffAccepted(Payload):
    accepted_by: Name = ""
    note: Text = ""


class Scheduled(Payload):
    """Plan a pending call for later, optionally holding a team for it.

    ``scheduled_for`` null makes it an ordinary call again. ``hold_from``
    (default: ``scheduled_for``) is when the reserved team stops taking other
    calls; the console sets it from the deployment's lead time.
    """

    scheduled_for: AwareDatetime | None
    team_id: UuidStr | None = None
    hold_from: AwareDatetime | None = None


class CautionAdded(Payload):
    """A caution note on the incident's place (issue 22, docs/locations.md).

    ``expires_at`` null: the rules set it twelve months after the event.
    """

    category: CautionCategory
    text: RequiredText
    expires_at: AwareDatetime | None = None


class HelpRequested(Payload):
    """A field team needs help now (issue 24, docs/field.md).

    The position is the phone's last known one, if the team let it share
    it; ``position_at`` says how old it is. Personal data of the worker:
    the wall never gets it.
    """

    note: Text = ""
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    accuracy_m: float | None = Field(default=None, ge=0, le=100_000)
    position_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def _point(self) -> HelpRequested:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give lat and lon together")
        return self


class HelpAcknowledged(Payload):
    """A dispatcher has the team's help call (``requested_at`` names which one)."""

    requested_at: AwareDatetime
    note: Text = ""


PAYLOAD_MODELS: dict[EventType, type[Payload]] = {
    EventType.INCIDENT_CREATED: IncidentCreated,
    EventType.INCIDENT_UPDATED: IncidentUpdated,
    EventType.INCIDENT_NOTE_ADDED: NoteAdded,
    EventType.INCIDENT_TEAM_ASSIGNED: TeamAssigned,
    EventType.INCIDENT_TEAM_RELEASED: TeamReleased,
    EventType.INCIDENT_REDIRECTED: Redirected,
    EventType.INCIDENT_CLOSED: Closed,
    EventType.INCIDENT_REOPENED: Reopened,
    EventType.TEAM_STATUS_CHANGED: StatusChanged,
    EventType.TEAM_CHECKED_IN: CheckedIn,
    EventType.TEAM_CREATED: TeamCreated,
    EventType.TEAM_ALERT_ESCALATED: AlertEscalated,
    EventType.TEAM_ALERT_ACKNOWLEDGED: AlertAcknowledged,
    EventType.INCIDENT_FOLLOW_UP_SCHEDULED: FollowUpScheduled,
    EventType.INCIDENT_FOLLOW_UP_DONE: FollowUpDone,
    EventType.INCIDENT_HANDOFF_REQUESTED: HandoffRequested,
    EventType.INCIDENT_HANDOFF_ACCEPTED: HandoffAccepted,
    EventType.INCIDENT_SCHEDULED: Scheduled,
    EventType.INCIDENT_CAUTION_ADDED: CautionAdded,
    EventType.TEAM_HELP_REQUESTED: HelpRequested,
    EventType.TEAM_HELP_ACKNOWLEDGED: HelpAcknowledged,
}


class Ref(StrEnum):
    """What a payload field that names another record refers to."""

    INCIDENT = "incident"
    TEAM = "team"
    PROVIDER = "provider"


# Every payload field that names another record, by event type: the one list the
# server's provider scoping walks (server/scope.py, ``ProviderScope.forbids``), so a
# reference can never slip past it. tests/domain/test_event_references.py fails
# when a payload grows a field that looks like a reference and is not listed here
# (or in ``NOT_REFERENCES``).
REFERENCES: dict[str, dict[str, Ref]] = {
    EventType.INCIDENT_CREATED: {"follows_up": Ref.INCIDENT},
    EventType.INCIDENT_TEAM_ASSIGNED: {"team_id": Ref.TEAM},
    EventType.INCIDENT_TEAM_RELEASED: {"team_id": Ref.TEAM},
    EventType.INCIDENT_SCHEDULED: {"team_id": Ref.TEAM},
    EventType.INCIDENT_HANDOFF_REQUESTED: {"provider": Ref.PROVIDER},
    EventType.TEAM_CREATED: {"provider": Ref.PROVIDER},
}
# Fields whose names look like references but are not: free text, a time.
NOT_REFERENCES: dict[str, frozenset[str]] = {
    EventType.INCIDENT_HANDOFF_ACCEPTED: frozenset({"accepted_by"}),
    EventType.INCIDENT_FOLLOW_UP_SCHEDULED: frozenset({"due_by"}),
}


def references(event_type: str, payload: dict[str, Any]) -> list[tuple[Ref, str]]:
    """(kind, id or name) of each record ``payload`` names, in field order; nulls left out.

    Judged before the payload is validated, so an id is put in the canonical
    form the rules will look it up by (an upper-case spelling must not miss the
    record here and find it there); a value that is no UUID is kept as sent
    (the rules refuse the payload).
    """
    found: list[tuple[Ref, str]] = []
    for name, kind in REFERENCES.get(event_type, {}).items():
        value = payload.get(name)
        if value is None:
            continue
        text = str(value)
        if kind != Ref.PROVIDER:
            with contextlib.suppress(ValueError):
                text = canonical_uuid(text)
        found.append((kind, text))
    return found


class Event(BaseModel):
    """One event as a client sends it, plus what the server adds on acceptance.

    ``type`` is kept as a string here: an unknown type is a per-event
    rejection, not a malformed batch.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: UuidStr
    type: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    entity_id: UuidStr
    occurred_at: AwareDatetime
    workstation_id: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    expected_version: int | None = Field(default=None, ge=0)
    payload: dict[str, Any] = Field(default_factory=dict)
    # Set by the server on acceptance; a client cannot choose them.
    seq: int | None = None
    recorded_at: datetime | None = None
    actor: str | None = None
    # Extensions (docs/server.md, "Authors"): the user who made the event and
    # their signature, sent only when that is not the token's user (an action
    # made offline before a shift change). Left out of the JSON when unset, so
    # what a server sends and an older console reads is protocol v1 exactly.
    author: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = Field(
        default=None, exclude_if=lambda v: v is None
    )
    signature: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        default=None, exclude_if=lambda v: v is None
    )
    # Extension: the server's signature of an accepted event, sent only to a
    # console that asks for it, so that after a restore from backup the server
    # can take the event back from that console (docs/server.md, "Restore").
    server_sig: Annotated[str, StringConstraints(max_length=100)] | None = Field(
        default=None, exclude_if=lambda v: v is None
    )


def make_event(
    event_type: EventType,
    entity_id: str,
    payload: BaseModel | dict[str, Any],
    *,
    workstation_id: str,
    occurred_at: datetime,
    event_id: str | None = None,
    expected_version: int | None = None,
) -> Event:
    """A new event as a client makes it, with a fresh UUIDv7 unless given."""
    if isinstance(payload, BaseModel):
        # An update carries only the fields it changes.
        data = payload.model_dump(mode="json", exclude_unset=isinstance(payload, IncidentUpdated))
        if data.get("safety_words", ...) is None:
            del data["safety_words"]  # the extension is absent, not null, when nothing was found
    else:
        data = payload
    return Event(
        event_id=event_id or uuid7(),
        type=event_type,
        entity_id=entity_id,
        occurred_at=occurred_at,
        workstation_id=workstation_id,
        expected_version=expected_version,
        payload=data,
    )
