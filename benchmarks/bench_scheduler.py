"""Heartbeats at scale on the real clock, and dropped sessions (goals 4 and 5 of issue #13).

Run: ``python benchmarks/bench_scheduler.py [--quick] [--sessions N] [--seconds S]``.

100,000 playing sessions on ``SystemClock`` (10-s heartbeats, so 10,000 heartbeats a second),
started evenly over one heartbeat interval as independent viewers would be, each with its own
``Content``, events into a transport that drops them. Then, with the main thread asleep, for
``--seconds``: the process's CPU time over wall time (the scheduler thread is the only one
working: its share of one core, garbage collection included); then, in a window of its own (a
probe on every timer costs CPU), how late each timer started against its due time (p50 / p99 /
max). Then goal 5: sessions dropped while playing, without
``exit()``, must be collected and each end with Video Playback Exited.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
import weakref
from collections import Counter
from typing import Any

from _timing import arguments, goal

import playhead
import playhead._scheduler
from playhead import Content


class CountingTransport:
    """Counts events by name; keeps no payload."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def send(self, payload: dict[str, Any]) -> None:
        self.counts[payload["event"]] += 1

    def flush(self, timeout: float | None = None) -> Any:
        return None

    def close(self, timeout: float | None = None) -> Any:
        return None


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


#: Seconds of the lateness window, after the CPU one.
LATENESS_WINDOW = 10.0


def heartbeats_at_scale(
    count: int, interval: float, seconds: float
) -> tuple[float, list[float], int, float, float]:
    """(share of a core, lateness of every timer run in its own window in ms, heartbeats sent in
    the CPU window, seconds the sessions took to start, CPU seconds of the lateness window)."""
    transport = CountingTransport()
    tracker = playhead.Tracker(transport, user_id="u1", heartbeat_interval=interval)
    sessions = []
    ramp_start = time.monotonic()
    for i in range(count):
        # evenly over one interval: session i starts at ramp_start + i * interval / count
        wait = ramp_start + i * interval / count - time.monotonic()
        if wait > 0.001:
            time.sleep(wait)
        session = tracker.session(content=[Content(asset_id=f"c{i}", total_length=86_400)])
        session.play()
        session.playing(0)
        sessions.append(session)
    ramp = time.monotonic() - ramp_start
    # One more interval before measuring: a ramp slower than the interval (a loaded machine)
    # leaves a backlog of heartbeats that is not the steady state.
    time.sleep(max(0.0, ramp_start + interval - time.monotonic()) + interval)

    # CPU first, with nothing of the benchmark's in the scheduler's path.
    beats_before = transport.counts["Video Content Playing"]
    cpu_start, wall_start = time.process_time(), time.monotonic()
    time.sleep(seconds)
    cpu, wall = time.process_time() - cpu_start, time.monotonic() - wall_start
    beats = transport.counts["Video Content Playing"] - beats_before

    # Then lateness, in a window of its own: the probe (a Python frame, a clock read and an
    # append per timer) is the benchmark's work, kept out of the CPU figure.
    lateness: list[float] = []
    original = playhead._scheduler.run

    def timed_run(timer: playhead._scheduler.Timer) -> None:
        lateness.append((time.monotonic() - timer.due) * 1000)
        original(timer)

    playhead._scheduler.run = timed_run  # the scheduler looks it up on every timer
    probe_cpu = time.process_time()
    time.sleep(min(seconds, LATENESS_WINDOW))
    probe_cpu = time.process_time() - probe_cpu
    playhead._scheduler.run = original
    for session in sessions:
        session.exit()
    return cpu / wall, lateness, beats, ramp, probe_cpu


def emitting_callback_us(calls: int) -> float:
    """Same-run reference: CPU us per emitting callback on the real clock.

    ``waiting()`` / ``playing()`` in turn, as in ``bench_core.py``: one event each (a pause and
    its resume would be three events for two callbacks, the resume's heartbeat included).
    """
    tracker = playhead.Tracker(CountingTransport(), user_id="u1", heartbeat_interval=10)
    session = tracker.session(content=[Content(asset_id="r", total_length=86_400)])
    session.play()
    session.playing(0)
    start = time.process_time()
    for _ in range(calls // 2):
        session.waiting()
        session.playing()
    cost = (time.process_time() - start) / (calls // 2 * 2) * 1e6
    session.exit()
    return cost


def dropped_sessions(count: int) -> tuple[int, int, int]:
    """(sessions still alive after being dropped, Exited received, heartbeats after the end)."""
    transport = CountingTransport()
    tracker = playhead.Tracker(transport, user_id="u1", heartbeat_interval=0.05)
    refs = []
    for i in range(count):
        session = tracker.session(content=[Content(asset_id=f"d{i}", total_length=600)])
        session.play()
        session.playing(0)
        refs.append(weakref.ref(session))
    del session
    time.sleep(0.2)  # heartbeats are running
    gc.collect()
    alive = sum(ref() is not None for ref in refs)
    deadline = time.monotonic() + 10
    while transport.counts["Video Playback Exited"] < count and time.monotonic() < deadline:
        time.sleep(0.01)
    beats = transport.counts["Video Content Playing"]
    time.sleep(0.3)
    return (
        alive,
        transport.counts["Video Playback Exited"],
        transport.counts["Video Content Playing"] - beats,
    )


def main() -> int:
    parser = arguments(__doc__)
    parser.add_argument("--sessions", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None)
    args = parser.parse_args()
    count = args.sessions or (500 if args.quick else 100_000)
    seconds = args.seconds or (1.0 if args.quick else 25.0)
    interval = 0.5 if args.quick else 10.0
    print(
        f"playhead {playhead.__version__}, CPython {sys.version.split()[0]}: {count:,} playing "
        f"sessions, {interval:g}-s heartbeats ({count / interval:,.0f}/s), "
        f"measured for {seconds:g} s\n"
    )
    share, lateness, beats, ramp, probe_cpu = heartbeats_at_scale(count, interval, seconds)
    window = min(seconds, LATENESS_WINDOW)
    print(
        f"  sessions started in {ramp:.1f} s; {beats:,} heartbeats in {seconds:g} s "
        f"(expected ~{count / interval * seconds:,.0f}); then {len(lateness):,} timers run in "
        f"the {window:g}-s lateness window ({probe_cpu / window * 100:.1f} % of a core with "
        "the probe)"
    )
    per_beat = share * seconds / max(beats, 1) * 1e6
    reference = emitting_callback_us(2_000 if args.quick else 20_000)
    print(
        goal(
            "4 scheduler CPU at scale",
            f"{share * 100:.1f} % of a core",
            "<= 10 % of a core",
            share <= 0.10,
            f"{per_beat:.1f} us of CPU per heartbeat; same run, one emitting callback "
            f"{reference:.1f} us of CPU ({per_beat / reference:.2f}x)",
        )
    )
    p50, p99 = statistics.median(lateness), percentile(lateness, 0.99)
    print(
        goal(
            "4 heartbeat lateness at scale",
            f"p99 {p99:.1f} ms (p50 {p50:.2f} ms, max {max(lateness):.1f} ms)",
            "p99 <= 50 ms",
            p99 <= 50,
        )
    )
    dropped = 100 if args.quick else 2_000
    alive, exited, late_beats = dropped_sessions(dropped)
    print(
        goal(
            "5 dropped playing sessions end",
            f"{dropped:,} dropped: {alive} still alive, {exited:,} Exited, "
            f"{late_beats} heartbeats after",
            "all collected, each ends with Exited, no heartbeat after",
            alive == 0 and exited == dropped and late_beats == 0,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
