"""The app's tests, written with the playhead pytest plugin (no import needed for fixtures).

Run them with ``pytest examples/app_tests``. The plugin gives ``playhead_tracker``,
``playhead_fake_clock`` and ``playhead_memory_transport`` (every fixture of the plugin starts with
``playhead_``); ``assert_event_sequence`` prints an aligned diff when events differ.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from player_app import Episode, PlayerController

from playhead.testing.invariants import assert_session_invariants
from playhead.testing.pytest_plugin import assert_event_sequence

PILOT = Episode("ep1", "Pilot", 40)
SECOND = Episode("ep2", "Second", 30)


@pytest.fixture
def app(playhead_tracker):
    return PlayerController(playhead_tracker)


def watch(app, clock, start, stop, every=0.25):
    """The player's time updates while frames advance from ``start`` to ``stop``."""
    time = start
    while time < stop:
        clock.advance(every)
        time = min(stop, time + every)
        app.handle("timeupdate", currentTime=time)


def test_an_episode_watched_to_the_end(app, playhead_fake_clock, playhead_memory_transport):
    app.open([PILOT])
    playhead_fake_clock.advance(0.8)
    app.handle("playing", currentTime=0)
    watch(app, playhead_fake_clock, 0, 40)
    app.handle("ended")

    assert_event_sequence(
        playhead_memory_transport,
        [
            "Playback Started",
            ("Content Started", {"asset_id": "ep1", "title": "Pilot"}),
            ("Content Playing", 10),
            ("Content Playing", 20),
            ("Content Playing", 30),
            ("Content Playing", 40),  # 40 s of playing: due just as the episode ends
            ("Content Completed", 40),
            ("Playback Completed", 40),
        ],
    )


def test_closing_midway_exits_and_keeps_a_bookmark(
    app, playhead_fake_clock, playhead_memory_transport
):
    app.open([PILOT])
    app.handle("playing", currentTime=0)
    watch(app, playhead_fake_clock, 0, 12.5)
    app.handle("close")

    assert_event_sequence(
        playhead_memory_transport,
        ["Playback Started", "Content Started", "Content Playing", ("Exited", 12)],
    )
    assert app.bookmarks == {"ep1": 12.5}


def test_resuming_from_a_bookmark_is_not_a_seek(
    playhead_tracker, playhead_fake_clock, playhead_memory_transport
):
    app = PlayerController(playhead_tracker, bookmarks={"ep1": 25})
    app.open([PILOT])
    playhead_fake_clock.advance(0.5)
    app.handle("playing", currentTime=25)
    watch(app, playhead_fake_clock, 25, 31)
    app.handle("close")

    assert_event_sequence(
        playhead_memory_transport,
        ["Playback Started", ("Content Started", 25), ("Exited", 31)],
    )


def test_scrubbing_is_one_seek_and_its_buffering_no_rebuffer(
    app, playhead_fake_clock, playhead_memory_transport
):
    app.open([PILOT])
    app.handle("playing", currentTime=0)
    watch(app, playhead_fake_clock, 0, 5)
    for target in (9, 14, 22, 18):  # dragging the scrub bar
        playhead_fake_clock.advance(0.1)
        app.handle("seeking", currentTime=target)
    app.handle("waiting")
    playhead_fake_clock.advance(0.7)
    app.handle("seeked", currentTime=18)
    app.handle("playing", currentTime=18)

    assert_event_sequence(
        playhead_memory_transport,
        [
            "Playback Started",
            "Content Started",
            {"event": "Seek Started", "position": 5, "seek_position": 9},  # first target
            ("Seek Completed", 18),
        ],
    )


def test_autoplay_next_episode_keeps_one_session(
    app, playhead_fake_clock, playhead_memory_transport
):
    app.open([PILOT, SECOND])
    app.handle("playing", currentTime=0)
    watch(app, playhead_fake_clock, 0, 40, every=1)
    app.handle("ended")
    playhead_fake_clock.advance(1)
    app.handle("playing", currentTime=0)
    watch(app, playhead_fake_clock, 0, 30, every=1)
    app.handle("ended")

    assert_event_sequence(
        playhead_memory_transport,
        [
            "Playback Started",
            ("Content Started", {"asset_id": "ep1"}),
            ("Content Completed", {"asset_id": "ep1"}),
            ("Content Started", {"asset_id": "ep2"}),
            ("Content Completed", {"asset_id": "ep2"}),
            "Playback Completed",
        ],
        ignore=["Content Playing"],
    )
    assert len({p["properties"]["session_id"] for p in playhead_memory_transport.payloads}) == 1


@pytest.mark.playhead(tracker={"heartbeat_interval": 5})
def test_a_shorter_heartbeat_for_one_test(app, playhead_fake_clock, playhead_memory_transport):
    app.open([PILOT])
    app.handle("playing", currentTime=0)
    watch(app, playhead_fake_clock, 0, 16)
    assert playhead_memory_transport.events.count("Video Content Playing") == 3


PLAYER_EVENTS = st.lists(
    st.tuples(
        st.sampled_from(
            ["play", "playing", "pause", "timeupdate", "waiting", "seeking", "seeked", "ended",
             "close", "volumechange"]
        ),
        st.one_of(st.none(), st.floats(min_value=-5, max_value=60), st.just(float("nan"))),
        st.sampled_from([0.0, 0.25, 1.0, 12.0]),
    ),
    max_size=30,
)  # fmt: skip


@settings(max_examples=50, deadline=None, derandomize=True)
@given(events=PLAYER_EVENTS)
def test_whatever_the_player_sends_the_app_never_crashes_and_events_stay_sane(events):
    # Hypothesis runs the body many times: make a fresh tracker per example, not a fixture.
    import playhead

    clock, transport = playhead.FakeClock(), playhead.MemoryTransport()
    app = PlayerController(playhead.Tracker(transport, user_id="u1", clock=clock))
    app.open([PILOT, SECOND], autoplay=False)
    for name, time, wait in events:
        clock.advance(wait)
        app.handle(name, **({} if time is None else {"currentTime": time}))

    assert_session_invariants(transport.payloads)
