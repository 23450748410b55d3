"""Units a session shares until it first needs its own are never changed by any session."""

from __future__ import annotations

import pytest

import playhead
from playhead.ads import NO_ADS
from playhead.quality import NO_QUALITY
from playhead.windows import NO_HOLD, NO_IDLE_WATCH, NO_TICKER


def test_a_session_with_ads_quality_holds_and_pauses_leaves_the_shared_units_alone() -> None:
    clock = playhead.FakeClock()
    memory = playhead.MemoryTransport()
    tracker = playhead.Tracker(memory, user_id="u1", clock=clock, idle_timeout=60)
    session = tracker.session(content=[{"asset_id": "c1", "total_length": 600}])
    untouched = tracker.session(content=[{"asset_id": "c2", "total_length": 600}])
    session.play()
    session.ad_break_start("pre", type="pre-roll")
    session.ad_start("a1", total_length=20)
    clock.advance(12)  # a clock-driven quartile, a heartbeat
    session.ad_end()
    session.ad_break_end()
    session.playing(0)
    session.quality(bitrate=2500, framerate=30, dropped_frames=3)
    clock.advance(5)
    session.seeking(100)
    session.seeked()  # held for the join window
    clock.advance(2)
    session.pause()
    clock.advance(120)  # the idle end
    session.playing()  # a new session
    session.exit()
    assert [p["event"] for p in memory.payloads].count(playhead.Event.EXITED) == 2
    assert (NO_ADS.brk, NO_ADS.ad, NO_ADS.count, NO_ADS.playing_at) == (None, None, 0, -1.0)
    assert NO_QUALITY.bitrate is NO_QUALITY.framerate is NO_QUALITY.dropped_frames is None
    assert NO_HOLD.trigger is None
    assert NO_HOLD.timer is NO_TICKER.timer is NO_IDLE_WATCH.timer is None
    assert (NO_IDLE_WATCH.since, NO_IDLE_WATCH.idled) == (0.0, False)
    assert untouched._driver.ads is NO_ADS
    assert untouched._driver.quality is NO_QUALITY
    assert untouched._driver.hold is NO_HOLD
    assert untouched._driver.idle is NO_IDLE_WATCH


def test_items_without_extras_share_one_read_only_extra() -> None:
    plain = playhead.Content(asset_id="c1", total_length=600)
    other = playhead.Content.from_dict({"asset_id": "c2"})
    assert plain.extra is other.extra  # one shared empty extra, not a dict per item
    with pytest.raises(TypeError, match="read-only"):
        plain.extra["tier"] = "gold"
    assert other.extra == {}
    richer = plain.with_metadata(tier="gold")
    assert richer.extra == {"tier": "gold"}
    assert plain.extra == {}
    assert richer.extra is not plain.extra
