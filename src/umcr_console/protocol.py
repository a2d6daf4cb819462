"""Wire schemas of the central server API, version 1 (docs/protocol.md).

Shared by the server (request validation, OpenAPI) and the clients (parsing
answers), so both read the same contract.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from .domain.config import Costs
from .domain.enums import RejectCode, Role
from .domain.events import Event
from .domain.model import Incident, Team
from .domain.reports import DurationStats, Figures, Report

API_PREFIX = "/api/v1"
MAX_BATCH = 500
PROBLEM_JSON = "application/problem+json"
KEEPALIVE_SECONDS = 5.0
# Extension: the 401 challenge for a token an administrator revoked (RFC 6750
# error_description). A console that sees it asks its user for the password
# instead of signing in again with one it keeps.
REVOKED_CHALLENGE = 'Bearer error="invalid_token", error_description="revoked"'
# Extension: problem types (RFC 9457 ``type``) a console acts on. A session an
# administrator ended (401, with REVOKED_CHALLENGE), and the right password of
# a disabled account (403 from POST /auth/token): either way the console asks
# its user and forgets the offline verifier it keeps for that user.
SESSION_REVOKED_PROBLEM = "urn:umcr:problem:session-revoked"
ACCOUNT_DISABLED_PROBLEM = "urn:umcr:problem:account-disabled"
# 429 from POST /auth/token: too many sign-ins; retry after Retry-After seconds.
TOO_MANY_SIGN_INS_PROBLEM = "urn:umcr:problem:too-many-sign-ins"


class Wire(BaseModel):
    """What a client sends: strict, an unknown field is an error (protocol.md)."""

    model_config = ConfigDict(extra="forbid")


class Answer(BaseModel):
    """What the server answers: a client ignores fields it does not know, so a
    newer server may add fields (protocol.md: "extend it, never break it")
    without breaking consoles that were not upgraded yet."""

    model_config = ConfigDict(extra="ignore")


class TokenRequest(Wire):
    username: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=1000)]


class TokenResponse(Answer):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    role: Role
    expires_at: datetime
    # Extensions: who the token is for, and a field user's own team.
    username: str
    team_id: str | None = None
    # The user's provider; None for central users (docs/security.md, scoping).
    provider: str | None = None


class Health(Answer):
    status: Literal["ok"] = "ok"
    version: str
    seq: int
    time: datetime


class Snapshot(Answer):
    seq: int
    incidents: list[Incident]
    teams: list[Team]


class EventBatch(Wire):
    events: Annotated[list[Event], Field(min_length=1, max_length=MAX_BATCH)]


class ResultStatus(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


class EventResult(Answer):
    event_id: str
    status: ResultStatus
    seq: int | None = None
    code: RejectCode | None = None
    detail: str | None = None


class BatchResult(Answer):
    results: list[EventResult]


class EventPage(Answer):
    events: list[Event]
    last_seq: int


class Problem(Answer):
    type: str = "about:blank"
    title: str
    status: int
    detail: str


class AccountLock(Answer):
    """Extension: an account locked for one source address (GET /auth/lockouts)."""

    username: str
    source: str
    until: datetime
    failures: int


class Lockouts(Answer):
    """Extension: the sign-in locks in force, newest first (admins and supervisors)."""

    locks: list[AccountLock]


# --- Extension: program reports (GET /api/v1/reports, docs/server.md) -------


class ReportDurations(Answer):
    """Minutes; ``None`` when no incident of the group has the duration."""

    count: int
    mean_min: float | None
    median_min: float | None
    p90_min: float | None

    @classmethod
    def of(cls, stats: DurationStats) -> ReportDurations:
        return cls(
            count=stats.count,
            mean_min=stats.mean_min,
            median_min=stats.median_min,
            p90_min=stats.p90_min,
        )


class ReportFigures(Answer):
    """The figures of one group of calls, as ``domain.reports.figures`` defines them."""

    calls: int
    handled: int
    redirected: int
    redirect_rate: float | None
    open_now: int
    response: ReportDurations
    on_scene: ReportDurations
    dispositions: dict[str, int]
    interventions: int
    cost_unarmed: float
    cost_police: float
    cost_avoided: float
    # Added later: defaults, so an older server's answer still parses.
    follow_ups_scheduled: int = 0
    follow_ups_done: int = 0

    @classmethod
    def of(cls, figures: Figures) -> ReportFigures:
        return cls(
            calls=figures.calls,
            handled=figures.handled,
            redirected=figures.redirected,
            redirect_rate=figures.redirect_rate,
            open_now=figures.open_now,
            response=ReportDurations.of(figures.response),
            on_scene=ReportDurations.of(figures.on_scene),
            dispositions=dict(figures.dispositions),
            interventions=figures.interventions,
            cost_unarmed=figures.cost_unarmed,
            cost_police=figures.cost_police,
            cost_avoided=figures.cost_avoided,
            follow_ups_scheduled=figures.follow_ups_scheduled,
            follow_ups_done=figures.follow_ups_done,
        )


class ProgramReport(Answer):
    """``GET /api/v1/reports``: calls received in [start, end), as of event ``seq``.

    Aggregates only: no incident, caller or person appears, so the wall role
    may read it too.
    """

    start: datetime
    end: datetime
    seq: int
    costs: Costs
    total: ReportFigures
    by_division: dict[str, ReportFigures]
    by_call_type: dict[str, ReportFigures]
    by_provider: dict[str, ReportFigures]

    @classmethod
    def of(cls, report: Report, *, seq: int, costs: Costs) -> ProgramReport:
        def table(groups: dict[str, Figures]) -> dict[str, ReportFigures]:
            return {name: ReportFigures.of(f) for name, f in groups.items()}

        return cls(
            start=report.start,
            end=report.end,
            seq=seq,
            costs=costs,
            total=ReportFigures.of(report.total),
            by_division=table(report.by_division),
            by_call_type=table(report.by_call_type),
            by_provider=table(report.by_provider),
        )


class AuditEntry(Answer):
    """Extension: one row of the audit log (``GET /api/v1/audit``, docs/security.md).

    ``before`` and ``after`` of an accepted event: ``{"incidents": {id: fields},
    "teams": {id: fields}}`` with the fields the event changed (``before`` of a
    new entity is null); of a rejected one, the entity's whole state before and
    null after.
    """

    id: int
    at: datetime
    actor: str
    workstation_id: str | None = None
    action: str
    event_type: str | None = None
    entity_id: str | None = None
    incident_id: str | None = None
    incident_number: str | None = None
    event_id: str | None = None
    seq: int | None = None
    reject_code: str | None = None
    detail: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    hash: str


class AuditPage(Answer):
    """Extension: a page of audit rows; ``more``: the next page has rows."""

    entries: list[AuditEntry]
    more: bool


class KeyEnrolment(Wire):
    """Extension: ``POST /keys``, a user's public key for signing actions on a workstation."""

    workstation_id: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    # Ed25519, 32 bytes, base64url without padding.
    public_key: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class EnrolledKey(Answer):
    """Extension: the answer to ``POST /keys``."""

    key_id: str
    username: str
    workstation_id: str
    enrolled_at: datetime


class RecoverBatch(Wire):
    """Extension: ``POST /recover``, events a console gives back after a restore.

    Each as the server sent it (``seq`` the original one, ``server_sig`` set).
    ``gap_ok``: the console waited for earlier lost events from other consoles
    long enough; take these even though some before them never came.
    """

    workstation_id: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    gap_ok: bool = False
    events: Annotated[list[Event], Field(min_length=1, max_length=MAX_BATCH)]


class RecoverResult(Answer):
    """``recovered`` (with its new seq), ``present`` (the log has it), ``later``
    (an earlier lost event is still awaited: offer it again) or ``refused``."""

    event_id: str
    status: str
    seq: int | None = None
    detail: str | None = None


class RecoverResults(Answer):
    results: list[RecoverResult]


class RecoveryReport(Answer):
    """Extension: ``GET /recovery``, the latest restore from backup and how it healed."""

    restored: bool
    detected_at: datetime | None = None
    fork_seq: int | None = None
    lost_through: int | None = None
    next_original: int | None = None
    recovered: list[dict[str, str | int | None]] = Field(default_factory=list)
    # Original seqs of the lost range that no console has given back (yet).
    missing: list[int] = Field(default_factory=list)


__all__ = [
    "API_PREFIX",
    "KEEPALIVE_SECONDS",
    "MAX_BATCH",
    "PROBLEM_JSON",
    "AuditEntry",
    "AuditPage",
    "AwareDatetime",
    "BatchResult",
    "EnrolledKey",
    "Event",
    "EventBatch",
    "EventPage",
    "EventResult",
    "Health",
    "KeyEnrolment",
    "Problem",
    "ProgramReport",
    "RecoverBatch",
    "RecoverResult",
    "RecoverResults",
    "RecoveryReport",
    "ReportDurations",
    "ReportFigures",
    "ResultStatus",
    "Snapshot",
    "TokenRequest",
    "TokenResponse",
]


class TeamPosition(Wire):
    """Extension (issue 24): where a field team last reported itself, and how long ago."""

    team_id: str
    lat: float
    lon: float
    accuracy_m: float | None = None
    at: datetime
    age_s: float


class Positions(Wire):
    """``GET /api/v1/field/positions``: each team's newest position within the retention."""

    retention_hours: float
    positions: list[TeamPosition]
