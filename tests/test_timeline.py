"""Timelines: loading, checking, replaying, and the example files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import playhead
from playhead.testing import (
    Timeline,
    dump_timeline,
    event_names,
    load_timeline,
    run_timeline,
)
from tests.conftest import assert_all_valid

EXAMPLES = sorted((Path(__file__).parent.parent / "examples" / "timelines").glob("*.json"))

BASE: dict[str, Any] = {
    "tracker": {"user_id": "u1", "heartbeat_interval": 10},
    "session": {"content": [{"asset_id": "c1", "total_length": 60}]},
    "start": "2024-01-15T10:30:00Z",
    "steps": [
        {"at": 0.0, "call": "play"},
        {"at": 0.4, "call": "playing", "position": 0},
        {"at": 30.4, "call": "pause"},
    ],
}


def test_replay_on_a_fake_clock_fires_heartbeats_between_steps() -> None:
    payloads = run_timeline(BASE)
    assert event_names(payloads) == [
        "Video Playback Started",
        "Video Content Started",
        "Video Content Playing",
        "Video Content Playing",
        "Video Content Playing",
        "Video Playback Paused",
    ]
    assert payloads[-1]["timestamp"] == "2024-01-15T10:30:30.400Z"
    assert_all_valid(payloads)


def test_end_advances_the_clock_after_the_last_step() -> None:
    payloads = run_timeline({**BASE, "steps": BASE["steps"][:2], "end": 25})
    assert event_names(payloads).count("Video Content Playing") == 2


def test_same_timeline_same_events() -> None:
    first = run_timeline(BASE)
    second = run_timeline(BASE)
    strip = [(p["event"], p["timestamp"], p["properties"]["position"]) for p in first]
    assert strip == [(p["event"], p["timestamp"], p["properties"]["position"]) for p in second]


def test_given_transport_also_receives_the_payloads(tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    with playhead.JsonlTransport(out) as transport:
        payloads = run_timeline(BASE, transport=transport)
    lines = out.read_text().splitlines()
    assert [json.loads(line) for line in lines] == payloads


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"steps": [{"at": 0, "call": "jump"}]}, r"step 0 \(at 0, call 'jump'\): unknown call"),
        ({"steps": [{"at": 0, "call": "seeking"}]}, r"step 0 .*missing a required argument: 'to'"),
        ({"steps": [{"at": 0, "call": "pause", "speed": 2}]}, r"step 0 .*unexpected keyword"),
        (
            {"steps": [{"at": 5, "call": "play"}, {"at": 1, "call": "pause"}]},
            r"step 1 .*goes back in time",
        ),
        ({"steps": [{"at": "soon", "call": "play"}]}, r"step 0 .*'at' must be a number"),
        ({"steps": {"at": 0}}, "'steps' must be a list"),
        ({"tracker": {"user_id": "u", "speed": 1}}, "'tracker' must be an object with keys"),
        ({"start": "yesterday"}, "'start' must be an ISO-8601 time"),
        ({"extra": 1}, "unknown top-level keys"),
        ({"tracker": {"user_id": "u", "anonymous_id": "a"}}, "bad tracker or session"),
    ],
)
def test_malformed_timelines_name_the_problem(change: dict[str, Any], message: str) -> None:
    with pytest.raises(playhead.TimelineError, match=message):
        run_timeline({**BASE, **change})


def test_dump_and_load_round_trip(tmp_path: Path) -> None:
    timeline = load_timeline(BASE)
    path = tmp_path / "t.json"
    dump_timeline(timeline, path)
    assert load_timeline(path) == timeline
    assert isinstance(load_timeline(timeline), Timeline)
    # One step per line keeps diffs of recorded timelines readable.
    assert '{"at": 0.4, "call": "playing", "position": 0}' in path.read_text()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_timelines_run_and_validate(path: Path) -> None:
    payloads = run_timeline(path)
    assert_all_valid(payloads)
    names = event_names(payloads)
    assert names[0] == "Video Playback Started"
    assert names[-1] in ("Video Playback Completed", "Video Playback Exited")


def test_the_examples_cover_the_promised_cases() -> None:
    assert {p.stem for p in EXAMPLES} >= {
        "vod",
        "ads-pre-mid-post",
        "pause-stall-seek",
        "scrubbing",
        "livestream",
        "exit-midway",
        "playlist",
    }


def test_a_monitor_in_the_timeline_infers_what_the_player_does_not_signal() -> None:
    steps = [{"at": 0.0, "call": "play"}, {"at": 0.5, "call": "playing", "position": 0}]
    steps += [
        {"at": 0.5 + t * 0.5, "call": "time_update", "position": t * 0.5} for t in range(1, 9)
    ]  # to 4 s, then a jump to 40 s and a 3-s freeze
    steps += [
        {"at": 5.0, "call": "time_update", "position": 40.0},
        {"at": 5.5, "call": "time_update", "position": 40.5},
        {"at": 9.0, "call": "time_update", "position": 41.0},
    ]
    timeline = {**BASE, "steps": steps, "monitor": {"stall_timeout": 1.5, "seek_threshold": 2}}
    names = event_names(run_timeline(timeline), heartbeats=False)
    assert names[2:] == [
        "Video Playback Seek Started",
        "Video Playback Seek Completed",
        "Video Playback Buffer Started",
        "Video Playback Buffer Completed",
    ]
    assert load_timeline(timeline).to_dict()["monitor"] == {
        "stall_timeout": 1.5,
        "seek_threshold": 2,
    }
    with pytest.raises(playhead.TimelineError, match="bad monitor options"):
        run_timeline({**timeline, "monitor": {"stall_timeout": -1}})
