"""``playhead demo`` and ``playhead simulate --readable``: readable lines that name frames."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

TIMELINE = Path(__file__).parent.parent / "examples" / "timelines" / "ads-pre-mid-post.json"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "playhead", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_demo_names_frames_tags_quartiles_and_shows_the_skipped_ad() -> None:
    done = _run("demo")

    assert done.returncode == 0
    out = done.stdout
    assert "positions: playback = the whole session's timeline" in out
    assert "(playback)" in out
    assert "(content)" in out
    assert "(ad)" in out
    assert "Q1 quartile" in out
    assert "heartbeat" in out
    assert "Ad skipped (no event sent)" in out


def test_simulate_readable_prints_lines_not_json(tmp_path: Path) -> None:
    done = _run("simulate", str(TIMELINE), "--readable")

    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0].startswith("(positions: playback = ")
    assert lines[1][14:46].strip() == "Video Playback Started"
    assert any("Q2 quartile" in line for line in lines)
    events = tmp_path / "events.jsonl"
    both = _run("simulate", str(TIMELINE), "--readable", "--out", str(events))
    assert both.stdout == done.stdout
    payloads = [json.loads(line) for line in events.read_text().splitlines()]
    assert len(payloads) == sum(1 for line in lines[1:] if "Video " in line[14:46])
