"""What adapters share: the player-thread guard and the quality debounce."""

from __future__ import annotations

import playhead
from playhead.adapters._base import AdapterHandle, QualityDebouncer, clock_of, guarded


class Flaky(AdapterHandle):
    def __init__(self) -> None:
        super().__init__("flaky")
        self.calls = 0

    @guarded
    def on_event(self, value: int) -> int:
        self.calls += 1
        return 100 // value


def test_guard_logs_and_counts_instead_of_raising() -> None:
    handle = Flaky()
    assert handle.on_event(4) == 25
    with playhead.testing.capture_logs() as logs:
        assert handle.on_event(0) is None  # ZeroDivisionError stays here
    assert handle.failures == 1
    assert logs[0]["event"] == "adapter_callback_failed"
    assert (logs[0]["adapter"], logs[0]["callback"]) == ("flaky", "on_event")


def test_guard_drops_callbacks_after_detach() -> None:
    handle = Flaky()
    handle.detach()
    handle.on_event(1)
    assert handle.calls == 0
    assert "detached" in repr(handle)


def test_quality_waits_for_a_complete_first_reading_then_debounces() -> None:
    clock = playhead.FakeClock()
    quality = QualityDebouncer(clock, min_interval=5, bitrate_change=0.2)
    assert quality.reading(framerate=25) is None  # no bitrate yet
    assert quality.reading(bitrate=1000, dropped_frames=0) == {
        "bitrate": 1000,
        "framerate": 25,
        "dropped_frames": 0,
    }
    clock.advance(1)
    assert quality.reading(bitrate=1900) is None  # too soon
    clock.advance(5)
    assert quality.reading(bitrate=1100) is None  # +10 %: a wobble
    assert quality.reading(bitrate=1300, dropped_frames=3) == {
        "bitrate": 1300,
        "framerate": 25,
        "dropped_frames": 3,
    }
    clock.advance(5)
    assert quality.reading(framerate=30) is not None  # a framerate change always counts


def test_clock_of_finds_the_trackers_clock() -> None:
    clock = playhead.FakeClock()
    tracker = playhead.Tracker(playhead.MemoryTransport(), user_id="u1", clock=clock)
    assert clock_of(tracker.session()) is clock
    assert isinstance(clock_of(object()), playhead.SystemClock)
