"""Checking what a raw callback was given: a checked value, or the reason it is refused.

The session asks, and logs and ignores the callback when there is a reason; nothing here logs.
Positions have their own unit (:mod:`playhead.positions`), ad metadata is the ad cursor's
(:func:`playhead.ads.ad_metadata_problem`). A callback refuses with :class:`Refused` (directly
or through :func:`accept`); the session's callback wrapper logs, counts and ignores it.
"""

from __future__ import annotations

from typing import TypeVar

from playhead.positions import MAX_SECONDS, number

__all__ = [
    "RAW_CALLBACKS",
    "Refused",
    "accept",
    "identifier",
    "identifier_problem",
    "length",
    "quality_readings",
    "rate",
    "volume",
]

_T = TypeVar("_T")

#: Every raw callback of a :class:`~playhead.Session` that a timeline, the recorder or a builder
#: may call, in the order of the API, with its parameters' names (``content_start``,
#: ``ad_break_start`` and ``ad_start`` also take metadata keywords). A test holds it to the
#: session's signatures.
RAW_CALLBACKS: dict[str, tuple[str, ...]] = {
    "play": (),
    "playing": ("position",),
    "pause": ("position",),
    "time_update": ("position",),
    "waiting": ("position",),
    "seeking": ("to", "position"),
    "seeked": ("position",),
    "ended": (),
    "content_start": ("asset_id",),
    "ad_break_start": ("pod_id",),
    "ad_start": ("asset_id",),
    "ad_time_update": ("position",),
    "ad_skipped": (),
    "ad_end": (),
    "ad_break_end": (),
    "quality": ("bitrate", "framerate", "dropped_frames"),
    "volume": ("sound",),
    "rate_change": ("rate",),
    "fullscreen": ("on",),
    "interrupt": ("method",),
    "exit": ("position",),
}


class Refused(Exception):
    """A raw callback that makes no sense now: ignored, with the reason (``quiet``: routine)."""

    def __init__(self, reason: str, *, quiet: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.quiet = quiet


def accept(checked: tuple[_T | None, str | None]) -> _T:
    """The value of a ``(value, reason)`` check, or :class:`Refused` with the reason."""
    value, reason = checked
    if value is None:
        raise Refused(reason or "bad argument")
    return value


def identifier(name: str, value: object) -> str:
    """An ``asset_id`` / ``pod_id`` argument, or :class:`Refused`."""
    problem = identifier_problem(name, value)
    if problem is not None:
        raise Refused(problem)
    return str(value)


#: Quality readings above this are a bug, not a bitrate (1 Pbps) or a frame count.
_MAX_QUALITY = 1e12


def identifier_problem(name: str, value: object) -> str | None:
    """What is wrong with an ``asset_id`` / ``pod_id`` argument, or None."""
    if not isinstance(value, str) or not value:
        return f"{name} must be a non-empty string: {value!r}"
    return None


def quality_readings(
    bitrate: object, framerate: object, dropped_frames: object
) -> tuple[tuple[int | None, int | None, int | None] | None, str | None]:
    """``((bitrate, framerate, dropped_frames), None)`` as integers (None: not reported), or
    ``(None, reason)`` naming the first reading that is not a number >= 0."""
    values: list[int | None] = []
    for name, value in (
        ("bitrate", bitrate),
        ("framerate", framerate),
        ("dropped_frames", dropped_frames),
    ):
        if value is None:
            values.append(None)
            continue
        checked = number(value)
        if checked is None or not 0 <= checked <= _MAX_QUALITY:
            return None, f"{name} must be a number >= 0, got {value!r}"
        values.append(int(checked))
    return (values[0], values[1], values[2]), None


def volume(sound: object) -> tuple[int | None, str | None]:
    """The volume as the spec's integer 0-100, or ``(None, reason)``."""
    checked = number(sound)
    if checked is None or not 0 <= checked <= 100:
        return None, f"sound must be a number from 0 to 100, got {sound!r}"
    return round(checked), None


def rate(value: object) -> tuple[float | None, str | None]:
    """A playback rate (> 0, finite, at most 1000x), or ``(None, reason)``."""
    checked = number(value)
    if checked is None or not 0 < checked <= 1000:
        return None, f"rate must be a finite number > 0, got {value!r}"
    return checked, None


def length(value: object) -> tuple[float | None, str | None]:
    """An item's length in seconds from the player (> 0, at most ``MAX_SECONDS``), or
    ``(None, reason)``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None, f"not a length: {value!r}"
    if not 0 < value <= MAX_SECONDS:
        return None, f"not a length: {value!r}"
    return value, None
