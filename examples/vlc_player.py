"""A minimal VLC player tracked by playhead: plays a file or URL to the end, prints the events.

    python examples/vlc_player.py movie.mp4 [--rate 2]

Needs libvlc (Debian: ``apt-get install libvlc5 vlc-plugin-base``) and
``pip install 'playhead[vlc]'``. VLC does not say when it seeks or stalls; the adapter's
playhead monitor infers both from the time updates (see docs/adapters/vlc.md).
"""

from __future__ import annotations

import argparse
import os
import sys

import vlc

import playhead
from playhead.adapters import vlc as vlc_adapter


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("media", help="a file or a URL")
    parser.add_argument("--rate", type=float, default=1.0, help="playback speed")
    parser.add_argument("--record", metavar="T.json", help="also record a replayable timeline")
    args = parser.parse_args()

    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    instance = vlc.Instance(
        ["--quiet", *(["--intf=dummy", "--vout=dummy", "--aout=dummy"] if headless else [])]
    )
    player = instance.media_player_new()
    tracker = playhead.Tracker(
        playhead.ConsoleTransport(),
        anonymous_id="vlc-example",
        video_player="vlc",
        heartbeat_interval=10,
    )
    session = tracker.session(content=[playhead.Content(asset_id=os.path.basename(args.media))])
    handle = vlc_adapter.attach(player, session, record=args.record is not None)
    try:
        player.set_media(instance.media_new(args.media))
        player.play()
        player.set_rate(args.rate)
        while not handle.wait(0.5):
            pass
    except KeyboardInterrupt:
        player.stop()  # Stopped: the adapter ends the session with Exited
        handle.wait(5)
    finally:
        handle.detach()  # before release(): the adapter's worker may still ask the player
        player.release()
        instance.release()
        tracker.close(timeout=5)
        if handle.recorder is not None:
            handle.recorder.dump(args.record)
    if handle.error:
        print(f"cannot play {args.media}: {handle.error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
