"""What a server instance is configured with."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..config import load_deployment
from ..domain.config import Deployment
from ..protocol import KEEPALIVE_SECONDS
from .auth import DEFAULT_TOKEN_TTL
from .db import utc_now

KEEPALIVE_ENV = "UMCR_SSE_KEEPALIVE"
TOKEN_TTL_ENV = "UMCR_TOKEN_TTL"
# 500 events of the largest allowed texts fit; anything bigger is refused unread (413).
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    database_url: str
    deployment: Deployment = field(default_factory=load_deployment)
    # Seconds between SSE keep-alive comments (protocol: at most 5).
    keepalive: float = KEEPALIVE_SECONDS
    token_ttl: timedelta = DEFAULT_TOKEN_TTL
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    # The server's clock; tests move it to expire tokens and locks.
    clock: Callable[[], datetime] = utc_now
    # Seconds uvicorn waits for open requests at shutdown before cancelling them.
    graceful_shutdown: float = 5.0

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
        return cls(database_url=database_url, deployment=load_deployment(deployment), **kwargs)
