"""Playback, the rule table's model, derives events without sending or scheduling anything."""

from __future__ import annotations

from typing import Any

from playhead._dispatch import DISPATCH
from playhead.clock import FakeClock
from playhead.payload import Event
from playhead.playback import Playback
from playhead.playlist import Playlist
from playhead.properties import PlaybackProperties


def fire(core: Playback, trigger: str) -> list[tuple[str, dict[str, Any]]]:
    """What a driver does around a trigger, without the driver: the events come back."""
    core.from_ = core.state
    out: list[tuple[str, dict[str, Any]]] = []
    core.out = out
    assert DISPATCH.trigger(core, trigger)
    core.out = None
    return out


def playback(clock: FakeClock, interval: float = 10.0) -> Playback:
    playlist = Playlist([{"asset_id": "c1", "total_length": 60}], [], False)
    return Playback(
        clock, interval, "s1", playlist, PlaybackProperties({"video_player": "test"}, playlist.live)
    )


def test_events_come_back_in_order_and_nothing_is_scheduled() -> None:
    clock = FakeClock()
    core = playback(clock)
    assert [name for name, _ in fire(core, "request_play")] == [Event.PLAYBACK_STARTED]
    assert [name for name, _ in fire(core, "frames")] == [Event.CONTENT_STARTED]
    assert core.frames_at == clock.monotonic()  # the driver arms the heartbeat from here
    assert clock.pending == 0
    clock.advance(5)
    core.freeze(clock.monotonic(), True, False)
    ((name, props),) = fire(core, "pause")
    assert (name, props["position"], props["video_player"]) == (Event.PAUSED, 5, "test")
    core.frames_at = None
    resumed = fire(core, "frames")
    # A heartbeat at the instant of the resume (Segment's Video Spec, "Resuming playback").
    assert [name for name, _ in resumed] == [Event.RESUMED, Event.CONTENT_PLAYING]
    assert clock.pending == 0


def test_a_heartbeat_and_a_quartile_are_derived_when_the_driver_says_they_are_due() -> None:
    clock = FakeClock()
    core = playback(clock)
    fire(core, "request_play")
    fire(core, "frames")
    core.next = ("a1", {"total_length": 20})
    assert [name for name, _ in fire(core, "ad_begin")] == [Event.AD_STARTED]
    assert core.quartile_due(clock.monotonic()) == clock.monotonic() + 5  # a quarter of 20 s
    clock.advance(5)
    core.out = out = []
    core.quartile()
    core.out = None
    ((name, props),) = out
    assert (name, props["quartile"], props["position"]) == (Event.AD_PLAYING, 1, 5)
    core.out = out = []
    core.heartbeat()  # at the same instant: no second Ad Playing
    core.out = None
    assert out == []
    clock.advance(5)
    core.out = out = []
    core.heartbeat()  # a quarter later: the heartbeat carries the quartile
    core.out = None
    assert [props.get("quartile") for _, props in out] == [2]
