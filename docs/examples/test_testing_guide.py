"""The examples of docs/testing.md. The page includes the sections between the markers, and
tests/test_docs_examples.py runs this file with pytest, so every example on the page runs."""

from __future__ import annotations

# --8<-- [start:fixtures]
from playhead.testing.pytest_plugin import assert_event_sequence


def test_pause_and_resume(playhead_session, playhead_fake_clock, playhead_memory_transport):
    playhead_session.play()
    playhead_fake_clock.advance(0.4)
    playhead_session.playing(0)
    playhead_fake_clock.advance(12)  # the fake clock fires the heartbeat due at 10 s
    playhead_session.pause()
    playhead_fake_clock.advance(3)
    playhead_session.playing()

    assert_event_sequence(
        playhead_memory_transport,
        [
            "Playback Started",
            "Content Started",
            ("Content Playing", 10),
            ("Paused", 12),
            ("Resumed", 12),
            ("Content Playing", 12),  # a heartbeat at the resume (Segment's Video Spec)
        ],
    )
    # --8<-- [end:fixtures]


# --8<-- [start:builder]
from playhead.testing.builder import TimelineBuilder
from playhead.testing.pytest_plugin import event_sequence


def test_a_pre_roll_comes_before_the_content():
    timeline = (
        TimelineBuilder(
            content=[{"asset_id": "ep1", "total_length": 600}],
            ad_breaks=[
                {
                    "pod_id": "pre",
                    "type": "pre-roll",
                    "ads": [{"asset_id": "ad1", "total_length": 8}],
                }
            ],
        )
        .play()
        .ad_break_start("pre")
        .ad_start("ad1")
        .watch_ad(8)  # ad_time_update every 0.25 s
        .ad_end()
        .ad_break_end()
        .advance(0.3)
        .playing(0)
        .watch(4)  # time_update every 0.25 s
        .exit()
    )

    payloads = timeline.run()

    assert event_sequence(payloads) == [
        "Playback Started",
        "Ad Started",
        {"event": "Ad Playing", "quartile": 1},
        {"event": "Ad Playing", "quartile": 2},
        {"event": "Ad Playing", "quartile": 3},
        ("Ad Completed", 8),
        "Content Started",
        ("Exited", 12),  # playback position: the ad's 8 s + 4 s of content
    ]
    # --8<-- [end:builder]


# --8<-- [start:json]
import json


def test_the_builder_writes_the_json_format(tmp_path):
    timeline = TimelineBuilder(heartbeat_interval=5).play().advance(0.5).playing(0).advance(11)
    path = timeline.save(tmp_path / "short.json")  # replay it with: playhead simulate short.json

    data = json.loads(path.read_text())
    assert data["steps"] == [
        {"at": 0.0, "call": "play"},
        {"at": 0.5, "call": "playing", "position": 0},
    ]
    assert data["end"] == 11.5  # the clock runs on to the end: two heartbeats fall due
    assert [p["event"] for p in timeline.run()].count("Video Content Playing") == 2
    # --8<-- [end:json]


# --8<-- [start:properties]
from hypothesis import given, settings

from playhead.testing.invariants import assert_session_invariants
from playhead.testing.strategies import nonsense_sessions, sessions


@settings(max_examples=25, deadline=None, derandomize=True)
@given(sessions(max_length=60))
def test_sensible_sessions_keep_the_rules(timeline):
    assert_session_invariants(timeline.run())


@settings(max_examples=25, deadline=None, derandomize=True)
@given(nonsense_sessions(max_steps=20))
def test_garbage_from_a_player_never_raises(timeline):
    assert_session_invariants(timeline.run())
    # --8<-- [end:properties]


# --8<-- [start:marker]
import pytest


@pytest.mark.playhead(tracker={"heartbeat_interval": 5}, session={"session_id": "s-1"})
def test_with_other_defaults(playhead_session, playhead_fake_clock, playhead_memory_transport):
    playhead_session.play()
    playhead_session.playing(0)
    playhead_fake_clock.advance(10)
    assert playhead_memory_transport.events.count("Video Content Playing") == 2
    assert playhead_memory_transport.payloads[0]["properties"]["session_id"] == "s-1"
    # --8<-- [end:marker]
