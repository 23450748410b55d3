"""Playhead positions: checking what players report, and the spec's integer seconds."""

from __future__ import annotations

import math

__all__ = ["OVERSHOOT", "check_position", "seconds"]

#: Players overshoot the end a little; a position up to this far past it is clamped.
OVERSHOOT = 1.0


def check_position(value: object, total: float | None) -> tuple[float | None, str | None]:
    """``(position, None)`` when usable (clamped to ``total``), else ``(None, reason)``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None, f"position must be a number of seconds, got {value!r}"
    position = float(value)
    if not math.isfinite(position):
        return None, f"position is not finite: {value!r}"
    if position < 0:
        return None, f"position is negative: {value!r}"
    if total is not None and position > total:
        if position > total + OVERSHOOT:
            return None, f"position {value!r} is past the end ({total:g} s)"
        position = total
    return position, None


#: Clock arithmetic leaves 99.99999999 where 100 was meant; flooring must not lose the second.
_EPSILON = 1e-6


def seconds(value: float) -> int:
    """The spec's integer seconds: floored, never negative."""
    return int(value + _EPSILON) if value > 0 else 0
