"""Helpers to test playback logic without a player: fake clock, timelines, assertions.

Everything here works from plain pytest (no plugin needed)::

    from playhead.testing import run_timeline, event_names
    payloads = run_timeline("examples/timelines/vod.json")
    assert event_names(payloads)[0] == "Video Playback Started"
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from playhead.clock import FakeClock
from playhead.testing.timeline import (
    CALLS,
    Step,
    Timeline,
    build_session,
    dump_timeline,
    load_timeline,
    run_timeline,
)
from playhead.transports.base import Payload
from playhead.transports.memory import MemoryTransport

__all__ = [
    "CALLS",
    "FakeClock",
    "MemoryTransport",
    "Step",
    "Timeline",
    "assert_events",
    "build_session",
    "dump_timeline",
    "event_names",
    "format_events",
    "load_timeline",
    "run_timeline",
]


def event_names(payloads: Iterable[Payload], *, heartbeats: bool = True) -> list[str]:
    """The event names in order; ``heartbeats=False`` leaves out plain Playing heartbeats."""
    return [p["event"] for p in payloads if heartbeats or not _is_heartbeat(p)]


def _is_heartbeat(payload: Payload) -> bool:
    return payload["event"] in ("Video Content Playing", "Video Ad Playing") and (
        "quartile" not in payload.get("properties", {})
    )


def format_events(payloads: Iterable[Payload]) -> str:
    """One aligned line per event: time, name, position, quartile."""
    from playhead.transports.console import describe

    return "\n".join(describe(p) for p in payloads)


def assert_events(
    payloads: Sequence[Payload], expected: Sequence[str], *, heartbeats: bool = True
) -> None:
    """Assert the event names equal ``expected``; on failure show both lists side by side."""
    actual = event_names(payloads, heartbeats=heartbeats)
    if actual == list(expected):
        return
    width = max([len(name) for name in [*actual, *expected, "expected"]])
    rows = [f"  {'expected':<{width}}   actual"]
    for index in range(max(len(actual), len(expected))):
        want: Any = expected[index] if index < len(expected) else "-"
        got: Any = actual[index] if index < len(actual) else "-"
        mark = "  " if want == got else "! "
        rows.append(f"{mark}{want:<{width}}   {got}")
    raise AssertionError("event sequence differs:\n" + "\n".join(rows))
