"""A headless console for integration tests: store, workspace and sync engine on their own loop.

The console's objects live on one thread with its own event loop, as they do
on the Qt thread in the application; the test talks to them through ``call``
(run a function there and get its result) and waits with ``wait_until``
(poll a condition there, with a deadline).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx

from umcr_console.domain.events import Event
from umcr_console.store import LocalStore, RejectionNotice, Workspace
from umcr_console.sync import Backoff, LinkState, SyncEngine, SyncStatus
from umcr_console.sync.traffic import Traffic

T = TypeVar("T")


class Console:
    def __init__(
        self,
        tmp_path: Path,
        name: str,
        url: str,
        username: str,
        password: str | None,
        *,
        keepalive: float = 1.0,
        request_timeout: float = 4.0,
        backoff_cap: float = 1.0,
        token: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        check_view: bool = False,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.name = name
        self.clock = clock  # the workspace's (the local store's windows), if not the real one
        self.transport = transport
        # Compare the incremental view with a full recompute after every change.
        self.check_view = check_view
        self.view_errors: list[str] = []
        self.db_path = tmp_path / f"{name}.db"
        self.url = url
        self.username = username
        self.password = password
        self.token = token
        self.keepalive = keepalive
        self.request_timeout = request_timeout
        self.backoff_cap = backoff_cap
        self.statuses: list[SyncStatus] = []
        self.notices: list[str] = []
        self.rejections: list[RejectionNotice] = []
        self.applied: list[Event] = []
        self.login_requests: list[str] = []
        self.submitted: list[Event] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self.workspace: Workspace
        self.engine: SyncEngine
        self._task: asyncio.Task[None] | None = None

    # -- lifecycle ----------------------------------------------------------

    def start(self) -> Console:
        ready: Future[None] = Future()

        def main() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._open())
            except BaseException as exc:
                ready.set_exception(exc)
                loop.close()
                return
            ready.set_result(None)
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._thread = threading.Thread(target=main, name=f"console-{self.name}", daemon=True)
        self._thread.start()
        ready.result(timeout=30)
        return self

    async def _open(self) -> None:
        store = LocalStore(self.db_path)
        self.workspace = Workspace(
            store,
            actor=self.username,
            workstation_id=self.name,
            **({"clock": self.clock} if self.clock is not None else {}),
        )
        self.engine = SyncEngine(
            self.url,
            self.workspace,
            username=self.username,
            password=self.password,
            token=self.token,
            keepalive=self.keepalive,
            request_timeout=self.request_timeout,
            connect_timeout=2.0,
            backoff=Backoff(base=0.05, cap=self.backoff_cap),
            transport=self.transport,
        )
        self.engine.status_changed.connect(self.statuses.append)
        self.engine.notice.connect(self.notices.append)
        self.engine.events_applied.connect(self.applied.extend)
        self.engine.login_required.connect(self.login_requests.append)
        self.workspace.rejection_added.connect(self.rejections.append)
        if self.check_view:
            self.workspace.counts_changed.connect(self._check_view)
            self.workspace.incidents_changed.connect(self._check_view)
            self.workspace.teams_changed.connect(self._check_view)
        self._task = self.engine.start()

    def _check_view(self, _change: object) -> None:
        ws = self.workspace
        expected = ws.full_recompute()
        if ws.view != expected:
            wrong = [
                k
                for k in ws.view.incidents.keys() | expected.incidents.keys()
                if ws.view.incidents.get(k) != expected.incidents.get(k)
            ]
            wrong += [
                k
                for k in ws.view.teams.keys() | expected.teams.keys()
                if ws.view.teams.get(k) != expected.teams.get(k)
            ]
            self.view_errors.append(f"view differs from a full recompute for {wrong[:3]}")

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return

        async def close() -> None:
            await self.engine.stop()
            self.workspace.store.close()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._loop = None

    def __enter__(self) -> Console:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- driving ----------------------------------------------------------------

    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the console's thread and return its result."""
        assert self._loop is not None

        async def run() -> T:
            return fn()

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout=60)

    def run(self, coro_fn: Callable[[], Any]) -> Any:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro_fn(), self._loop).result(timeout=60)

    def wait_until(
        self, condition: Callable[[], bool], timeout: float = 30.0, what: str = ""
    ) -> None:
        deadline = time.monotonic() + timeout
        while not self.call(condition):
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{self.name}: timed out after {timeout} s waiting for {what or condition}; "
                    f"status {self.engine.status}"
                )
            time.sleep(0.02)

    def submit(self, event: Event) -> None:
        self.call(lambda: self.workspace.submit(event))
        self.submitted.append(event)

    def act(self, traffic: Traffic, count: int) -> list[Event]:
        """``count`` actions made on the console's current view."""

        def make() -> list[Event]:
            made = []
            for _ in range(count):
                event = traffic.next(self.workspace.view)
                self.workspace.submit(event)
                made.append(event)
            return made

        made = self.call(make)
        self.submitted.extend(made)
        return made

    # -- observing --------------------------------------------------------------

    @property
    def status(self) -> SyncStatus:
        return self.call(lambda: self.engine.status)

    def links(self) -> list[LinkState]:
        """The link states reported, without repeats."""
        out: list[LinkState] = []
        for status in list(self.statuses):
            if not out or out[-1] != status.link:
                out.append(status.link)
        return out

    def is_online(self) -> bool:
        return self.engine.status.link == LinkState.ONLINE

    def drained(self, server_seq: int | None = None) -> bool:
        """Nothing pending, online, and caught up (to ``server_seq`` if given)."""
        return (
            self.workspace.pending_count == 0
            and self.engine.status.link == LinkState.ONLINE
            and (server_seq is None or self.workspace.cursor >= server_seq)
        )

    def wait_drained(self, server_seq: int | None = None, timeout: float = 60.0) -> None:
        self.wait_until(lambda: self.drained(server_seq), timeout, "drained")

    def view_dump(self) -> tuple[dict[str, Any], dict[str, Any]]:
        return self.call(
            lambda: (
                {k: v.model_dump(mode="json") for k, v in self.workspace.view.incidents.items()},
                {k: v.model_dump(mode="json") for k, v in self.workspace.view.teams.items()},
            )
        )


def server_log(url: str, token: str) -> list[Event]:
    """Every accepted event of the server, in seq order."""
    events: list[Event] = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as c:
        while True:
            page = c.get("/api/v1/events", params={"after": len(events), "limit": 5000}).json()
            events.extend(Event.model_validate(e) for e in page["events"])
            if not page["events"]:
                return events


def server_state(url: str, token: str) -> tuple[int, dict[str, Any], dict[str, Any]]:
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as c:
        snap = c.get("/api/v1/snapshot").json()
    # Through the models, so both sides serialise alike (times in UTC, defaults filled).
    from umcr_console.protocol import Snapshot

    parsed = Snapshot.model_validate(snap)
    return (
        parsed.seq,
        {i.id: i.model_dump(mode="json") for i in parsed.incidents},
        {t.id: t.model_dump(mode="json") for t in parsed.teams},
    )


def assert_matches_server(console: Console, url: str, token: str) -> None:
    """Once the console has sent everything and caught up, it shows the server's state."""
    console.wait_drained()
    seq, incidents, teams = server_state(url, token)
    console.wait_drained(seq)
    mine_incidents, mine_teams = console.view_dump()
    assert mine_teams == teams, f"{console.name}: teams differ: {_diff(mine_teams, teams)}"
    assert mine_incidents == incidents, (
        f"{console.name}: incidents differ: {_diff(mine_incidents, incidents)}"
    )


def _diff(mine: dict[str, Any], theirs: dict[str, Any]) -> str:
    """The first difference, readably."""
    if mine.keys() != theirs.keys():
        return (
            f"ids only here {mine.keys() - theirs.keys()}, only there {theirs.keys() - mine.keys()}"
        )
    for key in mine:
        if mine[key] != theirs[key]:
            fields = {
                f: (mine[key].get(f), theirs[key].get(f))
                for f in mine[key].keys() | theirs[key].keys()
                if mine[key].get(f) != theirs[key].get(f)
            }
            return f"{key}: (console, server) {fields}"
    return "none"
