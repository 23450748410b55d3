"""Adapter hot-path costs: a time update through the monitor and the recorder.

Run: ``python benchmarks/bench_adapters.py``. Players report the playhead at frame rate (mpv: once
per frame, 25-100 a second at speed 1-4), so what an adapter adds to a time update matters.
Prints microseconds per time update for the bare session (the baseline, measured in the same
run), through the PlayheadMonitor (inferring, and standing down), and through monitor and
Recorder together, with the ratio to the baseline so machine speed cancels out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from _timing import REPEATS, best_per_call

import playhead
from playhead.adapters import PlayheadMonitor, Recorder

CALLS = 200_000


def playing_session() -> tuple[playhead.Session, playhead.FakeClock]:
    clock = playhead.FakeClock()
    tracker = playhead.Tracker(playhead.MemoryTransport(), user_id="u1", clock=clock)
    session = tracker.session(content=[playhead.Content(asset_id="c1", total_length=10**9)])
    return session, clock


def updates_through(target: Any, clock: playhead.FakeClock) -> Callable[[int], None]:
    target.play()
    target.playing(0)
    position = [0.0]

    def run(n: int) -> None:
        update = target.time_update
        advance = clock.advance
        p = position[0]
        for _ in range(n):
            p += 0.04
            advance(0.04)  # the monitor reads the clock: make it move like a real one
            update(p)
        position[0] = p

    return run


def main() -> None:
    rows: list[tuple[str, float]] = []
    session, clock = playing_session()
    rows.append(
        ("session.time_update (baseline)", best_per_call(updates_through(session, clock), CALLS))
    )
    session, clock = playing_session()
    monitor = PlayheadMonitor(session, stall_timeout=1.5)
    rows.append(
        (
            "monitor, inferring stalls and seeks",
            best_per_call(updates_through(monitor, clock), CALLS),
        )
    )
    session, clock = playing_session()
    standing_down = PlayheadMonitor(session, signals_stalls=True, signals_seeks=True)
    rows.append(
        (
            "monitor, standing down (mpv)",
            best_per_call(updates_through(standing_down, clock), CALLS),
        )
    )
    session, clock = playing_session()
    recorded = PlayheadMonitor(Recorder(session), stall_timeout=1.5)  # type: ignore[arg-type]
    rows.append(("monitor + recorder", best_per_call(updates_through(recorded, clock), CALLS)))

    baseline = rows[0][1]
    print(f"time update cost, best of {REPEATS} x {CALLS:,} calls (FakeClock advance included)")
    for name, micros in rows:
        print(f"  {name:<40} {micros:7.2f} us   x{micros / baseline:5.2f}")
    print("budget: an adapter adds < 10 us per time update (1 % of a core at 1,000 updates/s)")


if __name__ == "__main__":
    main()
