"""Drawing: a :class:`~playhead.report.model.SessionTimeline` list as one SVG picture.

Pure string building, no plotting library. Each session gets a panel: its state bands along
wall-clock time, the content playhead as a line, a lane of markers per event family, a time axis
and the session's stats beside it. Every mark has a ``<title>`` so a browser shows the event's
details on hover.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from playhead.report.model import BAND_STATES, Marker, SessionStats, SessionTimeline

__all__ = ["STATE_COLOURS", "format_duration", "render_svg", "stats_rows"]

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
}

_LANES = ("playback", "content", "ad", "quality")
_FONT = "font-family:DejaVu Sans,Helvetica,Arial,sans-serif"

WIDTH = 1240
CHART_X0 = 120
CHART_X1 = 880
STATS_X = 915
LEGEND_HEIGHT = 64
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


def stats_rows(stats: SessionStats) -> list[tuple[str, str]]:
    """The stats as (label, value) rows, shared by the SVG and the HTML table."""
    if stats.startup_time is None:
        startup = "unknown"
    else:
        startup = f"{stats.startup_time} ms"
        if stats.startup_source == "events":
            startup += " (from events)"
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


def _tick_step(duration: float) -> float:
    for step in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200):
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


class _Panel:
    def __init__(self, session: SessionTimeline, top: float) -> None:
        self.session = session
        self.top = top
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
        out.extend(self._bands())
        out.extend(self._plot())
        out.extend(self._lanes())
        out.extend(self._axis())
        out.extend(self._stats())
        return out

    def _bands(self) -> list[str]:
        out = [
            f'<text x="{CHART_X0 - 8}" y="{self.band_y + 17}" font-size="11" '
            f'text-anchor="end">state</text>'
        ]
        for band in self.session.bands:
            x0, x1 = self.x(band.start), self.x(band.end)
            width = max(x1 - x0, 0.75)
            tip = escape(
                f"{band.state}  {format_duration(band.start)} - {format_duration(band.end)}"
                f"  ({format_duration(band.duration)})"
            )
            out.append(
                f'<rect class="band band-{band.state}" x="{_num(x0)}" y="{self.band_y}" '
                f'width="{_num(width)}" height="{BAND_H}" fill="{STATE_COLOURS[band.state]}">'
                f"<title>{tip}</title></rect>"
            )
            if width > 8 * len(band.state):
                out.append(
                    f'<text x="{_num(x0 + width / 2)}" y="{self.band_y + 17}" font-size="11" '
                    f'text-anchor="middle" fill="#fff" pointer-events="none">{band.state}</text>'
                )
        return out

    def _plot(self) -> list[str]:
        s = self.session
        top, bottom = self.plot_y, self.plot_y + PLOT_H
        out = [
            f'<rect x="{CHART_X0}" y="{top}" width="{CHART_X1 - CHART_X0}" height="{PLOT_H}" '
            f'fill="#fafafa" stroke="#b0bec5"/>'
        ]
        for band in s.bands:
            if band.state in ("playing", "loading"):
                continue
            x0, x1 = self.x(band.start), self.x(band.end)
            out.append(
                f'<rect x="{_num(x0)}" y="{top}" width="{_num(max(x1 - x0, 0.75))}" '
                f'height="{PLOT_H}" fill="{STATE_COLOURS[band.state]}" fill-opacity="0.15"/>'
            )
        # Scale to what was watched, so short sessions of long content still show movement.
        highest = max((p for line in s.playhead for _, p in line), default=0.0)
        highest = _nice_ceiling(max(highest, 1.0))

        def y(position: float) -> float:
            return bottom - (PLOT_H - 8) * min(position, highest) / highest

        out.append(
            f'<text x="{CHART_X0 - 8}" y="{top + PLOT_H / 2 - 4}" font-size="11" '
            f'text-anchor="end">content</text>'
            f'<text x="{CHART_X0 - 8}" y="{top + PLOT_H / 2 + 9}" font-size="11" '
            f'text-anchor="end">playhead</text>'
            f'<text x="{CHART_X0 - 4}" y="{_num(y(highest) + 4)}" font-size="10" '
            f'text-anchor="end" fill="#607d8b">{format_duration(highest)}</text>'
            f'<text x="{CHART_X0 - 4}" y="{bottom}" font-size="10" text-anchor="end" '
            f'fill="#607d8b">0:00</text>'
        )
        for line in s.playhead:
            points = " ".join(f"{_num(self.x(at))},{_num(y(pos))}" for at, pos in line)
            out.append(
                f'<polyline class="playhead" points="{points}" fill="none" stroke="#1a237e" '
                f'stroke-width="2" stroke-linejoin="round"/>'
            )
        return out

    def _lanes(self) -> list[str]:
        out: list[str] = []
        for index, lane in enumerate(_LANES):
            y = self.lanes_y + index * LANE_H
            fill = "#f5f7f8" if index % 2 == 0 else "#ffffff"
            out.append(
                f'<rect x="{CHART_X0}" y="{y}" width="{CHART_X1 - CHART_X0}" height="{LANE_H}" '
                f'fill="{fill}"/>'
                f'<text x="{CHART_X0 - 8}" y="{y + 17}" font-size="11" '
                f'text-anchor="end">{lane}</text>'
            )
        # A label goes right of its glyph only where it fits before the lane's next glyph.
        glyph_xs: dict[str, list[float]] = {lane: [] for lane in _LANES}
        for marker in self.session.markers:
            glyph_xs[marker.lane].append(self.x(marker.at))
        label_end: dict[str, float] = {}
        for marker in self.session.markers:
            x = self.x(marker.at)
            cy = self.lanes_y + _LANES.index(marker.lane) * LANE_H + LANE_H / 2
            out.append(self._glyph(marker, x, cy))
            if marker.heartbeat:
                continue
            start = x + 7
            end = start + 6.2 * len(marker.label)
            following = [g for g in glyph_xs[marker.lane] if g > x + 0.5]
            limit = min(following[0] - 6 if following else STATS_X - 6, STATS_X - 6)
            if start < label_end.get(marker.lane, 0.0) or end > limit:
                continue
            label_end[marker.lane] = end + 4
            out.append(
                f'<text x="{_num(start)}" y="{_num(cy + 4)}" font-size="10" fill="#37474f" '
                f'pointer-events="none">{escape(marker.label)}</text>'
            )
        return out

    def _glyph(self, marker: Marker, x: float, cy: float) -> str:
        colour = _EVENT_COLOURS.get(marker.event, "#000")
        title = f"<title>{_title(marker)}</title>"
        cls = "marker marker-" + marker.lane
        if marker.heartbeat:
            return (
                f'<line class="{cls} heartbeat" x1="{_num(x)}" y1="{_num(cy - 6)}" '
                f'x2="{_num(x)}" y2="{_num(cy + 6)}" stroke="{colour}" stroke-width="2">'
                f"{title}</line>"
            )
        if marker.quartile is not None or marker.lane == "quality":
            r = 5
            points = f"{_num(x)},{_num(cy - r)} {_num(x + r)},{_num(cy)} "
            points += f"{_num(x)},{_num(cy + r)} {_num(x - r)},{_num(cy)}"
            return f'<polygon class="{cls}" points="{points}" fill="{colour}">{title}</polygon>'
        if marker.lane in ("content", "ad"):
            return (
                f'<rect class="{cls}" x="{_num(x - 4)}" y="{_num(cy - 4)}" width="8" height="8" '
                f'fill="{colour}">{title}</rect>'
            )
        return (
            f'<circle class="{cls}" cx="{_num(x)}" cy="{_num(cy)}" r="4.5" fill="{colour}">'
            f"{title}</circle>"
        )

    def _axis(self) -> list[str]:
        y = self.axis_y
        out = [
            f'<line x1="{CHART_X0}" y1="{y}" x2="{CHART_X1}" y2="{y}" stroke="#37474f"/>',
            f'<text x="{CHART_X0 - 18}" y="{y + 16}" font-size="11" text-anchor="end">time</text>',
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
            y += 20
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
    x += 12
    for glyph, text in (
        ("circle", "playback event"),
        ("rect", "content / ad start, end"),
        ("line", "heartbeat"),
        ("polygon", "quartile / quality"),
    ):
        if glyph == "circle":
            out.append(f'<circle cx="{_num(x + 6)}" cy="43" r="4.5" fill="#263238"/>')
        elif glyph == "rect":
            out.append(f'<rect x="{_num(x + 2)}" y="39" width="8" height="8" fill="#fb8c00"/>')
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
        x += 28 + 6.3 * len(text)
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
    for session in sessions:
        panel = _Panel(session, top)
        body.append(f'<g class="session" data-session-id={quoteattr(session.session_id)}>')
        body.extend(panel.draw())
        body.append("</g>")
        top = panel.bottom + PANEL_GAP
    height = round(top)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" style="{_FONT}" font-family="DejaVu Sans, sans-serif">'
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>' + "".join(body) + "</svg>\n"
    )
