"""A deadline for receiving a whole request: an idle or trickling client is cut off.

uvicorn closes an idle connection only between requests, and every byte
received resets even that timer: a client that connects and sends nothing,
or sends one header line a second, holds its connection (and a file
descriptor) forever. Thousands of them, from one anonymous client, and no
console can connect (slowloris; issue 17, found by the attacker suite).

Each request must arrive whole -- request line, headers and body -- within
``REQUEST_DEADLINE_S`` of the connection opening or of the previous answer.
Answers are not limited: an event stream runs for a shift once its request
has arrived. A console's largest batch (500 events, well under the 8 MiB
body limit) arrives in a fraction of that on any working link.
"""

from __future__ import annotations

import asyncio
import logging
import os

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger(__name__)

REQUEST_DEADLINE_ENV = "UMCR_REQUEST_DEADLINE_S"
REQUEST_DEADLINE_S = 30.0


def request_deadline() -> float:
    """The deadline in seconds: ``$UMCR_REQUEST_DEADLINE_S``, else 30."""
    text = os.environ.get(REQUEST_DEADLINE_ENV, "")
    try:
        value = float(text) if text else REQUEST_DEADLINE_S
    except ValueError:
        log.warning("ignoring $%s=%r: not a number of seconds", REQUEST_DEADLINE_ENV, text)
        return REQUEST_DEADLINE_S
    return value if value > 0 else REQUEST_DEADLINE_S


class DeadlineH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, closing a connection whose request is not in on time."""

    deadline_s: float = REQUEST_DEADLINE_S
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        # The whole request is in once h11 is past its body (DONE, or an error/close).
        if self.conn.their_state not in (h11.IDLE, h11.SEND_BODY):
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm()  # the next request on this connection gets its own deadline

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.deadline_s, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def deadline_protocol(seconds: float) -> type[DeadlineH11Protocol]:
    """The protocol class for uvicorn's ``http=``, with ``seconds`` as its deadline."""
    return type("DeadlineH11Protocol", (DeadlineH11Protocol,), {"deadline_s": seconds})
