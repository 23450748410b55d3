"""Process lifecycle: interpreter exit, SIGKILL with the durable spool, fork."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from playhead import HttpTransport

from . import child
from .collector import Collector
from .events import make_events

CHILD = Path(child.__file__)
FAST = {"flush_interval": 0.02, "backoff_base": 0.01, "backoff_max": 0.1}


def run_child(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, str(CHILD), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.fixture
def blackhole() -> Iterator[str]:
    """Accepts connections (the kernel does) and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


@pytest.mark.parametrize("scenario", ["exit-without-close", "exit-while-in-flight"])
def test_exit_with_endpoint_down_returns_within_the_close_timeout(
    blackhole: str, scenario: str
) -> None:
    started = time.monotonic()
    proc = run_child(scenario, blackhole, "-", "50")
    out, err = proc.communicate(timeout=30)
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, err
    assert "EXITING" in out
    # close_timeout is 1.5 s; allow generously for interpreter start-up and imports
    assert elapsed < 1.5 + 8.0, elapsed  # a hang would be 30 s
    assert "delivery_dropped" in err or "delivery_close_timed_out" in err


@pytest.mark.parametrize(
    ("scenario", "expected"), [("exit-without-close", 300), ("async-exit-without-close", 307)]
)
def test_exit_without_close_delivers_everything(
    collector: Collector, scenario: str, expected: int
) -> None:
    proc = run_child(scenario, collector.url, "-", "300")
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert set(collector.received) == {child.mid(i) for i in range(expected)}
    assert not collector.duplicates
    assert not collector.invalid


def test_sigkill_with_durable_spool_then_next_process_delivers_each_once(
    tmp_path: Path, collector: Collector, refused: str
) -> None:
    spool = tmp_path / "events.sqlite"
    proc = run_child("durable-then-wait", refused, str(spool), "400")
    try:
        assert proc.stdout is not None
        seen = []
        for line in proc.stdout:  # log lines may come first; SENT is printed after 400 sends
            seen.append(line)
            if line.strip() == "SENT" or len(seen) > 100:
                break
        assert "SENT\n" in seen, seen
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL

    transport = HttpTransport(collector.api_key, host=collector.url, spool_path=spool, **FAST)
    report = transport.flush(20)
    assert report.delivered == 400
    assert report.remaining == 0
    assert set(collector.received) == {child.mid(i) for i in range(400)}
    assert not collector.duplicates
    assert transport.stats.spooled == 0
    transport.close(5)

    again = HttpTransport(collector.api_key, host=collector.url, spool_path=spool, **FAST)
    assert again.close(5).delivered == 0  # nothing left to send twice
    assert len(collector.received) == 400


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_fork_child_has_its_own_worker_and_sends_nothing_twice(collector: Collector) -> None:
    transport = HttpTransport(
        collector.api_key, host=collector.url, flush_interval=30, backoff_base=0.01
    )
    before = make_events(10, session_id="parent")
    for e in before:
        transport.send(e)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            for e in make_events(5, session_id="child"):
                transport.send(e)
            report = transport.close(10)
            code = 0 if (report.delivered, report.remaining) == (5, 0) else 3
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    after = make_events(3, session_id="parent")
    for e in after:
        transport.send(e)
    report = transport.close(10)
    assert report.delivered == 13
    sessions = [e["properties"]["session_id"] for e in collector.events]
    assert sessions.count("child") == 5
    assert sessions.count("parent") == 13
    assert not collector.duplicates
    assert {e["messageId"] for e in before + after} <= set(collector.received)
