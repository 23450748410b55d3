"""Delivery benchmark: playhead.HttpTransport against Customer.io's Python client, same run.

Prints figures (it asserts nothing): end-to-end delivered events/s into the same loopback
collector (TCP_NODELAY on), caller cost per send()/track(), memory per queued event
(tracemalloc), and the cost of the spool per event. Loopback only.

    python benchmarks/bench_http.py [--events 50000]

The comparison needs ``customerio-cdp-analytics`` (``pip install 'playhead[bench]'``); without
it the playhead figures are printed alone, with a note.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the collector the tests use (tests.transports.collector)

import httpx  # noqa: E402
import structlog  # noqa: E402

import playhead  # noqa: E402


class Collector:
    """The tests' loopback collector (TCP_NODELAY on, no schema validation), run in its own
    process so it does not share a GIL with the client being measured."""

    def __init__(self, api_key: str) -> None:
        self.api_key = api_key
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.transports.collector", api_key],
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

    def wait_for(self, count: int, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.count() >= count:
                return True
            time.sleep(0.005)
        return False

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(10)


_REFUSING = socket.socket()  # bound, never listening: every connection is refused
_REFUSING.bind(("127.0.0.1", 0))
DEAD = f"http://127.0.0.1:{_REFUSING.getsockname()[1]}"

try:
    from customerio.analytics import Client as CioClient  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - optional
    CioClient = None


def properties(i: int) -> dict[str, Any]:
    return {
        "session_id": "9b1c3f1e-6a7d-4a51-9a3e-0d5f2c8b7e11",
        "asset_id": "c1",
        "position": i % 600,
        "total_length": 600,
        "video_player": "mpv",
        "livestream": False,
    }


CONTEXT = {"library": {"name": "playhead", "version": playhead.__version__}}
STAMP = "2024-01-15T10:30:00.000Z"
STAMP_DT = datetime.datetime(2024, 1, 15, 10, 30, tzinfo=datetime.timezone.utc)


def payload(i: int) -> dict[str, Any]:
    """One Video Content Playing event, as the tracker makes it."""
    return {
        "type": "track",
        "event": "Video Content Playing",
        "userId": "u1",
        "properties": properties(i),
        "messageId": str(uuid.uuid4()),
        "timestamp": STAMP,
        "context": CONTEXT,
    }


def payloads(n: int) -> Iterator[dict[str, Any]]:
    return (payload(i) for i in range(n))


# ------------------------------------------------------------------ playhead
def ours(host: str, n: int, **options: Any) -> playhead.HttpTransport:
    return playhead.HttpTransport(
        "bench-key", host=host, max_queue_events=max(n, 10_000), **options
    )


def ours_throughput(collector: Collector, n: int, **options: Any) -> tuple[float, float]:
    """(delivered events/s, caller us per send) for n events into the collector."""
    events = list(payloads(n))
    transport = ours(collector.url, n, **options)
    base = collector.count()
    started = time.perf_counter()
    for e in events:
        transport.send(e)
    sent = time.perf_counter()
    ok = collector.wait_for(base + n, timeout=120)
    done = time.perf_counter()
    transport.close(5)
    assert ok, "not everything arrived"
    return n / (done - started), (sent - started) / n * 1e6


def ours_async_throughput(collector: Collector, n: int) -> tuple[float, float]:
    """The same with AsyncHttpTransport, sending from a coroutine on the loop."""
    import asyncio

    events = list(payloads(n))

    async def run() -> tuple[float, float]:
        transport = playhead.AsyncHttpTransport(
            "bench-key", host=collector.url, max_queue_events=max(n, 10_000)
        )
        await transport.start()
        base = collector.count()
        started = time.perf_counter()
        for e in events:
            transport.send(e)
        sent = time.perf_counter()
        await transport.aflush(120)
        ok = await asyncio.to_thread(collector.wait_for, base + n, 120)
        done = time.perf_counter()
        await transport.aclose(5)
        assert ok, "not everything arrived"
        return n / (done - started), (sent - started) / n * 1e6

    return asyncio.run(run())


def ours_send_cost(n: int) -> float:
    """us per send() with a worker that only queues (dead endpoint, long backoff)."""
    transport = ours(DEAD, n, backoff_base=60, backoff_max=60, flush_interval=60)
    events = list(payloads(n))
    started = time.perf_counter()
    for e in events:
        transport.send(e)
    cost = (time.perf_counter() - started) / n * 1e6
    transport.close(0.01)
    return cost


def queued_memory(
    make: Callable[[], Any],
    send: Callable[[Any, dict[str, Any]], None],
    n: int,
    settle: Callable[[Any], None],
) -> float:
    """Bytes held per queued event, measured with tracemalloc (event dicts made and dropped
    one at a time, as a tracker does)."""
    client = make()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(n):
        send(client, payload(i))
    settle(client)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / n, client


def spool_costs(n: int) -> dict[str, float]:
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for durability in ("sync", "batched"):
            path = os.path.join(tmp, f"{durability}.sqlite")
            transport = playhead.HttpTransport(
                "bench-key",
                host=DEAD,
                spool_path=path,
                spool_durability=durability,
                backoff_base=60,
                backoff_max=60,
                flush_interval=0.05,
                max_queue_events=max(n, 10_000),
            )
            events = list(payloads(n))
            started = time.perf_counter()
            for e in events:
                transport.send(e)
            out[f"send_{durability}"] = (time.perf_counter() - started) / n * 1e6
            deadline = time.monotonic() + 60
            while transport.stats.spooled < n and time.monotonic() < deadline:
                time.sleep(0.01)
            out[f"disk_{durability}"] = (time.perf_counter() - started) / n * 1e6
            transport.close(0.01)
    return out


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
    events = list(payloads(n))
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


# ------------------------------------------------------------------ Customer.io
def theirs(host: str, n: int, **options: Any) -> Any:
    return CioClient("bench-key", host=host, max_queue_size=max(n, 10_000) + 1, **options)


def theirs_track(client: Any, event: dict[str, Any]) -> None:
    client.track(
        user_id=event["userId"],
        event=event["event"],
        properties=event["properties"],
        context=event["context"],
        timestamp=STAMP_DT,  # their client wants a datetime
        message_id=event["messageId"],
    )


def theirs_throughput(collector: Collector, n: int) -> tuple[float, float]:
    events = list(payloads(n))
    client = theirs(collector.url, n)
    base = collector.count()
    started = time.perf_counter()
    for e in events:
        theirs_track(client, e)
    sent = time.perf_counter()
    ok = collector.wait_for(base + n, timeout=300)
    done = time.perf_counter()
    client.shutdown()
    assert ok, "not everything arrived"
    return n / (done - started), (sent - started) / n * 1e6


def theirs_send_cost(n: int) -> float:
    client = theirs(DEAD, n, send=False)  # their "sending off" mode: queue work only
    events = list(payloads(n))
    started = time.perf_counter()
    for e in events:
        theirs_track(client, e)
    cost = (time.perf_counter() - started) / n * 1e6
    client.send = False
    for consumer in client.consumers or []:
        consumer.pause()
    return cost


# ------------------------------------------------------------------ main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=50_000, help="events per throughput run")
    parser.add_argument("--memory-events", type=int, default=10_000)
    parser.add_argument("--spool-events", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3, help="throughput runs (best is kept)")
    parser.add_argument("--fault-sends", type=int, default=40_000, help="sends per fault case")
    args = parser.parse_args()
    n = args.events
    # keep log lines (retry warnings against the dead endpoint) out of the figures
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(40))
    import logging

    logging.getLogger("customerio").setLevel(logging.CRITICAL)
    logging.getLogger("backoff").setLevel(logging.CRITICAL)

    print(
        f"playhead {playhead.__version__}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"
    )
    have_theirs = CioClient is not None
    if not have_theirs:
        print(
            "customerio-cdp-analytics is not installed: comparison skipped "
            "(pip install 'playhead[bench]')"
        )

    collector = Collector(api_key="bench-key")
    try:
        # warm-up: imports, connections, code paths
        ours_throughput(collector, 2_000)
        if have_theirs:
            theirs_throughput(collector, 2_000)

        rows: list[tuple[str, float, float | None, str]] = []
        # best of --repeat runs, alternating the two clients (the machine may be shared)
        runs = [ours_throughput(collector, n) for _ in range(args.repeat)]
        eps, cost_live = max(r[0] for r in runs), min(r[1] for r in runs)
        eps_gzip = max(ours_throughput(collector, n, gzip=True)[0] for _ in range(args.repeat))
        eps_async = max(ours_async_throughput(collector, n)[0] for _ in range(args.repeat))
        their_eps = their_cost_live = None
        if have_theirs:
            theirs_runs = [theirs_throughput(collector, n) for _ in range(args.repeat)]
            their_eps = max(r[0] for r in theirs_runs)
            their_cost_live = min(r[1] for r in theirs_runs)
        rows.append(("delivered events/s (loopback)", eps, their_eps, "higher is better"))
        rows.append(("  with gzip=True", eps_gzip, None, ""))
        rows.append(("  AsyncHttpTransport", eps_async, None, ""))
        rows.append(("caller us per call, live sink", cost_live, their_cost_live, "lower"))

        cost_idle = ours_send_cost(n)
        their_idle = theirs_send_cost(n) if have_theirs else None
        rows.append(("caller us per call, sending off", cost_idle, their_idle, "lower"))

        def settle_ours(t: Any) -> None:
            deadline = time.monotonic() + 30
            while t._engine.inbox and time.monotonic() < deadline:
                time.sleep(0.01)  # the worker serialises the inbox within a flush interval

        m = args.memory_events
        mem, t = queued_memory(
            lambda: ours(DEAD, m, backoff_base=60, backoff_max=60, flush_interval=0.05),
            lambda c, e: c.send(e),
            m,
            settle_ours,
        )
        t.close(0.01)
        their_mem = None
        if have_theirs:

            def idle_client() -> Any:
                client = theirs(DEAD, m)
                for consumer in client.consumers or []:
                    consumer.pause()  # its thread exits after one (empty) upload interval
                time.sleep(0.7)
                return client

            their_mem, _ = queued_memory(idle_client, theirs_track, m, lambda c: None)
        rows.append(("bytes of memory per queued event", mem, their_mem, "lower"))

        spool = spool_costs(args.spool_events)
        rows.append(("spool sync: us per send() (on disk)", spool["send_sync"], None, ""))
        rows.append(("spool batched: us per send()", spool["send_batched"], None, ""))
        rows.append(("spool batched: us to disk per event", spool["disk_batched"], None, ""))
        duplicates = collector.stats()["duplicates"]
    finally:
        collector.close()

    print()
    print(f"{'measure':<40} {'playhead':>12} {'customer.io':>12} {'ratio':>8}")
    for name, mine, other, better in rows:
        ratio = ""
        if other:
            ratio = f"{(mine / other if better.startswith('higher') else other / mine):.1f}x"
        other_text = f"{other:,.1f}" if other is not None else "-"
        print(f"{name:<40} {mine:>12,.1f} {other_text:>12} {ratio:>8}")
    print(
        "\nratio: how many times better playhead is (throughput: ours/theirs; costs: theirs/ours)"
    )
    print(
        f"events per throughput run: {n:,}; memory run: {args.memory_events:,}; "
        f"spool run: {args.spool_events:,}; duplicates seen by the collector: {duplicates}"
    )
    print_send_worst_case(args.fault_sends)
    threading.Event().wait(0.01)


if __name__ == "__main__":
    main()
