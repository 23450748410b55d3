"""A seek in flight: where it left from, where it is going, and what it owes when it ends.

A scrub of several ``seeking()`` calls is one seek: the first origin, the last target. The
unit answers where the playhead stood and whether a Resumed is owed; the session emits.
"""

from __future__ import annotations

__all__ = ["NO_SEEK", "Seek"]


class Seek:
    """One seek (or scrub): origin and target in content seconds, and how it began."""

    __slots__ = ("landing", "origin", "paused", "target")

    def __init__(self) -> None:
        self.origin = 0.0
        self.target = 0.0
        self.paused = False  # began (or was paused) while paused: it ends paused
        self.landing: float | None = None  # when a held ``seeked()`` landed, while released

    def begin(self, origin: float, paused: bool) -> None:
        """A seek starts from frames, a pause or a stall (not a scrub's next step)."""
        self.origin = origin
        self.paused = paused

    def resumes(self) -> bool:
        """True once when frames follow a seek that began paused: a Resumed is due."""
        if self.paused:
            self.paused = False
            return True
        return False

    def cut_short(self) -> bool:
        """The seek is cut off; True when a pause taken during it stays open (Resumed owed)."""
        owed = self.paused
        self.paused = False
        return owed

    def landed_at(self, playing: bool, now: float) -> float:
        """When the playhead stood at the target: frames advanced from a held landing."""
        landed = self.landing
        return landed if landed is not None and playing else now


#: Before any seek: never changed (a session makes its own in ``seeking()`` or ``seeked()``).
NO_SEEK = Seek()
