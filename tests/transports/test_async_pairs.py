"""AsyncHttpTransport posts a second batch while the first waits for its answer: what that
changes (two requests at once, only while the collector answers) and what it must not
(every event once, bisection, close's deadline, the loop going away mid-request)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from playhead import AsyncHttpTransport, DeliveryError

from .collector import Collector, Reset, Slow, Status
from .events import make_event, make_events

FAST = {"flush_interval": 0.02, "backoff_base": 0.01, "backoff_max": 0.05}


def make(collector: Collector, **options: Any) -> AsyncHttpTransport:
    return AsyncHttpTransport(collector.api_key, host=collector.url, **{**FAST, **options})


async def answered_once(transport: AsyncHttpTransport) -> None:
    """One event delivered: the collector has answered, so batches may go two at a time."""
    transport.send(make_event())
    report = await transport.aflush(10)
    assert report.remaining == 0


async def until_in_flight(transport: AsyncHttpTransport, events: int) -> None:
    for _ in range(500):  # bounded: 5 s
        if transport.stats.in_flight == events:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never {events} in flight: {transport.stats}")


async def two_hanging(
    collector: Collector, events: list[dict[str, Any]], seconds: float, **options: Any
) -> AsyncHttpTransport:
    """A started transport with ``events`` in two requests the collector holds ``seconds``."""
    transport = make(collector, **options)
    await transport.start()
    await answered_once(transport)
    collector.add_faults(Slow(seconds), Slow(seconds))
    for e in events:
        transport.send(e)
    await until_in_flight(transport, len(events))
    return transport


def test_a_second_batch_goes_out_while_the_first_waits_for_its_answer(
    collector: Collector,
) -> None:
    events = make_events(400)

    async def main() -> None:
        async with make(collector) as transport:
            await answered_once(transport)
            collector.add_faults(Slow(0.3), Slow(0.3))
            for e in events:
                transport.send(e)
            await until_in_flight(transport, 200)  # two batches of 100 in flight at once
            report = await transport.aflush(10)
            assert report.delivered == 401
            assert report.remaining == 0

    asyncio.run(main())
    assert collector.most_active == 2
    assert set(collector.received) >= {e["messageId"] for e in events}
    assert len(collector.received) == 401
    assert not collector.duplicates


class Script:
    """A collector as a function (error path): answers 503 until ``failing_until``, then
    200; records how many requests were in flight when each began, and the messageIds."""

    def __init__(self, failing_for: float) -> None:
        self.failing_until = time.monotonic() + failing_for
        self.active = 0
        self.seen: list[tuple[int, int]] = []  # (requests in flight at the start, status)
        self.delivered: list[str] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        import json

        self.active += 1
        at_start = self.active
        await asyncio.sleep(0.02)
        self.active -= 1
        status = 503 if time.monotonic() < self.failing_until else 200
        self.seen.append((at_start, status))
        if status == 200:
            self.delivered += [e["messageId"] for e in json.loads(request.content)["batch"]]
        return httpx.Response(status, json={})


def test_one_batch_at_a_time_until_the_collector_has_answered() -> None:
    script = Script(failing_for=0.3)
    events = make_events(600)

    async def main() -> None:
        transport = AsyncHttpTransport(
            "k", host="http://collector.test", http_transport=httpx.MockTransport(script), **FAST
        )
        async with transport:
            for e in events:
                transport.send(e)
            report = await transport.aflush(10)
            assert report.delivered == 600

    asyncio.run(main())
    failed = [at_start for at_start, status in script.seen if status == 503]
    assert failed  # the collector refused for a while
    assert max(failed) == 1  # while it refuses, no second batch joins the one retried
    assert max(at_start for at_start, _ in script.seen) == 2  # once it answers, two at once
    assert sorted(script.delivered) == sorted(e["messageId"] for e in events)


def test_every_event_once_through_faults_with_two_in_flight(collector: Collector) -> None:
    events = make_events(2_000)

    async def main() -> None:
        async with make(collector, strict=True) as transport:
            await answered_once(transport)
            collector.add_faults(
                Slow(0.1), Status(503), Slow(0.1), Reset(), Slow(0.1), Status(429, "0.05")
            )
            for e in events:
                transport.send(e)
            report = await transport.aflush(20)
            assert report.delivered == 2_001
            assert report.remaining == 0
            assert transport.stats.retried >= 3

    asyncio.run(main())
    assert collector.most_active == 2
    assert {e["messageId"] for e in events} <= set(collector.received)
    assert not collector.duplicates
    assert not collector.invalid


def test_bisection_in_both_batches_of_a_pair(collector: Collector) -> None:
    events = make_events(400)
    bad = [make_event(position=-1.5), make_event(position=-2.5)]
    events[130:130] = [bad[0]]  # in the second batch of 100
    events[260:260] = [bad[1]]  # in the third
    errors: list[DeliveryError] = []

    async def main() -> None:
        async with make(collector, strict=True, on_error=errors.append) as transport:
            await answered_once(transport)
            collector.add_faults(Slow(0.1), Slow(0.1))
            for e in events:
                transport.send(e)
            report = await transport.aflush(20)
            assert report.delivered == 401
            assert report.rejected == 2

    asyncio.run(main())
    assert collector.most_active == 2
    assert sorted(e.message_id or "" for e in errors) == sorted(b["messageId"] for b in bad)
    good = {e["messageId"] for e in events} - {b["messageId"] for b in bad}
    assert good <= set(collector.received)
    assert not {b["messageId"] for b in bad} & set(collector.received)
    assert not collector.duplicates


# cancelling httpcore mid-request leaves an internal coroutine unawaited; that is the point here
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_both_requests_cut_by_loop_teardown_are_finished_without_the_loop(
    collector: Collector,
) -> None:
    events = make_events(200)

    async def main() -> AsyncHttpTransport:
        # asyncio.run cancels the worker and its second task once this returns
        return await two_hanging(collector, events, 0.5)

    transport = asyncio.run(main())
    stats = transport.stats
    assert stats.in_flight == 0
    assert stats.sent == 201
    assert stats.dropped_total == 0
    # at least once: the cut requests may also have reached the collector (same messageIds)
    assert collector.wait_for(201, timeout=5)
    assert {e["messageId"] for e in events} <= set(collector.received)


def test_close_keeps_its_deadline_with_two_requests_hanging(collector: Collector) -> None:
    events = make_events(200)

    async def main() -> tuple[float, Any]:
        transport = await two_hanging(collector, events, 1.5)
        started = time.monotonic()
        report = await transport.aclose(0.3)
        return time.monotonic() - started, report

    elapsed, report = asyncio.run(main())
    assert elapsed < 1.0  # not the 1.5 s the collector takes
    # nothing unaccounted for: the hanging requests' events are still counted as remaining
    assert report.delivered + report.remaining + report.dropped == 201
    assert report.remaining + report.dropped >= 200


def test_close_writes_both_hanging_batches_to_the_spool(
    collector: Collector, tmp_path: Any
) -> None:
    events = make_events(200)

    async def main() -> Any:
        # a long flush interval: the events wait in memory for their spool write until close
        transport = await two_hanging(
            collector, events, 1.5, spool_path=tmp_path / "spool.sqlite", flush_interval=5
        )
        return await transport.aclose(0.3)

    report = asyncio.run(main())
    assert report.spooled == 200  # the events of both requests, not only the later one's
    assert report.remaining == 200
