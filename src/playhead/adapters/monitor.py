"""The playhead monitor: stalls and seeks inferred from time updates, for players that hide them.

Some players say when they stall and when they seek (mpv: ``paused-for-cache``, the ``seek``
event). Others do not: VLC sends neither a seek event nor a buffering event on a mid-stream stall,
and Qt's QMediaPlayer just stops moving its position. The only evidence is the playhead itself:

- a **stall** is a playhead that stops moving while the session is playing, for longer than
  ``stall_timeout`` seconds of the session's clock (a timer, so it fires even when the player
  sends nothing at all); it ends when the playhead moves again. Only once the playhead has
  moved forward since ``play()``: players report playing before their first frame is out
  (VLC's ``Playing``, a pipeline reaching PLAYING), and a playhead that has not moved yet is
  start-up, which is not a rebuffer (docs/rules.md);
- a **seek** is a time update that lands more than ``seek_threshold`` seconds away from where
  the playhead should be (the last position plus the time since, times the playback ``rate``);
  it is complete when the playhead moves on from where it landed, so the buffering a seek causes
  belongs to the seek and is never reported as a stall.

The monitor sits between an adapter and the session and forwards every raw callback. It stands
down wherever the evidence is the player's own: with ``signals_stalls=True`` it never infers a
stall, with ``signals_seeks=True`` never a seek, and while the session is seeking or buffering
because the player said so it only forwards.

Anything it infers goes to the session as the same raw callbacks a player would send
(``waiting``/``playing``, ``seeking``/``seeked``), so a recorder between the monitor and the
session records them and a replay needs no monitor.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
import threading
from typing import Any

from playhead._logging import get_logger
from playhead.adapters._base import SessionLike, clock_of
from playhead.clock import Clock, Timer
from playhead.errors import ConfigurationError

__all__ = ["PlayheadMonitor"]

log = get_logger("playhead.adapters.monitor")

#: A playhead that moved less than this has not moved (players repeat the same time).
_EPSILON = 0.001


def _position(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) and number >= 0 else None


class PlayheadMonitor:
    """Wraps a session; infers the stalls and seeks the player does not signal.

    ``stall_timeout``: seconds the playhead may stand still while playing before it is a stall.
    Keep it above the player's longest gap between time updates (VLC: about 0.4 s).
    ``seek_threshold``: seconds a time update may land away from the expected position before it
    is a seek. ``rate``: the playback speed (settable; an adapter keeps it current).
    ``signals_stalls`` / ``signals_seeks``: the player reports these itself; do not infer them.
    ``clock``: defaults to the session's (its tracker's) clock, so a fake clock drives the
    timer in tests.

    .. versionadded:: 0.1
    """

    def __init__(
        self,
        session: SessionLike,
        *,
        stall_timeout: float = 1.5,
        seek_threshold: float = 2.0,
        rate: float = 1.0,
        signals_stalls: bool = False,
        signals_seeks: bool = False,
        stale_window: float = 1.0,
        clock: Clock | None = None,
    ) -> None:
        for name, value in (
            ("stall_timeout", stall_timeout),
            ("seek_threshold", seek_threshold),
            ("rate", rate),
        ):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ConfigurationError(f"{name} must be a number > 0, got {value!r}")
        self.session = session
        self.stall_timeout = float(stall_timeout)
        self.seek_threshold = float(seek_threshold)
        self.signals_stalls = signals_stalls
        self.signals_seeks = signals_seeks
        self.stale_window = stale_window
        self.clock = clock if clock is not None else clock_of(session)
        self.inferred_stalls = 0
        self.inferred_seeks = 0
        self.stale_updates = 0
        self._rate = float(rate)
        self._lock = threading.RLock()
        self._closed = False
        self._position: float | None = None
        self._position_at = 0.0  # when _position was last true (an update or a state change)
        self._progress_at = 0.0  # when the playhead last moved forward
        self._advanced = False  # it has moved forward since play(): start-up is over
        self._stalled = False  # a stall this monitor inferred is open
        self._seek: tuple[float, float] | None = None  # an inferred seek awaiting progress
        self._stale: tuple[float, float] | None = None  # (origin, until): drop late old times
        self._catch_up: tuple[float, float, float] | None = None  # (ahead, since, until)
        self._timer: Timer | None = None

    # -- configuration ---------------------------------------------------------------------

    @property
    def rate(self) -> float:
        """The playback speed the expected position is computed with."""
        return self._rate

    @rate.setter
    def rate(self, value: float) -> None:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
            with self._lock:
                self._rate = float(value)

    @property
    def state(self) -> str:
        return self.session.state

    def __getattr__(self, name: str) -> Any:
        # Callbacks the monitor has no opinion on (content_start, volume, ads...) go straight on.
        return getattr(self.session, name)

    def close(self) -> None:
        """Stop the stall timer for good (an adapter calls this on detach)."""
        with self._lock:
            self._closed = True
            self._cancel_timer()

    # -- raw callbacks -----------------------------------------------------------------------

    def play(self) -> None:
        with self._lock:
            self._reset()
            self.session.play()

    def playing(self, position: float | None = None) -> None:
        with self._lock:
            now = self.clock.monotonic()
            self._seek = None
            self._stalled = False
            self._moved_to(_position(position), now)
            self._progress_at = now
            self.session.playing(position)
            self._arm()

    def pause(self, position: float | None = None) -> None:
        with self._lock:
            self._cancel_timer()
            self._finish_inferred_seek()
            self._stalled = False
            self._moved_to(_position(position), self.clock.monotonic())
            self.session.pause(position)

    def waiting(self, position: float | None = None) -> None:
        with self._lock:
            self._cancel_timer()
            if self._stalled:
                return  # the stall is already open (inferred a moment before the player said so)
            self._moved_to(_position(position), self.clock.monotonic())
            self.session.waiting(position)

    def seeking(self, to: float, position: float | None = None) -> None:
        with self._lock:
            self._cancel_timer()
            self._seek = None
            self._stalled = False
            self.session.seeking(to, position)

    def seeked(self, position: float | None = None) -> None:
        with self._lock:
            now = self.clock.monotonic()
            self._moved_to(_position(position), now)
            self._progress_at = now
            self.session.seeked(position)
            self._arm()

    def ended(self) -> None:
        with self._lock:
            self._finish_inferred_seek()
            self._reset()
            self.session.ended()

    def exit(self, position: float | None = None) -> None:
        with self._lock:
            self._reset()
            self.session.exit(position)

    def rate_change(self, rate: float) -> None:
        """The player's rate changed: expect the playhead to move at it, and tell the session."""
        with self._lock:
            if self._position is not None and self.session.state == "playing":
                now = self.clock.monotonic()
                self._position, self._position_at = self._expected(now, "playing"), now
            self.rate = rate  # a bad rate is left to the session to refuse and log
            self.session.rate_change(rate)

    def duration_change(self, length: float) -> None:
        self.session.duration_change(length)

    def quality(
        self,
        bitrate: int | None = None,
        framerate: int | None = None,
        dropped_frames: int | None = None,
    ) -> None:
        self.session.quality(bitrate=bitrate, framerate=framerate, dropped_frames=dropped_frames)

    def time_update(self, position: float) -> None:
        """The hot path: a few comparisons, a forward, at most one timer per stall_timeout."""
        with self._lock:
            value = _position(position)
            if value is None:
                self.session.time_update(position)  # the session logs and counts bad input
                return
            now = self.clock.monotonic()
            if self._is_stale(value, now):
                return
            if self._seek is not None:
                self._settle_seek(value, now)
                return
            state = self.session.state
            if self._stall_due(now, state):
                # The timer is late (a loaded machine): this update is its first chance to see
                # the playhead frozen past stall_timeout, as the timer would have.
                self._cancel_timer()
                self._open_stall()
                state = self.session.state
            if self._jumped(value, now, state):
                self._infer_seek(value, now, state)
                return
            moved = self._position is None or value > self._position + _EPSILON
            if moved:
                self._advanced = self._advanced or self._position is not None
                if self._stalled:
                    self._stalled = False
                    self._allow_catch_up(now)
                    self.session.playing(value)  # the inferred stall is over
                self._progress_at = now
            self._position, self._position_at = value, now
            self.session.time_update(value)
            self._arm()

    # -- inference ---------------------------------------------------------------------------

    def expected_position(self) -> float | None:
        """Where the playhead should be now: the last reading, carried forward at the rate
        unless paused; None before any reading. (An adapter whose player has lost its own
        position, a GStreamer pipeline being stopped, ends the session there.)"""
        with self._lock:
            if self._position is None:
                return None
            return self._expected(self.clock.monotonic(), self.session.state)

    def _expected(self, now: float, state: str) -> float:
        """Where the playhead may be by now: paused, where it was; otherwise as if it had run.

        Also during a stall: some players (VLC) keep their clock running through a stall and
        resume further on, which is the end of the stall, not a seek.
        """
        assert self._position is not None
        if state == "paused":
            return self._position
        return self._position + (now - self._position_at) * self._rate

    def _jumped(self, value: float, now: float, state: str) -> bool:
        if self.signals_seeks or self._position is None:
            return False
        if state not in ("playing", "paused") and not (state == "buffering" and self._stalled):
            return False  # the player's own seek or stall is in flight: it has the word
        expected = self._expected(now, state)
        if self._stalled or (not self._advanced and state == "playing"):
            # The player's clock may have run on through the stall (a GStreamer pipeline left
            # running, VLC, Qt) or the start-up, and its first reading after it land where that
            # clock says, not where the last repeat of the frozen position would have it.
            expected = max(expected, self._position + (now - self._progress_at) * self._rate)
        if self._catch_up is not None:
            ahead, since, until = self._catch_up
            if now <= until:
                expected = max(expected, ahead + (now - since) * self._rate)
            else:
                self._catch_up = None
        return (
            value > expected + self.seek_threshold or value < self._position - self.seek_threshold
        )

    def _allow_catch_up(self, now: float) -> None:
        """A stall ended: the player may skip ahead to where its clock says (VLC, Qt and a
        GStreamer pipeline left running keep their clock going through a stall and drop what
        they missed, at once or over a while); for ``stale_window`` seconds or as long as the
        stall lasted, landing anywhere up to there is that catching up, not a seek."""
        if self._position is not None:
            stalled_for = now - self._progress_at
            ahead = self._position + stalled_for * self._rate
            self._catch_up = (ahead, now, now + max(self.stale_window, stalled_for))

    def _infer_seek(self, value: float, now: float, state: str) -> None:
        origin = self._position if self._stalled else self._expected(now, state)
        assert origin is not None
        self._cancel_timer()
        self._stalled = False
        self.inferred_seeks += 1
        log.info("seek_inferred", origin=round(origin, 3), target=round(value, 3), state=state)
        self.session.seeking(value, origin)
        self._stale = (origin, now + self.stale_window)
        self._position, self._position_at = value, now
        if state == "paused":
            self.session.seeked(value)  # nothing will move until the viewer resumes
        else:
            self._seek = (value, now)

    def _settle_seek(self, value: float, now: float) -> None:
        """While an inferred seek is open: complete it on progress, follow it on a scrub."""
        assert self._seek is not None
        target, _since = self._seek
        if (
            value > target + _EPSILON
            and value - target <= self.seek_threshold + (now - self._position_at) * self._rate
        ):
            self._seek = None
            self._position, self._position_at = value, now
            self._progress_at = now
            self._advanced = True
            self.session.seeked(target)  # where it landed; this update is the first step on
            self.session.time_update(value)
            self._arm()
        elif abs(value - target) > self.seek_threshold:
            self.inferred_seeks += 1
            log.info(
                "seek_inferred", origin=round(target, 3), target=round(value, 3), state="seeking"
            )
            self.session.seeking(value, target)  # a scrub: the same seek, a new target
            self._seek = (value, now)
            self._position, self._position_at = value, now
        else:
            self._position_at = now

    def _finish_inferred_seek(self) -> None:
        if self._seek is not None:
            target, _since = self._seek
            self._seek = None
            self.session.seeked(target)

    def _is_stale(self, value: float, now: float) -> bool:
        """A time from before an inferred seek, delivered late (VLC does this): drop it."""
        if self._stale is None:
            return False
        origin, until = self._stale
        if now > until:
            self._stale = None
            return False
        if abs(value - origin) <= self.seek_threshold and (
            self._position is None or abs(value - self._position) > self.seek_threshold
        ):
            self.stale_updates += 1
            log.debug("stale_time_update_dropped", position=value, origin=round(origin, 3))
            return True
        return False

    def _arm(self) -> None:
        if self.signals_stalls or self._closed or self._timer is not None or not self._advanced:
            return  # before the first advance, a still playhead is start-up: no timer
        self._timer = self.clock.call_at(self._progress_at + self.stall_timeout, self._check)

    def _check(self) -> None:
        """The stall timer: is the playhead still where it was a stall_timeout ago?"""
        try:
            with self._lock:
                self._timer = None
                if self._closed or self._stalled or self._seek is not None:
                    return
                if self.session.state != "playing":
                    return  # re-armed by the next playing() or time update
                if self.clock.monotonic() - self._progress_at < self.stall_timeout - _EPSILON:
                    self._arm()
                    return
                self._open_stall()
        except Exception:  # on the clock's thread: log, never raise
            log.exception("monitor_check_failed")

    def _stall_due(self, now: float, state: str) -> bool:
        """Whether the stall timer, had it run on time, would have opened a stall by now."""
        return (
            self._advanced
            and not (self.signals_stalls or self._stalled or self._closed)
            and state == "playing"
            and now - self._progress_at >= self.stall_timeout - _EPSILON
        )

    def _open_stall(self) -> None:
        self._stalled = True
        self.inferred_stalls += 1
        log.info("stall_inferred", position=self._position, timeout=self.stall_timeout)
        self.session.waiting(self._position)

    def _moved_to(self, position: float | None, now: float) -> None:
        if position is not None:
            self._position = position
        self._position_at = now

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _reset(self) -> None:
        self._cancel_timer()
        self._position = None
        self._advanced = False
        self._stalled = False
        self._seek = None
        self._stale = None
        self._catch_up = None

    def __repr__(self) -> str:
        return (
            f"PlayheadMonitor(stall_timeout={self.stall_timeout}, "
            f"seek_threshold={self.seek_threshold}, rate={self._rate}, "
            f"signals_stalls={self.signals_stalls}, signals_seeks={self.signals_seeks})"
        )
