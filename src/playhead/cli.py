"""The ``playhead`` command: ``demo``, ``simulate``, ``collect`` (and more, registered below)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from typing import IO, Any

from playhead._command import (
    CommandError,
    OneLineParser,
    add_heartbeat_interval,
    check_output,
    open_input,
    open_output,
    run_command,
)
from playhead.errors import TimelineError
from playhead.transports.base import Payload
from playhead.transports.console import describe
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
    from playhead.report import ReportError, _format_of
    from playhead.testing.timeline import run_timeline

    # Refuse what cannot be written before running anything.
    if args.report:
        try:
            _format_of(args.report, None)
        except ReportError as error:
            raise CommandError(f"{args.report}: {error}") from None
        check_output(args.report)
    out = open_output(args.out) if args.out else None
    payloads = run_timeline(demo_timeline(args.heartbeat_interval))
    if args.json:
        _write_jsonl(payloads, sys.stdout)
    else:
        print("playhead demo: a 2-minute episode with a pre-roll, a pause, a stall, a seek,")
        print("a mid-roll (one ad skipped), a bitrate change, played to the end.\n")
        for payload in payloads:
            print(describe(payload))
        print()
        print(_summary(payloads))
    if out is not None:
        with out:
            _write_jsonl(payloads, out)
        print(f"\nwrote {len(payloads)} events to {args.out}", file=sys.stderr)
    if args.report:
        from playhead.report import write_report

        try:
            write_report(payloads, args.report)
        except OSError as error:
            raise CommandError(f"{args.report}: cannot write: {error.strerror}") from None
        print(f"wrote the session picture to {args.report}", file=sys.stderr)
    return 0


def _read_timeline(path: str) -> Any:
    """The timeline file's JSON (``-``: standard input); errors name the path once."""
    with open_input(path) as file:
        try:
            return json.load(file)
        except json.JSONDecodeError as error:
            raise CommandError(f"{_shown(path)}: not valid JSON: {error}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{_shown(path)}: not a text file") from None


def _shown(path: str) -> str:
    return "<stdin>" if path == "-" else path


def cmd_simulate(args: argparse.Namespace) -> int:
    """Replay a timeline file on a fake clock; print one payload per line."""
    from playhead.testing.timeline import run_timeline

    out = open_output(args.out) if args.out else None
    try:
        payloads = run_timeline(_read_timeline(args.timeline))
    except TimelineError as error:
        raise CommandError(f"{_shown(args.timeline)}: {error}") from None
    if out is not None:
        with out:
            _write_jsonl(payloads, out)
    else:
        _write_jsonl(payloads, sys.stdout)
    return 0


def _add_demo(sub: Any) -> None:
    demo = sub.add_parser("demo", help="show a simulated playback session's events")
    demo.add_argument("--out", metavar="FILE.jsonl", help="also write the payloads here")
    demo.add_argument("--json", action="store_true", help="print payloads as JSON lines")
    demo.add_argument("--report", metavar="FILE.html|.svg", help="also draw the session picture")
    add_heartbeat_interval(demo)
    demo.set_defaults(func=cmd_demo)


def _add_simulate(sub: Any) -> None:
    simulate = sub.add_parser("simulate", help="replay a timeline file on a fake clock")
    simulate.add_argument("timeline", help="timeline JSON file ('-' for standard input)")
    simulate.add_argument("--out", metavar="FILE.jsonl", help="write here instead of stdout")
    simulate.set_defaults(func=cmd_simulate)


def cmd_collect(args: argparse.Namespace) -> int:
    """Serve a Customer.io-like collector until Ctrl-C (or SIGTERM)."""
    import signal

    from playhead.collect import Collector, StrictModeUnavailable

    out = open_output(args.out) if args.out else None
    try:
        collector = Collector(
            args.host, args.port, out=out, jsonl=out is not None, strict=args.strict
        )
    except StrictModeUnavailable as error:
        raise CommandError(f"--strict: {error}") from None
    except OSError as error:
        raise CommandError(f"cannot listen on {args.host}:{args.port}: {error.strerror}") from None

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    mode = "strict: events that fail the spec get 400" if args.strict else "every event gets 200"
    where = f"recording to {args.out}" if out is not None else "one line per event below"
    print(
        f"playhead collect: listening on {collector.url} (POST /v1/batch, /v1/track; {mode}; "
        f"{where}; Ctrl-C stops)",
        file=sys.stderr,
        flush=True,
    )
    try:
        collector.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        collector.close()
        if out is not None:
            out.close()
    if collector.reader_gone:
        raise BrokenPipeError
    received = f"{collector.received} event{'' if collector.received == 1 else 's'}"
    rejected = f", answered 400 to {collector.rejected} request(s)" if args.strict else ""
    print(f"playhead collect: received {received}{rejected}", file=sys.stderr)
    return 0


def _add_collect(sub: Any) -> None:
    collect = sub.add_parser(
        "collect", help="a local collector that answers like Customer.io, to try delivery"
    )
    collect.add_argument("--host", default="127.0.0.1", help="address to listen on")
    collect.add_argument(
        "--port", type=int, default=8080, help="port (default 8080; 0 picks a free one)"
    )
    collect.add_argument(
        "--out", metavar="FILE.jsonl", help="record the events here instead of printing them"
    )
    collect.add_argument(
        "--strict",
        action="store_true",
        help="answer 400 to events that fail the video spec (needs jsonschema)",
    )
    collect.set_defaults(func=cmd_collect)


def _add_play(sub: Any) -> None:
    from playhead.adapters.play import add_parser

    add_parser(sub)


def _add_report(sub: Any) -> None:
    from playhead.report import add_arguments, run

    report = sub.add_parser("report", help="draw a timeline picture of sessions (HTML or SVG)")
    add_arguments(report)
    report.set_defaults(func=run)


#: Subcommands: each adds its parser. Extend by appending a function.
SUBCOMMANDS: list[Callable[[Any], None]] = [
    _add_demo,
    _add_simulate,
    _add_play,
    _add_report,
    _add_collect,
]


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
    parser = OneLineParser(
        prog="playhead", description="Video-playback analytics: raw callbacks in, events out."
    )
    from playhead import __version__

    parser.add_argument("--version", action="version", version=f"playhead {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in SUBCOMMANDS:
        add(sub)
    args = parser.parse_args(argv)
    _quiet_logs()
    return run_command(f"playhead {args.command}", args.func, args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
