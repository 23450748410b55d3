"""Session: one playback session's raw callbacks, turned into the spec's events.

The session is glue. It checks what the player reports, updates its units, and fires a trigger
on the shared rule table in :mod:`playhead.machine` when something changed. The units own their
state and answer questions; only the session emits events and logs:

- :class:`~playhead.playlist.Playlist`: items, breaks, the current item, the total length;
- :class:`~playhead.frames.Playheads`: the content and ad playheads, carried forward at the rate;
- :class:`~playhead.ads.AdCursor`: the open break, the ad, its pod position and quartiles;
- :mod:`~playhead.windows`: heartbeat and quartile tickers, held triggers, the idle watch;
- :class:`~playhead.properties.PlaybackProperties`, :class:`~playhead.quality.QualityState`,
  :class:`~playhead.stats.SessionStats`.

Every public method is a raw callback from a player. None of them raises into the caller (unless
the tracker is ``strict``): a callback that makes no sense is logged under ``callback_ignored``,
counted in :attr:`Session.stats` and ignored. Callbacks may come from a player thread while
heartbeats fire on the scheduler thread; one lock per session serialises them. The machine's
actions (``_emit_*`` and friends, named in the rule table) live in :mod:`playhead._actions`.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs

from playhead._actions import Actions
from playhead._dispatch import DISPATCH
from playhead._logging import get_logger
from playhead.ads import NO_ADS, ad_metadata_problem
from playhead.arguments import identifier_problem, quality_readings, volume
from playhead.arguments import length as item_length
from playhead.arguments import rate as playback_rate
from playhead.errors import CallbackError, ConfigurationError
from playhead.frames import Playheads
from playhead.machine import AD_STATES, IDLE_STATES, MachineError
from playhead.model import AdBreak, Content
from playhead.payload import message_id
from playhead.playlist import Playlist
from playhead.positions import MAX_SECONDS, check_position, seconds
from playhead.properties import PlaybackProperties, check_properties
from playhead.quality import NO_QUALITY, QualityState
from playhead.seek import NO_SEEK, Seek
from playhead.stats import SessionStats
from playhead.windows import NO_HOLD, NO_IDLE_WATCH, NO_TICKER, Hold, IdleWatch

if TYPE_CHECKING:
    from playhead.clock import Clock
    from playhead.tracker import Tracker

__all__ = ["RAW_CALLBACKS", "Session"]

log = get_logger("playhead.session")

_F = TypeVar("_F", bound=Callable[..., None])

_FRAMES = ("playing", "ad_playing")

#: A pause this close to the end of the content may be the player's own pause before
#: ``ended()`` (the HTML5 order): it is held this long (seconds) to see whether the end follows.
_END_SLACK = 0.5
_END_HOLD = 1.0


def _callback(method: _F) -> _F:
    """Run a raw callback under the session lock; never let an exception reach the player."""
    name = method.__name__

    @functools.wraps(method)
    def wrapper(self: Session, *args: Any, **kwargs: Any) -> None:
        try:
            with self._lock:
                if self._hold.trigger is not None:
                    self._settle_hold(name)
                method(self, *args, **kwargs)
        except CallbackError:
            raise
        except Exception as exc:  # a bug of ours must not kill the player's thread
            self._failed(name, exc)

    return wrapper  # type: ignore[return-value]


class Session(Actions):
    """One playback session: a player instance playing one or more items, with their ads.

    Made by :meth:`playhead.Tracker.session`. Feed it the player's raw callbacks; it emits the
    Video Spec's events to the tracker's transport. ``state`` is the current state name,
    ``session_id`` the id on every event, ``stats`` the :class:`~playhead.SessionStats`.

    .. versionadded:: 0.1
    """

    __slots__ = ()  # the state is declared on Actions, the half the rules drive

    def __init__(
        self,
        tracker: Tracker,
        content: Iterable[Content | Mapping[str, Any]] = (),
        ad_breaks: Iterable[AdBreak | Mapping[str, Any]] = (),
        *,
        livestream: bool = False,
        session_id: str | None = None,
        properties: Mapping[str, Any] | None = None,
    ) -> None:
        if session_id is not None and (not isinstance(session_id, str) or not session_id):
            raise ConfigurationError(f"session_id must be a non-empty string, got {session_id!r}")
        self._tracker = tracker
        self._clock = tracker.clock
        self._factory = tracker._factory
        self._strict = tracker.strict
        self._interval = tracker.heartbeat_interval
        self._join_window = tracker.seek_join_window
        self._lock = threading.RLock()
        self.session_id = session_id or message_id()
        self.state = "idle"
        self._stats = SessionStats()
        live = bool(livestream)
        user = tracker.properties
        if properties is not None:
            user = {**user, **check_properties("properties", properties)}
        self._props = PlaybackProperties(user, live)
        self._list = Playlist(content, ad_breaks, live)
        self._xy = Playheads()
        self._xy.limit = self._list.limit
        # Units most sessions never need are shared empty ones until first used.
        self._ads = NO_ADS
        self._quality = NO_QUALITY
        self._beat = NO_TICKER
        self._quartile_timer = NO_TICKER
        self._hold = NO_HOLD
        self._idle = NO_IDLE_WATCH
        self._seek = NO_SEEK
        self._emit_at: float | None = None  # events' time while a held trigger is released
        self._pending: tuple[str, ...] = ()
        self._play_at = 0.0
        self._first_frame = False
        self._startup_reported = False
        self._interrupt_method: str | None = None
        self._next: Any = None
        self._from = "idle"
        self._since = self._clock.monotonic()
        self._wake = None

    def __repr__(self) -> str:
        return f"<Session {self.session_id} state={self.state}>"

    def __del__(self) -> None:
        """Dropped without ``exit()``: the viewer is gone, so the session ends with Exited.

        Timers hold sessions weakly (:class:`~playhead.windows.Wake`), so a playing session the
        application dropped is collected here instead of sending heartbeats forever. The events
        are built now, with the session's last playhead, and delivered through the clock (on
        the scheduler thread): the garbage collector may run this inside any code, a
        transport's lock included.
        """
        if getattr(self, "state", "ended") in ("idle", "ended") or sys.is_finalizing():
            return
        self._tracker = cast("Tracker", _Deferred(self._tracker, self._clock))
        with contextlib.suppress(CallbackError):  # strict mode: a finaliser may not raise
            self.exit()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Leaving the ``with`` block is the viewer leaving: Exited, unless it completed."""
        self.exit()

    # ------------------------------------------------------------------ raw callbacks

    @_callback
    def play(self) -> None:
        """Playback was requested (the viewer pressed play, or autoplay began)."""
        if self._idle.idled:
            self._fire("restart", "play")
        if self.state != "idle":
            self._ignore("play", "playback was already requested", quiet=True)
            return
        self._play_at = self._clock.monotonic()
        self._fire("request_play", "play")

    @_callback
    def playing(self, position: float | None = None) -> None:
        """Frames are advancing: the first frame, or after a pause, a stall or a seek."""
        if self._idle.idled:
            self._fire("restart", "playing")
        state = self.state
        if state == "idle":  # autoplay without play(): the request is implicit
            self._play_at = self._clock.monotonic()
            self._fire("request_play", "playing")
            state = self.state
        if position is not None:
            if self._in_ad_frame():
                self._set_ad_position(position, "playing")
            else:
                checked = self._checked(position, "playing")
                if checked is not None:
                    if state == "seeking":
                        self._seek.target = checked
                    else:
                        self._xy.pos = checked
        if state in _FRAMES:
            self._ignore("playing", "frames are already advancing", quiet=True)
            return
        self._fire("frames", "playing")

    @_callback
    def pause(self, position: float | None = None) -> None:
        """The viewer paused (content or ad)."""
        if position is not None:
            self._update_position(position, "pause")
        if self.state in ("paused", "ad_paused") or (self.state == "seeking" and self._seek.paused):
            self._ignore("pause", "already paused", quiet=True)
            return
        if self.state == "playing" and self._content_now() >= self._list.limit - _END_SLACK:
            self._hold_trigger("pause", _END_HOLD)  # the HTML5 order at the end: pause, ended
            return
        self._fire("pause", "pause")

    def time_update(self, position: float) -> None:
        """The content playhead moved (call it at any rate: it costs a few comparisons)."""
        try:
            with self._lock:
                if (
                    self.state == "playing"
                    and position.__class__ in (float, int)
                    and 0 <= position < self._list.limit  # unbounded items: MAX_SECONDS
                ):
                    xy = self._xy
                    xy.pos = position
                    xy.pos_at = self._clock.monotonic()
                    return
                self._time_update(position)
        except CallbackError:
            raise
        except Exception as exc:
            self._failed("time_update", exc)

    @_callback
    def waiting(self, position: float | None = None) -> None:
        """Playback stalled for want of data."""
        if position is not None:
            self._update_position(position, "waiting")
        if self.state in ("buffering", "ad_buffering"):
            self._ignore("waiting", "already stalled", quiet=True)
            return
        self._fire("stall", "waiting")

    @_callback
    def seeking(self, to: float, position: float | None = None) -> None:
        """A seek to ``to`` (content seconds) began; ``position`` is where it started from."""
        target = self._checked(to, "seeking")
        if target is None:
            return
        seek = self._seeks()
        state = self.state
        if state in ("playing", "paused", "buffering"):
            origin = self._content_now()
            if position is not None:
                checked = self._checked(position, "seeking")
                if checked is not None:
                    origin = checked
            seek.begin(origin, state == "paused")
        seek.target = target
        if state == "loading":
            self._xy.pos = target  # a bookmark: where the first frame will be
        self._fire("seek_start", "seeking")

    @_callback
    def seeked(self, position: float | None = None) -> None:
        """The seek landed (at ``position``, or at its target when not given)."""
        if position is not None:
            checked = self._checked(position, "seeked")
            if checked is not None:
                self._seeks().target = checked
                if self.state == "loading":
                    self._xy.pos = checked
        if self.state == "seeking" and self._join_window > 0:
            self._hold_trigger("seek_end", self._join_window)  # a scrub's next step may follow
            return
        self._fire("seek_end", "seeked")

    @_callback
    def ended(self) -> None:
        """The current content item reached its end."""
        item = self._list.item
        if self._list.started and item is not None and item.total_length:
            self._xy.pos = float(item.total_length)
        self._fire("content_end", "ended")

    @_callback
    def content_start(self, asset_id: str, **metadata: Any) -> None:
        """The next item of a playlist is loading (a declared one, or a new one)."""
        problem = identifier_problem("asset_id", asset_id)
        if problem is not None:
            self._ignore("content_start", problem)
            return
        try:
            self._next = self._list.resolve_content(asset_id, metadata)
        except ConfigurationError as exc:
            self._ignore("content_start", str(exc))
            return
        self._fire("switch_item", "content_start")

    @_callback
    def ad_break_start(self, pod_id: str, **metadata: Any) -> None:
        """An ad break (pod) begins: a declared one, or one inserted on the fly."""
        problem = identifier_problem("pod_id", pod_id)
        if problem is not None:
            self._ignore("ad_break_start", problem)
            return
        try:
            self._next = self._list.resolve_break(pod_id, metadata, self._xy.finished == 0)
        except ConfigurationError as exc:
            self._ignore("ad_break_start", str(exc))
            return
        self._fire("break_start", "ad_break_start")

    @_callback
    def ad_start(self, asset_id: str, **metadata: Any) -> None:
        """An ad begins playing (declared in the current break, or inserted dynamically)."""
        problem = identifier_problem("asset_id", asset_id) or ad_metadata_problem(
            asset_id, metadata
        )
        if problem is not None:
            self._ignore("ad_start", problem)
            return
        self._next = (asset_id, metadata)
        self._fire("ad_begin", "ad_start")

    @_callback
    def ad_time_update(self, position: float) -> None:
        """The ad playhead moved (seconds into the current ad)."""
        ads = self._ads
        if ads.ad is None or self.state == "ended":
            self._ignore("ad_time_update", "no ad is playing")
            return
        before = self._xy.ad_pos
        if not self._set_ad_position(position, "ad_time_update"):
            return
        if self.state == "ad_buffering" and self._xy.ad_pos > before:
            self._fire("frames", "ad_time_update")  # the ad's frames advance again
        if not ads.reported:
            ads.reported = True  # the player reports ad time: quartiles follow it
            self._quartile_timer.stop()
        self._emit_ad_playing(ads.crossed(self._xy.ad_pos, self._clock.monotonic()))

    @_callback
    def ad_skipped(self) -> None:
        """The viewer skipped the current ad: no further quartiles, no Ad Completed."""
        self._fire("ad_skip", "ad_skipped")

    @_callback
    def ad_end(self) -> None:
        """The current ad played to its end."""
        self._fire("ad_finish", "ad_end")

    @_callback
    def ad_break_end(self) -> None:
        """The ad break is over; content resumes when its frames advance."""
        self._fire("break_end", "ad_break_end")

    @_callback
    def quality(
        self,
        bitrate: float | None = None,
        framerate: float | None = None,
        dropped_frames: float | None = None,
    ) -> None:
        """Bitrate (kbps), framerate (fps) or the dropped-frames counter changed."""
        values, reason = quality_readings(bitrate, framerate, dropped_frames)
        if values is None:
            self._ignore("quality", reason or "bad reading")
            return
        if self.state == "ended":
            self._ignore("quality", "the session has ended")
            return
        now = self._clock.monotonic()
        if self._quality is NO_QUALITY:
            self._quality = QualityState(self._interval or 10.0)
        if self._quality.update(now, values[0], values[1], values[2]) and self.state != "idle":
            self._emit_quality(now)

    @_callback
    def volume(self, sound: float) -> None:
        """The volume changed, 0-100 (adapters convert their player's scale)."""
        checked, reason = volume(sound)
        if checked is None:
            self._ignore("volume", reason or "bad volume")
            return
        self._props.sound = checked

    @_callback
    def rate_change(self, rate: float) -> None:
        """The playback rate changed (HTML5 ``ratechange``): 1.0 is normal speed, 2.0 double.

        Between time updates the content playhead advances at this rate, so heartbeats and a
        pause without a position report where the player really is. Stats stay wall time.
        """
        checked, reason = playback_rate(rate)
        if checked is None:
            self._ignore("rate_change", reason or "bad rate")
            return
        self._freeze(self._clock.monotonic())  # the time so far went at the old rate
        self._xy.rate = checked

    @_callback
    def fullscreen(self, on: bool) -> None:
        """Fullscreen was switched on or off."""
        self._props.full_screen = bool(on)

    @_callback
    def interrupt(self, method: str | None = None) -> None:
        """Playback stopped without the viewer asking (a call, device lock, background...)."""
        self._interrupt_method = str(method) if method is not None else None
        if self.state == "interrupted":
            self._ignore("interrupt", "already interrupted", quiet=True)
            return
        self._fire("interrupt", "interrupt")

    @_callback
    def exit(self, position: float | None = None) -> None:
        """The viewer left. Exited, or Playback Completed when all content was seen."""
        if self.state == "ended":
            return  # closing the player after the session completed: the normal ending
        if position is not None:
            self._update_position(position, "exit")
        self._fire("leave", "exit")

    @_callback
    def duration_change(self, length: float) -> None:
        """The player learnt the current item's length (HTML5 ``durationchange``).

        Fills the item's ``total_length`` when the application declared none, so an adapter
        can take it from the player. A declared length wins; a livestream has none.

        .. versionadded:: 0.2
        """
        checked, reason = item_length(length)
        if checked is None:
            self._ignore("duration_change", reason or "bad length")
            return
        if self._list.learn_length(checked):
            self._xy.limit = self._list.limit

    # ------------------------------------------------------------------ public reads

    @property
    def position(self) -> int:
        """The playback-frame playhead now (integer seconds, ads seen included)."""
        with self._lock:
            return seconds(self._playback_position())

    @property
    def content_position(self) -> float:
        """The content playhead now (seconds into the current item)."""
        with self._lock:
            return self._content_now()

    @property
    def stats(self) -> SessionStats:
        """A snapshot of the :class:`~playhead.SessionStats`, the interval still open included."""
        with self._lock:
            snapshot = attrs.evolve(self._stats)
            snapshot.add_time(self.state, self._clock.monotonic() - self._since)
            return snapshot

    @property
    def tracker(self) -> Tracker:
        """The tracker that made this session (its clock, transport and settings)."""
        tracker: Tracker = self._tracker
        return tracker

    @property
    def content(self) -> tuple[Content, ...]:
        """The declared playlist."""
        return self._list.content

    @property
    def ad_breaks(self) -> tuple[AdBreak, ...]:
        """The declared ad breaks."""
        return self._list.breaks

    @property
    def livestream(self) -> bool:
        return self._list.live

    # ------------------------------------------------------------------ machinery

    def _fire(self, trigger: str, call: str, at: float | None = None) -> bool:
        """Fire ``trigger`` on the rule table (``at``: when it happened, if before now)."""
        old = self.state
        now = self._clock.monotonic() if at is None else at
        self._xy.freeze(now, old == "playing", old == "ad_playing")  # every event: one instant
        self._from = old
        try:
            done = DISPATCH.trigger(self, trigger)
        except MachineError:
            self._ignore(call, f"not valid in state {old!r}")
            return False
        if not done:
            self._ignore(call, f"no rule applies in state {old!r}")
            return False
        new = self.state
        if new != old:
            self._stats.add_time(old, now - self._since)
            self._since = now
            if old in _FRAMES and new not in _FRAMES:
                self._stop_timers()  # frames stopped: no heartbeat or quartile timer
            if old == "idle":  # started: Tracker.close() ends it if it is still open then
                self._tracker._open.add(self._waker())
            if new == "ended":
                self._idle.stop()
                if self._hold.trigger is not None:
                    self._hold.drop()
                self._tracker._open.discard(self._wake)
            elif new in IDLE_STATES and old not in IDLE_STATES:
                if self._idle is NO_IDLE_WATCH:
                    self._idle = IdleWatch(self._tracker.idle_timeout)
                due = self._idle.entered(now)
                if due is not None:
                    self._idle.timer = self._clock.call_at(due, self._waker().idle)
        return True

    def _ignore(self, call: str, reason: str, *, quiet: bool = False) -> None:
        """Count and log an ignored callback: at debug when it is routine (``quiet``)."""
        self._stats.ignored_callbacks += 1
        (log.debug if quiet else log.warning)(
            "callback_ignored",
            call=call,
            state=self.state,
            reason=reason,
            session_id=self.session_id,
        )
        if self._strict:
            raise CallbackError(call, self.state, reason)

    def _failed(self, call: str, exc: Exception) -> None:
        self._stats.ignored_callbacks += 1
        log.error(
            "callback_failed", call=call, state=self.state, session_id=self.session_id, exc_info=exc
        )
        if self._strict:
            raise CallbackError(call, self.state, f"{type(exc).__name__}: {exc}") from exc

    def _checked(self, value: object, call: str) -> float | None:
        """A content position checked against the current item (clamped, or None + logged)."""
        limit = self._list.limit
        position, reason = check_position(value, None if limit == MAX_SECONDS else limit)
        if reason is not None:
            self._ignore(call, reason)
        return position

    def _seeks(self) -> Seek:
        """The session's own seek unit, made at its first seek."""
        if self._seek is NO_SEEK:
            self._seek = Seek()
        return self._seek

    def _in_ad_frame(self) -> bool:
        state = self.state
        return state in AD_STATES or (state == "interrupted" and self._ads.ad is not None)

    def _update_position(self, position: float, call: str) -> None:
        """An explicit position given with pause/waiting/exit: store it in the right frame."""
        if self._ads.ad is not None and self.state in AD_STATES:
            self._set_ad_position(position, call)
            return
        checked = self._checked(position, call)
        if checked is not None:
            self._xy.report(checked, self._clock.monotonic())

    def _set_ad_position(self, position: float, call: str) -> bool:
        checked, reason = check_position(position, self._ads.length)
        if checked is None:
            self._ignore(call, reason or "bad position")
            return False
        self._xy.report_ad(checked, self._clock.monotonic())
        return True

    def _time_update(self, position: float) -> None:
        state = self.state
        if self._in_ad_frame():
            # Players go on reporting the content's time under an ad: routine, not a warning.
            self._ignore("time_update", "the content playhead is frozen during an ad", quiet=True)
            return
        if state == "ended":
            self._ignore("time_update", "the session has ended")
            return
        checked = self._checked(position, "time_update")
        if checked is None:
            return
        if state == "seeking":
            if self._hold.trigger is None:  # after the landing, the landing stands
                self._seek.target = checked
            return
        moved = checked > self._xy.pos
        self._xy.report(checked, self._clock.monotonic())
        if moved and state == "buffering":  # frames advance again, said or not (Snowplow)
            self._fire("frames", "time_update")

    # ------------------------------------------------------------------ held triggers, idle

    def _hold_trigger(self, trigger: str, window: float) -> None:
        """Hold ``trigger`` back for ``window`` seconds: what comes next may change its meaning."""
        now = self._clock.monotonic()
        if self._hold is NO_HOLD:
            self._hold = Hold()
        self._hold.hold(trigger, now, self._clock.now())
        self._hold.start(self._clock, now + window, self._waker().hold)

    def _settle_hold(self, call: str) -> None:
        """A callback arrives while a trigger is held: keep it, drop it, or release it first."""
        verdict = self._hold.settle(call)
        if verdict == "drop":
            self._hold.drop()
        elif verdict == "release":
            self._release_hold()

    def _release_hold(self) -> None:
        """Fire the held trigger as of when it was called: its events carry that time."""
        hold = self._hold
        held = hold.trigger
        if held is None:
            return
        at = hold.at
        if held == "seek_end":
            self._seek.landing = at
        hold.drop()
        self._emit_at = hold.wall
        try:
            self._fire(held, "seeked" if held == "seek_end" else "pause", at)
        finally:
            self._emit_at = None
            if held == "seek_end":
                self._seek.landing = None

    def _on_hold_timeout(self) -> None:
        with self._lock:
            if self._hold.current(self._clock.monotonic()):
                self._hold.timer = None
                self._release_hold()

    def _on_idle_timeout(self) -> None:
        """One idle timer per session, re-armed only while the session stays idle."""
        with self._lock:
            idle = self._idle
            verdict = idle.fired(self._clock.monotonic(), self.state in IDLE_STATES)
            if verdict == 0.0:
                self._fire("idle_out", "idle_timeout")
            elif verdict is not None:
                idle.timer = self._clock.call_at(verdict, self._waker().idle)


class _Deferred:
    """Stands in for the tracker of a session being collected: delivery goes via the clock."""

    __slots__ = ("_clock", "_open", "_tracker", "idle_timeout")

    def __init__(self, tracker: Tracker, clock: Clock) -> None:
        self._tracker = tracker
        self._clock = clock
        self._open = tracker._open
        self.idle_timeout = tracker.idle_timeout

    def _deliver(self, payload: dict[str, Any], session: Session) -> bool:
        tracker = self._tracker

        def deliver() -> None:
            tracker._deliver(payload, session)

        self._clock.call_at(self._clock.monotonic(), deliver)
        return True


def _parameters(name: str) -> tuple[str, ...]:
    signature = inspect.signature(getattr(Session, name))
    return tuple(
        parameter.name
        for parameter in signature.parameters.values()
        if parameter.name != "self" and parameter.kind is not parameter.VAR_KEYWORD
    )


#: Every raw callback of a session, in the order of the API, with its parameters' names
#: (``content_start``, ``ad_break_start`` and ``ad_start`` also take metadata keywords).
RAW_CALLBACKS: dict[str, tuple[str, ...]] = {
    name: _parameters(name)
    for name in (
        "play", "playing", "pause", "time_update", "waiting", "seeking", "seeked", "ended",
        "content_start", "ad_break_start", "ad_start", "ad_time_update", "ad_skipped", "ad_end",
        "ad_break_end", "quality", "volume", "rate_change", "fullscreen", "interrupt", "exit",
    )
}  # fmt: skip
