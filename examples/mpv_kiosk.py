"""A small kiosk player: mpv plays a file or URL, playhead tracks the viewing.

    python examples/mpv_kiosk.py movie.mp4            # events printed to the console
    CIO_API_KEY=... python examples/mpv_kiosk.py URL  # events sent to Customer.io

Needs libmpv (Debian: ``apt-get install libmpv2``) and ``pip install 'playhead[players]'``.
The window opens when there is a display (``--headless`` forces no video/audio output). Space
pauses, arrow keys seek, ``q`` quits: the session then ends with Video Playback Exited.

Customer.io delivery uses ``playhead.HttpTransport`` (``CIO_REGION=eu`` for the EU data
center). On a playhead without it, the example falls back to the console and says so.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import mpv

import playhead
from playhead.adapters import mpv as mpv_adapter


def transport() -> playhead.Transport:
    api_key = os.environ.get("CIO_API_KEY")
    if not api_key:
        return playhead.ConsoleTransport()
    http_transport = getattr(playhead, "HttpTransport", None)
    if http_transport is None:
        print(
            "CIO_API_KEY is set but this playhead has no HttpTransport: printing instead",
            file=sys.stderr,
        )
        return playhead.ConsoleTransport()
    transport: playhead.Transport = http_transport(
        api_key=api_key, region=os.environ.get("CIO_REGION", "us")
    )
    return transport


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("media", help="a file or a URL")
    parser.add_argument("--user-id", default=os.environ.get("KIOSK_USER", "kiosk-1"))
    parser.add_argument("--headless", action="store_true", help="no window, no sound")
    args = parser.parse_args()

    headless = args.headless or not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    # A kiosk without a sound device still plays (silently): mpv's default audio output would
    # fail to open and end the file with an error.
    options = (
        {"vo": "null", "ao": "null"}
        if headless
        else {
            "input_default_bindings": True,
            "input_vo_keyboard": True,
            "osc": True,
            "audio_fallback_to_null": True,
        }
    )
    player = mpv.MPV(**options)

    tracker = playhead.Tracker(
        transport(), user_id=args.user_id, video_player="mpv", heartbeat_interval=10
    )
    title = Path(args.media).name
    # total_length unknown up front: playhead reports positions without it until the end.
    session = tracker.session(content=[playhead.Content(asset_id=title, title=title)])
    handle = mpv_adapter.attach(player, session)
    try:
        player.play(args.media)
        while not handle.wait(0.5):
            if player.core_shutdown:  # the viewer closed the window or pressed q
                break
    except KeyboardInterrupt:
        pass
    finally:
        handle.exit_session()  # Exited, unless playback completed
        handle.detach()
        player.terminate()
        result = tracker.close(timeout=10)
        print(f"delivered {result.delivered} events, {result.remaining} left", file=sys.stderr)
    if handle.error:
        print(f"cannot play {args.media}: {handle.error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
