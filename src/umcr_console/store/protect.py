"""Personal data at rest in the local store: sealed with AES-GCM, row by row.

What is personal is defined once, in ``domain/privacy.py`` (what the wall
may not see): a row is written as its redacted document (exactly what the
wall role would get) plus one ``"sealed"`` member holding, encrypted, every
part of the full document that redaction removed or changed. The JSON shape
and every non-personal member stay as they were, so the store's SQL
(``json_extract`` of state, closing time, follow-up, entity id) works
unchanged, and reading is "decrypt, then put the parts back".

One AES-256-GCM ciphertext per row, with a fresh 96-bit random nonce, and
as associated data the row's identity (``incident:<id>``, ``team:<id>``,
``event:<event id>``) and a SHA-256 digest of the row's clear part (which
holds the entity's ``version``): a sealed value copied onto another row, or
an older sealed value of the same row put back under its newer clear part,
does not open; neither does a row whose clear members were edited (issue 17,
item 11). A wrong key or a changed byte raises ``StoreError``, never a wrong
(or stale) value.

Values sealed by schema 2 (prefix ``v1.``) bound the row identity only; they
open only while the store is upgraded to schema 3 (``legacy``), which seals
every row again, so an old value put back later is refused too.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..domain.events import Event
from ..domain.model import Incident, Team
from ..domain.privacy import redact_event, redact_incident, redact_team

SEALED = "sealed"
KEY_BYTES = 32
_NONCE_BYTES = 12
# v1: associated data is the row identity only (schema 2); v2: identity and clear part.
_LEGACY = "v1."
_VERSION = "v2."
# Sealed in meta when a store is first encrypted: a wrong key fails at open,
# before any row is read.
KEY_CHECK_META = "key_check"
_KEY_CHECK_PLAIN = b"umcr local store key"


class SealError(Exception):
    """A sealed value does not open with this key (wrong key or changed bytes)."""


def _personal_part(full: dict[str, Any], redacted: dict[str, Any]) -> dict[str, Any]:
    """The members of ``full`` that redaction removed or changed (nested dicts member by member)."""
    out: dict[str, Any] = {}
    for key, value in full.items():
        if key not in redacted:
            out[key] = value
        elif value != redacted[key]:
            other = redacted[key]
            if isinstance(value, dict) and isinstance(other, dict):
                out[key] = _personal_part(value, other)
            else:
                out[key] = value
    return out


def _put_back(document: dict[str, Any], personal: dict[str, Any]) -> None:
    for key, value in personal.items():
        current = document.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            _put_back(current, value)
        else:
            document[key] = value


class RowCipher:
    """Seals and opens the personal part of store rows with one 256-bit key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"the store key must be {KEY_BYTES} bytes, not {len(key)}")
        self._aead = AESGCM(key)

    def seal(self, plain: bytes, row: str, clear: str = "") -> str:
        """Seal ``plain`` for ``row`` whose clear part is ``clear``."""
        nonce = os.urandom(_NONCE_BYTES)
        blob = nonce + self._aead.encrypt(nonce, plain, _associated(row, clear))
        return _VERSION + base64.b64encode(blob).decode("ascii")

    def open(self, sealed: str, row: str, clear: str = "", *, legacy: bool = False) -> bytes:
        """The plain bytes; ``legacy`` also opens schema 2's values (only while upgrading)."""
        if sealed.startswith(_VERSION):
            associated = _associated(row, clear)
        elif legacy and sealed.startswith(_LEGACY):
            associated = row.encode()
        else:
            raise SealError(f"{row}: not a sealed value of a known version")
        try:
            blob = base64.b64decode(sealed[len(_VERSION) :], validate=True)
            return self._aead.decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], associated)
        except (InvalidTag, ValueError) as exc:
            raise SealError(
                f"{row}: the sealed personal data does not open with this key or does not "
                "belong with the rest of its row (changed or put back outside the console)"
            ) from exc

    def key_check(self) -> str:
        return self.seal(_KEY_CHECK_PLAIN, KEY_CHECK_META)

    def opens_key_check(self, sealed: str) -> bool:
        try:
            return self.open(sealed, KEY_CHECK_META, legacy=True) == _KEY_CHECK_PLAIN
        except SealError:
            return False

    # -- documents --------------------------------------------------------

    def seal_document(self, full: dict[str, Any], redacted: dict[str, Any], row: str) -> str:
        """The text of a row: the redacted document, plus the rest sealed when there is any."""
        clear = json.dumps(redacted, separators=(",", ":"))
        personal = _personal_part(full, redacted)
        if not personal:
            return clear
        sealed = self.seal(json.dumps(personal).encode(), row, clear)
        # The sealed member goes last, so a reader finds the clear part as written.
        return f'{clear[:-1]}{"," if len(clear) > 2 else ""}"{SEALED}":"{sealed}"}}'


def _associated(row: str, clear: str) -> bytes:
    return row.encode() + b"\x00" + hashlib.sha256(clear.encode()).digest()


def _clear_of(text: str) -> str:
    """The clear part of a sealed row's text: the text with its sealed member (the last) cut out.

    Only a JSON member name can hold an unescaped quote, so the marker is the member itself.
    """
    at = text.rfind(f',"{SEALED}":"')
    if at < 0:
        at = text.rfind(f'"{SEALED}":"')
    return text[:at] + "}" if at >= 0 else text


# Row identities, bound to each ciphertext as associated data.
def incident_row(incident_id: str) -> str:
    return f"incident:{incident_id}"


def team_row(team_id: str) -> str:
    return f"team:{team_id}"


def event_row(event_id: str) -> str:
    return f"event:{event_id}"


class RowCodec:
    """Turns entities and events into store text and back, sealed or (no cipher) in clear."""

    def __init__(self, cipher: RowCipher | None, *, legacy: bool = False) -> None:
        self.cipher = cipher
        # Opens schema 2's values too: only for the upgrade that seals them again.
        self.legacy = legacy

    def incident_text(self, incident: Incident) -> str:
        if self.cipher is None:
            return incident.model_dump_json()
        return self.cipher.seal_document(
            incident.model_dump(mode="json"),
            redact_incident(incident).model_dump(mode="json"),
            incident_row(incident.id),
        )

    def team_text(self, team: Team) -> str:
        if self.cipher is None:
            return team.model_dump_json()
        return self.cipher.seal_document(
            team.model_dump(mode="json"),
            redact_team(team).model_dump(mode="json"),
            team_row(team.id),
        )

    def event_text(self, ev: Event) -> str:
        if self.cipher is None:
            return ev.model_dump_json()
        return self.cipher.seal_document(
            ev.model_dump(mode="json"),
            redact_event(ev).model_dump(mode="json"),
            event_row(ev.event_id),
        )

    def _document(self, text: str, row_of: Any, id_key: str) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(text)
        sealed = document.pop(SEALED, None)
        if sealed is not None:
            if self.cipher is None:
                raise SealError(
                    "this store holds sealed personal data and was opened without a key"
                )
            row = row_of(document[id_key])
            plain = self.cipher.open(sealed, row, _clear_of(text), legacy=self.legacy)
            _put_back(document, json.loads(plain))
        return document

    def incident(self, text: str) -> Incident:
        if SEALED not in text:  # nothing personal, or redacted: the fast path
            return Incident.model_validate_json(text)
        return Incident.model_validate(self._document(text, incident_row, "id"))

    def team(self, text: str) -> Team:
        if SEALED not in text:
            return Team.model_validate_json(text)
        return Team.model_validate(self._document(text, team_row, "id"))

    def event(self, text: str) -> Event:
        if SEALED not in text:
            return Event.model_validate_json(text)
        return Event.model_validate(self._document(text, event_row, "event_id"))

    # -- rejection texts (summary, detail): they name the incident, its address included --

    def rejection_text(self, value: str, event_id: str, column: str) -> str:
        if self.cipher is None:
            return value
        return self.cipher.seal(value.encode(), rejection_row(event_id, column))

    def rejection_value(self, stored: str, event_id: str, column: str) -> str:
        if self.cipher is None:
            return stored
        return self.cipher.open(stored, rejection_row(event_id, column)).decode()


def rejection_row(event_id: str, column: str) -> str:
    return f"rejection-{column}:{event_id}"
