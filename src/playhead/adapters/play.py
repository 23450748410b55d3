"""``playhead play FILE_OR_URL``: watch playhead's events for a real mpv playback.

Plays the media with mpv (headless unless ``--window``), prints every event as it is emitted and
exits when playback ends: 0 at the end of the media, 1 when it cannot be played, 130 on Ctrl-C
(the session then ends with Video Playback Exited). ``--record T.json`` writes the raw callbacks
as a timeline that ``playhead simulate T.json`` replays.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlparse

from playhead._logging import get_logger

__all__ = ["add_parser", "main", "run"]

log = get_logger("playhead.play")

_PROBE_TIMEOUT = 15.0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``play`` on the CLI's subparsers (``subparsers.add_parser`` table)."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "play",
        help="play a file or URL with mpv and print the events as they happen",
        description=__doc__,
    )
    configure(parser)
    parser.set_defaults(func=run)
    return parser


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("media", metavar="FILE_OR_URL", help="a media file or an http(s) URL")
    parser.add_argument(
        "--record", metavar="T.json", type=Path, help="write the raw callbacks as a timeline"
    )
    parser.add_argument(
        "--window", action="store_true", help="show the video (default: headless, no audio)"
    )
    parser.add_argument("--speed", type=float, default=1.0, help="playback speed (default 1)")
    parser.add_argument(
        "--heartbeat-interval", type=float, default=10.0, help="seconds between heartbeats"
    )
    parser.add_argument("--user-id", default=None, help="userId on the events")
    parser.add_argument("--anonymous-id", default="playhead-cli", help="anonymousId otherwise")


def _asset_id(media: str) -> str:
    parsed = urlparse(media)
    name = Path(parsed.path if parsed.scheme else media).name
    return name or media


def _is_url(media: str) -> bool:
    return urlparse(media).scheme in ("http", "https", "rtmp", "rtsp", "hls", "ftp", "file")


def _player(mpv: Any, *, window: bool, speed: float, pause: bool = False) -> Any:
    options: dict[str, Any] = {"speed": speed, "pause": pause}
    if not window:
        options.update(vo="null", ao="null")
    return mpv.MPV(**options)


def _probe(mpv: Any, media: str) -> tuple[float | None, str | None]:
    """Open the media paused in a throwaway player: (duration, None) or (None, error)."""
    player = _player(mpv, window=False, speed=1.0, pause=True)
    loaded = threading.Event()
    result: dict[str, Any] = {}

    def on_event(event: Any) -> None:
        data = event.as_dict(decoder=lambda raw: raw.decode("utf-8", "replace"))
        if data.get("event") == "end-file" and data.get("reason") == "error":
            result["error"] = data.get("file_error") or "cannot be played"
        loaded.set()

    player.event_callback("file-loaded", "end-file", "shutdown")(on_event)

    try:
        player.play(media)
        if not loaded.wait(_PROBE_TIMEOUT):
            return None, None  # slow to open: play anyway, with the length unknown
        if "error" in result:
            return None, str(result["error"])
        duration = player.duration
        return (float(duration) if isinstance(duration, (int, float)) else None), None
    finally:
        player.terminate()


def run(args: argparse.Namespace, stdout: IO[str] | None = None) -> int:
    """Run ``play`` for parsed ``args``; the exit status."""
    import playhead

    out = stdout if stdout is not None else sys.stdout
    if isinstance(out, io.TextIOWrapper):
        out.reconfigure(line_buffering=True)  # "as they happen", also into a pipe
    try:
        import mpv
    except (ImportError, OSError) as exc:
        print(
            f"playhead play needs mpv: install libmpv (Debian: libmpv2) and "
            f"`pip install 'playhead[players]'` ({exc})",
            file=sys.stderr,
        )
        return 1
    media = args.media
    if not _is_url(media) and not Path(media).exists():
        log.error("media_not_found", media=media)
        print(f"playhead play: no such file: {media}", file=sys.stderr)
        return 1
    window = args.window
    if window and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        print("playhead play: no display; playing headless", file=sys.stderr)
        window = False
    duration, error = _probe(mpv, media)
    if error is not None:
        log.error("media_unplayable", media=media, error=error)
        print(f"playhead play: cannot play {media}: {error}", file=sys.stderr)
        return 1

    from playhead.adapters import mpv as mpv_adapter

    identity = {"user_id": args.user_id} if args.user_id else {"anonymous_id": args.anonymous_id}
    tracker = playhead.Tracker(
        transport=playhead.ConsoleTransport(out),
        heartbeat_interval=args.heartbeat_interval,
        video_player="mpv",
        **identity,
    )
    session = tracker.session(
        content=[playhead.Content(asset_id=_asset_id(media), total_length=duration)]
    )
    player = _player(mpv, window=window, speed=args.speed)
    handle = mpv_adapter.attach(player, session, record=args.record is not None)
    status = 0
    try:
        player.play(media)
        while not handle.wait(0.5):
            if player.core_shutdown:  # the window was closed, or mpv died
                break
        if handle.error is not None:
            print(f"playhead play: {media}: {handle.error}", file=sys.stderr)
            status = 1
    except KeyboardInterrupt:
        status = 130
    finally:
        handle.exit_session()  # Exited, unless playback completed
        handle.detach()
        player.terminate()
        tracker.close(timeout=5)
        if args.record is not None and handle.recorder is not None:
            handle.recorder.dump(args.record)
            print(f"recorded {len(handle.recorder.steps)} callbacks to {args.record}", file=out)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m playhead.adapters.play FILE_OR_URL``: the same as ``playhead play``."""
    parser = argparse.ArgumentParser(prog="playhead play", description=__doc__)
    configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
