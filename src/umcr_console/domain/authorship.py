"""Who made an event: the author's Ed25519 signature over the event, as sent.

A console signs each action with the key of the user who made it (the private
key is kept sealed under that user's password, store/authorship.py), so that
after a shift change during an outage the next user's console can send it and
the server can still tell it is the earlier user's (server/authorship.py).
Both sides build the signed bytes here, so they agree to the byte.

docs/security.md, "Who did it: actions made offline across a shift change".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from datetime import UTC
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .events import Event

SIGNATURE_CONTEXT = "umcr-author-v1"
PUBLIC_KEY_BYTES = 32


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_bytes(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def encode_public(raw: bytes) -> str:
    return _b64(raw)


def decode_public(text: str) -> bytes | None:
    """The 32 raw bytes of an enrolled public key, or None if ``text`` is not one."""
    try:
        raw = _unb64(text)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == PUBLIC_KEY_BYTES else None


def key_id(raw_public: bytes) -> str:
    """A short, stable name of a public key (the first 16 hex digits of its sha256)."""
    return hashlib.sha256(raw_public).hexdigest()[:16]


def signed_bytes(event: Event, author: str) -> bytes:
    """What an author signs: the envelope as the client sends it, plus the author's name.

    Canonical JSON (sorted keys, no spaces, ASCII), the time in UTC with
    microseconds: the server rebuilds the same bytes from what it received.
    """
    fields: dict[str, Any] = event.model_dump(
        mode="json",
        include={"event_id", "type", "entity_id", "workstation_id", "expected_version", "payload"},
    )
    fields["occurred_at"] = event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds")
    fields["author"] = author
    fields["context"] = SIGNATURE_CONTEXT
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def sign(private: Ed25519PrivateKey, event: Event, author: str) -> str:
    """The ``signature`` field of an event: ``<key id>:<base64url signature>``."""
    signature = private.sign(signed_bytes(event, author))
    return f"{key_id(public_bytes(private))}:{_b64(signature)}"


def split_signature(signature: str | None) -> tuple[str, bytes] | None:
    """(key id, signature bytes) of a ``signature`` field, or None if malformed."""
    if not signature or ":" not in signature:
        return None
    kid, _, text = signature.partition(":")
    try:
        raw = _unb64(text)
    except (binascii.Error, ValueError):
        return None
    if len(kid) != 16 or len(raw) != 64:
        return None
    return kid, raw


def verifies(raw_public: bytes, event: Event, author: str, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(raw_public).verify(
            signature, signed_bytes(event, author)
        )
    except (InvalidSignature, ValueError):
        return False
    return True
