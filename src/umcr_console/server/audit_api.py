"""The audit log over HTTP: ``GET /api/v1/audit``, and the daily prune while serving.

The log itself (writing, verifying, pruning, reading) is server/audit.py; this
module only serves it, so the log has no reason to import sign-in or scoping.
"""

# No postponed annotations: FastAPI must see the local dependency in the
# endpoint signature of ``router`` (as in server/redirects.py).

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, timedelta
from typing import Annotated

import anyio
import sqlalchemy as sa
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query
from sqlalchemy.engine import Engine

from ..domain.enums import Role
from ..protocol import API_PREFIX, AuditEntry, AuditPage, Problem
from . import audit, auth, scope
from .access import signed_in
from .inputs import DateTimeQuery
from .logsafe import describe
from .settings import Settings

log = logging.getLogger(__name__)

PRUNE_INTERVAL = timedelta(days=1)
AUDIT_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR})
MAX_PAGE = 1000

_PROBLEMS = {
    code: {"model": Problem, "content": {"application/problem+json": {}}}
    for code in (401, 403, 422)
}


def router(settings: Settings, engine: Engine) -> APIRouter:
    """``GET /api/v1/audit`` for admins and supervisors, and the daily prune while serving."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Runs inside the app's lifespan, after the migration: prune before
        # serving, then daily.
        await _prune_once(engine, settings)
        task = asyncio.create_task(_prune_daily(engine, settings), name="umcr-audit-prune")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    api = APIRouter(prefix=API_PREFIX, lifespan=lifespan, tags=["audit"])
    supervisor = signed_in(engine, settings, AUDIT_ROLES, "read the audit log")

    @api.get("/audit", response_model=AuditPage, responses=_PROBLEMS)
    def audit_page(
        user: Annotated[auth.Principal, Depends(supervisor)],
        since: Annotated[DateTimeQuery | None, Query(description="RFC 3339; inclusive")] = None,
        until: Annotated[DateTimeQuery | None, Query(description="RFC 3339; exclusive")] = None,
        actor: Annotated[str | None, Query(max_length=100)] = None,
        action: Annotated[str | None, Query(max_length=40)] = None,
        entity_id: Annotated[str | None, Query(max_length=100)] = None,
        incident: Annotated[
            str | None, Query(max_length=36, description="an incident's id or number")
        ] = None,
        after: Annotated[int | None, Query(ge=0, le=2**62, description="oldest first")] = None,
        before: Annotated[int | None, Query(ge=0, le=2**62, description="newest first")] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = audit.DEFAULT_PAGE,
    ) -> AuditPage:
        """Extension: the audit log, newest first (or oldest first after ``after``)."""
        for name, value in (("since", since), ("until", until)):
            if value is not None and value.tzinfo is None:
                raise HTTPException(422, f"{name} needs a UTC offset (e.g. Z or +00:00)")
        for name, text in (("actor", actor), ("action", action), ("entity_id", entity_id)):
            if text is not None and audit.storable_text(text, 100) != text:
                raise HTTPException(422, f"{name}: not storable text")
        if incident is not None and audit.storable_text(incident, 36) != incident:
            raise HTTPException(422, "incident: not storable text")
        if after is not None and before is not None:
            raise HTTPException(422, "give after or before, not both")
        try:
            where = audit.AuditFilter(
                since=since.astimezone(UTC) if since else None,
                until=until.astimezone(UTC) if until else None,
                actor=actor,
                action=action,
                entity_id=entity_id,
                incident=incident,
            )
        except OverflowError:
            raise HTTPException(422, "since or until is out of range in UTC") from None
        if not scope.is_scoped(user):
            return audit.read_page(engine, where, after=after, before=before, limit=limit)
        # A provider's supervisor: only its provider's rows (server/scope.py),
        # reading on until the page is full so paging never stalls on a gap.
        kept: list[AuditEntry] = []
        while True:
            page = audit.read_page(engine, where, after=after, before=before, limit=limit)
            kept += scope.visible_audit(engine, user, page.entries)
            if len(kept) >= limit or not page.more:
                return AuditPage(entries=kept[:limit], more=page.more or len(kept) > limit)
            if after is not None:
                after = page.entries[-1].id
            else:
                before = page.entries[-1].id

    return api


async def _prune_once(engine: Engine, settings: Settings) -> None:
    retention = settings.audit_retention
    try:
        removed = await anyio.to_thread.run_sync(
            lambda: audit.prune(engine, retention, now=settings.clock())
        )
    except sa.exc.SQLAlchemyError as exc:
        # The next day's prune catches up; serving goes on.
        log.warning("audit prune failed: %s", describe(exc))
        return
    if removed:
        log.info("audit: %d row(s) older than %s pruned", removed, retention)


async def _prune_daily(engine: Engine, settings: Settings) -> None:
    while True:
        await asyncio.sleep(PRUNE_INTERVAL.total_seconds())
        await _prune_once(engine, settings)
