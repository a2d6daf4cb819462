"""Users, password hashes, bearer tokens and the login lockout.

Passwords: Argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile),
memory-hard so a stolen users table is expensive to crack. Tokens: 32 random
bytes, URL-safe; only their sha256 is stored, so a copy of the database does
not hand out sessions. Lockout: 5 failed sign-ins for one user from one
source address within 10 minutes lock the account for that address for 10
minutes, even for the right password; other addresses can still sign in, so a
stranger who knows the user names cannot lock the floor out
(docs/security.md, "Sign-in: lockout, rate limits and the password policy").
New passwords must pass the policy of server/passwords.py.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Connection, Engine

from ..domain.enums import Role
from ..domain.ids import name_id
from . import audit
from .db import author_keys, login_failures, tokens, users, utc_now, write_transaction
from .passwords import check_password

log = logging.getLogger(__name__)

LOCKOUT_ATTEMPTS = 5
LOCKOUT_WINDOW = timedelta(minutes=10)
LOCKOUT_DURATION = timedelta(minutes=10)
USERNAME_MAX = 100

# RFC 9106's low-memory profile (t=3, 64 MiB) on one lane: a hash uses one
# core, so a sign-in never takes the whole machine from the floor's requests.
# Hashes made earlier (4 lanes) still verify: Argon2 reads them from the hash.
_hasher = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=1)
# Each Argon2 hash takes 64 MiB: bound how many run at once so a burst of
# sign-ins cannot exhaust memory (the server also admits few at once: signin_gate).
_hash_slots = threading.BoundedSemaphore(2)
# Where a sign-in came from when the transport does not say (a test client).
UNKNOWN_SOURCE = "unknown"
SOURCE_MAX = 100


@functools.cache
def _dummy_hash() -> str:
    """Verified against for unknown users, so their answer takes as long as a real one."""
    return hash_password(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    with _hash_slots:
        return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    with _hash_slots:
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def valid_username(name: str) -> bool:
    """Printable, no spaces, no NUL (PostgreSQL text cannot hold it), not too long."""
    return (
        0 < len(name) <= USERNAME_MAX and name.isprintable() and not any(c.isspace() for c in name)
    )


@dataclass(frozen=True)
class Principal:
    """Who a request acts for: the user of its bearer token."""

    username: str
    role: Role
    team_id: str | None
    provider: str | None
    expires_at: datetime


@dataclass(frozen=True)
class IssuedToken:
    token: str
    principal: Principal


class Locked(Exception):
    def __init__(self, until: datetime) -> None:
        super().__init__(f"locked until {until.isoformat()}")
        self.until = until


class BadCredentials(Exception):
    pass


class Disabled(Exception):
    """The right password of a disabled account: the console forgets it (403)."""


def add_user(
    engine: Engine,
    username: str,
    role: Role | str,
    password: str,
    *,
    team_call_sign: str | None = None,
    provider: str | None = None,
    password_hash: str | None = None,
    now: datetime | None = None,
    actor: str = "system",
) -> None:
    """Create a user, or replace the role and password of an existing one.

    The password must pass the policy (passwords.check_password: WeakPassword,
    a ValueError, says why). ``password_hash`` lets tests and the demo reuse
    one quick hash for many users: then the password is not checked, since
    it is not what will be stored. ``actor`` (who ran the command) goes to
    the audit log. A disabled user stays disabled.
    """
    role = Role(role)
    if not valid_username(username):
        raise ValueError(f"invalid user name {username!r}")
    if role == Role.FIELD and not team_call_sign:
        raise ValueError("a field user needs --team CALLSIGN")
    if role == Role.FIELD and not provider:
        # Unscoped, a field user would see every incident in full (docs/security.md).
        raise ValueError("a field user needs a provider: its team's (--provider NAME)")
    if not password and password_hash is None:
        raise ValueError("empty password")
    if password_hash is None:
        check_password(password, username=username)
    team_id = name_id("team", team_call_sign) if team_call_sign else None
    row = {
        "role": role.value,
        "password_hash": password_hash or hash_password(password),
        "team_id": team_id,
        "provider": provider,
    }
    now = now or utc_now()
    with write_transaction(engine) as conn:  # the writer lock: it appends to the audit chain
        old = conn.execute(
            sa.select(users.c.role, users.c.team_id, users.c.provider, users.c.disabled).where(
                users.c.username == username
            )
        ).first()
        if old is not None:
            conn.execute(sa.update(users).where(users.c.username == username).values(**row))
        else:
            conn.execute(
                sa.insert(users).values(username=username, created_at=now, disabled=False, **row)
            )
        # New credentials end every session of the old ones.
        conn.execute(sa.update(tokens).where(tokens.c.username == username).values(revoked=True))
        shown = {
            **{k: row[k] for k in ("role", "team_id", "provider")},
            "disabled": False if old is None else old.disabled,
        }
        audit.record(
            conn,
            audit.USER_CHANGED if old is not None else audit.USER_ADDED,
            actor,
            at=now,
            entity_id=username,
            detail="new password; earlier tokens revoked" if old is not None else None,
            before=None if old is None else dict(old._mapping),
            after=shown,
        )


def _lock_end(times: list[datetime], now: datetime) -> datetime | None:
    """The end of the lock that failures at ``times`` (ascending) put on at ``now``."""
    until = None
    n = LOCKOUT_ATTEMPTS
    for i in range(n - 1, len(times)):
        # n failures within the window lock the account from the n-th on.
        if times[i] - times[i - n + 1] <= LOCKOUT_WINDOW:
            end = times[i] + LOCKOUT_DURATION
            until = end if until is None or end > until else until
    return until if until is not None and until > now else None


def _locked_until(conn: Connection, username: str, source: str, now: datetime) -> datetime | None:
    """The end of the lock on ``username`` for sign-ins from ``source``, if locked at ``now``."""
    since = now - LOCKOUT_WINDOW - LOCKOUT_DURATION
    times = list(
        conn.execute(
            sa.select(login_failures.c.at)
            .where(
                login_failures.c.username == username,
                login_failures.c.source == source,
                login_failures.c.at > since,
            )
            .order_by(login_failures.c.at)
        ).scalars()
    )
    return _lock_end(times, now)


@dataclass(frozen=True)
class Lock:
    """An account locked for one source address (after LOCKOUT_ATTEMPTS failures)."""

    username: str
    source: str
    until: datetime
    failures: int


def current_locks(engine: Engine, *, now: datetime) -> list[Lock]:
    """Every lock in force at ``now``, the newest first."""
    since = now - LOCKOUT_WINDOW - LOCKOUT_DURATION
    by_pair: dict[tuple[str, str], list[datetime]] = {}
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(login_failures.c.username, login_failures.c.source, login_failures.c.at)
            .where(login_failures.c.at > since)
            .order_by(login_failures.c.at)
        )
        for username, source, at in rows:
            by_pair.setdefault((username, source), []).append(at)
    locks = []
    for (username, source), times in by_pair.items():
        until = _lock_end(times, now)
        if until is not None:
            locks.append(Lock(username, source, until, len(times)))
    return sorted(locks, key=lambda lock: lock.until, reverse=True)


def _source(source: str) -> str:
    return (source or UNKNOWN_SOURCE)[:SOURCE_MAX]


def sign_in(
    engine: Engine,
    username: str,
    password: str,
    *,
    now: datetime,
    ttl: timedelta,
    source: str = UNKNOWN_SOURCE,
    field_ttl: timedelta | None = None,
) -> IssuedToken:
    """Check the password and issue a token; raises Locked, BadCredentials or Disabled.

    ``source`` is the client's address: failures count per user and source.
    ``field_ttl``: the shorter lifetime of a field user's token (a phone in a
    van is lost more easily than a console on the dispatch floor).
    """
    if not valid_username(username):
        raise BadCredentials()
    source = _source(source)
    with engine.connect() as conn:
        until = _locked_until(conn, username, source, now)
        if until is not None:
            raise Locked(until)
        row = conn.execute(sa.select(users).where(users.c.username == username)).one_or_none()
    # Verify outside any transaction: it takes a while and needs no lock.
    if row is None:
        verify_password(_dummy_hash(), password)
        ok = False
    else:
        ok = verify_password(row.password_hash, password)
    if ok and row is not None and row.disabled:
        # The right password: say the account is off, so the console forgets
        # its offline verifier. Not a guess, so it does not count towards a lock.
        with write_transaction(engine) as conn:
            audit.record(
                conn,
                audit.SIGN_IN_FAILED,
                username,
                at=now,
                entity_id=username,
                detail=f"account disabled (from {source})",
            )
        raise Disabled()
    if not ok:
        with write_transaction(engine) as conn:
            conn.execute(sa.insert(login_failures).values(username=username, source=source, at=now))
            # Failures older than a lock can reach are of no use: a flood of
            # made-up names must not grow the table for ever.
            conn.execute(
                sa.delete(login_failures).where(
                    login_failures.c.at < now - LOCKOUT_WINDOW - LOCKOUT_DURATION
                )
            )
            until = _locked_until(conn, username, source, now)
            # Attempts during a lock are not recorded one by one (they cost no
            # hash, so a flood would be cheap): the lock itself is, once.
            audit.record(
                conn,
                audit.SIGN_IN_FAILED if until is None else audit.LOCKED,
                username,
                at=now,
                entity_id=username,
                detail=(
                    f"from {source}"
                    if until is None
                    else f"locked until {until.isoformat()} for {source}"
                ),
            )
        # This failure may be the one that locks the account: say so at once.
        if until is not None:
            log.warning(
                "sign-in: %r locked for %s until %s after %d failed attempts",
                username,
                source,
                f"{until:%H:%M:%S}",
                LOCKOUT_ATTEMPTS,
            )
            raise Locked(until)
        raise BadCredentials()
    assert row is not None
    with write_transaction(engine) as conn:
        # A success from this source clears its failures; other sources' stay.
        conn.execute(
            sa.delete(login_failures).where(
                login_failures.c.username == username, login_failures.c.source == source
            )
        )
        conn.execute(
            sa.update(users).where(users.c.username == username).values(last_sign_in_at=now)
        )
        token = secrets.token_urlsafe(32)
        if field_ttl is not None and row.role == Role.FIELD:
            ttl = min(ttl, field_ttl)
        expires_at = now + ttl
        conn.execute(
            sa.insert(tokens).values(
                token_hash=token_hash(token), username=username, expires_at=expires_at
            )
        )
        # Expired tokens are of no use: clear them now and then.
        conn.execute(sa.delete(tokens).where(tokens.c.expires_at < now - timedelta(days=1)))
        audit.record(conn, audit.SIGN_IN, username, at=now, entity_id=username)
    principal = Principal(
        username=username,
        role=Role(row.role),
        team_id=row.team_id,
        provider=row.provider,
        expires_at=expires_at,
    )
    return IssuedToken(token=token, principal=principal)


def ended_by(engine: Engine, token: str) -> str | None:
    """Why a real token no longer works: "disabled" (its user is), "revoked", or None.

    Asked only after ``authenticate`` refused it, so the answer can tell a
    console to ask its user for the password instead of signing in again
    with the one it keeps (an administrator ended that session on purpose),
    and, for both answers, to forget its offline verifier.
    """
    if not token or len(token) > 200:
        return None
    query = (
        sa.select(tokens.c.revoked, users.c.disabled)
        .select_from(tokens.join(users, users.c.username == tokens.c.username))
        .where(tokens.c.token_hash == token_hash(token))
    )
    with engine.connect() as conn:
        row = conn.execute(query).one_or_none()
    if row is None:
        return None
    if row.disabled:
        return "disabled"
    return "revoked" if row.revoked else None


def was_revoked(engine: Engine, token: str) -> bool:
    """Whether ``token`` is a real token that was revoked (or whose user was disabled)."""
    return ended_by(engine, token) is not None


# The query of every authenticated request, built once (issue 25).
_TOKEN_USER = (
    sa.select(
        users.c.username, users.c.role, users.c.team_id, users.c.provider, tokens.c.expires_at
    )
    .select_from(tokens.join(users, users.c.username == tokens.c.username))
    .where(
        tokens.c.token_hash == sa.bindparam("token_hash"),
        tokens.c.revoked.is_(False),
        users.c.disabled.is_(False),
    )
)


def authenticate(engine: Engine, token: str, *, now: datetime) -> Principal | None:
    """The principal of a bearer token, or None if unknown, revoked or expired."""
    if not token or len(token) > 200:
        return None
    with engine.connect() as conn:
        row = conn.execute(_TOKEN_USER, {"token_hash": token_hash(token)}).one_or_none()
    if row is None or row.expires_at <= now:
        return None
    return Principal(
        username=row.username,
        role=Role(row.role),
        team_id=row.team_id,
        provider=row.provider,
        expires_at=row.expires_at,
    )


def revoke(engine: Engine, token: str, *, now: datetime | None = None) -> None:
    """Sign out: revoke one token."""
    with write_transaction(engine) as conn:
        username = conn.execute(
            sa.update(tokens)
            .where(tokens.c.token_hash == token_hash(token), tokens.c.revoked.is_(False))
            .values(revoked=True)
            .returning(tokens.c.username)
        ).scalar_one_or_none()
        if username is not None:
            audit.record(conn, audit.SIGN_OUT, username, at=now or utc_now(), entity_id=username)


def revoke_user(engine: Engine, username: str, *, actor: str = "system") -> int:
    """Revoke every token of ``username``; how many were still valid. ValueError if no such user."""
    with write_transaction(engine) as conn:
        if (
            conn.execute(sa.select(users.c.username).where(users.c.username == username)).first()
            is None
        ):
            raise ValueError(f"no user {username!r}")
        count = conn.execute(
            sa.update(tokens)
            .where(tokens.c.username == username, tokens.c.revoked.is_(False))
            .values(revoked=True)
        ).rowcount
        now = utc_now()
        # Their signing keys too: nothing they signed offline is taken as theirs now.
        keys = _revoke_keys(conn, username, at=now)
        audit.record(
            conn,
            audit.USER_REVOKED,
            actor,
            at=now,
            entity_id=username,
            detail=f"{count} token(s) revoked" + (f", {keys} signing key(s)" if keys else ""),
        )
        return count


def _revoke_keys(conn: Connection, username: str, *, at: datetime) -> int:
    """Revoke every signing key of ``username`` (server/authorship.py enrols them):
    nothing they signed offline proves anything now."""
    return int(
        conn.execute(
            sa.update(author_keys)
            .where(author_keys.c.username == username, author_keys.c.revoked_at.is_(None))
            .values(revoked_at=at)
        ).rowcount
    )


def _require_user(conn: Connection, username: str) -> Any:
    row = conn.execute(sa.select(users).where(users.c.username == username)).one_or_none()
    if row is None:
        raise ValueError(f"no user {username!r}")
    return row


def set_disabled(engine: Engine, username: str, disabled: bool, *, actor: str = "system") -> int:
    """Disable a user (and revoke every token: open streams end too) or enable one.

    Returns how many tokens were revoked. ValueError if no such user. A
    disabled user cannot sign in, even with the right password; their
    consoles forget the offline verifier the next time they reach the server.
    """
    now = utc_now()
    with write_transaction(engine) as conn:
        old = _require_user(conn, username)
        conn.execute(sa.update(users).where(users.c.username == username).values(disabled=disabled))
        count = 0
        if disabled:
            count = conn.execute(
                sa.update(tokens)
                .where(tokens.c.username == username, tokens.c.revoked.is_(False))
                .values(revoked=True)
            ).rowcount
        audit.record(
            conn,
            audit.USER_DISABLED if disabled else audit.USER_ENABLED,
            actor,
            at=now,
            entity_id=username,
            detail=f"{count} token(s) revoked" if disabled else None,
            before={"disabled": bool(old.disabled)},
            after={"disabled": disabled},
        )
    return count


def unlock(engine: Engine, username: str, *, actor: str = "system") -> int:
    """Clear the failed sign-ins of ``username`` (every source): how many were cleared."""
    now = utc_now()
    with write_transaction(engine) as conn:
        _require_user(conn, username)
        count = conn.execute(
            sa.delete(login_failures).where(login_failures.c.username == username)
        ).rowcount
        audit.record(
            conn,
            audit.USER_UNLOCKED,
            actor,
            at=now,
            entity_id=username,
            detail=f"{count} failed sign-in(s) cleared",
        )
    return count


@dataclass(frozen=True)
class UserInfo:
    """One line of ``umcr-server user list``."""

    username: str
    role: str
    provider: str | None
    team_id: str | None
    disabled: bool
    locks: tuple[Lock, ...]
    last_sign_in_at: datetime | None

    @property
    def state(self) -> str:
        if self.disabled:
            return "disabled"
        return "locked" if self.locks else "active"


def list_users(engine: Engine, *, now: datetime) -> list[UserInfo]:
    """Every user, by name, with their state at ``now``."""
    locks: dict[str, list[Lock]] = {}
    for lock in current_locks(engine, now=now):
        locks.setdefault(lock.username, []).append(lock)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(users).order_by(users.c.username)).all()
    return [
        UserInfo(
            username=row.username,
            role=row.role,
            provider=row.provider,
            team_id=row.team_id,
            disabled=bool(row.disabled),
            locks=tuple(locks.get(row.username, ())),
            last_sign_in_at=row.last_sign_in_at,
        )
        for row in rows
    ]
