"""End to end: a known timeline, replayed by the core, pictured from its JSONL output."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from playhead import Ad, AdBreak, JsonlTransport
from playhead.report import Band, build_sessions, read_events
from playhead.testing.builder import TimelineBuilder


def known_timeline() -> TimelineBuilder:
    """Pre-roll 0.5-10.5, content from 11, pause 31-36, stall 40-43, seek 50-51, mid-roll
    60-65 (content back at 65.5), exit at 80."""
    return (
        TimelineBuilder(
            content=[{"asset_id": "c1", "total_length": 300}],
            ad_breaks=[
                AdBreak(pod_id="pre", type="pre-roll", ads=[Ad(asset_id="a1", total_length=10)]),
                AdBreak(pod_id="mid", type="mid-roll", ads=[Ad(asset_id="m1", total_length=5)]),
            ],
        )
        .play()
        .advance(0.5).ad_break_start("pre").ad_start("a1").watch_ad(10, every=1).ad_end()
        .ad_break_end()
        .advance(0.5).playing(0).quality(bitrate=2500)
        .watch(20, every=1).pause()
        .advance(5).playing().watch(4, every=1)
        .waiting().advance(3).playing().watch(7, every=1)
        .seeking(to=100).advance(1).seeked().watch(9, every=1)
        .ad_break_start("mid").ad_start("m1").watch_ad(5, every=1).ad_end().ad_break_end()
        .advance(0.5).playing().watch(14.5, every=0.5)
        .exit()
    )  # fmt: skip


@pytest.fixture
def events_file(tmp_path: Path) -> Path:
    path = tmp_path / "events.jsonl"
    with JsonlTransport(path) as transport:
        known_timeline().run(transport)
    return path


def test_the_picture_of_a_known_timeline_has_the_right_bands(events_file: Path) -> None:
    (session,) = build_sessions(read_events(events_file))

    assert session.bands == (
        Band("loading", 0.0, 0.5),
        Band("ad", 0.5, 10.5),
        Band("loading", 10.5, 11.0),
        Band("playing", 11.0, 31.0),
        Band("paused", 31.0, 36.0),
        Band("playing", 36.0, 40.0),
        Band("stalled", 40.0, 43.0),
        Band("playing", 43.0, 50.0),
        Band("seeking", 50.0, 51.0),
        Band("playing", 51.0, 60.0),
        Band("ad", 60.0, 65.0),
        Band("loading", 65.0, 65.5),
        Band("playing", 65.5, 80.0),
    )
    stats = session.stats
    assert stats.time_played == pytest.approx(20 + 4 + 7 + 9 + 14.5)
    assert stats.time_in_ads == pytest.approx(15)
    assert stats.rebuffer_ratio == pytest.approx(3 / (54.5 + 15 + 3))
    assert (stats.ads_started, stats.ads_completed, stats.outcome) == (2, 2, "exited")
    assert (stats.startup_time, stats.startup_source) == (500, "reported")
    (line,) = session.playhead
    assert line[0] == (11.0, 0.0)
    assert (51.0, 100.0) in line
    assert line[-1] == (80.0, pytest.approx(123.5, abs=1))
    quartiles = [m.label for m in session.markers if m.quartile is not None]
    assert quartiles == ["Q1", "Q2", "Q3", "Q1", "Q2", "Q3"]


def test_playhead_report_command_draws_it(events_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "session.html"
    done = subprocess.run(
        [sys.executable, "-m", "playhead", "report", str(events_file), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "1 session" in done.stdout
    root = ET.fromstring(out.read_text(encoding="utf-8").split("\n", 1)[1])
    rects = root.iter("{http://www.w3.org/2000/svg}rect")
    assert sum("band" in (r.get("class") or "") for r in rects) == 13


def test_playhead_report_fails_clearly_on_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "playhead", "report", str(bad), "-o", str(tmp_path / "x.svg")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "bad.jsonl:1: not JSON" in done.stderr
