"""The mpv adapter on a real, headless mpv (vo=null, ao=null, sped up)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import playhead
from playhead.adapters import mpv as mpv_adapter
from playhead.testing import event_names, run_timeline
from tests.adapters.conftest import (
    CLEAN_RUN,
    PLAY_TIMEOUT,
    SEEK_RUN,
    STALL_RUN,
    Run,
    wait_until,
)
from tests.adapters.media_server import MediaServer
from tests.conftest import assert_all_valid


def play_pause_seek(player: Any, run: Run, handle: mpv_adapter.MpvAdapter, video: Path) -> None:
    """Play; pause 1 s at ~2 s; resume; seek to 7 s; play to the end (speed 4)."""
    player.play(str(video))
    wait_until(lambda: run.session.content_position >= 2.0, what="2 s played")
    player.pause = True
    wait_until(lambda: run.session.state == "paused", what="paused")
    time.sleep(1.0)
    player.pause = False
    wait_until(lambda: run.session.state == "playing", what="resumed")
    time.sleep(0.2)
    player.seek(7, "absolute")
    assert handle.wait(PLAY_TIMEOUT), "playback did not end"


def test_play_pause_resume_seek_to_the_end(mpv_player: Any, make_run: Any, video: Path) -> None:
    run = make_run("mpv", heartbeat_interval=0.25)
    handle = mpv_adapter.attach(mpv_player, run.session)
    try:
        play_pause_seek(mpv_player, run, handle, video)
    finally:
        handle.detach()

    assert run.names() == CLEAN_RUN
    run.assert_heartbeats_only_while_playing()
    assert "Video Content Playing" in event_names(run.payloads)  # 0.25 s heartbeats did fire
    paused = run.props("Video Playback Paused")["position"]
    resumed = run.props("Video Playback Resumed")["position"]
    seek = run.props("Video Playback Seek Started")
    assert 1 <= paused <= 3
    assert abs(resumed - paused) <= 1
    assert seek["seek_position"] == 7
    assert paused <= seek["position"] <= 6
    assert run.props("Video Playback Seek Completed")["position"] in (6, 7, 8)
    assert run.props("Video Content Completed")["position"] == 10
    assert run.props("Video Playback Completed")["position"] == 10
    assert run.session.stats.pause_count == 1
    assert run.session.stats.seek_count == 1
    assert run.session.stats.stall_count == 0
    assert handle.failures == 0


def test_a_seek_reports_where_mpv_landed_not_the_target(
    mpv_player: Any, make_run: Any, sparse_video: Path
) -> None:
    # One key frame, at 0: mpv's seek to 6 s lands at 0 and plays the whole file from there.
    run = make_run("mpv", heartbeat_interval=0.5)
    mpv_player.speed = 2
    handle = mpv_adapter.attach(mpv_player, run.session)
    try:
        mpv_player.play(str(sparse_video))
        wait_until(lambda: run.session.content_position >= 2.0, what="2 s played")
        mpv_player.seek(6, "absolute")
        assert handle.wait(PLAY_TIMEOUT)
    finally:
        handle.detach()
    assert run.names() == [*CLEAN_RUN[:2], *CLEAN_RUN[4:]]
    assert run.props("Video Playback Seek Started")["seek_position"] == 6  # what was asked
    assert run.props("Video Playback Seek Completed")["position"] == 0  # where it landed
    after_seek = [
        p["properties"]["position"]
        for p in run.payloads[event_names(run.payloads).index("Video Playback Seek Completed") :]
    ]
    assert after_seek == sorted(after_seek)  # heartbeats go on from the landing: 1, 2, 3...
    assert after_seek[1] <= 2


def test_the_length_and_speed_come_from_mpv(mpv_player: Any, video: Path) -> None:
    memory = playhead.MemoryTransport()
    tracker = playhead.Tracker(memory, user_id="u1", heartbeat_interval=0)
    session = tracker.session(content=[playhead.Content(asset_id="c1")])  # no length declared
    handle = mpv_adapter.attach(mpv_player, session)
    try:
        mpv_player.play(str(video))
        wait_until(lambda: session.content_position >= 1.0, what="1 s played")
        mpv_player.speed = 8
        assert handle.wait(PLAY_TIMEOUT)
    finally:
        handle.detach()
    assert_all_valid(memory.payloads)
    assert session.content[0].total_length == 10
    completed = [p for p in memory.payloads if p["event"] == "Video Content Completed"]
    assert completed[0]["properties"]["total_length"] == 10
    assert handle.monitor.rate == 8


def test_a_livestream_gets_no_length_from_mpv(mpv_player: Any, video: Path) -> None:
    memory = playhead.MemoryTransport()
    tracker = playhead.Tracker(memory, user_id="u1", heartbeat_interval=0)
    session = tracker.session(content=[playhead.Content(asset_id="live")], livestream=True)
    handle = mpv_adapter.attach(mpv_player, session)
    try:
        mpv_player.play(str(video))
        assert handle.wait(PLAY_TIMEOUT)
    finally:
        handle.detach()
    assert_all_valid(memory.payloads)
    assert session.content[0].total_length is None
    assert all("total_length" not in p["properties"] for p in memory.payloads)


def test_no_audio_device_is_a_warning_not_a_failed_playback(
    mpv_module: Any, make_run: Any, video: Path
) -> None:
    # An audio output that cannot open (here: a file in a missing directory), as on a machine
    # without a sound card: mpv plays the video to the end, then reports the audio's error.
    player = mpv_module.MPV(vo="null", ao="pcm", ao_pcm_file="/nonexistent/dir/out.wav", speed=8)
    run = make_run("mpv", heartbeat_interval=0)
    handle = mpv_adapter.attach(player, run.session)
    try:
        with playhead.testing.capture_logs() as logs:
            player.play(str(video))
            assert handle.wait(PLAY_TIMEOUT)
    finally:
        handle.detach()
        player.terminate()
    assert run.names()[-2:] == ["Video Content Completed", "Video Playback Completed"]
    assert handle.error is None
    assert [(e["event"], e["log_level"]) for e in logs if e["log_level"] != "debug"] == [
        ("audio_output_failed", "warning")
    ]


def test_quality_is_debounced_not_per_frame(mpv_player: Any, make_run: Any, video: Path) -> None:
    run = make_run("mpv")
    handle = mpv_adapter.attach(mpv_player, run.session, quality_interval=5.0)
    try:
        mpv_player.play(str(video))
        assert handle.wait(PLAY_TIMEOUT)
    finally:
        handle.detach()
    quality = [p["properties"] for p in run.payloads if p["event"] == "Video Quality Updated"]
    # mpv re-measures the bitrate several times a second; 2.5 s of playback gives one report.
    assert len(quality) == 1, quality
    assert quality[0]["framerate"] == 25
    assert quality[0]["bitrate"] > 0
    assert isinstance(quality[0]["startupTime"], int)


def test_a_real_stall_is_a_buffer_and_ends(mpv_player: Any, make_run: Any, video: Path) -> None:
    run = make_run("mpv", heartbeat_interval=0)
    handle = mpv_adapter.attach(mpv_player, run.session)
    # Half the file arrives at once, the rest 3.5 s later: at speed 4 playback reaches the
    # missing half after about 1.2 s and waits about 2 s for it.
    with MediaServer(video, stall_at=len(video.read_bytes()) // 2, stall_for=3.5) as server:
        try:
            mpv_player.play(server.url)
            assert handle.wait(PLAY_TIMEOUT)
        finally:
            handle.detach()
    assert run.names() == STALL_RUN
    started = run.props("Video Playback Buffer Started")["position"]
    assert 2 <= started <= 6
    assert abs(run.props("Video Playback Buffer Completed")["position"] - started) <= 1
    assert run.session.stats.time_stalled > 0.5


def test_a_seeks_own_buffering_is_not_a_stall(mpv_player: Any, make_run: Any, video: Path) -> None:
    run = make_run("mpv", heartbeat_interval=0)
    mpv_player.speed = 2
    handle = mpv_adapter.attach(mpv_player, run.session)
    # The first 35 % arrive at once (about 3.5 s of media, 1.7 s at speed 2); the seek to 8 s
    # at 0.5 s waits for the rest, which the server holds back for 2.5 s.
    with MediaServer(video, stall_at=len(video.read_bytes()) * 35 // 100, stall_for=2.5) as srv:
        try:
            mpv_player.play(srv.url)
            wait_until(lambda: run.session.state == "playing", what="first frame")
            time.sleep(0.5)
            mpv_player.seek(8, "absolute")
            assert handle.wait(PLAY_TIMEOUT)
        finally:
            handle.detach()
    assert run.names() == SEEK_RUN
    assert run.session.stats.time_seeking > 1.0  # the seek did wait for the network
    assert run.props("Video Playback Seek Started")["seek_position"] == 8


def test_recorded_run_replays_to_the_same_events(
    mpv_player: Any, make_run: Any, video: Path, tmp_path: Path
) -> None:
    run = make_run("mpv", heartbeat_interval=0.5)
    handle = mpv_adapter.attach(mpv_player, run.session, record=True)
    try:
        play_pause_seek(mpv_player, run, handle, video)
    finally:
        handle.detach()
    assert handle.recorder is not None
    path = tmp_path / "recorded.json"
    handle.recorder.dump(path)

    replayed = run_timeline(path)
    assert_all_valid(replayed)
    real = run.payloads
    assert event_names(replayed, heartbeats=False) == event_names(real, heartbeats=False)
    real_events = [p for p in real if p["event"] != "Video Content Playing"]
    replayed_events = [p for p in replayed if p["event"] != "Video Content Playing"]
    for live, again in zip(real_events, replayed_events, strict=True):
        assert live["event"] == again["event"]
        if "position" in live["properties"]:
            assert abs(live["properties"]["position"] - again["properties"]["position"]) <= 1
    # Heartbeats follow time played, which the replay reproduces to within one beat.
    beats = [
        len([p for p in ps if p["event"] == "Video Content Playing"]) for ps in (real, replayed)
    ]
    assert abs(beats[0] - beats[1]) <= 1


def test_missing_file_is_a_clear_error_and_an_exited_session(
    mpv_player: Any, make_run: Any, missing: Path
) -> None:
    run = make_run("mpv")
    handle = mpv_adapter.attach(mpv_player, run.session)
    try:
        with playhead.testing.capture_logs() as logs:
            mpv_player.play(str(missing))
            assert handle.wait(PLAY_TIMEOUT)
    finally:
        handle.detach()
    assert handle.error == "loading failed"
    assert run.names() == ["Video Playback Started", "Video Playback Exited"]
    assert run.session.state == "ended"
    assert handle.failures == 0
    errors = [entry for entry in logs if entry["event"] == "player_error"]
    assert errors == [
        {
            "event": "player_error",
            "adapter": "mpv",
            "error": "loading failed",
            "position": None,
            "log_level": "error",
        }
    ]


def test_unsupported_format_is_a_clear_error(
    mpv_player: Any, make_run: Any, not_media: Path
) -> None:
    run = make_run("mpv")
    handle = mpv_adapter.attach(mpv_player, run.session)
    try:
        mpv_player.play(str(not_media))
        assert handle.wait(PLAY_TIMEOUT)
    finally:
        handle.detach()
    assert handle.error == "unrecognized file format"
    assert run.names() == ["Video Playback Started", "Video Playback Exited"]


def test_player_dying_mid_play_exits_the_session(
    mpv_module: Any, make_run: Any, video: Path
) -> None:
    player = mpv_module.MPV(vo="null", ao="null", speed=1)
    run = make_run("mpv", heartbeat_interval=0)
    handle = mpv_adapter.attach(player, run.session)
    try:
        player.play(str(video))
        wait_until(lambda: run.session.state == "playing", what="first frame")
        time.sleep(0.3)
        player.terminate()  # as if the window was closed: mpv shuts down
        assert handle.wait(PLAY_TIMEOUT)
    finally:
        handle.detach()
    assert run.names() == [
        "Video Playback Started",
        "Video Content Started",
        "Video Playback Exited",
    ]
    assert run.session.state == "ended"


def test_errors_in_the_session_never_reach_mpvs_thread(mpv_player: Any, video: Path) -> None:
    # strict=True makes the session raise on every ignored callback: the adapter must absorb it.
    memory = playhead.MemoryTransport()
    tracker = playhead.Tracker(memory, user_id="u1", strict=True)
    session = tracker.session(content=[playhead.Content(asset_id="c1", total_length=10)])
    session.play()  # so the adapter's own play() is a duplicate the session refuses
    handle = mpv_adapter.attach(mpv_player, session)
    try:
        mpv_player.play(str(video))
        assert handle.wait(PLAY_TIMEOUT)
    finally:
        handle.detach()
    assert handle.failures >= 1  # logged and counted, not raised into MPVEventHandlerThread
    assert "Video Content Completed" in event_names(memory.payloads)


def test_detach_stops_reporting(mpv_player: Any, make_run: Any, video: Path) -> None:
    run = make_run("mpv", heartbeat_interval=0)
    handle = mpv_adapter.attach(mpv_player, run.session)
    mpv_player.play(str(video))
    wait_until(lambda: run.session.state == "playing", what="first frame")
    handle.detach()
    handle.detach()  # twice is fine
    mpv_player.pause = True
    time.sleep(0.3)
    assert run.names() == ["Video Playback Started", "Video Content Started"]
