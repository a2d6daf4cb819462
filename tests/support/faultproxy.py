"""A fault-injecting TCP proxy on loopback, for tests of clients against a real server.

It runs its own asyncio loop in a daemon thread, so sync tests, async tests
and subprocess clients all use it the same way; every method is thread-safe
and takes effect before it returns.

    with FaultProxy(server.port) as proxy:
        client = make_client(proxy.url)
        proxy.blackhole()          # accept, read, answer nothing, forever for these connections
        ...
        proxy.pass_through()

Modes (they last until changed; each applies to the next chunk of every connection):

- ``pass_through()``: forward everything;
- ``delay(ms)``: hold every chunk for ``ms`` before forwarding it;
- ``throttle(bytes_per_s)``: forward at most that many bytes per second per direction;
- ``drop()``: close new connections at once (RST); open ones go on;
- ``stall()``: hold every chunk of every connection, both ways, until the mode
  changes, then forward it: a partition that TCP rides out (nothing is lost,
  the connections live on);
- ``blackhole()``: every open and new connection goes silent: bytes are read
  and thrown away, nothing is answered, and those connections stay dead
  after the blackhole ends (like a half-open TCP connection).

Actions (once):

- ``reset()``: abort every open connection with a TCP RST;
- ``cut(after_bytes, marker=None)``: the next server-to-client stream is
  closed after ``after_bytes`` more bytes (counted from the start of
  ``marker`` when given, e.g. ``b"data:"`` to cut an SSE message in its middle);
  ``uncut()`` disarms it if it has not fired.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field
from enum import StrEnum
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")
CHUNK = 65536


class Mode(StrEnum):
    PASS = "pass"
    DELAY = "delay"
    THROTTLE = "throttle"
    DROP = "drop"
    STALL = "stall"
    BLACKHOLE = "blackhole"


@dataclass
class _Cut:
    after_bytes: int
    marker: bytes | None
    fired: bool = False


@dataclass(eq=False)
class _Connection:
    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter | None = None
    dead: bool = False  # blackholed: reads go on, nothing is forwarded, ever
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    # Downstream bytes remembered while looking for a cut marker across chunks.
    tail: bytes = b""
    budget: int | None = None  # downstream bytes left before a cut


def _rst(writer: asyncio.StreamWriter | None) -> None:
    """Close with a TCP RST rather than a FIN."""
    if writer is None:
        return
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class FaultProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1", *, port: int = 0) -> None:
        self.target = (target_host, target_port)
        self._listen_port = port
        self.port = 0
        self.mode = Mode.PASS
        self.delay_ms = 0.0
        self.bytes_per_s = 0.0
        self._cut: _Cut | None = None
        self._connections: set[_Connection] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        # What happened, for assertions.
        self.accepted = 0
        self.dropped = 0
        self.resets = 0
        self.cuts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- lifecycle ----------------------------------------------------------

    def start(self) -> FaultProxy:
        ready = threading.Event()
        failure: list[BaseException] = []

        def main() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                self._server = loop.run_until_complete(
                    asyncio.start_server(self._handle, "127.0.0.1", self._listen_port)
                )
                self.port = self._server.sockets[0].getsockname()[1]
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._thread = threading.Thread(
            target=main, name=f"faultproxy->{self.target[1]}", daemon=True
        )
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        self._call(self._close_all())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop = None
        self._thread = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- faults (thread-safe) -------------------------------------------------

    def pass_through(self) -> None:
        self._set(Mode.PASS)

    def delay(self, ms: float) -> None:
        self.delay_ms = ms
        self._set(Mode.DELAY)

    def throttle(self, bytes_per_s: float) -> None:
        if bytes_per_s <= 0:
            raise ValueError("bytes_per_s must be positive")
        self.bytes_per_s = bytes_per_s
        self._set(Mode.THROTTLE)

    def drop(self) -> None:
        self._set(Mode.DROP)

    def stall(self) -> None:
        self._set(Mode.STALL)

    def blackhole(self) -> None:
        async def go() -> None:
            self.mode = Mode.BLACKHOLE
            for conn in self._connections:
                conn.dead = True

        self._call(go())

    def reset(self) -> int:
        """Abort every open connection (RST); how many there were."""

        async def go() -> int:
            conns = list(self._connections)
            for conn in conns:
                self._abort(conn)
            self.resets += len(conns)
            return len(conns)

        return self._call(go())

    def cut(self, after_bytes: int, marker: bytes | None = None) -> None:
        """Close the next server-to-client stream after ``after_bytes`` (past ``marker``)."""

        async def go() -> None:
            self._cut = _Cut(after_bytes, marker)

        self._call(go())

    def uncut(self) -> bool:
        """Disarm a ``cut`` that has not fired yet; whether one was armed."""

        async def go() -> bool:
            armed = self._cut is not None and not self._cut.fired
            self._cut = None
            return armed

        return self._call(go())

    @property
    def open_connections(self) -> int:
        return self._call(self._count())

    async def _count(self) -> int:
        return len(self._connections)

    # -- internals ------------------------------------------------------------

    def _set(self, mode: Mode) -> None:
        async def go() -> None:
            self.mode = mode

        self._call(go())

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        if self._loop is None:
            coro.close()
            raise RuntimeError("the proxy is not running")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)

    async def _close_all(self) -> None:
        if self._server is not None:
            self._server.close()
        for conn in list(self._connections):
            self._abort(conn)

    def _abort(self, conn: _Connection) -> None:
        _rst(conn.client)
        _rst(conn.upstream)
        for task in conn.tasks:
            task.cancel()
        self._connections.discard(conn)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        if self.mode == Mode.DROP:
            self.dropped += 1
            _rst(writer)
            return
        conn = _Connection(client=writer, dead=self.mode == Mode.BLACKHOLE)
        self._connections.add(conn)
        upstream_reader: asyncio.StreamReader | None = None
        if not conn.dead:
            try:
                upstream_reader, conn.upstream = await asyncio.open_connection(*self.target)
            except OSError:
                self._connections.discard(conn)
                _rst(writer)
                return
        conn.tasks.append(asyncio.create_task(self._pump(conn, reader, conn.upstream, down=False)))
        if upstream_reader is not None:
            conn.tasks.append(
                asyncio.create_task(self._pump(conn, upstream_reader, writer, down=True))
            )
        try:
            await asyncio.gather(*conn.tasks, return_exceptions=True)
        finally:
            if conn in self._connections:
                self._connections.discard(conn)
                for w in (writer, conn.upstream):
                    if w is not None:
                        w.close()

    async def _pump(
        self,
        conn: _Connection,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter | None,
        *,
        down: bool,
    ) -> None:
        try:
            while True:
                data = await reader.read(CHUNK)
                if not data:
                    # Pass the half-close on, unless the connection is silenced.
                    if writer is not None and not conn.dead and writer.can_write_eof():
                        with contextlib.suppress(OSError):
                            writer.write_eof()
                    return
                while self.mode == Mode.STALL and not conn.dead:
                    await asyncio.sleep(0.01)
                if self.mode == Mode.BLACKHOLE:
                    conn.dead = True
                if conn.dead or writer is None:
                    continue  # swallowed
                if self.mode == Mode.DELAY and self.delay_ms > 0:
                    await asyncio.sleep(self.delay_ms / 1000)
                cut_here = None
                if down:
                    data, cut_here = self._apply_cut(conn, data)
                await self._write(writer, data)
                if cut_here:
                    self.cuts += 1
                    self._abort(conn)
                    return
        except (ConnectionError, OSError):
            self._abort(conn)

    def _apply_cut(self, conn: _Connection, data: bytes) -> tuple[bytes, bool]:
        """The part of ``data`` to forward, and whether to cut the connection after it."""
        cut = self._cut
        if conn.budget is None:
            if cut is None or cut.fired:
                return data, False
            if cut.marker is None:
                conn.budget = cut.after_bytes
            else:
                seen = conn.tail + data
                at = seen.find(cut.marker)
                if at == -1:
                    conn.tail = seen[-(len(cut.marker) - 1) :] if len(cut.marker) > 1 else b""
                    return data, False
                # Bytes of ``data`` before the marker's start do not count.
                start_in_data = max(0, at - len(conn.tail))
                conn.budget = cut.after_bytes + start_in_data
            cut.fired = True  # one connection per cut
        if len(data) >= conn.budget:
            return data[: conn.budget], True
        conn.budget -= len(data)
        return data, False

    async def _write(self, writer: asyncio.StreamWriter, data: bytes) -> None:
        if self.mode == Mode.THROTTLE and self.bytes_per_s > 0:
            step = max(1, int(self.bytes_per_s / 20))  # 20 slices a second
            for i in range(0, len(data), step):
                piece = data[i : i + step]
                writer.write(piece)
                await writer.drain()
                await asyncio.sleep(len(piece) / self.bytes_per_s)
            return
        writer.write(data)
        await writer.drain()
