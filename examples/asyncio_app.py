"""An asyncio app: AsyncHttpTransport delivers from a task on the app's own loop.

CIO_API_KEY=... python examples/asyncio_app.py
CIO_HOST=http://127.0.0.1:8080 CIO_API_KEY=test python examples/asyncio_app.py

To try it without an account, run ``playhead collect --strict`` in another terminal first and
use the second line.
"""

from __future__ import annotations

import asyncio
import os
import sys

import playhead


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


async def watch(tracker: playhead.Tracker, asset_id: str) -> None:
    session = tracker.session(content=[playhead.Content(asset_id=asset_id, total_length=300)])
    session.play()
    session.playing(position=0)
    for second in range(1, 4):
        await asyncio.sleep(0.01)  # the player would report its position here
        session.time_update(second)
    session.ended()


async def main() -> None:
    async with playhead.AsyncHttpTransport(
        api_key(),
        region="us",
        host=os.environ.get("CIO_HOST"),
        strict=True,
    ) as transport:
        tracker = playhead.Tracker(transport=transport, anonymous_id="kiosk-7")
        await asyncio.gather(*(watch(tracker, f"video-{n}") for n in range(3)))
        report = await transport.aflush(timeout=5)
        print(f"delivered={report.delivered} remaining={report.remaining}")
    # leaving the block awaited transport.aclose(); events still queued when asyncio.run()
    # tears the loop down are delivered with a blocking client within close_timeout


if __name__ == "__main__":
    asyncio.run(main())
