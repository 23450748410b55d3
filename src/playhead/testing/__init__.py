"""Helpers to test playback logic without a player: fake clock, timelines, assertions.

Everything here works from plain pytest (no plugin needed)::

    from playhead.testing import run_timeline, event_names
    payloads = run_timeline("examples/timelines/vod.json")
    assert event_names(payloads)[0] == "Video Playback Started"
"""

from __future__ import annotations

from collections.abc import Iterable

from playhead._logging import capture_logs
from playhead.clock import FakeClock
from playhead.testing.builder import TimelineBuilder
from playhead.testing.invariants import assert_session_invariants, session_problems
from playhead.testing.sequence import assert_event_sequence, event_sequence
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
    "TimelineBuilder",
    "assert_event_sequence",
    "assert_session_invariants",
    "build_session",
    "capture_logs",
    "dump_timeline",
    "event_names",
    "event_sequence",
    "load_timeline",
    "run_timeline",
    "session_problems",
]


def event_names(payloads: Iterable[Payload], *, heartbeats: bool = True) -> list[str]:
    """The event names in order; ``heartbeats=False`` leaves out plain Playing heartbeats."""
    return [p["event"] for p in payloads if heartbeats or not _is_heartbeat(p)]


def _is_heartbeat(payload: Payload) -> bool:
    return payload["event"] in ("Video Content Playing", "Video Ad Playing") and (
        "quartile" not in payload.get("properties", {})
    )
