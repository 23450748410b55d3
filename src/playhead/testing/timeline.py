"""Timelines: a playback session as data, replayed on a fake clock.

A timeline is the serialized call log of the session API::

    {"tracker": {"user_id": "u1", "heartbeat_interval": 10},
     "session": {"content": [{"asset_id": "c1", "total_length": 600}], "ad_breaks": []},
     "start": "2024-01-15T10:30:00Z",
     "steps": [{"at": 0.0, "call": "play"}, {"at": 0.4, "call": "playing", "position": 0}],
     "end": 30}

``at`` is seconds on the fake clock from ``start``; ``call`` names a session callback; the other
keys are its keyword arguments. The clock advances from step to step, firing due heartbeats on
the way, and finally to ``end`` when given. ``"version": 1`` names the format (a timeline
without it is version 1); its JSON Schema, generated from the checks below, is
:func:`playhead.testing.timeline_schema.timeline_schema`.
"""

from __future__ import annotations

import inspect
import json
import math
import os
from collections.abc import Mapping
from typing import Any

import attrs

from playhead.arguments import RAW_CALLBACKS
from playhead.clock import DEFAULT_START, FakeClock, parse_timestamp
from playhead.errors import ConfigurationError, TimelineError
from playhead.session import Session
from playhead.tracker import Tracker
from playhead.transports.base import Payload, Transport
from playhead.transports.memory import MemoryTransport

__all__ = [
    "CALLS",
    "FORMAT_VERSION",
    "Step",
    "Timeline",
    "dump_timeline",
    "load_timeline",
    "run_timeline",
]

#: The timeline format this playhead reads and writes.
FORMAT_VERSION = 1

#: The session callbacks a step may name.
CALLS: tuple[str, ...] = tuple(RAW_CALLBACKS)
_SIGNATURES = {name: inspect.signature(getattr(Session, name)) for name in CALLS}
_TRACKER_KEYS = frozenset(inspect.signature(Tracker).parameters) - {"transport", "clock"}
_SESSION_KEYS = frozenset({"content", "ad_breaks", "livestream", "session_id", "properties"})
_TOP_KEYS = frozenset({"version", "tracker", "session", "start", "steps", "end", "monitor"})


@attrs.frozen
class Step:
    """One call: at ``at`` seconds, ``call`` with keyword arguments ``args``."""

    at: float
    call: str
    args: Mapping[str, Any] = attrs.field(factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at, "call": self.call, **self.args}


@attrs.frozen
class Timeline:
    """A parsed, checked timeline. Build one with :func:`load_timeline`.

    .. versionadded:: 0.1
    """

    tracker: Mapping[str, Any]
    session: Mapping[str, Any]
    steps: tuple[Step, ...]
    start: str = DEFAULT_START
    end: float | None = None
    monitor: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "tracker": dict(self.tracker),
            "session": dict(self.session),
            "start": self.start,
            "steps": [step.to_dict() for step in self.steps],
        }
        if self.end is not None:
            data["end"] = self.end
        if self.monitor is not None:
            data["monitor"] = dict(self.monitor)
        return data


def _number(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)


def _check_step(index: int, raw: object, previous: float) -> Step:
    where = f"step {index}"
    if not isinstance(raw, Mapping):
        raise TimelineError(f"{where}: must be an object with 'at' and 'call', got {raw!r}")
    at = raw.get("at")
    call = raw.get("call")
    where = f"step {index} (at {at!r}, call {call!r})"
    if not _number(at) or at < 0:  # type: ignore[operator]
        raise TimelineError(f"{where}: 'at' must be a number of seconds >= 0")
    if at < previous:  # type: ignore[operator]
        raise TimelineError(f"{where}: 'at' goes back in time (previous step at {previous})")
    if call not in _SIGNATURES:
        raise TimelineError(f"{where}: unknown call; expected one of {', '.join(CALLS)}")
    args = {k: v for k, v in raw.items() if k not in ("at", "call")}
    try:
        _SIGNATURES[call].bind(None, **args)
    except TypeError as exc:
        raise TimelineError(f"{where}: wrong arguments: {exc}") from None
    return Step(float(at), call, args)  # type: ignore[arg-type]


def load_timeline(source: str | os.PathLike[str] | Mapping[str, Any] | Timeline) -> Timeline:
    """Parse and check a timeline from a path, a JSON string's parsed dict, or a Timeline.

    Raises :class:`~playhead.TimelineError` naming the step that is wrong.
    """
    if isinstance(source, Timeline):
        return source
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, encoding="utf-8") as file:
                data = json.load(file)
        except json.JSONDecodeError as exc:
            raise TimelineError(f"{os.fspath(source)}: not valid JSON: {exc}") from None
        except OSError as exc:
            raise TimelineError(f"{os.fspath(source)}: cannot read: {exc.strerror}") from None
    else:
        data = source
    if not isinstance(data, Mapping):
        raise TimelineError("a timeline must be a JSON object")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise TimelineError(f"unknown top-level keys: {sorted(unknown)}")
    version = data.get("version", FORMAT_VERSION)
    if isinstance(version, bool) or version != FORMAT_VERSION:
        raise TimelineError(
            f"unknown timeline version {version!r}: this playhead reads version {FORMAT_VERSION}"
        )
    tracker = data.get("tracker") or {}
    session = data.get("session") or {}
    if not isinstance(tracker, Mapping) or set(tracker) - _TRACKER_KEYS:
        raise TimelineError(
            f"'tracker' must be an object with keys from {sorted(_TRACKER_KEYS)}, got {tracker!r}"
        )
    if not isinstance(session, Mapping) or set(session) - _SESSION_KEYS:
        raise TimelineError(
            f"'session' must be an object with keys from {sorted(_SESSION_KEYS)}, got {session!r}"
        )
    start = data.get("start", DEFAULT_START)
    try:
        parse_timestamp(start)
    except (TypeError, ValueError):
        raise TimelineError(f"'start' must be an ISO-8601 time, got {start!r}") from None
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list):
        raise TimelineError("'steps' must be a list")
    steps = []
    previous = 0.0
    for index, raw in enumerate(raw_steps):
        step = _check_step(index, raw, previous)
        previous = step.at
        steps.append(step)
    end = data.get("end")
    if end is not None and (not _number(end) or end < previous):
        raise TimelineError(f"'end' must be a number >= the last step's 'at', got {end!r}")
    monitor = data.get("monitor")
    if monitor is not None and not isinstance(monitor, Mapping):
        raise TimelineError(f"'monitor' must be an object of PlayheadMonitor options: {monitor!r}")
    return Timeline(
        dict(tracker),
        dict(session),
        tuple(steps),
        str(start),
        None if end is None else float(end),
        None if monitor is None else dict(monitor),
    )


def build_session(
    timeline: Timeline, transport: Transport, clock: FakeClock
) -> tuple[Tracker, Session]:
    """The tracker and session a timeline describes, on ``clock`` and ``transport``."""
    tracker_args = dict(timeline.tracker)
    if "user_id" not in tracker_args and "anonymous_id" not in tracker_args:
        tracker_args["anonymous_id"] = "simulated-viewer"
    try:
        tracker = Tracker(transport, clock=clock, **tracker_args)
        session = tracker.session(**timeline.session)
    except (ConfigurationError, TypeError) as exc:
        raise TimelineError(f"bad tracker or session configuration: {exc}") from None
    return tracker, session


def run_timeline(
    source: str | os.PathLike[str] | Mapping[str, Any] | Timeline,
    transport: Transport | None = None,
) -> list[Payload]:
    """Replay a timeline on a :class:`~playhead.FakeClock`; return the payloads emitted.

    With ``transport`` given, payloads go there too (they are returned only when it is a
    MemoryTransport or when none is given).

    .. versionadded:: 0.1
    """
    timeline = load_timeline(source)
    memory = transport if isinstance(transport, MemoryTransport) else MemoryTransport()
    sink: Transport = memory if transport is None else transport
    if transport is not None and transport is not memory:
        sink = _Tee(transport, memory)
    clock = FakeClock(start=timeline.start)
    _, session = build_session(timeline, sink, clock)
    target: Any = session
    if timeline.monitor is not None:
        from playhead.adapters.monitor import PlayheadMonitor

        try:
            target = PlayheadMonitor(session, **timeline.monitor)
        except (ConfigurationError, TypeError) as exc:
            raise TimelineError(f"bad monitor options: {exc}") from None
    for step in timeline.steps:
        clock.advance_to(step.at)
        getattr(target, step.call)(**step.args)
    if timeline.end is not None:
        clock.advance_to(timeline.end)
    return list(memory.payloads)


class _Tee:
    """Sends to two transports (the user's, and a memory one to return the payloads)."""

    def __init__(self, first: Transport, second: MemoryTransport) -> None:
        self._first = first
        self._second = second

    def send(self, payload: Payload) -> None:
        self._second.send(payload)
        self._first.send(payload)

    def flush(self, timeout: float | None = None) -> Any:
        return self._first.flush(timeout)

    def close(self, timeout: float | None = None) -> Any:
        return self._first.close(timeout)


def dump_timeline(timeline: Timeline | Mapping[str, Any], path: str | os.PathLike[str]) -> None:
    """Write a timeline as pretty JSON (one step per line) to ``path``."""
    data = timeline.to_dict() if isinstance(timeline, Timeline) else dict(timeline)
    data = {"version": FORMAT_VERSION, **data}
    steps = data.pop("steps", [])
    body = json.dumps(data, indent=1)[:-2]
    lines = ",\n  ".join(json.dumps(step, separators=(", ", ": ")) for step in steps)
    with open(path, "w", encoding="utf-8") as file:
        file.write(f'{body},\n "steps": [\n  {lines}\n ]\n}}\n')
