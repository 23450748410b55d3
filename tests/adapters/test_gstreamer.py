"""The GStreamer adapter on a real playbin with synchronised fake sinks, where PyGObject imports."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

import playhead
from playhead.adapters import gstreamer as gst_adapter
from playhead.testing import event_names
from tests.adapters.conftest import CLEAN_RUN, PLAY_TIMEOUT, STALL_RUN, wait_until
from tests.adapters.media_server import MediaServer


def test_play_pause_resume_seek_to_the_end(
    gst: Any, playbin: Any, make_run: Any, short_video: Path
) -> None:
    run = make_run("gstreamer", heartbeat_interval=0.25, length=5)
    handle = gst_adapter.attach(playbin, run.session)
    try:
        playbin.set_property("uri", gst.filename_to_uri(str(short_video)))
        playbin.set_state(gst.State.PLAYING)
        wait_until(lambda: run.session.content_position >= 1.0, what="1 s played")
        playbin.set_state(gst.State.PAUSED)
        wait_until(lambda: run.session.state == "paused", what="paused")
        time.sleep(1.0)
        playbin.set_state(gst.State.PLAYING)
        wait_until(lambda: run.session.state == "playing", what="resumed")
        time.sleep(0.3)
        playbin.seek_simple(
            gst.Format.TIME, gst.SeekFlags.FLUSH | gst.SeekFlags.KEY_UNIT, 3 * gst.SECOND
        )
        assert handle.wait(PLAY_TIMEOUT)
    finally:
        handle.detach()
    assert run.names() == CLEAN_RUN
    run.assert_heartbeats_only_while_playing()
    assert "Video Content Playing" in event_names(run.payloads)
    paused = run.props("Video Playback Paused")["position"]
    assert paused == 1
    assert run.props("Video Playback Seek Started")["seek_position"] in (2, 3)  # key frame at 3
    assert run.props("Video Content Completed")["position"] == 5
    assert handle.failures == 0


def test_a_real_stall_is_a_frozen_playhead_not_a_buffering_message(
    gst: Any, playbin: Any, make_run: Any, short_video: Path
) -> None:
    # BUFFERING dips at the start and whenever the queue runs low; only the playhead standing
    # still is a stall: one Buffer Started / Completed for one real stall.
    run = make_run("gstreamer", heartbeat_interval=0, length=5)
    handle = gst_adapter.attach(playbin, run.session)
    held = len(short_video.read_bytes()) // 2
    with MediaServer(short_video, rate=20_000, stall_at=held, hold=True) as srv:
        try:
            playbin.set_property("uri", srv.url)
            playbin.set_state(gst.State.PLAYING)
            wait_until(lambda: run.session.stats.stall_count == 1, PLAY_TIMEOUT, "the stall")
            time.sleep(1.0)
            srv.release()
            assert handle.wait(PLAY_TIMEOUT)
        finally:
            handle.detach()
    assert run.names() == STALL_RUN
    assert handle.monitor.inferred_stalls == 1
    assert run.session.stats.time_stalled > 0.8


def test_the_length_and_rate_come_from_the_pipeline(
    gst: Any, playbin: Any, short_video: Path
) -> None:
    memory = playhead.MemoryTransport()
    tracker = playhead.Tracker(memory, user_id="u1", heartbeat_interval=0)
    session = tracker.session(content=[playhead.Content(asset_id="c1")])  # no length declared
    handle = gst_adapter.attach(playbin, session)
    try:
        playbin.set_property("uri", gst.filename_to_uri(str(short_video)))
        playbin.set_state(gst.State.PLAYING)
        wait_until(lambda: session.content_position >= 1.0, what="1 s played")
        _, nanos = playbin.query_position(gst.Format.TIME)
        flags = gst.SeekFlags.FLUSH | gst.SeekFlags.ACCURATE
        playbin.seek(2.0, gst.Format.TIME, flags, gst.SeekType.SET, nanos, gst.SeekType.NONE, -1)
        assert handle.wait(PLAY_TIMEOUT)
    finally:
        handle.detach()
    assert session.content[0].total_length == pytest.approx(5, abs=0.1)
    completed = [p for p in memory.payloads if p["event"] == "Video Content Completed"]
    assert completed[0]["properties"]["total_length"] == 5
    assert handle.monitor.rate == 2.0
    assert handle.monitor.inferred_seeks == 0  # the rate change is not a seek


def test_missing_file_is_a_clear_error(
    gst: Any, playbin: Any, make_run: Any, missing: Path
) -> None:
    run = make_run("gstreamer")
    handle = gst_adapter.attach(playbin, run.session)
    try:
        playbin.set_property("uri", gst.filename_to_uri(str(missing)))
        playbin.set_state(gst.State.PLAYING)
        assert handle.wait(PLAY_TIMEOUT)
    finally:
        handle.detach()
    assert handle.error == "Resource not found."
    assert run.names() == ["Video Playback Started", "Video Playback Exited"]
