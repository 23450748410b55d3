"""Session statistics: where the time went, and what was ignored."""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["COUNTERS", "Counters", "SessionStats"]

# Which bucket each state's time goes to.
_BUCKET = {
    "loading": "time_loading",
    "playing": "time_played",
    "paused": "time_paused",
    "buffering": "time_stalled",
    "seeking": "time_seeking",
    "interrupted": "time_interrupted",
    "ad_break": "time_in_ads",
    "ad_playing": "time_in_ads",
    "ad_paused": "time_in_ads",
    "ad_buffering": "time_in_ads",
}


@attrs.define(slots=True)
class SessionStats:
    """Counters of one session. Durations are seconds on the session's clock.

    ``time_in_ads`` counts every second spent in an ad break (playing, paused or stalled in an
    ad); ``time_paused`` and ``time_stalled`` count content only, ``ad_time_paused`` and
    ``ad_stall_count`` the ads. ``startup_time`` is milliseconds from ``play()`` to the first
    frame (ad or content), None until then. ``ignored_callbacks`` counts callbacks that were
    logged and ignored (bad input, duplicates, calls that make no sense in the state).

    .. versionadded:: 0.1
    """

    time_played: float = 0.0
    time_in_ads: float = 0.0
    time_paused: float = 0.0
    time_stalled: float = 0.0
    time_seeking: float = 0.0
    time_loading: float = 0.0
    time_interrupted: float = 0.0
    stall_count: int = 0
    ad_stall_count: int = 0
    seek_count: int = 0
    pause_count: int = 0
    ads_started: int = 0
    ads_completed: int = 0
    ads_skipped: int = 0
    startup_time: int | None = None
    events_emitted: int = 0
    ignored_callbacks: int = 0
    emit_failures: int = 0

    def add_time(self, state: str, seconds: float) -> None:
        """Account ``seconds`` spent in ``state``."""
        _add_time(self, state, seconds)

    @property
    def rebuffer_ratio(self) -> float:
        """Seconds stalled per second played (0 when nothing played yet)."""
        return self.time_stalled / self.time_played if self.time_played else 0.0


def _add_time(counters: Any, state: str, seconds: float) -> None:
    bucket = _BUCKET.get(state)
    if bucket is not None and seconds > 0:
        setattr(counters, bucket, getattr(counters, bucket) + seconds)


#: Each counter of a :class:`SessionStats` and its starting value.
COUNTERS: dict[str, Any] = {field.name: field.default for field in attrs.fields(SessionStats)}


class Counters:
    """A session's :class:`SessionStats` counters, kept on the session's own object.

    A base class without slots of its own: the class that uses it (``Playback``) lists
    :data:`COUNTERS` in its ``__slots__``. One object fewer per session than a
    ``SessionStats`` of its own, for the garbage collector walks every object on each full
    collection. The annotations repeat ``SessionStats``'s fields (a test keeps them equal).
    """

    __slots__ = ()

    time_played: float
    time_in_ads: float
    time_paused: float
    time_stalled: float
    time_seeking: float
    time_loading: float
    time_interrupted: float
    stall_count: int
    ad_stall_count: int
    seek_count: int
    pause_count: int
    ads_started: int
    ads_completed: int
    ads_skipped: int
    startup_time: int | None
    events_emitted: int
    ignored_callbacks: int
    emit_failures: int

    def reset_counters(self) -> None:
        """Every counter back to its starting value (a new session after an idle end)."""
        for name, value in COUNTERS.items():
            setattr(self, name, value)

    def add_time(self, state: str, seconds: float) -> None:
        """Account ``seconds`` spent in ``state``."""
        _add_time(self, state, seconds)

    def counted(self) -> SessionStats:
        """The counters now, as a :class:`SessionStats` of their own."""
        return SessionStats(**{name: getattr(self, name) for name in COUNTERS})
