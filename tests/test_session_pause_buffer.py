"""Rules 5, 6, 10: pauses, stalls, startup, interruptions."""

from __future__ import annotations

import playhead
from playhead import Content
from playhead.testing import assert_event_sequence
from tests.conftest import Harness

EP = Content(asset_id="c1", total_length=600)


def started(harness: Harness, **tracker: object) -> playhead.Session:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 0, **tracker})
    session.play()
    harness.advance(0.5)
    session.playing(0)
    return session


def test_pause_and_resume_once_each_despite_repeats(harness: Harness) -> None:
    session = started(harness)
    harness.advance(10)
    session.pause()
    session.pause()
    harness.advance(3)
    session.play()
    session.playing()
    session.playing()
    assert harness.names()[2:] == ["Video Playback Paused", "Video Playback Resumed"]
    assert harness.props("Video Playback Paused")["position"] == 10
    assert harness.props("Video Playback Resumed")["position"] == 10
    assert session.stats.time_paused == 3


def test_resumed_only_follows_a_pause(harness: Harness) -> None:
    session = started(harness)
    session.playing()
    assert "Video Playback Resumed" not in harness.names()


def test_stall_after_first_frame_is_a_rebuffer(harness: Harness) -> None:
    session = started(harness)
    harness.advance(5)
    session.waiting()
    session.waiting()
    harness.advance(2)
    session.playing()
    assert harness.names()[2:] == [
        "Video Playback Buffer Started",
        "Video Playback Buffer Completed",
    ]
    assert session.stats.stall_count == 1
    assert session.stats.time_stalled == 2


def test_stall_before_first_frame_is_startup(harness: Harness) -> None:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 0})
    session.play()
    session.waiting()
    harness.advance(1.5)
    session.playing(0)
    assert harness.names() == ["Video Playback Started", "Video Content Started"]
    assert session.stats.startup_time == 1500
    assert session.stats.stall_count == 0


def test_pause_during_a_stall_closes_the_stall_first(harness: Harness) -> None:
    session = started(harness)
    session.waiting()
    harness.advance(1)
    session.pause()
    harness.advance(1)
    session.playing()
    assert harness.names()[2:] == [
        "Video Playback Buffer Started",
        "Video Playback Buffer Completed",
        "Video Playback Paused",
        "Video Playback Resumed",
    ]


def test_interruption_then_resumed(harness: Harness) -> None:
    session = started(harness)
    harness.advance(4)
    session.interrupt("phone call")
    harness.advance(30)
    session.playing()
    assert harness.names()[2:] == ["Video Playback Interrupted", "Video Playback Resumed"]
    assert harness.props("Video Playback Interrupted")["method"] == "phone call"
    assert session.stats.time_interrupted == 30


def test_interruption_during_a_stall_closes_it(harness: Harness) -> None:
    session = started(harness)
    session.waiting()
    session.interrupt("background")
    assert harness.names()[2:] == [
        "Video Playback Buffer Started",
        "Video Playback Buffer Completed",
        "Video Playback Interrupted",
    ]


def test_interruption_while_paused_gives_one_resumed(harness: Harness) -> None:
    session = started(harness)
    session.pause()
    session.interrupt("device lock")
    session.playing()
    assert_event_sequence(
        harness.payloads[2:],
        [
            "Video Playback Paused",
            "Video Playback Interrupted",
            "Video Playback Resumed",
        ],
    )


def test_stall_inference_from_frozen_time_updates(harness: Harness) -> None:
    session = started(harness)
    monitor = playhead.PlayheadMonitor(session, stall_timeout=1.0)
    for tick in range(1, 21):
        harness.advance(0.25)
        monitor.time_update(tick * 0.25)
    for _ in range(12):  # the playhead freezes at 5 s for 3 s
        harness.advance(0.25)
        monitor.time_update(5.0)
    for tick in range(1, 5):
        harness.advance(0.25)
        monitor.time_update(5 + tick * 0.25)
    assert harness.names()[2:] == [
        "Video Playback Buffer Started",
        "Video Playback Buffer Completed",
    ]
    stalled = harness.of("Video Playback Buffer Started")[0]
    assert stalled["properties"]["position"] == 5
    assert stalled["timestamp"].endswith("06.500Z")  # 0.5 startup + 5 s + 1 s frozen
    assert session.stats.stall_count == 1


def test_without_a_monitor_a_frozen_playhead_is_not_a_stall(harness: Harness) -> None:
    session = started(harness)
    for _ in range(20):
        harness.advance(0.25)
        session.time_update(1.0)
    assert harness.names() == ["Video Playback Started", "Video Content Started"]


def test_stall_inference_stands_down_while_paused(harness: Harness) -> None:
    session = started(harness)
    monitor = playhead.PlayheadMonitor(session, stall_timeout=1.0)
    harness.advance(0.5)
    monitor.time_update(0.5)
    harness.advance(0.5)
    monitor.time_update(1)
    monitor.pause()
    harness.advance(10)
    monitor.playing()
    harness.advance(0.5)
    monitor.time_update(1.5)
    assert "Video Playback Buffer Started" not in harness.names()
