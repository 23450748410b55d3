"""The Qt adapter on a real, headless QMediaPlayer (offscreen, a QVideoSink, sped up).

Qt signals neither seeks nor stalls: these tests prove the playhead monitor infers both, that
the end (StoppedState, then EndOfMedia) is Completed and a stop is Exited.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import playhead
from playhead.adapters import qt as qt_adapter
from playhead.testing import capture_logs, event_names, run_timeline
from tests.adapters.conftest import (
    CLEAN_RUN,
    PLAY_TIMEOUT,
    SEEK_RUN,
    STALL_RUN,
    QtPlayer,
    Run,
)
from tests.adapters.media_server import MediaServer
from tests.conftest import assert_all_valid


def play_pause_seek(qt: QtPlayer, run: Run, handle: qt_adapter.QtAdapter, video: Path) -> None:
    """Play at 4x; pause 1 s at ~2 s; resume; seek to 7 s; play to the end."""
    qt.load(video, rate=4)
    qt.until(lambda: run.session.content_position >= 2.0, what="2 s played")
    qt.player.pause()
    qt.until(lambda: run.session.state == "paused", what="paused")
    qt.run(1.0)
    qt.player.play()
    qt.until(lambda: run.session.state == "playing", what="resumed")
    qt.run(0.3)
    qt.player.setPosition(7000)
    qt.until(handle.finished.is_set, PLAY_TIMEOUT, "the end")


def test_play_pause_resume_seek_to_the_end(qt_player: QtPlayer, make_run: Any, video: Path) -> None:
    run = make_run("qt", heartbeat_interval=0.25)
    handle = qt_adapter.attach(qt_player.player, run.session)
    try:
        play_pause_seek(qt_player, run, handle, video)
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
    assert run.props("Video Playback Seek Completed")["position"] == 7  # where it landed
    assert run.props("Video Content Completed")["position"] == 10
    assert handle.monitor.inferred_seeks == 1
    assert handle.monitor.inferred_stalls == 0
    assert handle.failures == 0


def test_the_length_and_the_rate_come_from_the_player(qt_player: QtPlayer, video: Path) -> None:
    memory = playhead.MemoryTransport()
    tracker = playhead.Tracker(memory, user_id="u1", heartbeat_interval=0)
    session = tracker.session(content=[playhead.Content(asset_id="c1")])  # no length declared
    handle = qt_adapter.attach(qt_player.player, session)
    try:
        qt_player.load(video, rate=2)
        qt_player.until(lambda: session.content_position >= 1.0, what="1 s played")
        qt_player.player.setPlaybackRate(4)
        qt_player.until(handle.finished.is_set, PLAY_TIMEOUT, "the end")
    finally:
        handle.detach()
    assert_all_valid(memory.payloads)
    assert handle.duration == 10
    assert session.content[0].total_length == 10
    completed = [p for p in memory.payloads if p["event"] == "Video Content Completed"]
    assert completed[0]["properties"]["total_length"] == 10
    assert completed[0]["properties"]["position"] == 10
    assert handle.monitor.rate == 4
    assert handle.monitor.inferred_seeks == 0  # 4x is fast playback, not a jump


def test_a_real_stall_is_inferred_and_ends(qt_player: QtPlayer, make_run: Any, video: Path) -> None:
    run = make_run("qt", heartbeat_interval=0)
    handle = qt_adapter.attach(qt_player.player, run.session)
    # The second half arrives 4 s late: at 2x playback reaches it after about 2.5 s.
    with MediaServer(video, stall_at=len(video.read_bytes()) // 2, stall_for=4.0) as server:
        try:
            qt_player.load(server.url, rate=2)
            qt_player.until(handle.finished.is_set, PLAY_TIMEOUT, "the end")
        finally:
            handle.detach()
    assert run.names() == STALL_RUN
    assert handle.monitor.inferred_stalls == 1
    assert handle.monitor.inferred_seeks == 0  # Qt resumes further on after a stall: no seek
    assert run.session.stats.time_stalled > 0.5


def test_a_seeks_own_buffering_is_not_a_stall(
    qt_player: QtPlayer, make_run: Any, video: Path
) -> None:
    run = make_run("qt", heartbeat_interval=0)
    handle = qt_adapter.attach(qt_player.player, run.session)
    with MediaServer(video, stall_at=len(video.read_bytes()) * 35 // 100, stall_for=3.0) as srv:
        try:
            qt_player.load(srv.url, rate=2)
            qt_player.until(lambda: run.session.state == "playing", what="first frame")
            qt_player.run(0.5)
            qt_player.player.setPosition(8000)
            qt_player.until(handle.finished.is_set, PLAY_TIMEOUT, "the end")
        finally:
            handle.detach()
    assert run.names() == SEEK_RUN
    assert handle.monitor.inferred_stalls == 0


def test_recorded_run_replays_to_the_same_events(
    qt_player: QtPlayer, make_run: Any, video: Path, tmp_path: Path
) -> None:
    run = make_run("qt", heartbeat_interval=0.5)
    handle = qt_adapter.attach(qt_player.player, run.session, record=True)
    try:
        play_pause_seek(qt_player, run, handle, video)
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
    calls = [step["call"] for step in handle.recorder.timeline()["steps"]]
    assert calls.count("seeking") == 1
    assert calls.count("rate_change") == 1


def test_missing_file_is_a_clear_error_and_an_exited_session(
    qt_player: QtPlayer, make_run: Any, missing: Path
) -> None:
    run = make_run("qt")
    handle = qt_adapter.attach(qt_player.player, run.session)
    try:
        with capture_logs() as logs:
            qt_player.load(missing)
            qt_player.until(handle.finished.is_set, PLAY_TIMEOUT, "the error")
    finally:
        handle.detach()
    assert handle.error == "Could not open file"
    errors = [e for e in logs if e["log_level"] == "error"]
    assert errors == [
        {
            "event": "player_error",
            "adapter": "qt",
            "error": "Could not open file",
            "position": None,
            "log_level": "error",
        }
    ]
    assert run.names() == ["Video Playback Started", "Video Playback Exited"]
    assert handle.failures == 0


def test_unsupported_format_is_a_clear_error(
    qt_player: QtPlayer, make_run: Any, not_media: Path
) -> None:
    run = make_run("qt")
    handle = qt_adapter.attach(qt_player.player, run.session)
    try:
        qt_player.load(not_media)
        qt_player.until(handle.finished.is_set, PLAY_TIMEOUT, "the error")
    finally:
        handle.detach()
    assert handle.error is not None
    assert run.names() == ["Video Playback Started", "Video Playback Exited"]


def test_stopping_mid_play_exits_the_session(
    qt_player: QtPlayer, make_run: Any, video: Path
) -> None:
    run = make_run("qt", heartbeat_interval=0)
    handle = qt_adapter.attach(qt_player.player, run.session)
    try:
        qt_player.load(video)
        qt_player.until(lambda: run.session.state == "playing", what="first frame")
        qt_player.run(0.3)
        qt_player.player.stop()  # Stopped while the status is still Buffered: not the end
        qt_player.until(handle.finished.is_set, PLAY_TIMEOUT, "the stop")
    finally:
        handle.detach()
    assert run.names() == [
        "Video Playback Started",
        "Video Content Started",
        "Video Playback Exited",
    ]


def test_detach_stops_reporting(qt_player: QtPlayer, make_run: Any, video: Path) -> None:
    run = make_run("qt", heartbeat_interval=0)
    handle = qt_adapter.attach(qt_player.player, run.session)
    qt_player.load(video)
    qt_player.until(lambda: run.session.state == "playing", what="first frame")
    handle.detach()
    handle.detach()
    qt_player.player.pause()
    qt_player.run(0.3)
    assert run.names() == ["Video Playback Started", "Video Content Started"]


def guide_adapter() -> type:
    """The QtAdapter of docs/adapters/writing-an-adapter.md, section 3, as printed."""
    page = (Path(__file__).parents[2] / "docs" / "adapters" / "writing-an-adapter.md").read_text()
    section = page.split("## 3. The code", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(compile(code, "writing-an-adapter.md", "exec"), namespace)
    adapter: type = namespace["QtAdapter"]
    return adapter


def test_the_guides_worked_example_plays_like_the_adapter(
    qt_player: QtPlayer, make_run: Any, video: Path
) -> None:
    run = make_run("qt", heartbeat_interval=0.25)
    handle = guide_adapter()(qt_player.player, run.session)
    try:
        play_pause_seek(qt_player, run, handle, video)  # waits for handle.finished
    finally:
        handle.detach()
    assert run.names() == CLEAN_RUN  # the end is Completed, not Exited
    assert handle.wait(0)
    assert handle.failures == 0


def test_the_guides_worked_example_exits_on_a_stop(
    qt_player: QtPlayer, make_run: Any, video: Path
) -> None:
    run = make_run("qt", heartbeat_interval=0)
    handle = guide_adapter()(qt_player.player, run.session)
    try:
        qt_player.load(video)
        qt_player.until(lambda: run.session.state == "playing", what="first frame")
        qt_player.player.stop()
        qt_player.until(handle.finished.is_set, PLAY_TIMEOUT, "the stop")
    finally:
        handle.detach()
    assert run.names() == [
        "Video Playback Started",
        "Video Content Started",
        "Video Playback Exited",
    ]
