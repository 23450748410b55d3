"""What a cut-in left open: events a session owes when frames next advance.

An ad break or an item boundary that cuts into a pause, a stall or a seek from a pause leaves
it open: the Video Playback Resumed or Buffer Completed that closes it is owed until frames
advance again (and a pause or stall that comes first takes the place of a new one). The session
keeps what it owes as a tuple (the empty one is shared: no list per session); these functions
answer and return the new tuple.
"""

from __future__ import annotations

from playhead.payload import Event

__all__ = ["left_open", "owe", "settle"]

Owed = tuple[str, ...]

#: States a cut-in leaves a pause (closed by a Resumed) or a stall (by a Buffer Completed) in.
_PAUSED = frozenset({"paused", "ad_paused", "interrupted"})
_STALLED = frozenset({"buffering", "ad_buffering"})


def owe(owed: Owed, event: str) -> Owed:
    """``owed`` with ``event`` (once)."""
    return owed if event in owed else (*owed, event)


def settle(owed: Owed, event: str) -> Owed | None:
    """``owed`` without ``event`` when it was owed (the open interval goes on instead of a new
    one starting), or None when it was not."""
    if event not in owed:
        return None
    return tuple(e for e in owed if e != event)


def left_open(owed: Owed, source: str) -> Owed:
    """What is owed after a cut-in from the state ``source`` (a seek is closed by the caller)."""
    if source in _PAUSED:
        return owe(owed, Event.RESUMED)
    if source in _STALLED:
        return owe(owed, Event.BUFFER_COMPLETED)
    return owed
