"""Tracker + session -> HttpTransport -> the real collector: the whole path, spec-validated."""

from __future__ import annotations

import playhead
from playhead import FakeClock, HttpTransport, Tracker
from tests.spec import assert_valid

from .collector import Collector


def test_a_session_with_an_ad_arrives_valid_and_complete(collector: Collector) -> None:
    transport = HttpTransport(
        collector.api_key, host=collector.url, strict=True, flush_interval=0.02
    )
    memory = playhead.MemoryTransport()

    class Both:
        def send(self, payload: playhead.transports.Payload) -> None:
            memory.send(payload)
            transport.send(payload)

        def flush(self, timeout: float | None = None) -> playhead.FlushResult:
            return transport.flush(timeout)

        def close(self, timeout: float | None = None) -> playhead.FlushResult:
            return transport.close(timeout)

    clock = FakeClock("2024-01-15T10:30:00Z")
    tracker = Tracker(Both(), user_id="u1", heartbeat_interval=10, clock=clock, video_player="mpv")
    session = tracker.session(
        content=[playhead.Content(asset_id="c1", total_length=120)],
        ad_breaks=[
            playhead.AdBreak(
                pod_id="ap1", type="pre-roll", ads=[playhead.Ad(asset_id="a1", total_length=15)]
            )
        ],
    )
    session.play()
    session.ad_break_start("ap1")
    session.ad_start("a1")
    for second in range(1, 16):
        clock.advance(1)
        session.ad_time_update(second)
    session.ad_end()
    session.ad_break_end()
    session.content_start("c1")
    session.playing(position=0)
    for second in range(1, 31):
        clock.advance(1)
        session.time_update(second)
    session.pause(position=30)
    session.exit(position=30)
    report = tracker.close(10)

    sent = memory.payloads
    assert len(sent) >= 8
    for payload in sent:
        assert_valid(payload)
    assert report.delivered == len(sent)
    assert report.remaining == 0
    assert collector.events == sent  # every event, once, in order, byte-for-byte the same
    assert not collector.invalid
    assert not collector.duplicates
    names = {p["event"] for p in sent}
    assert {"Video Playback Started", "Video Ad Started", "Video Content Playing"} <= names
