"""A host program that uses playhead and feeds it nonsense; it prints nothing itself.

``python nonsense_host.py CONFIG``: CONFIG is how the host sets up logging before using
playhead: ``none`` (nothing), ``basic`` (``logging.basicConfig(level=WARNING)``), ``critical``
(basic, then the ``playhead`` logger at CRITICAL), ``disabled`` (basic, then
``logging.disable()``). tests/test_logging_host.py reads its stdout and stderr.
"""

from __future__ import annotations

import logging
import socket
import sys

API_KEY = "sk-test-LEAKCANARY-0123456789"

config = sys.argv[1]
if config != "none":
    logging.basicConfig(level=logging.WARNING)
if config == "critical":
    logging.getLogger("playhead").setLevel(logging.CRITICAL)
elif config == "disabled":
    logging.disable()

import httpx  # noqa: E402  (after the logging set-up, as in a host's main())

import playhead  # noqa: E402


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def broken_send(payload: dict[str, object]) -> None:
    raise OSError("disk full")


memory = playhead.MemoryTransport()
tracker = playhead.Tracker(memory, user_id="viewer-1", clock=playhead.FakeClock())
session = tracker.session(content=[{"asset_id": "ep1", "total_length": 600}])
session.pause()  # before play
session.play()
session.playing(0)
session.playing()  # duplicate
session.playing()
for _ in range(1000):
    session.time_update(float("nan"))
session.ad_end()  # no ad playing
session.seeked(12)  # no seek started
session.volume(float("inf"))
assert session.stats.ignored_callbacks >= 1003, session.stats

# A transport that raises: logged (with its traceback), counted, never raised into the host.
failing = playhead.Tracker(
    playhead.CallbackTransport(broken_send), anonymous_id="anon", clock=playhead.FakeClock()
)
failing.session(content=[{"asset_id": "ep2"}]).play()
assert failing.send_failures == 1

# Delivery to a loopback port nobody listens on, with a key that must never be shown.
with (
    playhead.HttpTransport(
        API_KEY,
        host=f"http://127.0.0.1:{closed_port()}",
        flush_interval=0.05,
        backoff_base=0.05,
        backoff_max=0.1,
        max_retry_time=0.5,
        close_timeout=2,
    ) as http,
    playhead.Tracker(http, user_id="viewer-1") as http_tracker,
):
    http_session = http_tracker.session(content=[{"asset_id": "ep3", "total_length": 60}])
    http_session.play()
    http_session.playing(0)
    http_session.exit()
    report = http.flush(timeout=3)
    assert API_KEY not in repr(http) + repr(http_tracker)
assert report.remaining == 0, report
assert http.stats.dropped, http.stats


def unauthorized(request: httpx.Request) -> httpx.Response:
    return httpx.Response(401, json={"error": "invalid credentials"})


# A collector that refuses the key: the error names the URL and the answer, not the key.
with playhead.HttpTransport(
    API_KEY, http_transport=httpx.MockTransport(unauthorized), close_timeout=2
) as refused:
    refused.send({"event": "Video Playback Started", "userId": "viewer-1"})
    refused.flush(timeout=3)
