"""``playhead play``: a real file through mpv, headless, events printed as they happen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from playhead import cli
from playhead.testing import event_names, run_timeline
from tests.adapters.media_server import MediaServer


def event_of(line: str) -> str:
    """The event name of a ConsoleTransport line (time, then the name in a 32-wide column)."""
    return line[14:46].strip()


def test_plays_to_the_end_printing_events_and_recording(
    video: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    timeline = tmp_path / "run.json"
    status = cli.main(
        [
            "play",
            "--speed",
            "8",
            "--heartbeat-interval",
            "0.5",
            "--record",
            str(timeline),
            str(video),
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    names = [event_of(line) for line in out.splitlines() if line[:2].isdigit()]
    assert names[:2] == ["Video Playback Started", "Video Content Started"]
    assert names[-2:] == ["Video Content Completed", "Video Playback Completed"]
    assert "position=10/10" in out.splitlines()[-3]
    assert f"to {timeline}" in out

    recorded = json.loads(timeline.read_text())
    assert recorded["tracker"]["anonymous_id"] == "playhead-cli"
    assert recorded["session"]["content"] == [{"asset_id": "test.mp4", "total_length": 10.0}]
    replayed = event_names(run_timeline(recorded), heartbeats=False)
    assert replayed[0] == "Video Playback Started"
    assert replayed[-1] == "Video Playback Completed"


def test_the_recording_replays_with_playhead_simulate(
    video: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    timeline = tmp_path / "run.json"
    assert cli.main(["play", "--speed", "8", "--record", str(timeline), str(video)]) == 0
    live = [line for line in capsys.readouterr().out.splitlines() if "Video " in line]
    assert cli.main(["simulate", str(timeline)]) == 0
    replayed = [json.loads(line)["event"] for line in capsys.readouterr().out.splitlines()]
    assert replayed == [event_of(line) for line in live]


def test_a_missing_file_is_a_clear_error(missing: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["play", str(missing)]) == 1
    captured = capsys.readouterr()
    assert f"playhead play: no such file: {missing}" in captured.err
    assert "Video " not in captured.out  # no session at all


def test_an_unplayable_file_is_a_clear_error(
    not_media: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["play", str(not_media)]) == 1
    err = capsys.readouterr().err
    assert f"cannot play {not_media}: unrecognized file format" in err


def test_plays_a_url_and_falls_back_to_headless_without_a_display(
    video: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with MediaServer(video) as server:
        status = cli.main(["play", "--window", "--speed", "8", server.url])
    captured = capsys.readouterr()
    assert status == 0
    assert "no display; playing headless" in captured.err
    names = [event_of(line) for line in captured.out.splitlines() if line[:2].isdigit()]
    assert names[0] == "Video Playback Started"
    assert names[-1] == "Video Playback Completed"
    assert "asset_id=media.mp4" in captured.out
