"""Hypothesis strategies for playback timelines, for property tests of player integrations.

- :func:`sessions`: sensible sessions, as a player would drive them: pre-, mid- and post-roll
  breaks (ads played, paused or skipped), pauses, stalls, seeks (also while paused), scrubs,
  interruptions, quality, volume, fullscreen and playback-rate changes, playlists, livestreams,
  and an exit midway or a play to the end.
- :func:`nonsense_sessions`: callbacks in random order with random values, None, NaN,
  infinities, negative and huge numbers included: what a buggy player may send.
- :func:`timelines`: either.

Each draws a :class:`~playhead.testing.builder.TimelineBuilder`: ``.run()`` replays it,
``.to_dict()`` / ``.to_json()`` give the JSON timeline, and its repr is Python that rebuilds it,
so a failing example can be pasted into a regression test. Needs hypothesis
(``pip install 'playhead[testing]'``).

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "playhead.testing.strategies needs hypothesis, an optional dependency of playhead: "
        "pip install 'playhead[testing]'"
    ) from error

from playhead.testing.builder import CALLBACKS, TimelineBuilder

__all__ = ["nonsense_sessions", "odd_numbers", "sessions", "timelines"]

_METHODS = ("device lock", "phone call", "network loss", "app backgrounded")


def odd_numbers() -> st.SearchStrategy[Any]:
    """Values a buggy player sends where a number belongs: None, NaN, +-inf, negative, huge.

    .. versionadded:: 0.1
    """
    return st.one_of(
        st.none(),
        st.just(math.nan),
        st.just(math.inf),
        st.just(-math.inf),
        st.floats(min_value=-1e6, max_value=-1e-3),
        st.floats(min_value=1e6, max_value=1e12),
        st.integers(min_value=0, max_value=1000),
        st.floats(min_value=0, max_value=1000, allow_nan=False),
    )


class _Player:
    """Drives a TimelineBuilder the way a well-behaved player would."""

    def __init__(self, draw: Any, builder: TimelineBuilder, every: float) -> None:
        self.draw = draw
        self.b = builder
        self.every = every
        self.paused = False
        self.exited = False

    def wait(self, low: float = 0.1, high: float = 5.0) -> None:
        self.b.advance(self.draw(st.floats(min_value=low, max_value=high)))

    def play_break(self, pod_id: str, ads: list[dict[str, Any]], kind: str) -> None:
        b, draw = self.b, self.draw
        b.ad_break_start(pod_id, type=kind)
        for ad in ads:
            length = float(ad["total_length"])
            b.ad_start(ad["asset_id"])
            fate = draw(st.sampled_from(["watch", "watch", "watch", "skip", "pause", "exit"]))
            if fate == "skip":
                b.watch_ad(draw(st.floats(min_value=0.25, max_value=length - 0.25)), self.every)
                b.ad_skipped()
                continue
            if fate == "exit":
                b.watch_ad(draw(st.floats(min_value=0.25, max_value=length - 0.25)), self.every)
                b.exit()
                self.exited = True
                return
            if fate == "pause":
                first = draw(st.floats(min_value=0.25, max_value=length - 0.25))
                b.watch_ad(first, self.every)
                b.pause()
                self.wait()
                b.playing()
                b.watch_ad(length - first, self.every)
            else:
                b.watch_ad(length, self.every)
            b.ad_end()
        b.ad_break_end()
        self.wait(0.05, 0.5)

    def watch(self, content_seconds: float) -> None:
        """Frames advance until the content playhead moved ``content_seconds``, at the rate."""
        self.b.watch(content_seconds / self.b.rate, self.every)

    def resume(self) -> None:
        if self.paused:
            self.wait()
            self.b.playing()
            self.paused = False

    def action(self, length: float | None) -> None:
        """One thing a viewer or the network does while content plays."""
        b, draw = self.b, self.draw
        kind = draw(
            st.sampled_from(
                ["pause", "stall", "seek", "scrub", "quality", "volume", "fullscreen", "interrupt"]
                + ["rate"]
                + ([] if length is None else ["seek_paused"])
            )
        )
        if kind == "pause":
            b.pause()
            self.paused = True
            self.resume()
        elif kind == "stall":
            b.waiting()
            self.wait(0.2, 8.0)
            b.playing()
        elif kind in ("seek", "seek_paused", "scrub"):
            if length is None:  # a livestream: seek back in the DVR window
                target = draw(st.floats(min_value=0, max_value=max(0.0, b.position)))
            else:
                target = draw(st.floats(min_value=0, max_value=max(0.0, length - 1)))
            if kind == "seek_paused":
                b.pause()
                self.paused = True
                self.wait(0.2, 2.0)
            b.seeking(to=target)
            if kind == "scrub":
                for _ in range(draw(st.integers(min_value=1, max_value=5))):
                    b.advance(draw(st.floats(min_value=0.02, max_value=0.3)))
                    upper = b.position + 60 if length is None else length - 1
                    target = draw(st.floats(min_value=0, max_value=max(0.0, upper)))
                    b.seeking(to=target)
            if draw(st.booleans()):
                b.waiting()  # the seek's own buffering: not a rebuffer
            self.wait(0.05, 2.0)
            b.seeked()  # frames advance again at once, or stay paused
            self.resume()
        elif kind == "quality":
            b.quality(
                bitrate=draw(st.sampled_from([800, 1500, 2500, 4500, 8000])),
                framerate=draw(st.sampled_from([24, 25, 30, 60])),
                dropped_frames=draw(st.integers(min_value=0, max_value=50)),
            )
        elif kind == "volume":
            b.volume(draw(st.integers(min_value=0, max_value=100)))
        elif kind == "fullscreen":
            b.fullscreen(draw(st.booleans()))
        elif kind == "rate":
            b.rate_change(draw(st.sampled_from([0.5, 1.0, 1.25, 1.5, 2.0])))
        elif kind == "interrupt":
            b.interrupt(draw(st.sampled_from(_METHODS)))
            self.wait(0.5, 10.0)
            b.playing()


def _ads(draw: Any, prefix: str) -> list[dict[str, Any]]:
    count = draw(st.integers(min_value=1, max_value=3))
    return [
        {
            "asset_id": f"{prefix}-ad{i + 1}",
            "total_length": draw(st.sampled_from([5, 6, 10, 15, 20, 30])),
        }
        for i in range(count)
    ]


@st.composite
def sessions(
    draw: Any,
    *,
    ads: bool = True,
    playlists: bool = True,
    livestreams: bool = True,
    max_actions: int = 6,
    max_length: int = 120,
    exit_after_end: bool = True,
) -> TimelineBuilder:
    """Sensible sessions, as a well-behaved player drives them.

    ``ads``, ``playlists`` and ``livestreams`` allow those features; ``max_actions`` bounds the
    viewer's actions per item (pauses, seeks...); ``max_length`` the seconds of each item.
    With ``exit_after_end`` some sessions that completed also get an ``exit()`` after the end
    (a viewer closing the player), which must emit nothing.

    .. versionadded:: 0.1
    """
    live = livestreams and draw(st.integers(min_value=0, max_value=9)) == 0
    items = 1 if live or not playlists else draw(st.integers(min_value=1, max_value=3))
    lengths = [draw(st.integers(min_value=10, max_value=max_length)) for _ in range(items)]
    content: list[dict[str, Any]] = []
    for i, length in enumerate(lengths):
        item: dict[str, Any] = {"asset_id": f"c{i + 1}", "pod_id": f"cp{i + 1}"}
        if live:
            item["livestream"] = True
        else:
            item["total_length"] = length
        content.append(item)
    breaks: dict[str, list[dict[str, Any]]] = {}
    if ads:
        for kind in ("pre-roll", "mid-roll") if live else ("pre-roll", "mid-roll", "post-roll"):
            if draw(st.booleans()):
                breaks[kind] = _ads(draw, kind.split("-")[0])
    identity = draw(st.sampled_from([{"user_id": "u1"}, {"anonymous_id": "anon-1"}]))
    builder = TimelineBuilder(
        content=content,
        ad_breaks=[
            {"pod_id": kind.split("-")[0], "type": kind, "ads": break_ads}
            for kind, break_ads in breaks.items()
        ],
        livestream=live,
        heartbeat_interval=draw(st.sampled_from([0, 2, 5, 10])),
        video_player="hypothesis",
        **identity,
    )
    player = _Player(draw, builder, every=draw(st.sampled_from([0.25, 1.0, 2.0])))
    builder.play()
    player.wait(0.05, 2.0)
    if "pre-roll" in breaks:
        player.play_break("pre", breaks["pre-roll"], "pre-roll")
        if player.exited:
            return builder
    if draw(st.booleans()):
        builder.waiting()  # startup buffering: not a rebuffer
        player.wait(0.1, 3.0)
    for index, length in enumerate(lengths):
        if index > 0:
            builder.content_start(f"c{index + 1}")
            player.wait(0.05, 1.0)
        builder.playing(0)
        mid_at = (
            draw(st.floats(min_value=1, max_value=length - 1))
            if index == 0 and "mid-roll" in breaks
            else None
        )
        stop = float(length) if not live else draw(st.floats(min_value=5, max_value=length))
        for _ in range(draw(st.integers(min_value=0, max_value=max_actions))):
            room = stop - builder.position
            if room <= 0.5:
                break
            span = draw(st.floats(min_value=0.25, max_value=room - 0.25))
            if mid_at is not None and builder.position < mid_at <= builder.position + span:
                player.watch(mid_at - builder.position)
                player.play_break("mid", breaks["mid-roll"], "mid-roll")
                if player.exited:
                    return builder
                builder.playing()
                mid_at = None
                continue
            player.watch(span)
            if draw(st.integers(min_value=0, max_value=14)) == 0:
                builder.exit()
                return builder
            player.action(None if live else float(length))
        if live:
            builder.exit()
            return builder
        player.watch(max(0.0, length - builder.position))
        builder.ended()
    if "post-roll" in breaks:
        player.play_break("post", breaks["post-roll"], "post-roll")
        if player.exited:
            return builder
    if exit_after_end and draw(st.booleans()):
        player.wait(0.1, 3.0)
        builder.exit()  # after the end: must emit nothing more
    return builder


def _nonsense_step(draw: Any, builder: TimelineBuilder, names: list[str]) -> None:
    name = draw(st.sampled_from(sorted(CALLBACKS)))
    arguments: dict[str, Any] = {}
    for argument in CALLBACKS[name]:
        if argument in ("asset_id", "pod_id"):
            arguments[argument] = draw(st.sampled_from([*names, "unknown", ""]))
        elif argument == "method":
            arguments[argument] = draw(st.one_of(st.none(), st.sampled_from(_METHODS)))
        elif argument == "on":
            arguments[argument] = draw(st.booleans())
        elif argument == "position" and name not in ("time_update", "ad_time_update"):
            if draw(st.booleans()):
                arguments[argument] = draw(odd_numbers())
        else:
            arguments[argument] = draw(odd_numbers())
    builder.call(name, **arguments)


@st.composite
def nonsense_sessions(draw: Any, *, max_steps: int = 40) -> TimelineBuilder:
    """Callbacks in random order with random, often invalid, values (None, NaN, inf, < 0).

    A tracker must survive all of them: no exception, every payload valid, the event
    invariants kept.

    .. versionadded:: 0.1
    """
    builder = TimelineBuilder(
        content=[{"asset_id": "c1", "total_length": 60}, {"asset_id": "c2", "total_length": 30}],
        ad_breaks=[
            {"pod_id": "pre", "type": "pre-roll", "ads": [{"asset_id": "a1", "total_length": 10}]},
            {"pod_id": "mid", "type": "mid-roll", "ads": [{"asset_id": "a2", "total_length": 8}]},
        ],
        heartbeat_interval=draw(st.sampled_from([0, 3, 10])),
        user_id="u1",
    )
    names = ["c1", "c2", "pre", "mid", "a1", "a2"]
    for _ in range(draw(st.integers(min_value=0, max_value=max_steps))):
        builder.advance(draw(st.sampled_from([0.0, 0.1, 0.5, 1.0, 3.0, 10.0, 30.0])))
        _nonsense_step(draw, builder, names)
    builder.advance(draw(st.sampled_from([0.0, 10.0, 60.0])))
    return builder


def timelines(**options: Any) -> st.SearchStrategy[TimelineBuilder]:
    """Sensible or nonsense sessions (``options`` go to :func:`sessions`).

    .. versionadded:: 0.1
    """
    return st.one_of(sessions(**options), nonsense_sessions())
