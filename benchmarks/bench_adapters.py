"""Adapter hot-path costs: a time update through the monitor and the recorder.

Run: ``python benchmarks/bench_adapters.py [--quick]``. Players report the playhead at frame
rate (mpv: once per frame, 25-100 a second at speed 1-4), so what an adapter adds to a time
update matters. The bare session (the baseline) and each adapter chain run interleaved, round by
round; printed: microseconds per time update (median) and the min / median of the paired
ratios to the baseline.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

from _timing import arguments, goal, interleaved, paired, per_call_us, ratio_text

import playhead
from playhead.adapters import PlayheadMonitor, Recorder


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
    args = arguments(__doc__).parse_args()
    calls, rounds = (5_000, 2) if args.quick else (100_000, 7)
    chains: dict[str, Callable[[int], None]] = {}
    session, clock = playing_session()
    chains["session.time_update (baseline)"] = updates_through(session, clock)
    session, clock = playing_session()
    chains["monitor, inferring stalls and seeks"] = updates_through(
        PlayheadMonitor(session, stall_timeout=1.5), clock
    )
    session, clock = playing_session()
    chains["monitor, standing down (mpv)"] = updates_through(
        PlayheadMonitor(session, signals_stalls=True, signals_seeks=True), clock
    )
    session, clock = playing_session()
    recorded = PlayheadMonitor(Recorder(session), stall_timeout=1.5)  # type: ignore[arg-type]
    chains["monitor + recorder"] = updates_through(recorded, clock)

    figures = interleaved(
        {name: (lambda fn=fn: per_call_us(fn, calls)) for name, fn in chains.items()}, rounds
    )
    names = list(chains)
    base = figures[names[0]]
    print(f"time update cost, {rounds} interleaved rounds x {calls:,} calls (FakeClock advance)")
    for name in names:
        line = f"  {name:<40} {statistics.median(figures[name]):7.2f} us"
        if name != names[0]:
            line += "   " + ratio_text(paired(figures[name], base), "vs baseline")
        print(line)
    added = [a - b for a, b in zip(figures["monitor + recorder"], base, strict=True)]
    worst = statistics.median(added)
    print(
        goal(
            "adapter cost",
            f"monitor + recorder add {worst:.2f} us per time update (median of paired rounds)",
            "< 10 us (1 % of a core at 1,000 updates/s)",
            worst < 10,
            f"bare session {statistics.median(base):.2f} us",
        )
    )


if __name__ == "__main__":
    main()
