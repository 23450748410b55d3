"""A production setup: Customer.io EU, strict mode, a durable spool, callbacks and stats.

    CIO_API_KEY=... python examples/production_http.py
    CIO_HOST=http://127.0.0.1:8080 CIO_API_KEY=test python examples/production_http.py

Without CIO_HOST the events go to https://cdp-eu.customer.io. To try it without an account,
run ``playhead collect --strict`` in another terminal first and use the second line.
"""

from __future__ import annotations

import os
import pathlib
import sys
import tempfile

import structlog

import playhead

log = structlog.get_logger("example")


def api_key() -> str:
    """The Customer.io API key from CIO_API_KEY; without one, say what to set and stop."""
    key = os.environ.get("CIO_API_KEY")
    if not key:
        print(
            "set CIO_API_KEY to a Customer.io API key; no account? run `playhead collect` and "
            "set CIO_HOST=http://127.0.0.1:8080 CIO_API_KEY=test",
            file=sys.stderr,
        )
        sys.exit(2)
    return key


def on_drop(reason: str, payloads: list[playhead.transports.Payload]) -> None:
    # runs on the transport's worker thread; keep it short, never call the session here
    log.warning("events_dropped", reason=reason, count=len(payloads))


def on_error(error: playhead.DeliveryError) -> None:
    log.error(
        "event_rejected",
        kind=error.kind,
        status=error.status,
        detail=error.message,
        message_id=error.message_id,
    )


def main() -> None:
    spool_dir = pathlib.Path(os.environ.get("PLAYHEAD_SPOOL_DIR", tempfile.gettempdir()))
    transport = playhead.HttpTransport(
        api_key=api_key(),
        region="eu",  # or host="https://collector.example" for any Segment-compatible one
        host=os.environ.get("CIO_HOST"),
        strict=True,  # 400/401 instead of a permissive 200: bad events are reported
        gzip=True,
        spool_path=spool_dir / "playhead-spool.sqlite",  # survives restarts and crashes
        spool_durability="batched",  # "sync": every send() waits for the disk (kill -9 safe)
        close_timeout=5,
        on_drop=on_drop,
        on_error=on_error,
    )
    tracker = playhead.Tracker(transport=transport, user_id="u1", video_player="mpv")
    session = tracker.session(content=[playhead.Content(asset_id="c1", total_length=600)])
    session.play()
    session.playing(position=0)
    for second in range(1, 5):
        session.time_update(second)
    session.pause(position=4)
    session.exit(position=4)

    report = transport.close(timeout=5)  # also runs by itself at interpreter exit
    print(
        f"delivered={report.delivered} remaining={report.remaining} "
        f"(kept on disk: {report.spooled}) dropped={report.dropped} rejected={report.rejected}"
    )
    print(transport.stats)


if __name__ == "__main__":
    main()
