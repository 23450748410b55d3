"""The benchmark scripts run, and print every goal with ``met`` / ``not met``.

A smoke test (``--quick``: small sizes, one or two rounds): it checks that each script works
and reports, never a figure. Speed is judged by running the scripts in full (docs/architecture.md).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
GOAL = re.compile(r"^GOAL (.+?): .* -> (met|not met)$")


@pytest.mark.parametrize(
    ("script", "goals"),
    [
        ("bench_core.py", {"1 ", "2 ", "3 memory", "3 session creation", "6 "}),
        ("bench_scheduler.py", {"4 scheduler CPU", "4 heartbeat lateness", "5 "}),
        ("bench_http.py", {"7 threaded", "7 AsyncHttp", "7 HttpTransport with a batched", "1 "}),
        ("bench_adapters.py", {"adapter cost"}),
    ],
)
def test_benchmark_runs_and_reports_its_goals(script: str, goals: set[str]) -> None:
    run = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--quick"],
        cwd=BENCHMARKS.parent,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    reported = [m.group(1) for line in run.stdout.splitlines() if (m := GOAL.match(line))]
    for prefix in goals:
        assert any(name.startswith(prefix) for name in reported), (prefix, run.stdout)
    assert "Traceback" not in run.stderr


def test_the_post_route_measurement_runs_for_both_transports() -> None:
    """``bench_post_route.py`` backs goal 7's figures with a measurement, not a goal line."""
    run = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bench_post_route.py"), "--quick"],
        cwd=BENCHMARKS.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "AsyncHttpTransport's route" in run.stdout
    assert "HttpTransport's route" in run.stdout
    assert run.stdout.count("direct route (after) / client.post(url string) (before): min") == 2
