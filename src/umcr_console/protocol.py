"""Wire schemas of the central server API, version 1 (docs/protocol.md).

Shared by the server (request validation, OpenAPI) and the clients (parsing
answers), so both read the same contract.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from .domain.enums import RejectCode, Role
from .domain.events import Event
from .domain.model import Incident, Team

API_PREFIX = "/api/v1"
MAX_BATCH = 500
PROBLEM_JSON = "application/problem+json"
KEEPALIVE_SECONDS = 5.0


class Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TokenRequest(Wire):
    username: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=1000)]


class TokenResponse(Wire):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    role: Role
    expires_at: datetime
    # Extensions: who the token is for, and a field user's own team.
    username: str
    team_id: str | None = None


class Health(Wire):
    status: Literal["ok"] = "ok"
    version: str
    seq: int
    time: datetime


class Snapshot(Wire):
    seq: int
    incidents: list[Incident]
    teams: list[Team]


class EventBatch(Wire):
    events: Annotated[list[Event], Field(min_length=1, max_length=MAX_BATCH)]


class ResultStatus(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


class EventResult(Wire):
    event_id: str
    status: ResultStatus
    seq: int | None = None
    code: RejectCode | None = None
    detail: str | None = None


class BatchResult(Wire):
    results: list[EventResult]


class EventPage(Wire):
    events: list[Event]
    last_seq: int


class Problem(Wire):
    type: str = "about:blank"
    title: str
    status: int
    detail: str


__all__ = [
    "API_PREFIX",
    "KEEPALIVE_SECONDS",
    "MAX_BATCH",
    "PROBLEM_JSON",
    "AwareDatetime",
    "BatchResult",
    "Event",
    "EventBatch",
    "EventPage",
    "EventResult",
    "Health",
    "Problem",
    "ResultStatus",
    "Snapshot",
    "TokenRequest",
    "TokenResponse",
]
