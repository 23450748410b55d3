"""Timers, and the real clock's one scheduler thread that runs every session's timers.

:class:`~playhead.clock.SystemClock` hands its timers to ``SCHEDULER`` here; ``FakeClock``
(``clock.py``) runs the same :class:`Timer` objects itself, from an exact heap. The scheduler
is built for 100,000 playing sessions: 10,000 heartbeats a second, on one thread, at a few
percent of a core.
"""

from __future__ import annotations

import heapq
import math
import operator
import os
import threading
import time
from collections.abc import Callable
from typing import Protocol

from playhead._logging import get_logger

__all__ = ["COALESCE", "SCHEDULER", "Timer"]

# Its failures were logged under the clock's name before the scheduler had a module of its own.
log = get_logger("playhead.clock")


class _Holder(Protocol):
    """What holds a pending timer (a heap or a wheel): it counts the ones cancelled."""

    cancelled: int


class Timer:
    """A pending call; :meth:`cancel` makes sure it never runs."""

    __slots__ = ("_heap", "callback", "cancelled", "due")

    def __init__(self, due: float, callback: Callable[[], None]) -> None:
        self.due = due
        self.callback: Callable[[], None] | None = callback
        self.cancelled = False
        # the heap or wheel holding it, told of its cancellation
        self._heap: _Holder | None = None

    def cancel(self) -> None:
        if self.cancelled:
            return
        self.cancelled = True
        self.callback = None
        heap = self._heap
        if heap is not None:
            heap.cancelled += 1


def reusable(timer: Timer) -> bool:
    """A timer that has run (or was cancelled and dropped) and that no heap or wheel holds."""
    return timer.cancelled and timer._heap is None


def run(timer: Timer) -> None:
    """Run a due timer's callback once; a callback that raises is logged, never raised."""
    callback = timer.callback
    if callback is None:  # cancelled
        return
    timer.cancelled = True  # it has run: cancel() is a no-op from here on
    timer.callback = None
    try:
        callback()
    except Exception:  # a timer must never kill the scheduler or a test's advance()
        log.exception("timer_failed")


_due = operator.attrgetter("due")


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

    def push_all(self, timers: list[Timer]) -> None:
        """``push`` each of ``timers`` (a batch's re-armed heartbeats: one call, not one each)."""
        if self.cancelled > 64 and self.cancelled * 2 > self._count:
            self._rebuild()
        buckets, slot = self._buckets, self._slot
        for timer in timers:
            timer._heap = self
            key = int(timer.due / slot) + 1
            bucket = buckets.get(key)
            if bucket is None:
                buckets[key] = [timer]
                heapq.heappush(self._slots, key)
            else:
                bucket.append(timer)
        self._count += len(timers)

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
    ``windows.Wake``), so a playing session that the application dropped is collected instead
    of living on through its heartbeat.

    A timer re-armed by its own callback (a heartbeat's next beat) while this thread runs a
    batch takes no lock: it is kept aside and the batch's re-armed timers go back into the
    wheel together, under one lock, before the thread looks for due timers again.
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
        # The thread's id while it runs timers outside the lock (0 otherwise), and the timers
        # they re-armed meanwhile.
        self._running = 0
        self._rearmed: list[Timer] = []

    def call_at(self, due: float, callback: Callable[[], None]) -> Timer:
        timer = Timer(due, callback)
        with self._lock:
            self._push(timer)
        return timer

    def rearm(self, timer: Timer, due: float, callback: Callable[[], None]) -> Timer:
        if timer.cancelled and timer._heap is None and threading.get_ident() == self._running:
            # A timer run by this batch (only this thread touches it now): set aside.
            timer._heap = self._timers  # a cancel before it is pushed is counted there
            timer.due, timer.callback, timer.cancelled = due, callback, False
            self._rearmed.append(timer)
            return timer
        with self._lock:
            if reusable(timer):
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
        rearmed = self._rearmed
        me = threading.get_ident()
        while True:
            with self._lock:
                if rearmed:  # awake: no notify needed, the wheel is read next
                    self._timers.push_all(rearmed)
                    rearmed.clear()
                now = time.monotonic()
                self._timers.pop_all_due(now, due_now)
                if not due_now:
                    wake = self._timers.next_run()
                    self._wakes_at = math.inf if wake is None else wake
                    self._lock.wait(None if wake is None else max(0.0, wake - now))
                    self._wakes_at = -math.inf
                    continue
            self._running = me
            try:
                for timer in due_now:
                    run(timer)
            finally:
                self._running = 0
            due_now.clear()

    def _after_fork(self) -> None:
        # The child inherits the wheel but not the thread; start afresh, lock included.
        self._lock = threading.Condition(threading.RLock())
        self._thread = None
        self._wakes_at = math.inf
        self._running = 0
        self._timers.push_all(self._rearmed)  # forked from a timer's callback: keep its re-arms
        self._rearmed.clear()


SCHEDULER = _Scheduler()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=SCHEDULER._after_fork)
