"""Which route a batch takes to the network (straight to an httpx transport, or through the
client for a proxy from the environment), and that each route keeps what the client gave."""

from __future__ import annotations

import asyncio
import json
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from playhead import AsyncHttpTransport, DeliveryStats, HttpTransport
from playhead.testing import capture_logs
from playhead.transports._posting import environment_proxy

from .collector import Collector
from .events import arrived_once, make_events

FAST = {"flush_interval": 0.02, "backoff_base": 0.01, "backoff_max": 0.05, "timeout": 5.0}


def deliver(
    kind: str, host: str, events: list[dict[str, Any]], wait: float = 5.0, **options: Any
) -> DeliveryStats:
    """Send ``events`` through a fresh transport of ``kind``, close it within ``wait`` seconds;
    its counters."""
    options = {**FAST, "close_timeout": wait, **options}
    if kind == "threaded":
        transport = HttpTransport("test-key", host=host, **options)
        for e in events:
            transport.send(e)
        transport.close()
        return transport.stats

    async def main() -> DeliveryStats:
        async with AsyncHttpTransport("test-key", host=host, **options) as transport:
            for e in events:
                transport.send(e)
            await transport.aflush(wait)
        return transport.stats

    return asyncio.run(main())


def routes(logs: list[dict[str, Any]]) -> list[str]:
    return [line["route"] for line in logs if line["event"] == "delivery_route"]


# ------------------------------------------------------------------ the decision
@pytest.mark.parametrize(
    ("variables", "url", "expected"),
    [
        ({}, "https://cdp.customer.io/v1/batch", None),
        (
            {"HTTPS_PROXY": "http://proxy:3128"},
            "https://cdp.customer.io/v1/batch",
            "http://proxy:3128",
        ),
        (
            {"https_proxy": "http://proxy:3128"},
            "https://cdp.customer.io/v1/batch",
            "http://proxy:3128",
        ),
        ({"HTTPS_PROXY": "http://proxy:3128"}, "http://127.0.0.1:8080/v1/batch", None),
        (
            {"HTTP_PROXY": "http://proxy:3128"},
            "http://127.0.0.1:8080/v1/batch",
            "http://proxy:3128",
        ),
        ({"HTTP_PROXY": "http://proxy:3128"}, "https://cdp.customer.io/v1/batch", None),
        (
            {"ALL_PROXY": "socks5://proxy:1080"},
            "https://cdp.customer.io/v1/batch",
            "socks5://proxy:1080",
        ),
        (
            {"ALL_PROXY": "socks5://proxy:1080"},
            "http://127.0.0.1:8080/v1/batch",
            "socks5://proxy:1080",
        ),
        # NO_PROXY is httpx's to apply on the client route, never a reason to go direct
        (
            {"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "cdp.customer.io"},
            "https://cdp.customer.io/v1/batch",
            "http://proxy:3128",
        ),
        ({"NO_PROXY": "*"}, "https://cdp.customer.io/v1/batch", None),
    ],
)
def test_a_proxy_for_the_urls_scheme_is_found_in_the_environment(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], url: str, expected: str | None
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert environment_proxy(url) == expected


# ------------------------------------------------------------------ direct route, real server
@pytest.mark.parametrize("kind", ["threaded", "asyncio"])
@pytest.mark.parametrize("gzip", [False, True])
def test_without_a_proxy_batches_go_straight_to_the_transport(
    collector: Collector, kind: str, gzip: bool
) -> None:
    events = make_events(250)
    with capture_logs() as logs:
        deliver(kind, collector.url, events, gzip=gzip)
    assert routes(logs) == ["direct"]
    assert arrived_once(collector.events, events, in_order=kind == "threaded")
    assert not collector.duplicates
    assert {r.path for r in collector.requests} == {"/v1/batch"}
    assert all(r.headers["authorization"].startswith("Basic ") for r in collector.requests)
    assert all(r.headers["user-agent"].startswith("playhead/") for r in collector.requests)


@pytest.mark.parametrize("kind", ["threaded", "asyncio"])
def test_a_transport_the_user_gives_is_posted_to_directly(collector: Collector, kind: str) -> None:
    given: Any = (
        httpx.HTTPTransport(retries=1)
        if kind == "threaded"
        else httpx.AsyncHTTPTransport(retries=1)
    )
    events = make_events(120)
    with capture_logs() as logs:
        deliver(kind, collector.url, events, http_transport=given)
    assert routes(logs) == ["given_transport"]
    assert arrived_once(collector.events, events, in_order=kind == "threaded")


@pytest.mark.parametrize("kind", ["threaded", "asyncio"])
def test_cookies_the_server_sets_are_sent_back_on_the_direct_route(kind: str) -> None:
    cookies: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        cookies.append(request.headers.get("cookie"))
        return httpx.Response(200, headers={"Set-Cookie": "lb=node-7; Path=/"}, json={})

    events = make_events(30)
    deliver(
        kind,
        "http://127.0.0.1:9",
        events,
        http_transport=httpx.MockTransport(handler),
        max_batch_events=10,
    )
    assert cookies == [None, "lb=node-7", "lb=node-7"]


# ------------------------------------------------------------------ proxy route, real proxy
class _ForwardProxy(ThreadingHTTPServer):
    """A plain-HTTP forward proxy on 127.0.0.1: records each request's absolute URL, relays it."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.seen: list[str] = []
        self.relay = httpx.Client(trust_env=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _ForwardProxy

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.server.seen.append(self.path)  # absolute-form: only a proxy is asked this way
        body = self.rfile.read(int(self.headers["Content-Length"]))
        skip = {"host", "connection", "proxy-connection", "content-length", "accept-encoding"}
        headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
        answer = self.server.relay.post(self.path, content=body, headers=headers)
        self.send_response(answer.status_code)
        self.send_header("Content-Type", answer.headers.get("content-type", "application/json"))
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)


@pytest.fixture
def proxy() -> Iterator[_ForwardProxy]:
    server = _ForwardProxy()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        server.relay.close()
        thread.join(5)


@pytest.mark.parametrize("kind", ["threaded", "asyncio"])
def test_with_a_proxy_in_the_environment_requests_go_through_it(
    collector: Collector, proxy: _ForwardProxy, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    events = make_events(150)
    with capture_logs() as logs:
        deliver(kind, collector.url, events)
    assert routes(logs) == ["client_proxy"]
    assert not any(proxy.url in json.dumps(line) for line in logs)  # may hold credentials
    assert arrived_once(collector.events, events, in_order=kind == "threaded")
    assert set(proxy.seen) == {f"{collector.url}/v1/batch"}
    assert len(proxy.seen) == len(collector.requests)


@pytest.mark.parametrize("kind", ["threaded", "asyncio"])
def test_no_proxy_is_applied_by_httpx_on_the_client_route(
    collector: Collector, proxy: _ForwardProxy, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    events = make_events(50)
    with capture_logs() as logs:
        deliver(kind, collector.url, events)
    assert routes(logs) == ["client_proxy"]
    assert arrived_once(collector.events, events, in_order=kind == "threaded")
    assert proxy.seen == []


# ------------------------------------------------------------------ TLS on the direct route
class _TlsSink(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, context: ssl.SSLContext) -> None:
        super().__init__(("127.0.0.1", 0), _SinkHandler)
        self.socket = context.wrap_socket(self.socket, server_side=True)
        self.received = 0

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.server_address[1]}"


class _SinkHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _TlsSink

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.received += len(body["batch"])
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")


@pytest.fixture
def tls_sink(tmp_path: Path) -> Iterator[tuple[_TlsSink, Path]]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"openssl cannot make a certificate here: {made.stderr[-200:]!r}")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = _TlsSink(context)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server, cert
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.mark.parametrize("kind", ["threaded", "asyncio"])
def test_the_direct_route_verifies_certificates_and_reads_ssl_cert_file(
    tls_sink: tuple[_TlsSink, Path], monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    sink, cert = tls_sink
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    refused = deliver(kind, sink.url, make_events(20), wait=0.5)
    assert sink.received == 0  # a self-signed certificate is not trusted by default
    assert refused.retried >= 1

    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trusted as httpx's client would trust it
    with capture_logs() as logs:
        deliver(kind, sink.url, make_events(20))
    assert routes(logs) == ["direct"]
    assert sink.received == 20
