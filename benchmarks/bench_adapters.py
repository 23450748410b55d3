"""Adapter hot-path costs: a time update through the monitor and the recorder.

Run: ``python benchmarks/bench_adapters.py``. Players report the playhead at frame rate (mpv: once
per frame, 25-100 a second at speed 1-4), so what an adapter adds to a time update matters.
Prints microseconds per time update for the bare session (the baseline, measured in the same
run), through the PlayheadMonitor (inferring, and standing down), and through monitor and
Recorder together, with the ratio to the baseline so machine speed cancels out.

Then each adapter's own position callback (mpv ``time-pos``, VLC ``TimeChanged`` on its worker,
Qt ``positionChanged``, each called as the player calls it),
on a real but idle player object, against the same baseline: what an adapter adds per player
callback. GStreamer has no position callback (the adapter polls ``query_position``), so it has
no row. A player library that is not installed is skipped with a note.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from _timing import REPEATS, best_per_call

import playhead
from playhead.adapters import PlayheadMonitor, Recorder

CALLS = 200_000
ADAPTER_CALLS = 50_000
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

    print(f"\nper player callback, best of {REPEATS} x {ADAPTER_CALLS:,} calls")
    for name, make in ADAPTERS:
        try:
            run = make()
        except (ImportError, OSError) as exc:
            print(f"  {name:<40} skipped ({exc})")
            continue
        session, clock = playing_session()
        base = best_per_call(updates_through(session, clock), ADAPTER_CALLS)
        micros = best_per_call(run, ADAPTER_CALLS)
        print(f"  {name:<40} {micros:7.2f} us   x{micros / base:5.2f} (baseline {base:.2f} us)")


if __name__ == "__main__":
    main()
