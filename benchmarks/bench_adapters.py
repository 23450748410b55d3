"""Adapter hot-path costs: a time update through the monitor and the recorder, and each
adapter's own position callback.

Run: ``python benchmarks/bench_adapters.py [--quick]``. Players report the playhead at frame
rate (mpv: once per frame, 25-100 a second at speed 1-4), so what an adapter adds to a time
update matters. The bare session (the baseline) and each adapter chain run interleaved, round by
round; printed: microseconds per time update (median) and the min / median of the paired
ratios to the baseline.

Then each adapter's own position callback (mpv ``time-pos``, VLC ``TimeChanged`` on its worker,
Qt ``positionChanged``, each called as the player calls it) on a real but idle player object,
interleaved with the same baseline: what an adapter adds per player callback. GStreamer has no
position callback (the adapter polls ``query_position``), so it has no row. A player library
that is not installed is skipped with a note.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

from _timing import arguments, goal, interleaved, paired, per_call_us, ratio_text

import playhead
from playhead.adapters import PlayheadMonitor, Recorder

_ALIVE: list[Any] = []


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


def mpv_callback() -> Callable[[int], None]:
    import mpv

    from playhead.adapters import mpv as adapter

    session, clock = playing_session()
    player = mpv.MPV(vo="null", ao="null")
    handle = adapter.attach(player, session)
    handle._loaded = handle._started = True
    handle.monitor.play()
    handle.monitor.playing(0)
    return position_calls(handle._on_time_pos, clock, scale=1.0)


def vlc_callback() -> Callable[[int], None]:
    import vlc

    from playhead.adapters import vlc as adapter

    session, clock = playing_session()
    instance = vlc.Instance(["--intf=dummy", "--vout=dummy", "--aout=dummy", "--quiet"])
    handle = adapter.attach(instance.media_player_new(), session)
    handle._started, handle._done = True, False
    handle.monitor.play()
    handle.monitor.playing(0)

    def time_changed(millis: int) -> None:
        handle._handle("MediaPlayerTimeChanged", millis)

    return position_calls(time_changed, clock, scale=1000.0)


def qt_callback() -> Callable[[int], None]:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtMultimedia import QMediaPlayer

    from playhead.adapters import qt as adapter

    QGuiApplication.instance() or QGuiApplication([])
    session, clock = playing_session()
    player = QMediaPlayer()
    handle = adapter.attach(player, session)
    handle._requested = handle._started = True
    handle.monitor.play()
    handle.monitor.playing(0)
    _ALIVE.append((player, handle))  # Qt deletes a player Python no longer holds
    # The slot as Qt calls it. (Emitting positionChanged from Python instead crashes PySide6
    # 6.12 after some ten thousand emits: a reference count error on the emit's result.)
    return position_calls(handle._on_position, clock, scale=1000.0)


def position_calls(
    callback: Callable[[Any], None], clock: playhead.FakeClock, scale: float
) -> Callable[[int], None]:
    """Call ``callback`` with a position moving at 1x, in the player's unit (s or ms)."""
    position = [0.0]

    def run(n: int) -> None:
        advance = clock.advance
        p = position[0]
        for _ in range(n):
            p += 0.04
            advance(0.04)
            callback(round(p * scale) if scale != 1.0 else p)
        position[0] = p

    return run


ADAPTERS: list[tuple[str, Callable[[], Callable[[int], None]]]] = [
    ("mpv: time-pos observer", mpv_callback),
    ("vlc: TimeChanged (worker side)", vlc_callback),
    ("qt: positionChanged slot", qt_callback),
]


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

    players: dict[str, Callable[[int], None]] = {}
    session, clock = playing_session()
    players["session.time_update (baseline)"] = updates_through(session, clock)
    for name, make in ADAPTERS:
        try:
            players[name] = make()
        except (ImportError, OSError) as exc:
            print(f"  {name:<40} skipped ({exc})")
    figures = interleaved(
        {name: (lambda fn=fn: per_call_us(fn, calls)) for name, fn in players.items()}, rounds
    )
    base = figures["session.time_update (baseline)"]
    print(f"\nper player callback, {rounds} interleaved rounds x {calls:,} calls")
    for name in players:
        line = f"  {name:<40} {statistics.median(figures[name]):7.2f} us"
        if name in dict(ADAPTERS):
            line += "   " + ratio_text(paired(figures[name], base), "vs baseline")
        print(line)


if __name__ == "__main__":
    main()
