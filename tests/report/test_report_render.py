"""The picture is well-formed SVG/HTML, shows the data, and renders in a real browser."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from playhead.report import ReportError, build_sessions, main, read_events, write_report
from playhead.report.svg import format_duration

from .test_report_model import KNOWN, event

SVG = "{http://www.w3.org/2000/svg}"


def _jsonl(path: Path, payloads: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(p) + "\n" for p in payloads), encoding="utf-8")
    return path


def test_svg_is_well_formed_and_draws_one_rect_per_band(tmp_path: Path) -> None:
    write_report(KNOWN, tmp_path / "s.svg")

    root = ET.parse(tmp_path / "s.svg").getroot()
    assert root.tag == f"{SVG}svg"
    bands = [r for r in root.iter(f"{SVG}rect") if "band" in r.get("class", "").split()]
    assert [b.get("class", "").split()[1] for b in bands] == [
        f"band-{b.state}" for b in build_sessions(KNOWN)[0].bands
    ]
    titles = [t.text or "" for t in root.iter(f"{SVG}title")]
    assert any("Video Playback Seek Started" in t and "seek_position=115" in t for t in titles)
    (playhead,) = [p for p in root.iter(f"{SVG}polyline") if p.get("class") == "playhead"]
    assert len((playhead.get("points") or "").split()) >= 8


def test_html_is_well_formed_and_shows_the_stats_once(tmp_path: Path) -> None:
    write_report(KNOWN, tmp_path / "s.html")

    text = (tmp_path / "s.html").read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    root = ET.fromstring(text.split("\n", 1)[1])
    svg = root.find(f".//{SVG}svg")
    assert svg is not None
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"500 ms", "4.7 %", "0:45"} <= set(texts)
    words = list(root.itertext())
    for label in ("Rebuffer ratio", "Startup time", "Time played", "Outcome"):
        assert words.count(label) == 1, label


def test_several_sessions_get_one_panel_each(tmp_path: Path) -> None:
    other = [
        event(200.0, "Video Playback Started", session="s<2>&", position=0),
        event(203.0, "Video Playback Exited", session="s<2>&", position=0),
    ]
    write_report([*KNOWN, *other], tmp_path / "two.svg")

    root = ET.parse(tmp_path / "two.svg").getroot()
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "session"]
    assert [g.get("data-session-id") for g in groups] == ["s1", "s<2>&"]


def test_no_session_still_makes_a_valid_picture(tmp_path: Path) -> None:
    write_report([], tmp_path / "empty.svg")

    root = ET.parse(tmp_path / "empty.svg").getroot()
    assert "no video session events" in "".join(root.itertext())


def test_read_events_accepts_jsonl_batches_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(
        json.dumps(KNOWN[0]) + "\n\n" + json.dumps({"batch": KNOWN[1:]}) + "\n", encoding="utf-8"
    )

    assert read_events(path) == KNOWN


def test_read_events_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(KNOWN[0]) + "\n{oops\n", encoding="utf-8")

    with pytest.raises(ReportError, match=r"bad\.jsonl:2: not JSON"):
        read_events(path)


def test_main_writes_the_picture_and_reports_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = _jsonl(tmp_path / "events.jsonl", KNOWN)

    assert main([str(events), "-o", str(tmp_path / "out.html")]) == 0
    assert "1 session" in capsys.readouterr().out
    ET.fromstring((tmp_path / "out.html").read_text(encoding="utf-8").split("\n", 1)[1])

    assert main([str(events), "-o", str(tmp_path / "out.png")]) == 2
    assert "unknown report format 'png'" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "x.svg")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_main_reads_standard_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(json.dumps(p) + "\n" for p in KNOWN)))

    assert main(["-", "-o", str(tmp_path / "in.svg")]) == 0
    assert "1 session" in capsys.readouterr().out
    assert ET.parse(tmp_path / "in.svg").getroot().tag == f"{SVG}svg"


def test_python_dash_m_playhead_report_runs(tmp_path: Path) -> None:
    events = _jsonl(tmp_path / "events.jsonl", KNOWN)
    done = subprocess.run(
        [sys.executable, "-m", "playhead.report", str(events), "-o", str(tmp_path / "r.svg")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "r.svg").stat().st_size > 1000


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0:00"), (75.5, "1:15.5"), (3700, "1:01:40"), (9.96, "0:10")]
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text
