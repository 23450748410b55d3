"""Playhead positions: checking what players report, and the spec's integer seconds."""

from __future__ import annotations

import math

__all__ = ["MAX_SECONDS", "OVERSHOOT", "check_position", "number", "seconds"]

#: Players overshoot the end a little; a position up to this far past it is clamped.
OVERSHOOT = 1.0

#: No playhead is further than this (about 317 years): beyond it a value is a bug, not a
#: position, and would overflow the arithmetic after it. Epoch seconds (1.7e9) still fit.
MAX_SECONDS = 1e10


def number(value: object) -> float | None:
    """``value`` as a finite float, or None (not a number, a bool, NaN, inf, too big a float)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        result = float(value)
    except OverflowError:  # an int beyond what a float holds (10**400)
        return None
    return result if math.isfinite(result) else None


def check_position(value: object, total: float | None) -> tuple[float | None, str | None]:
    """``(position, None)`` when usable (clamped to ``total``), else ``(None, reason)``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None, f"position must be a number of seconds, got {value!r}"
    position = number(value)
    if position is None:
        return None, f"position is not finite: {_short(value)}"
    if position < 0:
        return None, f"position is negative: {value!r}"
    if position > MAX_SECONDS:
        return None, f"position {_short(value)} is beyond any sane length ({MAX_SECONDS:g} s)"
    if total is not None and position > total:
        if position > total + OVERSHOOT:
            return None, f"position {value!r} is past the end ({total:g} s)"
        position = total
    return position, None


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}...({len(text)} digits)"


#: Clock arithmetic leaves 99.99999999 where 100 was meant; flooring must not lose the second.
_EPSILON = 1e-6


def seconds(value: float) -> int:
    """The spec's integer seconds: floored, never negative."""
    return int(value + _EPSILON) if value > 0 else 0
