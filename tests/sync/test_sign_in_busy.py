"""A server busy with a sign-in flood answers 429: the console waits and tries again
with the password it holds, instead of asking its user (issue 17, item 2)."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.store.fakes import FakeServer
from umcr_console.protocol import PROBLEM_JSON, TOO_MANY_SIGN_INS_PROBLEM

from .harness import Console
from .test_engine_fake import FakeHttp, fake_console

BUSY_ANSWERS = 3


class BusyHttp(FakeHttp):
    """The fake server, whose first sign-ins are refused as in a flood."""

    def __init__(self, server: FakeServer) -> None:
        super().__init__(server)
        self.refused = 0

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/auth/token") and self.refused < BUSY_ANSWERS:
            self.refused += 1
            self.requests.append((request.method, "/auth/token", {}))
            body = {
                "type": TOO_MANY_SIGN_INS_PROBLEM,
                "title": "Too Many Requests",
                "status": 429,
                "detail": "the server is busy with sign-ins: try again in 1 s",
            }
            return httpx.Response(
                429, json=body, headers={"Retry-After": "1", "Content-Type": PROBLEM_JSON}
            )
        return await super().handle(request)


def test_a_busy_sign_in_is_retried_without_asking_the_user(
    console_for: Callable[..., Console],
) -> None:
    fake = BusyHttp(FakeServer())
    console = fake_console(console_for, fake, "busy")
    console.wait_drained()
    assert fake.refused == BUSY_ANSWERS
    sign_ins = [r for r in fake.requests if r[1] == "/auth/token"]
    assert len(sign_ins) == BUSY_ANSWERS + 1
    assert console.login_requests == []
    assert not any(s.login_required for s in console.statuses)
