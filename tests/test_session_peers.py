"""Issue 8: scenarios ported from the Video Spec and from other trackers' own test suites.

Each test names its source. Where the peers disagree, docs/rules.md says which one we follow.
"""

from __future__ import annotations

import pytest

import playhead
from playhead import Ad, AdBreak, Content
from playhead.testing import assert_session_invariants, capture_logs
from tests.conftest import Harness

EP = Content(asset_id="c1", total_length=600)


def started(harness: Harness, heartbeat: float = 10, **tracker: object) -> playhead.Session:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": heartbeat, **tracker})
    session.play()
    session.playing(0)
    return session


def times(harness: Harness, event: str) -> list[str]:
    return [p["timestamp"][14:23] for p in harness.of(event)]


# -- 1. Heartbeat at resume ------------------------------------------------------------------


def test_segment_video_spec_resuming_playback_heartbeat_at_once_then_every_ten_seconds(
    harness: Harness,
) -> None:
    """Segment Video Spec, "Resuming playback": "When you fire a Video Playback Resumed event,
    you should immediately call a heartbeat event ... resuming your 10 second heartbeats"."""
    session = started(harness)
    harness.advance(15)  # heartbeat at 10
    session.pause()
    harness.advance(60)
    session.playing()  # at 75: Resumed, then a heartbeat at once
    harness.advance(21)  # heartbeats at 85 and 95
    assert harness.names()[-4:] == [
        "Video Playback Resumed",
        "Video Content Playing",
        "Video Content Playing",
        "Video Content Playing",
    ]
    assert times(harness, "Video Content Playing") == [
        "30:10.000", "31:15.000", "31:25.000", "31:35.000"
    ]  # fmt: skip
    positions = [p["properties"]["position"] for p in harness.of("Video Content Playing")]
    assert positions == [10, 15, 25, 35]


def test_segment_video_spec_resuming_inside_an_ad_sends_an_ad_heartbeat(
    harness: Harness,
) -> None:
    """Segment Video Spec, "Resuming playback", for an ad: the heartbeat is Video Ad Playing."""
    session = started(harness)
    session.ad_start("a1", total_length=60)
    harness.advance(5)
    session.pause()
    harness.advance(5)
    session.playing()
    assert harness.names()[-2:] == ["Video Playback Resumed", "Video Ad Playing"]
    assert harness.props("Video Ad Playing")["position"] == 5
    assert "quartile" not in harness.props("Video Ad Playing")


def test_segment_video_spec_no_heartbeat_at_resume_when_heartbeats_are_off(
    harness: Harness,
) -> None:
    session = started(harness, heartbeat=0)
    session.pause()
    session.playing()
    assert harness.names()[-1] == "Video Playback Resumed"


# -- 2. A scrub is one seek -------------------------------------------------------------------


def test_snowplow_1218_a_drag_of_seeking_seeked_pairs_is_one_seek(harness: Harness) -> None:
    """snowplow-javascript-tracker #1218 / PR #1219 (RepeatedEventFilter): an HTML5 drag fires a
    seeking/seeked pair per step; one Seek Started at the origin, one Seek Completed at the
    final landing."""
    session = started(harness, heartbeat=0)
    harness.advance(30)
    for target in (40, 90, 150, 120, 170):
        session.seeking(target)
        harness.advance(0.05)
        session.time_update(target)
        session.seeked()
        harness.advance(0.3)  # the next drag step, a few hundred ms later
    harness.advance(1)
    assert harness.names()[2:] == [
        "Video Playback Seek Started",
        "Video Playback Seek Completed",
    ]
    seek = harness.props("Video Playback Seek Started")
    assert (seek["position"], seek["seek_position"]) == (30, 40)
    completed = harness.of("Video Playback Seek Completed")[0]
    assert completed["properties"]["position"] == 170
    assert completed["timestamp"].endswith("30:31.450Z")  # when it landed, not when it was sent
    assert session.stats.seek_count == 1


def test_snowplow_1218_the_next_non_seek_callback_ends_the_wait(harness: Harness) -> None:
    """Snowplow's RepeatedEventFilter flushes held seek events on the next other event."""
    session = started(harness, heartbeat=0)
    harness.advance(10)
    session.seeking(100)
    session.seeked()
    session.pause()
    assert harness.names()[2:] == [
        "Video Playback Seek Started",
        "Video Playback Seek Completed",
        "Video Playback Paused",
    ]


def test_snowplow_1218_steps_further_apart_than_the_window_are_separate_seeks(
    harness: Harness,
) -> None:
    session = started(harness, heartbeat=0, seek_join_window=0.5)
    session.seeking(100)
    session.seeked()
    harness.advance(2)
    session.seeking(200)
    session.seeked()
    harness.advance(2)
    assert harness.names().count("Video Playback Seek Started") == 2
    assert harness.names().count("Video Playback Seek Completed") == 2


def test_a_zero_window_completes_every_seek_at_once(harness: Harness) -> None:
    session = started(harness, heartbeat=0, seek_join_window=0)
    session.seeking(100)
    session.seeked()
    assert harness.names()[-1] == "Video Playback Seek Completed"


def test_seek_join_window_is_checked(harness: Harness) -> None:
    for bad in (-1, float("nan"), "1", True):
        with pytest.raises(playhead.ConfigurationError, match="seek_join_window"):
            harness.tracker(seek_join_window=bad)


# -- 3. A stall ends when the playhead moves -----------------------------------------------------


def test_snowplow_session_stats_ends_buffering_when_playback_time_moves(harness: Harness) -> None:
    """snowplow browser-plugin-media test/sessionStats.test.ts, "ends buffering when playback
    time moves": buffering from 0, time moves at 15 s, play at 30 s: 15 s of buffering."""
    session = started(harness, heartbeat=0)
    harness.advance(5)
    session.time_update(5)
    session.waiting()
    harness.advance(15)
    session.time_update(5)  # not moving: still stalled
    assert session.state == "buffering"
    session.time_update(6)  # frames advance, though the player never says playing()
    harness.advance(15)
    session.playing()  # late: a repeat now
    assert harness.names()[2:] == [
        "Video Playback Buffer Started",
        "Video Playback Buffer Completed",
    ]
    assert harness.of("Video Playback Buffer Completed")[0]["timestamp"].endswith("30:20.000Z")
    assert session.stats.time_stalled == 15
    assert session.stats.stall_count == 1


def test_an_ad_stall_ends_when_the_ad_playhead_moves(harness: Harness) -> None:
    session = started(harness, heartbeat=0)
    session.ad_start("a1", total_length=30)
    harness.advance(2)
    session.ad_time_update(2)
    session.waiting()
    harness.advance(3)
    session.ad_time_update(2.5)
    assert session.state == "ad_playing"
    assert harness.names()[-1] == "Video Playback Buffer Completed"


# -- 4. Idle end and resume ----------------------------------------------------------------------


def test_adobe_timeout_idle_timeout_real_time_tracker(harness: Harness) -> None:
    """adobe/aepsdk-media-ios FunctionalTests/Scenarios/Timeout.swift, testIdleTimeOut_RealTime
    Tracker: play, pause at 3 s, 30 minutes later the session ends by itself at playhead 3."""
    session = started(harness, heartbeat=0)
    harness.advance(3)
    session.pause()
    harness.advance(1799)
    assert session.state == "paused"
    harness.advance(1)
    assert session.state == "ended"
    exited = harness.of("Video Playback Exited")
    assert len(exited) == 1
    assert exited[0]["timestamp"].endswith("T11:00:03.000Z")
    assert exited[0]["properties"]["exit_reason"] == "idle_timeout"
    assert exited[0]["properties"]["position"] == 3
    assert session.stats.time_paused == 1800
    assert harness.clock.pending == 0


def test_adobe_timeout_session_end_and_play_starts_a_new_session(harness: Harness) -> None:
    """Timeout.swift, testIdleTimeOut_SessionEndAndPlay_RealTimeTracker: after the idle end, a
    play starts session 1 at the same playhead (Adobe: media.resume = true)."""
    session = started(harness, heartbeat=0)
    first_id = session.session_id
    harness.advance(3)
    session.pause()
    harness.advance(1800)
    session.play()
    harness.advance(1)
    session.playing()
    harness.advance(3)
    session.exit()
    names = harness.names()
    assert names == [
        "Video Playback Started",
        "Video Content Started",
        "Video Playback Paused",
        "Video Playback Exited",
        "Video Playback Started",
        "Video Content Started",
        "Video Playback Exited",
    ]
    second = harness.payloads[4:]
    assert session.session_id != first_id
    assert {p["properties"]["session_id"] for p in second} == {session.session_id}
    assert harness.props("Video Content Started", 1)["position"] == 3
    assert harness.props("Video Playback Exited", 1)["position"] == 6
    assert "exit_reason" not in harness.props("Video Playback Exited", 1)
    assert session.stats.time_played == 3
    assert_session_invariants(harness.payloads)


def test_adobe_timeout_playing_alone_also_resumes_after_an_idle_end(harness: Harness) -> None:
    session = started(harness, heartbeat=0)
    session.interrupt("phone call")
    harness.advance(2000)
    session.playing()
    assert harness.names()[-3:] == [
        "Video Playback Exited",
        "Video Playback Started",
        "Video Content Started",
    ]


def test_a_stall_also_times_out_and_activity_restarts_the_count(harness: Harness) -> None:
    session = started(harness, heartbeat=0, idle_timeout=60)
    session.waiting()
    harness.advance(50)
    session.playing()
    harness.advance(10)
    session.pause()
    harness.advance(50)  # 50 s paused: the earlier stall does not count
    assert session.state == "paused"
    harness.advance(10)
    assert session.state == "ended"
    assert harness.props("Video Playback Exited")["exit_reason"] == "idle_timeout"


def test_idle_timeout_none_turns_it_off(harness: Harness) -> None:
    session = started(harness, heartbeat=0, idle_timeout=None)
    session.pause()
    harness.advance(10**6)
    assert session.state == "paused"
    assert harness.clock.pending == 0


def test_idle_timeout_is_checked(harness: Harness) -> None:
    for bad in (0, -5, float("inf"), "1800"):
        with pytest.raises(playhead.ConfigurationError, match="idle_timeout"):
            harness.tracker(idle_timeout=bad)


def test_a_plain_exit_carries_no_exit_reason(harness: Harness) -> None:
    session = started(harness, heartbeat=0)
    session.pause()
    session.exit()
    assert "exit_reason" not in harness.props("Video Playback Exited")


# -- 5. Playback rate: tests/test_session_rate.py ----------------------------------------------

# -- 6. Live stats -----------------------------------------------------------------------------


def test_snowplow_session_stats_considers_pauses_while_they_last(harness: Harness) -> None:
    """snowplow sessionStats.test.ts "considers pauses": time paused is counted; read while
    the pause is still open, it already holds the time so far."""
    session = started(harness, heartbeat=0)
    harness.advance(10)
    session.pause()
    harness.advance(300)
    assert session.stats.time_paused == 300
    assert session.stats.time_played == 10
    harness.advance(60)
    assert session.stats.time_paused == 360
    session.playing()
    assert session.stats.time_paused == 360


# -- 7. One Ad Playing per instant -----------------------------------------------------------------


def test_one_ad_playing_when_a_heartbeat_and_a_quartile_fall_due_together(
    harness: Harness,
) -> None:
    """Segment Video Spec, Video Ad Playing: one heartbeat per interval; a quartile at the same
    instant rides on it (destinations count Ad Playing events)."""
    brk = AdBreak(pod_id="p", type="pre-roll", ads=[Ad(asset_id="a1", total_length=40)])
    session = harness.session(content=[EP], ad_breaks=[brk], tracker={"heartbeat_interval": 10})
    session.play()
    session.ad_break_start("p")
    session.ad_start("a1")
    harness.advance(39)  # quartiles at 10, 20, 30 s: the very instants of the heartbeats
    session.ad_end()
    playing = harness.of("Video Ad Playing")
    assert [p["properties"].get("quartile") for p in playing] == [1, 2, 3]
    assert times(harness, "Video Ad Playing") == ["30:10.000", "30:20.000", "30:30.000"]


def test_one_ad_playing_also_when_the_player_reports_ad_time(harness: Harness) -> None:
    session = started(harness, heartbeat=5)
    session.ad_start("a1", total_length=20)
    for tick in range(1, 20):  # quartiles at 5, 10, 15 s: heartbeat instants too
        harness.advance(1)
        session.ad_time_update(tick)
    session.ad_end()
    playing = harness.of("Video Ad Playing")
    stamps = times(harness, "Video Ad Playing")
    assert len(stamps) == len(set(stamps))
    assert [p["properties"].get("quartile") for p in playing] == [1, 2, 3]


# -- 8. A pause at the end, then ended() ---------------------------------------------------------


def test_html5_pause_then_ended_at_the_end_is_the_end_not_a_pause(harness: Harness) -> None:
    """HTML5 fires pause then ended when the media ends (HTML Living Standard, "reaches the
    end"); Segment's YouTube/Vimeo plugin tests expect Completed, no Paused."""
    session = harness.session(
        content=[Content(asset_id="c1", total_length=60)], tracker={"heartbeat_interval": 0}
    )
    session.play()
    session.playing(0)
    harness.advance(60)
    session.time_update(60)
    session.pause()
    session.ended()
    harness.advance(5)
    assert harness.names() == [
        "Video Playback Started",
        "Video Content Started",
        "Video Content Completed",
        "Video Playback Completed",
    ]
    assert session.stats.pause_count == 0


def test_a_real_pause_near_the_end_is_still_sent_at_its_time(harness: Harness) -> None:
    session = harness.session(
        content=[Content(asset_id="c1", total_length=60)], tracker={"heartbeat_interval": 0}
    )
    session.play()
    session.playing(0)
    harness.advance(59.8)
    session.pause()
    harness.advance(5)
    paused = harness.of("Video Playback Paused")
    assert len(paused) == 1
    assert paused[0]["timestamp"].endswith("30:59.800Z")
    assert session.stats.time_paused == pytest.approx(5)


# -- 9. Properties cannot break the payload --------------------------------------------------------


@pytest.mark.parametrize(
    ("properties", "key"),
    [
        ({"session_id": "mine"}, "session_id"),
        ({"position": 3}, "position"),
        ({"total_length": 3}, "total_length"),
        ({"livestream": True}, "livestream"),
        ({"content_asset_id": "x"}, "content_asset_id"),
        ({"ad_pod_id": "x"}, "ad_pod_id"),
        ({"bitrate": "high"}, "bitrate"),
        ({"sound": 500}, "sound"),
        ({"full_screen": "yes"}, "full_screen"),
    ],
)
def test_properties_that_would_break_the_payload_are_refused(
    harness: Harness, properties: dict[str, object], key: str
) -> None:
    with pytest.raises(playhead.ConfigurationError, match=key):
        harness.tracker(properties=properties)
    with pytest.raises(playhead.ConfigurationError, match=key):
        harness.tracker().session(content=[EP], properties=properties)


def test_custom_and_well_typed_properties_ride_on_playback_events(harness: Harness) -> None:
    session = harness.session(
        content=[EP], tracker={"properties": {"sound": 50, "plan": "gold"}}, properties={"x": 1}
    )
    session.play()
    props = harness.props("Video Playback Started")
    assert (props["sound"], props["plan"], props["x"]) == (50, "gold", 1)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Content(asset_id="c", title=123), "title"),  # type: ignore[arg-type]
        (lambda: Content(asset_id="c", full_episode="yes"), "full_episode"),  # type: ignore[arg-type]
        (lambda: Ad(asset_id="a", publisher=5), "publisher"),  # type: ignore[arg-type]
        (
            lambda: AdBreak(pod_id="p", type="pre-roll", ads=[{"asset_id": "a", "title": 1}]),
            "title",
        ),
    ],
)
def test_model_fields_of_the_wrong_type_are_refused(make: object, field: str) -> None:
    with pytest.raises(playhead.ConfigurationError, match=field):
        make()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("call", "args", "kwargs", "field"),
    [
        ("ad_start", ("a1",), {"total_length": -1}, "total_length"),
        ("ad_start", ("a1",), {"title": 5}, "title"),
        ("ad_start", ("a1",), {"type": "half-time"}, "type"),
        ("ad_start", ("a1",), {"pod_position": "1"}, "pod_position"),
        ("content_start", ("c2",), {"total_length": "long"}, "total_length"),
        ("ad_break_start", ("p9",), {"type": "sometime"}, "type"),
    ],
)
def test_callback_metadata_of_the_wrong_type_is_an_ignored_callback(
    harness: Harness, call: str, args: tuple[object, ...], kwargs: dict[str, object], field: str
) -> None:
    session = started(harness, heartbeat=0)
    before = len(harness.payloads)
    with capture_logs() as logs:
        getattr(session, call)(*args, **kwargs)
    assert [line["event"] for line in logs] == ["callback_ignored"]
    assert field in logs[0]["reason"]
    assert len(harness.payloads) == before
    assert session.stats.ignored_callbacks == 1


# -- 10. No input poisons a session ------------------------------------------------------------


@pytest.mark.parametrize("absurd", [10**400, 1e300, 10**20, -(10**400)])
def test_absurd_positions_are_refused_and_exit_still_sends_exited(
    harness: Harness, absurd: float
) -> None:
    session = harness.session(content=[Content(asset_id="live")], tracker={"heartbeat_interval": 5})
    session.play()
    session.playing(0)
    with capture_logs() as logs:
        session.time_update(absurd)
        session.seeking(absurd)
        session.pause(absurd)
        session.quality(bitrate=absurd)
        session.volume(absurd)
        session.rate_change(absurd)
    assert {line["event"] for line in logs} == {"callback_ignored"}
    harness.advance(12)
    session.exit()
    assert harness.names()[-1] == "Video Playback Exited"
    assert all(p["properties"]["position"] < 100 for p in harness.payloads)
    assert_session_invariants(harness.payloads)


# -- Where the peers disagree (docs/rules.md) ----------------------------------------------------


def test_mux_buffering_before_the_first_frame_is_startup_time_not_a_rebuffer(
    harness: Harness,
) -> None:
    """Mux Data counts the wait before the first frame as video startup time; Segment's YouTube
    plugin would send Buffer Started. We follow Mux."""
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 0})
    session.play()
    session.waiting()
    harness.advance(2.5)
    session.playing(0)
    assert harness.names() == ["Video Playback Started", "Video Content Started"]
    assert session.stats.startup_time == 2500
    assert (session.stats.stall_count, session.stats.time_stalled) == (0, 0)


def test_mux_and_adobe_a_seeks_own_buffering_is_not_a_rebuffer(harness: Harness) -> None:
    """Mux (seek latency is not rebuffering) and Adobe (no stall during a seek) agree."""
    session = started(harness, heartbeat=0)
    harness.advance(5)
    session.seeking(300)
    session.waiting()
    harness.advance(2)
    session.seeked()
    session.playing()
    assert "Video Playback Buffer Started" not in harness.names()
    assert session.stats.time_stalled == 0
    assert session.stats.time_seeking == 2


def test_segment_lifecycle_no_content_completed_started_pair_around_a_mid_roll(
    harness: Harness,
) -> None:
    """Segment's spec text: Content Started once per item. Its own lifecycle example shows a
    Completed/Started pair around the mid-roll; we do not copy it (docs/rules.md)."""
    session = started(harness, heartbeat=0)
    harness.advance(30)
    session.ad_break_start("mid", type="mid-roll")
    session.ad_start("m1", total_length=10)
    harness.advance(10)
    session.ad_end()
    session.ad_break_end()
    session.playing()
    harness.advance(5)
    session.pause()
    names = harness.names()
    assert names.count("Video Content Started") == 1
    assert "Video Content Completed" not in names
    assert harness.props("Video Playback Paused")["position"] == 45  # 35 content + 10 ad
