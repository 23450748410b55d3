"""The collector's /stats, /wait and /reset, which the delivery benchmark uses between runs."""

from __future__ import annotations

import base64
import json
import threading
import time

import httpx

from .collector import Collector
from .events import make_events


def post(collector: Collector, events: list[dict[str, object]]) -> None:
    auth = base64.b64encode(f"{collector.api_key}:".encode()).decode()
    httpx.post(
        collector.url + "/v1/batch",
        content=json.dumps({"batch": events}),
        headers={"Authorization": f"Basic {auth}", "Content-Type": "application/json"},
    ).raise_for_status()


def test_stats_count_duplicates_as_they_arrive_and_reset_empties(collector: Collector) -> None:
    events = make_events(5)
    post(collector, events)
    post(collector, events[:2])
    post(collector, events[:1])
    stats = httpx.get(collector.url + "/stats").json()
    assert stats == {"received": 5, "duplicates": 2}
    assert collector.duplicates == {events[0]["messageId"]: 3, events[1]["messageId"]: 2}
    httpx.post(collector.url + "/reset").raise_for_status()
    assert httpx.get(collector.url + "/stats").json() == {"received": 0, "duplicates": 0}
    assert collector.events == []
    assert collector.requests == []
    post(collector, events[:1])
    assert httpx.get(collector.url + "/stats").json() == {"received": 1, "duplicates": 0}


def test_wait_answers_once_the_count_arrived_or_the_timeout_passed(collector: Collector) -> None:
    events = make_events(4)
    poster = threading.Timer(0.2, post, (collector, events))
    poster.start()
    started = time.monotonic()
    answer = httpx.get(collector.url + "/wait", params={"count": 4, "timeout": 10}, timeout=20)
    assert answer.json() == {"received": 4, "duplicates": 0}
    assert time.monotonic() - started < 5
    poster.join()
    started = time.monotonic()
    short = httpx.get(collector.url + "/wait", params={"count": 9, "timeout": 0.2}, timeout=20)
    assert short.json()["received"] == 4  # gave up after its timeout, with what it has
    assert 0.15 < time.monotonic() - started < 5
