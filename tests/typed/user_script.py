"""A user's script, as a new user writes it: ``mypy --strict`` must accept it as it stands.

tests/test_typing.py type-checks this file with ``mypy --strict`` and runs it.
"""

from __future__ import annotations

import asyncio
import io

import httpx

import playhead
from playhead import (
    Ad,
    AdBreak,
    AsyncHttpTransport,
    Content,
    DeliveryReport,
    FakeClock,
    FlushResult,
    HttpTransport,
    JsonlTransport,
    MemoryTransport,
    Session,
    Tracker,
)
from playhead.testing import capture_logs, event_names, run_timeline


def watch(session: Session, clock: FakeClock, seconds: int) -> None:
    for second in range(seconds):
        clock.advance(1)
        session.time_update(float(second + 1))


def main() -> None:
    episode = Content(
        asset_id="ep1",
        title="Pilot",
        total_length=600,
        keywords=["drama", "pilot"],
        extra={"studio": "North", "tags": ["a", "b"]},
    )
    pre_roll = AdBreak(pod_id="pre", type="pre-roll", ads=[Ad(asset_id="ad1", total_length=15)])
    same = Content(
        asset_id="ep1",
        title="Pilot",
        total_length=600,
        keywords=("drama", "pilot"),
        extra={"studio": "North", "tags": ["a", "b"]},
    )
    assert len({episode, same}) == 1
    seen: dict[Content, int] = {episode: 1}
    breaks: set[AdBreak] = {pre_roll}
    keywords: tuple[str, ...] | None = episode.keywords
    assert seen[episode] == 1
    assert pre_roll in breaks
    assert keywords == ("drama", "pilot")

    clock = FakeClock()
    with MemoryTransport() as mem, Tracker(mem, user_id="u1", clock=clock) as tracker:
        session = tracker.session(content=[episode], ad_breaks=[pre_roll])
        session.play()
        session.ad_break_start("pre")
        session.ad_start("ad1")
        session.ad_end()
        session.ad_break_end()
        session.playing(0)
        watch(session, clock, 12)
        session.pause()
        payloads: list[dict[str, object]] = mem.payloads
        names: list[str] = mem.events
        assert names[0] == "Video Playback Started"
        assert "Video Content Playing" not in event_names(payloads, heartbeats=False)
        flushed: FlushResult = tracker.flush()
        assert flushed

    buffer = io.StringIO()
    with JsonlTransport(buffer) as jsonl:
        jsonl.send({"event": "Video Playback Started"})
    assert buffer.getvalue().count("\n") == 1

    with capture_logs() as logs:
        Tracker(MemoryTransport(), anonymous_id="a1", clock=FakeClock()).session().pause()
    assert logs[0]["event"] == "callback_ignored"

    assert run_timeline("examples/timelines/vod.json")[0]["event"] == "Video Playback Started"

    def collector(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={})

    with HttpTransport("key", http_transport=httpx.MockTransport(collector)) as http:
        http.send({"event": "Video Playback Started", "userId": "u1"})
        report: DeliveryReport = http.flush(timeout=5)
        assert report.delivered == 1, report
    assert isinstance(playhead.HttpTransport, type)

    async def asynchronous() -> int:
        async_mock = httpx.MockTransport(collector)
        async with AsyncHttpTransport("key", http_transport=async_mock) as transport:
            transport.send({"event": "Video Playback Started", "userId": "u1"})
            return (await transport.aflush(timeout=5)).delivered

    assert asyncio.run(asynchronous()) == 1


if __name__ == "__main__":
    main()
