"""Who a request acts for: the bearer token, checked the same way on every router."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Annotated

from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine

from ..domain.enums import Role
from ..protocol import ACCOUNT_DISABLED_PROBLEM, REVOKED_CHALLENGE, SESSION_REVOKED_PROBLEM
from . import auth
from .auth import Principal
from .problems import ProblemError
from .settings import Settings

BEARER = HTTPBearer(auto_error=False, description="A token from POST /api/v1/auth/token")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]


def principal_of(
    engine: Engine, settings: Settings, credentials: HTTPAuthorizationCredentials | None
) -> Principal:
    """The token's user, or 401 saying whether to sign in again or to ask the user."""
    if credentials is None:
        raise HTTPException(
            401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"}
        )
    principal = auth.authenticate(engine, credentials.credentials, now=settings.clock())
    if principal is not None:
        return principal
    ended = auth.ended_by(engine, credentials.credentials)
    if ended == "disabled":
        # The same challenge as a revoked session (a console that predates
        # disabling asks its user); the type tells a newer one the account is off.
        raise ProblemError(
            401,
            "this account was disabled by an administrator",
            ACCOUNT_DISABLED_PROBLEM,
            headers={"WWW-Authenticate": REVOKED_CHALLENGE},
        )
    if ended == "revoked":
        # The console must ask its user, not reuse a password it keeps.
        raise ProblemError(
            401,
            "this session was ended (revoked or signed out): sign in again with your password",
            SESSION_REVOKED_PROBLEM,
            headers={"WWW-Authenticate": REVOKED_CHALLENGE},
        )
    raise HTTPException(
        401,
        "the token is unknown or expired: sign in again",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def signed_in(
    engine: Engine,
    settings: Settings,
    roles: Collection[Role] | None = None,
    what: str = "",
) -> Callable[[HTTPAuthorizationCredentials | None], Principal]:
    """A FastAPI dependency: the request's user, 403 unless its role is in ``roles``."""

    def dependency(credentials: Credentials) -> Principal:
        principal = principal_of(engine, settings, credentials)
        if roles is not None and principal.role not in roles:
            raise HTTPException(403, f"the {principal.role} role may not {what}")
        return principal

    return dependency
