"""A loopback HTTP server for one media file: Range requests, throttling and scripted stalls.

Real players buffer only when the bytes do not arrive in time, so the stall tests serve the media
from here: ``rate`` caps the bytes per second of all responses together (a player that opens a
second connection gets no more), and ``stall_at``/``stall_for``
holds back the bytes from one offset onwards for a given time, counted from the first moment any
response reaches that offset (a mid-stream stall of the origin, whatever connections the player
opens). With ``hold=True`` those bytes wait instead until :meth:`release` (a stall the test
ends when it chooses; the cap on the rate goes with it); :meth:`hold` stops the origin at any
moment the test chooses. Every sleep waits on the stop event,
so :meth:`MediaServer.stop` ends all handlers promptly.
"""

from __future__ import annotations

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_CHUNK = 4096


class MediaServer:
    """Serve ``path`` on 127.0.0.1 at :attr:`url` until :meth:`stop` or the ``with`` block ends."""

    def __init__(
        self,
        path: Path,
        *,
        rate: float | None = None,
        stall_at: int | None = None,
        stall_for: float = 0.0,
        hold: bool = False,
        content_type: str = "video/mp4",
    ) -> None:
        self.data = Path(path).read_bytes()
        self.rate = rate
        self.stall_at = stall_at
        self.stall_for = stall_for
        self.content_type = content_type
        self.requests: list[tuple[int, int]] = []
        self.stalls: list[float] = []
        self._stall_lock = threading.Lock()
        self._stall_until: float | None = None
        self._stop = threading.Event()
        self._rate_lock = threading.Lock()
        self._rate_began: float | None = None
        self._rate_sent = 0
        self._released = threading.Event()
        if not hold:
            self._released.set()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/media.mp4"

    def start(self) -> MediaServer:
        self._thread.start()
        return self

    def hold(self) -> None:
        """From now on, hold back every byte not yet sent until :meth:`release`: the origin
        stops wherever each reader is, and the player stalls when its buffer runs dry."""
        self.stall_at = 0
        self._released.clear()

    def release(self) -> None:
        """Let the held bytes go (``hold=True``), and lift the ``rate`` cap."""
        self.rate = None
        self._released.set()

    def stop(self) -> None:
        self._stop.set()
        self._released.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> MediaServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _wait_for_origin(self, offset: int, upto: int) -> bool:
        """Hold back bytes from ``stall_at`` on during the stall window; False when stopping."""
        if self.stall_at is None or upto <= self.stall_at:
            return True
        if not self._released.is_set():
            with self._stall_lock:
                if not self.stalls:
                    self.stalls.append(time.monotonic())
            self._released.wait()
            return not self._stop.is_set()
        with self._stall_lock:
            now = time.monotonic()
            if self._stall_until is None:
                self._stall_until = now + self.stall_for
                self.stalls.append(now)
            remaining = self._stall_until - now
        return remaining <= 0 or not self._stop.wait(remaining)

    def _throttle(self, sent: int) -> float:
        """Seconds to wait so that all responses together stay under ``rate``."""
        rate = self.rate
        if not rate:
            return 0.0
        with self._rate_lock:
            now = time.monotonic()
            if self._rate_began is None:
                self._rate_began = now
            self._rate_sent += sent
            return self._rate_sent / rate - (now - self._rate_began)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_HEAD(self) -> None:
                self._respond(body=False)

            def do_GET(self) -> None:
                self._respond(body=True)

            def _respond(self, *, body: bool) -> None:
                size = len(server.data)
                start, end = 0, size
                match = _RANGE.fullmatch(self.headers.get("Range", "").strip())
                if match and (match.group(1) or match.group(2)):
                    if match.group(1):
                        start = int(match.group(1))
                        end = int(match.group(2)) + 1 if match.group(2) else size
                    else:  # suffix range: the last N bytes
                        start = max(0, size - int(match.group(2)))
                    end = min(end, size)
                    if start >= size:
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{size}")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{end - 1}/{size}")
                else:
                    self.send_response(200)
                self.send_header("Content-Type", server.content_type)
                self.send_header("Accept-Ranges", "bytes")
                self.send_header("Content-Length", str(end - start))
                self.end_headers()
                if not body:
                    return
                server.requests.append((start, end))
                self._send(start, end)

            def _send(self, start: int, end: int) -> None:
                offset = start
                try:
                    while offset < end and not server._stop.is_set():
                        chunk = server.data[offset : min(end, offset + _CHUNK)]
                        if not server._wait_for_origin(offset, offset + len(chunk)):
                            return
                        self.wfile.write(chunk)
                        offset += len(chunk)
                        ahead = server._throttle(len(chunk))
                        if ahead > 0 and server._stop.wait(ahead):
                            return
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the player closed the connection (a seek, or the end): normal

        return Handler
