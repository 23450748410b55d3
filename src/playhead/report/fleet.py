"""The fleet summary: figures over every session of a (large) JSONL file, read once.

``summarize(path)`` streams the file line by line and keeps, per session, only what its figures
need (the time spent per state and a few counts, see :mod:`playhead.report.model`), never the
events: memory grows with the number of sessions, not with the number of events. The figures:

- sessions, viewers (distinct ``userId``/``anonymousId``) and events;
- the outcome mix (:data:`~playhead.report.model.OUTCOMES`);
- startup time and rebuffer ratio as distributions (median, p95, a histogram);
- the sessions with the worst QoE (highest rebuffer ratio, then most time stalled, then the
  longest startup);
- the same figures per content item (the first item a session was opened for) and per
  ``video_player``.

Events of one session are expected in time order (as a JSONL transport writes them); one that
is older than the session's previous event is taken at that previous event's time and counted
in ``late_events``.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, Any

import attrs

from playhead.clock import parse_timestamp
from playhead.report._input import ReportError, _payloads_of
from playhead.report.model import OUTCOMES, _Builder, _Tally

__all__ = [
    "REBUFFER_BUCKETS",
    "STARTUP_BUCKETS_MS",
    "Distribution",
    "FleetSummary",
    "GroupFigures",
    "SessionFigures",
    "summarize",
]

#: Histogram edges of the startup time, milliseconds (the last bucket is open-ended).
STARTUP_BUCKETS_MS: tuple[float, ...] = (0, 250, 500, 1000, 2000, 4000, 8000)
#: Histogram edges of the rebuffer ratio; a ratio of exactly 0 has its own first bucket.
REBUFFER_BUCKETS: tuple[float, ...] = (0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2)

#: How many of the worst sessions a summary lists.
WORST = 10


@attrs.frozen
class Distribution:
    """``count`` values: their median, 95th percentile (nearest rank) and histogram.

    ``histogram`` holds ``(low, high, count)`` rows; ``high`` is None for the open last bucket.
    For the rebuffer ratio the first row, ``(0, 0, n)``, counts sessions that never stalled.

    .. versionadded:: 0.2
    """

    count: int
    median: float | None
    p95: float | None
    histogram: tuple[tuple[float, float | None, int], ...]

    @classmethod
    def of(
        cls, values: Sequence[float], edges: Sequence[float], zero_bucket: bool = False
    ) -> Distribution:
        ordered = sorted(values)
        n = len(ordered)
        median = statistics.median(ordered) if n else None
        p95 = ordered[max(0, math.ceil(0.95 * n) - 1)] if n else None
        rows: list[tuple[float, float | None, int]] = []
        rest = ordered
        if zero_bucket:
            zeros = sum(1 for v in ordered if v == 0)
            rows.append((0.0, 0.0, zeros))
            rest = ordered[zeros:]
        bounds = list(zip(edges, [*edges[1:], None], strict=False))
        counts = [0] * len(bounds)
        for value in rest:
            index = len(bounds) - 1
            while index > 0 and value < bounds[index][0]:
                index -= 1
            counts[index] += 1
        rows.extend((float(lo), hi, c) for (lo, hi), c in zip(bounds, counts, strict=False))
        return cls(n, median, p95, tuple(rows))

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "median": self.median,
            "p95": self.p95,
            "histogram": [{"from": lo, "to": hi, "count": c} for lo, hi, c in self.histogram],
        }


@attrs.frozen
class SessionFigures:
    """One session's line in the fleet summary.

    .. versionadded:: 0.2
    """

    session_id: str
    user: str
    content: str
    video_player: str
    timestamp: str
    outcome: str
    startup_time: int | None
    startup_source: str
    rebuffer_ratio: float
    time_stalled: float
    stall_count: int
    time_played: float
    duration: float
    events: int

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class GroupFigures:
    """The figures of a set of sessions (all of them, one content item, one player).

    .. versionadded:: 0.2
    """

    sessions: int
    viewers: int
    outcomes: Mapping[str, int]
    startup_time: Distribution
    rebuffer_ratio: Distribution

    @classmethod
    def of(cls, sessions: Sequence[SessionFigures]) -> GroupFigures:
        outcomes = dict.fromkeys(OUTCOMES, 0)
        for s in sessions:
            outcomes[s.outcome] += 1
        startups = [float(s.startup_time) for s in sessions if s.startup_time is not None]
        return cls(
            sessions=len(sessions),
            viewers=len({s.user for s in sessions}),
            outcomes=outcomes,
            startup_time=Distribution.of(startups, STARTUP_BUCKETS_MS),
            rebuffer_ratio=Distribution.of(
                [s.rebuffer_ratio for s in sessions], REBUFFER_BUCKETS, zero_bucket=True
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "sessions": self.sessions,
            "viewers": self.viewers,
            "outcomes": dict(self.outcomes),
            "startup_time_ms": self.startup_time.to_dict(),
            "rebuffer_ratio": self.rebuffer_ratio.to_dict(),
        }


@attrs.frozen
class FleetSummary:
    """Figures over every session of an events file (see the module's docstring).

    ``to_dict()`` is what ``playhead report EVENTS.jsonl --json`` prints.

    .. versionadded:: 0.2
    """

    overall: GroupFigures
    events: int
    skipped: int
    late_events: int
    first_event: str | None
    last_event: str | None
    worst: tuple[SessionFigures, ...]
    by_content: Mapping[str, GroupFigures]
    by_player: Mapping[str, GroupFigures]
    sessions: tuple[SessionFigures, ...] = attrs.field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.overall.to_dict(),
            "events": self.events,
            "skipped_payloads": self.skipped,
            "late_events": self.late_events,
            "first_event": self.first_event,
            "last_event": self.last_event,
            "worst_sessions": [s.to_dict() for s in self.worst],
            "by_content": {k: g.to_dict() for k, g in self.by_content.items()},
            "by_video_player": {k: g.to_dict() for k, g in self.by_player.items()},
        }


class _Session:
    """What one session keeps while the file streams by: no events, only running figures."""

    __slots__ = ("builder", "content", "last", "player", "stamp", "start", "tally", "user")

    def __init__(self, epoch: float, payload: Mapping[str, Any]) -> None:
        self.start = epoch
        self.last = epoch
        self.stamp = str(payload.get("timestamp", ""))
        self.user = str(payload.get("userId") or payload.get("anonymousId") or "")
        self.content = ""
        self.player = ""
        self.builder = _Builder(record=False)
        self.tally = _Tally()

    def add(self, epoch: float, event: str, props: Mapping[str, Any]) -> None:
        self.last = epoch
        at = round(epoch - self.start, 3)
        if (
            event == "Video Content Playing"
            and "quartile" not in props
            and self.builder.heartbeat(at, props.get("position"))
        ):
            self.tally.heartbeat(at)  # the most frequent event: its short way
            return
        if not self.content:
            if event == "Video Playback Started" and props.get("content_asset_ids"):
                self.content = str(props["content_asset_ids"][0])
            elif event == "Video Content Started" and "asset_id" in props:
                self.content = str(props["asset_id"])
        if not self.player and type(props.get("video_player")) is str:
            self.player = props["video_player"]
        self.tally.add(at, event, props)
        self.builder.event(at, event, props)

    def figures(self, session_id: str) -> SessionFigures:
        builder = self.builder
        interrupted = builder.mode != "ended" and "interrupted" in builder.overlays
        builder.finish(self.tally.last_at)
        stats = self.tally.stats(builder.totals, interrupted)
        return SessionFigures(
            session_id=session_id,
            user=self.user,
            content=self.content or "(unknown)",
            video_player=self.player or "(unknown)",
            timestamp=self.stamp,
            outcome=stats.outcome,
            startup_time=stats.startup_time,
            startup_source=stats.startup_source,
            rebuffer_ratio=stats.rebuffer_ratio,
            time_stalled=stats.time_stalled,
            stall_count=stats.stall_count,
            time_played=stats.time_played,
            duration=stats.duration,
            events=stats.events,
        )


class Progress:
    """A one-line progress display on a terminal: bytes read, events, sessions.

    Writes only when ``stream`` is a TTY, at most four times a second, and clears its line at
    the end, so pipes and logs never see it.
    """

    def __init__(self, stream: IO[str], total_bytes: int | None) -> None:
        self.stream = stream
        self.total = total_bytes
        self.enabled = stream.isatty()
        self.next_at = 0.0

    def update(self, done_bytes: int, events: int, sessions: int) -> None:
        now = time.monotonic()
        if not self.enabled or now < self.next_at:
            return
        self.next_at = now + 0.25
        share = f"{100 * done_bytes / self.total:3.0f}%  " if self.total else ""
        self.stream.write(f"\rreading {share}{events:,} events, {sessions:,} sessions")
        self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _lines(source: str | os.PathLike[str] | IO[bytes] | IO[str]) -> Iterator[bytes | str]:
    if isinstance(source, (str, os.PathLike)):
        with open(source, encoding="utf-8") as stream:
            yield from stream
    else:
        yield from source


class _Epochs:
    """``parse_timestamp`` with the whole seconds of recent stamps remembered: the events of a
    file come roughly in time order, so most stamps share their second with an earlier one."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def __call__(self, stamp: object) -> float:
        if type(stamp) is str and len(stamp) == 24 and stamp[19] == "." and stamp[23] == "Z":
            head = stamp[:19]
            base = self.seconds.get(head)
            if base is None:
                if len(self.seconds) > 256:
                    self.seconds.clear()
                base = self.seconds[head] = parse_timestamp(head + "Z")
            return base + int(stamp[20:23]) / 1000
        return parse_timestamp(stamp)  # type: ignore[arg-type]


def summarize(
    source: str | os.PathLike[str] | IO[bytes] | IO[str] | Iterable[Mapping[str, Any]],
    progress: IO[str] | None = None,
) -> FleetSummary:
    """The fleet figures of a JSONL file (a path or an open file), read once, streaming.

    ``source`` may also be an iterable of payloads. A line that is not JSON raises
    :class:`~playhead.report.ReportError` naming it. ``progress`` (say ``sys.stderr``) gets a
    progress line when it is a terminal.

    .. versionadded:: 0.2
    """
    name = os.fspath(source) if isinstance(source, (str, os.PathLike)) else "<stream>"
    total = None
    if isinstance(source, (str, os.PathLike)):
        try:
            total = os.path.getsize(source)
        except OSError as error:
            raise ReportError(f"cannot read {name}: {error.strerror}") from None
    meter = Progress(progress or sys.stderr, total) if progress is not None else None
    open_sessions: dict[str, _Session] = {}
    events = skipped = late = done_bytes = 0
    epoch_of = _Epochs()
    decode = json.JSONDecoder().decode
    first_stamp: tuple[float, str] = (math.inf, "")
    last_stamp: tuple[float, str] = (-math.inf, "")

    def feed(payload: Mapping[str, Any]) -> None:
        nonlocal events, skipped, late, first_stamp, last_stamp
        props = payload.get("properties")
        stamp = payload.get("timestamp")
        if (
            not (type(props) is dict or isinstance(props, Mapping))
            or "session_id" not in props
            or stamp is None
        ):
            skipped += 1
            return
        try:
            epoch = epoch_of(stamp)
        except (TypeError, ValueError):
            skipped += 1
            return
        events += 1
        if epoch < first_stamp[0]:
            first_stamp = (epoch, str(stamp))
        if epoch > last_stamp[0]:
            last_stamp = (epoch, str(stamp))
        key = str(props["session_id"])
        session = open_sessions.get(key)
        if session is None:
            session = open_sessions[key] = _Session(epoch, payload)
        elif epoch < session.last:
            late += 1
            epoch = session.last
        session.add(epoch, str(payload.get("event", "")), props)

    try:
        if isinstance(source, (str, os.PathLike)) or hasattr(source, "read"):
            for number, line in enumerate(_lines(source), start=1):  # type: ignore[arg-type]
                done_bytes += len(line)
                if not line.strip():
                    continue
                try:
                    item = decode(line) if isinstance(line, str) else json.loads(line)
                except json.JSONDecodeError as error:
                    raise ReportError(f"{name}:{number}: not JSON ({error.msg})") from None
                for payload in _payloads_of(item, f"{name}:{number}"):
                    feed(payload)
                if meter is not None and number % 2048 == 0:
                    meter.update(done_bytes, events, len(open_sessions))
        else:
            for payload in source:
                feed(payload)
    except OSError as error:
        raise ReportError(f"cannot read {name}: {error.strerror}") from None
    finally:
        if meter is not None:
            meter.done()

    figures = [s.figures(key) for key, s in open_sessions.items()]
    figures.sort(key=lambda f: f.timestamp)
    return _summary(figures, events, skipped, late, first_stamp, last_stamp)


def _worst_first(f: SessionFigures) -> tuple[float, float, float]:
    return (-f.rebuffer_ratio, -f.time_stalled, -(f.startup_time or 0))


def _summary(
    figures: list[SessionFigures],
    events: int,
    skipped: int,
    late: int,
    first: tuple[float, str],
    last: tuple[float, str],
) -> FleetSummary:
    by_content: dict[str, list[SessionFigures]] = {}
    by_player: dict[str, list[SessionFigures]] = {}
    for f in figures:
        by_content.setdefault(f.content, []).append(f)
        by_player.setdefault(f.video_player, []).append(f)
    return FleetSummary(
        overall=GroupFigures.of(figures),
        events=events,
        skipped=skipped,
        late_events=late,
        first_event=first[1] or None,
        last_event=last[1] or None,
        worst=tuple(sorted(figures, key=_worst_first)[:WORST]),
        by_content={k: GroupFigures.of(v) for k, v in sorted(by_content.items())},
        by_player={k: GroupFigures.of(v) for k, v in sorted(by_player.items())},
        sessions=tuple(figures),
    )
