"""Time: the Clock protocol, the real clock, and FakeClock.

A session asks its clock two things: what time it is (``now()``, wall-clock seconds since the
epoch, for event timestamps; ``monotonic()``, for durations) and to call it back later
(``call_at``), which is how heartbeats and clock-driven quartiles fire when the player sends no
time updates. The real clock runs every session's timers on ONE daemon thread (``_scheduler``);
the fake clock runs them inside :meth:`FakeClock.advance`, in due order, with time set to each
timer's due time.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Protocol, runtime_checkable

from playhead._scheduler import SCHEDULER, Timer, reusable, run

__all__ = ["Clock", "FakeClock", "SystemClock", "Timer", "format_timestamp", "parse_timestamp"]


@runtime_checkable
class Clock(Protocol):
    """What a tracker needs from time. Implement it to drive sessions from your own loop."""

    def now(self) -> float:
        """Wall-clock time, seconds since the epoch (event timestamps)."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (durations, due times)."""
        ...

    def call_at(self, due: float, callback: Callable[[], None]) -> Timer:
        """Run ``callback`` once when ``monotonic()`` reaches ``due``; return its Timer."""
        ...


class _TimerHeap:
    """Due-ordered timers; ties run in the order they were scheduled.

    A cancelled timer is not searched for (that would be O(n)); it is counted, skipped when it
    reaches the top, and when more than half of the heap is cancelled the heap is rebuilt
    without them, so a session that pauses and resumes often leaves no trail of dead timers.
    (``cancelled`` is bumped by :meth:`Timer.cancel` from any thread without a lock: a count
    lost to a race only delays a rebuild, which recounts from scratch.)
    """

    __slots__ = ("_counter", "_heap", "cancelled")

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Timer]] = []
        self._counter = itertools.count()
        self.cancelled = 0

    def push(self, timer: Timer) -> None:
        timer._heap = self
        heap = self._heap
        if self.cancelled > 64 and self.cancelled * 2 > len(heap):
            self._rebuild()
        heapq.heappush(heap, (timer.due, next(self._counter), timer))

    def _rebuild(self) -> None:
        live = [entry for entry in self._heap if not entry[2].cancelled]
        heapq.heapify(live)
        self._heap[:] = live
        self.cancelled = 0

    def next_due(self) -> float | None:
        heap = self._heap
        while heap and heap[0][2].cancelled:
            heapq.heappop(heap)[2]._heap = None
            if self.cancelled > 0:
                self.cancelled -= 1
        return heap[0][0] if heap else None

    def pop_due(self, now: float) -> Timer | None:
        due = self.next_due()
        if due is None or due > now:
            return None
        timer = heapq.heappop(self._heap)[2]
        timer._heap = None  # it runs now: cancelling it from here on changes no count
        return timer

    @property
    def size(self) -> int:
        """Entries held, cancelled ones included (what the rebuild keeps in check)."""
        return len(self._heap)

    def __len__(self) -> int:
        return sum(1 for _, _, t in self._heap if not t.cancelled)


def rearmer(clock: Clock) -> Callable[[Timer, float, Callable[[], None]], Timer]:
    """How to call ``callback`` again at ``due`` through ``clock``, re-arming ``timer`` itself
    when it has run.

    What a heartbeat does every 10 s: on the built-in clocks the session keeps one Timer for
    good instead of a new one per beat (each of which lived long enough to reach the garbage
    collector's oldest generation and bring on its full collections sooner). Other clocks get
    a plain ``call_at``. A tracker looks it up once, not per beat.
    """
    rearm: Callable[[Timer, float, Callable[[], None]], Timer] | None = getattr(
        clock, "_rearm", None
    )
    if rearm is not None:
        return rearm
    return lambda _timer, due, callback: clock.call_at(due, callback)


class SystemClock:
    """The real clock. All instances share one scheduler thread, started on first use.

    .. versionadded:: 0.1
    """

    __slots__ = ()

    # The functions themselves, not methods that call them: a session reads the clock several
    # times per callback and a heartbeat re-arms through ``_rearm``; each wrapper was a frame.
    now = staticmethod(time.time)
    monotonic = staticmethod(time.monotonic)
    call_at = staticmethod(SCHEDULER.call_at)
    _rearm = staticmethod(SCHEDULER.rearm)

    def __repr__(self) -> str:
        return "SystemClock()"


def parse_timestamp(value: str | float | datetime) -> float:
    """Seconds since the epoch from an ISO-8601 string, a datetime or a number."""
    if isinstance(value, bool):
        raise ValueError(f"not a timestamp: {value!r}")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.timestamp()
    raise ValueError(f"not a timestamp: {value!r}")


# (milliseconds since the epoch, its text) of the last call, and (second, date part) of the
# last second: events come in bursts, often several within one millisecond.
_last_ms: list[tuple[int, str]] = [(-1, "")]
_last_second: list[tuple[int, str]] = [(-1, "")]


def format_timestamp(epoch: float) -> str:
    """ISO-8601 in UTC with milliseconds and a ``Z``: ``2024-01-15T10:30:00.000Z``."""
    total = round(epoch * 1000)
    cached = _last_ms[0]
    if cached[0] == total:
        return cached[1]
    seconds, ms = divmod(total, 1000)
    cached_second, prefix = _last_second[0]
    if seconds != cached_second:
        prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
        _last_second[0] = (seconds, prefix)
    text = f"{prefix}.{ms:03d}Z"
    _last_ms[0] = (total, text)
    return text


DEFAULT_START = "2024-01-15T10:30:00Z"


class FakeClock:
    """A clock that moves only when told to, firing due timers on the way.

    ``FakeClock(start="2024-01-15T10:30:00Z")``; ``advance(seconds)`` or ``advance_to(t)``, where
    ``t`` counts seconds from the start. Timers run in due order with the clock set to their due
    time, so a heartbeat due at 10 s has a timestamp of exactly start + 10 s. Not thread-safe:
    one test thread drives it.

    .. versionadded:: 0.1
    """

    __slots__ = ("_elapsed", "_start", "_timers")

    def __init__(self, start: str | float | datetime = DEFAULT_START) -> None:
        self._start = parse_timestamp(start)
        self._elapsed = 0.0
        self._timers = _TimerHeap()

    @property
    def elapsed(self) -> float:
        """Seconds since the start."""
        return self._elapsed

    def now(self) -> float:
        return self._start + self._elapsed

    def monotonic(self) -> float:
        return self._elapsed

    def call_at(self, due: float, callback: Callable[[], None]) -> Timer:
        timer = Timer(due, callback)
        self._timers.push(timer)
        return timer

    def _rearm(self, timer: Timer, due: float, callback: Callable[[], None]) -> Timer:
        if not reusable(timer):
            return self.call_at(due, callback)
        timer.due, timer.callback, timer.cancelled = due, callback, False
        self._timers.push(timer)
        return timer

    def advance(self, seconds: float) -> None:
        """Move forward by ``seconds``, running every timer that falls due."""
        if seconds < 0:
            raise ValueError(f"a clock does not go back: advance({seconds!r})")
        self.advance_to(self._elapsed + seconds)

    def advance_to(self, elapsed: float) -> None:
        """Move forward to ``elapsed`` seconds after the start, running due timers."""
        if elapsed < self._elapsed:
            raise ValueError(f"a clock does not go back: {elapsed!r} < {self._elapsed!r}")
        while True:
            timer = self._timers.pop_due(elapsed)
            if timer is None:
                break
            self._elapsed = max(self._elapsed, timer.due)
            run(timer)
        self._elapsed = elapsed

    @property
    def pending(self) -> int:
        """How many timers are waiting."""
        return len(self._timers)

    def __repr__(self) -> str:
        return f"FakeClock(now={format_timestamp(self.now())!r})"
