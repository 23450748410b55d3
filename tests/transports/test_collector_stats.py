"""The collector's /stats and /reset, which the delivery benchmark polls between runs."""

from __future__ import annotations

import base64
import json

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
