"""Rules 4 and 6: ads, pods, quartiles, skips, dynamic insertion."""

from __future__ import annotations

import playhead
from playhead import Ad, AdBreak, Content
from tests.conftest import Harness

EP = Content(asset_id="c1", total_length=600)
MID = AdBreak(
    pod_id="mid",
    type="mid-roll",
    ads=[
        Ad(asset_id="a1", title="First", total_length=20),
        Ad(asset_id="a2", title="Second", total_length=8),
    ],
)


def quartiles(harness: Harness) -> list[tuple[str, int]]:
    return [
        (p["properties"]["asset_id"], p["properties"]["quartile"])
        for p in harness.of("Video Ad Playing")
        if "quartile" in p["properties"]
    ]


def start_mid_roll(harness: Harness, **tracker: object) -> playhead.Session:
    session = harness.session(
        content=[EP], ad_breaks=[MID], tracker={"heartbeat_interval": 0, **tracker}
    )
    session.play()
    session.playing(0)
    harness.advance(60)
    session.ad_break_start("mid")
    return session


def test_quartiles_follow_ad_time_updates_once_each(harness: Harness) -> None:
    session = start_mid_roll(harness)
    session.ad_start("a1")
    for tick in range(1, 81):
        harness.advance(0.25)
        session.ad_time_update(tick * 0.25)
    session.ad_time_update(19)  # a stale update: no repeat
    session.ad_end()
    assert quartiles(harness) == [("a1", 1), ("a1", 2), ("a1", 3)]
    positions = [p["properties"]["position"] for p in harness.of("Video Ad Playing")]
    assert positions == [5, 10, 15]
    assert harness.names()[-1] == "Video Ad Completed"


def test_a_jump_past_several_quartiles_fires_each_in_order(harness: Harness) -> None:
    session = start_mid_roll(harness)
    session.ad_start("a1")
    session.ad_time_update(1)
    session.ad_time_update(16)
    assert quartiles(harness) == [("a1", 1), ("a1", 2), ("a1", 3)]


def test_clock_driven_quartiles_do_not_fire_together(harness: Harness) -> None:
    session = start_mid_roll(harness)
    session.ad_start("a1")
    harness.advance(20)
    session.ad_end()
    stamps = [p["timestamp"][17:23] for p in harness.of("Video Ad Playing")]
    assert stamps == ["05.000", "10.000", "15.000"]  # 60 s of content, then 5/10/15 s


def test_skipped_ad_gets_no_more_quartiles_and_no_completed(harness: Harness) -> None:
    session = start_mid_roll(harness)
    session.ad_start("a1")
    session.ad_time_update(6)
    session.ad_skipped()
    harness.advance(30)
    session.ad_time_update(16)
    session.ad_end()
    assert quartiles(harness) == [("a1", 1)]
    assert "Video Ad Completed" not in harness.names()
    assert session.stats.ads_skipped == 1


def test_pod_properties(harness: Harness) -> None:
    session = start_mid_roll(harness)
    session.ad_start("a1")
    harness.advance(20)
    session.ad_end()
    session.ad_start("a2")
    harness.advance(8)
    session.ad_end()
    session.ad_break_end()
    first, second = harness.of("Video Ad Started")
    assert first["properties"] | {"session_id": None} == {
        "session_id": None,
        "asset_id": "a1",
        "title": "First",
        "total_length": 20,
        "pod_id": "mid",
        "type": "mid-roll",
        "pod_position": 1,
        "pod_length": 2,
        "position": 0,
    }
    assert second["properties"]["pod_position"] == 2
    assert harness.props("Video Ad Completed", 1)["position"] == 8


def test_a_mid_roll_freezes_the_content_clock_and_counts_in_playback(harness: Harness) -> None:
    session = start_mid_roll(harness)
    session.ad_start("a1")
    harness.advance(20)
    session.ad_end()
    session.ad_start("a2")
    harness.advance(3)
    session.pause()
    harness.advance(1)
    session.playing()
    harness.advance(5)
    session.ad_end()
    session.ad_break_end()
    harness.advance(0.5)
    session.playing()
    harness.advance(10)
    session.pause()
    # playback frame: 60 s content + 28 s of ads + 10 s content
    assert harness.props("Video Playback Paused", 1)["position"] == 98
    assert harness.props("Video Playback Paused", 0)["position"] == 60 + 20 + 3
    ad_pause = harness.props("Video Playback Paused", 0)
    assert ad_pause["ad_asset_id"] == "a2"
    assert ad_pause["ad_pod_id"] == "mid"
    assert ad_pause["ad_type"] == "mid-roll"
    assert harness.props("Video Playback Paused", 1).get("ad_asset_id") is None


def test_an_ad_break_is_not_a_pause(harness: Harness) -> None:
    session = start_mid_roll(harness)
    session.ad_start("a1")
    harness.advance(20)
    session.ad_end()
    session.ad_break_end()
    session.playing()
    names = harness.names(heartbeats=False)
    assert "Video Playback Paused" not in names
    assert "Video Playback Resumed" not in names
    assert names.count("Video Content Started") == 1


def test_a_pause_left_open_by_a_break_closes_when_frames_advance(harness: Harness) -> None:
    session = start_mid_roll(harness)
    session.ad_break_end()
    harness.advance(1)
    session.pause()
    session.ad_break_start("mid")
    session.ad_start("a1")
    assert harness.names()[-3:] == [
        "Video Playback Paused",
        "Video Playback Resumed",
        "Video Ad Started",
    ]


def test_dynamic_ad_without_a_declared_break(harness: Harness) -> None:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 0})
    session.play()
    session.ad_start("dyn-1", total_length=10, title="Inserted", load_type="dynamic")
    harness.advance(10)
    session.ad_end()
    session.ad_break_end()
    session.playing(0)
    started = harness.props("Video Ad Started")
    assert started["asset_id"] == "dyn-1"
    assert started["type"] == "pre-roll"
    assert started["load_type"] == "dynamic"
    assert started["pod_position"] == 1
    assert quartiles(harness) == [("dyn-1", 1), ("dyn-1", 2), ("dyn-1", 3)]
    assert harness.names()[-1] == "Video Content Started"


def test_an_undeclared_break_with_inline_metadata(harness: Harness) -> None:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 0})
    session.play()
    session.playing(0)
    harness.advance(30)
    session.ad_break_start("ssai-7", campaign="winter")
    session.ad_start("x1", total_length=4)
    started = harness.props("Video Ad Started")
    assert started["type"] == "mid-roll"
    assert started["pod_id"] == "ssai-7"
    assert started["campaign"] == "winter"


def test_ad_start_while_an_ad_runs_ends_it_without_completed_unless_at_its_end(
    harness: Harness,
) -> None:
    session = start_mid_roll(harness)
    session.ad_start("a1")
    harness.advance(4)
    session.ad_start("a2")  # a1 cut off at 4 s of 20
    harness.advance(8)
    session.ad_break_end()  # a2 reached its end: it completes
    names = [n for n in harness.names() if n.startswith("Video Ad")]
    assert names == [
        "Video Ad Started",
        "Video Ad Started",
        "Video Ad Playing",
        "Video Ad Playing",
        "Video Ad Playing",
        "Video Ad Completed",
    ]
    assert harness.props("Video Ad Completed")["asset_id"] == "a2"
    session.playing()
    harness.advance(2)
    session.pause()
    assert harness.props("Video Playback Paused")["position"] == 60 + 4 + 8 + 2


def test_ad_time_update_outside_an_ad_is_ignored(harness: Harness) -> None:
    session = harness.session(content=[EP])
    session.play()
    session.playing(0)
    session.ad_time_update(3)
    assert session.stats.ignored_callbacks == 1
    assert harness.names() == ["Video Playback Started", "Video Content Started"]
