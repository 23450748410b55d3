"""The VLC adapter on a real, headless libvlc (dummy interface and outputs, sped up).

VLC signals neither seeks nor mid-stream stalls: these tests prove the playhead monitor
infers both from TimeChanged, and does not take a seek's own buffering for a stall.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from playhead.adapters import vlc as vlc_adapter
from playhead.testing import capture_logs, event_names, run_timeline
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


def load(instance: Any, player: Any, source: str, rate: float) -> None:
    player.set_media(instance.media_new(source))
    player.play()
    player.set_rate(rate)


def play_pause_seek(
    vlc: tuple[Any, Any], run: Run, handle: vlc_adapter.VlcAdapter, video: Path
) -> None:
    instance, player = vlc
    load(instance, player, str(video), 4)
    # The player's own time: the session carries its playhead forward at 4x from Playing,
    # which libvlc reports before its clock has started.
    wait_until(lambda: player.get_time() >= 2000, what="2 s played")
    player.set_pause(1)
    wait_until(lambda: run.session.state == "paused", what="paused")
    time.sleep(1.0)
    player.set_pause(0)
    wait_until(lambda: run.session.state == "playing", what="resumed")
    time.sleep(0.3)
    player.set_time(7000)
    assert handle.wait(PLAY_TIMEOUT), "playback did not end"


def test_play_pause_resume_seek_to_the_end(vlc_player: Any, make_run: Any, video: Path) -> None:
    run = make_run("vlc", heartbeat_interval=0.25)
    handle = vlc_adapter.attach(vlc_player[1], run.session)
    try:
        play_pause_seek(vlc_player, run, handle, video)
    finally:
        handle.detach()

    assert run.names() == CLEAN_RUN
    run.assert_heartbeats_only_while_playing()
    assert "Video Content Playing" in event_names(run.payloads)
    paused = run.props("Video Playback Paused")["position"]
    assert 1 <= paused <= 4
    assert abs(run.props("Video Playback Resumed")["position"] - paused) <= 1
    seek = run.props("Video Playback Seek Started")
    assert seek["seek_position"] == 7
    assert paused <= seek["position"] <= 6
    assert run.props("Video Playback Seek Completed")["position"] in (7, 8, 9)
    assert run.props("Video Content Completed")["position"] == 10
    assert handle.monitor.inferred_seeks == 1
    assert handle.monitor.inferred_stalls == 0
    assert handle.failures == 0


def test_a_real_stall_is_inferred_and_ends(vlc_player: Any, make_run: Any, video: Path) -> None:
    instance, player = vlc_player
    run = make_run("vlc", heartbeat_interval=0)
    handle = vlc_adapter.attach(player, run.session, stall_timeout=1.0)
    with MediaServer(video, stall_at=len(video.read_bytes()) // 2, stall_for=4.0) as server:
        try:
            load(instance, player, server.url, 2)
            assert handle.wait(PLAY_TIMEOUT)
        finally:
            handle.detach()
    assert run.names() == STALL_RUN
    assert handle.monitor.inferred_stalls == 1
    assert handle.monitor.inferred_seeks == 0  # VLC resumes further on after a stall: no seek
    assert run.session.stats.time_stalled > 0.5


def test_a_seeks_own_buffering_is_not_a_stall(vlc_player: Any, make_run: Any, video: Path) -> None:
    instance, player = vlc_player
    run = make_run("vlc", heartbeat_interval=0)
    handle = vlc_adapter.attach(player, run.session, stall_timeout=1.0)
    with MediaServer(video, stall_at=len(video.read_bytes()) * 35 // 100, stall_for=3.0) as srv:
        try:
            load(instance, player, srv.url, 2)
            wait_until(lambda: run.session.state == "playing", what="first frame")
            time.sleep(0.5)
            player.set_time(8000)
            assert handle.wait(PLAY_TIMEOUT)
        finally:
            handle.detach()
    assert run.names() == SEEK_RUN
    assert run.session.stats.time_seeking > 1.0  # the seek waited for the network...
    assert handle.monitor.inferred_stalls == 0  # ...and that wait was not a stall


def test_recorded_run_replays_to_the_same_events(
    vlc_player: Any, make_run: Any, video: Path, tmp_path: Path
) -> None:
    run = make_run("vlc", heartbeat_interval=0.5)
    handle = vlc_adapter.attach(vlc_player[1], run.session, record=True)
    try:
        play_pause_seek(vlc_player, run, handle, video)
    finally:
        handle.detach()
    assert handle.recorder is not None
    path = tmp_path / "recorded.json"
    handle.recorder.dump(path)
    replayed = run_timeline(path)
    assert_all_valid(replayed)
    assert event_names(replayed, heartbeats=False) == event_names(run.payloads, heartbeats=False)
    live = [p for p in run.payloads if p["event"] != "Video Content Playing"]
    again = [p for p in replayed if p["event"] != "Video Content Playing"]
    for real_event, replayed_event in zip(live, again, strict=True):
        real_position = real_event["properties"].get("position")
        if real_position is not None:
            assert abs(real_position - replayed_event["properties"]["position"]) <= 1
    # The inferred seek is in the recording as the calls the monitor made.
    calls = [step["call"] for step in handle.recorder.timeline()["steps"]]
    assert calls.count("seeking") == 1
    assert calls.count("seeked") == 1


def test_missing_file_is_a_clear_error_and_an_exited_session(
    vlc_player: Any, make_run: Any, missing: Path
) -> None:
    instance, player = vlc_player
    run = make_run("vlc")
    handle = vlc_adapter.attach(player, run.session)
    try:
        with capture_logs() as logs:
            load(instance, player, str(missing), 1)
            assert handle.wait(PLAY_TIMEOUT)
    finally:
        handle.detach()
    assert handle.error is not None
    assert [e["event"] for e in logs if e["log_level"] == "error"] == ["player_error"]
    assert run.names() == ["Video Playback Started", "Video Playback Exited"]
    assert handle.failures == 0


def test_stopping_mid_play_exits_the_session(vlc_player: Any, make_run: Any, video: Path) -> None:
    instance, player = vlc_player
    run = make_run("vlc", heartbeat_interval=0)
    handle = vlc_adapter.attach(player, run.session)
    try:
        load(instance, player, str(video), 1)
        wait_until(lambda: run.session.state == "playing", what="first frame")
        time.sleep(0.3)
        player.stop()
        assert handle.wait(PLAY_TIMEOUT)
    finally:
        handle.detach()
    assert run.names() == [
        "Video Playback Started",
        "Video Content Started",
        "Video Playback Exited",
    ]


def test_an_undecodable_file_is_an_error_not_a_viewing(
    vlc_player: Any, make_run: Any, not_media: Path
) -> None:
    instance, player = vlc_player
    run = make_run("vlc")
    handle = vlc_adapter.attach(player, run.session)
    try:
        with capture_logs() as logs:
            load(instance, player, str(not_media), 1)
            assert handle.wait(PLAY_TIMEOUT)
    finally:
        handle.detach()
    assert handle.error is not None
    assert [e["event"] for e in logs if e["log_level"] == "error"] == ["player_error"]
    assert run.names()[-1] == "Video Playback Exited"
    assert "Video Content Completed" not in run.names()
