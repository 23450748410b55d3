"""Session pictures: ``playhead report EVENTS.jsonl -o session.html`` (or ``.svg``).

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
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from playhead.report._input import ReportError, _payloads_of
from playhead.report.html import render_html
from playhead.report.model import (
    BAND_STATES,
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
    "Band",
    "Marker",
    "ReportError",
    "SessionStats",
    "SessionTimeline",
    "add_arguments",
    "build_sessions",
    "build_timeline",
    "main",
    "read_events",
    "render_html",
    "render_svg",
    "run",
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
        "-o", "--output", required=True, help="picture to write: a .html or .svg file"
    )
    parser.add_argument(
        "--format", choices=("html", "svg"), default=None, help="override the output suffix"
    )


def run(args: argparse.Namespace, stdout: IO[str] | None = None) -> int:
    """Carry out a parsed ``report`` command; returns the exit status."""
    out = stdout if stdout is not None else sys.stdout
    try:
        source: str | IO[str] = sys.stdin if args.events == "-" else args.events
        payloads = read_events(source)
        sessions = write_report(payloads, args.output, args.format)
    except ReportError as error:
        print(f"playhead report: {error}", file=sys.stderr)
        return 2
    except (OSError, KeyError, ValueError) as error:
        print(f"playhead report: cannot draw {args.events}: {error}", file=sys.stderr)
        return 1
    plural = "" if len(sessions) == 1 else "s"
    print(f"wrote {args.output}: {len(sessions)} session{plural}", file=out)
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
