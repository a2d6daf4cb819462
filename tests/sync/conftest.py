"""Fixtures for sync tests: real server processes, fault proxies, consoles."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.faultproxy import FaultProxy
from tests.support.server import DEFAULT_USERS, ServerProcess

from .harness import Console


@pytest.fixture
def proxy_for() -> Iterator[Callable[[ServerProcess], FaultProxy]]:
    """Make fault proxies in front of a server; all stopped after the test."""
    proxies: list[FaultProxy] = []

    def make(server: ServerProcess) -> FaultProxy:
        proxy = FaultProxy(server.port).start()
        proxies.append(proxy)
        return proxy

    yield make
    for proxy in proxies:
        proxy.stop()


@pytest.fixture
def console_for(tmp_path: Path) -> Iterator[Callable[..., Console]]:
    """Make consoles (store + workspace + sync engine); all stopped after the test."""
    consoles: list[Console] = []

    def make(url: str, name: str, username: str = "dispatcher1", **kwargs: object) -> Console:
        password = kwargs.pop("password") if "password" in kwargs else DEFAULT_USERS[username][1]
        console = Console(tmp_path, name, url, username, password, **kwargs).start()  # type: ignore[arg-type]
        consoles.append(console)
        return console

    yield make
    for console in consoles:
        console.stop()


@pytest.fixture(autouse=True)
def no_unexpected_sync_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A sync session that fails by a bug logs an error; no test may cause one."""
    caplog.set_level(logging.INFO, logger="umcr_console")
    yield
    errors = [
        r
        for r in caplog.records
        if r.name.startswith("umcr_console") and r.levelno >= logging.ERROR
    ]
    assert not errors, [r.getMessage() + (r.exc_text or "") for r in errors]
