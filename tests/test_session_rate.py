"""Item 5 of issue 8: the playback rate (HTML5 ``ratechange``; Segment's Video Spec heartbeats).

Between time updates the content playhead is carried forward at the player's rate, so a
heartbeat or a ``pause()`` without a position reports where the player really is at 1.5x or 2x;
stats stay wall time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import playhead
from playhead import Content
from playhead.adapters.recorder import Recorder
from playhead.testing import capture_logs, load_timeline, run_timeline
from playhead.testing.builder import TimelineBuilder
from tests.conftest import Harness

EP = Content(asset_id="c1", total_length=600)


def started(harness: Harness, heartbeat: float = 10) -> playhead.Session:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": heartbeat})
    session.play()
    session.playing(0)
    return session


def test_heartbeats_carry_the_playhead_advanced_at_the_rate(harness: Harness) -> None:
    session = started(harness)
    session.rate_change(2.0)
    harness.advance(10)
    harness.advance(10)
    positions = [p["properties"]["position"] for p in harness.of("Video Content Playing")]
    assert positions == [20, 40]
    assert session.content_position == 40


def test_pause_without_a_position_is_where_the_player_is_at_one_and_a_half(
    harness: Harness,
) -> None:
    session = started(harness, heartbeat=0)
    harness.advance(4)
    session.time_update(4)
    session.rate_change(1.5)
    harness.advance(4)  # 6 s of content
    session.pause()
    assert harness.props("Video Playback Paused")["position"] == 10


def test_a_rate_change_keeps_the_time_already_played_at_the_old_rate(harness: Harness) -> None:
    session = started(harness, heartbeat=0)
    harness.advance(10)  # 10 s at 1x
    session.rate_change(2)
    harness.advance(5)  # 10 s at 2x
    session.rate_change(0.5)
    harness.advance(4)  # 2 s at 0.5x
    session.pause()
    assert harness.props("Video Playback Paused")["position"] == 22


def test_time_updates_still_say_where_the_playhead_is(harness: Harness) -> None:
    session = started(harness, heartbeat=0)
    session.rate_change(2)
    harness.advance(3)
    session.time_update(5.5)  # the player knows best
    session.pause()
    assert harness.props("Video Playback Paused")["position"] == 5


def test_stats_count_wall_time_not_content_time(harness: Harness) -> None:
    session = started(harness, heartbeat=0)
    session.rate_change(2)
    harness.advance(30)
    session.pause()
    assert session.stats.time_played == 30


def test_the_extrapolated_playhead_stops_at_the_end_of_the_item(harness: Harness) -> None:
    session = harness.session(
        content=[Content(asset_id="c1", total_length=20)], tracker={"heartbeat_interval": 0}
    )
    session.play()
    session.playing(0)
    session.rate_change(2)
    harness.advance(15)
    assert session.content_position == 20


def test_a_rate_set_before_play_applies_from_the_first_frame(harness: Harness) -> None:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 0})
    session.rate_change(1.25)
    session.play()
    session.playing(0)
    harness.advance(8)
    session.pause()
    assert harness.props("Video Playback Paused")["position"] == 10


def test_ads_keep_their_own_clock(harness: Harness) -> None:
    session = started(harness, heartbeat=0)
    session.rate_change(2)
    session.ad_start("a1", total_length=30)
    harness.advance(10)
    session.pause()
    assert harness.props("Video Playback Paused")["position"] == 10  # 0 content + 10 of the ad


@pytest.mark.parametrize("rate", [0, -1, 0.0, float("nan"), float("inf"), "fast", None, True])
def test_a_rate_that_is_not_a_positive_finite_number_is_ignored_and_logged(
    harness: Harness, rate: object
) -> None:
    session = started(harness, heartbeat=0)
    with capture_logs() as logs:
        session.rate_change(rate)  # type: ignore[arg-type]
    assert session.stats.ignored_callbacks == 1
    [line] = [line for line in logs if line["event"] == "callback_ignored"]
    assert line["call"] == "rate_change"
    assert "rate must be a finite number > 0" in line["reason"]
    assert repr(rate) in line["reason"]
    harness.advance(10)
    session.pause()
    assert harness.props("Video Playback Paused")["position"] == 10  # still at 1x


def test_strict_tracker_raises_for_a_bad_rate(harness: Harness) -> None:
    session = harness.session(content=[EP], tracker={"strict": True})
    with pytest.raises(playhead.CallbackError, match="rate_change"):
        session.rate_change(-2)


def test_timelines_and_the_builder_know_rate_change() -> None:
    timeline = (
        TimelineBuilder(content=[{"asset_id": "c1", "total_length": 100}], heartbeat_interval=5)
        .play()
        .playing(0)
        .rate_change(2)
        .watch(5, every=1)
    )
    assert timeline.steps[-1] == {"at": 5.0, "call": "time_update", "position": 10.0}
    assert load_timeline(timeline.to_dict()).steps[2].call == "rate_change"
    payloads = run_timeline(timeline.to_dict())
    [heartbeat] = [p for p in payloads if p["event"] == "Video Content Playing"]
    assert heartbeat["properties"]["position"] == 10


def test_the_recorder_records_rate_changes_and_replays_them(
    harness: Harness, tmp_path: Path
) -> None:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 5})
    recorder = Recorder(session)
    recorder.play()
    recorder.playing(0)
    recorder.rate_change(1.5)
    harness.advance(10)
    recorder.pause()
    path = tmp_path / "rate.json"
    recorder.dump(path)
    steps = json.loads(path.read_text())["steps"]
    assert {"at": 0.0, "call": "rate_change", "rate": 1.5} in steps
    replayed = run_timeline(path)
    assert [p["properties"].get("position") for p in replayed[1:]] == [
        p["properties"].get("position") for p in harness.payloads[1:]
    ]
    assert harness.props("Video Playback Paused")["position"] == 15
