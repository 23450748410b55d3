"""The development transports: memory, JSON lines, console, callback."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

import playhead
from playhead import Content

EP = Content(asset_id="c1", total_length=100)


def drive(transport: playhead.Transport) -> playhead.Session:
    tracker = playhead.Tracker(transport, user_id="u1", clock=playhead.FakeClock())
    session = tracker.session(content=[EP])
    session.play()
    session.playing(0)
    session.pause(12.5)
    return session


def test_memory_transport_keeps_payloads_in_order() -> None:
    memory = playhead.MemoryTransport()
    drive(memory)
    assert memory.events == [
        "Video Playback Started",
        "Video Content Started",
        "Video Playback Paused",
    ]
    assert memory.flush() == playhead.FlushResult(delivered=3, remaining=0)
    memory.clear()
    assert memory.payloads == []


def test_jsonl_transport_to_a_path(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    transport = playhead.JsonlTransport(path)
    drive(transport)
    result = transport.close()
    assert result.delivered == 3
    assert bool(result)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [p["event"] for p in lines][-1] == "Video Playback Paused"
    with pytest.raises(RuntimeError, match="closed"):
        transport.send(lines[0])


def test_jsonl_transport_to_a_stream_leaves_it_open() -> None:
    stream = io.StringIO()
    transport = playhead.JsonlTransport(stream)
    drive(transport)
    transport.close()
    assert not stream.closed
    assert len(stream.getvalue().splitlines()) == 3


def test_console_transport_prints_one_line_per_event() -> None:
    stream = io.StringIO()
    drive(playhead.ConsoleTransport(stream))
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[2].startswith("10:30:00.000  Video Playback Paused")
    assert "position=12/100" in lines[2]


def test_callback_transport_is_a_transport_in_one_line() -> None:
    seen: list[dict[str, Any]] = []
    drive(playhead.CallbackTransport(seen.append))
    assert len(seen) == 3
    with pytest.raises(playhead.ConfigurationError):
        playhead.CallbackTransport("not callable")  # type: ignore[arg-type]


def test_any_object_with_the_three_methods_is_a_transport() -> None:
    class Counter:
        def __init__(self) -> None:
            self.count = 0

        def send(self, payload: dict[str, Any]) -> None:
            self.count += 1

        def flush(self, timeout: float | None = None) -> playhead.FlushResult:
            return playhead.FlushResult(self.count)

        def close(self, timeout: float | None = None) -> playhead.FlushResult:
            return self.flush()

    counter = Counter()
    assert isinstance(counter, playhead.Transport)
    drive(counter)
    assert counter.count == 3
