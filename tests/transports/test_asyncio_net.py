"""AsyncHttpTransport's own network layer (httpcore on asyncio streams): what httpx's anyio
streams did for it, checked through the transport against real servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from playhead import AsyncHttpTransport, DeliveryError
from playhead.testing import capture_logs

from .collector import Collector, Slow
from .events import arrived_once, make_events

FAST = {"flush_interval": 0.02, "backoff_base": 0.01, "backoff_max": 0.05}


class RawServer:
    """HTTP/1.1 by hand: answers each request with ``answer(events)`` (status, body); with
    ``close_idle`` closes the connection 50 ms later, as a server ending keep-alive."""

    def __init__(
        self, answer: Callable[[int], tuple[int, bytes]], *, close_idle: bool = False
    ) -> None:
        self.answer = answer
        self.close_idle = close_idle
        self.events = 0
        self.connections = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.1)
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _accept(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # the 0.1 s tick, or closed
                continue
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        data = b""
        with conn:
            for _ in range(1_000):  # bounded: requests on one connection
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, data = data.partition(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                while len(data) < length:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                body, data = data[:length], data[length:]
                events = len(json.loads(body)["batch"])
                status, answer = self.answer(events)
                if status == 200:
                    self.events += events
                conn.sendall(
                    b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                    % (status, len(answer))
                    + answer
                )
                if self.close_idle:
                    threading.Event().wait(0.05)
                    return

    def close(self) -> None:
        self.running = False
        self.sock.close()
        self.thread.join(5)


@pytest.fixture
def raw_server() -> Iterator[Callable[..., RawServer]]:
    servers: list[RawServer] = []

    def start(answer: Callable[[int], tuple[int, bytes]], **options: Any) -> RawServer:
        servers.append(RawServer(answer, **options))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def deliver(
    url: str, batches: list[list[dict[str, Any]]], pause: float = 0, key: str = "k", **options: Any
) -> Any:
    """Send each batch, flush it, wait ``pause``; returns the transport's stats."""

    async def main() -> Any:
        async with AsyncHttpTransport(key, host=url, **{**FAST, **options}) as transport:
            for batch in batches:
                for event in batch:
                    transport.send(event)
                await transport.aflush(10)
                await asyncio.sleep(pause)
        return transport.stats

    return asyncio.run(main())


def test_an_idle_connection_the_server_closed_is_not_reused(
    raw_server: Callable[..., RawServer],
) -> None:
    server = raw_server(lambda events: (200, b"{}"), close_idle=True)
    stats = deliver(server.url, [make_events(10), make_events(10), make_events(10)], pause=0.3)
    assert server.events == 30
    assert stats.retried == 0  # each later batch saw the closed connection and made a new one
    assert server.connections == 3


def test_a_large_answer_is_read_whole(raw_server: Callable[..., RawServer]) -> None:
    # 600 KB: past the point where the connection stops reading until the answer is taken
    answer = json.dumps({"message": "bad event", "padding": "x" * 600_000}).encode()
    server = raw_server(lambda events: (400, answer))
    errors: list[DeliveryError] = []
    stats = deliver(server.url, [make_events(1)], on_error=errors.append)
    assert stats.rejected == {"http_400": 1}
    assert [e.message for e in errors] == ["bad event"]  # the JSON was read whole


def test_large_batches_reach_the_collector_unaltered(collector: Collector) -> None:
    events = make_events(300, note="n" * 3_000)  # 100-event bodies of ~330 KB
    stats = deliver(collector.url, [events], key=collector.api_key)
    assert stats.sent == 300
    assert arrived_once(collector.events, events, in_order=False)
    assert not collector.duplicates


def test_a_slow_answer_times_out_as_httpx_would_say_and_is_retried(collector: Collector) -> None:
    collector.add_faults(Slow(1.0))
    events = make_events(20)
    with capture_logs() as logs:
        stats = deliver(collector.url, [events], key=collector.api_key, timeout=0.2)
    assert stats.sent == 20
    assert stats.retried >= 1
    retries = [line for line in logs if line["event"] == "delivery_retry"]
    assert retries[0]["reason"] == "ReadTimeout"
    # at least once: the slow request may also have been taken in (same messageIds)
    assert collector.wait_for(20, timeout=5)


def test_a_refused_connection_is_a_connect_error(refused: str) -> None:
    async def main() -> Any:
        transport = AsyncHttpTransport("k", host=refused, **FAST)
        await transport.start()
        transport.send(make_events(1)[0])
        await asyncio.sleep(0.2)
        return await transport.aclose(0.2)

    with capture_logs() as logs:
        report = asyncio.run(main())
    assert report.dropped == 1
    retries = [line for line in logs if line["event"] == "delivery_retry"]
    assert retries
    assert retries[0]["reason"] == "ConnectError"


def test_a_write_larger_than_the_socket_takes_waits_for_the_reader(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Flow control: a peer that does not read fills the socket's buffers; the write waits
    (asyncio pauses the protocol) and goes on once the peer reads, nothing lost. A 16 MB body
    through the network layer itself: batches are capped far below what loopback buffers hold."""
    from playhead.transports import _asyncio_net

    paused: list[bool] = []
    original = _asyncio_net._Protocol.pause_writing

    def pause_writing(self: Any) -> None:
        paused.append(True)
        original(self)

    monkeypatch.setattr(_asyncio_net._Protocol, "pause_writing", pause_writing)
    body = bytes(range(256)) * (16 * 4096)  # 16 MB
    received = bytearray()
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(5)

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            conn.settimeout(5)
            threading.Event().wait(0.5)  # not reading yet: the client's writes back up
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            _, _, rest = data.partition(b"\r\n\r\n")
            received.extend(rest)
            while len(received) < len(body):  # bounded: the socket times out after 5 s
                chunk = conn.recv(1 << 20)
                if not chunk:
                    break
                received.extend(chunk)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()

    async def main() -> int:
        import httpx

        url = f"http://127.0.0.1:{server.getsockname()[1]}/"
        async with httpx.AsyncClient(transport=_asyncio_net.AsyncioTransport()) as client:
            response = await client.post(url, content=body, timeout=10)
        return response.status_code

    try:
        assert asyncio.run(main()) == 200
    finally:
        thread.join(10)
        server.close()
    assert paused  # the write did wait for the reader
    assert bytes(received) == body
