"""CPU per 100-event request: the route playhead takes without a proxy against httpx's client.

    python benchmarks/bench_post_route.py [--quick] [--blocks B] [--rounds R]

What it isolates (goal 7's remaining cost for asyncio, see docs/delivery.md). Without a proxy
in the environment, each batch is handed straight to the httpx transport the worker owns
(``SyncPoster.post`` / ``AsyncPoster.post``); before, it went through ``client.post(url_str)``.
Both routes here use the very same client, transport and connection, so the difference is the
client's per-request machinery alone; ``client.post`` with the URL parsed once is measured too,
to show the URL parsing's share. CPU time of the posting thread (``time.thread_time``), the
loopback collector in its own process; the variants alternate in blocks of 10 requests and the
ratios are paired per block (min, median, quartiles). Loopback only.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from _timing import arguments
from bench_http import KEY, Collector, payload

import playhead
from playhead.transports._engine import Engine
from playhead.transports._posting import AsyncPoster, SyncPoster

PER_BLOCK = 10


def bodies(engine: Engine, count: int) -> list[bytes]:
    """``count`` distinct 100-event batch bodies, built as the engine builds them."""
    out = []
    for b in range(count):
        items = []
        for i in range(100):
            event = payload(b * 100 + i)
            items.append(engine._serialise(event)[1])  # type: ignore[index]
        out.append(engine.body(items))
    return out


def blocks(variants: dict[str, Callable[[], float]], count: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in variants}
    for b in range(count):
        names = list(variants)
        names = names[b % len(names) :] + names[: b % len(names)]
        for name in names:
            times[name].append(variants[name]())
    return times


def sync_variants(poster: SyncPoster, url: str, next_body: Callable[[], bytes]) -> Any:
    client, parsed = poster.client, httpx.URL(url)

    def timed(post: Callable[[], object]) -> Callable[[], float]:
        def run() -> float:
            started = time.thread_time()
            for _ in range(PER_BLOCK):
                post()
            return (time.thread_time() - started) / PER_BLOCK * 1e3

        return run

    return {
        "client.post(url string) (before)": timed(
            lambda: client.post(url, content=next_body(), timeout=10).content
        ),
        "client.post(parsed URL)": timed(
            lambda: client.post(parsed, content=next_body(), timeout=10).content
        ),
        "direct route (after)": timed(lambda: poster.post(next_body(), 10)),
    }


async def async_blocks(
    poster: AsyncPoster, url: str, next_body: Callable[[], bytes], count: int
) -> dict[str, list[float]]:
    client, parsed = poster.client, httpx.URL(url)

    async def before() -> object:
        return (await client.post(url, content=next_body(), timeout=10)).content

    async def parsed_once() -> object:
        return (await client.post(parsed, content=next_body(), timeout=10)).content

    async def after() -> object:
        return await poster.post(next_body(), 10)

    variants: dict[str, Callable[[], Awaitable[object]]] = {
        "client.post(url string) (before)": before,
        "client.post(parsed URL)": parsed_once,
        "direct route (after)": after,
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    for b in range(count):
        names = list(variants)
        names = names[b % len(names) :] + names[: b % len(names)]
        for name in names:
            started = time.thread_time()
            for _ in range(PER_BLOCK):
                await variants[name]()
            times[name].append((time.thread_time() - started) / PER_BLOCK * 1e3)
    return times


def report(kind: str, times: dict[str, list[float]]) -> None:
    names = list(times)
    print(f"{kind}: ms of CPU per 100-event request (median over {len(times[names[0]])} blocks)")
    for name in names:
        print(f"  {name:<34} {statistics.median(times[name]):.3f}")
    for top, bottom in ((names[1], names[0]), (names[2], names[1]), (names[2], names[0])):
        ratios = [a / b for a, b in zip(times[top], times[bottom], strict=True)]
        q1, _, q3 = statistics.quantiles(ratios, n=4)
        print(
            f"  {top} / {bottom}: min {min(ratios):.2f}, median {statistics.median(ratios):.2f} "
            f"(quartiles {q1:.2f}-{q3:.2f})"
        )


def main() -> int:
    parser = arguments(__doc__)
    parser.add_argument(
        "--blocks", type=int, default=None, help="blocks of 10 requests per variant"
    )
    args = parser.parse_args()
    count = args.blocks or (5 if args.quick else 60)
    collector = Collector()
    # a real transport's engine (default options) builds the bodies; its worker stays idle
    transport = playhead.HttpTransport(KEY, host=collector.url)
    try:
        engine = transport._engine
        url = engine.opts.url
        cycle = itertools.cycle(bodies(engine, 50))

        def next_body() -> bytes:
            return next(cycle)

        print(
            f"{count} blocks of {PER_BLOCK} requests per variant, alternating; "
            f"{len(next_body()):,}-byte bodies (the benchmark's events)\n"
        )

        async def run_async() -> dict[str, list[float]]:
            poster = AsyncPoster(engine, None)
            try:
                await poster.post(next_body(), 10)  # the connection, before timing
                return await async_blocks(poster, url, next_body, count)
            finally:
                await poster.aclose()

        report("AsyncHttpTransport's route", asyncio.run(run_async()))
        poster = SyncPoster(engine, None)
        try:
            poster.post(next_body(), 10)
            report("HttpTransport's route", blocks(sync_variants(poster, url, next_body), count))
        finally:
            poster.close()
    finally:
        transport.close(1)
        collector.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
