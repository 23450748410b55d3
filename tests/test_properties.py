"""Property tests: random sessions, sensible and nonsense, never break the event invariants.

The strategies are playhead's own public ones (``playhead.testing.strategies``). With ``CI``
set, the ``playhead-ci`` hypothesis profile is derandomized, so a CI run is repeatable; locally
the default profile explores new examples each run.
"""

from __future__ import annotations

import math
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playhead import CallbackError
from playhead.testing import capture_logs
from playhead.testing.builder import TimelineBuilder
from playhead.testing.invariants import assert_session_invariants, session_problems
from playhead.testing.strategies import nonsense_sessions, sessions
from tests.spec import assert_all_valid, validator

settings.register_profile(
    "playhead-dev",
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "playhead-ci",
    parent=settings.get_profile("playhead-dev"),
    derandomize=True,
    database=None,
    print_blob=True,
)
settings.load_profile("playhead-ci" if os.environ.get("CI") else "playhead-dev")


def _run(timeline: TimelineBuilder) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The payloads, and the log lines, of one replay."""
    with capture_logs() as logs:
        payloads = timeline.run()
    return payloads, logs


def _check(payloads: list[dict[str, Any]], logs: list[dict[str, Any]]) -> None:
    assert_all_valid(payloads)
    assert_session_invariants(payloads)
    # An exception inside a callback is swallowed for the player's sake, but it is a bug.
    assert [line for line in logs if line["event"] == "callback_failed"] == []


@given(sessions())
def test_sensible_sessions_keep_every_invariant(timeline: TimelineBuilder) -> None:
    _check(*_run(timeline))


@given(sessions(exit_after_end=False))
def test_sensible_sessions_have_no_ignored_callbacks(timeline: TimelineBuilder) -> None:
    # strict=True raises CallbackError for any callback the core would ignore: the strategy's
    # players are well-behaved, so none may be.
    data = timeline.to_dict()
    strict = TimelineBuilder.from_dict({**data, "tracker": {**data["tracker"], "strict": True}})
    try:
        payloads, _ = _run(strict)
    except CallbackError as error:
        raise AssertionError(f"a sensible session was refused: {error}") from None
    assert payloads[0]["event"] == "Video Playback Started"


@given(sessions(ads=False, playlists=False, livestreams=False, exit_after_end=False))
def test_a_session_played_to_the_end_completes_once(timeline: TimelineBuilder) -> None:
    payloads, _ = _run(timeline)
    names = [p["event"] for p in payloads]
    if "ended" in [s["call"] for s in timeline.steps]:
        assert names[-1] == "Video Playback Completed"
        assert names.count("Video Content Completed") == 1
    else:
        assert names[-1] == "Video Playback Exited"


@given(nonsense_sessions())
def test_nonsense_sessions_never_raise_and_keep_every_invariant(
    timeline: TimelineBuilder,
) -> None:
    payloads, logs = _run(timeline)
    _check(payloads, logs)
    for line in logs:
        if line["event"] == "callback_ignored":
            assert {"call", "state", "reason"} <= set(line)


def test_the_fast_validator_agrees_with_the_full_schema() -> None:
    payloads, _ = _run(
        TimelineBuilder(
            ad_breaks=[
                {"pod_id": "p", "type": "pre-roll", "ads": [{"asset_id": "a", "total_length": 8}]}
            ]
        )
        .play()
        .ad_break_start("p")
        .ad_start("a")
        .watch_ad(8)
        .ad_end()
        .ad_break_end()
        .playing(0)
        .watch(30)
        .pause()
        .advance(2)
        .playing()
        .quality(bitrate=900)
        .exit()
    )
    assert len({p["event"] for p in payloads}) >= 10
    assert_all_valid(payloads)
    for payload in payloads:
        for key, bad in (("position", 1.5), ("total_length", None)):
            if key in payload["properties"]:
                broken = {**payload, "properties": {**payload["properties"], key: bad}}
                assert not validator(payload["event"]).is_valid(broken)
                assert not validator().is_valid(broken)
        both = {**payload, "anonymousId": "x", "userId": "y"}
        assert not validator(payload["event"]).is_valid(both)
        assert not validator().is_valid(both)


@given(st.data())
def test_invariant_checker_catches_a_broken_sequence(data: st.DataObject) -> None:
    # The checker must not be vacuous: break a real session's events and it must notice.
    payloads, _ = _run(data.draw(sessions(ads=False, playlists=False, livestreams=False)))
    broken = data.draw(st.sampled_from(["duplicate_start", "after_end", "negative", "sessions"]))
    events = [dict(p, properties=dict(p["properties"])) for p in payloads]
    if broken == "duplicate_start":
        events.append(events[0])
    elif broken == "after_end":
        events.append(events[1] if len(events) > 1 else events[0])
    elif broken == "negative":
        events[0]["properties"]["position"] = -1
    else:
        events[-1]["properties"]["session_id"] = "another"
    assert session_problems(events)


# Regressions the strategies found in the core.


def test_regression_pause_after_a_break_that_ended_paused() -> None:
    pre = {"pod_id": "pre", "type": "pre-roll", "ads": [{"asset_id": "a1", "total_length": 10}]}
    timeline = (
        TimelineBuilder(ad_breaks=[pre])
        .play().ad_break_start("pre").ad_start("a1").pause().ad_break_end().pause()
    )  # fmt: skip
    _check(*_run(timeline))


def test_regression_ended_after_restarting_the_item_and_an_infinite_position() -> None:
    timeline = (
        TimelineBuilder(content=[{"asset_id": "c1", "total_length": 60}])
        .play().playing(0).content_start("c1").playing().call("time_update", position=math.inf)
        .ended()
    )  # fmt: skip
    _check(*_run(timeline))
