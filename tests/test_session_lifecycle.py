"""Rules 1, 2, 8, 11: the session's start, items, completion and exit."""

from __future__ import annotations

import uuid

import playhead
from playhead import Ad, AdBreak, Content
from playhead.testing import assert_event_sequence
from tests.conftest import Harness

EP = Content(asset_id="c1", pod_id="cp1", title="Ep 1", total_length=600)
PRE = AdBreak(pod_id="ap1", type="pre-roll", ads=[Ad(asset_id="a1", total_length=15)])


def test_playback_started_is_first_once_and_carries_the_schedule(harness: Harness) -> None:
    session = harness.session(
        content=[EP, Content(asset_id="c2", total_length=300)], ad_breaks=[PRE]
    )
    session.play()
    session.play()
    harness.advance(1)
    session.playing()
    assert harness.names()[0] == "Video Playback Started"
    assert harness.names().count("Video Playback Started") == 1
    props = harness.props("Video Playback Started")
    assert props["content_asset_ids"] == ["c1", "c2"]
    assert props["content_pod_ids"] == ["cp1"]
    assert props["ad_asset_id"] == ["a1"]
    assert props["ad_pod_id"] == ["ap1"]
    assert props["total_length"] == 600 + 300 + 15
    assert props["position"] == 0


def test_every_payload_has_the_wire_envelope(harness: Harness) -> None:
    tracker = harness.tracker(integrations={"All": True}, context={"app": {"name": "kiosk"}})
    session = tracker.session(content=[EP])
    session.play()
    session.playing(0)
    session.pause()
    ids = set()
    for payload in harness.payloads:
        assert payload["type"] == "track"
        assert payload["userId"] == "u1"
        assert "anonymousId" not in payload
        assert payload["context"]["library"] == {
            "name": "playhead",
            "version": playhead.__version__,
        }
        assert payload["context"]["app"] == {"name": "kiosk"}
        assert payload["integrations"] == {"All": True}
        assert uuid.UUID(payload["messageId"]).version == 4
        ids.add(payload["messageId"])
        assert payload["properties"]["session_id"] == session.session_id
    assert len(ids) == len(harness.payloads)
    assert harness.payloads[0]["timestamp"] == "2024-01-15T10:30:00.000Z"


def test_anonymous_viewer_and_given_session_id(harness: Harness) -> None:
    tracker = playhead.Tracker(harness.memory, anonymous_id="anon-1", clock=harness.clock)
    session = tracker.session(content=[EP], session_id="my-session")
    session.play()
    payload = harness.payloads[0]
    assert payload["anonymousId"] == "anon-1"
    assert "userId" not in payload
    assert payload["properties"]["session_id"] == "my-session"


def test_timestamps_come_from_the_clock(harness: Harness) -> None:
    session = harness.session(content=[EP])
    session.play()
    harness.advance(1.2345)
    session.playing()
    assert [p["timestamp"] for p in harness.payloads] == [
        "2024-01-15T10:30:00.000Z",
        "2024-01-15T10:30:01.234Z",
    ]


def test_content_started_waits_for_frames_after_the_pre_roll(harness: Harness) -> None:
    session = harness.session(content=[EP], ad_breaks=[PRE], tracker={"heartbeat_interval": 0})
    session.play()
    session.ad_break_start("ap1")
    session.ad_start("a1")
    harness.advance(15)
    session.ad_end()
    session.ad_break_end()
    assert "Video Content Started" not in harness.names()
    session.playing(0)
    assert_event_sequence(
        harness.payloads,
        [
            "Video Playback Started",
            "Video Ad Started",
            "Video Ad Playing",
            "Video Ad Playing",
            "Video Ad Playing",
            "Video Ad Completed",
            "Video Content Started",
        ],
    )


def test_a_vod_played_to_the_end(harness: Harness) -> None:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 0})
    session.play()
    session.playing(0)
    harness.advance(600)
    session.time_update(600)
    session.ended()
    assert_event_sequence(
        harness.payloads,
        [
            "Video Playback Started",
            "Video Content Started",
            "Video Content Completed",
            "Video Playback Completed",
        ],
    )
    assert harness.props("Video Content Completed")["position"] == 600
    assert harness.props("Video Playback Completed")["position"] == 600
    assert session.state == "ended"


def test_post_roll_comes_after_content_completed_and_before_playback_completed(
    harness: Harness,
) -> None:
    post = AdBreak(pod_id="post", type="post-roll", ads=[Ad(asset_id="p1", total_length=5)])
    session = harness.session(content=[EP], ad_breaks=[post], tracker={"heartbeat_interval": 0})
    session.play()
    session.playing(0)
    session.time_update(600)
    session.ended()
    assert harness.names()[-1] == "Video Content Completed"
    session.ad_break_start("post")
    session.ad_start("p1")
    harness.advance(5)
    session.ad_end()
    session.ad_break_end()
    assert harness.names(heartbeats=False)[-3:] == [
        "Video Ad Playing",
        "Video Ad Completed",
        "Video Playback Completed",
    ]
    completed = harness.props("Video Playback Completed")
    assert completed["position"] == 605 == completed["total_length"]
    assert harness.props("Video Ad Started")["type"] == "post-roll"


def test_exit_after_content_when_the_post_roll_never_starts_completes(harness: Harness) -> None:
    post = AdBreak(pod_id="post", type="post-roll", ads=[Ad(asset_id="p1", total_length=5)])
    session = harness.session(content=[EP], ad_breaks=[post])
    session.play()
    session.playing(0)
    session.ended()
    session.exit()
    assert harness.names()[-1] == "Video Playback Completed"
    assert "Video Playback Exited" not in harness.names()


def test_exit_midway_and_nothing_after(harness: Harness) -> None:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 5})
    session.play()
    session.playing(0)
    harness.advance(7)
    session.exit()
    count = len(harness.payloads)
    harness.advance(60)
    session.playing()
    session.pause()
    session.ended()
    session.exit()
    assert len(harness.payloads) == count
    assert harness.names()[-1] == "Video Playback Exited"
    assert harness.props("Video Playback Exited")["position"] == 7
    assert session.state == "ended"


def test_exit_before_play_emits_nothing(harness: Harness) -> None:
    session = harness.session(content=[EP])
    session.exit()
    session.play()
    assert harness.payloads == []


def test_playlist_one_session_id_and_a_pair_per_item(harness: Harness) -> None:
    items = [Content(asset_id=f"c{i}", total_length=60) for i in range(3)]
    session = harness.session(content=items, tracker={"heartbeat_interval": 0})
    session.play()
    for _index in range(3):
        session.playing(0)
        harness.advance(60)
        session.ended()
    assert harness.names() == ["Video Playback Started"] + [
        "Video Content Started",
        "Video Content Completed",
    ] * 3 + ["Video Playback Completed"]
    started = harness.of("Video Content Started")
    assert [p["properties"]["asset_id"] for p in started] == ["c0", "c1", "c2"]
    assert {p["properties"]["session_id"] for p in harness.payloads} == {session.session_id}
    completed = harness.props("Video Playback Completed")
    assert completed["position"] == 180


def test_content_start_picks_a_declared_item_and_abandons_the_current(harness: Harness) -> None:
    items = [Content(asset_id="c1", total_length=100), Content(asset_id="c2", total_length=50)]
    session = harness.session(content=items, tracker={"heartbeat_interval": 0})
    session.play()
    session.playing(0)
    harness.advance(30)
    session.content_start("c2", title="Second")
    session.playing(0)
    assert harness.names() == [
        "Video Playback Started",
        "Video Content Started",
        "Video Content Started",
    ]
    second = harness.props("Video Content Started", 1)
    assert second["asset_id"] == "c2"
    assert second["title"] == "Second"
    harness.advance(50)
    session.ended()
    # c2 was the last declared item, so the session is complete.
    assert harness.names()[-2:] == ["Video Content Completed", "Video Playback Completed"]
    # 30 s watched of the abandoned c1 + 50 s of c2.
    assert harness.props("Video Playback Completed")["position"] == 80


def test_undeclared_content_described_at_content_start(harness: Harness) -> None:
    session = harness.session(tracker={"heartbeat_interval": 0})
    session.content_start("live-1", title="Surprise", total_length=20, custom_tag="x")
    session.play()
    session.playing(0)
    started = harness.props("Video Content Started")
    assert started["asset_id"] == "live-1"
    assert started["custom_tag"] == "x"
    assert started["total_length"] == 20


def test_autoplay_playing_without_play_implies_the_request(harness: Harness) -> None:
    session = harness.session(content=[EP])
    session.playing(0)
    assert harness.names() == ["Video Playback Started", "Video Content Started"]


def test_livestream_has_no_total_length(harness: Harness) -> None:
    session = harness.session(
        content=[Content(asset_id="ch1", livestream=True)],
        livestream=True,
        tracker={"heartbeat_interval": 10},
    )
    session.play()
    session.playing(0)
    harness.advance(25)
    session.pause()
    for payload in harness.payloads:
        assert "total_length" not in payload["properties"]
        assert payload["properties"]["livestream"] is True
    assert harness.props("Video Playback Paused")["position"] == 25


def test_session_ids_differ_between_sessions(harness: Harness) -> None:
    tracker = harness.tracker()
    assert tracker.session().session_id != tracker.session().session_id


def test_a_with_block_ends_the_session(harness: Harness) -> None:
    with harness.session(content=[EP]) as session:
        session.play()
        session.playing(0)
        harness.advance(3)
    assert harness.names()[-1] == "Video Playback Exited"
    assert session.state == "ended"


def test_content_start_of_the_playing_item_plays_it_again(harness: Harness) -> None:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 0})
    session.play()
    session.playing(0)
    harness.advance(100)
    session.content_start("c1")
    session.playing(0)
    again = harness.props("Video Content Started", 1)
    assert again["asset_id"] == "c1"
    assert again["total_length"] == 600  # the declared metadata, not an unknown item
    harness.advance(600)
    session.ended()
    assert harness.names()[-2:] == ["Video Content Completed", "Video Playback Completed"]
