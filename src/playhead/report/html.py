"""The HTML page: the SVG picture, zoomable, then per session its bands and events.

The page is well-formed XML (XHTML syntax) with no external resource, so it opens anywhere,
from a file, offline. Its one inline script (``zoom.js``, a few dozen lines, no library) zooms
and pans the time axis and shows what is under the pointer; without it the page is the same
static picture. The stats are in the picture's card, once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib.resources import files
from xml.sax.saxutils import escape

from playhead.report.model import Marker, SessionTimeline
from playhead.report.svg import format_duration, render_svg, zoom_config

__all__ = ["page", "render_html", "zoom_script"]

STYLE = """
body { font-family: DejaVu Sans, Helvetica, Arial, sans-serif; margin: 24px; color: #263238; }
h1 { font-size: 20px; } h2 { font-size: 15px; margin-top: 28px; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
td, th { padding: 3px 10px; border-bottom: 1px solid #eceff1; text-align: left; }
th { background: #eceff1; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
details { margin: 8px 0 24px; } summary { cursor: pointer; }
p.hint { color: #607d8b; font-size: 12px; margin: 4px 0; }
g.session { cursor: crosshair; }
"""

_EVENT_KEYS = ("position", "total_length", "quartile", "seek_position", "method", "asset_id")
_MORE_KEYS = ("bitrate", "framerate", "startupTime", "droppedFrames", "sound", "full_screen")

HINT = (
    "Scroll over a chart to zoom in on the time axis, drag to pan, double-click to see the "
    "whole session; hover a mark for its details."
)


def zoom_script() -> str:
    """The page's inline script and its configuration (two ``<script>`` elements)."""
    code = files("playhead.report").joinpath("zoom.js").read_text(encoding="utf-8")
    config = json.dumps(zoom_config())
    return (
        f'<script type="application/json" id="playhead-zoom-config">{config}</script>'
        f"<script>//<![CDATA[\n{code}//]]></script>"
    )


def _event_row(marker: Marker) -> str:
    details = []
    for key in _EVENT_KEYS + _MORE_KEYS:
        value = marker.properties.get(key)
        if value is not None and not isinstance(value, list):
            details.append(f"{key}={value}")
    return (
        f'<tr><td class="num">{format_duration(marker.at)}</td>'
        f"<td>{escape(marker.event)}</td><td>{escape('  '.join(details))}</td></tr>"
    )


def event_rows(markers: Sequence[Marker]) -> list[str]:
    """The event list, each run of heartbeats in one row: a long session's list stays short."""
    rows: list[str] = []
    run: list[Marker] = []

    def flush() -> None:
        if len(run) == 1:
            rows.append(_event_row(run[0]))
        elif run:
            rows.append(
                f'<tr class="heartbeats"><td class="num">{format_duration(run[0].at)}</td>'
                f"<td>{len(run)} heartbeats ({escape(run[0].event)})</td>"
                f"<td>every {format_duration((run[-1].at - run[0].at) / (len(run) - 1))} "
                f"until {format_duration(run[-1].at)}</td></tr>"
            )
        run.clear()

    for marker in markers:
        if marker.heartbeat and (not run or run[0].event == marker.event):
            run.append(marker)
            continue
        flush()
        if marker.heartbeat:
            run.append(marker)
        else:
            rows.append(_event_row(marker))
    flush()
    return rows


def session_section(session: SessionTimeline) -> str:
    """A session's bands and events, folded (its stats are in the picture)."""
    bands = "".join(
        f'<tr><td>{escape(b.state)}</td><td class="num">{format_duration(b.start)}</td>'
        f'<td class="num">{format_duration(b.end)}</td>'
        f'<td class="num">{format_duration(b.duration)}</td></tr>'
        for b in session.bands
    )
    return (
        f'<section class="session" id="session-{escape(session.session_id)}">'
        f"<h2>Session {escape(session.session_id)} (user {escape(session.user)}, "
        f"started {escape(session.timestamp)})</h2>"
        f"<details><summary>State bands ({len(session.bands)})</summary>"
        f"<table><tr><th>state</th><th>from</th><th>to</th><th>for</th></tr>{bands}</table>"
        f"</details>"
        f"<details><summary>Events ({len(session.markers)})</summary>"
        f"<table><tr><th>time</th><th>event</th><th>properties</th></tr>"
        f"{''.join(event_rows(session.markers))}</table></details></section>"
    )


def page(title: str, body: str) -> str:
    """A standalone XHTML-syntax page with the report's style and the zoom script."""
    return (
        "<!DOCTYPE html>\n"
        '<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head><meta charset="utf-8"/>'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"{body}{zoom_script()}</body></html>\n"
    )


def render_html(sessions: Sequence[SessionTimeline], title: str = "playhead session report") -> str:
    """A standalone HTML page: the zoomable picture, then each session's bands and events.

    .. versionadded:: 0.1
    .. versionchanged:: 0.2 zoom and pan; the stats once (in the picture); heartbeats folded
       into runs in the event list.
    """
    sections = "".join(session_section(s) for s in sessions)
    return page(
        title,
        f'<p class="hint">{escape(HINT)}</p><div class="picture">{render_svg(sessions)}</div>'
        f"{sections}",
    )
