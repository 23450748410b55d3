"""Rule 9: quality changes, de-duplicated, with startupTime on the first one."""

from __future__ import annotations

from playhead import Content
from tests.conftest import Harness

EP = Content(asset_id="c1", total_length=600)


def test_changes_emit_repeats_do_not(harness: Harness) -> None:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 0})
    session.play()
    harness.advance(0.8)
    session.playing(0)
    session.quality(bitrate=2000, framerate=30)
    session.quality(bitrate=2000, framerate=30)
    session.quality(bitrate=2000.4)
    session.quality(bitrate=4000)
    updates = harness.of("Video Quality Updated")
    assert [u["properties"].get("bitrate") for u in updates] == [2000, 4000]
    assert updates[0]["properties"]["startupTime"] == 800
    assert "startupTime" not in updates[1]["properties"]
    assert updates[1]["properties"]["framerate"] == 30


def test_startup_time_is_not_invented(harness: Harness) -> None:
    session = harness.session(content=[EP])
    session.play()
    harness.advance(1.25)
    session.playing(0)
    assert harness.of("Video Quality Updated") == []
    assert session.stats.startup_time == 1250


def test_quality_before_the_first_frame_has_no_startup_time(harness: Harness) -> None:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 0})
    session.play()
    session.quality(bitrate=800)
    harness.advance(1)
    session.playing(0)
    session.quality(bitrate=1600)
    first, second = harness.of("Video Quality Updated")
    assert "startupTime" not in first["properties"]
    assert second["properties"]["startupTime"] == 1000


def test_quality_before_play_is_remembered_not_sent(harness: Harness) -> None:
    session = harness.session(content=[EP])
    session.quality(bitrate=1000)
    assert harness.payloads == []
    session.play()
    session.pause()
    assert harness.props("Video Playback Paused")["bitrate"] == 1000


def test_dropped_frames_alone_at_most_once_per_heartbeat_interval(harness: Harness) -> None:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 10})
    session.play()
    session.playing(0)
    session.quality(bitrate=1000, dropped_frames=0)
    for second in range(1, 26):
        harness.advance(1)
        session.quality(dropped_frames=second * 3)
    drops = [u["properties"]["droppedFrames"] for u in harness.of("Video Quality Updated")]
    # Reported with the heartbeats at 10 s and 20 s: the counter as it stood just before.
    assert drops == [0, 27, 57]
    stamps = [u["timestamp"][17:23] for u in harness.of("Video Quality Updated")]
    assert stamps == ["00.000", "10.000", "20.000"]


def test_bad_quality_values_are_ignored(harness: Harness) -> None:
    session = harness.session(content=[EP])
    session.play()
    session.playing(0)
    session.quality(bitrate=float("nan"))
    session.quality(framerate=-1)
    assert harness.of("Video Quality Updated") == []
    assert session.stats.ignored_callbacks == 2


def test_volume_and_fullscreen_ride_on_playback_events(harness: Harness) -> None:
    session = harness.session(content=[EP])
    session.play()
    session.playing(0)
    session.volume(72.6)
    session.fullscreen(True)
    session.volume(140)
    session.pause()
    props = harness.props("Video Playback Paused")
    assert props["sound"] == 73
    assert props["full_screen"] is True
    assert session.stats.ignored_callbacks == 1


def test_one_sessions_volume_and_fullscreen_are_not_another_sessions(harness: Harness) -> None:
    # Sessions without properties of their own start from their tracker's shared ones.
    tracker = harness.tracker(properties={"video_player": "kiosk"})
    loud, quiet, live = (
        tracker.session(content=[EP], session_id="loud"),
        tracker.session(content=[EP], session_id="quiet"),
        tracker.session(content=[EP], session_id="live", livestream=True),
    )
    for session in (loud, quiet, live):
        session.play()
        session.playing(0)
    loud.volume(80)
    loud.fullscreen(True)
    quiet.volume(120)  # refused: the shared properties must not be touched either
    for session in (loud, quiet, live):
        session.pause()
    paused = {
        p["properties"]["session_id"]: p["properties"] for p in harness.of("Video Playback Paused")
    }
    assert paused["loud"]["sound"] == 80
    assert paused["loud"]["full_screen"] is True
    for other in ("quiet", "live"):
        assert "sound" not in paused[other]
        assert "full_screen" not in paused[other]
        assert paused[other]["video_player"] == "kiosk"
    assert paused["live"]["livestream"] is True
    assert paused["quiet"]["livestream"] is False
