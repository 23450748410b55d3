"""The playhead monitor on the fake clock, driving a real session."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import playhead
from playhead.adapters.monitor import PlayheadMonitor
from playhead.clock import Timer
from tests.conftest import Harness

BUFFER = ["Video Playback Buffer Started", "Video Playback Buffer Completed"]
SEEK = ["Video Playback Seek Started", "Video Playback Seek Completed"]
START = ["Video Playback Started", "Video Content Started"]


def started(harness: Harness, **options: object) -> PlayheadMonitor:
    """A monitor over a 600 s item, playing from 0 (heartbeats off to keep lists short)."""
    session = harness.session(
        # The monitor's seeks are settled when it reports them: no scrub join window to wait.
        tracker={"heartbeat_interval": 0, "seek_join_window": 0},
        content=[playhead.Content(asset_id="c1", total_length=600)],
    )
    monitor = PlayheadMonitor(session, **options)  # type: ignore[arg-type]
    monitor.play()
    monitor.playing(0)
    return monitor


def tick(
    harness: Harness, monitor: PlayheadMonitor, start: float, stop: float, step: float = 0.25
) -> float:
    """Play from ``start`` to ``stop`` content seconds, a time update every ``step`` seconds."""
    position = start
    while position < stop - 1e-9:
        harness.advance(step)
        position += step * monitor.rate
        monitor.time_update(position)
    return position


def test_a_frozen_playhead_becomes_a_stall_after_the_timeout(harness: Harness) -> None:
    monitor = started(harness, stall_timeout=1.5)
    tick(harness, monitor, 0, 10)
    harness.advance(1.4)
    assert harness.names() == START  # not yet
    harness.advance(0.2)
    assert harness.names() == [*START, BUFFER[0]]
    assert harness.props(BUFFER[0])["position"] == 10
    harness.advance(5)
    assert monitor.inferred_stalls == 1
    monitor.time_update(10.25)  # it moves again
    assert harness.names() == [*START, *BUFFER]
    assert harness.props(BUFFER[1])["position"] == 10
    assert monitor.session.stats.time_stalled == pytest.approx(5.1, abs=0.01)


def test_the_timer_fires_even_when_the_player_sends_nothing(harness: Harness) -> None:
    monitor = started(harness, stall_timeout=2)
    tick(harness, monitor, 0, 1)
    harness.advance(2.0)
    assert harness.names() == [*START, BUFFER[0]]
    assert monitor.inferred_stalls == 1


def test_a_playhead_that_has_not_moved_yet_is_startup_not_a_stall(harness: Harness) -> None:
    # VLC reports Playing, a pipeline reaches PLAYING, before the first frame is out; on a
    # loaded machine the playhead then stays at 0 for seconds. That wait is start-up
    # (docs/rules.md: a stall before the first frame is startup time, not a rebuffer).
    monitor = started(harness, stall_timeout=1)
    for _ in range(12):
        harness.advance(0.25)
        monitor.time_update(0)  # the player repeats its start position
    harness.advance(5)  # and then says nothing at all
    assert harness.names() == START
    assert monitor.inferred_stalls == 0
    assert harness.clock.pending == 0  # no timer either
    # It moves: start-up is over and the timer runs from here; a true stall is inferred.
    position = tick(harness, monitor, 0, 2)
    harness.advance(1.0)
    assert harness.names() == [*START, BUFFER[0]]
    assert harness.props(BUFFER[0])["position"] == 2
    monitor.time_update(position + 0.25)
    assert harness.names() == [*START, *BUFFER]
    assert monitor.inferred_stalls == 1
    assert monitor.inferred_seeks == 0


def test_a_start_up_the_players_clock_ran_through_is_not_a_seek(harness: Harness) -> None:
    # A pipeline's clock starts at PLAYING; when the first frames come late it drops them and
    # the first reading that moves is already seconds on.
    monitor = started(harness, stall_timeout=1, seek_threshold=1)
    for _ in range(25):
        harness.advance(0.1)
        monitor.time_update(0)
    harness.advance(0.1)
    monitor.time_update(2.6)
    tick(harness, monitor, 2.6, 4, step=0.1)
    assert harness.names() == START
    assert (monitor.inferred_stalls, monitor.inferred_seeks) == (0, 0)


def test_a_jump_while_paused_in_start_up_is_still_a_seek(harness: Harness) -> None:
    monitor = started(harness, stall_timeout=1, seek_threshold=1)
    monitor.pause(0)
    harness.advance(30)
    monitor.time_update(20)  # the viewer seeks before the first frame moved
    assert harness.names() == [*START, "Video Playback Paused", *SEEK]
    assert monitor.inferred_seeks == 1


class LateTimers:
    """The harness's clock whose timers fire ``late`` seconds after they are due (a loaded
    machine's scheduler thread)."""

    def __init__(self, harness: Harness, late: float) -> None:
        self.clock = harness.clock
        self.late = late

    def now(self) -> float:
        return self.clock.now()

    def monotonic(self) -> float:
        return self.clock.monotonic()

    def call_at(self, due: float, callback: Callable[[], None]) -> Timer:
        return self.clock.call_at(due + self.late, callback)


def test_a_stall_the_players_clock_ran_through_ends_where_that_clock_says(
    harness: Harness,
) -> None:
    # A GStreamer pipeline left running (VLC and Qt too) keeps its clock going through a stall
    # and drops what it missed: the first reading after the stall lands a stall's length on.
    monitor = started(harness, stall_timeout=1, seek_threshold=1)
    tick(harness, monitor, 0, 2, step=0.1)
    for _ in range(22):  # frozen for 2.2 s, read every 0.1 s; the stall opens after 1 s
        harness.advance(0.1)
        monitor.time_update(2)
    harness.advance(0.1)
    monitor.time_update(2 + 2.3)
    assert harness.names() == [*START, *BUFFER]
    assert monitor.inferred_seeks == 0
    assert monitor.session.stats.time_stalled == pytest.approx(1.3, abs=0.01)


def test_a_jump_beyond_where_the_clock_says_is_still_a_seek_during_a_stall(
    harness: Harness,
) -> None:
    monitor = started(harness, stall_timeout=1, seek_threshold=1)
    tick(harness, monitor, 0, 2, step=0.1)
    harness.advance(2.0)
    monitor.time_update(60)
    tick(harness, monitor, 60, 61)
    assert harness.names() == [*START, *BUFFER, *SEEK]
    assert monitor.inferred_seeks == 1


def test_a_late_timer_does_not_turn_a_stall_into_a_seek(harness: Harness) -> None:
    # The stall timer runs 5 s late: the time updates that find the playhead frozen past
    # stall_timeout open the stall, and the catch-up after it is its end, not a seek.
    monitor = started(harness, stall_timeout=1, seek_threshold=1, clock=LateTimers(harness, 5))
    tick(harness, monitor, 0, 2, step=0.1)
    for _ in range(15):
        harness.advance(0.1)
        monitor.time_update(2)
    assert harness.names()[-1] == BUFFER[0]
    assert harness.props(BUFFER[0])["position"] == 2
    harness.advance(0.1)
    monitor.time_update(2 + 1.6)
    assert harness.names().count(BUFFER[1]) == 1
    assert (monitor.inferred_stalls, monitor.inferred_seeks) == (1, 0)


def test_no_stall_while_paused(harness: Harness) -> None:
    monitor = started(harness, stall_timeout=1)
    tick(harness, monitor, 0, 3)
    monitor.pause(3)
    harness.advance(30)
    monitor.playing(3)
    tick(harness, monitor, 3, 5)
    assert harness.names() == [*START, "Video Playback Paused", "Video Playback Resumed"]


def test_a_jump_forward_is_a_seek_completed_when_the_playhead_moves_on(
    harness: Harness,
) -> None:
    monitor = started(harness, stall_timeout=1)
    tick(harness, monitor, 0, 5)
    harness.advance(0.25)
    monitor.time_update(120)
    assert harness.names() == [*START, SEEK[0]]
    started_props = harness.props(SEEK[0])
    assert (started_props["position"], started_props["seek_position"]) == (5, 120)
    # The seek's own buffering: nothing moves for 4 s. Not a stall: the seek is still open.
    harness.advance(4)
    monitor.time_update(120)
    assert harness.names() == [*START, SEEK[0]]
    harness.advance(0.25)
    monitor.time_update(120.25)
    assert harness.names() == [*START, *SEEK]
    assert harness.props(SEEK[1])["position"] == 120
    assert monitor.inferred_seeks == 1
    assert monitor.inferred_stalls == 0
    assert monitor.session.stats.time_stalled == 0


def test_a_jump_back_is_a_seek(harness: Harness) -> None:
    monitor = started(harness)
    tick(harness, monitor, 0, 60)
    harness.advance(0.25)
    monitor.time_update(10)
    tick(harness, monitor, 10, 11)
    assert harness.names() == [*START, *SEEK]
    assert harness.props(SEEK[0])["seek_position"] == 10


def test_the_playback_rate_is_part_of_the_expected_position(harness: Harness) -> None:
    fast = started(harness, rate=4)  # 4 s of content per second of clock: no jump
    tick(harness, fast, 0, 40, step=1.0)
    assert fast.inferred_seeks == 0
    assert harness.names() == START


def test_at_rate_one_the_same_updates_are_jumps(harness: Harness) -> None:
    monitor = started(harness, rate=1)
    harness.advance(1)
    monitor.time_update(4)
    assert monitor.inferred_seeks == 1


def test_a_late_time_from_before_the_seek_is_dropped(harness: Harness) -> None:
    monitor = started(harness)
    tick(harness, monitor, 0, 5)
    harness.advance(0.1)
    monitor.time_update(70)  # the seek
    harness.advance(0.1)
    monitor.time_update(5.25)  # VLC: a stale TimeChanged from before it
    harness.advance(0.2)
    monitor.time_update(70.5)
    assert harness.names() == [*START, *SEEK]
    assert monitor.stale_updates == 1
    assert monitor.inferred_seeks == 1


def test_a_jump_while_paused_is_a_whole_seek_and_stays_paused(harness: Harness) -> None:
    monitor = started(harness)
    tick(harness, monitor, 0, 5)
    monitor.pause(5)
    harness.advance(1)
    monitor.time_update(50)
    assert harness.names() == [*START, "Video Playback Paused", *SEEK]
    assert monitor.session.state == "paused"


def test_a_stall_that_resumes_further_on_is_not_a_seek(harness: Harness) -> None:
    # VLC keeps its clock running through a stall and resumes ahead of where it froze.
    monitor = started(harness, stall_timeout=1)
    tick(harness, monitor, 0, 5)
    harness.advance(3)
    monitor.time_update(7.5)
    assert harness.names() == [*START, *BUFFER]
    assert monitor.inferred_seeks == 0


def test_stands_down_where_the_player_signals_stalls_and_seeks(harness: Harness) -> None:
    monitor = started(harness, signals_stalls=True, signals_seeks=True)
    tick(harness, monitor, 0, 5)
    harness.advance(10)
    monitor.time_update(300)
    assert harness.names() == START
    assert (monitor.inferred_stalls, monitor.inferred_seeks) == (0, 0)


def test_the_players_own_seek_and_stall_are_not_reported_twice(harness: Harness) -> None:
    monitor = started(harness, stall_timeout=1)
    tick(harness, monitor, 0, 5)
    monitor.seeking(100, 5)
    monitor.time_update(100)
    harness.advance(5)  # a long seek: frozen, but the session is seeking
    monitor.waiting(100)  # the seek's buffering, as mpv reports it
    monitor.seeked(100)
    tick(harness, monitor, 100, 101)
    monitor.waiting(101)  # a real stall the player signals...
    harness.advance(3)  # ...and the frozen playhead the monitor would have inferred
    monitor.playing(101)
    assert harness.names() == [*START, *SEEK, *BUFFER]
    assert (monitor.inferred_stalls, monitor.inferred_seeks) == (0, 0)


def test_an_inferred_stall_the_player_then_confirms_is_one_stall(harness: Harness) -> None:
    monitor = started(harness, stall_timeout=1)
    tick(harness, monitor, 0, 2)
    harness.advance(1.5)
    monitor.waiting(2)
    monitor.time_update(2.25)
    assert harness.names() == [*START, *BUFFER]


def test_close_stops_the_timer(harness: Harness) -> None:
    monitor = started(harness, stall_timeout=1)
    monitor.close()
    harness.advance(5)
    assert harness.names() == START


def test_bad_positions_go_to_the_session_to_be_logged_and_counted(harness: Harness) -> None:
    monitor = started(harness)
    monitor.time_update(float("nan"))
    monitor.time_update(-3)
    assert monitor.session.stats.ignored_callbacks == 2
    assert monitor.inferred_seeks == 0


@pytest.mark.parametrize(
    "options",
    [{"stall_timeout": 0}, {"seek_threshold": -1}, {"rate": "fast"}, {"stall_timeout": True}],
)
def test_bad_configuration_is_refused_at_once(harness: Harness, options: dict[str, object]) -> None:
    session = harness.session(content=[playhead.Content(asset_id="c1", total_length=600)])
    with pytest.raises(playhead.ConfigurationError):
        PlayheadMonitor(session, **options)  # type: ignore[arg-type]


def test_other_callbacks_pass_straight_through(harness: Harness) -> None:
    monitor = started(harness)
    monitor.volume(40)
    monitor.quality(bitrate=2000, framerate=30)
    assert harness.names()[-1] == "Video Quality Updated"
    assert harness.props("Video Quality Updated")["bitrate"] == 2000


def test_a_second_jump_while_the_seek_is_open_is_a_scrub_of_the_same_seek(
    harness: Harness,
) -> None:
    monitor = started(harness)
    tick(harness, monitor, 0, 5)
    harness.advance(0.25)
    monitor.time_update(100)
    harness.advance(0.25)
    monitor.time_update(200)  # the viewer drags on before anything played
    harness.advance(0.25)
    monitor.time_update(200.25)
    assert harness.names() == [*START, *SEEK]
    assert harness.props(SEEK[1])["position"] == 200
    assert monitor.session.stats.seek_count == 1


def test_an_inferred_seek_completes_where_it_landed_not_one_update_later(
    harness: Harness,
) -> None:
    # At 4x with updates 0.3 s apart, the first update after landing is 1.2 s further on.
    monitor = started(harness, stall_timeout=1, rate=4)
    tick(harness, monitor, 0, 4, step=0.3)
    harness.advance(0.3)
    monitor.time_update(60.0)
    harness.advance(0.3)
    monitor.time_update(61.2)
    assert harness.names() == [*START, *SEEK]
    assert harness.props(SEEK[1])["position"] == 60
    assert monitor.session.content_position == pytest.approx(61.2)


def test_a_rate_change_reaches_the_session_and_the_jump_inference(harness: Harness) -> None:
    monitor = started(harness, stall_timeout=1, seek_threshold=1)
    tick(harness, monitor, 0, 4)
    monitor.rate_change(2.0)
    assert monitor.rate == 2.0
    tick(harness, monitor, 4, 12)  # twice as fast: not a seek
    assert monitor.inferred_seeks == 0
    harness.advance(0.5)
    assert monitor.session.content_position == pytest.approx(13.0)  # the session follows 2x
    monitor.rate_change(-1)  # refused by the session, and the monitor keeps 2x
    assert monitor.rate == 2.0
    assert monitor.session.stats.ignored_callbacks == 1


def test_catching_up_after_a_stall_is_not_a_seek(harness: Harness) -> None:
    # Qt and VLC keep their clock running through a stall: the first update after it is a
    # little further on, the next one where the clock says (4 s frozen at 2x: 8 s ahead).
    monitor = started(harness, stall_timeout=1, seek_threshold=1, rate=2)
    tick(harness, monitor, 0, 4)
    harness.advance(4.0)
    monitor.time_update(5.5)
    harness.advance(0.05)
    monitor.time_update(12.1)
    harness.advance(0.05)
    monitor.time_update(12.2)
    assert harness.names() == [*START, *BUFFER]
    assert monitor.inferred_seeks == 0
    position = tick(harness, monitor, 12.2, 16)  # later on, a jump is a seek again
    harness.advance(0.25)
    monitor.time_update(position + 5)
    assert harness.names() == [*START, *BUFFER, SEEK[0]]
