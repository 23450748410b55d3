"""Chromium renders the pages (a session, a 10-hour session, the fleet), and the zoom script
works: driven by synthetic wheel and mouse events, it moves the view, the ticks and the marks."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from playhead.demo import demo_timeline
from playhead.report import main, write_report
from playhead.report.samples import long_session, write_fleet
from playhead.report.svg import STATE_COLOURS
from playhead.testing import capture_logs, run_timeline

from .browser import chromium, colour_share, dump_dom, not_blank, pixels, screenshot


def _demo() -> list[dict[str, object]]:
    with capture_logs():
        return run_timeline(demo_timeline())


@pytest.fixture(scope="module")
def long_payloads() -> list[dict[str, object]]:
    return long_session(hours=10)


def _looks_drawn(png: Path, size: tuple[int, int], colours: dict[str, float]) -> None:
    width, height, rows = pixels(png)
    assert (width, height) == size
    inked, distinct = not_blank(rows)
    assert inked > 0.08, f"only {inked:.1%} of the screenshot is not white"
    assert distinct > 40, f"only {distinct} colours: text, bands and lines are missing"
    for colour, least in colours.items():
        share = colour_share(rows, colour)
        assert share > least, f"{colour} covers {share:.2%} of the screenshot"


@pytest.mark.parametrize("suffix", ["html", "svg"])
def test_a_session_renders_in_chromium(tmp_path: Path, suffix: str) -> None:
    chromium()
    page = tmp_path / f"demo.{suffix}"
    write_report(_demo(), page)

    png = screenshot(page, tmp_path / "demo.png", 1260, 520)

    _looks_drawn(png, (1260, 520), {STATE_COLOURS["playing"]: 0.01, STATE_COLOURS["ad"]: 0.003})


def test_a_ten_hour_session_renders_in_chromium(
    tmp_path: Path, long_payloads: list[dict[str, object]]
) -> None:
    chromium()
    page = tmp_path / "long.html"
    write_report(long_payloads, page)

    png = screenshot(page, tmp_path / "long.png", 1260, 520)

    _looks_drawn(png, (1260, 520), {STATE_COLOURS["playing"]: 0.01})


def test_the_fleet_page_renders_in_chromium(tmp_path: Path) -> None:
    chromium()
    events = tmp_path / "fleet.jsonl"
    write_fleet(events, 40)
    page = tmp_path / "fleet.html"
    assert main([str(events), "-o", str(page)]) == 0

    png = screenshot(page, tmp_path / "fleet.png", 1260, 700)

    # the histogram bars, the outcome bar's "completed" part
    _looks_drawn(png, (1260, 700), {"#5c6bc0": 0.01, "#43a047": 0.005})


class _Dom(HTMLParser):
    """The attributes of every element of a dumped DOM, and the text of the axis' labels."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.axis_labels: list[str] = []
        self._depth_in_axis = 0
        self._in_text = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.elements.append((tag, found))
        if tag == "g" and found.get("class") == "axis":
            self._depth_in_axis = 1
        elif self._depth_in_axis and tag == "g":
            self._depth_in_axis += 1
        self._in_text = tag == "text" and self._depth_in_axis > 0

    def handle_endtag(self, tag: str) -> None:
        if tag == "g" and self._depth_in_axis:
            self._depth_in_axis -= 1
        self._in_text = False

    def handle_data(self, data: str) -> None:
        if self._in_text:
            self.axis_labels.append(data)

    def first(self, tag: str, cls: str) -> dict[str, str]:
        return next(a for t, a in self.elements if t == tag and cls in a.get("class", "").split())

    def all(self, tag: str, cls: str) -> list[dict[str, str]]:
        return [a for t, a in self.elements if t == tag and cls in a.get("class", "").split()]


# Wheel in three times at the plot's middle, then drag 190 px right (a quarter of the chart):
# the view goes back by a quarter of its span. Each step's view is kept on <body>.
_DRIVE = """<script>//<![CDATA[
var g = document.querySelector("g.session"), plot = g.querySelector("rect.plot");
var box = plot.getBoundingClientRect(), x = box.left + box.width / 2, y = box.top + box.height / 2;
var views = [g.getAttribute("data-view")];
for (var i = 0; i < 3; i++) {
  plot.dispatchEvent(new WheelEvent("wheel", {clientX: x, clientY: y, deltaY: -120,
                                              bubbles: true, cancelable: true}));
}
views.push(g.getAttribute("data-view"));
plot.dispatchEvent(new MouseEvent("mousemove", {clientX: x, clientY: y, bubbles: true}));
var readout = g.querySelector("text.readout").textContent;
plot.dispatchEvent(new MouseEvent("mousedown", {clientX: x, clientY: y, bubbles: true}));
window.dispatchEvent(new MouseEvent("mousemove", {clientX: x + box.width / 4, clientY: y}));
window.dispatchEvent(new MouseEvent("mouseup", {clientX: x + box.width / 4, clientY: y}));
views.push(g.getAttribute("data-view"));
document.body.setAttribute("data-views", JSON.stringify(views));
document.body.setAttribute("data-readout", readout);
//]]></script>"""


def _zoomed(
    tmp_path: Path, payloads: list[dict[str, object]], drive: str = _DRIVE
) -> tuple[_Dom, list[list[float]]]:
    page = tmp_path / "page.html"
    write_report(payloads, page)
    driven = tmp_path / "driven.html"
    driven.write_text(
        page.read_text(encoding="utf-8").replace("</body>", drive + "</body>"), encoding="utf-8"
    )
    dom = _Dom()
    dom.feed(dump_dom(driven))
    body = dom.elements[[t for t, _ in dom.elements].index("body")][1]
    views = [[float(v) for v in view.split()] for view in json.loads(body["data-views"])]
    dom.readout = body["data-readout"]  # type: ignore[attr-defined]
    return dom, views


def test_the_zoom_script_zooms_around_the_pointer_and_pans_with_a_drag(
    tmp_path: Path, long_payloads: list[dict[str, object]]
) -> None:
    chromium()
    dom, views = _zoomed(tmp_path, long_payloads)

    (start, whole), (z0, z1), (p0, p1) = views[0], views[1], views[2]
    assert start == 0
    middle = whole / 2
    assert z1 - z0 == pytest.approx(whole / 1.5**3, rel=1e-3)  # three wheel steps of 1.5
    assert z0 < middle < z1
    assert (z0 + z1) / 2 == pytest.approx(middle, rel=1e-3)
    assert p1 - p0 == pytest.approx(z1 - z0, rel=1e-6)
    assert p0 == pytest.approx(z0 - (z1 - z0) / 4, rel=1e-3)  # dragged right: earlier times

    # the axis was redrawn for the new view: its labels lie within it
    labels = dom.axis_labels
    assert 3 <= len(labels) <= 11
    seconds = [sum(int(p) * 60**i for i, p in enumerate(reversed(t.split(":")))) for t in labels]
    assert all(p0 - 1 <= s <= p1 + 1 for s in seconds)
    # marks outside the view are hidden, those inside stay within the plot
    markers = dom.all("g", "marker")
    inside = [m for m in markers if p0 <= float(m["data-t"]) <= p1]
    assert inside
    assert all(m.get("display") == "none" for m in markers if m not in inside)
    for m in inside:
        x = float(re.findall(r"[-\d.]+", m["transform"])[0])
        assert 120 <= x <= 880
    # hovering said where the pointer was: the time, the state and the content position
    assert re.match(r"\d+:\d\d:\d\d(\.\d)?  ·  (playing|ad|stalled|paused|seeking)", dom.readout)  # type: ignore[attr-defined]


def test_heartbeats_turn_from_density_into_ticks_when_zoomed_in(
    tmp_path: Path, long_payloads: list[dict[str, object]]
) -> None:
    page = tmp_path / "static.html"
    write_report(long_payloads, page)
    static = page.read_text(encoding="utf-8")
    (content,) = re.findall(r'<g class="heartbeats" data-lane="content".*?</g>', static)
    assert 'class="heartbeat-density"' in content  # 3,600 heartbeats: a density strip
    assert 'class="heartbeat"' not in content
    assert content.count("<rect") <= 760 / 4  # at most one bin per 4 pixels

    chromium()
    ten_minutes = _DRIVE.replace("for (var i = 0; i < 3;", "playheadView(0, 3600, 4200); for (;0;")
    dom, views = _zoomed(tmp_path, long_payloads, ten_minutes)
    assert views[1] == [3600, 4200]
    ticks = dom.all("line", "heartbeat")
    assert dom.all("rect", "heartbeat-density") == []
    assert 55 <= len(ticks) <= 61  # one per heartbeat in view (every 10 s)
