"""HttpTransport against a real collector on 127.0.0.1, with faults injected."""

from __future__ import annotations

import time
from typing import Any

import pytest

from playhead import DeliveryError, HttpTransport
from tests.spec import errors as spec_errors

from .collector import Collector, Reset, Slow, Status
from .events import make_event, make_events

FAST = {"flush_interval": 0.02, "backoff_base": 0.01, "backoff_max": 0.1, "timeout": 5.0}


def make(collector: Collector, **options: Any) -> HttpTransport:
    return HttpTransport(collector.api_key, host=collector.url, **{**FAST, **options})


def test_events_arrive_valid_authenticated_and_once(collector: Collector) -> None:
    transport = make(collector, strict=True)
    events = make_events(250) + make_events(10, user_id=None, name="Video Playback Paused")
    for e in events:
        transport.send(e)
    report = transport.close(10)
    assert report.delivered == 260
    assert report.remaining == 0
    assert sorted(collector.received) == sorted(e["messageId"] for e in events)
    assert not collector.duplicates
    assert not collector.invalid
    assert all(r.status == 200 and r.strict for r in collector.requests)
    assert all(r.headers["user-agent"].startswith("playhead/") for r in collector.requests)
    assert collector.events == events  # order kept, nothing altered


@pytest.mark.parametrize("endpoint", ["batch", "track"])
@pytest.mark.parametrize("gzip", [False, True])
def test_both_endpoints_with_and_without_gzip(
    collector: Collector, endpoint: str, gzip: bool
) -> None:
    transport = make(collector, endpoint=endpoint, gzip=gzip)
    events = make_events(30)
    for e in events:
        transport.send(e)
    assert transport.close(10).delivered == 30
    assert collector.events == events
    expected = {"batch": "/v1/batch", "track": "/v1/track"}[endpoint]
    assert {r.path for r in collector.requests} == {expected}
    assert len(collector.requests) == (30 if endpoint == "track" else len(collector.requests))


def test_twenty_thousand_events_through_faults_arrive_exactly_once(
    collector: Collector,
) -> None:
    collector.keep_events = False
    collector.add_faults(
        Status(500),
        Status(502),
        Status(503),
        Status(503),
        Status(503),  # a 5xx burst
        Status(429, retry_after="0.2"),
        Slow(0.3),
        Reset(),
        Reset(),
        Status(504),
        Slow(0.2),
        Status(429, retry_after="1"),
        Reset(),
    )
    transport = make(collector, max_queue_events=50_000, max_retry_time=60)
    events = make_events(20_000)
    for i, e in enumerate(events):
        transport.send(e)
        if i == 8_000:
            collector.down_for(0.5)  # connections reset for half a second
        if i == 14_000:
            collector.add_faults(Status(503), Reset(), Slow(0.1), Status(500))
    report = transport.close(60)
    assert report.delivered == 20_000
    assert report.remaining == 0
    assert report.dropped == 0
    assert report.rejected == 0
    assert len(collector.received) == 20_000
    assert set(collector.received) == {e["messageId"] for e in events}
    assert not collector.duplicates
    assert not collector.invalid
    stats = transport.stats
    assert stats.retried >= 10  # the faults really happened
    assert stats.sent == 20_000


def test_strict_batch_with_one_invalid_event_delivers_the_others(
    collector: Collector,
) -> None:
    events = make_events(40)
    bad = make_event(99, position="twelve")  # position must be an integer
    assert spec_errors(bad)
    events.insert(17, bad)
    errors: list[DeliveryError] = []
    transport = make(collector, strict=True, flush_interval=5, on_error=errors.append)
    for e in events:
        transport.send(e)
    report = transport.close(10)
    assert report.delivered == 40
    assert report.rejected == 1
    assert set(collector.received) == {e["messageId"] for e in events} - {bad["messageId"]}
    assert not collector.duplicates
    assert [e.message_id for e in errors] == [bad["messageId"]]
    assert errors[0].status == 400
    assert bad["messageId"] in errors[0].message  # the server's own words
    assert errors[0].payload == bad


def test_without_strict_mode_the_collector_is_permissive(collector: Collector) -> None:
    transport = make(collector)
    bad = make_event(position="twelve")
    transport.send(bad)
    assert transport.close(10).delivered == 1
    assert [e["messageId"] for e, _ in collector.invalid] == [bad["messageId"]]


def test_wrong_key_is_reported_once(collector: Collector) -> None:
    errors: list[DeliveryError] = []
    transport = HttpTransport(
        "wrong-key", host=collector.url, on_error=errors.append, max_batch_events=10, **FAST
    )
    for e in make_events(50):
        transport.send(e)
    report = transport.close(10)
    assert report.dropped == 50
    assert report.delivered == 0
    assert [(e.kind, e.status) for e in errors] == [("unauthorized", 401)]
    assert "invalid credentials" in errors[0].message
    assert len(collector.requests) == 1


def test_collector_down_then_back(collector: Collector) -> None:
    collector.down_for(1.0)
    back = collector.down_until
    transport = make(collector)
    events = make_events(100)
    for e in events:
        transport.send(e)
    report = transport.flush(20)
    assert report.delivered == 100
    assert transport.stats.retried >= 1
    assert any(r.status is None and r.at < back for r in collector.requests)  # were reset
    assert all(r.at >= back for r in collector.requests if r.status == 200)
    assert len(collector.received) == 100
    assert not collector.duplicates
    transport.close(1)


def test_dead_endpoint_close_returns_within_its_timeout(refused: str) -> None:
    transport = HttpTransport("k", host=refused, **FAST)
    for e in make_events(20):
        transport.send(e)
    started = time.monotonic()
    report = transport.close(1.0)
    assert time.monotonic() - started < 6.0
    assert report.delivered == 0
    assert report.dropped == 20
    assert report.remaining == 0
    assert transport.stats.dropped == {"close_timeout": 20}


def test_a_key_read_from_a_file_with_a_newline_still_authenticates(collector: Collector) -> None:
    transport = HttpTransport(collector.api_key + "\n", host=collector.url, **FAST)
    transport.send(make_event())
    assert transport.close(10).delivered == 1
