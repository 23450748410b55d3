"""The recorder: raw callbacks with their times, as a timeline that replays to the same events."""

from __future__ import annotations

import json
from pathlib import Path

import playhead
from playhead.adapters.monitor import PlayheadMonitor
from playhead.adapters.recorder import Recorder
from playhead.testing import event_names, load_timeline, run_timeline
from tests.conftest import Harness, assert_all_valid


def make(harness: Harness, **options: object) -> Recorder:
    session = harness.session(
        tracker={"heartbeat_interval": 5, "video_player": "test"},
        content=[playhead.Content(asset_id="c1", total_length=60, title="Pilot", extra={"x": 1})],
        ad_breaks=[
            playhead.AdBreak(
                pod_id="p1", type="mid-roll", ads=[playhead.Ad(asset_id="a1", total_length=5)]
            )
        ],
    )
    return Recorder(session, **options)  # type: ignore[arg-type]


def test_records_calls_with_their_times_and_replays_to_the_same_events(
    harness: Harness, tmp_path: Path
) -> None:
    recorder = make(harness)
    harness.advance(3)  # time before the first call is not part of the recording
    recorder.play()
    harness.advance(0.5)
    recorder.playing(0)
    for index in range(1, 49):
        harness.advance(0.25)
        recorder.time_update(index * 0.25)
    recorder.pause(12)
    harness.advance(2)
    recorder.playing(12)
    recorder.seeking(40, 12.5)
    harness.advance(1)
    recorder.seeked(40)
    recorder.ad_break_start("p1")
    recorder.ad_start("a1", title="Cola")
    harness.advance(5)
    recorder.ad_end()
    recorder.ad_break_end()
    recorder.playing(40)
    harness.advance(20)
    recorder.ended()

    path = tmp_path / "t.json"
    recorder.dump(path)
    data = json.loads(path.read_text())
    assert data["start"] == "2024-01-15T10:30:03.000Z"
    assert data["steps"][:2] == [
        {"at": 0.0, "call": "play"},
        {"at": 0.5, "call": "playing", "position": 0},
    ]
    assert {"at": 14.5, "call": "seeking", "to": 40, "position": 12.5} in data["steps"]
    assert {"at": 15.5, "call": "ad_start", "asset_id": "a1", "title": "Cola"} in data["steps"]
    assert data["tracker"] == {
        "user_id": "u1",
        "heartbeat_interval": 5.0,
        "video_player": "test",
    }
    assert data["session"]["content"] == [
        {"asset_id": "c1", "title": "Pilot", "total_length": 60, "x": 1}
    ]
    assert data["session"]["ad_breaks"][0]["ads"] == [{"asset_id": "a1", "total_length": 5}]

    replayed = run_timeline(load_timeline(path))
    assert_all_valid(replayed)
    live = harness.payloads
    assert event_names(replayed) == event_names(live)
    assert [p["properties"].get("position") for p in replayed] == [
        p["properties"].get("position") for p in live
    ]
    assert [p["timestamp"] for p in replayed] == [p["timestamp"] for p in live]


def test_time_updates_are_thinned_but_the_one_before_a_change_is_kept(harness: Harness) -> None:
    recorder = make(harness, time_update_interval=1.0)
    recorder.play()
    recorder.playing(0)
    for index in range(1, 21):  # 25 updates a second, for 0.8 s
        harness.advance(0.04)
        recorder.time_update(index * 0.04)
    recorder.pause()
    updates = [s for s in recorder.timeline()["steps"] if s["call"] == "time_update"]
    assert [u["position"] for u in updates] == [0.04, 0.8]  # the first, and the last before pause
    assert recorder.timeline()["steps"][-1]["call"] == "pause"


def test_all_time_updates_when_asked(harness: Harness) -> None:
    recorder = make(harness, time_update_interval=None)
    recorder.play()
    recorder.playing(0)
    for index in range(1, 11):
        harness.advance(0.04)
        recorder.time_update(index * 0.04)
    assert sum(s["call"] == "time_update" for s in recorder.timeline()["steps"]) == 10


def test_the_monitors_inferences_are_recorded_as_plain_calls(harness: Harness) -> None:
    recorder = make(harness)
    monitor = PlayheadMonitor(recorder, stall_timeout=1)  # type: ignore[arg-type]
    monitor.play()
    monitor.playing(0)
    harness.advance(0.5)
    monitor.time_update(0.5)
    harness.advance(2)  # a stall, inferred by the clock
    monitor.time_update(0.75)
    calls = [step["call"] for step in recorder.timeline()["steps"]]
    assert calls == ["play", "playing", "time_update", "waiting", "playing", "time_update"]
    # The replay has no monitor and needs none.
    assert event_names(run_timeline(recorder.timeline())) == event_names(harness.payloads)


def test_reads_go_to_the_session(harness: Harness) -> None:
    recorder = make(harness)
    recorder.play()
    assert recorder.state == "loading"
    assert recorder.session_id == recorder.session.session_id
    assert recorder.stats.ignored_callbacks == 0
