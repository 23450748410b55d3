"""Time: the Clock protocol, the real clock with its one scheduler thread, and FakeClock.

A session asks its clock two things: what time it is (``now()``, wall-clock seconds since the
epoch, for event timestamps; ``monotonic()``, for durations) and to call it back later
(``call_at``), which is how heartbeats and clock-driven quartiles fire when the player sends no
time updates. The real clock runs every session's timers on ONE daemon thread; the fake clock
runs them inside :meth:`FakeClock.advance`, in due order, with time set to each timer's due time.
"""

from __future__ import annotations

import heapq
import itertools
import math
import os
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Protocol, runtime_checkable

from playhead._logging import get_logger

__all__ = ["Clock", "FakeClock", "SystemClock", "Timer", "format_timestamp", "parse_timestamp"]

log = get_logger("playhead.clock")


class Timer:
    """A pending call; :meth:`cancel` makes sure it never runs."""

    __slots__ = ("_heap", "callback", "cancelled", "due")

    def __init__(self, due: float, callback: Callable[[], None]) -> None:
        self.due = due
        self.callback: Callable[[], None] | None = callback
        self.cancelled = False
        # the heap or wheel holding it, told of its cancellation
        self._heap: _TimerHeap | _TimerWheel | None = None

    def cancel(self) -> None:
        if self.cancelled:
            return
        self.cancelled = True
        self.callback = None
        heap = self._heap
        if heap is not None:
            heap.cancelled += 1


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


def _reusable(timer: Timer) -> bool:
    """A timer that has run (or was cancelled and dropped) and that no heap or wheel holds."""
    return timer.cancelled and timer._heap is None


def call_again(clock: Clock, timer: Timer, due: float, callback: Callable[[], None]) -> Timer:
    """``clock.call_at(due, callback)``, re-arming ``timer`` itself when it has run.

    What a heartbeat does every 10 s: on the built-in clocks the session keeps one Timer for
    good instead of a new one per beat (each of which lived long enough to reach the garbage
    collector's oldest generation and bring on its full collections sooner). Other clocks get
    a plain ``call_at``.
    """
    rearm: Callable[[Timer, float, Callable[[], None]], Timer] | None = getattr(
        clock, "_rearm", None
    )
    if rearm is None:
        return clock.call_at(due, callback)
    return rearm(timer, due, callback)


def _due(timer: Timer) -> float:
    return timer.due


class _TimerWheel:
    """The real clock's timers, in buckets of ``slot`` seconds, for 100,000 sessions.

    A heap of 100,000 timers costs a pop and a push of ~17 levels each, with a cache miss at
    most levels (6 us per heartbeat here, against 1.4 us for 1,000 timers). Here a timer goes to
    the bucket of the ``slot`` in which it falls due (a list append) and only the slots are kept
    in a heap: a thousand of them for 10-s heartbeats in 10-ms slots. A bucket runs when its
    slot ends, its timers in due order: up to one slot late. Cancelled timers are counted and
    the buckets rebuilt when more than half of what they hold is cancelled.
    """

    __slots__ = ("_buckets", "_count", "_slot", "_slots", "cancelled")

    def __init__(self, slot: float) -> None:
        self._slot = slot
        self._buckets: dict[int, list[Timer]] = {}
        self._slots: list[int] = []  # heap of the bucket keys
        self._count = 0  # timers in the buckets, cancelled ones included
        self.cancelled = 0

    def push(self, timer: Timer) -> float:
        """Add ``timer``; return when its bucket runs."""
        timer._heap = self
        if self.cancelled > 64 and self.cancelled * 2 > self._count:
            self._rebuild()
        key = int(timer.due / self._slot) + 1
        bucket = self._buckets.get(key)
        if bucket is None:
            self._buckets[key] = [timer]
            heapq.heappush(self._slots, key)
        else:
            bucket.append(timer)
        self._count += 1
        return key * self._slot

    def _rebuild(self) -> None:
        buckets = {}
        for key, bucket in self._buckets.items():
            live = [timer for timer in bucket if not timer.cancelled]
            if live:
                buckets[key] = live
        self._buckets = buckets
        self._slots = list(buckets)
        heapq.heapify(self._slots)
        self._count = sum(len(bucket) for bucket in buckets.values())
        self.cancelled = 0

    def next_run(self) -> float | None:
        """When the earliest bucket runs (it may hold only cancelled timers)."""
        return self._slots[0] * self._slot if self._slots else None

    def pop_all_due(self, now: float, out: list[Timer]) -> None:
        """Move the live timers of every bucket whose slot has ended to ``out``, in due order."""
        slots = self._slots
        last = now / self._slot
        while slots and slots[0] <= last:
            bucket = self._buckets.pop(heapq.heappop(slots))
            self._count -= len(bucket)
            bucket.sort(key=_due)  # stable: ties keep the order they were scheduled in
            for timer in bucket:
                timer._heap = None  # it runs now: cancelling it changes no count
                if timer.cancelled:
                    if self.cancelled > 0:
                        self.cancelled -= 1
                else:
                    out.append(timer)

    @property
    def size(self) -> int:
        """Timers held, cancelled ones included (what the rebuild keeps in check)."""
        return self._count


def _run(timer: Timer) -> None:
    callback = timer.callback
    if callback is None:  # cancelled
        return
    timer.cancelled = True  # it has run: cancel() is a no-op from here on
    timer.callback = None
    try:
        callback()
    except Exception:  # a timer must never kill the scheduler or a test's advance()
        log.exception("timer_failed")


# The scheduler's slot: how late it may run a timer, so that one wake-up runs all the timers
# due within it. A wake-up (a condition wait, a futex, the GIL, cold caches) costs this VM
# ~150 us of CPU: one per timer would cost more than the heartbeats; at 10,000 heartbeats a
# second, 10 ms makes ~100 timers share one. Twice the interpreter's switch interval: a timer
# is that late anyway whenever other threads hold the GIL.
COALESCE = 0.010


class _Scheduler:
    """The single daemon thread that runs every real-clock timer of the process.

    It is woken only when a new timer is due before the time it sleeps until (a notify hands
    the GIL over and can cost the caller a switch interval, milliseconds), and it runs every
    timer that is due in one pass, up to ``COALESCE`` late (``_TimerWheel``). It holds timers,
    and timers hold what their owner gave them: sessions give a weak reference (see
    ``session._Wake``), so a playing session that the application dropped is collected instead
    of living on through its heartbeat.
    """

    def __init__(self) -> None:
        # Reentrant: a session collected by the garbage collector while this thread holds the
        # lock may schedule the delivery of its Exited (see ``Session.__del__``).
        self._lock = threading.Condition(threading.RLock())
        self._timers = _TimerWheel(COALESCE)
        self._thread: threading.Thread | None = None
        # When the thread wakes by itself: +inf asleep with nothing due, -inf awake (it looks
        # at the timers again before it sleeps).
        self._wakes_at = math.inf

    def call_at(self, due: float, callback: Callable[[], None]) -> Timer:
        timer = Timer(due, callback)
        with self._lock:
            self._push(timer)
        return timer

    def rearm(self, timer: Timer, due: float, callback: Callable[[], None]) -> Timer:
        with self._lock:
            if _reusable(timer):
                timer.due, timer.callback, timer.cancelled = due, callback, False
            else:
                timer = Timer(due, callback)
            self._push(timer)
        return timer

    def _push(self, timer: Timer) -> None:
        # lock held by the caller
        if self._timers.push(timer) < self._wakes_at:
            self._wakes_at = -math.inf
            self._lock.notify()
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name="playhead-scheduler", daemon=True
            )
            self._thread.start()

    def _loop(self) -> None:
        due_now: list[Timer] = []
        while True:
            with self._lock:
                now = time.monotonic()
                self._timers.pop_all_due(now, due_now)
                if not due_now:
                    wake = self._timers.next_run()
                    self._wakes_at = math.inf if wake is None else wake
                    self._lock.wait(None if wake is None else max(0.0, wake - now))
                    self._wakes_at = -math.inf
                    continue
            for timer in due_now:
                _run(timer)
            due_now.clear()

    def _after_fork(self) -> None:
        # The child inherits the heap but not the thread; start afresh, lock included.
        self._lock = threading.Condition(threading.RLock())
        self._thread = None
        self._wakes_at = math.inf


_SCHEDULER = _Scheduler()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_SCHEDULER._after_fork)


class SystemClock:
    """The real clock. All instances share one scheduler thread, started on first use.

    .. versionadded:: 0.1
    """

    __slots__ = ()

    def now(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def call_at(self, due: float, callback: Callable[[], None]) -> Timer:
        return _SCHEDULER.call_at(due, callback)

    def _rearm(self, timer: Timer, due: float, callback: Callable[[], None]) -> Timer:
        return _SCHEDULER.rearm(timer, due, callback)

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
        if not _reusable(timer):
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
            _run(timer)
        self._elapsed = elapsed

    @property
    def pending(self) -> int:
        """How many timers are waiting."""
        return len(self._timers)

    def __repr__(self) -> str:
        return f"FakeClock(now={format_timestamp(self.now())!r})"
