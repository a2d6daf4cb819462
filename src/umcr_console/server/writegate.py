"""One POST /events per token at a time, refused before its body is read.

A console sends one batch at a time. A client that sends batch after batch
in parallel on one token made the server parse megabytes of JSON on its event
loop for requests it then refused, and another dispatcher's one-event POST
took 7-15 s instead of 0.07 s (issue 17, found by the attacker suite). The
gate answers a second concurrent POST /events of the same token with 429 and
``Retry-After: 1`` before reading a byte of its body, and closes the
connection so the body is never parsed. The per-user cap in ``app.py``
(``MAX_WRITES_PER_USER``) covers a user who signs in several times.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from ..protocol import API_PREFIX
from .problems import problem_response

EVENTS_PATH = f"{API_PREFIX}/events"


class WriteGateMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # Authorization header -> its POST /events in flight; on the event loop only.
        self._busy: set[bytes] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != EVENTS_PATH:
            await self.app(scope, receive, send)
            return
        key = next((v for k, v in scope["headers"] if k == b"authorization"), None)
        if key is None:  # no token: 401 from the endpoint, nothing to count
            await self.app(scope, receive, send)
            return
        if key in self._busy:
            refused = problem_response(
                429,
                "a batch of this session is being judged; send the next when it is answered",
                headers={"Retry-After": "1", "Connection": "close"},
            )
            await refused(scope, receive, send)
            return
        self._busy.add(key)
        try:
            await self.app(scope, receive, send)
        finally:
            self._busy.discard(key)
