"""What every adapter shares: the session it drives, a guard for player threads, quality debounce.

An adapter runs on the player's threads. Whatever goes wrong in it (a bad value from the player,
a bug, a session that refuses a callback) must never raise back into the player: :func:`guarded`
catches it, logs it with a stable key and counts it on the handle.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, runtime_checkable

from playhead._logging import get_logger
from playhead.clock import Clock, SystemClock

__all__ = ["AdapterHandle", "QualityDebouncer", "SessionLike", "clock_of", "guarded"]

log = get_logger("playhead.adapters")

F = TypeVar("F", bound=Callable[..., Any])


@runtime_checkable
class SessionLike(Protocol):
    """The raw callbacks an adapter feeds: a :class:`playhead.Session`, a monitor or a recorder."""

    @property
    def state(self) -> str: ...

    def play(self) -> None: ...

    def playing(self, position: float | None = None) -> None: ...

    def pause(self, position: float | None = None) -> None: ...

    def time_update(self, position: float) -> None: ...

    def waiting(self, position: float | None = None) -> None: ...

    def seeking(self, to: float, position: float | None = None) -> None: ...

    def seeked(self, position: float | None = None) -> None: ...

    def ended(self) -> None: ...

    def quality(
        self,
        bitrate: int | None = None,
        framerate: int | None = None,
        dropped_frames: int | None = None,
    ) -> None: ...

    def exit(self, position: float | None = None) -> None: ...

    def rate_change(self, rate: float) -> None: ...

    def duration_change(self, length: float) -> None: ...


def clock_of(session: object) -> Clock:
    """The clock a session runs on (its tracker's), so inferred timers agree with its events."""
    for candidate in (
        session,
        getattr(session, "tracker", None),
        getattr(session, "_tracker", None),
    ):
        clock = getattr(candidate, "clock", None)
        if isinstance(clock, Clock):
            return clock
    return SystemClock()


class AdapterHandle:
    """What ``attach()`` returns: :meth:`detach` it when done; ``failures`` counts swallowed errors.

    .. versionadded:: 0.1
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.failures = 0
        self.attached = True
        #: Set when playback is over: the media ended, failed, or the player stopped.
        self.finished = threading.Event()
        self._lock = threading.Lock()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until playback is over (end, error or stop); False on timeout."""
        return self.finished.wait(timeout)

    def _chain(self, session: SessionLike, record: bool, **monitor_options: Any) -> None:
        """Player -> monitor -> (recorder ->) session: the recorder sits below the monitor, so
        what the monitor infers is recorded as plain calls and a replay needs no monitor."""
        from playhead.adapters.monitor import PlayheadMonitor
        from playhead.adapters.recorder import Recorder

        self.recorder = Recorder(session) if record else None
        target: SessionLike = self.recorder if self.recorder is not None else session
        self.monitor = PlayheadMonitor(target, **monitor_options)

    def detach(self) -> None:
        """Stop listening to the player. Safe to call twice."""
        with self._lock:
            if not self.attached:
                return
            self.attached = False
        self._detach()

    def _detach(self) -> None:
        """Undo what attach() hooked into the player."""

    def _failed(self, where: str) -> None:
        with self._lock:
            self.failures += 1
        log.exception("adapter_callback_failed", adapter=self.name, callback=where)

    def __repr__(self) -> str:
        state = "attached" if self.attached else "detached"
        return f"<{type(self).__name__} {state} failures={self.failures}>"


def guarded(method: F) -> F:
    """Run an adapter method for the player; never let an exception out (log and count it)."""

    @functools.wraps(method)
    def wrapper(self: AdapterHandle, *args: Any, **kwargs: Any) -> Any:
        if not self.attached:
            return None
        try:
            return method(self, *args, **kwargs)
        except Exception:
            self._failed(method.__name__)
            return None

    return wrapper  # type: ignore[return-value]


class QualityDebouncer:
    """Turns a player's restless quality readings into few Video Quality Updated events.

    Players re-measure the bitrate several times a second and it wobbles by a few percent; the
    spec's event is meant for a change a viewer would notice. A reading is reported when there
    was none before, when the framerate changes, or when the bitrate moves by ``bitrate_change``
    (a fraction) since the last report; never more often than once per ``min_interval`` seconds.
    Dropped frames ride along with the next report. The first report waits until every one of
    ``fields`` has been measured, so it is one complete event rather than two halves.
    """

    def __init__(
        self,
        clock: Clock,
        *,
        min_interval: float = 5.0,
        bitrate_change: float = 0.2,
        fields: tuple[str, ...] = ("bitrate", "framerate"),
    ) -> None:
        self._clock = clock
        self.fields = fields
        self.min_interval = min_interval
        self.bitrate_change = bitrate_change
        self.bitrate: int | None = None
        self.framerate: int | None = None
        self.dropped_frames: int | None = None
        self._reported: tuple[int | None, int | None] | None = None
        self._last_report = float("-inf")

    def reading(
        self,
        bitrate: int | None = None,
        framerate: int | None = None,
        dropped_frames: int | None = None,
    ) -> dict[str, int] | None:
        """Take a reading (None = unchanged); the quality to report now, or None."""
        if bitrate is not None:
            self.bitrate = bitrate
        if framerate is not None:
            self.framerate = framerate
        if dropped_frames is not None:
            self.dropped_frames = dropped_frames
        if self._reported is None and any(getattr(self, name) is None for name in self.fields):
            return None  # the first report waits until the player has measured everything
        if self.bitrate is None and self.framerate is None:
            return None
        now = self._clock.monotonic()
        if now - self._last_report < self.min_interval or not self._changed():
            return None
        self._reported = (self.bitrate, self.framerate)
        self._last_report = now
        report = {"bitrate": self.bitrate, "framerate": self.framerate}
        if self.dropped_frames is not None:
            report["dropped_frames"] = self.dropped_frames
        return {key: value for key, value in report.items() if value is not None}

    def _changed(self) -> bool:
        if self._reported is None:
            return True
        bitrate, framerate = self._reported
        if self.framerate != framerate:
            return True
        if self.bitrate is None or bitrate is None:
            return self.bitrate != bitrate
        return abs(self.bitrate - bitrate) >= self.bitrate_change * max(bitrate, 1)
