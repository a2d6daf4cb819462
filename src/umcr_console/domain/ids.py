"""Identifiers made on the client, so a console can create things offline."""

import os
import time
import uuid

# Fixed namespace for ids derived from names (teams of the configuration), so
# every server and console computes the same id for the same call sign.
UMCR_NAMESPACE = uuid.UUID("5b0c2a4e-8f1d-4c8e-9a57-2f7d3c1e6b90")


def uuid7() -> str:
    """A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits.

    Ids made later sort later, which keeps event and incident tables in
    insertion order. Python 3.11 has no uuid.uuid7, hence this function.
    """
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= (rand >> 68) << 64  # 12 random bits (rand_a)
    value |= 0b10 << 62  # RFC 4122 variant
    value |= rand & ((1 << 62) - 1)  # 62 random bits (rand_b)
    return str(uuid.UUID(int=value))


def name_id(kind: str, name: str) -> str:
    """A stable id for a named thing of the configuration (a team's call sign)."""
    return str(uuid.uuid5(UMCR_NAMESPACE, f"{kind}:{name}"))


def canonical_uuid(text: str) -> str:
    """The lower-case hyphenated form of a UUID string; ValueError if it is not one."""
    return str(uuid.UUID(text))
