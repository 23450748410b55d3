"""The GStreamer adapter on a real playbin with synchronised fake sinks, where PyGObject imports."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from playhead.adapters import gstreamer as gst_adapter
from playhead.testing import event_names
from tests.adapters.conftest import CLEAN_RUN, PLAY_TIMEOUT, wait_until
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


def test_buffering_messages_are_stalls(
    gst: Any, playbin: Any, make_run: Any, short_video: Path
) -> None:
    run = make_run("gstreamer", heartbeat_interval=0, length=5)
    handle = gst_adapter.attach(playbin, run.session)
    with MediaServer(
        short_video, stall_at=len(short_video.read_bytes()) // 2, stall_for=2.5
    ) as srv:
        try:
            playbin.set_property("uri", srv.url)
            playbin.set_state(gst.State.PLAYING)
            assert handle.wait(PLAY_TIMEOUT)
        finally:
            handle.detach()
    names = run.names()
    assert names[:2] == ["Video Playback Started", "Video Content Started"]
    assert names[-2:] == ["Video Content Completed", "Video Playback Completed"]
    assert names.count("Video Playback Buffer Started") >= 1
    assert names.count("Video Playback Buffer Started") == names.count(
        "Video Playback Buffer Completed"
    )


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
