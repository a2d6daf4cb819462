"""Identifiers made on the client, so a console can create things offline."""

import os
import threading
import time
import uuid

# Fixed namespace for ids derived from names (teams of the configuration), so
# every server and console computes the same id for the same call sign.
UMCR_NAMESPACE = uuid.UUID("5b0c2a4e-8f1d-4c8e-9a57-2f7d3c1e6b90")

_RAND_BITS = 74  # 12 bits rand_a + 62 bits rand_b
_lock = threading.Lock()
_last: tuple[int, int] = (0, 0)  # (millis, random part) of the last id made here


def uuid7() -> str:
    """A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits.

    Ids made later sort later, which keeps event and incident tables in
    insertion order. Python 3.11 has no uuid.uuid7, hence this function.
    Within one process the ids are strictly increasing even inside one
    millisecond or when the wall clock steps back (RFC 9562 section 6.2,
    method 2: the random part of the previous id plus one), so the outbox
    of a console replays its own events in the order they were made.
    """
    global _last
    millis = time.time_ns() // 1_000_000 & ((1 << 48) - 1)
    rand = int.from_bytes(os.urandom(10), "big") >> (80 - _RAND_BITS)
    with _lock:
        last_millis, last_rand = _last
        if millis <= last_millis:
            millis, rand = last_millis, last_rand + 1
            if rand >> _RAND_BITS:  # 2**74 ids in one millisecond: borrow the next one
                millis, rand = millis + 1, 0
        _last = (millis, rand)
    value = millis << 80
    value |= 0x7 << 76  # version
    value |= (rand >> 62) << 64  # 12 bits rand_a
    value |= 0b10 << 62  # RFC 4122 variant
    value |= rand & ((1 << 62) - 1)  # 62 bits rand_b
    return str(uuid.UUID(int=value))


def name_id(kind: str, name: str) -> str:
    """A stable id for a named thing of the configuration (a team's call sign)."""
    return str(uuid.uuid5(UMCR_NAMESPACE, f"{kind}:{name}"))


def canonical_uuid(text: str) -> str:
    """The lower-case hyphenated form of a UUID string; ValueError if it is not one."""
    return str(uuid.UUID(text))
