"""The seek unit: a scrub's origin and target, the Resumed it owes, where it landed."""

from __future__ import annotations

import playhead
from playhead.seek import NO_SEEK, Seek


def test_a_seek_begun_paused_owes_one_resumed() -> None:
    seek = Seek()
    seek.begin(10.0, paused=True)
    seek.target = 40.0
    assert seek.resumes() is True
    assert seek.resumes() is False
    assert (seek.origin, seek.target) == (10.0, 40.0)


def test_a_seek_cut_short_says_whether_a_pause_stays_open() -> None:
    seek = Seek()
    seek.begin(5.0, paused=True)
    assert seek.cut_short() is True
    assert seek.cut_short() is False
    seek.begin(5.0, paused=False)
    assert seek.cut_short() is False


def test_frames_after_a_held_landing_advanced_from_it_and_only_when_playing() -> None:
    seek = Seek()
    assert seek.landed_at(playing=True, now=9.0) == 9.0
    seek.landing = 3.0
    assert seek.landed_at(playing=True, now=9.0) == 3.0
    assert seek.landed_at(playing=False, now=9.0) == 9.0


def test_sessions_make_their_own_seek_and_leave_the_shared_one_alone() -> None:
    clock = playhead.FakeClock()
    memory = playhead.MemoryTransport()
    tracker = playhead.Tracker(memory, user_id="u1", clock=clock)
    session = tracker.session(content=[{"asset_id": "c1", "total_length": 600}])
    untouched = tracker.session(content=[{"asset_id": "c2", "total_length": 600}])
    session.play()
    session.playing(0)
    session.pause()
    session.seeking(100)
    session.seeked()
    clock.advance(5)
    session.playing()
    session.exit()
    events = [p["event"] for p in memory.payloads]
    assert playhead.Event.SEEK_COMPLETED in events
    assert (NO_SEEK.origin, NO_SEEK.target, NO_SEEK.paused, NO_SEEK.landing) == (0, 0, False, None)
    assert untouched._driver.seek is NO_SEEK
