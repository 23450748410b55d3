"""Timed windows of a session: heartbeat and quartile tickers, a held trigger, the idle watch.

Each owns its timer and generation (a stale timer finds its generation moved on and does
nothing); the session gives the callback and decides what a due timer means.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from playhead.clock import Clock, Timer

__all__ = ["KEEP_HOLD", "Hold", "IdleWatch", "Ticker"]


class Ticker:
    """One repeating or one-shot timer: start, stop, and whether a firing is current."""

    __slots__ = ("generation", "timer")

    def __init__(self) -> None:
        self.timer: Timer | None = None
        self.generation = 0

    def start(self, clock: Clock, due: float, callback: Callable[[int], None]) -> None:
        """Call ``callback(generation)`` at ``due`` (replacing any pending firing)."""
        self.generation += 1
        self.timer = clock.call_at(due, functools.partial(callback, self.generation))

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.generation += 1

    def current(self, generation: int) -> bool:
        return generation == self.generation

    def due(self, default: float) -> float:
        """When the pending firing was due (the base of the next one: no drift)."""
        return self.timer.due if self.timer is not None else default


#: Callbacks that report something alongside (positions, quality): they leave a hold as it is.
KEEP_HOLD = frozenset(
    {"time_update", "ad_time_update", "quality", "volume", "fullscreen", "rate_change"}
)


class Hold(Ticker):
    """A trigger held back for a short window, because what comes next may change its meaning.

    ``seek_end`` (a ``seeked()``): the next drag step of a scrub joins the same seek.
    ``pause`` at the end of the content: the ``ended()`` that follows makes it no pause.
    """

    __slots__ = ("at", "trigger", "wall")

    def __init__(self) -> None:
        super().__init__()
        self.trigger: str | None = None
        self.at = 0.0  # monotonic time of the held call
        self.wall = 0.0  # its wall time: the events it releases carry it

    def hold(self, trigger: str, now: float, wall: float) -> None:
        self.stop()
        self.trigger = trigger
        self.at = now
        self.wall = wall

    def drop(self) -> None:
        self.trigger = None
        self.stop()

    def settle(self, call: str) -> str:
        """What the raw callback ``call`` does to the held trigger: keep, drop or release."""
        if call in KEEP_HOLD:
            return "keep"
        if self.trigger == "seek_end":
            if call == "seeking":
                return "drop"  # the next step of a scrub: the same seek goes on
            if call == "playing":
                return "keep"  # frames advance: the seek lands with them
        elif call == "ended":
            return "drop"  # the player's pause at the end is the end, not the viewer's
        return "release"


class IdleWatch:
    """How long the session has been idle (paused, stalled, interrupted), with one timer."""

    __slots__ = ("idled", "since", "timeout", "timer")

    def __init__(self, timeout: float | None) -> None:
        self.timeout = timeout
        self.since = 0.0
        self.timer: Timer | None = None
        self.idled = False  # the session ended by the idle timeout

    def entered(self, now: float) -> float | None:
        """Idle from ``now``: the due time to arm a timer for, or None (armed, or off)."""
        self.since = now
        if self.timer is not None or self.timeout is None:
            return None
        return now + self.timeout

    def fired(self, now: float, idle: bool) -> float | None:
        """The timer fired: 0.0 when the timeout has passed, a new due time, or None."""
        self.timer = None
        if not idle or self.timeout is None:
            return None
        due = self.since + self.timeout
        return 0.0 if now >= due - 1e-9 else due

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
