"""AsyncHttpTransport: the same engine driven by httpx.AsyncClient on the app's loop."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import httpx
import pytest

from playhead import AsyncHttpTransport, DeliveryError

from .collector import Collector, Reset, Slow, Status
from .events import arrived_once, make_event, make_events

FAST = {"flush_interval": 0.02, "backoff_base": 0.01, "backoff_max": 0.1}


def make(collector: Collector, **options: Any) -> AsyncHttpTransport:
    return AsyncHttpTransport(collector.api_key, host=collector.url, **{**FAST, **options})


def test_delivers_through_faults_exactly_once(collector: Collector) -> None:
    collector.add_faults(Status(503), Reset(), Status(429, retry_after="0.1"), Slow(0.1))
    events = make_events(2_000)

    async def main() -> None:
        async with make(collector, strict=True) as transport:
            for e in events:
                transport.send(e)
            report = await transport.aflush(20)
            assert report.delivered == 2_000
            assert report.remaining == 0
            assert transport.stats.retried >= 3

    asyncio.run(main())
    assert set(collector.received) == {e["messageId"] for e in events}
    assert not collector.duplicates
    assert not collector.invalid
    assert all(r.strict for r in collector.requests)


def test_sends_from_a_player_thread_are_delivered(collector: Collector) -> None:
    events = make_events(500)

    async def main() -> None:
        transport = make(collector)
        await transport.start()
        player = threading.Thread(target=lambda: [transport.send(e) for e in events])
        player.start()
        await asyncio.to_thread(player.join)
        report = await transport.aclose(10)
        assert report.delivered == 500

    asyncio.run(main())
    assert arrived_once(collector.events, events, in_order=False)


def test_strict_batch_with_one_invalid_event_delivers_the_others(collector: Collector) -> None:
    events = make_events(20)
    bad = make_event(position=-1.5)
    events.insert(7, bad)
    errors: list[DeliveryError] = []

    async def main() -> None:
        transport = make(collector, strict=True, flush_interval=5, on_error=errors.append)
        await transport.start()
        for e in events:
            transport.send(e)
        report = await transport.aclose(10)
        assert report.delivered == 20
        assert report.rejected == 1

    asyncio.run(main())
    assert [e.message_id for e in errors] == [bad["messageId"]]
    assert len(collector.received) == 20
    assert bad["messageId"] not in collector.received


def test_events_left_when_asyncio_run_ends_are_still_delivered(collector: Collector) -> None:
    events = make_events(50)

    async def main() -> AsyncHttpTransport:
        transport = make(collector, flush_interval=30)  # nothing goes out by itself
        await transport.start()
        for e in events:
            transport.send(e)
        await asyncio.sleep(0.05)
        assert not collector.received  # 50 < max_batch_events and the interval is 30 s
        return transport  # asyncio.run cancels the worker task now

    transport = asyncio.run(main())
    assert collector.events == events
    assert not collector.duplicates
    assert transport.stats.sent == 50
    assert transport.close(1).remaining == 0


# cancelling httpx mid-connect leaves an internal coroutine unawaited; that is the point here
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_request_cut_by_loop_teardown_is_finished_without_the_loop(
    collector: Collector,
) -> None:
    collector.add_faults(Slow(0.5))
    events = make_events(30)

    async def main() -> AsyncHttpTransport:
        transport = make(collector)
        await transport.start()
        for e in events:
            transport.send(e)
        for _ in range(300):  # until the request waits on the slow collector
            if transport.stats.in_flight == 30:
                break
            await asyncio.sleep(0.01)
        assert transport.stats.in_flight == 30
        return transport

    transport = asyncio.run(main())
    assert transport.stats.in_flight == 0
    assert transport.stats.sent == 30
    # at least once: the cut request may also have reached the collector (same messageIds)
    assert collector.wait_for(30, timeout=5)
    assert set(collector.received) == {e["messageId"] for e in events}


def test_close_from_sync_code_after_the_loop_is_gone(collector: Collector) -> None:
    transport = make(collector)
    events = make_events(40)
    for e in events:  # no loop yet: the events wait in the queue
        transport.send(e)
    report = transport.close(5)
    assert report.delivered == 40
    assert collector.events == events


def test_close_ends_backoff_at_once_and_never_hangs() -> None:
    def always_503(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, headers={"Retry-After": "30"})

    async def main() -> float:
        transport = AsyncHttpTransport(
            "k",
            host="http://collector.test",
            http_transport=httpx.MockTransport(always_503),
            retry_after_max=60,
            **FAST,
        )
        await transport.start()
        transport.send(make_event())
        await asyncio.sleep(0.2)
        started = time.monotonic()
        report = await transport.aclose(0.5)
        assert report.dropped == 1
        return time.monotonic() - started

    assert asyncio.run(main()) < 6.0  # not 30 s


def test_401_reported_once_with_mock() -> None:
    calls: list[int] = []

    def unauthorized(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(401, text="no")

    errors: list[DeliveryError] = []

    async def main() -> None:
        transport = AsyncHttpTransport(
            "k",
            host="http://collector.test",
            http_transport=httpx.MockTransport(unauthorized),
            on_error=errors.append,
            max_batch_events=2,
            **FAST,
        )
        async with transport:
            for e in make_events(10):
                transport.send(e)
        assert transport.stats.dropped == {"unauthorized": 10}

    asyncio.run(main())
    assert len(calls) == 1
    assert [e.kind for e in errors] == ["unauthorized"]


@pytest.mark.parametrize("bad", [{"region": "mars"}, {"overflow": "spill"}])
def test_same_configuration_checks(bad: dict[str, Any]) -> None:
    from playhead import ConfigurationError

    with pytest.raises(ConfigurationError):
        AsyncHttpTransport("k", **bad)


def test_same_options_as_the_threaded_transport() -> None:
    import inspect

    from playhead import HttpTransport

    def options(cls: type) -> dict[str, Any]:
        params = inspect.signature(cls).parameters
        return {n: p.default for n, p in params.items() if n != "http_transport"}

    assert options(AsyncHttpTransport) == options(HttpTransport)


def test_spool_works_the_same(collector: Collector, refused: str, tmp_path: Any) -> None:
    from playhead import HttpTransport

    path = tmp_path / "spool.sqlite"
    events = make_events(60)

    async def down() -> None:
        transport = AsyncHttpTransport("k", host=refused, spool_path=path, **FAST)
        await transport.start()
        for e in events:
            transport.send(e)
        report = await transport.aclose(0.3)
        assert report.remaining == 60
        assert report.spooled == 60

    asyncio.run(down())
    up = HttpTransport(collector.api_key, host=collector.url, spool_path=path, **FAST)
    assert up.close(10).delivered == 60
    assert collector.events == events


def test_an_http_transport_of_the_wrong_kind_is_a_configuration_error() -> None:
    import httpx

    from playhead import ConfigurationError, HttpTransport

    with pytest.raises(ConfigurationError, match="AsyncBaseTransport for AsyncHttpTransport"):
        AsyncHttpTransport("k", http_transport=httpx.HTTPTransport())
    with pytest.raises(ConfigurationError, match="BaseTransport for HttpTransport"):
        HttpTransport("k", http_transport=httpx.AsyncHTTPTransport())
