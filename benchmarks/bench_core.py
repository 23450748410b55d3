"""Core costs, measured as production runs them, each goal printed with ``met`` / ``not met``.

Run: ``python benchmarks/bench_core.py [--quick]`` (``pip install -e '.[bench]'`` for the
Customer.io baselines). Sessions run on the real ``SystemClock`` with its scheduler thread (a
playing() arms a heartbeat timer, a pause() cancels it), each session with its own ``Content``.
Every comparison is interleaved round by round; ratios are paired per round (min and median).

Goals (issue #13):
1. a callback that emits one event >= 2x cheaper than Customer.io's ``Client(send=False)
   .track()`` with the same properties (built inside the timed region, as a player would);
2. an ignored callback (a duplicate ``playing()``, a ``time_update()`` during an ad) <= 0.3x an
   emitting callback, and nothing logged at WARNING or above;
3. <= 2 KB per playing session at 10,000 and 100,000 sessions, and session creation flat as
   sessions grow (at 100,000 sessions <= 1.5x the cost at 100);
6. ``import playhead`` no heavier than ``import customerio.analytics``.
Goals 4 and 5 (heartbeats at scale, dropped sessions) are in ``bench_scheduler.py``, goal 7
(delivery) in ``bench_http.py``.
"""

from __future__ import annotations

import gc
import logging
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from _timing import arguments, goal, interleaved, paired, per_call_us, ratio_text, spread

import playhead
from playhead import Ad, AdBreak, Content

try:
    from customerio.analytics import Client as CioClient  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - optional
    CioClient = None


class NullTransport:
    """Takes every payload and keeps none (what a transport's caller cost is measured over)."""

    def send(self, payload: dict[str, Any]) -> None:
        pass

    def flush(self, timeout: float | None = None) -> Any:
        return None

    def close(self, timeout: float | None = None) -> Any:
        return None


def playing_session(clock: Any = None, transport: Any = None) -> playhead.Session:
    tracker = playhead.Tracker(
        transport if transport is not None else playhead.MemoryTransport(),
        user_id="u1",
        clock=clock,
        heartbeat_interval=10,
        video_player="mpv",
    )
    session = tracker.session(content=[Content(asset_id="c1", total_length=10**9)])
    session.play()
    session.playing(0)
    return session


# ------------------------------------------------------------------ the cases
def emitting_callbacks() -> Callable[[int], None]:
    """waiting() / playing() in turn on the real clock: each emits one event into memory.

    (A stall and its end: Buffer Started, Buffer Completed; the heartbeat timer is cancelled
    and armed again. A pause and its resume would send three events, the resume's heartbeat.)
    """
    session = playing_session()
    memory = session.tracker.transport
    assert isinstance(memory, playhead.MemoryTransport)

    def run(n: int) -> None:
        waiting, playing = session.waiting, session.playing
        for _ in range(n // 2):
            waiting()
            playing()
        assert len(memory.payloads) >= n // 2 * 2  # (the first run: and the start events)
        memory.clear()

    return run


def customerio_tracks() -> Callable[[int], None] | None:
    """One track() per callback, the properties of our Buffer Started event built per call."""
    if CioClient is None:
        return None
    client = CioClient("bench-key", send=False)
    session_id = "9b1c3f1e-6a7d-4a51-9a3e-0d5f2c8b7e11"

    def run(n: int) -> None:
        track = client.track
        for i in range(n):
            track(
                "u1",
                "Video Playback Buffer Started",
                {
                    "session_id": session_id,
                    "video_player": "mpv",
                    "livestream": False,
                    "position": i,
                    "total_length": 10**9,
                    "content_asset_id": "c1",
                },
            )

    return run


def bare_trigger() -> Callable[[int], None]:
    """The floor of building on transitions: a two-state flip, no callbacks."""
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

    def run(n: int) -> None:
        for _ in range(n // 2):
            go.trigger(model)
            back.trigger(model)

    return run


def duplicate_playing() -> Callable[[int], None]:
    session = playing_session()

    def run(n: int) -> None:
        playing = session.playing
        for _ in range(n):
            playing()

    return run


def time_update_during_ad() -> Callable[[int], None]:
    session = playing_session()
    session.ad_break_start("mid", type="mid-roll")
    session.ad_start("ad1", total_length=30)
    session.playing()

    def run(n: int) -> None:
        update = session.time_update
        for i in range(n):
            update(5.0 + i * 1e-6)

    return run


def time_update_playing() -> Callable[[int], None]:
    session = playing_session()

    def run(n: int) -> None:
        update = session.time_update
        for i in range(n):
            update(i * 0.25)

    return run


def attribute_store() -> Callable[[int], None]:
    class Plain:
        __slots__ = ("position",)

        def __init__(self) -> None:
            self.position = 0.0

        def time_update(self, position: float) -> None:
            self.position = position

    plain = Plain()

    def run(n: int) -> None:
        update = plain.time_update
        for i in range(n):
            update(i * 0.25)

    return run


def warnings_logged(run: Callable[[int], None], calls: int) -> int:
    """Records at WARNING or above that ``calls`` calls send to playhead's loggers."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(logging.WARNING)
    logger = logging.getLogger("playhead")
    logger.addHandler(handler)
    try:
        run(calls)
    finally:
        logger.removeHandler(handler)
    return len(records)


def simulate_hour() -> tuple[float, int]:
    """One hour of content at 4 Hz, a pre-roll and three mid-rolls of two 15-s ads (FakeClock:
    the hour runs in milliseconds)."""
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
    update = session.time_update
    for tick in range(1, 3600 * 4 + 1):
        clock.advance(0.25)
        update(tick * 0.25)
        if tick % (900 * 4) == 0 and tick < 3600 * 4:
            k = tick // (900 * 4) - 1
            ad_break(f"mid{k}", [f"m{k}a", f"m{k}b"])
            session.playing()
    session.ended()
    return (time.perf_counter() - start) * 1000, len(memory.payloads)


# ------------------------------------------------------------------ sessions at scale
# Long heartbeats: the timers are in the scheduler's heap (their memory counts) but none fires
# while the measurement runs.
SCALE_INTERVAL = 3600


def start_sessions(tracker: playhead.Tracker, count: int, out: list[Any]) -> None:
    for i in range(count):
        session = tracker.session(content=[Content(asset_id=f"c{i}", total_length=600)])
        session.play()
        session.playing(0)
        out.append(session)


def end_sessions(sessions: list[Any]) -> None:
    for session in sessions:
        session.exit()
    sessions.clear()
    gc.collect()


def scale_tracker() -> playhead.Tracker:
    return playhead.Tracker(NullTransport(), user_id="u1", heartbeat_interval=SCALE_INTERVAL)


def memory_per_playing_session(count: int) -> float:
    """Bytes per playing session (session, its Content, its timer in the heap), tracemalloc."""
    tracker = scale_tracker()
    sessions: list[Any] = []
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    start_sessions(tracker, count, sessions)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    end_sessions(sessions)
    return (after - before - 8 * count) / count  # less the list slot that holds each one


class _FullCollections:
    """A ``gc.callbacks`` entry that counts the collector's full collections."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            self.count += 1


#: Sessions a level may create while waiting for a full collection (it never needs this many).
_CYCLE_LIMIT = 400_000


def creation_as_sessions_grow(
    levels: list[int], *, freeze: bool = False
) -> dict[int, tuple[float, int]]:
    """(us to create one session with its Content, sessions timed) when ``level`` playing
    sessions exist, over one whole cycle of the garbage collector.

    CPython runs a full collection when the objects that survived since the last one reach a
    quarter of all it holds (and not before 11 collections of the middle generation, 77,000 net
    allocations: about 9,300 sessions); its cost, proportional to everything tracked, is paid by
    the sessions created in between. So each level times the sessions created from the end of
    one full collection (a ``gc.collect()``) to the end of the next: every level carries exactly
    one collection's share. (A fixed chunk per level carried a whole collection at some levels
    and none at others, depending on where the collector's count happened to stand.) A cycle
    adds sessions: at 100 the timed ones take the count to about 9,400.
    ``freeze``: what an application with that many sessions can do, ``gc.freeze()`` once the
    sessions have started (the collector then leaves them out of its full collections).
    """
    tracker = scale_tracker()
    sessions: list[Any] = []
    figures: dict[int, tuple[float, int]] = {}
    full = _FullCollections()
    gc.callbacks.append(full)
    try:
        for level in levels:
            start_sessions(tracker, level - len(sessions), sessions)
            if freeze:
                gc.freeze()
            made: list[Any] = []
            gc.collect()  # a full collection has just ended: a cycle starts, as after any
            seen = full.count
            start = time.perf_counter()
            while full.count == seen:  # to the end of the next one
                if len(made) >= _CYCLE_LIMIT:
                    raise RuntimeError(f"no full collection in {_CYCLE_LIMIT:,} sessions")
                made.append(
                    tracker.session(content=[Content(asset_id=f"n{level}", total_length=600)])
                )
            figures[level] = ((time.perf_counter() - start) / len(made) * 1e6, len(made))
            del made
            if freeze:
                gc.unfreeze()
    finally:
        gc.callbacks.remove(full)
    end_sessions(sessions)
    return figures


def import_ms(module: str) -> float:
    """ms to import ``module`` in a fresh interpreter (timed inside it)."""
    code = (
        "import time; start = time.perf_counter(); "
        f"import {module}; print((time.perf_counter() - start) * 1000)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(run.stdout)


# ------------------------------------------------------------------ main
def main() -> int:
    args = arguments(__doc__).parse_args()
    quick = args.quick
    calls, rounds = (500, 2) if quick else (20_000, 9)
    print(
        f"playhead {playhead.__version__} core benchmarks, CPython {sys.version.split()[0]}; "
        f"{rounds} interleaved rounds of {calls:,} calls; real clock unless said\n"
    )

    cases: dict[str, Callable[[int], None]] = {
        "emitting callback": emitting_callbacks(),
        "duplicate playing()": duplicate_playing(),
        "time_update() during an ad": time_update_during_ad(),
        "time update, emits nothing": time_update_playing(),
        "plain attribute store": attribute_store(),
        "bare transitions trigger": bare_trigger(),
    }
    # Before anything else runs: repeated warnings are aggregated per 10 s in a process, so
    # counting after the timed runs would hide them.
    logged = {
        name: warnings_logged(make(), 1_000)
        for name, make in (
            ("duplicate playing()", duplicate_playing),
            ("time_update() during an ad", time_update_during_ad),
        )
    }
    theirs = customerio_tracks()
    if theirs is not None:
        cases["Customer.io track(), send off"] = theirs
    figures = interleaved(
        {name: (lambda fn=fn: per_call_us(fn, calls)) for name, fn in cases.items()}, rounds
    )
    for name, values in figures.items():
        print(f"  {name:<34} median {statistics.median(values):7.2f} us")
    print()

    emit = figures["emitting callback"]
    if theirs is not None:
        ratios = paired(figures["Customer.io track(), send off"], emit)
        mid = spread(ratios)[1]
        print(
            goal(
                "1 emitting callback vs Customer.io track()",
                f"{statistics.median(emit):.2f} us vs "
                f"{statistics.median(figures['Customer.io track(), send off']):.2f} us",
                ">= 2x cheaper (median of paired ratios)",
                mid >= 2.0,
                ratio_text(ratios, "their cost / ours:"),
            )
        )
    else:
        print(
            goal(
                "1 emitting callback vs Customer.io track()",
                f"{statistics.median(emit):.2f} us",
                ">= 2x cheaper",
                False,
                "customerio-cdp-analytics not installed: pip install -e '.[bench]'",
            )
        )
    bare = paired(emit, figures["bare transitions trigger"])
    print(f"  (context: emitting callback / a bare transitions trigger: {ratio_text(bare, '')})")

    for name in ("duplicate playing()", "time_update() during an ad"):
        ratios = paired(figures[name], emit)
        print(
            goal(
                f"2 ignored callback, {name}",
                f"{statistics.median(figures[name]):.2f} us, {logged[name]} WARNING+ records "
                "for 1,000 calls",
                "<= 0.3x an emitting callback and nothing logged at WARNING+",
                spread(ratios)[1] <= 0.3 and logged[name] == 0,
                ratio_text(ratios, "ignored / emitting:"),
            )
        )

    update = paired(figures["time update, emits nothing"], figures["plain attribute store"])
    print(
        goal(
            "time update that emits nothing",
            f"{statistics.median(figures['time update, emits nothing']):.2f} us",
            "<= 2 us",
            statistics.median(figures["time update, emits nothing"]) <= 2.0,
            ratio_text(update, "vs a plain attribute store:"),
        )
    )

    hours = [simulate_hour() for _ in range(1 if quick else 3)]
    ms = statistics.median(h[0] for h in hours)
    print(
        goal(
            "1 h of content at 4 Hz with 4 ad breaks (FakeClock)",
            f"{ms:.1f} ms for {hours[0][1]} events and {3600 * 4} time updates",
            "< 100 ms",
            ms < 100,
        )
    )

    counts = [500, 1_000] if quick else [10_000, 100_000]
    for count in counts:
        per = memory_per_playing_session(count)
        print(
            goal(
                f"3 memory per playing session, {count:,} sessions",
                f"{per:,.0f} B (session + own Content + heartbeat timer)",
                "<= 2,048 B",
                per <= 2048,
            )
        )
    levels = [100, 500, 1_000] if quick else [100, 10_000, 100_000]
    growth_rounds = 1 if quick else 3
    runs: list[dict[int, tuple[float, int]]] = []
    frozen: list[dict[int, tuple[float, int]]] = []
    for _ in range(growth_rounds):  # interleaved: the collector as it is, then frozen
        runs.append(creation_as_sessions_grow(levels))
        frozen.append(creation_as_sessions_grow(levels, freeze=True))
    ratios = [run[levels[-1]][0] / run[levels[0]][0] for run in runs]
    frozen_ratios = [run[levels[-1]][0] / run[levels[0]][0] for run in frozen]

    def at_levels(figures: list[dict[int, tuple[float, int]]]) -> str:
        return ", ".join(
            f"{statistics.median(run[level][0] for run in figures):.1f} us at {level:,} "
            f"(cycles of {statistics.median(run[level][1] for run in figures):,.0f} sessions)"
            for level in levels
        )

    print(
        goal(
            "3 session creation as sessions grow",
            at_levels(runs),
            f"flat: at {levels[-1]:,} <= 1.5x the cost at {levels[0]}",
            spread(ratios)[1] <= 1.5,
            ratio_text(ratios, f"{levels[-1]:,} / {levels[0]}:"),
        )
    )
    print(
        "  (an application's option) the same with gc.freeze() once the sessions have started: "
        + at_levels(frozen)
        + "; "
        + ratio_text(frozen_ratios, f"{levels[-1]:,} / {levels[0]}:")
    )

    import_rounds = 1 if quick else 9
    imports: dict[str, Callable[[], float]] = {"playhead": lambda: import_ms("playhead")}
    if CioClient is not None:
        imports["customerio.analytics"] = lambda: import_ms("customerio.analytics")
    times = interleaved(imports, import_rounds)
    ours = times["playhead"]
    if CioClient is not None:
        cio = times["customerio.analytics"]
        ratios = paired(ours, cio)
        print(
            goal(
                "6 import playhead vs import customerio.analytics",
                f"{statistics.median(ours):.0f} ms vs {statistics.median(cio):.0f} ms",
                "<= 1.0x",
                spread(ratios)[1] <= 1.0,
                ratio_text(ratios, "ours / theirs:"),
            )
        )
    else:
        print(
            goal(
                "6 import playhead vs import customerio.analytics",
                f"{statistics.median(ours):.0f} ms",
                "<= 1.0x",
                False,
                "customerio-cdp-analytics not installed",
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
