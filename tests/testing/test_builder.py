"""TimelineBuilder builds exactly the JSON timeline format, and replays like it."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from playhead import Ad, AdBreak, Content, JsonlTransport
from playhead.session import Session
from playhead.testing import CALLS, load_timeline, run_timeline
from playhead.testing.builder import CALLBACKS, TimelineBuilder
from playhead.testing.sequence import assert_event_sequence

HANDWRITTEN: dict[str, Any] = {
    "tracker": {"user_id": "u1", "heartbeat_interval": 10, "video_player": "mpv"},
    "session": {
        "livestream": False,
        "content": [{"asset_id": "c1", "total_length": 600}],
        "ad_breaks": [
            {"pod_id": "ap1", "type": "pre-roll", "ads": [{"asset_id": "a1", "total_length": 15}]}
        ],
    },
    "start": "2024-01-15T10:30:00Z",
    "steps": [
        {"at": 0.0, "call": "play"},
        {"at": 0.2, "call": "ad_break_start", "pod_id": "ap1"},
        {"at": 0.2, "call": "ad_start", "asset_id": "a1"},
        {"at": 15.2, "call": "ad_time_update", "position": 15},
        {"at": 15.2, "call": "ad_end"},
        {"at": 15.2, "call": "ad_break_end"},
        {"at": 15.6, "call": "playing", "position": 0},
        {"at": 27.6, "call": "pause"},
        {"at": 30.0, "call": "seeking", "to": 100},
        {"at": 30.5, "call": "seeked"},
        {"at": 32.0, "call": "playing"},
        {"at": 40.0, "call": "exit"},
    ],
}


def built() -> TimelineBuilder:
    return (
        TimelineBuilder(
            content=[Content(asset_id="c1", total_length=600)],
            ad_breaks=[
                AdBreak(pod_id="ap1", type="pre-roll", ads=[Ad(asset_id="a1", total_length=15)])
            ],
            video_player="mpv",
        )
        .play()
        .advance(0.2).ad_break_start("ap1").ad_start("a1")
        .advance(15).ad_time_update(15).ad_end().ad_break_end()
        .advance(0.4).playing(0)
        .advance(12).pause()
        .at(30).seeking(to=100)
        .advance(0.5).seeked()
        .at(32).playing()
        .at(40).exit()
    )  # fmt: skip


def test_the_builder_makes_the_same_dict_as_the_json_format() -> None:
    assert built().to_dict() == HANDWRITTEN
    assert json.loads(built().to_json()) == HANDWRITTEN


def test_it_replays_exactly_like_the_json_timeline() -> None:
    def without_ids(payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {**p, "messageId": None, "properties": {**p["properties"], "session_id": None}}
            for p in payloads
        ]

    payloads = built().run()
    assert without_ids(payloads) == without_ids(run_timeline(HANDWRITTEN))
    assert_event_sequence(
        payloads,
        ["Playback Started", "Ad Started", ("Ad Playing", {"quartile": 1}),
         ("Ad Playing", {"quartile": 2}), ("Ad Playing", 10), ("Ad Playing", {"quartile": 3}),
         "Ad Completed",
         "Content Started", ("Content Playing", 10), ("Paused", 27), ("Seek Started", 27),
         ("Seek Completed", 115), ("Resumed", 115), ("Content Playing", 100), "Exited"],
    )  # fmt: skip


def test_every_session_callback_is_a_builder_method_with_the_same_arguments() -> None:
    assert set(CALLBACKS) == set(CALLS)
    for name in CALLS:
        session_args = [
            p.name
            for p in inspect.signature(getattr(Session, name)).parameters.values()
            if p.name != "self" and p.kind is not p.VAR_KEYWORD
        ]
        builder_args = [
            p.name
            for p in inspect.signature(getattr(TimelineBuilder, name)).parameters.values()
            if p.name != "self" and p.kind is not p.VAR_KEYWORD
        ]
        assert builder_args == session_args, name
        assert list(CALLBACKS[name]) == session_args, name


@pytest.mark.parametrize(
    ("call", "arguments"),
    [
        ("play", {}), ("playing", {"position": 3}), ("pause", {"position": 4}),
        ("time_update", {"position": 5}), ("waiting", {"position": 6}),
        ("seeking", {"to": 7, "position": 1}), ("seeked", {"position": 7}), ("ended", {}),
        ("content_start", {"asset_id": "c2", "title": "Two"}),
        ("ad_break_start", {"pod_id": "p", "type": "mid-roll"}),
        ("ad_start", {"asset_id": "a", "total_length": 5}), ("ad_time_update", {"position": 2}),
        ("ad_skipped", {}), ("ad_end", {}), ("ad_break_end", {}),
        ("quality", {"bitrate": 900, "framerate": 25, "dropped_frames": 1}),
        ("volume", {"sound": 50}), ("fullscreen", {"on": True}),
        ("interrupt", {"method": "phone call"}), ("exit", {"position": 9}),
    ],
)  # fmt: skip
def test_each_method_writes_its_step(call: str, arguments: dict[str, Any]) -> None:
    builder = getattr(TimelineBuilder().advance(1.5), call)(**arguments)
    assert builder.steps == [{"at": 1.5, "call": call, **arguments}]
    load_timeline(builder.to_dict())  # the core's loader accepts it


def test_none_arguments_are_left_out_but_call_keeps_them() -> None:
    assert TimelineBuilder().playing().steps == [{"at": 0.0, "call": "playing"}]
    assert TimelineBuilder().call("playing", position=None).steps == [
        {"at": 0.0, "call": "playing", "position": None}
    ]


def test_watch_ticks_follow_the_playhead_through_seeks_and_ads() -> None:
    builder = (
        TimelineBuilder().playing(10).watch(1, every=0.5).seeking(to=50).seeked().watch(0.5)
        .ad_start("a").watch_ad(0.6, every=0.25)
    )  # fmt: skip
    updates = [(s["call"], s["at"], s["position"]) for s in builder.steps if "update" in s["call"]]
    assert updates == [
        ("time_update", 0.5, 10.5), ("time_update", 1.0, 11.0),
        ("time_update", 1.25, 50.25), ("time_update", 1.5, 50.5),
        ("ad_time_update", 1.75, 0.25), ("ad_time_update", 2.0, 0.5),
        ("ad_time_update", 2.1, 0.6),
    ]  # fmt: skip
    assert builder.position == 50.5


def test_time_left_after_the_last_step_becomes_the_end() -> None:
    builder = TimelineBuilder(heartbeat_interval=5).play().playing(0).advance(21)
    assert builder.to_dict()["end"] == 21
    names = [p["event"] for p in builder.run()]
    assert names.count("Video Content Playing") == 4  # at 5, 10, 15 and 20 s, no time updates


def test_from_dict_round_trips_and_repr_is_python_that_rebuilds_it() -> None:
    original = built().advance(3)
    again = TimelineBuilder.from_dict(original.to_dict())
    assert again.to_dict() == original.to_dict()
    rebuilt = eval(repr(original), {"TimelineBuilder": TimelineBuilder})
    assert rebuilt.to_dict() == original.to_dict()


def test_bad_use_fails_at_once() -> None:
    with pytest.raises(ValueError, match="unknown callback 'jump'"):
        TimelineBuilder().call("jump")
    with pytest.raises(ValueError, match="does not go back"):
        TimelineBuilder().advance(-1)
    with pytest.raises(ValueError, match="does not go back"):
        TimelineBuilder().advance(5).at(4)
    with pytest.raises(ValueError, match="every must be > 0"):
        TimelineBuilder().watch(3, every=0)


def test_anonymous_viewers_and_session_options_reach_the_payloads() -> None:
    payloads = (
        TimelineBuilder(anonymous_id="anon-7", session_id="s-42", properties={"app": "tv"})
        .play().playing(0).exit().run()
    )  # fmt: skip
    assert {p["anonymousId"] for p in payloads} == {"anon-7"}
    assert all("userId" not in p for p in payloads)
    assert {p["properties"]["session_id"] for p in payloads} == {"s-42"}


def test_run_can_also_send_to_another_transport(tmp_path: Path) -> None:
    with JsonlTransport(tmp_path / "events.jsonl") as transport:
        payloads = built().run(transport)
    lines = (tmp_path / "events.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["event"] for line in lines] == [p["event"] for p in payloads]


def test_a_saved_timeline_replays_with_playhead_simulate(tmp_path: Path) -> None:
    path = built().save(tmp_path / "timeline.json")
    done = subprocess.run(
        [sys.executable, "-m", "playhead", "simulate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    events = [json.loads(line)["event"] for line in done.stdout.splitlines()]
    assert events == [p["event"] for p in built().run()]
