"""Timed windows of a session: heartbeat and quartile tickers, a held trigger, the idle watch.

Each owns its timer (a stale firing finds no timer, or one not yet due, and does nothing); the
session gives the callback (one that holds the session weakly) and decides what a due timer
means.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Protocol

from playhead.clock import Clock, Timer

__all__ = [
    "KEEP_HOLD",
    "NO_HOLD",
    "NO_IDLE_WATCH",
    "NO_TICKER",
    "Hold",
    "IdleWatch",
    "Ticker",
    "Wake",
]


class Ticker:
    """One timer that is started, re-armed and stopped, and knows whether a firing is current.

    A firing is stale when the ticker was stopped or re-armed while that timer was already
    running (on the scheduler thread): the ticker then holds no timer, or one not yet due.
    """

    __slots__ = ("timer",)

    def __init__(self) -> None:
        self.timer: Timer | None = None

    def start(self, clock: Clock, due: float, callback: Callable[[], None]) -> None:
        """Call ``callback()`` at ``due`` (replacing any pending firing)."""
        if self.timer is not None:
            self.timer.cancel()
        self.timer = clock.call_at(due, callback)

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def current(self, now: float) -> bool:
        """Whether a firing at ``now`` is this ticker's pending one (not a stale one)."""
        timer = self.timer
        return timer is not None and now >= timer.due


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

    def hold_for(
        self, trigger: str, clock: Clock, window: float, callback: Callable[[], None]
    ) -> None:
        """Hold ``trigger`` from now for ``window`` seconds; ``callback()`` when they pass."""
        now = clock.monotonic()
        self.hold(trigger, now, clock.now())
        self.start(clock, now + window, callback)

    def release_before(self, call: str) -> bool:
        """Settle the held trigger for the raw callback ``call``: True when it must be
        released before ``call`` runs (it is dropped when ``call`` makes it void)."""
        verdict = self.settle(call)
        if verdict == "drop":
            self.drop()
        return verdict == "release"

    def take(self) -> tuple[str, float, float] | None:
        """The held trigger, when it was called and its wall time; the hold is emptied."""
        trigger = self.trigger
        if trigger is None:
            return None
        self.drop()
        return trigger, self.at, self.wall

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

    def watch(self, clock: Clock, now: float, callback: Callable[[], None]) -> None:
        """Idle from ``now``: ``callback()`` when the timeout may have passed."""
        due = self.entered(now)
        if due is not None:
            self.timer = clock.call_at(due, callback)

    def timed_out(self, clock: Clock, idle: bool, callback: Callable[[], None]) -> bool:
        """The timer fired: True when the timeout has passed (else it is re-armed, or not)."""
        due = self.fired(clock.monotonic(), idle)
        if due is not None and due != 0.0:
            self.timer = clock.call_at(due, callback)
        return due == 0.0

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


# What a session holds until it first needs a window of its own: shared, never changed (most
# sessions never hold a trigger, and many never pause or see an ad's quartiles).
NO_TICKER = Ticker()
NO_HOLD = Hold()
NO_IDLE_WATCH = IdleWatch(None)


class Timed(Protocol):
    """What a session's timers call back: one method per kind of timer."""

    def _on_heartbeat(self) -> None: ...
    def _on_quartile(self) -> None: ...
    def _on_hold_timeout(self) -> None: ...
    def _on_idle_timeout(self) -> None: ...


class Wake(weakref.ref[Timed]):
    """What a session's timers hold: a weak reference, so no timer keeps a session alive.

    One per session, made when it first needs a timer. It is the heartbeat callback itself, so
    a heartbeat re-arm allocates nothing; the rarer timers call its other methods. A session
    that the application dropped is collected (and ends with Exited) instead of living on
    through its timers. It IS the weak reference (a subclass with no fields of its own): one
    object per session, not a holder and its reference, for the memory and for the garbage
    collector, which walks every one of them.
    """

    __slots__ = ()

    def owner(self) -> Timed | None:
        """The session, or None once it has been collected."""
        return _referent(self)

    def __call__(self) -> None:
        owner = _referent(self)
        if owner is not None:
            owner._on_heartbeat()

    def quartile(self) -> None:
        owner = _referent(self)
        if owner is not None:
            owner._on_quartile()

    def hold(self) -> None:
        owner = _referent(self)
        if owner is not None:
            owner._on_hold_timeout()

    def idle(self) -> None:
        owner = _referent(self)
        if owner is not None:
            owner._on_idle_timeout()


# The reference's own call, which the subclass's __call__ (the heartbeat) overrides.
_referent: Callable[[Wake], Timed | None] = weakref.ref.__call__
