"""The warehouse SQL of the docs (docs/sql/fleet.sql) gives the fleet summary's figures, run on
Segment-style tables (one per event, properties as snake_case columns) in SQLite."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from playhead.report import summarize
from playhead.report.samples import fleet_payloads

from .test_report_fleet import FLEET, _viewing

SQL = Path(__file__).parents[2] / "docs" / "sql" / "fleet.sql"
COLUMNS = ("session_id", "asset_id", "video_player", "exit_reason", "startup_time", "position")


def _table(event: str) -> str:
    return event.lower().replace(" ", "_")


def _warehouse(payloads: Iterable[dict[str, Any]]) -> sqlite3.Connection:
    """What a warehouse sync makes of the events: a table per event, camelCase to snake_case."""
    db = sqlite3.connect(":memory:")
    tables = set(re.findall(r"\bfrom (video_\w+)", SQL.read_text()))
    for table in tables:
        db.execute(
            f"create table {table} (id text, timestamp text, user_id text, anonymous_id text, "
            f"{', '.join(COLUMNS)})"
        )
    for p in payloads:
        props = {re.sub(r"(?<!^)(?=[A-Z])", "_", k).lower(): v for k, v in p["properties"].items()}
        marks = ", ".join("?" * len(COLUMNS))
        db.execute(
            f"insert into {_table(p['event'])} values (?, ?, ?, ?, {marks})",
            [p.get("messageId"), p["timestamp"], p.get("userId"), p.get("anonymousId")]
            + [props.get(c) for c in COLUMNS],
        )
    statements = _statements()
    # SQLite has no `extract(epoch from ...)`: the one dialect-specific expression (whole
    # seconds, plus the milliseconds of the ISO-8601 text).
    view = statements[0].replace(
        "extract(epoch from timestamp)",
        "(strftime('%s', timestamp) + cast(substr(timestamp, 20, 4) as real))",
    )
    db.execute(view)
    return db


def _statements() -> list[str]:
    code = "\n".join(line for line in SQL.read_text().splitlines() if not line.startswith("--"))
    return [s for s in code.split(";") if s.strip()]


def _queries() -> list[str]:
    return _statements()[1:]


def _check(payloads: list[dict[str, Any]]) -> None:
    summary = summarize(payloads)
    db = _warehouse(payloads)
    totals, per_content, histogram, worst = _queries()

    o = summary.overall
    row = db.execute(totals).fetchone()
    assert row == (
        o.sessions, o.viewers, o.outcomes["completed"], o.outcomes["exited"],
        o.outcomes["idle-ended"], o.outcomes["interrupted"], o.outcomes["open"],
    )  # fmt: skip
    for content, median, p95 in db.execute(per_content):
        figures = summary.by_content[content].startup_time
        assert (median, p95) == (pytest.approx(figures.median), pytest.approx(figures.p95))
    counts = [c for _, _, c in o.rebuffer_ratio.histogram]
    for bucket, sessions in db.execute(histogram):
        assert counts[int(bucket[0])] == sessions
    assert sum(s for _, s in db.execute(histogram)) == o.sessions
    rows = db.execute(worst).fetchall()
    assert [r[5] for r in rows] == pytest.approx([f.rebuffer_ratio for f in summary.worst])
    assert [r[4] for r in rows] == [f.outcome for f in summary.worst]


def test_the_sql_gives_the_known_fleet_s_figures() -> None:
    payloads = []
    for index, (sid, user, content, player, startup, played, stalled, end, rep) in enumerate(FLEET):
        payloads += _viewing(
            sid, user, content, player, index * 30.0, startup, played, stalled, end, rep
        )
    _check(payloads)


def test_the_sql_gives_a_generated_fleet_s_figures() -> None:
    _check(list(fleet_payloads(48)))
