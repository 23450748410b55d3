"""Rule 3: heartbeats every N seconds of playing, driven by the clock."""

from __future__ import annotations

import threading
import time

import playhead
from playhead import Ad, AdBreak, Content
from tests.conftest import Harness, assert_all_valid

EP = Content(asset_id="c1", total_length=600)


def heartbeat_times(harness: Harness, event: str = "Video Content Playing") -> list[str]:
    return [p["timestamp"][14:23] for p in harness.of(event) if "quartile" not in p["properties"]]


def test_heartbeats_every_interval_without_time_updates(harness: Harness) -> None:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 10})
    session.play()
    session.playing(0)
    harness.advance(35)
    assert heartbeat_times(harness) == ["30:10.000", "30:20.000", "30:30.000"]
    positions = [p["properties"]["position"] for p in harness.of("Video Content Playing")]
    assert positions == [10, 20, 30]


def test_no_heartbeat_at_the_first_frame_nor_while_paused_stalled_or_seeking_one_at_resume(
    harness: Harness,
) -> None:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 10})
    session.play()
    session.playing(0)
    assert harness.of("Video Content Playing") == []
    harness.advance(4)
    session.pause()
    harness.advance(30)
    session.playing()
    harness.advance(4)
    session.waiting()
    harness.advance(30)
    session.playing()
    harness.advance(4)
    session.seeking(200)
    harness.advance(30)
    session.seeked()
    harness.advance(1)
    # Only the resume after the pause has one (Segment's Video Spec, "Resuming playback").
    assert heartbeat_times(harness) == ["30:34.000"]


def test_the_cycle_restarts_on_resume(harness: Harness) -> None:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 10})
    session.play()
    session.playing(0)
    harness.advance(8)
    session.pause()
    harness.advance(5)
    session.playing()  # at 13 s: one at once; the next at 23 s, not 18 s or 20 s
    harness.advance(12)
    assert heartbeat_times(harness) == ["30:13.000", "30:23.000"]
    positions = [p["properties"]["position"] for p in harness.of("Video Content Playing")]
    assert positions == [8, 18]


def test_heartbeat_positions_follow_time_updates(harness: Harness) -> None:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 10})
    session.play()
    session.playing(100)
    for tick in range(1, 41):  # a player at 2x speed: 0.25 s of clock, 0.5 s of content
        harness.advance(0.25)
        session.time_update(100 + tick * 0.5)
    # The heartbeat at 10 s fires before the update of that instant: the last report was 119.5
    # at 9.75 s, carried forward 0.25 s at rate 1.
    assert harness.props("Video Content Playing")["position"] == 119


def test_ad_heartbeats_carry_the_ad_frame(harness: Harness) -> None:
    brk = AdBreak(pod_id="p", type="pre-roll", ads=[Ad(asset_id="a1", total_length=30)])
    session = harness.session(content=[EP], ad_breaks=[brk], tracker={"heartbeat_interval": 10})
    session.play()
    session.ad_break_start("p")
    session.ad_start("a1")
    harness.advance(25)
    beats = [p for p in harness.of("Video Ad Playing") if "quartile" not in p["properties"]]
    assert [p["properties"]["position"] for p in beats] == [10, 20]
    assert harness.of("Video Content Playing") == []


def test_zero_interval_turns_heartbeats_off(harness: Harness) -> None:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 0})
    session.play()
    session.playing(0)
    harness.advance(100)
    assert harness.of("Video Content Playing") == []


def test_no_heartbeats_after_exit(harness: Harness) -> None:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 10})
    session.play()
    session.playing(0)
    harness.advance(5)
    session.exit()
    harness.advance(100)
    assert harness.of("Video Content Playing") == []
    assert harness.clock.pending == 0


def test_real_clock_heartbeats_fire_on_one_scheduler_thread() -> None:
    memory = playhead.MemoryTransport()
    tracker = playhead.Tracker(memory, user_id="u1", heartbeat_interval=0.05)
    sessions = [tracker.session(content=[EP]) for _ in range(20)]
    before = {t.name for t in threading.enumerate()}
    for session in sessions:
        session.play()
        session.playing(0)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        beats = [p for p in memory.payloads if p["event"] == "Video Content Playing"]
        if {p["properties"]["session_id"] for p in beats} == {s.session_id for s in sessions}:
            break
        time.sleep(0.02)
    for session in sessions:
        session.exit()
    beats = [p for p in memory.payloads if p["event"] == "Video Content Playing"]
    assert {p["properties"]["session_id"] for p in beats} == {s.session_id for s in sessions}
    new_threads = [t for t in threading.enumerate() if t.name not in before]
    assert [t.name for t in new_threads] in ([], ["playhead-scheduler"])
    assert sum(t.name == "playhead-scheduler" for t in threading.enumerate()) == 1
    assert_all_valid(memory.payloads)
