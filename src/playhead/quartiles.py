"""Which ad quartiles the ad playhead has crossed, each reported once and in order."""

from __future__ import annotations

__all__ = ["Quartiles"]


class Quartiles:
    """Tracks quartiles 1, 2, 3 (25, 50, 75 %) of one ad.

    Ad Started covers the start and Ad Completed covers 100 %, so only three are reported here.
    """

    __slots__ = ("_length", "_next")

    def __init__(self, length: float | None) -> None:
        self._length = length if length else None
        self._next = 1

    def crossed(self, position: float) -> list[int]:
        """The quartiles newly crossed at ``position`` (possibly several, in order)."""
        length = self._length
        if length is None or self._next > 3:
            return []
        found = []
        while self._next <= 3 and position >= length * self._next / 4:
            found.append(self._next)
            self._next += 1
        return found

    def remaining(self) -> list[int]:
        """Quartiles not reported yet (all of them are crossed when an ad completes)."""
        if self._length is None:
            return []
        rest = list(range(self._next, 4))
        self._next = 4
        return rest

    def next_threshold(self) -> float | None:
        """Ad seconds at which the next quartile falls due, or None when none is left."""
        if self._length is None or self._next > 3:
            return None
        return self._length * self._next / 4
