"""Drawing the fleet summary: an overview picture (SVG) and a page (HTML) with its tables.

The picture shows the counts, the outcome mix as one stacked bar, and the startup time and
rebuffer ratio histograms with their median and p95. The page adds the worst sessions (each
linked to its own chart further down the page), the figures per content item and per
``video_player``, and the charts of the worst sessions, zoomable like the single-session page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

from playhead.report.fleet import Distribution, FleetSummary, GroupFigures
from playhead.report.html import page, session_section
from playhead.report.model import OUTCOMES, SessionTimeline
from playhead.report.svg import render_svg

__all__ = ["OUTCOME_COLOURS", "render_fleet_html", "render_fleet_svg"]

OUTCOME_COLOURS: dict[str, str] = {
    "completed": "#43a047",
    "exited": "#1e88e5",
    "idle-ended": "#8e24aa",
    "interrupted": "#6d4c41",
    "open": "#b0bec5",
}

WIDTH = 1240
_FONT = "font-family:DejaVu Sans,Helvetica,Arial,sans-serif"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} ms"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f} %"


def _bucket_label(low: float, high: float | None, ratio: bool) -> str:
    def one(v: float) -> str:
        if ratio:
            return f"{v * 100:g}%"
        return f"{v / 1000:g}s" if v >= 1000 else f"{v:g}"

    if ratio and high == 0:
        return "none"
    if high is None:
        return f"≥{one(low)}"
    return f"{one(low)}-{one(high)}"


def _histogram(
    title: str, dist: Distribution, x: float, y: float, width: float, ratio: bool
) -> list[str]:
    fmt = _ratio if ratio else _ms
    out = [
        f'<text x="{x}" y="{y}" font-size="13" font-weight="bold">{escape(title)}</text>',
        f'<text x="{x}" y="{y + 16}" font-size="11" fill="#455a64">median {fmt(dist.median)}'
        f"  ·  p95 {fmt(dist.p95)}  ·  {dist.count:,} sessions</text>",
    ]
    rows = dist.histogram
    most = max((c for _, _, c in rows), default=0) or 1
    slot = width / max(len(rows), 1)
    base, height = y + 130, 96.0
    out.append(f'<line x1="{x}" y1="{base}" x2="{x + width}" y2="{base}" stroke="#37474f"/>')
    for index, (low, high, count) in enumerate(rows):
        h = height * count / most
        bx = x + index * slot + 4
        out.append(
            f'<rect class="bar" x="{bx:.1f}" y="{base - h:.1f}" width="{slot - 8:.1f}" '
            f'height="{h:.1f}" fill="#5c6bc0"><title>{escape(_bucket_label(low, high, ratio))}'
            f": {count:,} sessions</title></rect>"
            f'<text x="{bx + (slot - 8) / 2:.1f}" y="{base - h - 3:.1f}" font-size="10" '
            f'text-anchor="middle">{count:,}</text>'
            f'<text x="{bx + (slot - 8) / 2:.1f}" y="{base + 13:.1f}" font-size="10" '
            f'text-anchor="middle" fill="#455a64">{escape(_bucket_label(low, high, ratio))}</text>'
        )
    return out


def _outcome_bar(outcomes: Mapping[str, int], x: float, y: float, width: float) -> list[str]:
    total = sum(outcomes.values()) or 1
    out = [f'<text x="{x}" y="{y}" font-size="13" font-weight="bold">Outcomes</text>']
    left = x
    for outcome in OUTCOMES:
        count = outcomes.get(outcome, 0)
        w = width * count / total
        if w > 0:
            out.append(
                f'<rect class="outcome outcome-{outcome}" x="{left:.1f}" y="{y + 8}" '
                f'width="{w:.1f}" height="22" fill="{OUTCOME_COLOURS[outcome]}">'
                f"<title>{outcome}: {count:,}</title></rect>"
            )
        left += w
    lx = x
    for outcome in OUTCOMES:
        count = outcomes.get(outcome, 0)
        text = f"{outcome} {count:,} ({100 * count / total:.0f}%)"
        out.append(
            f'<rect x="{lx:.1f}" y="{y + 38}" width="12" height="12" '
            f'fill="{OUTCOME_COLOURS[outcome]}"/>'
            f'<text x="{lx + 16:.1f}" y="{y + 48}" font-size="11">{escape(text)}</text>'
        )
        lx += 30 + 6.4 * len(text)
    return out


def render_fleet_svg(summary: FleetSummary) -> str:
    """The overview picture of a fleet summary, one standalone SVG document.

    .. versionadded:: 0.2
    """
    o = summary.overall
    span = ""
    if summary.first_event and summary.last_event:
        span = f"  ·  {summary.first_event} to {summary.last_event}"
    body = [
        '<text x="40" y="28" font-size="18" font-weight="bold">playhead fleet report</text>',
        f'<text x="40" y="48" font-size="12" fill="#455a64">{o.sessions:,} sessions  ·  '
        f"{o.viewers:,} viewers  ·  {summary.events:,} events{escape(span)}</text>",
    ]
    cards = (
        ("sessions", f"{o.sessions:,}"),
        ("viewers", f"{o.viewers:,}"),
        ("startup median", _ms(o.startup_time.median)),
        ("startup p95", _ms(o.startup_time.p95)),
        ("rebuffer median", _ratio(o.rebuffer_ratio.median)),
        ("rebuffer p95", _ratio(o.rebuffer_ratio.p95)),
    )
    for index, (label, value) in enumerate(cards):
        cx = 40 + index * 195
        body.append(
            f'<rect x="{cx}" y="64" width="180" height="58" rx="6" fill="#eceff1"/>'
            f'<text x="{cx + 12}" y="84" font-size="11" fill="#455a64">{label}</text>'
            f'<text class="card" x="{cx + 12}" y="110" font-size="20" font-weight="bold">'
            f"{escape(value)}</text>"
        )
    body.extend(_outcome_bar(o.outcomes, 40, 150, WIDTH - 80))
    body.extend(_histogram("Startup time", o.startup_time, 40, 236, 540, ratio=False))
    body.extend(_histogram("Rebuffer ratio", o.rebuffer_ratio, 660, 236, 540, ratio=True))
    height = 400
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="fleet" width="{WIDTH}" '
        f'height="{height}" viewBox="0 0 {WIDTH} {height}" style="{_FONT}" '
        f'font-family="DejaVu Sans, sans-serif"><rect width="{WIDTH}" height="{height}" '
        f'fill="#ffffff"/>' + "".join(body) + "</svg>\n"
    )


def _group_table(title: str, groups: Mapping[str, GroupFigures]) -> str:
    head = "".join(f"<th>{o}</th>" for o in OUTCOMES)
    rows = []
    for key, g in groups.items():
        outcomes = "".join(f'<td class="num">{g.outcomes[o]:,}</td>' for o in OUTCOMES)
        rows.append(
            f'<tr><td>{escape(key)}</td><td class="num">{g.sessions:,}</td>'
            f'<td class="num">{g.viewers:,}</td>{outcomes}'
            f'<td class="num">{_ms(g.startup_time.median)}</td>'
            f'<td class="num">{_ms(g.startup_time.p95)}</td>'
            f'<td class="num">{_ratio(g.rebuffer_ratio.median)}</td>'
            f'<td class="num">{_ratio(g.rebuffer_ratio.p95)}</td></tr>'
        )
    return (
        f"<h2>{escape(title)}</h2><table><tr><th></th><th>sessions</th><th>viewers</th>{head}"
        f"<th>startup median</th><th>startup p95</th><th>rebuffer median</th>"
        f"<th>rebuffer p95</th></tr>{''.join(rows)}</table>"
    )


def render_fleet_html(summary: FleetSummary, charts: Sequence[SessionTimeline] = ()) -> str:
    """The fleet page: the overview picture, the worst sessions linked to their charts, the
    figures per content item and per ``video_player``, then the ``charts``.

    .. versionadded:: 0.2
    """
    charted = {s.session_id for s in charts}
    worst = []
    for f in summary.worst:
        name = escape(f.session_id)
        if f.session_id in charted:
            name = f"<a href={quoteattr('#chart-' + f.session_id)}>{name}</a>"
        worst.append(
            f"<tr><td>{name}</td><td>{escape(f.user)}</td><td>{escape(f.content)}</td>"
            f"<td>{escape(f.video_player)}</td><td>{escape(f.outcome)}</td>"
            f'<td class="num">{_ratio(f.rebuffer_ratio)}</td>'
            f'<td class="num">{f.stall_count} ({f.time_stalled:.1f} s)</td>'
            f'<td class="num">{_ms(f.startup_time)}</td></tr>'
        )
    body = (
        f'<div class="picture">{render_fleet_svg(summary)}</div>'
        '<h2>Worst sessions</h2><p class="hint">Highest rebuffer ratio first, then most time '
        "stalled, then the longest startup. A name links to the session's chart.</p>"
        "<table><tr><th>session</th><th>user</th><th>content</th><th>player</th>"
        "<th>outcome</th><th>rebuffer ratio</th><th>stalls</th><th>startup</th></tr>"
        f"{''.join(worst)}</table>"
        f"{_group_table('Per content item', summary.by_content)}"
        f"{_group_table('Per video_player', summary.by_player)}"
    )
    if charts:
        body += (
            '<h2>Charts of the worst sessions</h2><p class="hint">Scroll over a chart to zoom '
            "in on the time axis, drag to pan, double-click to see the whole session.</p>"
            f'<div class="picture">{render_svg(charts)}</div>'
            + "".join(session_section(s) for s in charts)
        )
    return page("playhead fleet report", body)
