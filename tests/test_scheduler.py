"""Timers at scale: cancelled timers leave the heap, dropped sessions end, closing ends sessions."""

from __future__ import annotations

import gc
import threading
import time
import weakref

import pytest

import playhead
from playhead import Content
from playhead._scheduler import COALESCE, Timer, _Scheduler, _TimerWheel
from playhead.clock import _TimerHeap, rearmer
from tests.conftest import assert_all_valid

EP = Content(asset_id="c1", total_length=600)


def test_the_scheduler_thread_is_woken_only_for_an_earlier_timer() -> None:
    scheduler = _Scheduler()  # its own thread, so the process's timers do not interfere
    first = scheduler.call_at(time.monotonic() + 600, lambda: None)
    assert scheduler._thread is not None
    scheduler._thread.name = "test-scheduler"  # not the process's: other tests count those
    deadline = time.monotonic() + 5
    first_run = first.due - first.due % COALESCE + COALESCE  # the end of its slot
    while scheduler._wakes_at != pytest.approx(first_run) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert scheduler._wakes_at == pytest.approx(first_run)  # asleep until the earliest slot
    notified: list[int] = []
    notify = scheduler._lock.notify
    scheduler._lock.notify = lambda n=1: (notified.append(n), notify(n))  # type: ignore[method-assign]
    later = scheduler.call_at(first.due + 10, lambda: None)
    assert notified == []
    ran = threading.Event()
    scheduler.call_at(time.monotonic() + 0.05, ran.set)
    assert notified == [1]
    assert ran.wait(5)
    while scheduler._wakes_at != pytest.approx(first_run) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert scheduler._wakes_at == pytest.approx(first_run)  # back to sleep until the first
    first.cancel()
    later.cancel()


def test_cancelled_timers_do_not_stay_in_the_heap_until_due() -> None:
    heap = _TimerHeap()
    timers = [Timer(1000.0 + i, lambda: None) for i in range(1000)]
    for timer in timers:
        heap.push(timer)
    for timer in timers[:900]:
        timer.cancel()
        timer.cancel()  # twice counts once
    heap.push(Timer(5000.0, lambda: None))
    assert heap.size == 101
    assert len(heap) == 101
    assert heap.cancelled == 0
    assert heap.pop_due(1000.5) is None
    assert heap.pop_due(1900.0) is timers[900]


def test_the_wheel_runs_each_slot_when_it_ends_in_due_order() -> None:
    wheel = _TimerWheel(0.01)
    late, early, tie = Timer(1.004, lambda: None), Timer(1.001, lambda: None), None
    assert wheel.push(late) == pytest.approx(1.01)
    assert wheel.push(early) == pytest.approx(1.01)
    tie = Timer(1.004, lambda: None)
    wheel.push(tie)
    later = Timer(1.5, lambda: None)
    wheel.push(later)
    out: list[Timer] = []
    wheel.pop_all_due(1.009, out)
    assert out == []
    wheel.pop_all_due(1.0101, out)
    assert out == [early, late, tie]
    assert wheel.next_run() == pytest.approx(1.51)
    later.cancel()
    wheel.pop_all_due(2.0, out)
    assert out == [early, late, tie]
    assert wheel.size == 0
    assert wheel.cancelled == 0


def test_cancelled_timers_leave_the_wheel_before_they_fall_due() -> None:
    wheel = _TimerWheel(0.01)
    timers = [Timer(100.0 + i * 0.01, lambda: None) for i in range(1000)]
    for timer in timers:
        wheel.push(timer)
    for timer in timers[:900]:
        timer.cancel()
    wheel.push(Timer(500.0, lambda: None))
    assert wheel.size == 101
    assert wheel.cancelled == 0
    assert wheel.next_run() == pytest.approx(timers[900].due + 0.01, abs=0.011)


def test_a_timer_that_ran_is_not_counted_as_cancelled() -> None:
    clock = playhead.FakeClock()
    ran: list[int] = []
    timers = [clock.call_at(i, lambda i=i: ran.append(i)) for i in range(1, 4)]
    clock.advance(2)
    for timer in timers:
        timer.cancel()
    assert ran == [1, 2]
    assert clock._timers.cancelled == 1
    assert clock.pending == 0


def test_pause_resume_cycles_leave_no_trail_of_timers() -> None:
    clock = playhead.FakeClock()
    tracker = playhead.Tracker(playhead.MemoryTransport(), user_id="u1", clock=clock)
    session = tracker.session(content=[EP])
    session.play()
    for _ in range(1000):
        session.playing()
        session.pause()
    assert clock._timers.size <= 130  # not one per cycle: rebuilt when half are cancelled
    assert clock.pending == 1  # the idle watch's one timer, armed at the first pause


def test_a_dropped_playing_session_is_collected_and_ends_with_exited() -> None:
    memory = playhead.MemoryTransport()
    tracker = playhead.Tracker(memory, user_id="u1", heartbeat_interval=0.05)
    session = tracker.session(content=[EP])
    session.play()
    session.playing(30)
    session_id = session.session_id
    ref = weakref.ref(session)
    del session
    gc.collect()
    assert ref() is None, "the scheduler kept a dropped session alive"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and memory.payloads[-1]["event"] != playhead.Event.EXITED:
        time.sleep(0.01)
    names = [p["event"] for p in memory.payloads]
    assert names[-1] == playhead.Event.EXITED
    assert memory.payloads[-1]["properties"]["session_id"] == session_id
    assert memory.payloads[-1]["properties"]["position"] >= 30
    time.sleep(0.2)  # no heartbeat after the end
    assert [p["event"] for p in memory.payloads] == names
    assert_all_valid(memory.payloads)


def test_a_dropped_session_on_the_fake_clock_ends_when_the_clock_moves() -> None:
    clock = playhead.FakeClock()
    memory = playhead.MemoryTransport()
    tracker = playhead.Tracker(memory, user_id="u1", clock=clock)
    session = tracker.session(content=[EP])
    session.play()
    session.playing(0)
    clock.advance(12)
    del session
    clock.advance(0)
    names = [p["event"] for p in memory.payloads]
    assert names == [
        playhead.Event.PLAYBACK_STARTED,
        playhead.Event.CONTENT_STARTED,
        playhead.Event.CONTENT_PLAYING,
        playhead.Event.EXITED,
    ]
    assert memory.payloads[-1]["properties"]["position"] == 12
    clock.advance(60)
    assert len(memory.payloads) == 4


def test_dropped_sessions_that_never_started_or_ended_emit_nothing() -> None:
    clock = playhead.FakeClock()
    memory = playhead.MemoryTransport()
    tracker = playhead.Tracker(memory, user_id="u1", clock=clock)
    idle = tracker.session(content=[EP])
    done = tracker.session(content=[EP])
    done.play()
    done.exit()
    count = len(memory.payloads)
    del idle, done
    clock.advance(1)
    assert len(memory.payloads) == count


def test_closing_the_tracker_ends_its_open_sessions() -> None:
    clock = playhead.FakeClock()
    memory = playhead.MemoryTransport()
    tracker = playhead.Tracker(memory, user_id="u1", clock=clock)
    playing = tracker.session(content=[EP])
    playing.play()
    playing.playing(0)
    paused = tracker.session(content=[EP])
    paused.play()
    paused.playing(0)
    paused.pause()
    finished = tracker.session(content=[EP])
    finished.play()
    finished.exit()
    clock.advance(5)
    tracker.close()
    exits = [
        p["properties"]["session_id"]
        for p in memory.payloads
        if p["event"] == "Video Playback Exited"
    ]
    assert sorted(exits) == sorted([playing.session_id, paused.session_id, finished.session_id])
    assert playing.state == paused.state == "ended"
    clock.advance(60)
    assert not [p for p in memory.payloads if p["event"] == "Video Content Playing"]


def test_a_heartbeat_re_arms_the_same_timer() -> None:
    """One timer per playing session for good, on both built-in clocks."""
    clock = playhead.FakeClock()
    tracker = playhead.Tracker(playhead.MemoryTransport(), user_id="u1", clock=clock)
    session = tracker.session(content=[EP])
    session.play()
    session.playing(0)
    timer = session._driver.beat
    clock.advance(35)
    assert session._driver.beat is timer
    assert clock.pending == 1
    session.pause()
    session.playing()
    assert session._driver.beat is not timer  # the cancelled one may still sit in the heap
    assert clock.pending == 2  # the heartbeat, and the idle watch's timer armed at the pause


def test_a_re_arm_on_a_clock_of_ones_own_is_call_at() -> None:
    class OwnClock:
        def __init__(self) -> None:
            self.calls: list[float] = []

        def now(self) -> float:
            return 0.0

        def monotonic(self) -> float:
            return 0.0

        def call_at(self, due: float, callback: object) -> Timer:
            self.calls.append(due)
            return Timer(due, lambda: None)

    own = OwnClock()
    old = Timer(1.0, lambda: None)
    old.cancel()
    new = rearmer(own)(old, 11.0, lambda: None)
    assert new is not old
    assert own.calls == [11.0]


def test_a_real_clock_timer_is_re_armed_only_once_it_has_run() -> None:
    clock = playhead.SystemClock()
    ran = threading.Event()
    timer = clock.call_at(time.monotonic() + 0.01, ran.set)
    pending = rearmer(clock)(timer, time.monotonic() + 60, lambda: None)
    assert pending is not timer  # it has not run yet: a new one
    pending.cancel()
    assert ran.wait(5)
    deadline = time.monotonic() + 5
    while timer._heap is not None and time.monotonic() < deadline:
        time.sleep(0.005)
    again = threading.Event()
    assert rearmer(clock)(timer, time.monotonic() + 0.01, again.set) is timer
    assert again.wait(5)


def test_a_timer_re_armed_by_its_own_callback_runs_again_and_can_be_cancelled() -> None:
    scheduler = _Scheduler()  # its own thread: the batch and its re-arms are this test's
    fired: list[float] = []
    done = threading.Event()
    holder: list[Timer] = []

    def beat() -> None:
        fired.append(time.monotonic())
        if len(fired) < 3:
            holder[0] = scheduler.rearm(holder[0], holder[0].due + 0.02, beat)
        else:
            done.set()

    holder.append(scheduler.call_at(time.monotonic() + 0.01, beat))
    first = holder[0]
    assert scheduler._thread is not None
    scheduler._thread.name = "test-scheduler"
    assert done.wait(5)
    assert len(fired) == 3
    assert holder[0] is first  # the same Timer every beat, re-armed on the scheduler thread

    cancelled: list[Timer] = []

    def rearm_then_cancel() -> None:
        timer = scheduler.rearm(cancelled[0], time.monotonic() + 0.02, lambda: fired.append(0))
        timer.cancel()  # before the batch's re-armed timers go back into the wheel
        done.set()

    done.clear()
    cancelled.append(scheduler.call_at(time.monotonic() + 0.01, rearm_then_cancel))
    assert done.wait(5)
    time.sleep(0.1)
    assert 0 not in fired  # cancelled while set aside: it never ran
    deadline = time.monotonic() + 5
    while scheduler._timers.size and time.monotonic() < deadline:
        time.sleep(0.01)
    assert scheduler._timers.size == 0
    assert scheduler._timers.cancelled == 0  # its cancellation was counted, then settled
