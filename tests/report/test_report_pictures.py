"""What the picture shows: labels, marks inside the plot, the playhead's scale, the stats once,
the zoom script and a bounded size for a 10-hour session (from the drawing's data)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from playhead.demo import demo_timeline
from playhead.report import SKIPPED_AD, build_sessions, build_timeline, render_html, render_svg
from playhead.report.model import SKIPPED_AD as MODEL_SKIPPED_AD
from playhead.report.samples import long_session
from playhead.report.svg import CHART_X0, CHART_X1, place_labels, playhead_top
from playhead.testing import capture_logs, run_timeline

from .test_report_model import event

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def demo() -> list[dict[str, object]]:
    with capture_logs():
        return run_timeline(demo_timeline())


def _markers(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)
    return [g for g in root.iter(f"{SVG}g") if "marker" in g.get("class", "").split()]


def _label(marker: ET.Element) -> ET.Element:
    (text,) = [t for t in marker.iter(f"{SVG}text") if "label" in t.get("class", "")]
    return text


def _shown_labels(svg: str) -> list[str]:
    return [_label(m).text or "" for m in _markers(svg) if _label(m).get("visibility") != "hidden"]


def test_end_exit_and_skipped_ad_marks_are_labelled(demo: list[dict[str, object]]) -> None:
    (session,) = build_sessions(demo)
    skipped = [m for m in session.markers if m.derived]
    assert [(m.event, m.label, m.properties["asset_id"]) for m in skipped] == [
        (SKIPPED_AD, "ad skipped", "ad-phone")
    ]
    assert SKIPPED_AD is MODEL_SKIPPED_AD
    # the skip shows where the ad's band ends, after the ad's last event
    last_ad_band = [b for b in session.bands if b.state == "ad"][-1]
    assert skipped[0].at == last_ad_band.end
    ad_events = [
        m.at
        for m in session.markers
        if m.properties.get("asset_id") == "ad-phone" and not m.derived
    ]
    assert max(ad_events) < skipped[0].at
    assert [m.at for m in session.markers] == sorted(m.at for m in session.markers)

    labels = _shown_labels(render_svg([session]))
    assert {"completed", "content end", "ad end", "ad skipped"} <= set(labels)

    exited = build_timeline(
        [
            event(0.0, "Video Playback Started", position=0),
            event(1.0, "Video Content Started", asset_id="c1", position=0, total_length=60),
            event(30.0, "Video Playback Exited", position=29),
        ]
    )
    assert "exited" in _shown_labels(render_svg([exited]))


def test_every_quartile_of_the_demo_is_labelled(demo: list[dict[str, object]]) -> None:
    (session,) = build_sessions(demo)
    quartiles = [m.label for m in session.markers if m.quartile is not None]
    assert quartiles == ["Q1", "Q2", "Q3", "Q1", "Q2", "Q3", "Q1", "Q2"]

    shown = [label for label in _shown_labels(render_svg([session])) if label.startswith("Q")]
    assert shown == quartiles


def test_marks_and_labels_stay_inside_the_plot_with_a_post_roll() -> None:
    with capture_logs():
        payloads = run_timeline("examples/timelines/ads-pre-mid-post.json")
    svg = render_svg(build_sessions(payloads))
    for marker in _markers(svg):
        x = float(re.findall(r"[-\d.]+", marker.get("transform", ""))[0])
        assert CHART_X0 < x < CHART_X1
        label = _label(marker)
        if label.get("visibility") == "hidden":
            continue
        width = 6.2 * len(label.text or "")
        dx = float(label.get("x", "0"))
        anchor = label.get("text-anchor")
        left = x + dx - (width if anchor == "end" else width / 2 if anchor == "middle" else 0)
        assert left >= CHART_X0
        assert left + width * (0.81 if anchor == "middle" else 1) <= CHART_X1


def test_labels_never_overlap_in_a_lane() -> None:
    marks = [("playback", False, "paused"), ("playback", False, "resumed")] * 3
    xs = [200, 205, 400, 460, 870, 875]

    placed = place_labels(marks, xs)

    assert placed == [
        ("end", -7.0),  # no room before the next glyph, 5 px on: left of it
        ("start", 7.0),
        ("start", 7.0),
        ("start", 7.0),
        ("end", -7.0),  # no room before the right edge: left of the glyph
        ("", 7.0),  # no room on either side: left out
    ]


def _session(watched: float, length: int = 120) -> list[dict[str, object]]:
    return [
        event(0.0, "Video Playback Started", position=0),
        event(0.5, "Video Content Started", asset_id="c", position=0, total_length=length),
        event(0.5 + watched, "Video Playback Exited", position=int(watched)),
    ]


def test_the_same_content_length_gets_the_same_playhead_scale() -> None:
    short, full = build_timeline(_session(50)), build_timeline(_session(120))

    assert playhead_top(short) == playhead_top(full) == 120
    for session in (short, full):
        root = ET.fromstring(render_svg([session]))
        (top,) = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "y-top"]
        assert top == "2:00"
    assert playhead_top(build_timeline(_session(50, length=3000))) == 3600


def test_an_estimated_startup_time_says_so_and_how() -> None:
    session = build_timeline(_session(30))
    assert session.stats.startup_source == "events"

    svg = render_svg([session])

    assert "(from events)" not in svg
    assert "500 ms (estimated*)" in svg
    assert "* estimated: Playback Started to the first" in svg
    reported = render_svg(build_sessions(run_timeline(demo_timeline())))
    assert "estimated" not in reported


def test_the_page_carries_its_zoom_script_and_nothing_external(
    demo: list[dict[str, object]],
) -> None:
    html = render_html(build_sessions(demo))

    ET.fromstring(html.split("\n", 1)[1])  # still well-formed XML
    assert '<script type="application/json" id="playhead-zoom-config">' in html
    assert "window.playheadView" in html
    assert 'addEventListener("wheel"' in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    # every mark knows its time, for the script to move it
    markers = _markers(re.search(r"<svg.*</svg>", html, re.S).group(0))  # type: ignore[union-attr]
    assert markers
    assert all(m.get("data-t") for m in markers)


def test_outcomes_idle_ended_and_interrupted() -> None:
    base = [
        event(0.0, "Video Playback Started", position=0),
        event(1.0, "Video Content Started", asset_id="c", position=0),
    ]
    idle = [*base, event(9.0, "Video Playback Exited", position=8, exit_reason="idle_timeout")]
    cut = [*base, event(5.0, "Video Playback Interrupted", position=4, method="network")]
    back = [*cut, event(7.0, "Video Playback Resumed", position=4)]

    assert build_timeline(idle).stats.outcome == "idle-ended"
    assert build_timeline(cut).stats.outcome == "interrupted"
    assert build_timeline(back).stats.outcome == "open"


@pytest.fixture(scope="module")
def ten_hours() -> list[dict[str, object]]:
    return long_session(hours=10)


def test_a_ten_hour_page_is_bounded_in_size(ten_hours: list[dict[str, object]]) -> None:
    (session,) = build_sessions(ten_hours)
    assert session.stats.duration > 36_000
    assert session.stats.heartbeats > 3_600

    html = render_html([session])
    svg = render_svg([session])

    assert len(html.encode()) < 500_000
    assert len(svg.encode()) < 400_000
    # heartbeats are times in one attribute, never an element each; the event list folds them
    root = ET.fromstring(svg)
    assert len(list(root.iter())) < 6_000
    others = len(session.markers) - session.stats.heartbeats
    assert html.count("<tr") <= len(session.bands) + 2 * others + 2
    # five times the heartbeats do not make a page five times bigger
    (dense,) = build_sessions(long_session(hours=10, heartbeat_interval=2))
    assert len(render_html([dense])) < 1.6 * len(html)


def test_a_long_line_is_kept_short_on_steady_play(ten_hours: list[dict[str, object]]) -> None:
    (session,) = build_sessions(ten_hours)
    (line,) = re.findall(r'class="playhead" data-pts="([^"]*)"', render_svg([session]))
    points = line.split()
    assert len(points) < 0.5 * sum(len(line) for line in session.playhead)
    times = [float(p.split(",")[0]) for p in points]
    assert times == sorted(times)
    assert times[-1] == pytest.approx(session.stats.duration, abs=1)
