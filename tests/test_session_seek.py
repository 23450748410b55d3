"""Rules 7 and 8: seeks, scrubs, and the seek's own buffering."""

from __future__ import annotations

import playhead
from playhead import Ad, AdBreak, Content
from tests.conftest import Harness

EP = Content(asset_id="c1", total_length=600)


def started(harness: Harness, **tracker: object) -> playhead.Session:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 0, **tracker})
    session.play()
    session.playing(0)
    return session


def test_seek_positions(harness: Harness) -> None:
    session = started(harness)
    harness.advance(30)
    session.seeking(120)
    harness.advance(0.4)
    session.seeked()
    seek = harness.props("Video Playback Seek Started")
    assert (seek["position"], seek["seek_position"]) == (30, 120)
    harness.advance(10)  # Seek Completed waits out the join window, frames advance meanwhile
    assert harness.props("Video Playback Seek Completed")["position"] == 120
    session.pause()
    assert harness.props("Video Playback Paused")["position"] == 130


def test_explicit_origin_and_landing(harness: Harness) -> None:
    session = started(harness)
    harness.advance(30)
    session.seeking(120, position=29.5)
    session.seeked(119.6)
    harness.advance(1)
    assert harness.props("Video Playback Seek Started")["position"] == 29
    assert harness.props("Video Playback Seek Completed")["position"] == 119


def test_a_scrub_is_one_seek_first_origin_last_target(harness: Harness) -> None:
    session = started(harness)
    harness.advance(30)
    for target in (40, 80, 200, 150, 170):
        session.seeking(target)
        harness.advance(0.1)
        session.time_update(target)
    session.seeked()
    harness.advance(1)
    names = harness.names()
    assert names.count("Video Playback Seek Started") == 1
    assert names.count("Video Playback Seek Completed") == 1
    assert harness.props("Video Playback Seek Started")["position"] == 30
    assert harness.props("Video Playback Seek Completed")["position"] == 170
    assert session.stats.seek_count == 1


def test_the_seeks_own_buffering_is_not_a_rebuffer(harness: Harness) -> None:
    session = started(harness)
    harness.advance(10)
    session.seeking(300)
    session.waiting()
    harness.advance(3)
    session.playing(300)
    names = harness.names()
    assert "Video Playback Buffer Started" not in names
    assert names[-2:] == ["Video Playback Seek Started", "Video Playback Seek Completed"]
    assert session.stats.stall_count == 0
    assert session.stats.time_seeking == 3


def test_seek_while_paused_stays_paused(harness: Harness) -> None:
    session = started(harness)
    harness.advance(10)
    session.pause()
    session.seeking(50)
    session.seeked()
    harness.advance(1)
    assert session.state == "paused"
    assert "Video Playback Resumed" not in harness.names()
    session.playing()
    assert harness.names()[-3:] == [
        "Video Playback Seek Started",
        "Video Playback Seek Completed",
        "Video Playback Resumed",
    ]


def test_seek_during_a_stall_closes_the_stall_first(harness: Harness) -> None:
    session = started(harness)
    harness.advance(10)
    session.waiting()
    harness.advance(2)
    session.seeking(100)
    session.seeked()
    harness.advance(1)
    assert harness.names()[2:] == [
        "Video Playback Buffer Started",
        "Video Playback Buffer Completed",
        "Video Playback Seek Started",
        "Video Playback Seek Completed",
    ]


def test_seek_before_the_first_frame_is_a_bookmark(harness: Harness) -> None:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 10})
    session.play()
    session.seeking(240)
    session.seeked()
    session.playing()
    harness.advance(10)
    assert harness.names() == [
        "Video Playback Started",
        "Video Content Started",
        "Video Content Playing",
    ]
    assert harness.props("Video Content Started")["position"] == 240
    assert harness.props("Video Content Playing")["position"] == 250


def test_seek_completed_on_playing_when_seeked_never_comes(harness: Harness) -> None:
    session = started(harness)
    session.seeking(100)
    session.playing()
    assert harness.names()[-1] == "Video Playback Seek Completed"
    assert session.state == "playing"


def test_seeked_without_seeking_is_ignored(harness: Harness) -> None:
    session = started(harness)
    session.seeked()
    assert session.stats.ignored_callbacks == 1
    assert "Video Playback Seek Completed" not in harness.names()


def test_jump_inference_turns_a_jump_into_a_seek(harness: Harness) -> None:
    session = started(harness)
    monitor = playhead.PlayheadMonitor(session, seek_threshold=2.0)
    for tick in range(1, 9):
        harness.advance(0.25)
        monitor.time_update(tick * 0.25)
    harness.advance(0.25)
    monitor.time_update(60)
    harness.advance(0.25)
    monitor.time_update(60.25)
    harness.advance(1)
    assert harness.names()[2:] == [
        "Video Playback Seek Started",
        "Video Playback Seek Completed",
    ]
    seek = harness.props("Video Playback Seek Started")
    assert (seek["position"], seek["seek_position"]) == (2, 60)


def test_jump_inference_does_not_double_report_a_signalled_seek(harness: Harness) -> None:
    session = started(harness)
    monitor = playhead.PlayheadMonitor(session, seek_threshold=2.0)
    harness.advance(5)
    monitor.seeking(100)
    monitor.time_update(100)
    monitor.seeked()
    monitor.time_update(100.1)
    assert harness.names().count("Video Playback Seek Started") == 1


def test_seek_positions_include_ads_seen(harness: Harness) -> None:
    brk = AdBreak(pod_id="p", type="pre-roll", ads=[Ad(asset_id="a", total_length=10)])
    session = harness.session(content=[EP], ad_breaks=[brk], tracker={"heartbeat_interval": 0})
    session.play()
    session.ad_start("a")
    harness.advance(10)
    session.ad_end()
    session.ad_break_end()
    session.playing(0)
    harness.advance(5)
    session.seeking(50)
    seek = harness.props("Video Playback Seek Started")
    assert (seek["position"], seek["seek_position"]) == (15, 60)


def test_playing_during_a_seek_from_pause_lands_and_resumes(harness: Harness) -> None:
    session = started(harness)
    harness.advance(10)
    session.pause()
    session.seeking(50)
    session.playing()
    assert session.state == "playing"
    assert harness.names()[-3:] == [
        "Video Playback Seek Started",
        "Video Playback Seek Completed",
        "Video Playback Resumed",
    ]
