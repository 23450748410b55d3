"""Counters: a session's SessionStats kept on its own Playback, read back as SessionStats."""

from __future__ import annotations

import gc

import attrs

import playhead
from playhead.clock import FakeClock
from playhead.stats import COUNTERS, Counters, SessionStats
from playhead.transports import MemoryTransport


def test_the_counters_declared_are_the_public_fields_with_their_defaults() -> None:
    assert list(Counters.__annotations__) == [field.name for field in attrs.fields(SessionStats)]
    assert SessionStats(**COUNTERS) == SessionStats()


def test_a_session_counts_on_its_own_object_and_reads_back_a_snapshot() -> None:
    clock = FakeClock()
    tracker = playhead.Tracker(MemoryTransport(), user_id="u1", clock=clock)
    session = tracker.session(content=[{"asset_id": "c1", "total_length": 60}])
    session.play()
    session.playing(0)
    clock.advance(3)
    session.pause()
    clock.advance(2)
    stats = session.stats
    assert isinstance(stats, SessionStats)
    assert (stats.pause_count, stats.time_played, stats.time_paused) == (1, 3.0, 2.0)
    stats.pause_count = 99  # a snapshot: the session's counters do not move with it
    assert session.stats.pause_count == 1
    # No SessionStats object lives in the session: the collector sees none of them.
    gc.collect()
    assert not [o for o in gc.get_referrers(session._driver) if isinstance(o, SessionStats)]
    assert not any(isinstance(o, SessionStats) for o in gc.get_referents(session._driver))


def test_a_new_session_after_the_idle_end_starts_its_counters_again() -> None:
    clock = FakeClock()
    tracker = playhead.Tracker(MemoryTransport(), user_id="u1", clock=clock, idle_timeout=30)
    session = tracker.session(content=[{"asset_id": "c1", "total_length": 600}])
    session.play()
    session.playing(0)
    session.pause()
    first = session.session_id
    clock.advance(31)  # the idle end: Exited
    session.playing()  # playback goes on: a new session
    assert session.session_id != first
    assert session.stats.pause_count == 0
