"""``playhead play``, run as the command it is: a real file through a real player, headless."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from playhead.testing import event_names, run_timeline
from tests.adapters.media_server import MediaServer
from tests.conftest import assert_all_valid


def play(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m playhead play ARGS`` in a child process (bounded)."""
    return subprocess.run(
        [sys.executable, "-m", "playhead", "play", *args],
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, **(env or {})},
    )


def event_of(line: str) -> str:
    """The event name of a ConsoleTransport line (time, then the name in a 32-wide column)."""
    return line[14:46].strip()


def events(out: str) -> list[str]:
    return [event_of(line) for line in out.splitlines() if line[:2].isdigit()]


@pytest.fixture
def player_available(request: pytest.FixtureRequest) -> str:
    """The player named by the test's parameter, or a skip (a failure in CI) without it."""
    name: str = request.param
    if name in ("mpv", "vlc"):
        request.getfixturevalue(f"{name}_module")
    elif name == "gstreamer":
        request.getfixturevalue("gst")
    else:
        request.getfixturevalue("qt_app")
    return name


@pytest.mark.parametrize("player_available", ["mpv", "vlc", "gstreamer", "qt"], indirect=True)
def test_every_player_plays_to_the_end_with_the_length_from_the_player(
    player_available: str, short_video: Path, tmp_path: Path
) -> None:
    out = tmp_path / "events.jsonl"
    report = tmp_path / "session.html"
    result = play(
        "--player", player_available, "--speed", "2", "--heartbeat-interval", "0.5",
        "--out", str(out), "--report", str(report), str(short_video),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    names = events(result.stdout)
    assert names[:2] == ["Video Playback Started", "Video Content Started"]
    assert names[-2:] == ["Video Content Completed", "Video Playback Completed"]
    completed_line = next(line for line in result.stdout.splitlines() if "Content Comp" in line)
    assert "position=5/5" in completed_line
    payloads = [json.loads(line) for line in out.read_text().splitlines()]
    assert_all_valid(payloads)
    assert [p["event"] for p in payloads] == names
    assert payloads[0]["properties"]["video_player"] == player_available
    completed = next(p for p in payloads if p["event"] == "Video Content Completed")
    assert completed["properties"]["total_length"] == 5  # from the player: none was declared
    assert "<svg" in report.read_text()
    assert f"wrote {len(payloads)} events to {out}" in result.stdout


def test_records_a_timeline_that_replays(
    mpv_module: object, short_video: Path, tmp_path: Path
) -> None:
    timeline = tmp_path / "run.json"
    result = play("--speed", "4", "--record", str(timeline), str(short_video))
    assert result.returncode == 0, result.stderr
    assert f"to {timeline}" in result.stdout
    recorded = json.loads(timeline.read_text())
    assert recorded["tracker"]["anonymous_id"] == "playhead-cli"
    # The length the player gave is in the recording, so the replay's positions match.
    assert recorded["session"]["content"] == [{"asset_id": "short.mp4", "total_length": 5.0}]
    replayed = event_names(run_timeline(recorded), heartbeats=False)
    assert replayed == [n for n in events(result.stdout) if n != "Video Content Playing"]


def test_a_missing_file_is_one_clear_line(missing: Path) -> None:
    result = play(str(missing))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"playhead play: no such file: {missing}"]
    assert "Video " not in result.stdout  # no session at all


@pytest.mark.parametrize("player_available", ["mpv", "vlc", "gstreamer", "qt"], indirect=True)
def test_an_unplayable_file_is_one_clear_line(player_available: str, not_media: Path) -> None:
    result = play("--player", player_available, str(not_media))
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("playhead")]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"playhead play: cannot play {not_media}: ")
    names = events(result.stdout)  # VLC says Playing before it finds it cannot decode
    assert names[0] == "Video Playback Started"
    assert names[-1] == "Video Playback Exited"


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--speed", "0"], "playhead play: argument --speed: expected a number > 0, got '0'"),
        (["--speed", "nan"], "argument --speed: expected a number > 0, got 'nan'"),
        (["--heartbeat-interval", "-1"], "argument --heartbeat-interval: expected a number"),
        (["--report", "x.png"], "playhead play: x.png: unknown report format"),
        (["--out", "/nonexistent/dir/e.jsonl"], "/nonexistent/dir/e.jsonl: cannot write"),
    ],
)
def test_bad_options_are_refused_in_one_line_before_playing(
    option: list[str], message: str, short_video: Path
) -> None:
    result = play(*option, str(short_video))
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert message in result.stderr
    assert result.stdout == ""


def test_help_is_plain_text() -> None:
    result = play("--help")
    assert result.returncode == 0
    assert "``" not in result.stdout
    assert "--player {mpv,vlc,gstreamer,qt}" in result.stdout


def test_plays_a_url_and_falls_back_to_headless_without_a_display(
    mpv_module: object, video: Path
) -> None:
    with MediaServer(video) as server:
        result = play(
            "--window", "--speed", "8", server.url, env={"DISPLAY": "", "WAYLAND_DISPLAY": ""}
        )
    assert result.returncode == 0, result.stderr
    assert "no display; playing headless" in result.stderr
    names = events(result.stdout)
    assert names[0] == "Video Playback Started"
    assert names[-1] == "Video Playback Completed"
    assert "asset_id=media.mp4" in result.stdout
