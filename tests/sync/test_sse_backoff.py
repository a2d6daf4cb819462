"""The SSE parser and the backoff: small pieces the engine's correctness rests on."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from umcr_console.sync import Backoff, SSEMessage, SSEParser


def parse(*chunks: bytes) -> list[SSEMessage]:
    parser = SSEParser()
    out: list[SSEMessage] = []
    for chunk in chunks:
        out.extend(parser.feed(chunk))
    return out


def test_a_message_with_id_event_and_data() -> None:
    [m] = parse(b'id: 5\nevent: incident.created\ndata: {"a": 1}\n\n')
    assert m == SSEMessage(event="incident.created", data='{"a": 1}', id="5")


def test_multi_line_data_is_joined_with_newlines() -> None:
    [m] = parse(b"data: one\ndata:two\ndata:  three\n\n")
    assert m.data == "one\ntwo\n three"
    assert m.event == "message"


def test_comments_count_and_dispatch_nothing() -> None:
    parser = SSEParser()
    assert parser.feed(b": keep-alive\n\n: another\n\n") == []
    assert parser.comments == 2


def test_retry_and_id_without_data_dispatch_nothing_but_are_kept() -> None:
    parser = SSEParser()
    assert parser.feed(b"retry: 1000\nid: 9\n\n") == []
    assert parser.retry == 1000 and parser.last_event_id == "9"
    [m] = parser.feed(b"data: x\n\n")
    assert m.id == "9"


def test_an_unfinished_message_is_never_dispatched() -> None:
    parser = SSEParser()
    assert parser.feed(b'id: 1\nevent: x\ndata: {"cut in the mid') == []
    assert parser.feed(b'dle"}\n') == []
    [m] = parser.feed(b"\n")
    assert m.data == '{"cut in the middle"}'


def test_crlf_split_across_chunks_is_one_line_end() -> None:
    assert parse(b"data: a\r", b"\n\r\n") == [SSEMessage("message", "a", None)]
    assert parse(b"data: a\r", b"\r") == [SSEMessage("message", "a", None)]


def test_a_utf8_character_split_across_chunks() -> None:
    raw = "data: Café ☕\n\n".encode()
    cut = raw.index("☕".encode()) + 1
    [m] = parse(raw[:cut], raw[cut:])
    assert m.data == "Café ☕"


def test_a_leading_bom_and_unknown_fields_are_ignored() -> None:
    [m] = parse(b"\xef\xbb\xbfdata: x\nfoo: bar\nevent\n\n")
    assert m == SSEMessage("message", "x", None)


text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\0"), max_size=30
)
messages = st.lists(
    st.tuples(
        st.one_of(st.none(), text.filter(lambda t: t.strip() != "")),
        st.one_of(st.none(), st.from_regex(r"[0-9]{1,6}", fullmatch=True)),
        st.lists(text, min_size=1, max_size=4),
    ),
    max_size=8,
)


@given(messages, st.sampled_from(["\n", "\r\n", "\r"]), st.randoms(use_true_random=False))
def test_any_stream_cut_into_any_chunks_parses_the_same(
    msgs: list[tuple[str | None, str | None, list[str]]], eol: str, rnd: random.Random
) -> None:
    wire = ""
    expected = []
    last_id = None
    for event, ident, data in msgs:
        if rnd.random() < 0.3:
            wire += f": ping{eol}"
        if event is not None:
            wire += f"event: {event}{eol}"
        if ident is not None:
            wire += f"id: {ident}{eol}"
            last_id = ident
        for line in data:
            wire += f"data: {line}{eol}"
        wire += eol
        expected.append(SSEMessage(event or "message", "\n".join(data), last_id))
    raw = wire.encode()
    cuts = sorted(rnd.sample(range(len(raw) + 1), min(len(raw) + 1, rnd.randint(0, 6))))
    chunks = [raw[a:b] for a, b in zip([0, *cuts], [*cuts, len(raw)], strict=True)]
    if eol == "\r":
        # A lone CR at the very end may still be the start of a CRLF; the next
        # byte settles it, and the stream always goes on with more lines.
        chunks.append(b": end\n")
    assert parse(*chunks) == expected


def test_backoff_windows_double_up_to_the_cap_and_reset() -> None:
    backoff = Backoff(base=0.5, cap=4.0, rng=random.Random(1))
    ceilings = []
    for _ in range(6):
        ceilings.append(backoff.ceiling())
        delay = backoff.next_delay()
        assert 0 <= delay <= ceilings[-1]
    assert ceilings == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    backoff.reset()
    assert backoff.ceiling() == 0.5


def test_backoff_is_fully_jittered() -> None:
    delays = [Backoff(base=1.0, cap=1.0, rng=random.Random(i)).next_delay() for i in range(400)]
    # Uniform over [0, 1]: all quarters are used, none takes most of them.
    quarters = [sum(1 for d in delays if q / 4 <= d < (q + 1) / 4) for q in range(4)]
    assert all(60 < n < 140 for n in quarters), quarters


def test_backoff_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        Backoff(base=0, cap=1)
    with pytest.raises(ValueError):
        Backoff(base=2, cap=1)
