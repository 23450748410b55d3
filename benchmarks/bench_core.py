"""Core costs: time updates, emitting callbacks, a simulated hour, sessions at scale.

Run: ``python benchmarks/bench_core.py``. Prints figures against the targets of issue #2 and,
where one exists, a baseline measured in the same run (a ratio, so machine speed cancels out).
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
import tracemalloc

from _timing import REPEATS, best_per_call

import playhead
from playhead import Ad, AdBreak, Content


def new_session(heartbeat: float = 10) -> tuple[playhead.Session, playhead.MemoryTransport]:
    memory = playhead.MemoryTransport()
    tracker = playhead.Tracker(
        memory, user_id="u1", clock=playhead.FakeClock(), heartbeat_interval=heartbeat
    )
    session = tracker.session(content=[Content(asset_id="c1", total_length=10**9)])
    session.play()
    session.playing(0)
    return session, memory


def bench_time_update() -> tuple[float, float]:
    session, memory = new_session()

    def updates(n: int) -> None:
        update = session.time_update
        for i in range(n):
            update(i * 0.25)

    class Plain:
        """The floor: a method that only stores a position."""

        __slots__ = ("position",)

        def __init__(self) -> None:
            self.position = 0.0

        def time_update(self, position: float) -> None:
            self.position = position

    plain = Plain()

    def baseline(n: int) -> None:
        update = plain.time_update
        for i in range(n):
            update(i * 0.25)

    ours = best_per_call(updates, 200_000)
    floor = best_per_call(baseline, 200_000)
    assert len(memory.payloads) == 2, "a time update emitted something"
    return ours, floor


def bench_emitting_callback() -> float:
    # Heartbeats off: with them, each resume also sends its heartbeat (two events, not one).
    session, memory = new_session(heartbeat=0)

    def pause_resume(n: int) -> None:
        for _ in range(n // 2):
            session.pause()
            session.playing()
        memory.clear()

    return best_per_call(pause_resume, 20_000)


def bench_bare_trigger() -> float:
    """The floor of any design on transitions: one state change of a two-state machine."""
    from transitions import Machine

    class Model:
        __slots__ = ("state",)

        def __init__(self) -> None:
            self.state = "a"

    machine = Machine(
        model=None,
        states=["a", "b"],
        initial="a",
        auto_transitions=False,
        transitions=[
            {"trigger": "go", "source": "a", "dest": "b"},
            {"trigger": "back", "source": "b", "dest": "a"},
        ],
    )
    model = Model()
    go, back = machine.events["go"], machine.events["back"]

    def flip(n: int) -> None:
        for _ in range(n // 2):
            go.trigger(model)
            back.trigger(model)

    return best_per_call(flip, 20_000)


def bench_customerio_track() -> float | None:
    """Customer.io's own client: track() with sending off, if it is installed."""
    try:
        from customerio import analytics  # type: ignore[import-not-found]
    except ImportError:
        return None
    analytics.write_key = "bench"
    analytics.send = False
    analytics.max_queue_size = 10**7

    def track(n: int) -> None:
        for i in range(n):
            analytics.track(
                "u1",
                "Video Playback Paused",
                {"session_id": "s", "position": i, "total_length": 600},
            )

    try:
        return best_per_call(track, 20_000)
    finally:
        analytics.shutdown()


def simulate_hour() -> tuple[float, int]:
    """One hour of content at 4 Hz, a pre-roll and three mid-rolls of two 15-s ads."""
    breaks = [
        AdBreak(
            pod_id="pre",
            type="pre-roll",
            ads=[Ad(asset_id="p1", total_length=15), Ad(asset_id="p2", total_length=15)],
        )
    ]
    breaks += [
        AdBreak(
            pod_id=f"mid{k}",
            type="mid-roll",
            ads=[Ad(asset_id=f"m{k}a", total_length=15), Ad(asset_id=f"m{k}b", total_length=15)],
        )
        for k in range(3)
    ]
    clock = playhead.FakeClock()
    memory = playhead.MemoryTransport()
    tracker = playhead.Tracker(memory, user_id="u1", clock=clock, heartbeat_interval=10)
    session = tracker.session(
        content=[Content(asset_id="movie", total_length=3600)], ad_breaks=breaks
    )
    start = time.perf_counter()
    session.play()

    def ad_break(pod: str, ads: list[str]) -> None:
        session.ad_break_start(pod)
        for ad in ads:
            session.ad_start(ad)
            for tick in range(1, 61):
                clock.advance(0.25)
                session.ad_time_update(tick * 0.25)
            session.ad_end()
        session.ad_break_end()

    ad_break("pre", ["p1", "p2"])
    session.playing(0)
    position = 0.0
    update = session.time_update
    for tick in range(1, 3600 * 4 + 1):
        clock.advance(0.25)
        position = tick * 0.25
        update(position)
        if tick % (900 * 4) == 0 and tick < 3600 * 4:
            k = tick // (900 * 4) - 1
            ad_break(f"mid{k}", [f"m{k}a", f"m{k}b"])
            session.playing()
    session.ended()
    elapsed = time.perf_counter() - start
    return elapsed * 1000, len(memory.payloads)


def sessions_at_scale(count: int = 10_000) -> tuple[float, float]:
    memory = playhead.MemoryTransport()
    tracker = playhead.Tracker(memory, user_id="u1", clock=playhead.FakeClock())
    content = [Content(asset_id="c1", total_length=600)]
    # Time without tracemalloc (it slows every allocation), memory with it.
    timings = []
    for _ in range(3):
        gc.collect()
        start = time.perf_counter()
        sessions = [tracker.session(content=content) for _ in range(count)]
        timings.append(time.perf_counter() - start)
        del sessions
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    sessions = [tracker.session(content=content) for _ in range(count)]
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    size = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    assert len(sessions) == count
    return min(timings) / count * 1e6, size / count


def main() -> int:
    print(
        f"playhead {playhead.__version__} core benchmarks, CPython "
        f"{sys.version.split()[0]}, best of {REPEATS}\n"
    )
    ours, floor = bench_time_update()
    print(
        f"time update, emits nothing     {ours:7.2f} us   (target <= 2 us; "
        f"plain attribute store {floor:.2f} us, ratio {ours / floor:.1f}x)"
    )
    emit = bench_emitting_callback()
    bare = bench_bare_trigger()
    line = (
        f"callback emitting one event    {emit:7.2f} us   (target <= 20 us; a bare transitions "
        f"trigger {bare:.2f} us, ratio {emit / bare:.1f}x"
    )
    theirs = bench_customerio_track()
    if theirs is None:
        line += "; customerio-cdp-analytics not installed, no baseline)"
    else:
        line += f"; Customer.io track(), send off: {theirs:.2f} us, ratio {emit / theirs:.2f}x)"
    print(line)
    runs = [simulate_hour() for _ in range(3)]
    ms = statistics.median(r[0] for r in runs)
    print(
        f"1 h of content at 4 Hz + ads    {ms:7.1f} ms   (target < 100 ms; "
        f"{runs[0][1]} events, {3600 * 4} time updates)"
    )
    create_us, per_session = sessions_at_scale()
    print(f"open session, 10,000 of them    {per_session:7.0f} B    (target <= 2 KB)")
    print(f"session creation               {create_us:7.2f} us   (target <= 20 us)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
