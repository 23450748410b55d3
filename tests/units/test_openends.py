"""What a cut-in leaves open, and what closes it."""

from __future__ import annotations

from playhead import Event
from playhead.openends import left_open, owe, settle


def test_a_cut_in_into_a_pause_or_a_stall_owes_what_closes_it() -> None:
    assert left_open((), "paused") == (Event.RESUMED,)
    assert left_open((), "interrupted") == (Event.RESUMED,)
    assert left_open((), "ad_buffering") == (Event.BUFFER_COMPLETED,)
    assert left_open((), "playing") == ()
    owed = left_open(left_open((), "buffering"), "ad_paused")
    assert owed == (Event.BUFFER_COMPLETED, Event.RESUMED)


def test_an_event_is_owed_once() -> None:
    assert owe(owe((), Event.RESUMED), Event.RESUMED) == (Event.RESUMED,)


def test_settling_takes_out_what_was_owed_and_says_when_nothing_was() -> None:
    owed = (Event.BUFFER_COMPLETED, Event.RESUMED)
    assert settle(owed, Event.RESUMED) == (Event.BUFFER_COMPLETED,)
    assert settle((), Event.RESUMED) is None
