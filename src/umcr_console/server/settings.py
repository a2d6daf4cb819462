"""What a server instance is configured with."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..config import load_deployment
from ..domain.config import Deployment
from ..protocol import KEEPALIVE_SECONDS
from .db import utc_now

KEEPALIVE_ENV = "UMCR_SSE_KEEPALIVE"
TOKEN_TTL_ENV = "UMCR_TOKEN_TTL"
FIELD_TOKEN_TTL_ENV = "UMCR_FIELD_TOKEN_TTL"
POSITION_RETENTION_ENV = "UMCR_POSITION_RETENTION_HOURS"
AUDIT_RETENTION_ENV = "UMCR_AUDIT_RETENTION_DAYS"
DEFAULT_TOKEN_TTL = timedelta(hours=12)  # a shift
# A field user's token (the phone page, issue 24): a short session; the page asks
# for the password again and keeps what it queued meanwhile.
DEFAULT_FIELD_TOKEN_TTL = timedelta(hours=4)
# Audit rows older than this are pruned (a year and a month: a year's records and then some).
DEFAULT_AUDIT_RETENTION = timedelta(days=400)
# 500 events of the largest allowed texts fit; anything bigger is refused unread (413).
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    database_url: str
    deployment: Deployment = field(default_factory=load_deployment)
    # Seconds between SSE keep-alive comments (protocol: at most 5).
    keepalive: float = KEEPALIVE_SECONDS
    token_ttl: timedelta = DEFAULT_TOKEN_TTL
    # A field user's token (the phone page, issue 24): a short session.
    field_token_ttl: timedelta = DEFAULT_FIELD_TOKEN_TTL
    # How long a team's reported positions are kept (docs/field.md).
    position_retention: timedelta = timedelta(hours=12)
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    # The server's clock; tests move it to expire tokens and locks.
    clock: Callable[[], datetime] = utc_now
    # Seconds uvicorn waits for open requests at shutdown before cancelling them.
    graceful_shutdown: float = 5.0
    # Audit rows older than this are pruned (server/audit.py; a year or more).
    audit_retention: timedelta = DEFAULT_AUDIT_RETENTION

    @classmethod
    def from_env(cls, database_url: str, deployment: str | None = None) -> Settings:
        """Settings with the overrides an operator (or a test) puts in the environment."""
        kwargs: dict[str, object] = {}
        if keepalive := os.environ.get(KEEPALIVE_ENV):
            value = float(keepalive)
            if not 0 < value <= KEEPALIVE_SECONDS:
                raise ValueError(f"{KEEPALIVE_ENV} must be in (0, {KEEPALIVE_SECONDS}]")
            kwargs["keepalive"] = value
        if ttl := os.environ.get(TOKEN_TTL_ENV):
            kwargs["token_ttl"] = timedelta(seconds=float(ttl))
        if ttl := os.environ.get(FIELD_TOKEN_TTL_ENV):
            kwargs["field_token_ttl"] = timedelta(seconds=float(ttl))
        if hours := os.environ.get(POSITION_RETENTION_ENV):
            value = float(hours)
            if not 0 < value <= 24 * 31:
                raise ValueError(f"{POSITION_RETENTION_ENV} must be in (0, 744] hours")
            kwargs["position_retention"] = timedelta(hours=value)
        if days := os.environ.get(AUDIT_RETENTION_ENV):
            kwargs["audit_retention"] = audit_retention_days(float(days))
        return cls(database_url=database_url, deployment=load_deployment(deployment), **kwargs)


def audit_retention_days(days: float) -> timedelta:
    """A retention period in days; refuses what is not a positive number of days."""
    if not 0 < days <= 36_500:
        raise ValueError(f"the audit retention must be in (0, 36500] days, not {days}")
    return timedelta(days=days)
