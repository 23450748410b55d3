"""The playhead command: demo and simulate."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from playhead.cli import main
from tests.conftest import assert_all_valid

TIMELINE = Path(__file__).parent.parent / "examples" / "timelines" / "pause-stall-seek.json"


def test_demo_prints_readable_events(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    for name in (
        "Video Playback Started",
        "Video Ad Started",
        "Video Playback Paused",
        "Video Playback Buffer Started",
        "Video Playback Seek Started",
        "Video Playback Completed",
    ):
        assert name in out
    assert "callback_ignored" not in out


def test_demo_writes_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo.jsonl"
    assert main(["demo", "--out", str(out)]) == 0
    payloads = [json.loads(line) for line in out.read_text().splitlines()]
    assert_all_valid(payloads)
    names = [p["event"] for p in payloads]
    # The seek's own buffering is not a rebuffer: one stall only, the real one.
    assert names.count("Video Playback Buffer Started") == 1
    assert names.count("Video Ad Completed") == 2  # the skipped ad never completes
    assert names[-1] == "Video Playback Completed"


def test_simulate_to_stdout_and_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(TIMELINE)]) == 0
    lines = capsys.readouterr().out.splitlines()
    out = tmp_path / "events.jsonl"
    assert main(["simulate", str(TIMELINE), "--out", str(out)]) == 0
    assert len(out.read_text().splitlines()) == len(lines) > 5
    assert_all_valid(json.loads(line) for line in lines)


def test_simulate_names_the_bad_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"steps": [{"at": 0, "call": "play"}, {"at": 1, "call": "rewind"}]}))
    assert main(["simulate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "step 1" in err
    assert "rewind" in err


def test_simulate_reports_bad_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["simulate", str(bad)]) == 2
    assert "not valid JSON" in capsys.readouterr().err


def test_the_installed_command_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "playhead", "demo", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    payloads = [json.loads(line) for line in result.stdout.splitlines()]
    assert payloads[0]["event"] == "Video Playback Started"


def test_demo_draws_its_picture(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo.svg"
    assert main(["demo", "--report", str(out)]) == 0
    svg = out.read_text()
    assert svg.startswith("<svg") or svg.startswith("<?xml")
    assert "Buffer" in svg or "stall" in svg.lower()


def test_the_demo_is_clean_under_strict_mode() -> None:
    from playhead.demo import demo_timeline
    from playhead.testing import run_timeline

    timeline = demo_timeline()
    timeline["tracker"]["strict"] = True
    assert run_timeline(timeline)[-1]["event"] == "Video Playback Completed"
