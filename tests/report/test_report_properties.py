"""The picture's data is consistent for any session the strategies draw."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from hypothesis import given, settings

from playhead.report import BAND_STATES, build_sessions, render_svg
from playhead.testing import capture_logs
from playhead.testing.builder import TimelineBuilder
from playhead.testing.strategies import nonsense_sessions, sessions, timelines

QUICK = settings(max_examples=40, deadline=None, derandomize=True, database=None)


def _sessions(timeline: TimelineBuilder):  # type: ignore[no-untyped-def]
    with capture_logs():
        payloads = timeline.run()
    return payloads, build_sessions(payloads)


@QUICK
@given(timelines())
def test_bands_tile_the_session_without_gaps_or_overlaps(timeline: TimelineBuilder) -> None:
    payloads, pictured = _sessions(timeline)
    if not payloads:
        assert pictured == []
        return
    (session,) = pictured
    assert len([m for m in session.markers if not m.derived]) == len(payloads)
    bands = session.bands
    for band in bands:
        assert band.state in BAND_STATES
        assert band.end > band.start >= 0
    for before, after in itertools.pairwise(bands):
        assert before.end == after.start
    if bands:
        assert bands[-1].end <= session.stats.duration
    total = sum(b.duration for b in bands)
    stats = session.stats
    parts = (
        stats.time_played + stats.time_in_ads + stats.time_paused + stats.time_stalled
        + stats.time_seeking + stats.time_interrupted
    )  # fmt: skip
    loading = sum(b.duration for b in bands if b.state == "loading")
    assert abs(total - parts - loading) < 1e-6
    assert 0 <= stats.rebuffer_ratio <= 1


@QUICK
@given(sessions())
def test_the_content_playhead_moves_forward_in_time_and_stays_in_the_content(
    timeline: TimelineBuilder,
) -> None:
    _, (session,) = _sessions(timeline)
    for line in session.playhead:
        times = [at for at, _ in line]
        assert times == sorted(times)
        for _, position in line:
            assert position >= 0
            if session.content_length is not None:
                assert position <= session.content_length


@QUICK
@given(nonsense_sessions())
def test_any_event_stream_draws_a_well_formed_picture(timeline: TimelineBuilder) -> None:
    _, pictured = _sessions(timeline)
    ET.fromstring(render_svg(pictured))
