"""A small Server-Sent Events parser (WHATWG HTML, "event stream interpretation").

Fed with raw bytes as they arrive, it yields complete messages only: a
message is dispatched at the blank line that ends it, so a stream cut in the
middle of a message yields nothing of that message (the client reconnects
with Last-Event-ID and gets it whole). Comment lines (``: keep-alive``) are
counted, so the caller can tell a live but quiet stream from a dead one.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

# A retry of up to 9 digits (11 days in ms) is kept; a longer one is ignored.
_RETRY_DIGITS = 9


@dataclass(frozen=True)
class SSEMessage:
    event: str  # "message" when the stream names no type
    data: str
    id: str | None  # the last event id in force when this message was dispatched
    retry: int | None = None  # a reconnection time the server asked for, in ms


class SSEParser:
    """Incremental: ``feed(chunk)`` returns the messages completed by ``chunk``."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buffer = ""
        self._pending_cr = False  # a chunk ended with \r: a following \n belongs to it
        self._first_line = True
        self._event = ""
        self._data: list[str] = []
        self._has_data = False
        self.last_event_id: str | None = None
        self.retry: int | None = None
        self.comments = 0

    def feed(self, chunk: bytes) -> list[SSEMessage]:
        text = self._decoder.decode(chunk)
        if self._pending_cr and text.startswith("\n"):
            text = text[1:]
        self._pending_cr = False
        buffer = self._buffer + text
        messages: list[SSEMessage] = []
        pos = 0
        size = len(buffer)
        # Next "\n" and "\r" at or after pos (-1: none left); searched again only
        # when passed, so a chunk of many lines is scanned once.
        lf = buffer.find("\n")
        cr = buffer.find("\r")
        while lf != -1 or cr != -1:
            if cr == -1 or (lf != -1 and lf < cr):
                end, after = lf, lf + 1
            elif cr + 1 < size and buffer[cr + 1] == "\n":
                end, after = cr, cr + 2
            else:
                end, after = cr, cr + 1
                if after == size:
                    # "\r" at the very end: a "\n" may follow in the next chunk.
                    self._pending_cr = True
            message = self._line(buffer[pos:end])
            if message is not None:
                messages.append(message)
            pos = after
            if lf != -1 and lf < pos:
                lf = buffer.find("\n", pos)
            if cr != -1 and cr < pos:
                cr = buffer.find("\r", pos)
        self._buffer = buffer[pos:]
        return messages

    def _line(self, line: str) -> SSEMessage | None:
        if self._first_line:
            self._first_line = False
            line = line.removeprefix("\ufeff")
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            self.comments += 1
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
            self._has_data = True
        elif name == "id":
            if "\0" not in value:
                self.last_event_id = value
        elif (
            name == "retry" and value.isascii() and value.isdigit() and len(value) <= _RETRY_DIGITS
        ):
            # Longer is no sensible delay, and int() refuses over 4,300 digits
            # (ValueError out of feed: found by tests/sync/test_sse_fuzz.py).
            self.retry = int(value)
        # Any other field is ignored, as the standard says.
        return None

    def _dispatch(self) -> SSEMessage | None:
        if not self._has_data:
            self._event = ""
            return None
        message = SSEMessage(
            event=self._event or "message",
            data="\n".join(self._data),
            id=self.last_event_id,
            retry=self.retry,
        )
        self._event = ""
        self._data = []
        self._has_data = False
        return message
