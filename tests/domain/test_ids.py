"""Client-made ids: UUIDv7 layout and order, name-derived ids, canonical form."""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from umcr_console.domain import ids
from umcr_console.domain.ids import canonical_uuid, name_id, uuid7


def test_uuid7_has_version_7_and_the_rfc_variant() -> None:
    for _ in range(1000):
        value = uuid.UUID(uuid7())
        assert value.version == 7
        assert value.variant == uuid.RFC_4122


def test_uuid7_carries_the_unix_milliseconds(monkeypatch: pytest.MonkeyPatch) -> None:
    millis = 1_774_000_000_123  # 2026-03-20
    monkeypatch.setattr(ids, "_last", (0, 0))
    monkeypatch.setattr(time, "time_ns", lambda: millis * 1_000_000 + 456_789)
    value = uuid.UUID(uuid7())
    assert value.int >> 80 == millis


def test_uuid7_sorts_by_time(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter(range(1_774_000_000_000, 1_774_000_000_000 + 50))
    monkeypatch.setattr(ids, "_last", (0, 0))
    monkeypatch.setattr(time, "time_ns", lambda: next(clock) * 1_000_000)
    made = [uuid7() for _ in range(50)]
    assert made == sorted(made)
    assert [uuid.UUID(m).int >> 80 for m in made] == list(
        range(1_774_000_000_000, 1_774_000_000_050)
    )


def test_uuid7_is_strictly_increasing_within_a_millisecond(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ids, "_last", (0, 0))
    monkeypatch.setattr(time, "time_ns", lambda: 1_774_000_000_000 * 1_000_000)
    made = [uuid7() for _ in range(5000)]
    assert made == sorted(made)
    assert len(set(made)) == len(made)
    assert all(uuid.UUID(m).version == 7 for m in made)


def test_uuid7_does_not_go_back_with_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ids, "_last", (0, 0))
    times = iter([2_000_000, 1_000_000, 1_500_000])  # NTP stepped the clock back
    monkeypatch.setattr(time, "time_ns", lambda: next(times) * 1_000_000)
    made = [uuid7() for _ in range(3)]
    assert made == sorted(made) and len(set(made)) == 3


def test_uuid7_counter_overflow_moves_to_the_next_millisecond(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ids, "_last", (5_000, (1 << 74) - 1))
    monkeypatch.setattr(time, "time_ns", lambda: 5_000 * 1_000_000)
    value = uuid.UUID(uuid7())
    assert value.int >> 80 == 5_001
    assert value.version == 7 and value.variant == uuid.RFC_4122


def test_uuid7_is_unique_and_ordered_across_threads() -> None:
    made: list[list[str]] = [[] for _ in range(4)]

    def work(out: list[str]) -> None:
        out.extend(uuid7() for _ in range(2000))

    threads = [threading.Thread(target=work, args=(out,)) for out in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [m for out in made for m in out]
    assert len(set(every)) == len(every)
    assert all(out == sorted(out) for out in made)


def test_name_ids_are_stable_and_distinct_per_kind() -> None:
    assert name_id("team", "EX-1") == name_id("team", "EX-1")
    assert name_id("team", "EX-1") != name_id("provider", "EX-1")
    assert uuid.UUID(name_id("team", "EX-1")).version == 5


def test_canonical_uuid() -> None:
    assert canonical_uuid("{0192F0C4-9E2B-7ABC-8DEF-0123456789AB}") == (
        "0192f0c4-9e2b-7abc-8def-0123456789ab"
    )
    with pytest.raises(ValueError):
        canonical_uuid("not-a-uuid")
