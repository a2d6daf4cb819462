"""The fault proxy itself: each mode does what the tests of the sync engine rely on."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator

import pytest

from tests.support.faultproxy import FaultProxy

STREAM = b"retry: 1000\n\n: keep-alive\n\nid: 7\nevent: x\ndata: 0123456789abcdef\n\n"


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        if self.server.greeting:  # type: ignore[attr-defined]
            self.request.sendall(self.server.greeting)  # type: ignore[attr-defined]
        try:
            while data := self.request.recv(65536):
                self.request.sendall(data)
        except ConnectionError:
            pass  # the proxy resets connections on purpose


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    greeting = b""


@pytest.fixture
def echo() -> Iterator[_Server]:
    server = _Server(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy(echo: _Server) -> Iterator[FaultProxy]:
    with FaultProxy(echo.server_address[1]) as p:
        yield p


def connect(proxy: FaultProxy, timeout: float = 2.0) -> socket.socket:
    return socket.create_connection(("127.0.0.1", proxy.port), timeout=timeout)


def recv_exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def recv_all(sock: socket.socket) -> bytes:
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except ConnectionResetError:
        pass
    return data


def test_pass_forwards_both_ways(proxy: FaultProxy) -> None:
    with connect(proxy) as sock:
        sock.sendall(b"hello")
        assert recv_exactly(sock, 5) == b"hello"


def test_delay_holds_each_chunk(proxy: FaultProxy) -> None:
    proxy.delay(150)
    with connect(proxy) as sock:
        started = time.monotonic()
        sock.sendall(b"x")
        assert recv_exactly(sock, 1) == b"x"
        assert time.monotonic() - started >= 0.3  # once up, once down


def test_throttle_limits_the_rate(proxy: FaultProxy) -> None:
    proxy.throttle(20_000)
    with connect(proxy, timeout=5) as sock:
        started = time.monotonic()
        sock.sendall(b"y" * 10_000)
        assert recv_exactly(sock, 10_000) == b"y" * 10_000
        # 10 kB at 20 kB/s each way; the two directions overlap.
        assert time.monotonic() - started >= 0.45


def test_drop_refuses_new_connections_and_spares_open_ones(proxy: FaultProxy) -> None:
    with connect(proxy) as old:
        old.sendall(b"a")
        assert recv_exactly(old, 1) == b"a"
        proxy.drop()
        try:
            with connect(proxy) as new:
                assert recv_all(new) == b""
        except ConnectionResetError:
            pass  # the RST may already meet the connect itself
        old.sendall(b"b")
        assert recv_exactly(old, 1) == b"b"
    assert proxy.dropped == 1


@pytest.mark.slow
def test_blackhole_silences_open_and_new_connections_for_good(proxy: FaultProxy) -> None:
    with connect(proxy) as old:
        old.sendall(b"a")
        assert recv_exactly(old, 1) == b"a"
        proxy.blackhole()
        with connect(proxy) as new:
            new.sendall(b"b")
            new.settimeout(0.5)  # silence: nothing to wait for but time
            with pytest.raises(TimeoutError):
                new.recv(1)
        proxy.pass_through()
        old.sendall(b"c")
        old.settimeout(0.5)
        with pytest.raises(TimeoutError):
            old.recv(1)  # a connection from the blackhole stays dead
    with connect(proxy) as fresh:
        fresh.sendall(b"d")
        assert recv_exactly(fresh, 1) == b"d"


def test_reset_aborts_open_connections(proxy: FaultProxy) -> None:
    with connect(proxy) as sock:
        sock.sendall(b"a")
        assert recv_exactly(sock, 1) == b"a"
        assert proxy.reset() == 1
        with pytest.raises(ConnectionResetError):
            sock.recv(1)
            sock.sendall(b"more")
            sock.recv(1)


def test_cut_closes_a_stream_in_the_middle_of_a_message(echo: _Server, proxy: FaultProxy) -> None:
    echo.greeting = STREAM
    proxy.cut(8, marker=b"data:")
    with connect(proxy) as sock:
        received = recv_all(sock)
    assert received == STREAM[: STREAM.index(b"data:") + 8]
    assert proxy.cuts == 1
    with connect(proxy) as sock:  # one cut per arming: the next stream is whole
        assert recv_exactly(sock, len(STREAM)) == STREAM


def test_uncut_disarms_a_cut_that_has_not_fired(echo: _Server, proxy: FaultProxy) -> None:
    echo.greeting = STREAM
    proxy.cut(8, marker=b"data:")
    assert proxy.uncut() is True
    with connect(proxy) as sock:
        assert recv_exactly(sock, len(STREAM)) == STREAM
    assert proxy.cuts == 0
    proxy.cut(8, marker=b"data:")
    with connect(proxy) as sock:
        recv_all(sock)
    assert proxy.uncut() is False  # it had fired already
    assert proxy.cuts == 1


def test_stall_holds_the_bytes_until_it_ends_and_then_delivers_them(proxy: FaultProxy) -> None:
    with connect(proxy) as sock:
        sock.sendall(b"before")
        assert recv_exactly(sock, 6) == b"before"
        proxy.stall()
        sock.sendall(b"held")
        sock.settimeout(0.3)
        with pytest.raises(TimeoutError):
            sock.recv(1)
        proxy.pass_through()
        sock.settimeout(2.0)
        assert recv_exactly(sock, 4) == b"held"  # the same connection, nothing lost
