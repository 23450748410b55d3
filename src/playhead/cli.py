"""The ``playhead`` command: ``demo``, ``simulate`` (and more, registered below)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from typing import IO, Any

from playhead.errors import TimelineError
from playhead.transports.base import Payload
from playhead.transports.console import FRAMES_NOTE, readable_lines
from playhead.transports.jsonl import dumps

__all__ = ["main"]


def _write_jsonl(payloads: list[Payload], out: IO[str]) -> None:
    for payload in payloads:
        out.write(dumps(payload) + "\n")


def _summary(payloads: list[Payload]) -> str:
    from collections import Counter

    counts = Counter(p["event"] for p in payloads)
    sessions = {p["properties"].get("session_id") for p in payloads}
    lines = [f"{len(payloads)} events, {len(sessions)} session(s)"]
    lines += [f"  {count:>4}  {name}" for name, count in counts.most_common()]
    return "\n".join(lines)


def cmd_demo(args: argparse.Namespace) -> int:
    """Run the built-in demo session and show its events."""
    from playhead.demo import demo_timeline
    from playhead.testing.timeline import run_timeline

    payloads = run_timeline(demo_timeline(args.heartbeat))
    if args.json:
        _write_jsonl(payloads, sys.stdout)
    else:
        print("playhead demo: a 2-minute episode with a pre-roll, a pause, a stall, a seek,")
        print("a mid-roll (one ad skipped), a bitrate change, played to the end.")
        print(f"({FRAMES_NOTE})\n")
        print("\n".join(readable_lines(payloads)))
        print()
        print(_summary(payloads))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            _write_jsonl(payloads, out)
        print(f"\nwrote {len(payloads)} events to {args.out}", file=sys.stderr)
    if args.report:
        from playhead.report import write_report

        write_report(payloads, args.report)
        print(f"wrote the session picture to {args.report}", file=sys.stderr)
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    """Replay a timeline file on a fake clock; print one payload per line."""
    from playhead.testing.timeline import run_timeline

    try:
        payloads = run_timeline(args.timeline)
    except TimelineError as exc:
        print(f"playhead simulate: {args.timeline}: {exc}", file=sys.stderr)
        return 2
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            _write_jsonl(payloads, out)
    if args.readable:
        print(f"({FRAMES_NOTE})")
        print("\n".join(readable_lines(payloads)))
    elif not args.out:
        _write_jsonl(payloads, sys.stdout)
    return 0


def _add_demo(sub: Any) -> None:
    demo = sub.add_parser("demo", help="show a simulated playback session's events")
    demo.add_argument("--out", metavar="FILE.jsonl", help="also write the payloads here")
    demo.add_argument("--json", action="store_true", help="print payloads as JSON lines")
    demo.add_argument("--report", metavar="FILE.html|.svg", help="also draw the session picture")
    demo.add_argument(
        "--heartbeat",
        type=float,
        default=10,
        metavar="SECONDS",
        help="heartbeat interval (default 10)",
    )
    demo.set_defaults(func=cmd_demo)


def _add_simulate(sub: Any) -> None:
    simulate = sub.add_parser("simulate", help="replay a timeline file on a fake clock")
    simulate.add_argument("timeline", help="timeline JSON file")
    simulate.add_argument("--out", metavar="FILE.jsonl", help="write here instead of stdout")
    simulate.add_argument(
        "--readable", action="store_true", help="print readable lines (as demo does), not JSON"
    )
    simulate.set_defaults(func=cmd_simulate)


def _add_play(sub: Any) -> None:
    from playhead.adapters.play import add_parser

    add_parser(sub)


def _add_report(sub: Any) -> None:
    from playhead.report import add_arguments, run

    report = sub.add_parser("report", help="draw a timeline picture of sessions (HTML or SVG)")
    add_arguments(report)
    report.set_defaults(func=run)


#: Subcommands: each adds its parser. Extend by appending a function.
SUBCOMMANDS: list[Callable[[Any], None]] = [_add_demo, _add_simulate, _add_play, _add_report]


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to the current ``sys.stderr`` (tests and redirections replace it)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def _quiet_logs() -> None:
    """The CLI is an application: playhead's warnings and errors go to stderr, one line each."""
    root = logging.getLogger("playhead")
    if not any(isinstance(h, _StderrHandler) for h in root.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("playhead: %(levelname)s: %(message)s"))
        handler.setLevel(logging.WARNING)
        root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="playhead", description="Video-playback analytics: raw callbacks in, events out."
    )
    from playhead import __version__

    parser.add_argument("--version", action="version", version=f"playhead {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in SUBCOMMANDS:
        add(sub)
    args = parser.parse_args(argv)
    _quiet_logs()
    result: int = args.func(args)
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
