"""A failover TCP front on loopback: each new connection goes to the first live backend.

What a reverse proxy with a backup upstream does (nginx ``server ... backup``,
HAProxy ``backup``), cut to what tests of several server processes need:

    with FailoverProxy([first.port, second.port]) as front:
        console = make_console(front.url)   # on `first` while it lives, then on `second`

A connection stays with the backend it was opened to; when that backend dies
(its sockets close), the client side is closed too, and the client's next
connection goes to the next live backend in the list. It runs its own asyncio
loop in a daemon thread, like ``FaultProxy``, so subprocess clients use it too.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections import Counter
from collections.abc import Sequence
from types import TracebackType

CHUNK = 65536
CONNECT_TIMEOUT = 1.0


class FailoverProxy:
    def __init__(self, backends: Sequence[int], *, host: str = "127.0.0.1") -> None:
        if not backends:
            raise ValueError("at least one backend port")
        self.backends = list(backends)
        self.host = host
        self.port = 0
        # Connections opened per backend port, and those no backend would take.
        self.opened: Counter[int] = Counter()
        self.refused = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> FailoverProxy:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.host, 0)
        sock: socket.socket = self._server.sockets[0]
        self.port = sock.getsockname()[1]

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()

    def __enter__(self) -> FailoverProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        for port in self.backends:
            try:
                pair = await asyncio.wait_for(
                    asyncio.open_connection(self.host, port), CONNECT_TIMEOUT
                )
            except (OSError, TimeoutError):
                continue  # refused or silent: the next backend
            self.opened[port] += 1
            return pair
        return None

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream = await self._connect()
        if upstream is None:
            self.refused += 1
            writer.close()
            return
        up_reader, up_writer = upstream
        self._writers.update((writer, up_writer))
        try:
            # Either direction ending ends the connection: a dead backend's
            # client must notice at once and reconnect (to the next backend).
            pipes = {
                asyncio.ensure_future(_pipe(reader, up_writer)),
                asyncio.ensure_future(_pipe(up_reader, writer)),
            }
            _done, pending = await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
        finally:
            for w in (writer, up_writer):
                self._writers.discard(w)
                w.close()
                with contextlib.suppress(OSError, ConnectionError):
                    await w.wait_closed()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, ConnectionError):
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
