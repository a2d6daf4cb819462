"""A user's signing key on this workstation, sealed under a key derived from their password.

Made at an online sign-in, enrolled with the server (``POST /keys``), kept in
the store's ``meta`` table as ``author_key:<user>``: the Ed25519 private key
encrypted with AES-256-GCM under Argon2id(password, salt). Only that user's
password opens it, so the next user at the same console (who can open the
store itself) cannot sign as them. Argon2id costs what the offline-login
verifier costs (offline_login.py): anyone who can read the store can already
try passwords against that verifier at that price, so a dearer derivation here
would protect nothing more.

docs/security.md, "Who did it: actions made offline across a shift change".
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from ..domain import authorship
from ..domain.events import Event
from .db import LocalStore

META_PREFIX = "author_key:"
# argon2-cffi's defaults (RFC 9106 low-memory profile), as the offline verifier.
KDF = {"t": 3, "m": 65536, "p": 4}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text)


@dataclass(frozen=True)
class AuthorKey:
    """An unlocked signing key of ``username``."""

    username: str
    private: Ed25519PrivateKey
    enrolled: bool

    @property
    def key_id(self) -> str:
        return authorship.key_id(authorship.public_bytes(self.private))

    @property
    def public_key(self) -> str:
        return authorship.encode_public(authorship.public_bytes(self.private))

    def sign(self, event: Event) -> str:
        return authorship.sign(self.private, event, self.username)


def _derive(password: str, salt: bytes, kdf: dict[str, int]) -> bytes:
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=kdf["t"],
        memory_cost=kdf["m"],
        parallelism=kdf["p"],
        hash_len=32,
        type=Type.ID,
    )


def _associated(username: str) -> bytes:
    return f"umcr-author-key:{username}".encode()


def saved(store: LocalStore, username: str) -> str | None:
    """The sealed key entry of ``username`` in the store, if any."""
    return store.get_meta(META_PREFIX + username) or None


def save(store: LocalStore, username: str, entry: str) -> None:
    store.set_meta({META_PREFIX + username: entry})


def forget(store: LocalStore, username: str) -> None:
    """Drop a key the server refused (revoked): a new one is made at once."""
    store.set_meta({META_PREFIX + username: ""})


def unseal(entry: str | None, username: str, password: str) -> AuthorKey | None:
    """The key in ``entry`` if ``password`` opens it (slow: Argon2id; run it off the UI thread)."""
    if not entry:
        return None
    try:
        data = json.loads(entry)
        secret = _derive(password, _unb64(data["salt"]), data["kdf"])
        raw = AESGCM(secret).decrypt(
            _unb64(data["nonce"]), _unb64(data["sealed"]), _associated(username)
        )
        private = Ed25519PrivateKey.from_private_bytes(raw)
    except (InvalidTag, KeyError, TypeError, ValueError):
        # Another password (changed since) or a damaged entry: not this key.
        return None
    return AuthorKey(username, private, bool(data.get("enrolled")))


def seal_new(username: str, password: str) -> tuple[AuthorKey, str]:
    """A new key for ``username`` and its entry sealed under ``password`` (slow, as ``unseal``)."""
    private = Ed25519PrivateKey.generate()
    salt, nonce = os.urandom(16), os.urandom(12)
    secret = _derive(password, salt, KDF)
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    entry = {
        "salt": _b64(salt),
        "nonce": _b64(nonce),
        "kdf": KDF,
        "sealed": _b64(AESGCM(secret).encrypt(nonce, raw, _associated(username))),
        "public_key": authorship.encode_public(authorship.public_bytes(private)),
        "enrolled": False,
    }
    return AuthorKey(username, private, False), json.dumps(entry)


def mark_enrolled(store: LocalStore, key: AuthorKey) -> AuthorKey:
    """The server holds this key now."""
    entry = saved(store, key.username)
    if entry:
        data = json.loads(entry)
        if data.get("public_key") == key.public_key:
            data["enrolled"] = True
            save(store, key.username, json.dumps(data))
    return AuthorKey(key.username, key.private, True)
