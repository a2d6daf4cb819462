"""Entities: incidents and teams, immutable values that the rules replace.

They are pydantic models so that the server, the wire and the local store
serialise them one way. They are frozen: a rule returns a new value and never
edits one in place, which keeps "confirmed state + pending events" cheap and
safe to recompute.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
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
    IncidentState,
    Priority,
    Source,
    TeamStatus,
)

ShortText = Annotated[str, StringConstraints(max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=10_000)]


class Entity(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Location(Entity):
    address: ShortText = ""
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    division: ShortText | None = None


class Caller(Entity):
    name: ShortText = ""
    phone: Annotated[str, StringConstraints(max_length=40)] = ""


class Safety(Entity):
    """The eligibility screen: any True means not for an unarmed team."""

    weapons: bool = False
    violence: bool = False
    medical: bool = False
    crime: bool = False

    @property
    def any_flag(self) -> bool:
        return self.weapons or self.violence or self.medical or self.crime


class SafetyWordFound(Entity):
    """Words of the safety word lists found in what the call-taker typed."""

    category: Literal["weapons", "violence", "medical", "crime"]
    words: ShortText  # as typed, e.g. "gun", "no respira"
    field: ShortText  # narrative, person, address, caller
    language: ShortText = ""


class SafetyWordsCheck(Entity):
    """The intake read safety words in the typed text; the call-taker decided.

    ``confirmed``: the words are a danger, the safety screen was raised.
    ``cleared``: they are not (a reason is required: "the gun is a toy").
    docs/safety-screen.md.
    """

    found: tuple[SafetyWordFound, ...] = Field(min_length=1, max_length=50)
    decision: Literal["confirmed", "cleared"]
    reason: LongText = ""

    @model_validator(mode="after")
    def _reason_to_clear(self) -> SafetyWordsCheck:
        if self.decision == "cleared" and not self.reason.strip():
            raise ValueError("clearing safety words needs the reason they are no danger")
        return self

    def summary(self) -> str:
        """One line for a note: "weapons: gun (narrative)"."""
        by_category: dict[str, list[str]] = {}
        for found in self.found:
            by_category.setdefault(found.category, []).append(f"{found.words} ({found.field})")
        return "; ".join(f"{c}: {', '.join(w)}" for c, w in by_category.items())


class IncidentTimes(Entity):
    dispatched_at: datetime | None = None
    en_route_at: datetime | None = None
    on_scene_at: datetime | None = None
    closed_at: datetime | None = None


class Note(Entity):
    at: datetime
    author: str
    workstation_id: str
    text: LongText


class FollowUp(Entity):
    """A follow-up visit or call promised at close, due within a window."""

    due_from: datetime
    due_by: datetime
    scheduled_at: datetime
    scheduled_by: str = ""
    note: str = ""  # personal data: stripped for the wall
    done_at: datetime | None = None
    done_by: str = ""
    # The incident the follow-up became (``Incident.follows_up`` points back).
    incident_id: str | None = None

    @property
    def is_open(self) -> bool:
        return self.done_at is None


class Handoff(Entity):
    """A warm handoff to a named provider: open until its acceptance is recorded."""

    provider: ShortText
    requested_at: datetime
    requested_by: str = ""
    note: str = ""  # personal data: stripped for the wall
    accepted_at: datetime | None = None
    accepted_by: str = ""  # who at the provider took it: stripped for the wall

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None


class Caution(Entity):
    """A caution note on the incident's place (issue 22): personal, never on the wall."""

    at: datetime
    author: str
    category: CautionCategory
    text: LongText
    expires_at: datetime

    def active(self, now: datetime) -> bool:
        return self.expires_at > now


class HelpCall(Entity):
    """A field team's "help now" (issue 24): open until a dispatcher acknowledges it.

    The position and the notes are personal data of the worker: the wall gets
    none of them (``privacy.redact_team``).
    """

    requested_at: datetime
    requested_by: str = ""
    event_id: str = ""
    incident_id: str | None = None  # the call the team was on, if any
    note: str = ""
    lat: float | None = None
    lon: float | None = None
    accuracy_m: float | None = None
    position_at: datetime | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str = ""
    acknowledgement_note: str = ""

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None


class Reservation(Entity):
    """A team held for a scheduled call (``incident.scheduled``).

    The team stays available for other calls until ``hold_from``; from then
    on only its scheduled call may have it.
    """

    incident_id: str
    at: datetime
    hold_from: datetime


class Incident(Entity):
    id: str
    number: str
    version: int
    state: IncidentState
    received_at: AwareDatetime
    priority: Priority
    call_type: CallType
    source: Source
    location: Location
    team_ids: tuple[str, ...] = ()
    times: IncidentTimes = IncidentTimes()
    disposition: Disposition | None = None
    redirected_to: Agency | None = None
    redirect_reason: str | None = None
    # Personal data: stripped for the wall role (see privacy.py).
    caller: Caller = Caller()
    person: str = ""
    narrative: str = ""
    notes: tuple[Note, ...] = ()
    language: str = ""
    safety: Safety = Safety()
    created_by: str = ""
    updated_at: datetime | None = None
    # Extensions (issue 5); defaults, so stored incidents without them still load.
    # Every team ever assigned (team_ids forgets a team once it clears): workload.
    assigned_team_ids: tuple[str, ...] = ()
    follow_up: FollowUp | None = None
    handoff: Handoff | None = None
    follows_up: str | None = None  # the incident whose follow-up this one is
    scheduled_for: datetime | None = None  # a call planned for later
    reserved_team_id: str | None = None
    # Teams taken off the incident while it was open (released, or cleared by a
    # status) and not assigned again: their provider's hold on it ends
    # (``permissions.provider_holds``). A team still on it at the close keeps it.
    released_team_ids: tuple[str, ...] = ()
    # Extension (issue 22): caution notes on this incident's place.
    cautions: tuple[Caution, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.state != IncidentState.CLOSED

    @property
    def has_open_work(self) -> bool:
        """A follow-up not done or a handoff not accepted: the incident must not be forgotten."""
        return bool(
            (self.follow_up and self.follow_up.is_open) or (self.handoff and self.handoff.is_open)
        )


class Team(Entity):
    id: str
    call_sign: str
    provider: str
    division: str
    status: TeamStatus
    status_since: datetime
    incident_id: str | None = None
    version: int
    last_check_in: datetime | None = None
    languages: tuple[str, ...] = ()
    base_lat: float | None = None
    base_lon: float | None = None
    status_note: str = ""
    # Extensions (issue 5), all with defaults so stored teams still load.
    # The incident where the team was last on scene: its last known position.
    last_scene_incident_id: str | None = None
    # The overdue episode (its start) escalated to supervisors / acknowledged;
    # cleared when the status changes or the team checks in.
    escalated_for: datetime | None = None
    alert_acknowledged_for: datetime | None = None
    reservation: Reservation | None = None
    # Extension (issue 24): the team's newest help call, open or acknowledged.
    help: HelpCall | None = None
