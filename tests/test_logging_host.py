"""playhead as a guest in a host program: what reaches the host's stdout and stderr.

Each test runs a real program (tests/hosts/nonsense_host.py, the structlog recipe of
docs/logging.md) in a subprocess and reads both streams: playhead never prints, the host's
logging set-up alone decides what is shown, repeated warnings are aggregated, and the API key
appears nowhere.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HOST = ROOT / "tests" / "hosts" / "nonsense_host.py"
API_KEY = "sk-test-LEAKCANARY-0123456789"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def basic() -> subprocess.CompletedProcess[str]:
    return run(str(HOST), "basic")


@pytest.mark.parametrize("config", ["none", "critical", "disabled"])
def test_nothing_is_printed_unless_the_host_asks(config: str) -> None:
    done = run(str(HOST), config)
    assert done.stdout == ""
    assert done.stderr == ""


def test_with_basic_config_the_warnings_reach_stderr_only(
    basic: subprocess.CompletedProcess[str],
) -> None:
    assert basic.stdout == ""
    lines = basic.stderr.splitlines()
    ignored = [line for line in lines if "callback_ignored" in line]
    assert {re.search(r"call='(\w+)'", line).group(1) for line in ignored} >= {  # type: ignore[union-attr]
        "pause",
        "time_update",
        "ad_end",
        "seeked",
        "volume",
    }
    assert all(line.startswith("WARNING:playhead.session:") for line in ignored)
    assert any(line.startswith("ERROR:playhead.tracker:transport_send_failed") for line in lines)
    assert "OSError: disk full" in basic.stderr  # the transport's traceback, for the host's log
    assert any("playhead.transports.http:delivery_dropped" in line for line in lines)


def test_a_thousand_nan_updates_make_two_lines_that_add_up(
    basic: subprocess.CompletedProcess[str],
) -> None:
    nan_lines = [line for line in basic.stderr.splitlines() if "call='time_update'" in line]
    # the first one at once; the 999 held back in the window, reported once (here: at exit)
    assert len(nan_lines) == 2, nan_lines
    assert "repeated=" not in nan_lines[0]
    assert nan_lines[1].endswith("repeated=999")


def test_the_api_key_is_in_no_line(basic: subprocess.CompletedProcess[str]) -> None:
    assert "delivery_retry" in basic.stderr  # the HTTP transports did log
    assert "ERROR:playhead.transports.http:delivery_unauthorized" in basic.stderr
    assert API_KEY not in basic.stderr
    assert "LEAKCANARY" not in basic.stderr
    basic_auth = base64.b64encode(f"{API_KEY}:".encode()).decode()  # as in the request header
    assert basic_auth[:24] not in basic.stderr


def test_the_structlog_recipe_gives_key_values() -> None:
    done = run("docs/examples/logging_structlog.py")
    assert done.stdout == ""
    entries = [json.loads(line) for line in done.stderr.splitlines()]
    app, ignored = entries
    assert app["event"] == "app_started"
    assert ignored["event"] == "callback_ignored"
    assert ignored["logger"] == "playhead.session"
    assert ignored["level"] == "warning"
    assert ignored["call"] == "pause"
    assert ignored["state"] == "idle"
    assert ignored["reason"] == "not valid in state 'idle'"


def test_the_logging_page_includes_the_tested_recipe() -> None:
    page = (ROOT / "docs" / "logging.md").read_text(encoding="utf-8")
    recipe = (ROOT / "docs" / "examples" / "logging_structlog.py").read_text(encoding="utf-8")
    assert '\n--8<-- "docs/examples/logging_structlog.py:recipe"\n' in page
    assert "# --8<-- [start:recipe]" in recipe
    assert "# --8<-- [end:recipe]" in recipe
    assert "ExtraAdder()" in recipe.split("[start:recipe]")[1].split("[end:recipe]")[0]
