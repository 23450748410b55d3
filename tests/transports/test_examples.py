"""The delivery examples run as a user would run them, against the loopback collector."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .collector import Collector

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("example", ["production_http.py", "asyncio_app.py"])
def test_example_delivers_valid_events(example: str, collector: Collector, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "CIO_API_KEY": collector.api_key,
        "CIO_HOST": collector.url,
        "PLAYHEAD_SPOOL_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / example)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "remaining=0" in done.stdout
    assert collector.received
    assert not collector.invalid
    assert not collector.duplicates
    assert all(r.strict and r.status == 200 for r in collector.requests)
