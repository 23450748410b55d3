"""Quality de-duplication: report bitrate / framerate / dropped-frames changes, not repeats."""

from __future__ import annotations

from typing import Any

__all__ = ["NO_QUALITY", "QualityState"]


class QualityState:
    """The last reported quality, and what a new reading changes.

    Bitrate and framerate changes are reported at once. A change of the dropped-frames counter
    alone is reported at most once per ``throttle`` seconds (the heartbeat interval), because
    players bump it every few frames.
    """

    __slots__ = (
        "_last_drop_report",
        "_throttle",
        "bitrate",
        "dropped_frames",
        "framerate",
        "reported_dropped",
    )

    def __init__(self, throttle: float) -> None:
        self._throttle = throttle
        self.bitrate: int | None = None
        self.framerate: int | None = None
        self.dropped_frames: int | None = None
        self.reported_dropped: int | None = None
        self._last_drop_report = float("-inf")

    def update(
        self, now: float, bitrate: int | None, framerate: int | None, dropped: int | None
    ) -> bool:
        """Take a reading; True when it should be reported now."""
        report = False
        if bitrate is not None and bitrate != self.bitrate:
            self.bitrate = bitrate
            report = True
        if framerate is not None and framerate != self.framerate:
            self.framerate = framerate
            report = True
        if dropped is not None:
            self.dropped_frames = dropped
        if report:
            return True
        return self.drops_due(now)

    def drops_due(self, now: float) -> bool:
        """True when an unreported dropped-frames change may be reported at ``now``."""
        return (
            self.dropped_frames is not None
            and self.dropped_frames != self.reported_dropped
            and now - self._last_drop_report >= self._throttle
        )

    def event_props(self, session_id: str, now: float, startup: int | None) -> dict[str, Any]:
        """Video Quality Updated's properties (``startupTime`` when ``startup`` is given);
        the current values are marked reported."""
        props: dict[str, Any] = {"session_id": session_id}
        props.update(self.reported(now))
        if startup is not None:
            props["startupTime"] = startup
        return props

    def reported(self, now: float) -> dict[str, Any]:
        """Mark the current values reported; return them as event properties."""
        props: dict[str, Any] = {}
        if self.bitrate is not None:
            props["bitrate"] = self.bitrate
        if self.framerate is not None:
            props["framerate"] = self.framerate
        if self.dropped_frames is not None:
            props["droppedFrames"] = self.dropped_frames
            if self.dropped_frames != self.reported_dropped:
                self._last_drop_report = now
            self.reported_dropped = self.dropped_frames
        return props


#: The quality of a session that has reported none: shared, never changed (a session makes its
#: own at its first ``quality()`` reading).
NO_QUALITY = QualityState(10.0)
