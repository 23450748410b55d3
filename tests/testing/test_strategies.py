"""The strategies reach every feature they promise, and say clearly when hypothesis is missing."""

from __future__ import annotations

import importlib
import itertools
import math
import sys
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from playhead.testing import load_timeline
from playhead.testing.builder import TimelineBuilder
from playhead.testing.strategies import nonsense_sessions, odd_numbers, sessions, timelines

SURVEY = settings(
    max_examples=300,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def calls(timeline: TimelineBuilder) -> list[str]:
    return [step["call"] for step in timeline.steps]


def scrubs(timeline: TimelineBuilder) -> bool:
    return any(a == b == "seeking" for a, b in itertools.pairwise(calls(timeline)))


def paused_in_an_ad(timeline: TimelineBuilder) -> bool:
    in_ad = False
    for name in calls(timeline):
        if name == "ad_start":
            in_ad = True
        elif name in ("ad_end", "ad_skipped", "ad_break_end"):
            in_ad = False
        elif name == "pause" and in_ad:
            return True
    return False


def seek_while_paused(timeline: TimelineBuilder) -> bool:
    names = [n for n in calls(timeline) if n not in ("time_update", "ad_time_update")]
    return any(a == "pause" and b == "seeking" for a, b in itertools.pairwise(names))


FEATURES: dict[str, Callable[[TimelineBuilder], bool]] = {
    "pre-roll": lambda t: any(b["type"] == "pre-roll" for b in t.to_dict()["session"]["ad_breaks"]),
    "mid-roll played": lambda t: any(
        s["call"] == "ad_break_start" and s.get("type") == "mid-roll" for s in t.steps
    ),
    "post-roll played": lambda t: any(
        s["call"] == "ad_break_start" and s.get("type") == "post-roll" for s in t.steps
    ),
    "skipped ad": lambda t: "ad_skipped" in calls(t),
    "pause in an ad": paused_in_an_ad,
    "stall": lambda t: (
        "waiting" in calls(t)[calls(t).index("playing") + 1 :] if "playing" in calls(t) else False
    ),
    "seek": lambda t: "seeked" in calls(t),
    "scrub": scrubs,
    "seek while paused": seek_while_paused,
    "interruption": lambda t: "interrupt" in calls(t),
    "quality": lambda t: "quality" in calls(t),
    "rate change": lambda t: "rate_change" in calls(t),
    "exit midway": lambda t: "exit" in calls(t) and "ended" not in calls(t),
    "played to the end": lambda t: "ended" in calls(t),
    "playlist": lambda t: "content_start" in calls(t),
    "livestream": lambda t: t.to_dict()["session"]["livestream"],
    "anonymous viewer": lambda t: "anonymous_id" in t.to_dict()["tracker"],
}


def _seen(strategy: Any, checks: dict[str, Callable[[Any], bool]]) -> set[str]:
    """Which checks some of 300 drawn examples pass (no shrinking: a quick census)."""
    seen: set[str] = set()

    @SURVEY
    @given(strategy)
    def survey(example: Any) -> None:
        seen.update(name for name, check in checks.items() if check(example))

    survey()
    return seen


def test_sensible_sessions_reach_every_feature() -> None:
    assert set(FEATURES) - _seen(sessions(), FEATURES) == set()


def test_every_sensible_session_is_a_timeline_the_core_accepts() -> None:
    assert _seen(sessions(), {"loads": lambda t: bool(load_timeline(t.to_dict()))}) == {"loads"}


def _has(kind: Callable[[Any], bool]) -> Callable[[TimelineBuilder], bool]:
    def check(timeline: TimelineBuilder) -> bool:
        return any(
            kind(value)
            for step in timeline.steps
            for key, value in step.items()
            if key not in ("at", "call")
        )

    return check


ODD_VALUES: dict[str, Callable[[TimelineBuilder], bool]] = {
    "None": _has(lambda v: v is None),
    "NaN": _has(lambda v: isinstance(v, float) and math.isnan(v)),
    "inf": _has(lambda v: v == math.inf),
    "-inf": _has(lambda v: v == -math.inf),
    "negative": _has(lambda v: isinstance(v, (int, float)) and v < 0),
    "huge": _has(lambda v: isinstance(v, (int, float)) and 1e6 <= v < math.inf),
    "out of order": lambda t: bool(t.steps) and t.steps[0]["call"] != "play",
}


def test_nonsense_sessions_send_odd_values_out_of_order() -> None:
    assert set(ODD_VALUES) - _seen(nonsense_sessions(), ODD_VALUES) == set()


def test_odd_numbers_and_timelines_draw_both_kinds() -> None:
    odd = {
        "None": lambda v: v is None,
        "NaN": lambda v: isinstance(v, float) and math.isnan(v),
        "infinite": lambda v: isinstance(v, float) and math.isinf(v),
        "negative": lambda v: v is not None and v < 0,
        "plain": lambda v: v is not None and 0 <= v <= 1000,
    }
    assert _seen(odd_numbers(), odd) == set(odd)
    kinds = {
        "sensible": lambda t: t.to_dict()["tracker"].get("video_player") == "hypothesis",
        "nonsense": lambda t: "video_player" not in t.to_dict()["tracker"],
    }
    assert _seen(timelines(), kinds) == set(kinds)


def test_a_missing_hypothesis_is_a_clear_import_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "hypothesis", None)
    monkeypatch.setitem(sys.modules, "hypothesis.strategies", None)
    monkeypatch.delitem(sys.modules, "playhead.testing.strategies")
    with pytest.raises(ImportError, match=r"pip install 'playhead\[testing\]'"):
        importlib.import_module("playhead.testing.strategies")
