"""Session statistics: where the time went, and what was ignored."""

from __future__ import annotations

import attrs

__all__ = ["SessionStats"]

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
        bucket = _BUCKET.get(state)
        if bucket is not None and seconds > 0:
            setattr(self, bucket, getattr(self, bucket) + seconds)

    @property
    def rebuffer_ratio(self) -> float:
        """Seconds stalled per second played (0 when nothing played yet)."""
        return self.time_stalled / self.time_played if self.time_played else 0.0
