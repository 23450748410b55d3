"""A session driven from a player thread while the scheduler thread fires heartbeats."""

from __future__ import annotations

import threading
import time

import playhead
from playhead import Content
from tests.conftest import assert_all_valid


def test_callbacks_and_heartbeats_from_several_threads() -> None:
    memory = playhead.MemoryTransport()
    tracker = playhead.Tracker(memory, user_id="u1", heartbeat_interval=0.01)
    session = tracker.session(content=[Content(asset_id="c1", total_length=10_000)])
    errors: list[BaseException] = []

    def player() -> None:
        try:
            position = 0.0
            for cycle in range(300):
                session.playing(position)
                for _ in range(20):
                    position += 0.01
                    session.time_update(position)
                if cycle % 3 == 0:
                    session.pause()
                elif cycle % 3 == 1:
                    session.waiting()
                else:
                    session.seeking(position + 5)
                    position += 5
                    session.seeked()
        except BaseException as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    session.play()
    threads = [threading.Thread(target=player) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    time.sleep(0.05)
    session.exit()
    assert errors == []
    assert not any(thread.is_alive() for thread in threads)
    names = [p["event"] for p in memory.payloads]
    assert names[0] == "Video Playback Started"
    assert names[-1] == "Video Playback Exited"
    # Pairs alternate even with three threads racing.
    for opening, closing in (
        ("Video Playback Paused", "Video Playback Resumed"),
        ("Video Playback Buffer Started", "Video Playback Buffer Completed"),
    ):
        open_now = False
        for name in names:
            if name == opening:
                assert not open_now
                open_now = True
            elif name == closing:
                assert open_now
                open_now = False
    assert "Video Content Playing" in names
    assert_all_valid(memory.payloads)
