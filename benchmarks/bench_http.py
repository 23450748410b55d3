"""Delivery: playhead's HTTP transports against Customer.io's Python client, same run, goal 7.

    python benchmarks/bench_http.py [--quick] [--events N] [--rounds R]

Method. The tests' loopback collector (TCP_NODELAY on, no schema validation) runs in its own
process, so it shares no GIL with the client measured; it is reset before every run and counts
in O(1); the benchmark waits for a run's events with one blocking request (``/wait``), not by
polling. The cases run round by round, their order
rotating, and every ratio is paired within a round (min and median reported, never best-of):

- delivered events/s, from the first call until the collector holds every event: threaded
  ``HttpTransport`` (also with ``gzip=True``), ``AsyncHttpTransport``, ``HttpTransport`` with a
  ``batched`` and a ``sync`` spool; Customer.io's client sending the same events. Each event is
  built inside the loop, as a tracker builds it.
- caller cost, like with like: a player callback (``waiting()`` / ``playing()`` in turn, each
  emitting one event) through ``Tracker`` + ``HttpTransport``, payload building included,
  against one Customer.io ``track()`` per callback with the same properties built per call;
  with a live collector, and with sending off (playhead: endpoint down; theirs: ``send=False``).
- memory per queued event (tracemalloc), once per client.

Needs ``customerio-cdp-analytics`` (``pip install -e '.[bench]'``) for the comparisons; without
it the goals print ``not met`` with the reason. Loopback only.
"""

from __future__ import annotations

import asyncio
import datetime
import gc
import logging
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _timing import arguments, goal, interleaved, paired, ratio_text, spread

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the collector the tests use (tests.transports.collector)

import httpx  # noqa: E402

import playhead  # noqa: E402
from playhead.payload import PayloadFactory  # noqa: E402

try:
    from customerio.analytics import Client as CioClient  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - optional
    CioClient = None

KEY = "bench-key"
SESSION_ID = "9b1c3f1e-6a7d-4a51-9a3e-0d5f2c8b7e11"
CONTEXT = {"library": {"name": "playhead", "version": playhead.__version__}}


class Collector:
    """The tests' collector in a child process; ``reset()`` empties it, ``count()`` is O(1)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.transports.collector", KEY],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        self.http = httpx.Client()

    def stats(self) -> dict[str, int]:
        answer: dict[str, int] = self.http.get(self.url + "/stats").json()
        return answer

    def count(self) -> int:
        return self.stats()["received"]

    def reset(self) -> None:
        self.http.post(self.url + "/reset").raise_for_status()

    def arrived(self, name: str, count: int, timeout: float = 120) -> None:
        """Wait for ``count`` events; a run that loses some is reported, not hidden."""
        if not self.wait_for(count, timeout):
            INCOMPLETE.append(f"{name}: {self.count():,} of {count:,} arrived in {timeout:g} s")

    def wait_for(self, count: int, timeout: float) -> bool:
        # one blocking request: polling /stats every few ms took the GIL from the client
        # measured (its worker most of all, which runs while the benchmark waits)
        answer = self.http.get(
            f"{self.url}/wait", params={"count": count, "timeout": timeout}, timeout=timeout + 10
        )
        return int(answer.json()["received"]) >= count

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(10)


INCOMPLETE: list[str] = []

_REFUSING = socket.socket()  # bound, never listening: every connection is refused
_REFUSING.bind(("127.0.0.1", 0))
DEAD = f"http://127.0.0.1:{_REFUSING.getsockname()[1]}"


def properties(i: int) -> dict[str, Any]:
    return {
        "session_id": SESSION_ID,
        "content_asset_id": "c1",
        "position": i % 600,
        "total_length": 600,
        "video_player": "mpv",
        "livestream": False,
    }


FACTORY = PayloadFactory(
    playhead.SystemClock(), user_id="u1", anonymous_id=None, context=None, integrations=None
)


def payload(i: int) -> dict[str, Any]:
    """One Video Content Playing event, as the tracker builds it."""
    return FACTORY.build("Video Content Playing", properties(i))


# ------------------------------------------------------------------ throughput, per run
def ours_eps(collector: Collector, n: int, **options: Any) -> float:
    collector.reset()
    transport = playhead.HttpTransport(
        KEY, host=collector.url, max_queue_events=max(n, 10_000), **options
    )
    started = time.perf_counter()
    for i in range(n):
        transport.send(payload(i))
    collector.arrived(f"HttpTransport {options}", n)
    elapsed = time.perf_counter() - started
    transport.close(5)
    return n / elapsed


def ours_spool_eps(collector: Collector, n: int, durability: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        return ours_eps(
            collector,
            n,
            spool_path=os.path.join(tmp, "spool.sqlite"),
            spool_durability=durability,
        )


def ours_async_eps(collector: Collector, n: int) -> float:
    async def run() -> float:
        collector.reset()
        transport = playhead.AsyncHttpTransport(
            KEY, host=collector.url, max_queue_events=max(n, 10_000)
        )
        await transport.start()
        started = time.perf_counter()
        for i in range(n):
            transport.send(payload(i))
            if i % 1000 == 999:
                await asyncio.sleep(0)  # a loop that also does other work
        await transport.aflush(300)
        await asyncio.to_thread(collector.arrived, "AsyncHttpTransport", n)
        elapsed = time.perf_counter() - started
        await transport.aclose(5)
        return n / elapsed

    return asyncio.run(run())


def cio_client(host: str, n: int, **options: Any) -> Any:
    return CioClient(KEY, host=host, max_queue_size=max(n, 10_000) + 1, **options)


def cio_track(client: Any, i: int) -> None:
    client.track(
        user_id="u1",
        event="Video Content Playing",
        properties=properties(i),
        context={},
        timestamp=datetime.datetime.now(datetime.timezone.utc),
    )


def cio_eps(collector: Collector, n: int) -> float:
    collector.reset()
    client = cio_client(collector.url, n)
    started = time.perf_counter()
    for i in range(n):
        cio_track(client, i)
    collector.arrived("Customer.io", n)
    elapsed = time.perf_counter() - started
    client.shutdown()
    return n / elapsed


# ------------------------------------------------------------------ caller cost, per run
def ours_callbacks_us(collector: Collector | None, n: int) -> float:
    """us per player callback through Tracker + HttpTransport (collector None: endpoint down)."""
    if collector is not None:
        collector.reset()
        transport = playhead.HttpTransport(KEY, host=collector.url, max_queue_events=n + 10)
    else:
        transport = playhead.HttpTransport(
            KEY, host=DEAD, max_queue_events=n + 10, backoff_base=60, backoff_max=60
        )
    tracker = playhead.Tracker(transport, user_id="u1", video_player="mpv")
    session = tracker.session(content=[playhead.Content(asset_id="c1", total_length=600)])
    session.play()
    session.playing(0)
    gc.collect()
    # a stall and its end: one event each (a resume after a pause also sends its heartbeat)
    waiting, playing = session.waiting, session.playing
    started = time.perf_counter()
    for _ in range(n // 2):
        waiting()
        playing()
    cost = (time.perf_counter() - started) / (n // 2 * 2) * 1e6
    if collector is not None:
        collector.arrived("callbacks, live sink", n // 2 * 2 + 3)
        transport.close(5)
    else:
        transport.close(0.01)
    return cost


def cio_tracks_us(collector: Collector | None, n: int) -> float:
    if collector is not None:
        collector.reset()
        client = cio_client(collector.url, n)
    else:
        client = cio_client(DEAD, n, send=False)
    gc.collect()
    started = time.perf_counter()
    for i in range(n):
        cio_track(client, i)
    cost = (time.perf_counter() - started) / n * 1e6
    if collector is not None:
        collector.arrived("Customer.io track(), live sink", n)
        client.shutdown()
    return cost


# ------------------------------------------------------------------ memory, once
def queued_memory(
    make: Callable[[], Any], send: Callable[[Any, int], None], n: int, settle: float
) -> float:
    """Bytes held per queued event (events built one at a time and dropped, as a tracker does)."""
    client = make()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(n):
        send(client, i)
    time.sleep(settle)  # our worker serialises what is queued within a flush interval
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / n


def memory_per_event(have_cio: bool, events: int, settle: float) -> tuple[float, float | None]:
    """Bytes held per queued event: playhead's, and Customer.io's client's when installed."""
    ours = queued_memory(
        lambda: playhead.HttpTransport(
            KEY, host=DEAD, backoff_base=60, backoff_max=60, flush_interval=0.05
        ),
        lambda t, i: t.send(payload(i)),
        events,
        settle,
    )
    if not have_cio:
        return ours, None

    def idle_client() -> Any:
        client = cio_client(DEAD, events)
        for consumer in client.consumers or []:
            consumer.pause()  # its thread exits after one (empty) upload interval
        time.sleep(0.7)
        return client

    return ours, queued_memory(idle_client, cio_track, events, 0.0)


# ==================================================================================
# send() worst case under the faults of issue 9: a full queue with a spool, a full
# disk, a misconfigured host, sends after close. Kept apart from the throughput harness
# above; main() only calls print_send_worst_case().
# ==================================================================================
class _WaitTimer:
    """Wraps the engine's state lock: the longest wait of the sending thread to take it.

    Wall times per send() on a shared machine mostly measure the OS scheduler; the wait
    for this lock is what a spool transaction held under it (the old design) costs send()."""

    def __init__(self, lock: Any, sender: int) -> None:
        self._lock = lock
        self._sender = sender
        self.longest = 0.0

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if threading.get_ident() != self._sender or not blocking:
            return bool(self._lock.acquire(blocking, timeout))
        started = time.perf_counter()
        got = bool(self._lock.acquire(blocking, timeout))
        self.longest = max(self.longest, time.perf_counter() - started)
        return got

    def release(self) -> None:
        self._lock.release()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _send_times(transport: Any, n: int) -> tuple[list[float], float]:
    """Microseconds of each of n send() calls in a tight loop (the queue fills at once), and
    the longest wait (us) of send() for the engine's lock."""
    engine = transport._engine
    timer = _WaitTimer(engine.lock, threading.get_ident())
    engine.lock, engine.changed = timer, threading.Condition(timer)  # type: ignore[arg-type]
    events = [payload(i) for i in range(n)]
    # the events made up front are the benchmark's, not the app's: a full collection over
    # them in the middle of the loop would be measured as a stall of send()
    gc.collect()
    gc.freeze()
    clock = time.perf_counter_ns
    times = []
    try:
        for e in events:
            started = clock()
            transport.send(e)
            times.append((clock() - started) / 1000)
    finally:
        gc.unfreeze()
    return times, timer.longest * 1e6


class _TinyDisk:
    """A 2 MiB tmpfs, filled to the last byte (needs root); None where it cannot be mounted."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.mounted = (
            subprocess.run(
                ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", root],
                capture_output=True,
                check=False,
            ).returncode
            == 0
        )

    def fill(self) -> None:
        fd = os.open(os.path.join(self.root, "ballast"), os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                try:
                    os.write(fd, bytes(65536))
                except OSError:
                    break
        finally:
            os.close(fd)

    def unmount(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", self.root], capture_output=True, check=False)


def send_worst_case(n: int) -> list[tuple[str, tuple[list[float], float] | None]]:
    """Per-send times (us) and the longest lock wait (us) for each fault, or None when the
    fault cannot be made here."""
    fast = {"flush_interval": 0.05, "backoff_base": 60, "backoff_max": 60}
    redirect = httpx.MockTransport(
        lambda request: httpx.Response(301, headers={"Location": "https://elsewhere.example/"})
    )
    out: list[tuple[str, tuple[list[float], float] | None]] = []
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "tiny"))
        disk = _TinyDisk(os.path.join(tmp, "tiny"))
        try:
            cases: list[tuple[str, dict[str, Any], int, bool]] = [
                ("no spool, queue full", {}, n, False),
                ("batched spool, queue full", {"spool_path": "batched.sqlite"}, n, False),
                (
                    "batched spool at its cap (256 KiB)",
                    {"spool_path": "capped.sqlite", "spool_max_bytes": 256 * 1024},
                    n,
                    False,
                ),
                (
                    "sync spool, queue full",
                    {"spool_path": "sync.sqlite", "spool_durability": "sync"},
                    n // 20,
                    False,
                ),
                ("batched spool, disk full", {"spool_path": "tiny/b.sqlite"}, n, True),
                (
                    "sync spool, disk full",
                    {"spool_path": "tiny/s.sqlite", "spool_durability": "sync"},
                    n // 20,
                    True,
                ),
                (
                    "batched spool, 301 answered (halted)",
                    {"spool_path": "halted.sqlite", "http_transport": redirect, "host": "http://x"},
                    n,
                    False,
                ),
            ]
            for name, options, count, full_disk in cases:
                if full_disk and not disk.mounted:
                    out.append((name, None))
                    continue
                if "spool_path" in options:
                    options = {**options, "spool_path": os.path.join(tmp, options["spool_path"])}
                options = {"host": DEAD, **fast, **options}
                transport = playhead.HttpTransport("bench-key", **options)
                if full_disk:
                    disk.fill()
                out.append((name, _send_times(transport, count)))
                transport.close(0.5)
            closed = playhead.HttpTransport("bench-key", host=DEAD, on_drop=lambda r, p: None)
            closed.close(0)
            out.append(("after close() (on_drop set)", _send_times(closed, n)))
        finally:
            disk.unmount()
    return out


def print_send_worst_case(n: int) -> None:
    print(f"\nsend() under faults ({n:,} sends in a tight loop per case; queue bound 10,000)")
    print(
        f"{'case':<40} {'p50 us':>7} {'p99 us':>7} {'p99.9 us':>9} {'max ms':>7} "
        f"{'lock wait max us':>17}"
    )
    for name, measured in send_worst_case(n):
        if measured is None:
            print(f"{name:<40} skipped: mounting a tmpfs needs root")
            continue
        times, waited = measured
        ordered = sorted(times)

        def at(q: float, ordered: list[float] = ordered) -> float:
            return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

        print(
            f"{name:<40} {at(0.5):>7.1f} {at(0.99):>7.1f} {at(0.999):>9.1f} "
            f"{ordered[-1] / 1000:>7.2f} {waited:>17.1f}"
        )
    print(
        "max ms includes the OS scheduler (a shared machine); the lock wait is what the worker "
        "made send() wait for"
    )


# ------------------------------------------------------------------ main
def main() -> int:
    parser = arguments(__doc__)
    parser.add_argument("--events", type=int, default=None, help="events per throughput run")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--fault-sends", type=int, default=None, help="sends per fault case")
    parser.add_argument(
        "--only",
        default=None,
        help="comma-separated delivery cases to run with Customer.io's beside them (threaded, "
        "'threaded, gzip', asyncio, 'spool batched', 'spool sync'); skips the caller-cost, "
        "memory and send()-under-faults parts",
    )
    args = parser.parse_args()
    only = None if args.only is None else {name.strip() for name in args.only.split(",")}
    n = args.events or (300 if args.quick else 20_000)
    rounds = args.rounds or (1 if args.quick else 3)
    n_sync = max(50, n // 10)  # fsync per event: a tenth of the events, same events/s figure
    calls = max(300, n // 2)
    memory_events, settle = (500, 0.2) if args.quick else (5_000, 1.0)
    # keep log lines (retry warnings against the dead endpoint) out of the figures
    for name in ("playhead", "customerio", "backoff", "analytics"):
        logging.getLogger(name).setLevel(logging.CRITICAL)

    print(
        f"playhead {playhead.__version__}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs; "
        f"{rounds} interleaved rounds, {n:,} events per throughput run "
        f"({n_sync:,} with the sync spool), {calls:,} callbacks per caller-cost run\n"
    )
    have_cio = CioClient is not None
    collector = Collector()
    try:
        ours_eps(collector, 500)  # warm-up: imports, connections, code paths
        cases: dict[str, Callable[[], float]] = {
            "threaded": lambda: ours_eps(collector, n),
            "threaded, gzip": lambda: ours_eps(collector, n, gzip=True),
            "asyncio": lambda: ours_async_eps(collector, n),
            "spool batched": lambda: ours_spool_eps(collector, n, "batched"),
            "spool sync": lambda: ours_spool_eps(collector, n_sync, "sync"),
            "callback, live sink": lambda: ours_callbacks_us(collector, calls),
            "callback, sending off": lambda: ours_callbacks_us(None, calls),
        }
        if have_cio:
            cio_eps(collector, 500)
            cases["Customer.io"] = lambda: cio_eps(collector, n)
            cases["Customer.io track(), live sink"] = lambda: cio_tracks_us(collector, calls)
            cases["Customer.io track(), send off"] = lambda: cio_tracks_us(None, calls)
        if only is not None:
            unknown = only - set(cases)
            if unknown:
                parser.error(f"--only: no case named {', '.join(sorted(unknown))}")
            cases = {k: v for k, v in cases.items() if k in only or k == "Customer.io"}
        figures = interleaved(cases, rounds)
        duplicates = collector.stats()["duplicates"]
        ours_mem = their_mem = None
        if only is None:
            ours_mem, their_mem = memory_per_event(have_cio, memory_events, settle)
    finally:
        collector.close()

    unit = {"callback": "us per call", "Customer.io track": "us per call"}
    for name, values in figures.items():
        kind = next((u for k, u in unit.items() if name.startswith(k)), "events/s")
        print(f"  {name:<34} median {statistics.median(values):>10,.1f} {kind}")
    if ours_mem is not None:
        print(
            f"  memory per queued event: playhead {ours_mem:,.0f} B"
            + (f", Customer.io {their_mem:,.0f} B" if their_mem is not None else "")
        )
    print(f"  duplicates seen by the collector: {duplicates}")
    for note in INCOMPLETE:
        print(f"  INCOMPLETE RUN (its figure counts the whole wait): {note}")
    print()

    def versus(name: str, target: float, label: str) -> None:
        if name not in figures:
            return
        if not have_cio:
            print(goal(label, "-", f">= {target:g}x", False, "customerio-cdp-analytics missing"))
            return
        ratios = paired(figures[name], figures["Customer.io"])
        print(
            goal(
                label,
                f"{statistics.median(figures[name]):,.0f} vs "
                f"{statistics.median(figures['Customer.io']):,.0f} events/s",
                f">= {target:g}x Customer.io's events/s (median of paired ratios)",
                spread(ratios)[1] >= target,
                ratio_text(ratios, "ours / theirs:"),
            )
        )

    versus("threaded", 3, "7 threaded HttpTransport delivery")
    versus("asyncio", 3, "7 AsyncHttpTransport delivery")
    versus("spool batched", 2, "7 HttpTransport with a batched spool")
    if have_cio and only is None:
        sync = paired(figures["spool sync"], figures["Customer.io"])
        print(
            f"  (spool sync, documented, no target: "
            f"{statistics.median(figures['spool sync']):,.0f} events/s, "
            f"{ratio_text(sync, 'ours / theirs:')}; gzip: "
            f"{ratio_text(paired(figures['threaded, gzip'], figures['Customer.io']), '')})"
        )
    for ours_name, their_name, label in (
        ("callback, live sink", "Customer.io track(), live sink", "live sink"),
        ("callback, sending off", "Customer.io track(), send off", "sending off"),
    ):
        if ours_name not in figures:
            continue
        if not have_cio:
            print(goal(f"1 caller cost, {label}", "-", ">= 2x", False, "customerio missing"))
            continue
        ratios = paired(figures[their_name], figures[ours_name])
        print(
            goal(
                f"1 caller cost per player callback, {label}",
                f"{statistics.median(figures[ours_name]):.2f} us (Tracker + HttpTransport) vs "
                f"{statistics.median(figures[their_name]):.2f} us (one track())",
                ">= 2x cheaper (median of paired ratios)",
                spread(ratios)[1] >= 2,
                ratio_text(ratios, "their cost / ours:"),
            )
        )
    if only is None:
        print_send_worst_case(args.fault_sends or (2_000 if args.quick else 40_000))
    return 0


if __name__ == "__main__":
    sys.exit(main())
