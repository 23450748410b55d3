"""Drawing: a :class:`~playhead.report.model.SessionTimeline` list as one SVG picture.

Pure string building, no plotting library. Each session gets a panel: its state bands along
wall-clock time, the content playhead as a line, a lane of markers per event family, a time axis
and the session's stats beside it. Every mark has a ``<title>`` so a browser shows the event's
details on hover.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape, quoteattr

from playhead.report.model import (
    BAND_STATES,
    SKIPPED_AD,
    Marker,
    SessionStats,
    SessionTimeline,
)

__all__ = [
    "STATE_COLOURS",
    "format_duration",
    "heartbeat_marks",
    "place_labels",
    "playhead_top",
    "render_svg",
    "stats_rows",
    "zoom_config",
]

STATE_COLOURS: dict[str, str] = {
    "loading": "#cfd8dc",
    "playing": "#43a047",
    "ad": "#fb8c00",
    "paused": "#78909c",
    "stalled": "#e53935",
    "seeking": "#8e24aa",
    "interrupted": "#6d4c41",
}

_EVENT_COLOURS: dict[str, str] = {
    "Video Playback Started": "#263238",
    "Video Playback Paused": STATE_COLOURS["paused"],
    "Video Playback Resumed": STATE_COLOURS["playing"],
    "Video Playback Interrupted": STATE_COLOURS["interrupted"],
    "Video Playback Buffer Started": STATE_COLOURS["stalled"],
    "Video Playback Buffer Completed": STATE_COLOURS["stalled"],
    "Video Playback Seek Started": STATE_COLOURS["seeking"],
    "Video Playback Seek Completed": STATE_COLOURS["seeking"],
    "Video Playback Completed": "#263238",
    "Video Playback Exited": "#263238",
    "Video Content Started": STATE_COLOURS["playing"],
    "Video Content Playing": STATE_COLOURS["playing"],
    "Video Content Completed": STATE_COLOURS["playing"],
    "Video Ad Started": STATE_COLOURS["ad"],
    "Video Ad Playing": STATE_COLOURS["ad"],
    "Video Ad Completed": STATE_COLOURS["ad"],
    "Video Quality Updated": "#1e88e5",
    SKIPPED_AD: "#bf360c",
}

_LANES = ("playback", "content", "ad", "quality")
_FONT = "font-family:DejaVu Sans,Helvetica,Arial,sans-serif"

WIDTH = 1240
CHART_X0 = 120
CHART_X1 = 880
STATS_X = 915
LEGEND_HEIGHT = 86
BAND_H = 26
PLOT_H = 110
LANE_H = 26
AXIS_H = 30
PANEL_GAP = 26


def format_duration(seconds: float) -> str:
    """``75.5`` -> ``1:15.5``; ``3700`` -> ``1:01:40``; whole seconds lose the decimal."""
    negative = seconds < 0
    seconds = abs(seconds)
    tenths = round(seconds * 10)
    whole, tenth = divmod(tenths, 10)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    if tenth:
        text += f".{tenth}"
    return ("-" if negative else "") + text


#: The footnote of an estimated startup time (no Quality Updated carried ``startupTime``).
ESTIMATED_STARTUP = (
    "* estimated: Playback Started to the first",
    "Content/Ad Started (no startupTime reported)",
)


def stats_rows(stats: SessionStats) -> list[tuple[str, str]]:
    """The stats as (label, value) rows, shared by the SVG and the HTML table."""
    if stats.startup_time is None:
        startup = "unknown"
    else:
        startup = f"{stats.startup_time} ms"
        if stats.startup_source == "events":
            startup += " (estimated*)"
    ads = f"{stats.ads_started}"
    if stats.ads_started:
        ads += f" ({stats.ads_completed} completed, {format_duration(stats.time_in_ads)})"
    return [
        ("Outcome", stats.outcome),
        ("Startup time", startup),
        ("Rebuffer ratio", f"{stats.rebuffer_ratio * 100:.1f} %"),
        ("Time played", format_duration(stats.time_played)),
        ("Ads watched", ads),
        ("Stalls", f"{stats.stall_count} ({format_duration(stats.time_stalled)})"),
        ("Pauses", f"{stats.pause_count} ({format_duration(stats.time_paused)})"),
        ("Seeks", f"{stats.seek_count} ({format_duration(stats.time_seeking)})"),
        ("Interruptions", str(stats.interruption_count)),
        ("Heartbeats", str(stats.heartbeats)),
        ("Events", str(stats.events)),
        ("Session length", format_duration(stats.duration)),
    ]


#: Tick steps of the time axis, seconds: the first that gives at most 10 ticks is used.
TICK_STEPS: tuple[float, ...] = (
    0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800,
)  # fmt: skip
#: Heartbeats are drawn one tick each up to this many in view, else as a density strip.
HEARTBEAT_TICKS_MAX = 120
#: The width, pixels, of one bin of the heartbeat density strip.
DENSITY_BIN = 4


def zoom_config() -> dict[str, object]:
    """The drawing's constants the HTML page's zoom script needs (the same rules as here)."""
    return {
        "x0": CHART_X0,
        "x1": CHART_X1,
        "tick_steps": list(TICK_STEPS),
        "heartbeat_ticks_max": HEARTBEAT_TICKS_MAX,
        "density_bin": DENSITY_BIN,
        "plot_height": PLOT_H - 8,
        "min_span": 1.0,
    }


def _tick_step(duration: float) -> float:
    for step in TICK_STEPS:
        if duration / step <= 10:
            return float(step)
    return 3600.0 * max(1, round(duration / 36000))


def _nice_ceiling(value: float) -> float:
    """A round number of seconds at least ``value``: the playhead axis' top."""
    for step in (10, 30, 60, 120, 300, 600, 900, 1800, 3600):
        if value <= step:
            return float(step)
    return 3600.0 * -(-value // 3600)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _t(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _title(marker: Marker) -> str:
    details = [f"{format_duration(marker.at)}  {marker.event}"]
    for key in ("position", "total_length", "quartile", "seek_position", "method", "asset_id"):
        value = marker.properties.get(key)
        if value is not None:
            details.append(f"{key}={value}")
    for key in ("bitrate", "framerate", "startupTime", "droppedFrames", "pod_id", "type"):
        value = marker.properties.get(key)
        if value is not None and not isinstance(value, list):
            details.append(f"{key}={value}")
    return escape("  ".join(details))


def playhead_top(session: SessionTimeline) -> float:
    """The top of the content playhead's axis: the content's length, rounded up, so the same
    content length always gets the same scale; for a livestream, the furthest point reached."""
    if session.content_length is not None and not session.livestream:
        return _nice_ceiling(max(session.content_length, 1.0))
    highest = max((p for line in session.playhead for _, p in line), default=0.0)
    return _nice_ceiling(max(highest, 1.0))


def _simplified(line: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drop the points on a straight stretch (steady play): a long session's line stays short."""
    if len(line) < 3:
        return list(line)
    out = [line[0]]
    for index in range(1, len(line) - 1):
        (t0, p0), (t1, p1), (t2, p2) = out[-1], line[index], line[index + 1]
        if t2 - t0 > 0 and abs(p0 + (p2 - p0) * (t1 - t0) / (t2 - t0) - p1) < 0.01:
            continue
        out.append(line[index])
    out.append(line[-1])
    return out


def heartbeat_marks(
    times: Sequence[float], x: Callable[[float], float], colour: str, cy: float
) -> list[str]:
    """Heartbeats in view: a tick each when few, else a density strip of 4-pixel bins (the
    inline script of the HTML page redraws them the same way when the view changes)."""
    if len(times) <= HEARTBEAT_TICKS_MAX:
        return [
            f'<line class="heartbeat" x1="{_num(x(t))}" y1="{_num(cy - 6)}" x2="{_num(x(t))}" '
            f'y2="{_num(cy + 6)}" stroke="{colour}" stroke-width="2"/>'
            for t in times
        ]
    bins: dict[int, int] = {}
    last = (CHART_X1 - CHART_X0) // DENSITY_BIN - 1  # the session's last instant: last bin
    for t in times:
        key = min(int((x(t) - CHART_X0) // DENSITY_BIN), last)
        bins[key] = bins.get(key, 0) + 1
    most = max(bins.values())
    return [
        f'<rect class="heartbeat-density" x="{_num(CHART_X0 + key * DENSITY_BIN)}" '
        f'y="{_num(cy - 6)}" width="{DENSITY_BIN}" height="12" fill="{colour}" '
        f'fill-opacity="{0.2 + 0.8 * count / most:.2f}"/>'
        for key, count in sorted(bins.items())
    ]


def _label_width(text: str, above: bool = False) -> float:
    return (5.0 if above else 6.2) * len(text)


def place_labels(
    marks: Sequence[tuple[str, bool, str]], xs: Sequence[float]
) -> list[tuple[str, float]]:
    """Where each mark's label goes: ``(text-anchor, dx)``, anchor ``""`` when left out.

    ``marks`` are ``(lane, above, label)`` in time order at ``xs``. A label goes right of its
    glyph when it ends before the lane's next glyph, else left of it when it starts after the
    previous glyph (so the labels at the right edge still show); never over the lane's previous
    label. Quartile labels (``above``) sit centred above their diamond and only avoid each
    other. The HTML page's script places them the same way when the view changes.
    """
    glyphs: dict[str, list[float]] = {}
    for (lane, _, _), x in zip(marks, xs, strict=False):
        glyphs.setdefault(lane, []).append(x)
    seen: dict[str, int] = {}
    label_end: dict[tuple[str, bool], float] = {}
    out: list[tuple[str, float]] = []
    for (lane, above, text), x in zip(marks, xs, strict=False):
        index = seen.get(lane, 0)
        seen[lane] = index + 1
        width = _label_width(text, above)
        end_before = label_end.get((lane, above), CHART_X0)
        if above:
            start, placed = x - width / 2, ("middle", 0.0)
            fits = start >= end_before and start + width <= CHART_X1
        else:
            lane_xs = glyphs[lane]
            following = next((g for g in lane_xs[index + 1 :] if g > x + 0.5), CHART_X1 + 6)
            previous = max((g for g in lane_xs[:index] if g < x - 0.5), default=CHART_X0 - 6)
            start, placed = x + 7, ("start", 7.0)
            fits = start >= end_before and start + width <= min(following - 6, CHART_X1)
            if not fits:
                start, placed = x - 7 - width, ("end", -7.0)
                fits = start >= max(end_before, previous + 6, CHART_X0)
        if fits:
            label_end[(lane, above)] = start + width + 3
            out.append(placed)
        else:
            out.append(("", 7.0))
    return out


class _Panel:
    def __init__(self, session: SessionTimeline, top: float, index: int = 0) -> None:
        self.session = session
        self.top = top
        self.index = index
        self.duration = max(session.stats.duration, 1.0)
        self.band_y = top + 36
        self.plot_y = self.band_y + BAND_H + 10
        self.lanes_y = self.plot_y + PLOT_H + 10
        self.axis_y = self.lanes_y + LANE_H * len(_LANES)
        self.bottom = self.axis_y + AXIS_H

    def x(self, at: float) -> float:
        return CHART_X0 + (CHART_X1 - CHART_X0) * (at / self.duration)

    def draw(self) -> list[str]:
        out: list[str] = []
        s = self.session
        when = s.timestamp.replace("T", " ")
        head = f"session {s.session_id}"
        sub = f"user {s.user}  ·  started {when}"
        if s.content_ids:
            sub += "  ·  content " + ", ".join(s.content_ids)
        if s.content_length is not None:
            sub += f"  ({format_duration(s.content_length)} long)"
        if s.livestream:
            sub += "  ·  livestream"
        out.append(
            f'<text x="{CHART_X0}" y="{self.top + 14}" font-size="14" font-weight="bold">'
            f"{escape(head)}</text>"
        )
        out.append(
            f'<text x="{CHART_X0}" y="{self.top + 29}" font-size="11" fill="#455a64">'
            f"{escape(sub)}</text>"
        )
        clip = f"clip-{self.index}"
        out.append(
            f'<clipPath id="{clip}"><rect x="{CHART_X0}" y="{self.band_y - 2}" '
            f'width="{CHART_X1 - CHART_X0}" height="{self.axis_y - self.band_y + 4}"/></clipPath>'
        )
        out.extend(self._backgrounds())
        out.append(f'<g class="timed" clip-path="url(#{clip})">')
        out.extend(self._bands())
        out.extend(self._plot())
        out.extend(self._markers())
        out.append("</g>")
        out.extend(self._axis())
        out.extend(self._stats())
        return out

    def _backgrounds(self) -> list[str]:
        top = self.plot_y
        out = [
            f'<text x="{CHART_X0 - 8}" y="{self.band_y + 17}" font-size="11" '
            f'text-anchor="end">state</text>',
            f'<rect class="plot" x="{CHART_X0}" y="{top}" width="{CHART_X1 - CHART_X0}" '
            f'height="{PLOT_H}" fill="#fafafa" stroke="#b0bec5"/>',
        ]
        highest = playhead_top(self.session)
        out.append(
            f'<text x="{CHART_X0 - 8}" y="{top + PLOT_H / 2 - 4}" font-size="11" '
            f'text-anchor="end">content</text>'
            f'<text x="{CHART_X0 - 8}" y="{top + PLOT_H / 2 + 9}" font-size="11" '
            f'text-anchor="end">playhead</text>'
            f'<text class="y-top" x="{CHART_X0 - 4}" y="{top + 12}" font-size="10" '
            f'text-anchor="end" fill="#607d8b">{format_duration(highest)}</text>'
            f'<text x="{CHART_X0 - 4}" y="{top + PLOT_H}" font-size="10" text-anchor="end" '
            f'fill="#607d8b">0:00</text>'
        )
        for index, lane in enumerate(_LANES):
            y = self.lanes_y + index * LANE_H
            fill = "#f5f7f8" if index % 2 == 0 else "#ffffff"
            out.append(
                f'<rect x="{CHART_X0}" y="{y}" width="{CHART_X1 - CHART_X0}" height="{LANE_H}" '
                f'fill="{fill}"/>'
                f'<text x="{CHART_X0 - 8}" y="{y + 17}" font-size="11" '
                f'text-anchor="end">{lane}</text>'
            )
        return out

    def _bands(self) -> list[str]:
        out = []
        for band in self.session.bands:
            x0, x1 = self.x(band.start), self.x(band.end)
            width = max(x1 - x0, 0.75)
            tip = escape(
                f"{band.state}  {format_duration(band.start)} - {format_duration(band.end)}"
                f"  ({format_duration(band.duration)})"
            )
            times = f'data-t0="{_t(band.start)}" data-t1="{_t(band.end)}"'
            out.append(
                f'<rect class="band band-{band.state}" {times} x="{_num(x0)}" y="{self.band_y}" '
                f'width="{_num(width)}" height="{BAND_H}" fill="{STATE_COLOURS[band.state]}">'
                f"<title>{tip}</title></rect>"
            )
            shown = "" if width > 8 * len(band.state) else ' visibility="hidden"'
            out.append(
                f'<text class="band-label" {times} x="{_num(x0 + width / 2)}" '
                f'y="{self.band_y + 17}" font-size="11" text-anchor="middle" fill="#fff" '
                f'pointer-events="none"{shown}>{band.state}</text>'
            )
        return out

    def _plot(self) -> list[str]:
        s = self.session
        top, bottom = self.plot_y, self.plot_y + PLOT_H
        out = []
        for band in s.bands:
            if band.state in ("playing", "loading"):
                continue
            x0, x1 = self.x(band.start), self.x(band.end)
            out.append(
                f'<rect class="overlay" data-t0="{_t(band.start)}" data-t1="{_t(band.end)}" '
                f'x="{_num(x0)}" y="{top}" width="{_num(max(x1 - x0, 0.75))}" '
                f'height="{PLOT_H}" fill="{STATE_COLOURS[band.state]}" fill-opacity="0.15"/>'
            )
        highest = playhead_top(s)

        def y(position: float) -> float:
            return bottom - (PLOT_H - 8) * min(position, highest) / highest

        for line in s.playhead:
            kept = _simplified(line)
            points = " ".join(f"{_num(self.x(at))},{_num(y(pos))}" for at, pos in kept)
            data = " ".join(f"{_t(at)},{_num(y(pos))}" for at, pos in kept)
            out.append(
                f'<polyline class="playhead" data-pts="{data}" data-highest="{_t(highest)}" '
                f'points="{points}" fill="none" '
                f'stroke="#1a237e" stroke-width="2" stroke-linejoin="round"/>'
            )
        return out

    def _markers(self) -> list[str]:
        out: list[str] = []
        beats: dict[str, list[float]] = {lane: [] for lane in _LANES}
        for marker in self.session.markers:
            if marker.heartbeat:
                beats[marker.lane].append(marker.at)
        for lane, times in beats.items():
            if not times:
                continue
            cy = self.lanes_y + _LANES.index(lane) * LANE_H + LANE_H / 2
            colour = _EVENT_COLOURS[f"Video {lane.title()} Playing"]
            out.append(
                f'<g class="heartbeats" data-lane="{lane}" data-cy="{_num(cy)}" '
                f'data-colour="{colour}" data-times="{" ".join(_t(t) for t in times)}">'
                f"<title>{len(times)} heartbeats ({lane})</title>"
            )
            out.extend(heartbeat_marks(times, self.x, colour, cy))
            out.append("</g>")
        shown = [m for m in self.session.markers if not m.heartbeat]
        xs = [min(max(self.x(m.at), CHART_X0 + 5), CHART_X1 - 5) for m in shown]
        labels = place_labels([(m.lane, m.quartile is not None, m.label) for m in shown], xs)
        for marker, x, (anchor, dx) in zip(shown, xs, labels, strict=False):
            cy = self.lanes_y + _LANES.index(marker.lane) * LANE_H + LANE_H / 2
            above = marker.quartile is not None
            hidden = ' visibility="hidden"' if anchor == "" else ""
            label = (
                f'<text class="label{" above" if above else ""}" x="{_num(dx)}" '
                f'y="{-7 if above else 4}" '
                f'font-size="{8 if above else 10}" text-anchor="{anchor or "start"}" '
                f'fill="#37474f" pointer-events="none"{hidden}>{escape(marker.label)}</text>'
            )
            out.append(
                f'<g class="marker marker-{marker.lane}" data-lane="{marker.lane}" '
                f'data-t="{_t(marker.at)}" '
                f'transform="translate({_num(x)} {_num(cy)})">'
                f"{self._glyph(marker)}<title>{_title(marker)}</title>{label}</g>"
            )
        return out

    def _glyph(self, marker: Marker) -> str:
        colour = _EVENT_COLOURS.get(marker.event, "#000")
        if marker.derived:  # a skipped ad: a cross
            return (
                f'<path d="M-4,-4 L4,4 M-4,4 L4,-4" stroke="{colour}" stroke-width="2.5" '
                f'fill="none"/>'
            )
        if marker.quartile is not None or marker.lane == "quality":
            return f'<polygon points="0,-5 5,0 0,5 -5,0" fill="{colour}"/>'
        if marker.lane in ("content", "ad"):
            return f'<rect x="-4" y="-4" width="8" height="8" fill="{colour}"/>'
        return f'<circle r="4.5" fill="{colour}"/>'

    def _axis(self) -> list[str]:
        y = self.axis_y
        out = [
            f'<line x1="{CHART_X0}" y1="{y}" x2="{CHART_X1}" y2="{y}" stroke="#37474f"/>',
            f'<text x="{CHART_X0 - 18}" y="{y + 16}" font-size="11" text-anchor="end">time</text>',
            f'<g class="axis" data-y="{y}" data-top="{self.band_y}">',
        ]
        step = _tick_step(self.duration)
        tick = 0.0
        while tick <= self.duration + 1e-9:
            x = self.x(tick)
            out.append(
                f'<line x1="{_num(x)}" y1="{self.band_y}" x2="{_num(x)}" y2="{y + 4}" '
                f'stroke="#90a4ae" stroke-width="0.5" stroke-dasharray="2,3"/>'
                f'<text x="{_num(x)}" y="{y + 16}" font-size="10" text-anchor="middle">'
                f"{format_duration(tick)}</text>"
            )
            tick += step
        out.append("</g>")
        return out

    def _stats(self) -> list[str]:
        out = [
            f'<rect x="{STATS_X}" y="{self.band_y}" width="{WIDTH - STATS_X - 15}" '
            f'height="{_num(self.axis_y - self.band_y)}" fill="#eceff1" rx="6"/>'
        ]
        y = self.band_y + 20
        for label, value in stats_rows(self.session.stats):
            out.append(
                f'<text x="{STATS_X + 12}" y="{y}" font-size="12" fill="#455a64">'
                f"{escape(label)}</text>"
                f'<text x="{STATS_X + 128}" y="{y}" font-size="12" font-weight="bold">'
                f"{escape(value)}</text>"
            )
            y += 18
        if self.session.stats.startup_source == "events":
            for line in ESTIMATED_STARTUP:
                out.append(
                    f'<text class="footnote" x="{STATS_X + 12}" y="{y}" font-size="9" '
                    f'fill="#607d8b">{escape(line)}</text>'
                )
                y += 11
        return out


def _legend() -> list[str]:
    out = [
        f'<text x="{CHART_X0}" y="22" font-size="17" font-weight="bold">playhead session '
        f"report</text>",
        f'<text x="{CHART_X0 + 250}" y="22" font-size="11" fill="#607d8b">times are '
        f"wall-clock from each session's first event; hover a mark for details</text>",
    ]
    x = float(CHART_X0)
    for state in BAND_STATES:
        out.append(
            f'<rect x="{_num(x)}" y="36" width="14" height="14" fill="{STATE_COLOURS[state]}"/>'
            f'<text x="{_num(x + 19)}" y="47" font-size="11">{state}</text>'
        )
        x += 26 + 7 * len(state)
    x = float(CHART_X0)
    out.append('<g transform="translate(0 22)">')
    for glyph, text in (
        ("circle", "playback event"),
        ("rect", "content / ad start, end"),
        ("line", "heartbeat (shaded strip when dense)"),
        ("polygon", "quartile / quality"),
        ("cross", "ad skipped"),
    ):
        if glyph == "circle":
            out.append(f'<circle cx="{_num(x + 6)}" cy="43" r="4.5" fill="#263238"/>')
        elif glyph == "rect":
            out.append(f'<rect x="{_num(x + 2)}" y="39" width="8" height="8" fill="#fb8c00"/>')
        elif glyph == "cross":
            out.append(
                f'<path d="M{_num(x + 2)},39 l8,8 m-8,0 l8,-8" stroke="#bf360c" '
                f'stroke-width="2.5" fill="none"/>'
            )
        elif glyph == "line":
            out.append(
                f'<line x1="{_num(x + 6)}" y1="37" x2="{_num(x + 6)}" y2="49" '
                f'stroke="#43a047" stroke-width="2"/>'
            )
        else:
            out.append(
                f'<polygon points="{_num(x + 6)},38 {_num(x + 11)},43 {_num(x + 6)},48 '
                f'{_num(x + 1)},43" fill="#1e88e5"/>'
            )
        out.append(f'<text x="{_num(x + 16)}" y="47" font-size="11">{text}</text>')
        x += 26 + 5.6 * len(text)
    out.append("</g>")
    return out


def render_svg(sessions: Sequence[SessionTimeline]) -> str:
    """One standalone SVG document picturing every session, one panel each.

    .. versionadded:: 0.1
    """
    body = _legend()
    top = float(LEGEND_HEIGHT)
    if not sessions:
        body.append(
            f'<text x="{CHART_X0}" y="{top + 20}" font-size="13">no video session events</text>'
        )
        top += 40
    for index, session in enumerate(sessions):
        panel = _Panel(session, top, index)
        body.append(
            f'<g class="session" id={quoteattr("chart-" + session.session_id)} '
            f"data-session-id={quoteattr(session.session_id)} "
            f'data-duration="{_t(panel.duration)}">'
        )
        body.extend(panel.draw())
        body.append("</g>")
        top = panel.bottom + PANEL_GAP
    height = round(top)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" style="{_FONT}" font-family="DejaVu Sans, sans-serif">'
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>' + "".join(body) + "</svg>\n"
    )
