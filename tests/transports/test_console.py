"""ConsoleTransport and the readable lines: position frames, quartiles, skipped ads."""

from __future__ import annotations

import io

from playhead.demo import demo_timeline
from playhead.testing import capture_logs, run_timeline
from playhead.transports.console import ConsoleTransport, describe, readable_lines


def _demo_lines() -> list[str]:
    stream = io.StringIO()
    with capture_logs():
        run_timeline(demo_timeline(), ConsoleTransport(stream))
    return stream.getvalue().splitlines()


def test_positions_name_their_frame() -> None:
    lines = _demo_lines()

    def line_of(name: str) -> str:
        return next(line for line in lines if line[14:46].strip() == name)

    assert "position=36/155 (playback)" in line_of("Video Playback Paused")
    assert "position=0/120 (content)" in line_of("Video Content Started")
    assert "position=0/15 (ad)" in line_of("Video Ad Started")
    assert "(" not in line_of("Video Quality Updated").split("  ", 2)[-1]


def test_quartiles_are_told_apart_from_heartbeats() -> None:
    playing = [line for line in _demo_lines() if "Video Ad Playing" in line]

    tags = [line[48:61].strip() for line in playing]
    assert tags[:4] == ["Q1 quartile", "Q2 quartile", "heartbeat", "Q3 quartile"]
    assert sum(tag == "heartbeat" for tag in tags) == 2


def test_a_skipped_ad_gets_its_line() -> None:
    lines = _demo_lines()

    (skipped,) = [line for line in lines if "Ad skipped" in line]
    assert "asset_id=ad-phone" in skipped
    assert "position=5/10 (ad)" in skipped
    index = lines.index(skipped)
    assert "Video Content Playing" in lines[index + 1]  # shown when the next event shows it
    assert "Ad skipped" not in "".join(readable_lines(run_timeline("examples/timelines/vod.json")))


def test_the_transport_and_readable_lines_agree() -> None:
    with capture_logs():
        payloads = run_timeline(demo_timeline())
    assert readable_lines(payloads) == _demo_lines()
    assert [describe(p) for p in payloads] == [
        line for line in _demo_lines() if "Ad skipped" not in line
    ]
