"""``playhead play FILE_OR_URL``: watch playhead's events for a real playback.

Plays the media with mpv, VLC, GStreamer or Qt (headless unless ``--window``), prints every
event as it is emitted and exits when playback ends: 0 at the end of the media, 1 when it cannot
be played, 2 for bad options, 130 on Ctrl-C (the session then ends with Video Playback Exited).
The content's length is the player's. ``--out`` writes the events as JSON lines, ``--report``
draws the session; ``--record`` writes the raw callbacks as a timeline that ``playhead
simulate`` replays.
"""

from __future__ import annotations

import argparse
import io
import logging
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlparse

from playhead._command import (
    CommandError,
    OneLineParser,
    add_heartbeat_interval,
    check_output,
    run_command,
)
from playhead._logging import get_logger

__all__ = ["add_parser", "main", "run"]

log = get_logger("playhead.play")

#: What ``playhead play --help`` says (plain text: argparse shows it as written).
DESCRIPTION = (
    "Play a media file or URL with a real player and print playhead's events as they happen. "
    "Exits 0 at the end of the media, 1 when it cannot be played, 2 for a bad option, 130 on "
    "Ctrl-C (the session then ends with Video Playback Exited)."
)

PLAYERS = ("mpv", "vlc", "gstreamer", "qt")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``play`` on the CLI's subparsers (``subparsers.add_parser`` table)."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "play",
        help="play a file or URL with a real player and print the events as they happen",
        description=DESCRIPTION,
    )
    configure(parser)
    parser.set_defaults(func=run)
    return parser


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("media", metavar="FILE_OR_URL", help="a media file or an http(s) URL")
    parser.add_argument(
        "--player", choices=PLAYERS, default="mpv", help="the player to play with (default mpv)"
    )
    parser.add_argument(
        "--out", metavar="EVENTS.jsonl", type=Path, help="also write the events as JSON lines"
    )
    parser.add_argument(
        "--report", metavar="SESSION.html|.svg", type=Path, help="also draw the session picture"
    )
    parser.add_argument(
        "--record", metavar="T.json", type=Path, help="write the raw callbacks as a timeline"
    )
    parser.add_argument(
        "--window", action="store_true", help="show the video (default: headless, no audio)"
    )
    parser.add_argument("--speed", type=_speed, default=1.0, help="playback speed, > 0 (default 1)")
    add_heartbeat_interval(parser)
    parser.add_argument("--user-id", default=None, help="userId on the events")
    parser.add_argument("--anonymous-id", default="playhead-cli", help="anonymousId otherwise")


def _asset_id(media: str) -> str:
    parsed = urlparse(media)
    name = Path(parsed.path if parsed.scheme else media).name
    return name or media


def _is_url(media: str) -> bool:
    return urlparse(media).scheme in ("http", "https", "rtmp", "rtsp", "hls", "ftp", "file")


def _speed(text: str) -> float:
    """An argparse ``type``: a finite playback speed > 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return value


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse an output that cannot be written before anything plays (one line, exit 2)."""
    if args.report is not None and args.report.suffix.lower() not in (".html", ".svg"):
        raise CommandError(f"{args.report}: unknown report format: write a .html or .svg file")
    for path in (args.out, args.report, args.record):
        if path is not None:
            check_output(path)


class _Said(logging.Filter):
    """``playhead play`` says the player's error itself, in one line: not twice."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "event", None) != "player_error"


def run(args: argparse.Namespace, stdout: IO[str] | None = None) -> int:
    """Run ``play`` for parsed ``args``; the exit status."""
    import playhead
    from playhead.adapters._players import BACKENDS, MissingPlayer

    out = stdout if stdout is not None else sys.stdout
    if isinstance(out, io.TextIOWrapper):
        out.reconfigure(line_buffering=True)  # "as they happen", also into a pipe
    _check_outputs(args)
    media = args.media
    if not _is_url(media) and not Path(media).exists():
        print(f"playhead play: no such file: {media}", file=sys.stderr)
        return 1
    window = args.window
    if window and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        print("playhead play: no display; playing headless", file=sys.stderr)
        window = False
    try:
        backend = BACKENDS[args.player](window=window, speed=args.speed)
    except MissingPlayer as exc:
        print(f"playhead play needs {exc}", file=sys.stderr)
        return 1

    console = playhead.ConsoleTransport(out)
    payloads: list[dict[str, Any]] = []

    def show_and_keep(payload: dict[str, Any]) -> None:
        payloads.append(payload)
        console.send(payload)

    identity = {"user_id": args.user_id} if args.user_id else {"anonymous_id": args.anonymous_id}
    tracker = playhead.Tracker(
        transport=playhead.CallbackTransport(show_and_keep),
        heartbeat_interval=args.heartbeat_interval,
        video_player=args.player,
        **identity,
    )
    # No length declared: the adapter takes it from the player.
    session = tracker.session(content=[playhead.Content(asset_id=_asset_id(media))])
    said = _Said()
    adapter_log = logging.getLogger(f"playhead.adapters.{args.player}")
    adapter_log.addFilter(said)
    handle = backend.attach(session, record=args.record is not None)
    status = 0
    try:
        backend.start(media)
        backend.wait(handle)
        error = getattr(handle, "error", None)
        if error is not None:
            print(f"playhead play: cannot play {media}: {error}", file=sys.stderr)
            status = 1
    except KeyboardInterrupt:
        status = 130
    finally:
        exit_session = getattr(handle, "exit_session", None)
        if exit_session is not None:
            exit_session()
        else:
            session.exit()  # Exited, unless playback completed
        handle.detach()
        backend.close()
        adapter_log.removeFilter(said)
        tracker.close(timeout=5)
        _write(args, handle, payloads, out)
    return status


def _write(
    args: argparse.Namespace, handle: Any, payloads: list[dict[str, Any]], out: IO[str]
) -> None:
    if args.record is not None and handle.recorder is not None:
        handle.recorder.dump(args.record)
        print(f"recorded {len(handle.recorder.steps)} callbacks to {args.record}", file=out)
    if args.out is not None:
        from playhead.transports.jsonl import dumps

        with open(args.out, "w", encoding="utf-8") as stream:
            for payload in payloads:
                stream.write(dumps(payload) + "\n")
        print(f"wrote {len(payloads)} events to {args.out}", file=out)
    if args.report is not None:
        from playhead.report import write_report

        write_report(payloads, args.report)
        print(f"wrote the session picture to {args.report}", file=out)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m playhead.adapters.play FILE_OR_URL``: the same as ``playhead play``."""
    parser = OneLineParser(prog="playhead play", description=DESCRIPTION)
    configure(parser)
    return run_command("playhead play", run, parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
