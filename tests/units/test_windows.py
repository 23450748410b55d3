"""Tickers, held triggers and the idle watch, on a fake clock."""

from __future__ import annotations

import gc

import playhead
from playhead.clock import rearmer
from playhead.windows import Hold, IdleWatch, Ticker, Wake


def test_a_ticker_fires_once_per_start_and_never_after_stop() -> None:
    clock = playhead.FakeClock()
    fired: list[float] = []
    ticker = Ticker()
    ticker.start(clock, 5, lambda: fired.append(clock.monotonic()))
    assert ticker.timer is not None
    assert ticker.timer.due == 5
    assert not ticker.current(4)  # not due yet: a firing now would be a stale one
    clock.advance(5)
    assert fired == [5]
    assert ticker.current(5)
    ticker.start(clock, 10, lambda: fired.append(clock.monotonic()))
    ticker.stop()
    clock.advance(10)
    assert fired == [5]
    assert not ticker.current(15)


def test_a_ticker_re_arms_the_timer_that_ran() -> None:
    clock = playhead.FakeClock()
    fired: list[float] = []

    def beat() -> None:
        fired.append(clock.monotonic())
        assert ticker.timer is not None
        ticker.timer = rearm(ticker.timer, ticker.timer.due + 10, beat)

    rearm = rearmer(clock)
    ticker = Ticker()
    ticker.start(clock, 10, beat)
    first = ticker.timer
    clock.advance(35)
    assert fired == [10, 20, 30]
    assert ticker.timer is first  # one Timer object for good
    assert clock.pending == 1


def test_a_wake_holds_its_owner_weakly() -> None:
    calls: list[str] = []

    class Owner:
        def _on_heartbeat(self) -> None:
            calls.append("heartbeat")

        def _on_quartile(self) -> None:
            calls.append("quartile")

        def _on_hold_timeout(self) -> None:
            calls.append("hold")

        def _on_idle_timeout(self) -> None:
            calls.append("idle")

    owner = Owner()
    wake = Wake(owner)
    wake()
    wake.quartile()
    wake.hold()
    wake.idle()
    assert calls == ["heartbeat", "quartile", "hold", "idle"]
    del owner
    gc.collect()
    wake()
    assert calls == ["heartbeat", "quartile", "hold", "idle"]


def test_a_held_seek_joins_the_next_step_and_waits_for_frames() -> None:
    hold = Hold()
    hold.hold("seek_end", now=3.0, wall=1000.0)
    assert (hold.trigger, hold.at, hold.wall) == ("seek_end", 3.0, 1000.0)
    assert hold.settle("seeking") == "drop"
    assert hold.settle("playing") == "keep"
    assert hold.settle("time_update") == "keep"
    assert hold.settle("waiting") == "release"
    assert hold.settle("pause") == "release"
    hold.drop()
    assert hold.trigger is None


def test_a_held_pause_is_dropped_by_ended_and_released_by_anything_else() -> None:
    hold = Hold()
    hold.hold("pause", now=0.0, wall=0.0)
    assert hold.settle("ended") == "drop"
    assert hold.settle("volume") == "keep"
    assert hold.settle("seeking") == "release"


def test_the_idle_watch_arms_one_timer_and_rearms_while_idle() -> None:
    idle = IdleWatch(timeout=60)
    assert idle.entered(10) == 70
    idle.timer = playhead.FakeClock().call_at(70, lambda: None)
    assert idle.entered(50) is None  # already armed: re-checked when it fires
    assert idle.fired(70, idle=True) == 110  # idle since 50: not yet
    assert idle.fired(110, idle=True) == 0.0
    assert idle.fired(110, idle=False) is None
    assert IdleWatch(timeout=None).entered(0) is None
