"""``playhead collect``: a collector on your own machine that answers like Customer.io.

Point an :class:`~playhead.HttpTransport` (``host="http://127.0.0.1:8080"``, any API key) or a
kiosk's configuration at it to see what would be sent, without an account. It speaks
``POST /v1/batch`` and ``POST /v1/track`` (gzip too), wants HTTP Basic auth as Customer.io does
(any key; 401 without one), and answers 200 ``{}``. With ``strict`` it checks every event
against the Segment Video Spec schema that playhead is tested against (shipped with playhead;
checking needs the ``jsonschema`` package) and answers 400 with Customer.io's
``{"meta": {"errors": [...]}}`` when one fails, like Customer.io's strict mode.

Each accepted event is written as one readable line (or as a JSON line: ``jsonl=True``).

.. versionadded:: 0.2
"""

from __future__ import annotations

import functools
import gzip
import importlib
import json
import socket
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import IO, Any

from playhead.transports.console import describe
from playhead.transports.jsonl import dumps

__all__ = ["Collector", "StrictModeUnavailable", "spec_errors"]

_SPEC_FILE = "video-events.openapi.json"  # a copy of tests/fixtures' (a test keeps them equal)
_TRACK_BODY = "#/paths/~1track/post/requestBody/content/application~1json/schema"


class StrictModeUnavailable(RuntimeError):
    """Checking events against the spec needs the ``jsonschema`` package."""


@functools.cache
def _validators() -> tuple[Any, dict[str, Any]]:
    try:  # an optional dependency, imported by name so that it needs no type stubs
        draft = importlib.import_module("jsonschema").Draft202012Validator
    except ImportError:
        raise StrictModeUnavailable(
            "checking events against the spec needs the jsonschema package (pip install jsonschema)"
        ) from None
    packaged = resources.files("playhead").joinpath("_spec").joinpath(_SPEC_FILE)
    spec = json.loads(packaged.read_text("utf-8"))

    def validator(pointer: str) -> Any:
        # The spec is the root schema, so its #/components/... references resolve offline.
        checker = draft.FORMAT_CHECKER
        return draft({**spec, "$ref": pointer}, format_checker=checker)

    # Each event's own branch of the /track body's oneOf gives the same verdict, much faster.
    branches = {
        name: validator(f"#/components/schemas/{name}")
        for name in spec["components"]["schemas"]
        if name.endswith("_event")
    }
    return validator(_TRACK_BODY), branches


def spec_errors(event: Any) -> list[str]:
    """What is wrong with ``event`` as a Segment Video Spec ``/track`` body ([] when valid).

    Raises :class:`StrictModeUnavailable` when ``jsonschema`` is not installed.
    """
    whole, branches = _validators()
    validator = whole
    if isinstance(event, dict) and isinstance(event.get("event"), str):
        validator = branches.get(event["event"].lower().replace(" ", "_") + "_event", whole)
    problems = []
    for error in validator.iter_errors(event):
        where = "/".join(map(str, error.absolute_path)) or "payload"
        # A oneOf's own message quotes the whole payload; its branches' messages say what fails.
        reasons = list(dict.fromkeys(sub.message for sub in error.context or ()))[:3]
        problems.append(f"{where}: {' or '.join(reasons) if reasons else error.message}")
    return problems


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    collector: Collector


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # keep-alive requests would wait on delayed ACKs
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the collector reports events, not requests

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        status, answer = self.server.collector.receive(self.path, dict(self.headers), body)
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _errors(*messages: str) -> dict[str, Any]:
    return {"meta": {"errors": list(messages)}}


class Collector:
    """A Customer.io-like collector serving on ``host:port`` (port 0: any free port).

    Start it with ``with Collector(...) as collector:`` or :meth:`start`; post to
    :attr:`url`. Accepted events are written to ``out`` (standard output when None), one
    readable line each or, with ``jsonl=True``, one JSON line each; a strict rejection is one
    line on ``errors`` (standard error when None).

    .. versionadded:: 0.2
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 8080,
        *,
        out: IO[str] | None = None,
        jsonl: bool = False,
        strict: bool = False,
        errors: IO[str] | None = None,
    ) -> None:
        if strict:
            _validators()  # fail now, not on the first event, when jsonschema is missing
        self.strict = strict
        #: Events accepted, and requests answered 400 (a client splits a rejected batch and
        #: sends its halves again, so one bad event can cost several).
        self.received = 0
        self.rejected = 0
        #: True once ``out`` was a pipe whose reader went away (``playhead collect | head``).
        self.reader_gone = False
        self._out = out
        self._err = errors
        self._format: Callable[[Any], str] = dumps if jsonl else describe
        self._lock = threading.Lock()
        self._server = (_Server6 if ":" in host else _Server)((host, port), _Handler)
        self._server.collector = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        address, port = self._server.server_address[:2]
        host = address.decode() if isinstance(address, bytes) else address
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"

    def receive(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        """Answer one request as Customer.io would: ``(status, JSON body)``."""
        if path not in ("/v1/batch", "/v1/track"):
            return 404, _errors(f"no such endpoint: {path} (use /v1/batch or /v1/track)")
        named = {key.lower(): value for key, value in headers.items()}
        if not named.get("authorization", "").startswith("Basic "):
            return 401, _errors("missing Basic auth: send the API key as the user name")
        try:
            if named.get("content-encoding") == "gzip":
                body = gzip.decompress(body)
            data = json.loads(body)
        except (OSError, ValueError):
            return 400, _errors("the body is not JSON")
        if path == "/v1/batch":
            events = data.get("batch") if isinstance(data, dict) else None
            if not isinstance(events, list):
                return 400, _errors("a batch is an object with a 'batch' list")
        else:
            events = [data]
        if self.strict:
            problems = [
                f"{event.get('messageId') if isinstance(event, dict) else '?'}: {problem}"
                for event in events
                for problem in spec_errors(event)[:3]
            ]
            if problems:
                with self._lock:
                    self.rejected += 1
                err = self._err if self._err is not None else sys.stderr
                more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
                with self._lock:
                    err.write(f"rejected with 400: {problems[0]}{more}\n")
                return 400, _errors(*problems)
        with self._lock:
            self.received += len(events)
            out = self._out if self._out is not None else sys.stdout
            try:
                for event in events:
                    out.write(self._format(event) + "\n")
                out.flush()  # a reader (or a file someone tails) sees each event as it arrives
            except BrokenPipeError:
                if not self.reader_gone:
                    self.reader_gone = True
                    threading.Thread(target=self._server.shutdown, daemon=True).start()
        return 200, {}

    def start(self) -> Collector:
        """Serve on a background thread until :meth:`close`."""
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="playhead-collect", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve on this thread until :meth:`close` is called from another."""
        self._server.serve_forever()

    def close(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> Collector:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()
