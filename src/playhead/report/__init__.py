"""Session pictures: ``playhead report EVENTS.jsonl -o session.html`` (or ``.svg``).

One session gets its chart; a file of many sessions gets the fleet page
(:mod:`playhead.report.fleet`), and ``--json`` prints the fleet summary.

The picture is drawn from event payloads only (:mod:`playhead.report.model` derives bands,
markers, the content playhead and stats; :mod:`playhead.report.svg` and
:mod:`playhead.report.html` draw them), so it works on the output of any transport that writes
JSONL and on a capture of what was sent to the collector.

.. versionadded:: 0.1
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from playhead.report._input import ReportError, _payloads_of
from playhead.report.fleet import FleetSummary, summarize
from playhead.report.fleet_page import render_fleet_html, render_fleet_svg
from playhead.report.html import render_html
from playhead.report.model import (
    BAND_STATES,
    OUTCOMES,
    SKIPPED_AD,
    Band,
    Marker,
    SessionStats,
    SessionTimeline,
    build_sessions,
    build_timeline,
)
from playhead.report.svg import render_svg

__all__ = [
    "BAND_STATES",
    "OUTCOMES",
    "SKIPPED_AD",
    "Band",
    "FleetSummary",
    "Marker",
    "ReportError",
    "SessionStats",
    "SessionTimeline",
    "add_arguments",
    "build_sessions",
    "build_timeline",
    "main",
    "read_events",
    "render_fleet_html",
    "render_fleet_svg",
    "render_html",
    "render_svg",
    "run",
    "summarize",
    "write_fleet_report",
    "write_report",
]


def read_events(source: str | os.PathLike[str] | IO[str]) -> list[Mapping[str, Any]]:
    """Payloads from JSONL: one event per line (blank lines skipped).

    A line may also hold a ``{"batch": [...]}`` request body or a JSON array of payloads.
    Raises :class:`ReportError` naming the line of any malformed JSON.

    .. versionadded:: 0.1
    """
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        try:
            with open(source, encoding="utf-8") as stream:
                lines = stream.readlines()
        except OSError as error:
            raise ReportError(f"cannot read {name}: {error.strerror}") from None
    else:
        name = getattr(source, "name", "<stream>")
        lines = source.readlines()
    payloads: list[Mapping[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise ReportError(f"{name}:{number}: not JSON ({error.msg})") from None
        payloads.extend(_payloads_of(item, f"{name}:{number}"))
    return payloads


def _format_of(path: str | os.PathLike[str], fmt: str | None) -> str:
    if fmt is None:
        fmt = Path(path).suffix.lower().lstrip(".")
        fmt = {"htm": "html", "xhtml": "html"}.get(fmt, fmt)
    if fmt not in ("html", "svg"):
        raise ReportError(f"unknown report format {fmt!r}: write a .html or .svg file")
    return fmt


def write_report(
    payloads: Iterable[Mapping[str, Any]],
    path: str | os.PathLike[str],
    fmt: str | None = None,
) -> list[SessionTimeline]:
    """Draw the sessions in ``payloads`` into ``path`` (``.html`` or ``.svg``, or ``fmt``).

    Returns the session data that was drawn. This is what ``playhead demo --report FILE``
    and ``playhead report`` call.

    .. versionadded:: 0.1
    """
    kind = _format_of(path, fmt)
    sessions = build_sessions(payloads)
    text = render_html(sessions) if kind == "html" else render_svg(sessions)
    Path(path).write_text(text, encoding="utf-8")
    return sessions


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``report`` subcommand's arguments (shared by :func:`main` and ``playhead.cli``)."""
    parser.add_argument("events", help="JSONL file of event payloads ('-' for standard input)")
    parser.add_argument(
        "-o",
        "--output",
        help="picture to write: a .html or .svg file (one session: its chart; several: the "
        "fleet page)",
    )
    parser.add_argument(
        "--format", choices=("html", "svg"), default=None, help="override the output suffix"
    )
    parser.add_argument(
        "--json", action="store_true", help="print the fleet summary as JSON on standard output"
    )


def _spooled(stream: IO[str]) -> str:
    """Standard input copied to a temporary file: the fleet page reads its input twice."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".jsonl", delete=False) as copy:
        shutil.copyfileobj(stream, copy)
    return copy.name


def _check_output(path: str, fmt: str | None) -> None:
    _format_of(path, fmt)
    folder = Path(path).parent
    if not folder.is_dir():
        raise ReportError(f"cannot write {path}: there is no directory {folder}")


def _session_payloads(path: str, wanted: set[str]) -> Iterator[Mapping[str, Any]]:
    """The payloads of the ``wanted`` sessions, streaming (the second read of a fleet file)."""
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            if not line.strip():
                continue
            for payload in _payloads_of(json.loads(line), path):
                props = payload.get("properties")
                if isinstance(props, Mapping) and str(props.get("session_id")) in wanted:
                    yield payload


def write_fleet_report(
    events: str | os.PathLike[str],
    path: str | os.PathLike[str],
    fmt: str | None = None,
    summary: FleetSummary | None = None,
) -> FleetSummary:
    """Draw the fleet page of an events file into ``path`` (``.html`` or ``.svg``).

    The summary reads the file once, streaming (pass ``summary`` when you have it); a second
    read picks out the events of the worst sessions, which the page charts.

    .. versionadded:: 0.2
    """
    kind = _format_of(path, fmt)
    if summary is None:
        summary = summarize(events)
    charts = build_sessions(
        _session_payloads(os.fspath(events), {f.session_id for f in summary.worst})
    )
    worst_first = {f.session_id: i for i, f in enumerate(summary.worst)}
    charts.sort(key=lambda s: worst_first[s.session_id])
    text = render_fleet_html(summary, charts) if kind == "html" else render_fleet_svg(summary)
    Path(path).write_text(text, encoding="utf-8")
    return summary


def run(args: argparse.Namespace, stdout: IO[str] | None = None) -> int:
    """Carry out a parsed ``report`` command; returns the exit status."""
    out = stdout if stdout is not None else sys.stdout
    spool: str | None = None
    try:
        if not args.output and not args.json:
            raise ReportError("nothing to do: give -o FILE.html (or .svg), or --json")
        if args.output:
            _check_output(args.output, args.format)
        path = args.events
        if path == "-":
            path = spool = _spooled(sys.stdin)
        summary = summarize(path, progress=sys.stderr)
        if summary.overall.sessions == 0:
            name = "standard input" if spool else args.events
            raise ReportError(
                f"{name} holds no video events (no payload with a properties.session_id "
                f"and a timestamp)"
            )
        if args.json:
            out.write(json.dumps(summary.to_dict(), indent=2) + "\n")
        if args.output:
            count = summary.overall.sessions
            if count == 1:
                write_report(read_events(path), args.output, args.format)
            else:
                write_fleet_report(path, args.output, args.format, summary)
            plural = "" if count == 1 else "s"
            page = "the fleet page of " if count > 1 else ""
            print(
                f"wrote {args.output}: {page}{count} session{plural}",
                file=sys.stderr if args.json else out,
            )
    except ReportError as error:
        print(f"playhead report: {error}", file=sys.stderr)
        return 2
    except (OSError, KeyError, ValueError, TypeError) as error:
        print(f"playhead report: cannot draw {args.events}: {error}", file=sys.stderr)
        return 1
    finally:
        if spool is not None:
            os.unlink(spool)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``playhead report EVENTS.jsonl -o session.html``; also ``python -m playhead.report``.

    .. versionadded:: 0.1
    """
    parser = argparse.ArgumentParser(
        prog="playhead report", description="Draw a timeline picture of video sessions."
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))
