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


def _playhead(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "playhead", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _assert_fails_in_one_line(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    for word in words:
        assert word in lines[0]


@pytest.mark.parametrize(
    "args",
    [
        ["demo", "--out", "{missing}/demo.jsonl"],
        ["demo", "--report", "{missing}/demo.svg"],
        ["simulate", str(TIMELINE), "--out", "{missing}/events.jsonl"],
    ],
)
def test_an_output_in_a_missing_directory_fails_before_running(
    tmp_path: Path, args: list[str]
) -> None:
    missing = tmp_path / "no-such-dir"
    done = _playhead(*(arg.format(missing=missing) for arg in args))
    _assert_fails_in_one_line(done, str(missing), "no such directory")
    assert done.stdout == ""  # refused before the session ran
    assert not missing.exists()


def test_demo_refuses_a_picture_format_before_running(tmp_path: Path) -> None:
    picture = tmp_path / "x.png"
    done = _playhead("demo", "--report", str(picture))
    _assert_fails_in_one_line(done, "x.png", ".html or .svg")
    assert done.stdout == ""
    assert not picture.exists()


@pytest.mark.parametrize("flag", ["--heartbeat-interval", "--heartbeat"])
@pytest.mark.parametrize("value", ["-1", "nan", "soon"])
def test_demo_refuses_a_bad_heartbeat_interval(flag: str, value: str) -> None:
    done = _playhead("demo", f"{flag}={value}")
    _assert_fails_in_one_line(done, flag, value, ">= 0")


def test_the_old_heartbeat_flag_still_works_unlisted() -> None:
    def heartbeats(*flags: str) -> int:
        done = _playhead("demo", "--json", *flags)
        assert done.returncode == 0, done.stderr
        return sum("Video Content Playing" in line for line in done.stdout.splitlines())

    assert heartbeats("--heartbeat", "5") == heartbeats("--heartbeat-interval", "5")
    assert heartbeats("--heartbeat-interval", "5") > heartbeats() > 0
    assert "--heartbeat " not in _playhead("demo", "--help").stdout


def test_a_reader_that_goes_away_ends_the_demo_quietly() -> None:
    # `playhead demo --json | head -1`: a heartbeat every 10 ms makes megabytes of output, far
    # more than a pipe holds, so the write after the reader left is sure to fail.
    command = [sys.executable, "-m", "playhead", "demo", "--json", "--heartbeat-interval", "0.01"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        first = process.stdout.readline()
        process.stdout.close()
        err = process.stderr.read()
        status = process.wait(timeout=60)
    assert json.loads(first)["event"] == "Video Playback Started"
    assert err == ""
    assert status == 141  # as a shell reports a program ended by SIGPIPE


def test_simulate_names_a_missing_file_once(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    done = _playhead("simulate", str(missing))
    _assert_fails_in_one_line(done, "No such file")
    assert done.stderr.count(str(missing)) == 1


def test_simulate_names_the_file_once_for_a_bad_step(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"steps": [{"at": 0, "call": "rewind"}]}))
    done = _playhead("simulate", str(bad))
    _assert_fails_in_one_line(done, "step 0", "rewind")
    assert done.stderr.count(str(bad)) == 1


def test_simulate_reads_standard_input() -> None:
    done = _playhead("simulate", "-", stdin=TIMELINE.read_text())
    assert done.returncode == 0, done.stderr
    from_file = _playhead("simulate", str(TIMELINE))
    assert [json.loads(line)["event"] for line in done.stdout.splitlines()] == [
        json.loads(line)["event"] for line in from_file.stdout.splitlines()
    ]
    _assert_fails_in_one_line(_playhead("simulate", "-", stdin="{not json"), "<stdin>", "JSON")
