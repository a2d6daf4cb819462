"""Authors: users' signing keys, and proving who made an event another user sends.

After a shift change during an outage, the next user's console sends the
earlier user's pending actions. Each carries ``author`` and ``signature``
(domain/authorship.py); the server accepts one whose author is not the token's
user only if the signature verifies with a key that author enrolled from that
workstation (``POST /keys``), not revoked, and the author is still an enabled
user who may do it. It then records actor = the author, and the token's user as
the submitter (``event_submitters`` and the audit row's detail). Anything else
is refused ``author_unproven`` and audited, so a supervisor sees it; the console
holds the action and never sends it under another name.

docs/security.md, "Who did it: actions made offline across a shift change".
"""

# No postponed annotations: FastAPI must see the local dependency in the
# endpoint signature of ``router``.

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.engine import Connection, Engine

from ..domain import authorship
from ..domain.enums import RejectCode, Role
from ..domain.events import Event
from ..domain.permissions import may_write
from ..domain.rules import Rejection
from ..protocol import API_PREFIX, EnrolledKey, KeyEnrolment
from . import audit, auth
from .access import signed_in
from .db import author_keys, event_submitters, users, write_transaction
from .problems import problem_responses
from .settings import Settings


@dataclass(frozen=True)
class Proven:
    """The author of a delegated event, proved by ``key_id``."""

    principal: "auth.Principal"
    key_id: str


class KeyConflict(Exception):
    pass


def enrol(
    engine: Engine, principal: "auth.Principal", body: KeyEnrolment, *, now: datetime
) -> EnrolledKey:
    """Record the token user's public key for ``body.workstation_id``; idempotent.

    KeyConflict if the key is revoked, another user's, or bound to another workstation.
    """
    raw = authorship.decode_public(body.public_key)
    if raw is None:
        raise ValueError("public_key: not a base64url Ed25519 public key (32 bytes)")
    kid = authorship.key_id(raw)
    with write_transaction(engine) as conn:  # the writer lock: it appends to the audit chain
        row = conn.execute(sa.select(author_keys).where(author_keys.c.key_id == kid)).first()
        if row is not None:
            if row.username != principal.username or row.workstation_id != body.workstation_id:
                raise KeyConflict("this key is enrolled for another user or workstation")
            if row.revoked_at is not None:
                raise KeyConflict("this key was revoked: make a new one")
            return EnrolledKey(
                key_id=kid,
                username=row.username,
                workstation_id=row.workstation_id,
                enrolled_at=row.enrolled_at,
            )
        conn.execute(
            sa.insert(author_keys).values(
                key_id=kid,
                username=principal.username,
                workstation_id=body.workstation_id,
                public_key=authorship.encode_public(raw),
                enrolled_at=now,
            )
        )
        audit.record(
            conn,
            audit.KEY_ENROLLED,
            principal.username,
            at=now,
            workstation_id=body.workstation_id,
            entity_id=principal.username,
            detail=f"signing key {kid}",
        )
    return EnrolledKey(
        key_id=kid, username=principal.username, workstation_id=body.workstation_id, enrolled_at=now
    )


class Prover:
    """Proves the authors of one batch's delegated events (keys and users read once)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._keys: dict[str, Any] = {}
        self._users: dict[str, Any] = {}

    def _key(self, kid: str) -> Any:
        if kid not in self._keys:
            self._keys[kid] = self._conn.execute(
                sa.select(author_keys).where(author_keys.c.key_id == kid)
            ).first()
        return self._keys[kid]

    def _user(self, username: str) -> Any:
        if username not in self._users:
            self._users[username] = self._conn.execute(
                sa.select(
                    users.c.username,
                    users.c.role,
                    users.c.team_id,
                    users.c.provider,
                    users.c.disabled,
                ).where(users.c.username == username)
            ).first()
        return self._users[username]

    def prove(self, event: Event) -> Proven | Rejection:
        """The author's principal if ``event``'s signature proves it, else why not."""
        author = event.author or ""

        def unproven(why: str) -> Rejection:
            return Rejection(
                RejectCode.AUTHOR_UNPROVEN,
                f"made by {author}, who is not signed in, and it cannot be proved: {why}; "
                "held for a supervisor",
            )

        parts = authorship.split_signature(event.signature)
        if parts is None:
            return unproven("no signature (no key of theirs on this workstation)")
        kid, signature = parts
        key = self._key(kid)
        if key is None or key.username != author:
            return unproven(f"key {kid} is not one of theirs")
        if key.workstation_id != event.workstation_id:
            return unproven(f"key {kid} belongs to workstation {key.workstation_id}")
        if key.revoked_at is not None:
            return unproven(f"their key {kid} was revoked")
        user = self._user(author)
        if user is None:
            return unproven("no such user")
        if user.disabled:
            return unproven("the user is disabled")
        raw = authorship.decode_public(key.public_key)
        if raw is None or not authorship.verifies(raw, event, author, signature):
            return unproven("the signature does not verify (the action was changed or forged)")
        principal = auth.Principal(
            username=user.username,
            role=Role(user.role),
            team_id=user.team_id,
            provider=user.provider,
            expires_at=datetime.max.replace(tzinfo=UTC),
        )
        return Proven(principal, kid)


def record_submitters(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Who sent each accepted event made by another user: ``{seq, submitted_by, key_id}``."""
    if rows:
        conn.execute(sa.insert(event_submitters), rows)


def router(settings: Settings, engine: Engine) -> APIRouter:
    """``POST /api/v1/keys``: enrol the token user's signing key for a workstation."""
    api = APIRouter(prefix=API_PREFIX, tags=["auth"])

    @api.post(
        "/keys",
        response_model=EnrolledKey,
        responses=problem_responses(400, 401, 403, 409, 422),
    )
    def enrol_key(
        body: KeyEnrolment,
        user: Annotated[auth.Principal, Depends(signed_in(engine, settings))],
    ) -> EnrolledKey:
        """Extension: the signed-in user's Ed25519 public key for actions made on a workstation.

        Bound to the user and the workstation; revoked with the user. Idempotent.
        """
        if not may_write(user.role):
            raise HTTPException(403, f"the {user.role} role makes no actions to sign")
        try:
            return enrol(engine, user, body, now=settings.clock())
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        except KeyConflict as exc:
            raise HTTPException(409, str(exc)) from None

    return api
