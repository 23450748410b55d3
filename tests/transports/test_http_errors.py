"""Each error path of the HTTP transport, with httpx.MockTransport (in addition to the real
collector tests): what is retried, what is not, what is reported, what is counted."""

from __future__ import annotations

import base64
import gzip
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import playhead
from playhead import ConfigurationError, DeliveryError, HttpTransport
from playhead.testing import capture_logs
from playhead.transports._retry import backoff_delay, parse_retry_after, server_message

from .events import make_event, make_events

KEY = "sk-secret-KEY-1234567890"
FAST = {"flush_interval": 0.02, "backoff_base": 0.01, "backoff_max": 0.05}


class Recorder:
    """A MockTransport handler that records requests and answers from a script."""

    def __init__(self, answer: Callable[[httpx.Request, list[dict[str, Any]]], httpx.Response]):
        self.answer = answer
        self.requests: list[httpx.Request] = []
        self.bodies: list[list[dict[str, Any]]] = []
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        raw = request.content
        if request.headers.get("content-encoding") == "gzip":
            raw = gzip.decompress(raw)
        body = json.loads(raw)
        events = body["batch"] if request.url.path == "/v1/batch" else [body]
        with self.lock:
            self.requests.append(request)
            self.bodies.append(events)
        return self.answer(request, events)

    @property
    def ids(self) -> list[str]:
        return [e["messageId"] for events in self.bodies for e in events]


def ok(_: httpx.Request, __: list[dict[str, Any]]) -> httpx.Response:
    return httpx.Response(200, json={})


def make(handler: Recorder, **options: Any) -> HttpTransport:
    settings = {**FAST, "host": "http://collector.test", **options}
    return HttpTransport(KEY, http_transport=httpx.MockTransport(handler), **settings)


@pytest.fixture
def logs() -> Iterator[list[dict[str, Any]]]:
    with capture_logs() as captured:
        yield captured


def assert_no_key(things: object) -> None:
    text = repr(things)
    assert KEY not in text
    assert base64.b64encode(f"{KEY}:".encode()).decode() not in text


# ---------------------------------------------------------------- configuration
@pytest.mark.parametrize(
    ("options", "mentions"),
    [
        ({"region": "asia"}, "region"),
        ({"host": "cdp.customer.io"}, "host"),
        ({"endpoint": "identify"}, "endpoint"),
        ({"overflow": "explode"}, "overflow"),
        ({"spool_durability": "fsync"}, "spool_durability"),
        ({"max_batch_events": 0}, "max_batch_events"),
        ({"flush_interval": -1}, "flush_interval"),
        ({"timeout": float("nan")}, "timeout"),
        ({"max_batch_bytes": 600_000}, "max_batch_bytes"),
        ({"max_event_bytes": 40_000}, "max_event_bytes"),
        ({"max_queue_events": True}, "max_queue_events"),
        ({"on_drop": "print"}, "on_drop"),
    ],
)
def test_bad_settings_fail_at_configuration_time(options: dict[str, Any], mentions: str) -> None:
    with pytest.raises(ConfigurationError, match=mentions) as info:
        HttpTransport(KEY, **options)
    assert_no_key(info.value)


def test_empty_key_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="api_key"):
        HttpTransport("  ")


def test_regions_hosts_and_endpoints() -> None:
    us = HttpTransport(KEY)
    eu = HttpTransport(KEY, region="eu", endpoint="track")
    own = HttpTransport(KEY, host="http://127.0.0.1:9/v1/")
    try:
        assert us.url == "https://cdp.customer.io/v1/batch"
        assert eu.url == "https://cdp-eu.customer.io/v1/track"
        assert own.url == "http://127.0.0.1:9/v1/batch"
        assert_no_key([repr(us), repr(eu), repr(own), str(us.stats), str(us.flush(0))])
    finally:
        for t in (us, eu, own):
            t.close(0)


# ---------------------------------------------------------------- the request
def test_headers_auth_user_agent_strict_and_gzip() -> None:
    handler = Recorder(ok)
    transport = make(handler, strict=True, gzip=True)
    transport.send(make_event())
    assert transport.close(5)
    request = handler.requests[0]
    assert request.url.path == "/v1/batch"
    assert request.headers["authorization"] == "Basic " + base64.b64encode(
        f"{KEY}:".encode()
    ).decode("ascii")
    assert request.headers["user-agent"] == f"playhead/{playhead.__version__}"
    assert request.headers["x-strict-mode"] == "1"
    assert request.headers["content-encoding"] == "gzip"
    body = json.loads(gzip.decompress(request.content))
    assert set(body) == {"batch", "sentAt"}
    assert body["sentAt"].endswith("Z")


def test_no_strict_header_unless_asked() -> None:
    handler = Recorder(ok)
    transport = make(handler)
    transport.send(make_event())
    transport.close(5)
    assert "x-strict-mode" not in handler.requests[0].headers


def test_track_endpoint_posts_one_event_per_request() -> None:
    handler = Recorder(ok)
    transport = make(handler, endpoint="track")
    events = make_events(5)
    for e in events:
        transport.send(e)
    report = transport.close(5)
    assert report.delivered == 5
    assert [r.url.path for r in handler.requests] == ["/v1/track"] * 5
    assert handler.ids == [e["messageId"] for e in events]


def test_batches_close_at_event_and_byte_limits() -> None:
    handler = Recorder(ok)
    transport = make(handler, max_batch_events=7, max_batch_bytes=36_000, flush_interval=5)
    big = "x" * 20_000
    for i in range(20):
        transport.send(make_event(i, title=big if i in (3, 4) else "t"))
    assert transport.flush(5)
    sizes = [len(b) for b in handler.bodies]
    assert sum(sizes) == 20
    assert max(sizes) <= 7
    assert all(len(r.content) <= 36_000 for r in handler.requests)
    # the two 20 KB events cannot share one 36 KB batch
    assert not any(
        sum(1 for e in b if e["properties"].get("title") == big) > 1 for b in handler.bodies
    )
    transport.close(1)


def test_each_payload_goes_out_unchanged_with_its_message_id() -> None:
    handler = Recorder(ok)
    transport = make(handler)
    events = make_events(50)
    for e in events:
        transport.send(e)
    transport.close(5)
    sent = [e for b in handler.bodies for e in b]
    assert sent == events


# ---------------------------------------------------------------- retries
@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried_with_the_same_message_ids(status: int) -> None:
    answers = iter([status, status, 200])
    handler = Recorder(lambda r, e: httpx.Response(next(answers), json={}))
    transport = make(handler)
    events = make_events(3)
    for e in events:
        transport.send(e)
    report = transport.close(5)
    assert report.delivered == 3
    assert len(handler.requests) == 3
    assert handler.bodies[0] == handler.bodies[1] == handler.bodies[2] == events
    assert transport.stats.retried == 2


@pytest.mark.parametrize("status", [501, 505, 404, 422])
def test_other_errors_are_not_retried_and_reported(status: int) -> None:
    handler = Recorder(lambda r, e: httpx.Response(status, json={"message": "nope"}))
    errors: list[DeliveryError] = []
    transport = make(handler, on_error=errors.append)
    events = make_events(2)
    for e in events:
        transport.send(e)
    report = transport.close(5)
    assert len(handler.requests) == 1
    assert report.delivered == 0
    assert report.remaining == 0
    assert report.rejected == 2
    assert [e.message_id for e in errors] == [e["messageId"] for e in events]
    assert {(e.kind, e.status, e.message) for e in errors} == {("rejected", status, "nope")}
    assert errors[0].payload == events[0]


def test_connection_errors_are_retried() -> None:
    calls = {"n": 0}

    def flaky(request: httpx.Request, events: list[dict[str, Any]]) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] <= 2:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={})

    handler = Recorder(flaky)
    transport = make(handler)
    transport.send(make_event())
    report = transport.close(5)
    assert report.delivered == 1
    assert calls["n"] == 3


def test_retry_after_is_honoured_and_capped() -> None:
    stamps: list[float] = []
    answers = iter([httpx.Response(429, headers={"Retry-After": "0.3"}), httpx.Response(200)])

    def answer(request: httpx.Request, events: list[dict[str, Any]]) -> httpx.Response:
        stamps.append(time.monotonic())
        return next(answers)

    transport = make(Recorder(answer), backoff_base=0.001, backoff_max=0.001)
    transport.send(make_event())
    assert transport.flush(10)  # flush waits; it does not cut sleeps short as close() does
    assert stamps[1] - stamps[0] >= 0.29
    transport.close(1)

    stamps.clear()
    answers = iter([httpx.Response(503, headers={"Retry-After": "3600"}), httpx.Response(200)])
    transport = make(Recorder(answer), retry_after_max=0.2)
    transport.send(make_event())
    started = time.monotonic()
    assert transport.flush(10)
    assert stamps[1] - stamps[0] >= 0.19
    assert time.monotonic() - started < 10  # capped: not an hour
    transport.close(1)


def test_total_retry_time_is_capped_and_the_drop_reported() -> None:
    handler = Recorder(lambda r, e: httpx.Response(503))
    drops: list[tuple[str, list[dict[str, Any]]]] = []
    transport = make(handler, max_retry_time=0.3, on_drop=lambda r, p: drops.append((r, p)))
    events = make_events(4)
    for e in events:
        transport.send(e)
    report = transport.flush(5)
    assert report.remaining == 0
    assert report.dropped == 4
    assert transport.stats.dropped == {"retry_timeout": 4}
    transport.close(1)
    assert drops == [("retry_timeout", events)]
    assert len(handler.requests) >= 2


def test_close_ends_a_backoff_sleep_at_once() -> None:
    handler = Recorder(lambda r, e: httpx.Response(503, headers={"Retry-After": "30"}))
    transport = make(handler, retry_after_max=60)
    transport.send(make_event())
    deadline = time.monotonic() + 5
    while not handler.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    report = transport.close(0.5)
    assert time.monotonic() - started < 6.0  # not 30 s
    assert report.remaining == 0
    assert transport.stats.dropped == {"close_timeout": 1}


# ---------------------------------------------------------------- 400 and 401
def test_strict_400_is_bisected_so_good_events_are_delivered() -> None:
    events = make_events(16)
    bad = {events[5]["messageId"], events[11]["messageId"]}

    def strict(request: httpx.Request, batch: list[dict[str, Any]]) -> httpx.Response:
        wrong = [e["messageId"] for e in batch if e["messageId"] in bad]
        if wrong:
            return httpx.Response(400, json={"meta": {"errors": [f"bad {m}" for m in wrong]}})
        return httpx.Response(200, json={})

    handler = Recorder(strict)
    errors: list[DeliveryError] = []
    transport = make(handler, strict=True, on_error=errors.append, flush_interval=5)
    for e in events:
        transport.send(e)
    report = transport.close(5)
    assert report.delivered == 14
    assert report.rejected == 2
    accepted = [
        e["messageId"]
        for b, r in zip(handler.bodies, handler.requests, strict=True)
        if not any(x["messageId"] in bad for x in b)
        for e in b
    ]
    assert sorted(accepted) == sorted(e["messageId"] for e in events if e["messageId"] not in bad)
    assert {e.message_id for e in errors} == bad
    assert all(e.kind == "rejected" and e.status == 400 for e in errors)
    assert all(e.message == f"bad {e.message_id}" for e in errors)
    assert len(handler.requests) <= 2 * 16  # bisection, not one request per event


def test_400_with_an_unexpected_body_is_still_reported() -> None:
    handler = Recorder(lambda r, e: httpx.Response(400, content=b"<html>Bad Request</html>"))
    errors: list[DeliveryError] = []
    transport = make(handler, on_error=errors.append, endpoint="track")
    transport.send(make_event())
    transport.close(5)
    assert [(e.kind, e.status, e.message) for e in errors] == [
        ("rejected", 400, "<html>Bad Request</html>")
    ]
    assert len(handler.requests) == 1


def test_401_is_reported_once_and_not_retried_in_a_loop(logs: list[dict[str, Any]]) -> None:
    handler = Recorder(lambda r, e: httpx.Response(401, json={"meta": {"errors": ["bad key"]}}))
    errors: list[DeliveryError] = []
    drops: list[tuple[str, int]] = []
    transport = make(
        handler,
        max_batch_events=5,
        on_error=errors.append,
        on_drop=lambda reason, p: drops.append((reason, len(p))),
    )
    for e in make_events(20):
        transport.send(e)
    transport.flush(5)
    for e in make_events(10):
        transport.send(e)
    report = transport.close(5)
    assert len(handler.requests) == 1
    assert [(e.kind, e.status, e.message) for e in errors] == [("unauthorized", 401, "bad key")]
    assert report.dropped == 30
    assert report.delivered == 0
    assert report.remaining == 0
    assert sum(n for _, n in drops) == 30
    assert {r for r, _ in drops} == {"unauthorized"}
    unauthorized = [entry for entry in logs if entry["event"] == "delivery_unauthorized"]
    assert len(unauthorized) == 1
    assert "region" in unauthorized[0]["hint"]
    assert_no_key(logs)


# ---------------------------------------------------------------- bad events
def test_oversized_and_unserialisable_events_are_refused_and_counted() -> None:
    handler = Recorder(ok)
    errors: list[DeliveryError] = []
    transport = make(handler, on_error=errors.append)
    good = make_event(1)
    huge = make_event(2, title="x" * 40_000)
    odd = make_event(3, title=object())
    nan = make_event(4, position=float("nan"))
    cyclic = make_event(5)
    cyclic["properties"]["self"] = cyclic["properties"]
    for e in (good, huge, odd, nan, cyclic):
        transport.send(e)
    report = transport.close(5)
    assert handler.ids == [good["messageId"]]
    assert report.delivered == 1
    assert report.rejected == 4
    assert report.remaining == 0
    assert transport.stats.rejected == {"oversized": 1, "invalid": 3}
    kinds = {e.message_id: e.kind for e in errors}
    assert kinds == {
        huge["messageId"]: "oversized",
        odd["messageId"]: "invalid",
        nan["messageId"]: "invalid",
        cyclic["messageId"]: "invalid",
    }
    assert "32768" in next(e.message for e in errors if e.kind == "oversized")


def test_a_payload_without_message_id_gets_one() -> None:
    handler = Recorder(ok)
    transport = make(handler)
    event = make_event()
    del event["messageId"]
    transport.send(event)
    transport.close(5)
    assert len(handler.ids) == 1
    assert len(handler.ids[0]) == 36


# ---------------------------------------------------------------- bounded memory
class Gate:
    """Holds the worker inside its first request until opened."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.entered = threading.Event()

    def __call__(self, request: httpx.Request, events: list[dict[str, Any]]) -> httpx.Response:
        self.entered.set()
        self.open.wait(10)
        return httpx.Response(200, json={})


def _held(overflow: str, **options: Any) -> tuple[HttpTransport, Recorder, Gate, list[Any]]:
    gate = Gate()
    handler = Recorder(gate)
    drops: list[Any] = []
    transport = make(
        handler,
        overflow=overflow,
        max_queue_events=10,
        max_batch_events=1,
        on_drop=lambda reason, p: drops.append((reason, [e["messageId"] for e in p])),
        **options,
    )
    first = make_event()
    transport.send(first)
    assert gate.entered.wait(5)
    return transport, handler, gate, drops


def test_drop_newest_keeps_the_queue_bounded_and_reports() -> None:
    transport, handler, gate, drops = _held("drop_newest")
    events = make_events(25)
    for e in events:
        transport.send(e)
    assert transport.stats.queued == 10
    gate.open.set()
    report = transport.close(5)
    assert report.delivered == 11
    assert report.dropped == 15
    assert transport.stats.dropped == {"queue_full": 15}
    assert [m for _, ids in drops for m in ids] == [e["messageId"] for e in events[10:]]
    assert handler.ids[1:] == [e["messageId"] for e in events[:10]]


def test_drop_oldest_keeps_the_newest() -> None:
    transport, handler, gate, drops = _held("drop_oldest")
    events = make_events(25)
    for e in events:
        transport.send(e)
    gate.open.set()
    report = transport.close(5)
    assert report.delivered == 11
    assert report.dropped == 15
    assert handler.ids[1:] == [e["messageId"] for e in events[15:]]
    assert sorted(m for _, ids in drops for m in ids) == sorted(e["messageId"] for e in events[:15])


def test_block_waits_for_room_then_drops_after_its_timeout() -> None:
    transport, handler, gate, _drops = _held("block", block_timeout=0.05)
    events = make_events(12)
    started = time.monotonic()
    for e in events:
        transport.send(e)
    waited = time.monotonic() - started
    assert waited >= 0.09  # the two sends beyond the limit each waited ~50 ms
    assert waited < 3
    gate.open.set()
    report = transport.close(5)
    assert report.delivered == 11
    assert report.dropped == 2

    gate = Gate()
    gate.open.set()
    handler = Recorder(gate)
    transport = make(handler, overflow="block", block_timeout=5, max_queue_events=5)
    for e in make_events(200):  # the worker makes room: nothing is lost
        transport.send(e)
    assert transport.close(5).delivered == 200


def test_byte_limit_bounds_the_queue() -> None:
    transport, _handler, gate, _drops = _held("drop_newest", max_queue_bytes=3_000)
    for e in make_events(30):
        transport.send(e)
    deadline = time.monotonic() + 5
    while transport.stats.dropped.get("queue_full", 0) == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    gate.open.set()
    report = transport.close(5)
    assert report.dropped > 0
    assert report.delivered + report.dropped == 31


# ---------------------------------------------------------------- callbacks, logs, closed
def test_exceptions_in_user_callbacks_are_caught_and_logged(logs: list[dict[str, Any]]) -> None:
    def boom(*args: Any) -> None:
        raise RuntimeError("user bug")

    handler = Recorder(lambda r, e: httpx.Response(422, json={"message": "no"}))
    transport = make(handler, on_error=boom, on_drop=boom, max_retry_time=0.01)
    transport.send(make_event())
    report = transport.close(5)
    assert report.rejected == 1
    assert any(entry["event"] == "delivery_callback_failed" for entry in logs)


def test_warnings_are_rate_limited_with_stable_keys(logs: list[dict[str, Any]]) -> None:
    transport, _handler, gate, drops = _held("drop_newest")
    for e in make_events(500):
        transport.send(e)
    gate.open.set()
    transport.close(5)
    full = [entry for entry in logs if entry["event"] == "delivery_queue_full"]
    assert len(full) == 1
    assert len(drops) == 490


def test_send_after_close_is_counted_not_raised() -> None:
    handler = Recorder(ok)
    drops: list[str] = []
    transport = make(handler, on_drop=lambda reason, p: drops.append(reason))
    transport.close(1)
    transport.send(make_event())
    assert transport.stats.dropped == {"closed": 1}
    assert transport.close(1).remaining == 0


def test_stats_track_queue_and_flight() -> None:
    transport, _handler, gate, _drops = _held("drop_newest")
    for e in make_events(4):
        transport.send(e)
    stats = transport.stats
    assert stats.in_flight == 1
    assert stats.queued == 4
    assert stats.sent == 0
    gate.open.set()
    assert transport.flush(5)
    stats = transport.stats
    assert stats.sent == 5
    assert stats.queued == 0
    assert stats.in_flight == 0
    assert stats.requests == 5
    transport.close(1)


def test_key_never_in_logs_or_errors_on_any_path(logs: list[dict[str, Any]]) -> None:
    def chaos(request: httpx.Request, events: list[dict[str, Any]]) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url}", request=request)

    errors: list[Any] = []
    transport = make(Recorder(chaos), max_retry_time=0.1, on_error=errors.append)
    transport.send(make_event())
    transport.send(make_event(title="x" * 40_000))
    report = transport.close(2)
    assert_no_key([logs, errors, report, transport.stats, repr(transport)])


# ---------------------------------------------------------------- pure helpers
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"meta":{"errors":["a","b"]}}', "a; b"),
        (b'{"message":"bad"}', "bad"),
        (b'{"code":"x","message":"bad"}', "bad"),
        (b'{"error":{"message":"deep"}}', "deep"),
        (b'{"errors":[{"field":"x"}]}', '{"field": "x"}'),
        (b'{"meta":null}', '{"meta":null}'),
        (b"[1,2]", "[1,2]"),
        (b"not json", "not json"),
        (b"", ""),
        (b"\xff\xfe", "\ufffd\ufffd"),
    ],
)
def test_server_message_reads_any_body(body: bytes, expected: str) -> None:
    assert server_message(body) == expected


def test_retry_after_parsing() -> None:
    assert parse_retry_after("2", cap=60) == 2
    assert parse_retry_after("120", cap=60) == 60
    assert parse_retry_after("-5", cap=60) == 0
    assert parse_retry_after("soon", cap=60) is None
    assert parse_retry_after(None, cap=60) is None
    assert parse_retry_after("nan", cap=60) is None
    when = parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", cap=60, now=1445412480.0)
    assert when == 10


def test_backoff_grows_is_capped_and_jittered() -> None:
    import random

    rng = random.Random(1)
    delays = [backoff_delay(n, 0.5, 8.0, rng) for n in range(1, 12)]
    assert 0.25 <= delays[0] <= 0.5
    assert all(4.0 <= d <= 8.0 for d in delays[5:])
    assert len({round(d, 6) for d in delays[5:]}) > 1


def test_flush_and_close_from_a_callback_do_not_deadlock() -> None:
    reports: list[Any] = []
    holder: list[HttpTransport] = []

    def on_drop(reason: str, payloads: list[dict[str, Any]]) -> None:
        reports.append(holder[0].flush(None))  # on the worker: must not wait for itself

    handler = Recorder(lambda r, e: httpx.Response(503))
    transport = make(handler, max_retry_time=0.05, on_drop=on_drop)
    holder.append(transport)
    transport.send(make_event())
    started = time.monotonic()
    transport.flush(30)
    assert time.monotonic() - started < 15  # a self-wait would block for 30 s
    assert transport.close(2).remaining == 0
    assert len(reports) == 1
