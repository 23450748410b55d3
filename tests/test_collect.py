"""``playhead collect`` run as a user runs it, with a real HttpTransport sending to it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

import playhead
from playhead.demo import demo_timeline
from playhead.testing import run_timeline
from tests.conftest import assert_all_valid
from tests.spec import SPEC_PATH

ROOT = Path(__file__).resolve().parent.parent


class Running:
    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process = process
        self.url = url

    def stop(self) -> tuple[str, str]:
        """Ctrl-C, then what it printed: (stdout, the rest of stderr)."""
        self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=30)
        return out, err


@contextmanager
def collect(*args: str) -> Iterator[Running]:
    process = subprocess.Popen(
        [sys.executable, "-m", "playhead", "collect", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        first = process.stderr.readline()  # "listening on http://127.0.0.1:PORT (...)"
        assert "listening on http://127.0.0.1:" in first, first + process.stderr.read()
        yield Running(process, first.split("listening on ", 1)[1].split(" ", 1)[0])
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)


def _demo_through(transport: playhead.HttpTransport) -> list[dict[str, object]]:
    payloads = run_timeline(demo_timeline(), transport=transport)
    result = transport.close(timeout=30)
    assert result.remaining == 0
    return payloads


def test_collect_prints_one_line_per_event_an_http_transport_sends() -> None:
    with collect() as running:
        payloads = _demo_through(playhead.HttpTransport("any-key", host=running.url, gzip=True))
        out, err = running.stop()
    lines = out.splitlines()
    assert len(lines) == len(payloads) > 20
    assert "Video Playback Started" in lines[0]
    assert "Video Playback Completed" in lines[-1]
    assert f"received {len(payloads)} events" in err
    assert "Traceback" not in err
    assert running.process.returncode == 0


def test_collect_strict_rejects_what_fails_the_spec_and_records_the_rest(tmp_path: Path) -> None:
    record = tmp_path / "events.jsonl"
    errors: list[playhead.DeliveryError] = []
    with collect("--strict", "--out", str(record)) as running:
        transport = playhead.HttpTransport(
            "any-key", host=running.url, strict=True, on_error=errors.append
        )
        tracker = playhead.Tracker(transport, user_id="u1")
        session = tracker.session(content=[playhead.Content(asset_id="c1", total_length=60)])
        session.play()
        session.playing(position=0)
        transport.send({"type": "track", "event": "Video Playback Started", "properties": {}})
        session.exit(position=0)
        tracker.close(timeout=30)
        answer = httpx.post(
            f"{running.url}/v1/track",
            json={"type": "track", "event": "Video Playback Paused", "userId": "u1"},
            auth=("any-key", ""),
        )
        out, err = running.stop()
    recorded = [json.loads(line) for line in record.read_text().splitlines()]
    assert [p["event"] for p in recorded] == [
        "Video Playback Started",
        "Video Content Started",
        "Video Playback Exited",
    ]
    assert_all_valid(recorded)
    assert out == ""  # recorded, not printed
    assert [e.status for e in errors] == [400]
    assert "userId" in errors[0].message
    assert answer.status_code == 400
    assert answer.json()["meta"]["errors"]
    # The transport splits a rejected batch until the bad event is alone: 400s >= 2.
    answered = int(err.split("answered 400 to ")[1].split(" ")[0])
    assert err.count("rejected with 400") == answered >= 2
    assert "received 3 events" in err


def test_collect_answers_like_customer_io() -> None:
    with collect() as running:
        no_auth = httpx.post(f"{running.url}/v1/batch", json={"batch": []})
        wrong_path = httpx.post(f"{running.url}/v1/identify", json={}, auth=("k", ""))
        not_json = httpx.post(f"{running.url}/v1/batch", content=b"{oops", auth=("k", ""))
        fine = httpx.post(f"{running.url}/v1/batch", json={"batch": []}, auth=("k", ""))
        running.stop()
    assert (no_auth.status_code, wrong_path.status_code, not_json.status_code) == (401, 404, 400)
    assert all(r.json()["meta"]["errors"] for r in (no_auth, wrong_path, not_json))
    assert (fine.status_code, fine.json()) == (200, {})


def _fails_in_one_line(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr
    for word in words:
        assert word in done.stderr


def test_collect_fails_in_one_line_on_a_busy_port_or_a_missing_directory(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        done = subprocess.run(
            [sys.executable, "-m", "playhead", "collect", "--port", port],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    _fails_in_one_line(done, port, "in use")
    missing = tmp_path / "no-such-dir" / "events.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "playhead", "collect", "--port", "0", "--out", str(missing)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    _fails_in_one_line(done, "no such directory")


def test_collect_strict_without_jsonschema_says_what_to_install() -> None:
    program = (
        "import sys; sys.modules['jsonschema'] = None\n"
        "from playhead.cli import main\n"
        "sys.exit(main(['collect', '--strict', '--port', '0']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=30, check=False
    )
    _fails_in_one_line(done, "--strict", "pip install jsonschema")


def test_the_shipped_spec_is_the_one_the_tests_use() -> None:
    shipped = ROOT / "src" / "playhead" / "_spec" / "video-events.openapi.json"
    assert shipped.read_bytes() == SPEC_PATH.read_bytes()


@pytest.mark.parametrize("endpoint", ["batch", "track"])
def test_collect_takes_both_endpoints(endpoint: str) -> None:
    with collect() as running:
        transport = playhead.HttpTransport("any-key", host=running.url, endpoint=endpoint)
        tracker = playhead.Tracker(transport, anonymous_id="kiosk-1")
        session = tracker.session(content=[playhead.Content(asset_id="c1", total_length=60)])
        session.play()
        session.playing(position=0)
        session.ended()
        tracker.close(timeout=30)
        out, _ = running.stop()
    assert [line.split("  ")[1].strip() for line in out.splitlines()][-1] == (
        "Video Playback Completed"
    )


@pytest.mark.parametrize("example", ["production_http.py", "asyncio_app.py"])
def test_the_http_examples_run_against_playhead_collect(example: str, tmp_path: Path) -> None:
    with collect("--strict") as running:
        env = {
            **os.environ,
            "CIO_API_KEY": "test",
            "CIO_HOST": running.url,
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
        out, err = running.stop()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "remaining=0" in done.stdout
    assert "Video Playback Started" in out
    assert "rejected" not in err


@pytest.mark.parametrize("example", ["production_http.py", "asyncio_app.py"])
def test_the_http_examples_say_what_to_set_without_a_key(example: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CIO_API_KEY"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / example)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    _fails_in_one_line(done, "CIO_API_KEY", "playhead collect")
    assert done.stdout == ""


def test_the_readme_example_runs_against_playhead_collect_and_says_what_to_set() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    program = readme.split("```python\n", 1)[1].split("```", 1)[0]
    assert "HttpTransport" in program
    env = {k: v for k, v in os.environ.items() if k not in ("CIO_API_KEY", "CIO_HOST")}

    def run(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", program],
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    _fails_in_one_line(run({}), "CIO_API_KEY")
    with collect() as running:
        done = run({"CIO_API_KEY": "test", "CIO_HOST": running.url})
        out, _ = running.stop()
    assert done.returncode == 0, done.stderr
    assert "Video Playback Paused" in out.splitlines()[-1]
