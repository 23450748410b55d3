"""Bad input: clear errors at configuration time, logged-counted-ignored at run time."""

from __future__ import annotations

import math
from typing import Any

import pytest

import playhead
from playhead import Ad, AdBreak, CallbackError, ConfigurationError, Content
from playhead.playback import Playback
from tests.conftest import Harness

EP = Content(asset_id="c1", total_length=100)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"user_id": "u", "anonymous_id": "a"}, "exactly one of user_id and anonymous_id"),
        ({}, "exactly one of user_id and anonymous_id"),
        ({"user_id": ""}, "user_id must be a non-empty string"),
        ({"user_id": "u", "heartbeat_interval": -1}, "heartbeat_interval must be 0"),
        ({"user_id": "u", "heartbeat_interval": 1e-9}, r"heartbeat_interval .* >= 0\.01"),
        ({"user_id": "u", "heartbeat_interval": math.inf}, "finite"),
        ({"user_id": "u", "clock": object()}, "clock must implement"),
        ({"user_id": "u", "context": ["x"]}, "context must be a mapping"),
    ],
)
def test_tracker_configuration_errors(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        playhead.Tracker(playhead.MemoryTransport(), **options)


def test_transport_must_be_a_transport() -> None:
    with pytest.raises(ConfigurationError, match="send"):
        playhead.Tracker(object(), user_id="u")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "build",
    [
        lambda: Content(asset_id="c", total_length=-5),
        lambda: Content(asset_id="", total_length=5),
        lambda: Ad(asset_id="a", total_length=math.nan),
        lambda: AdBreak(pod_id="p", type="in-roll"),
        lambda: AdBreak(pod_id="p", type="pre-roll", ads=["not an ad"]),
    ],
)
def test_metadata_configuration_errors(build: Any) -> None:
    with pytest.raises(ConfigurationError):
        build()


def test_session_configuration_errors(harness: Harness) -> None:
    tracker = harness.tracker()
    with pytest.raises(ConfigurationError):
        tracker.session(content=["c1"])  # type: ignore[list-item]
    with pytest.raises(ConfigurationError):
        tracker.session(session_id="")


@pytest.mark.parametrize("bad", [None, math.nan, math.inf, -math.inf, -3, 250, "12", True])
def test_bad_positions_are_logged_counted_and_ignored(harness: Harness, bad: Any) -> None:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 0})
    session.play()
    session.playing(0)
    session.time_update(10)
    with playhead.testing.capture_logs() as logs:
        session.time_update(bad)
        session.pause(bad)
    # pause(None) means "position unknown", which is fine; time_update(None) is not.
    expected = 1 if bad is None else 2
    assert session.stats.ignored_callbacks == expected
    assert [entry["event"] for entry in logs] == ["callback_ignored"] * expected
    assert logs[0]["call"] == "time_update"
    assert logs[0]["session_id"] == session.session_id
    # The pause itself still counts; only its bad position was dropped.
    assert harness.props("Video Playback Paused")["position"] == 10


def test_small_overshoot_past_the_end_is_clamped(harness: Harness) -> None:
    session = harness.session(content=[EP], tracker={"heartbeat_interval": 0})
    session.play()
    session.playing(0)
    session.time_update(100.7)
    session.pause()  # at the end: held a moment, in case ended() follows (issue 8, item 8)
    harness.advance(1)
    assert session.stats.ignored_callbacks == 0
    assert harness.props("Video Playback Paused")["position"] == 100


@pytest.mark.parametrize(
    "calls",
    [
        ["pause"],
        ["seeked"],
        ["ad_end"],
        ["ad_break_end"],
        ["ad_skipped"],
        ["ended"],
        ["play", "ad_break_end"],
    ],
)
def test_callbacks_that_make_no_sense_are_ignored(harness: Harness, calls: list[str]) -> None:
    session = harness.session(content=[EP])
    for call in calls:
        getattr(session, call)()
    assert session.stats.ignored_callbacks == 1
    assert harness.names() == (["Video Playback Started"] if "play" in calls else [])


def test_strict_mode_raises_callback_error(strict_session: Any) -> None:
    session = strict_session(content=[EP])
    with pytest.raises(CallbackError, match=r"pause\(\) ignored in state 'idle'") as info:
        session.pause()
    assert info.value.call == "pause"
    assert info.value.state == "idle"
    session.play()
    with pytest.raises(CallbackError, match="not finite"):
        session.time_update(math.nan)


def test_a_failing_transport_is_logged_and_counted_never_raised(harness: Harness) -> None:
    def broken(payload: dict[str, Any]) -> None:
        raise OSError("disk full")

    tracker = playhead.Tracker(playhead.CallbackTransport(broken), user_id="u", clock=harness.clock)
    session = tracker.session(content=[EP])
    with playhead.testing.capture_logs() as logs:
        session.play()
        session.playing(0)
    assert session.stats.emit_failures == 2
    assert tracker.send_failures == 2
    assert {entry["event"] for entry in logs} == {"transport_send_failed"}
    assert session.state == "playing"


def test_an_internal_error_never_reaches_the_player(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = harness.session(content=[EP])
    session.play()

    def explode(*args: Any) -> dict[str, Any]:
        raise RuntimeError("bug")

    monkeypatch.setattr(Playback, "content_props", explode)
    with playhead.testing.capture_logs() as logs:
        session.playing(0)
    assert logs[-1]["event"] == "callback_failed"
    assert session.stats.ignored_callbacks == 1


def test_repr_and_logs_hold_no_secrets(harness: Harness) -> None:
    tracker = harness.tracker()
    assert "u1" in repr(tracker)
    assert "MemoryTransport" in repr(tracker)
