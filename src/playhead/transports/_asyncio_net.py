"""The asyncio worker's HTTP transport: httpcore's connection pool on asyncio's own streams.

``httpx.AsyncHTTPTransport`` runs httpcore over anyio: every read and write enters a cancel
scope, a write first yields to the loop (a checkpoint) and every request polls the socket to
see whether the server closed it. A 100-event batch's request took 1.49 ms of CPU that way
against 1.06 ms on this module's streams (``docs/delivery.md``, "Figures"; the blocking
transport: about 0.75 ms). This module keeps httpcore (HTTP/1.1, keep-alive, TLS, its pool)
and gives it a network backend written on :class:`asyncio.Protocol`, through httpcore's
public interface for network backends: a write is a ``transport.write`` that never yields
unless the socket's buffer is full, a read awaits only when nothing was received yet, and
"has the server closed this idle connection?" is a flag the protocol keeps instead of a
``poll()``. The pool is wrapped
in an ``httpx.AsyncBaseTransport`` (httpx's public interface for custom transports) made as
``httpx.AsyncHTTPTransport()`` makes its own: the same SSL context (certificates verified,
``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` honoured), HTTP/1.1, the same pool limits, httpcore's
errors turned into httpx's.

Only the route without a proxy uses it (``_posting``): with a proxy, httpx's client applies it
with its own transports.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any

import httpcore
import httpx

__all__ = ["AsyncioTransport"]

_PAUSE_AT = 256 * 1024  # received bytes held before the socket is no longer read


class _Protocol(asyncio.Protocol):
    """Received bytes, the end of the stream, and the waits on both directions."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.ended = False  # the peer closed, or the connection was lost
        self.error: BaseException | None = None
        self.paused_reading = False
        self.paused_writing = False
        self.waiter: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) >= _PAUSE_AT and self.transport is not None:
            self.transport.pause_reading()
            self.paused_reading = True
        self._wake()

    def eof_received(self) -> bool:
        self.ended = True
        self._wake()
        return False  # close our side too: HTTP/1.1 never half-closes

    def connection_lost(self, exc: Exception | None) -> None:
        self.ended = True
        self.error = exc
        self._wake()

    def pause_writing(self) -> None:
        self.paused_writing = True

    def resume_writing(self) -> None:
        self.paused_writing = False
        self._wake()

    def _wake(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def wait(self, deadline: float | None, expired: type[Exception]) -> None:
        """Until the next event on the connection; ``expired`` at ``deadline`` (monotonic)."""
        loop = asyncio.get_running_loop()
        self.waiter = waiter = loop.create_future()
        timer = None
        if deadline is not None:
            timer = loop.call_later(max(0.0, deadline - time.monotonic()), _expire, waiter, expired)
        try:
            await waiter
        finally:
            self.waiter = None
            if timer is not None:
                timer.cancel()


def _expire(waiter: asyncio.Future[None], expired: type[Exception]) -> None:
    if not waiter.done():
        waiter.set_exception(expired("timed out"))


class _Stream(httpcore.AsyncNetworkStream):
    def __init__(self, transport: asyncio.Transport, protocol: _Protocol) -> None:
        self._transport = transport
        self._protocol = protocol

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        protocol = self._protocol
        deadline = None if timeout is None else time.monotonic() + timeout
        while not protocol.buffer and not protocol.ended:
            await protocol.wait(deadline, httpcore.ReadTimeout)
        buffer = protocol.buffer
        if not buffer:
            if protocol.error is not None:
                raise httpcore.ReadError(str(protocol.error) or type(protocol.error).__name__)
            return b""  # the peer closed: httpcore decides what that means
        data = bytes(buffer[:max_bytes])
        del buffer[:max_bytes]
        if protocol.paused_reading and len(buffer) < _PAUSE_AT // 2:
            protocol.paused_reading = False
            self._transport.resume_reading()
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        protocol = self._protocol
        if not buffer:
            return
        if protocol.ended or self._transport.is_closing():
            raise httpcore.WriteError("the connection is closed")
        self._transport.write(buffer)
        deadline = None if timeout is None else time.monotonic() + timeout
        while protocol.paused_writing and not protocol.ended:
            await protocol.wait(deadline, httpcore.WriteTimeout)
        if protocol.error is not None:
            raise httpcore.WriteError(str(protocol.error) or type(protocol.error).__name__)

    async def aclose(self) -> None:
        self._transport.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            with _connect_errors():
                transport = await asyncio.wait_for(
                    loop.start_tls(
                        self._transport,
                        self._protocol,
                        ssl_context,
                        server_hostname=server_hostname,
                    ),
                    timeout,
                )
        except BaseException:
            self._transport.abort()
            raise
        assert isinstance(transport, asyncio.Transport)
        self._protocol.transport = transport  # pause and resume reading on the TLS layer now
        return _Stream(transport, self._protocol)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":  # an idle connection the server closed (or wrote to)
            return bool(self._protocol.buffer) or self._protocol.ended
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "server_addr":
            return self._transport.get_extra_info("peername")
        if info in ("ssl_object", "socket"):
            return self._transport.get_extra_info(info)
        return None


class _Backend(httpcore.AsyncNetworkBackend):
    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        with _connect_errors():
            transport, protocol = await asyncio.wait_for(
                loop.create_connection(
                    _Protocol,
                    host,
                    port,
                    local_addr=(local_address, 0) if local_address else None,
                ),
                timeout,
            )
        sock = transport.get_extra_info("socket")
        for option in socket_options or ():
            sock.setsockopt(*option)
        assert isinstance(transport, asyncio.Transport)
        return _Stream(transport, protocol)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@contextlib.contextmanager
def _connect_errors() -> Iterator[None]:
    try:
        yield
    except asyncio.TimeoutError as exc:
        raise httpcore.ConnectTimeout(str(exc) or "timed out") from exc
    except OSError as exc:  # refused, unreachable, unknown host, a certificate refused
        raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc


@contextlib.contextmanager
def _httpx_errors(request: httpx.Request) -> Iterator[None]:
    """httpcore's errors as httpx's (the same names; httpx's client does the same)."""
    try:
        yield
    except Exception as exc:
        for kind in type(exc).__mro__:
            if kind.__module__.startswith("httpcore"):
                mapped = getattr(httpx, kind.__name__, None)
                if isinstance(mapped, type) and issubclass(mapped, httpx.TransportError):
                    raise mapped(str(exc), request=request) from exc
        raise


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, stream: AsyncIterable[bytes], request: httpx.Request) -> None:
        self._stream = stream
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors(self._request):
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        close = getattr(self._stream, "aclose", None)
        if close is not None:
            with _httpx_errors(self._request):
                await close()


class AsyncioTransport(httpx.AsyncBaseTransport):
    """``httpx.AsyncHTTPTransport()``'s defaults, on asyncio streams instead of anyio's."""

    def __init__(self) -> None:
        limits = httpx.Limits()  # httpx's defaults: 100 connections, 20 kept alive for 5 s
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=_Backend(),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, AsyncIterable)
        url = request.url
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors(request):
            response = await self._pool.handle_async_request(core)
        assert isinstance(response.stream, AsyncIterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream, request),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()
