"""The data behind the picture: bands, playhead and stats derived from payloads alone."""

from __future__ import annotations

from typing import Any

import pytest

from playhead.clock import format_timestamp, parse_timestamp
from playhead.report import Band, build_sessions, build_timeline

START = parse_timestamp("2024-01-15T10:30:00Z")


def event(at: float, name: str, session: str = "s1", **props: Any) -> dict[str, Any]:
    return {
        "type": "track",
        "event": name,
        "userId": "u1",
        "timestamp": format_timestamp(START + at),
        "properties": {"session_id": session, **props},
    }


# A pre-roll of 15 s, then content: pause 30-35, stall 40-43, seek 26 -> 100 at 50-51, exit.
KNOWN = [
    event(0.0, "Video Playback Started", position=0, content_asset_ids=["c1"]),
    event(0.0, "Video Ad Started", asset_id="a1", position=0, total_length=15),
    event(0.5, "Video Quality Updated", bitrate=2500, startupTime=500),
    event(3.75, "Video Ad Playing", asset_id="a1", position=3, quartile=1),
    event(7.5, "Video Ad Playing", asset_id="a1", position=7, quartile=2),
    event(10.0, "Video Ad Playing", asset_id="a1", position=9),
    event(11.25, "Video Ad Playing", asset_id="a1", position=11, quartile=3),
    event(15.5, "Video Ad Completed", asset_id="a1", position=15, total_length=15),
    event(16.0, "Video Content Started", asset_id="c1", position=0, total_length=600),
    event(26.0, "Video Content Playing", asset_id="c1", position=10, total_length=600),
    event(30.0, "Video Playback Paused", position=29),
    event(35.0, "Video Playback Resumed", position=29),
    event(40.0, "Video Playback Buffer Started", position=34),
    event(43.0, "Video Playback Buffer Completed", position=34),
    event(50.0, "Video Playback Seek Started", position=41, seek_position=115),
    event(51.0, "Video Playback Seek Completed", position=115),
    event(61.0, "Video Content Playing", asset_id="c1", position=110, total_length=600),
    event(70.0, "Video Playback Exited", position=134),
]


def test_known_session_has_the_right_bands_at_the_right_times() -> None:
    timeline = build_timeline(KNOWN)

    assert timeline.bands == (
        Band("ad", 0.0, 15.5),
        Band("loading", 15.5, 16.0),
        Band("playing", 16.0, 30.0),
        Band("paused", 30.0, 35.0),
        Band("playing", 35.0, 40.0),
        Band("stalled", 40.0, 43.0),
        Band("playing", 43.0, 50.0),
        Band("seeking", 50.0, 51.0),
        Band("playing", 51.0, 70.0),
    )
    assert timeline.state_at(32.0) == "paused"
    assert timeline.state_at(70.0) is None


def test_known_session_stats() -> None:
    stats = build_timeline(KNOWN).stats

    assert stats.time_played == pytest.approx(14 + 5 + 7 + 19)
    assert stats.time_in_ads == pytest.approx(15.5)
    assert stats.time_stalled == pytest.approx(3.0)
    assert stats.rebuffer_ratio == pytest.approx(3.0 / (45 + 15.5 + 3))
    assert (stats.startup_time, stats.startup_source) == (500, "reported")
    assert (stats.ads_started, stats.ads_completed) == (1, 1)
    assert (stats.pause_count, stats.stall_count, stats.seek_count) == (1, 1, 1)
    assert stats.heartbeats == 3  # the quartiles are not heartbeats
    assert stats.outcome == "exited"
    assert stats.duration == 70.0


def test_content_playhead_follows_pauses_stalls_and_the_seek() -> None:
    (line,) = build_timeline(KNOWN).playhead

    assert line[0] == (16.0, 0.0)
    assert (30.0, 14.0) in line
    assert (35.0, 14.0) in line  # flat while paused
    assert (43.0, 19.0) in line  # and while stalled
    assert (50.0, 26.0) in line  # flat while seeking
    assert (51.0, 26.0) in line
    assert (51.0, 100.0) in line  # landed at the target, ads excluded
    assert line[-1] == (70.0, 119.0)
    times = [at for at, _ in line]
    assert times == sorted(times)


def test_markers_carry_lanes_and_quartile_labels() -> None:
    markers = build_timeline(KNOWN).markers

    quartiles = [(m.at, m.label) for m in markers if m.quartile is not None]
    assert quartiles == [(3.75, "Q1"), (7.5, "Q2"), (11.25, "Q3")]
    assert {m.lane for m in markers} == {"playback", "content", "ad", "quality"}
    quality = next(m for m in markers if m.lane == "quality")
    assert quality.label == "2500 kbps"


def test_startup_time_falls_back_to_the_events_when_not_reported() -> None:
    timeline = build_timeline(
        [
            event(0.0, "Video Playback Started", position=0),
            event(1.25, "Video Content Started", asset_id="c1", position=0),
            event(5.0, "Video Playback Completed", position=3),
        ]
    )

    assert (timeline.stats.startup_time, timeline.stats.startup_source) == (1250, "events")
    assert timeline.bands == (Band("loading", 0.0, 1.25), Band("playing", 1.25, 5.0))
    assert timeline.stats.outcome == "completed"


def test_seek_while_paused_stays_paused_and_mid_roll_freezes_content() -> None:
    timeline = build_timeline(
        [
            event(0.0, "Video Playback Started", position=0),
            event(0.0, "Video Content Started", asset_id="c1", position=0, total_length=60),
            event(10.0, "Video Playback Paused", position=10),
            event(12.0, "Video Playback Seek Started", position=10, seek_position=20),
            event(13.0, "Video Playback Seek Completed", position=20),
            event(15.0, "Video Playback Resumed", position=20),
            event(20.0, "Video Ad Started", asset_id="m1", position=0, total_length=5),
            event(25.0, "Video Ad Completed", asset_id="m1", position=5),
            event(30.0, "Video Playback Exited", position=35),
        ]
    )

    assert [(b.state, b.start, b.end) for b in timeline.bands] == [
        ("playing", 0.0, 10.0),
        ("paused", 10.0, 12.0),
        ("seeking", 12.0, 13.0),
        ("paused", 13.0, 15.0),
        ("playing", 15.0, 20.0),
        ("ad", 20.0, 25.0),
        ("playing", 25.0, 30.0),
    ]
    (line,) = timeline.playhead
    assert (20.0, 25.0) in line  # frozen during the mid-roll
    assert (25.0, 25.0) in line
    assert line[-1] == (30.0, 30.0)


def test_sessions_are_split_by_session_id_and_ordered_by_start() -> None:
    later = [
        event(100.0, "Video Playback Started", session="s2", position=0),
        event(101.0, "Video Playback Exited", session="s2", position=0),
    ]
    unrelated = {"type": "track", "event": "Order Completed", "userId": "u1", "properties": {}}

    sessions = build_sessions([*later, unrelated, *KNOWN])

    assert [s.session_id for s in sessions] == ["s1", "s2"]
    assert sessions[1].bands == (Band("loading", 0.0, 1.0),)
    assert sessions[1].stats.outcome == "exited"


def test_events_after_the_end_do_not_reopen_a_session() -> None:
    timeline = build_timeline(
        [
            event(0.0, "Video Playback Started", position=0),
            event(1.0, "Video Content Started", asset_id="c1", position=0),
            event(4.0, "Video Playback Exited", position=3),
            event(9.0, "Video Playback Paused", position=3),
        ]
    )

    assert timeline.bands[-1] == Band("playing", 1.0, 4.0)
    assert timeline.stats.outcome == "exited"


def test_build_timeline_refuses_mixed_sessions_and_nothing() -> None:
    with pytest.raises(ValueError, match="2 sessions"):
        build_timeline([event(0, "Video Playback Started"), event(1, "x", session="s2")])
    with pytest.raises(ValueError, match="no events"):
        build_timeline([])
