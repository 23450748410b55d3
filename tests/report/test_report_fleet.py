"""The fleet summary: known answers on a hand-made fleet, the generated fleet, streaming with
memory bounded by sessions, ``--json``, the progress line, and the command's failures."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from playhead.report import main, summarize
from playhead.report.fleet import FleetSummary
from playhead.report.samples import FLEET_TEMPLATES, fleet_payloads, long_session, write_fleet

from .test_report_model import event


def _viewing(
    sid: str,
    user: str,
    content: str,
    player: str,
    start: float,
    startup: float,
    played: float,
    stalled: float,
    end: str,
    reported: int | None = None,
) -> list[dict[str, Any]]:
    """One session: startup, half the play, a stall, the other half, then ``end``."""

    def ev(at: float, name: str, **props: Any) -> dict[str, Any]:
        payload = event(start + at, name, session=sid, **props)
        payload["userId"] = user
        return payload

    at = startup + played / 2
    out = [
        ev(0, "Video Playback Started", position=0, video_player=player,
           content_asset_ids=[content]),
        ev(startup, "Video Content Started", asset_id=content, position=0, total_length=600),
    ]  # fmt: skip
    if reported is not None:
        out.append(ev(startup, "Video Quality Updated", bitrate=3000, startupTime=reported))
    if stalled:
        out.append(ev(at, "Video Playback Buffer Started", position=int(played / 2)))
        out.append(ev(at + stalled, "Video Playback Buffer Completed", position=int(played / 2)))
    last = startup + played + stalled
    if end == "completed":
        out.append(ev(last, "Video Playback Completed", position=int(played)))
    elif end == "exited":
        out.append(ev(last, "Video Playback Exited", position=int(played)))
    elif end == "idle-ended":
        out.append(ev(last, "Video Playback Interrupted", position=int(played), method="x"))
        out.append(
            ev(
                last + 600,
                "Video Playback Exited",
                position=int(played),
                exit_reason="idle_timeout",
            )
        )
    elif end == "interrupted":
        out.append(ev(last, "Video Playback Interrupted", position=int(played), method="x"))
    else:
        out.append(ev(last, "Video Content Playing", asset_id=content, position=int(played)))
    return out


# (id, user, content, player, startup s, played s, stalled s, end, reported startupTime ms)
FLEET = [
    ("s1", "u1", "c1", "p1", 0.5, 100, 0, "completed", None),
    ("s2", "u1", "c1", "p1", 1.0, 90, 10, "exited", 300),
    ("s3", "u2", "c2", "p2", 2.0, 95, 5, "idle-ended", None),
    ("s4", "u3", "c2", "p1", 1.0, 99, 1, "interrupted", None),
    ("s5", "u3", "c1", "p2", 4.5, 50, 0, "open", None),
    ("s6", "u4", "c1", "p2", 0.25, 100, 25, "completed", None),
]


@pytest.fixture
def fleet_file(tmp_path: Path) -> Path:
    payloads = []
    for index, (sid, user, content, player, startup, played, stalled, end, rep) in enumerate(FLEET):
        payloads += _viewing(
            sid, user, content, player, index * 30.0, startup, played, stalled, end, rep
        )
    payloads.sort(key=lambda p: p["timestamp"])  # interleaved, as a day's file is
    path = tmp_path / "fleet.jsonl"
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"type": "identify", "userId": "u1", "traits": {}}) + "\n")
        out.write(json.dumps({"batch": payloads[:5]}) + "\n\n")
        out.writelines(json.dumps(p) + "\n" for p in payloads[5:])
    return path


def test_the_figures_of_a_known_fleet(fleet_file: Path) -> None:
    summary = summarize(fleet_file)
    o = summary.overall

    assert (o.sessions, o.viewers, summary.skipped) == (6, 4, 1)
    assert dict(o.outcomes) == {
        "completed": 2, "exited": 1, "idle-ended": 1, "interrupted": 1, "open": 1,
    }  # fmt: skip
    # startups: 500, 300 (reported), 2000, 1000, 4500, 250 ms
    assert o.startup_time.median == 750
    assert o.startup_time.p95 == 4500
    assert [c for _, _, c in o.startup_time.histogram] == [0, 2, 1, 1, 1, 1, 0]
    # rebuffer ratios: 0, 10/100, 5/100, 1/100, 0, 25/125
    assert o.rebuffer_ratio.median == pytest.approx(0.03)
    assert o.rebuffer_ratio.p95 == pytest.approx(0.2)
    assert [c for _, _, c in o.rebuffer_ratio.histogram] == [2, 0, 0, 1, 0, 1, 1, 1]
    assert o.rebuffer_ratio.histogram[0][:2] == (0.0, 0.0)  # never stalled
    assert [f.session_id for f in summary.worst] == ["s6", "s2", "s3", "s4", "s5", "s1"]

    assert list(summary.by_content) == ["c1", "c2"]
    c1 = summary.by_content["c1"]
    assert (c1.sessions, c1.viewers) == (4, 3)
    assert c1.startup_time.median == pytest.approx((300 + 500) / 2)
    assert summary.by_content["c2"].outcomes["idle-ended"] == 1
    p1, p2 = summary.by_player["p1"], summary.by_player["p2"]
    assert (p1.sessions, p2.sessions) == (3, 3)
    assert p1.rebuffer_ratio.median == pytest.approx(0.01)
    assert p2.rebuffer_ratio.p95 == pytest.approx(0.2)


def test_json_prints_the_same_summary(fleet_file: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "playhead", "report", str(fleet_file), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no progress line when stderr is not a terminal
    printed = json.loads(done.stdout)
    assert printed == json.loads(json.dumps(summarize(fleet_file).to_dict()))
    assert printed["sessions"] == 6
    assert printed["outcomes"]["idle-ended"] == 1
    assert printed["startup_time_ms"]["median"] == 750
    assert printed["by_video_player"]["p1"]["sessions"] == 3
    assert printed["worst_sessions"][0]["session_id"] == "s6"


def test_the_fleet_page_links_the_worst_sessions_to_their_charts(
    fleet_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "fleet.html"

    assert main([str(fleet_file), "-o", str(page)]) == 0

    assert "fleet page of 6 sessions" in capsys.readouterr().out
    html = page.read_text(encoding="utf-8")
    for sid in ("s1", "s6"):
        assert f'<a href="#chart-{sid}">' in html
        assert f'id="chart-{sid}"' in html
    assert "Per content item" in html
    assert "Per video_player" in html
    assert main([str(fleet_file), "-o", str(tmp_path / "fleet.svg")]) == 0
    assert "playhead fleet report" in (tmp_path / "fleet.svg").read_text(encoding="utf-8")


def test_a_generated_fleet_has_the_mix_it_was_made_with(tmp_path: Path) -> None:
    path = tmp_path / "fleet.jsonl"
    events = write_fleet(path, 160)

    summary = summarize(path)

    assert summary.events == events
    assert summary.overall.sessions == 160
    per_kind = 160 // len(FLEET_TEMPLATES)
    expected: dict[str, int] = {}
    for _, _, _, outcome in FLEET_TEMPLATES:
        expected[outcome] = expected.get(outcome, 0) + per_kind
    assert {k: v for k, v in summary.overall.outcomes.items() if v} == expected
    assert set(summary.by_player) == {"settop", "kiosk"}
    assert summary.late_events == 0


def _peak(payloads: list[dict[str, Any]]) -> int:
    tracemalloc.start()
    summarize(payloads)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_memory_grows_with_sessions_not_with_events() -> None:
    sparse = long_session(hours=1.5, heartbeat_interval=10)
    dense = long_session(hours=1.5, heartbeat_interval=1)
    assert len(dense) > 5 * len(sparse)

    # ten times the heartbeats of one session: about the same memory
    assert _peak(dense) < 1.5 * _peak(sparse) + 50_000
    # ten times the sessions: more memory
    few, many = list(fleet_payloads(20)), list(fleet_payloads(200))
    assert _peak(many) > 3 * _peak(few)


def test_a_late_event_is_taken_at_its_session_s_last_time() -> None:
    payloads = _viewing("s", "u", "c", "p", 0, 1.0, 20, 0, "completed")
    payloads.insert(2, {**payloads[0], "event": "Video Playback Paused"})  # from the past

    summary = summarize(payloads)

    assert summary.late_events == 1
    (figures,) = summary.sessions
    assert figures.duration == pytest.approx(21.0)


def _report(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "playhead", "report", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_output_into_a_missing_directory_says_so(fleet_file: Path, tmp_path: Path) -> None:
    done = _report(str(fleet_file), "-o", str(tmp_path / "nowhere" / "page.html"))

    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "there is no directory" in done.stderr
    assert "nowhere" in done.stderr
    assert str(fleet_file) not in done.stderr  # the input is fine: it is not blamed


@pytest.mark.parametrize(
    "content",
    ["", "\n\n", '{"type": "identify", "userId": "u1"}\n', '{"event": "Order Completed"}\n'],
)
def test_a_file_without_video_events_is_an_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(content, encoding="utf-8")

    for args in (["-o", str(tmp_path / "x.html")], ["--json"]):
        done = _report(str(path), *args)
        assert done.returncode == 2
        assert done.stderr.count("\n") == 1, done.stderr
        assert "holds no video events" in done.stderr
        assert "Traceback" not in done.stderr
        assert done.stdout == ""
    assert not (tmp_path / "x.html").exists()


def test_neither_output_nor_json_is_an_error(fleet_file: Path) -> None:
    done = _report(str(fleet_file))
    assert done.returncode == 2
    assert "give -o FILE.html" in done.stderr


def test_progress_shows_on_a_terminal_only(tmp_path: Path) -> None:
    path = tmp_path / "fleet.jsonl"
    write_fleet(path, 60)  # more than 2,048 lines: one progress update at least
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "playhead", "report", str(path), "--json"],
            stdout=subprocess.PIPE,
            stderr=follower,
            timeout=60,
            check=False,
        )
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(leader)

    assert done.returncode == 0
    assert json.loads(done.stdout)["sessions"] == 60
    assert b"\rreading " in seen
    assert b" events, " in seen
    assert seen.endswith(b"\r\x1b[K")  # the line is cleared at the end


def test_summary_of_payloads_needs_no_file() -> None:
    summary = summarize(list(fleet_payloads(16)))
    assert isinstance(summary, FleetSummary)
    assert summary.overall.sessions == 16


def test_json_and_a_page_together_keep_stdout_pure_json(fleet_file: Path, tmp_path: Path) -> None:
    page = tmp_path / "fleet.html"
    done = _report(str(fleet_file), "--json", "-o", str(page))

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["sessions"] == 6
    assert f"wrote {page}" in done.stderr
    assert page.stat().st_size > 10_000
