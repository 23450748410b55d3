"""The HTML page: the SVG picture, then per session a stats table and the full event list.

The page is well-formed XML (XHTML syntax) with no script and no external resource, so it opens
anywhere, from a file, offline.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from playhead.report.model import SessionTimeline
from playhead.report.svg import format_duration, render_svg, stats_rows

__all__ = ["render_html"]

_STYLE = """
body { font-family: DejaVu Sans, Helvetica, Arial, sans-serif; margin: 24px; color: #263238; }
h1 { font-size: 20px; } h2 { font-size: 15px; margin-top: 28px; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
td, th { padding: 3px 10px; border-bottom: 1px solid #eceff1; text-align: left; }
th { background: #eceff1; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
details { margin: 8px 0 24px; } summary { cursor: pointer; }
"""

_EVENT_KEYS = ("position", "total_length", "quartile", "seek_position", "method", "asset_id")
_MORE_KEYS = ("bitrate", "framerate", "startupTime", "droppedFrames", "sound", "full_screen")


def _session_section(session: SessionTimeline) -> str:
    rows = "".join(
        f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>"
        for label, value in stats_rows(session.stats)
    )
    events = []
    for marker in session.markers:
        details = []
        for key in _EVENT_KEYS + _MORE_KEYS:
            value = marker.properties.get(key)
            if value is not None and not isinstance(value, list):
                details.append(f"{key}={value}")
        events.append(
            f'<tr><td class="num">{format_duration(marker.at)}</td>'
            f"<td>{escape(marker.event)}</td><td>{escape('  '.join(details))}</td></tr>"
        )
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
        f'<table class="stats">{rows}</table>'
        f"<details><summary>State bands ({len(session.bands)})</summary>"
        f"<table><tr><th>state</th><th>from</th><th>to</th><th>for</th></tr>{bands}</table>"
        f"</details>"
        f"<details><summary>Events ({len(session.markers)})</summary>"
        f"<table><tr><th>time</th><th>event</th><th>properties</th></tr>{''.join(events)}"
        f"</table></details></section>"
    )


def render_html(sessions: Sequence[SessionTimeline], title: str = "playhead session report") -> str:
    """A standalone HTML page: the picture, then each session's stats, bands and events.

    .. versionadded:: 0.1
    """
    sections = "".join(_session_section(s) for s in sessions)
    return (
        "<!DOCTYPE html>\n"
        '<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head><meta charset="utf-8"/>'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f'<div class="picture">{render_svg(sessions)}</div>'
        f"{sections}</body></html>\n"
    )
