"""Fuzzing the console's SSE parser with arbitrary bytes (issue 10, item 6).

A stream can carry anything: a broken proxy, a cut connection, a hostile
server. The parser must never raise, and how the bytes are cut into chunks
must not change what it yields (tests/sync/test_sse_backoff.py checks
well-formed streams; this checks everything else).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.payloads import FUZZ_DERANDOMIZE, FUZZ_EXAMPLES
from umcr_console.sync import SSEMessage, SSEParser

EXAMPLES = FUZZ_EXAMPLES * 25

# Pieces that matter to the parser, so random bytes hit its edge cases often.
PIECES = [
    b"\r",
    b"\n",
    b"\r\n",
    b":",
    b": ",
    b"data",
    b"data:",
    b"event:",
    b"id:",
    b"retry:",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xe2\x98",
    b"\x95",
    b"\xff",
    b"\xc3",
    b" ",
    b"9" * 30,
    b"9" * 4400,
]
raw_streams = st.lists(st.sampled_from(PIECES) | st.binary(max_size=20), max_size=60).map(b"".join)
# Line by line: a field, a separator, a value (digits of any length, bytes), an end.
lines = st.tuples(
    st.sampled_from([b"data", b"event", b"id", b"retry", b"", b"\xef\xbb\xbfdata", b"x"]),
    st.sampled_from([b":", b": ", b"", b"::"]),
    st.sampled_from([0, 1, 9, 10, 4300, 4301, 6000]).map(lambda n: b"7" * n)
    | st.binary(max_size=30),
    st.sampled_from([b"\n", b"\r", b"\r\n", b"\n\n", b""]),
).map(b"".join)
line_streams = st.lists(lines, max_size=12).map(b"".join)


def _run(chunks: list[bytes]) -> tuple[list[SSEMessage], str | None, int | None, int]:
    parser = SSEParser()
    out: list[SSEMessage] = []
    for chunk in chunks:
        out.extend(parser.feed(chunk))
    return out, parser.last_event_id, parser.retry, parser.comments


FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=FUZZ_DERANDOMIZE,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _same_however_cut(raw: bytes, points: list[int]) -> None:
    chunks = [raw[a:b] for a, b in zip([0, *points], [*points, len(raw)], strict=True)]
    whole = _run([raw])
    assert _run(chunks) == whole
    assert _run([raw[i : i + 1] for i in range(len(raw))]) == whole
    for message in whole[0]:
        assert isinstance(message.data, str) and message.event


@FUZZ
@given(raw=raw_streams, cuts=st.lists(st.integers(min_value=0), max_size=8))
def test_any_bytes_cut_anywhere_parse_the_same_and_never_raise(raw: bytes, cuts: list[int]) -> None:
    _same_however_cut(raw, sorted({c % (len(raw) + 1) for c in cuts}))


@FUZZ
@given(raw=line_streams)
@pytest.mark.slow
def test_any_lines_of_fields_parse_the_same_and_never_raise(raw: bytes) -> None:
    _same_however_cut(raw, [len(raw) // 3, len(raw) // 2])


def test_an_endless_retry_value_is_ignored_not_raised() -> None:
    # Found by the fuzzer: int() refuses more than 4,300 digits.
    parser = SSEParser()
    assert parser.feed(b"retry: " + b"9" * 5000 + b"\ndata: x\n\n") == [
        SSEMessage("message", "x", None)
    ]
    assert parser.retry is None
    parser.feed(b"retry: 999999999\n\n")
    assert parser.retry == 999_999_999
