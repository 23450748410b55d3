"""A real Segment-compatible collector on 127.0.0.1, with fault injection.

Speaks ``POST /v1/batch`` and ``POST /v1/track``; checks Basic auth (API key as user name,
blank password); in strict mode (``X-Strict-Mode: 1``) answers 400 with the spec's
``{"meta": {"errors": [...]}}`` for any event that does not validate against the seed spec,
otherwise 200 (and counts the invalid ones). Records every accepted messageId, and the most
requests it handled at once (``most_active``).

Faults are consumed one per request, in order: ``Status(503)``, ``Status(429,
retry_after="1")``, ``Status(301, location=...)``, ``Slow(0.2)``, ``Reset()``;
``down_for(seconds)`` resets every connection for a while, like a collector that crashed and
came back.
"""

from __future__ import annotations

import base64
import gzip
import json
import socket
import struct
import threading
import time
import urllib.parse
from collections import Counter, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs

from tests.spec import errors as spec_errors


@attrs.frozen
class Status:
    status: int
    retry_after: str | None = None
    body: bytes = b'{"meta":{"errors":["injected"]}}'
    location: str | None = None


@attrs.frozen
class Slow:
    seconds: float


@attrs.frozen
class Reset:
    pass


Fault = Status | Slow | Reset


@attrs.define
class Request:
    path: str
    headers: dict[str, str]
    events: int
    status: int | None = None
    strict: bool = False
    at: float = attrs.field(factory=time.monotonic)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    collector: Collector


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else delayed ACKs stall keep-alive requests (see notes)
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        if self.path == "/reset":  # a benchmark starts each run on an empty collector
            self.server.collector.reset()
            self.answer(200)
            return
        collector = self.server.collector
        with collector.lock:
            collector.active += 1
            collector.most_active = max(collector.most_active, collector.active)
        try:
            collector._handle(self)
        finally:
            with collector.lock:
                collector.active -= 1

    def do_GET(self) -> None:
        # /stats: lets a benchmark run the collector in another process and poll it. O(1)
        # under the lock: a benchmark polls it while events arrive. /wait?count=N&timeout=T
        # answers the same once N events arrived (or T seconds passed): one request instead of
        # a poll every few milliseconds, whose cost fell on the process being measured.
        c = self.server.collector
        if self.path.startswith("/wait?"):
            query = urllib.parse.parse_qs(self.path.partition("?")[2])
            c.wait_for(int(query["count"][0]), float(query.get("timeout", ["60"])[0]))
        with c.lock:
            stats = {"received": len(c.received), "duplicates": c.duplicate_count}
        self.answer(200, json.dumps(stats).encode())

    def reset(self) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def answer(
        self, status: int, body: bytes = b"{}", headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


class Collector:
    """Start with ``with Collector() as c:``; post to ``c.url``."""

    def __init__(self, api_key: str = "test-key", *, validate: bool = True) -> None:
        self.api_key = api_key
        self.validate = validate
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)
        self.received: Counter[str] = Counter()
        self.duplicate_count = 0  # messageIds received more than once, kept as they arrive
        self.events: list[dict[str, Any]] = []
        self.invalid: list[tuple[dict[str, Any], list[str]]] = []
        self.rejected_ids: list[str] = []
        self.requests: list[Request] = []
        self.faults: deque[Fault] = deque()
        self.down_until = 0.0
        self.active = 0  # requests being handled now, and the most at once
        self.most_active = 0
        self.keep_events = True
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.collector = self
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def add_faults(self, *faults: Fault) -> None:
        with self.lock:
            self.faults.extend(faults)

    def down_for(self, seconds: float) -> None:
        with self.lock:
            self.down_until = time.monotonic() + seconds

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        """Wait until ``count`` distinct messageIds arrived."""
        end = time.monotonic() + timeout
        with self.lock:
            while len(self.received) < count:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self.arrived.wait(left)
            return True

    @property
    def duplicates(self) -> dict[str, int]:
        with self.lock:
            return self.duplicates_locked()

    def duplicates_locked(self) -> dict[str, int]:
        return {m: n for m, n in self.received.items() if n > 1}

    def reset(self) -> None:
        """Forget everything received (faults and settings stay)."""
        with self.lock:
            self.received.clear()
            self.duplicate_count = 0
            self.events.clear()
            self.invalid.clear()
            self.rejected_ids.clear()
            self.requests.clear()
            self.most_active = self.active

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Collector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- serving
    def _handle(self, h: _Handler) -> None:
        with self.lock:
            down = time.monotonic() < self.down_until
            fault = self.faults.popleft() if self.faults and not down else None
        length = int(h.headers.get("Content-Length", "0"))
        raw = h.rfile.read(length)
        record = Request(
            path=h.path,
            headers={k.lower(): v for k, v in h.headers.items()},
            events=0,
            strict=h.headers.get("X-Strict-Mode") == "1",
        )
        with self.lock:
            self.requests.append(record)
        if down or isinstance(fault, Reset):
            h.reset()
            return
        if isinstance(fault, Status):
            record.status = fault.status
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            if fault.location:
                headers["Location"] = fault.location
            h.answer(fault.status, fault.body, headers)
            return
        if isinstance(fault, Slow):
            time.sleep(fault.seconds)
        expected = "Basic " + base64.b64encode(f"{self.api_key}:".encode()).decode()
        if h.headers.get("Authorization") != expected:
            record.status = 401
            h.answer(401, b'{"meta":{"errors":["invalid credentials"]}}')
            return
        if h.headers.get("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        try:
            body = json.loads(raw)
        except ValueError:
            record.status = 400
            h.answer(400, b'{"meta":{"errors":["body is not JSON"]}}')
            return
        if h.path == "/v1/batch" and isinstance(body, dict) and isinstance(body.get("batch"), list):
            events = body["batch"]
        elif h.path == "/v1/track" and isinstance(body, dict):
            events = [body]
        else:
            record.status = 404 if h.path not in ("/v1/batch", "/v1/track") else 400
            h.answer(record.status, b'{"meta":{"errors":["unknown path or shape"]}}')
            return
        record.events = len(events)
        problems = [(e, spec_errors(e)) for e in events] if self.validate else []
        bad = [(e, p) for e, p in problems if p]
        if bad and record.strict:
            record.status = 400
            with self.lock:
                self.rejected_ids.extend(str(e.get("messageId")) for e, _ in bad)
            messages = [f"{e.get('messageId')}: {p[0]}" for e, p in bad]
            h.answer(400, json.dumps({"meta": {"errors": messages}}).encode())
            return
        with self.lock:
            self.invalid.extend(bad)
            received = self.received
            for event in events:
                message_id = str(event.get("messageId"))
                seen = received[message_id] + 1
                received[message_id] = seen
                if seen == 2:
                    self.duplicate_count += 1
                if self.keep_events:
                    self.events.append(event)
            self.arrived.notify_all()
        record.status = 200
        h.answer(200, b"{}")


def serve_main() -> None:
    """``python -m transports.collector KEY``: run a collector alone (for benchmarks); prints
    its URL, serves until stdin closes."""
    import sys

    collector = Collector(api_key=sys.argv[1] if len(sys.argv) > 1 else "test-key", validate=False)
    collector.keep_events = False
    print(collector.url, flush=True)
    sys.stdin.read()
    collector.close()


if __name__ == "__main__":
    serve_main()
