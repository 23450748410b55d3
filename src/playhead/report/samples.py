"""Generated sessions for the docs, the tests and the benchmark: a long one, and a fleet.

Every payload comes out of the real core (a :class:`~playhead.testing.builder.TimelineBuilder`
replayed on a fake clock); a fleet is a few such sessions copied under new session ids, viewers
and start times, so a million events take seconds to write.

.. versionadded:: 0.2
"""

from __future__ import annotations

import heapq
import json
import os
import random
from collections.abc import Iterator
from typing import IO, Any

from playhead.clock import format_timestamp, parse_timestamp

__all__ = ["FLEET_TEMPLATES", "fleet_payloads", "long_session", "write_fleet"]


def _run(builder: Any) -> list[dict[str, Any]]:
    from playhead._logging import capture_logs

    with capture_logs():  # the core's debug lines are not the point here
        payloads: list[dict[str, Any]] = builder.run()
    return payloads


def long_session(hours: float = 10, heartbeat_interval: float = 10) -> list[dict[str, Any]]:
    """A ``hours``-long session: a mid-roll every 30 minutes, a stall every 20, a pause every
    45 and a seek every 50 minutes, heartbeats every ``heartbeat_interval`` seconds."""
    from playhead import Ad, AdBreak
    from playhead.testing.builder import TimelineBuilder

    length = int(hours * 3600)
    breaks = [
        AdBreak(pod_id=f"mid-{n}", type="mid-roll", ads=[Ad(asset_id=f"ad-{n}", total_length=30)])
        for n in range(1, int(hours * 2) + 1)
    ]
    timeline = TimelineBuilder(
        content=[{"asset_id": "marathon", "total_length": length}],
        ad_breaks=breaks,
        heartbeat_interval=heartbeat_interval,
        video_player="settop",
    )
    timeline.play().advance(1.2).playing(0).quality(bitrate=4500)
    minute = 0
    while timeline.position < length - 60:
        timeline.watch(60, every=5)
        minute += 1
        if minute % 30 == 0:
            pod = f"mid-{minute // 30}"
            timeline.ad_break_start(pod).ad_start(f"ad-{minute // 30}").watch_ad(30, every=5)
            timeline.ad_end().ad_break_end().advance(0.4).playing()
        if minute % 20 == 0:
            timeline.waiting().advance(4).playing()
        if minute % 45 == 0:
            timeline.pause().advance(20).playing()
        if minute % 50 == 0:
            timeline.seeking(to=timeline.position + 30).advance(1).seeked()
    timeline.watch(length - timeline.position, every=5).ended()
    return _run(timeline)


def _template(kind: str, content: str, player: str) -> list[dict[str, Any]]:
    from playhead import Ad, AdBreak
    from playhead.testing.builder import TimelineBuilder

    timeline = TimelineBuilder(
        content=[{"asset_id": content, "total_length": 600}],
        ad_breaks=[
            AdBreak(pod_id="pre", type="pre-roll", ads=[Ad(asset_id="a1", total_length=15)])
        ],
        heartbeat_interval=5,
        video_player=player,
    )
    timeline.play()
    if kind == "skipped-ad":
        timeline.advance(0.3).ad_break_start("pre").ad_start("a1").watch_ad(6, every=1)
        timeline.ad_skipped().ad_break_end()
    timeline.advance(0.8 if kind != "slow-start" else 6.5).playing(0)
    if kind != "no-quality":
        timeline.quality(bitrate=3000)
    timeline.watch(200, every=2)
    if kind in ("stall", "open"):
        timeline.waiting().advance(12 if kind == "open" else 3).playing()
    timeline.watch(190, every=2)
    if kind in ("interrupted", "idle-ended"):
        return _run(timeline.interrupt("network"))
    if kind in ("stall", "exit"):
        return _run(timeline.exit())
    if kind == "open":
        return _run(timeline.watch(30, every=2))
    return _run(timeline.watch(210, every=2).ended())


#: The kinds of session a fleet is made of: (kind, content, video_player, outcome).
FLEET_TEMPLATES: tuple[tuple[str, str, str, str], ...] = (
    ("clean", "ep-1", "settop", "completed"),
    ("stall", "ep-2", "settop", "exited"),
    ("skipped-ad", "ep-1", "kiosk", "completed"),
    ("slow-start", "ep-3", "kiosk", "completed"),
    ("idle-ended", "ep-2", "settop", "idle-ended"),
    ("interrupted", "ep-3", "kiosk", "interrupted"),
    ("no-quality", "ep-1", "settop", "completed"),
    ("open", "ep-2", "kiosk", "open"),
)


def _templates() -> list[list[tuple[float, int, dict[str, Any]]]]:
    """Each template's events as ``(seconds from its start, phase, payload)``: phase 0 is
    Playback Started, 1 what follows until a stall, 2 the stall and what follows it."""
    out = []
    for kind, content, player, _ in FLEET_TEMPLATES:
        payloads = _template(kind, content, player)
        if kind == "idle-ended":
            # What the idle timeout sends: an Exited that says why.
            last = payloads[-1]
            payloads.append(
                {
                    **last,
                    "event": "Video Playback Exited",
                    "timestamp": format_timestamp(parse_timestamp(last["timestamp"]) + 1800),
                    "properties": {**last["properties"], "exit_reason": "idle_timeout"},
                }
            )
        zero = parse_timestamp(payloads[0]["timestamp"])
        events, phase = [], 0
        for p in payloads:
            if p["event"] == "Video Playback Buffer Completed":
                phase = 2
            events.append((parse_timestamp(p["timestamp"]) - zero, phase, p))
            phase = max(phase, 1)
        out.append(events)
    return out


def fleet_payloads(
    sessions: int, seed: int = 12, start: str = "2024-01-15T06:00:00Z", concurrent: int = 50
) -> Iterator[dict[str, Any]]:
    """``sessions`` sessions, the kinds of :data:`FLEET_TEMPLATES` in turn (session ``i`` is of
    kind ``i % len(FLEET_TEMPLATES)``), ``concurrent`` at a time, their events interleaved in
    time order as a day's file of many devices would have them. Each session's startup is
    longer by a random delay (its reported ``startupTime`` too), and a stall by up to 10 s,
    so the distributions spread; the outcomes stay those of the kinds."""
    rng = random.Random(seed)
    templates = _templates()
    origin = parse_timestamp(start)
    for first in range(0, sessions, concurrent):
        streams = []
        for index in range(first, min(first + concurrent, sessions)):
            offset = origin + first * 20 + rng.uniform(0, 600)
            delay = round(min(rng.expovariate(1 / 0.4), 6.0), 3)
            shifts = (0.0, delay, delay + round(rng.uniform(0, 10), 3))
            ident = f"s{index:06d}"
            viewer = f"viewer-{index % max(1, sessions // 3):05d}"
            streams.append(
                [
                    (offset + at + shifts[phase], ident, viewer, delay, p)
                    for at, phase, p in templates[index % len(templates)]
                ]
            )
        for epoch, ident, viewer, delay, payload in heapq.merge(*streams, key=lambda e: e[0]):
            properties = {**payload["properties"], "session_id": ident}
            if "startupTime" in properties:
                properties["startupTime"] += round(delay * 1000)
            yield {
                **payload,
                "userId": viewer,
                "timestamp": format_timestamp(epoch),
                "messageId": f"{ident}-{epoch:.3f}",
                "properties": properties,
            }


def write_fleet(path: str | os.PathLike[str] | IO[str], sessions: int, seed: int = 12) -> int:
    """Write :func:`fleet_payloads` as JSONL; returns the number of events written."""
    if isinstance(path, (str, os.PathLike)):
        with open(path, "w", encoding="utf-8") as stream:
            return write_fleet(stream, sessions, seed)
    count = 0
    for payload in fleet_payloads(sessions, seed):
        path.write(json.dumps(payload, separators=(",", ":")) + "\n")
        count += 1
    return count
