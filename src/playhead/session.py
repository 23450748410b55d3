"""Session: one playback session's raw callbacks, turned into the spec's events.

The session is glue. It checks what the player reports, updates the units of its
:class:`~playhead.playback.Playback` (the model the rule table in :mod:`playhead.machine`
drives), fires a trigger when something changed, and sends the events the trigger derived:
it builds their payloads, delivers them through the tracker, and logs. It also owns the
windows that change what a callback means (:class:`~playhead.windows.Hold`: a held
``seeked()`` or end-of-content pause; :class:`~playhead.windows.IdleWatch`: the idle end).

Every public method is a raw callback from a player. None of them raises into the caller (unless
the tracker is ``strict``): a callback that makes no sense is logged under ``callback_ignored``,
counted in :attr:`Session.stats` and ignored. Callbacks may come from a player thread while
heartbeats fire on the scheduler thread; one lock per session serialises them.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from playhead._dispatch import DISPATCH
from playhead._logging import get_logger
from playhead.ads import ad_metadata_problem
from playhead.arguments import Refused, accept, identifier, quality_readings, volume
from playhead.arguments import length as item_length
from playhead.arguments import rate as playback_rate
from playhead.errors import CallbackError, ConfigurationError
from playhead.machine import AD_STATES, IDLE_STATES, MachineError
from playhead.model import AdBreak, Content
from playhead.payload import message_id
from playhead.playback import FRAMES, Playback
from playhead.positions import seconds
from playhead.properties import check_properties
from playhead.quality import NO_QUALITY, QualityState
from playhead.stats import SessionStats
from playhead.windows import NO_HOLD, NO_IDLE_WATCH, Hold, IdleWatch, Wake

if TYPE_CHECKING:
    from playhead.tracker import Tracker

__all__ = ["RAW_CALLBACKS", "Session"]

log = get_logger("playhead.session")

_F = TypeVar("_F", bound=Callable[..., None])
_Events = list[tuple[str, dict[str, Any]]]

#: A pause this close to the end of the content may be the player's own pause before
#: ``ended()`` (the HTML5 order): it is held this long (seconds) to see whether the end follows.
_END_SLACK = 0.5
_END_HOLD = 1.0


def _callback(method: _F) -> _F:
    """Run a raw callback under the session lock; never let an exception reach the player.

    A callback that refuses (:class:`~playhead.arguments.Refused`) is logged, counted and
    ignored; a bug of ours is logged as ``callback_failed``; only ``strict`` mode raises.
    """
    name = method.__name__

    @functools.wraps(method)
    def wrapper(self: Session, *args: Any, **kwargs: Any) -> None:
        try:
            with self._lock:
                try:
                    if self._hold.trigger is not None and self._hold.release_before(name):
                        self._release_hold()
                    method(self, *args, **kwargs)
                except Refused as refused:
                    self._ignore(name, refused.reason, quiet=refused.quiet)
                except ConfigurationError as exc:  # metadata of the wrong type
                    self._ignore(name, str(exc))
        except CallbackError:
            raise
        except Exception as exc:  # a bug of ours must not kill the player's thread
            self._failed(name, exc)

    return wrapper  # type: ignore[return-value]


class Session:
    """One playback session: a player instance playing one or more items, with their ads.

    Made by :meth:`playhead.Tracker.session`. Feed it the player's raw callbacks; it emits the
    Video Spec's events to the tracker's transport. ``state`` is the current state name,
    ``session_id`` the id on every event, ``stats`` the :class:`~playhead.SessionStats`.

    .. versionadded:: 0.1
    """

    __slots__ = ("__weakref__", "_core", "_hold", "_idle", "_lock", "_tracker")

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
        user = tracker.properties
        if properties is not None:
            user = {**user, **check_properties("properties", properties)}
        self._tracker: Any = tracker
        self._lock = threading.RLock()
        self._core = Playback(
            tracker.clock,
            tracker.heartbeat_interval,
            session_id or message_id(),
            content,
            ad_breaks,
            bool(livestream),
            user,
        )
        # Windows most sessions never open are shared empty ones until first used.
        self._hold = NO_HOLD
        self._idle = NO_IDLE_WATCH

    @property
    def session_id(self) -> str:
        """The id on every event of this session (a new one after an idle end)."""
        return self._core.session_id

    @property
    def state(self) -> str:
        """The current state's name (see :data:`playhead.machine.STATES`)."""
        return self._core.state

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
        core = getattr(self, "_core", None)
        if core is None or core.state in ("idle", "ended") or sys.is_finalizing():
            return
        self._tracker = self._tracker._deferred()
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
            self._restart("play")
        if self._core.state != "idle":
            raise Refused("playback was already requested", quiet=True)
        self._request("play")

    @_callback
    def playing(self, position: float | None = None) -> None:
        """Frames are advancing: the first frame, or after a pause, a stall or a seek."""
        if self._idle.idled:
            self._restart("playing")
        core = self._core
        if core.state == "idle":  # autoplay without play(): the request is implicit
            self._request("playing")
        state = core.state
        if position is not None:
            if core.in_ad_frame():
                self._set_ad_position(position, "playing")
            else:
                checked = self._checked(position, "playing")
                if checked is not None and state == "seeking":
                    core.seek.target = checked
                elif checked is not None:
                    core.xy.pos = checked
        if state in FRAMES:
            raise Refused("frames are already advancing", quiet=True)
        hold = self._hold
        if hold.trigger == "seek_end":  # frames advance from the held landing of the seek
            core.seek.landing = hold.at
            hold.drop()
        try:
            self._fire("frames", "playing")
        finally:
            core.seek.landing = None

    @_callback
    def pause(self, position: float | None = None) -> None:
        """The viewer paused (content or ad)."""
        if position is not None:
            self._update_position(position, "pause")
        core = self._core
        if core.state in ("paused", "ad_paused") or (core.state == "seeking" and core.seek.paused):
            raise Refused("already paused", quiet=True)
        if core.state == "playing" and core.content_now() >= core.xy.limit - _END_SLACK:
            self._hold_trigger("pause", _END_HOLD)  # the HTML5 order at the end: pause, ended
        else:
            self._fire("pause", "pause")

    def time_update(self, position: float) -> None:
        """The content playhead moved (call it at any rate: it costs a few comparisons)."""
        try:
            with self._lock:
                core = self._core
                xy = core.xy
                if (
                    core.state == "playing"
                    and position.__class__ in (float, int)
                    and 0 <= position < xy.limit  # unbounded items: MAX_SECONDS
                ):
                    xy.pos = position
                    xy.pos_at = core.clock.monotonic()
                    return
                try:
                    self._time_update(position)
                except Refused as refused:
                    self._ignore("time_update", refused.reason, quiet=refused.quiet)
        except CallbackError:
            raise
        except Exception as exc:
            self._failed("time_update", exc)

    @_callback
    def waiting(self, position: float | None = None) -> None:
        """Playback stalled for want of data."""
        if position is not None:
            self._update_position(position, "waiting")
        if self._core.state in ("buffering", "ad_buffering"):
            raise Refused("already stalled", quiet=True)
        self._fire("stall", "waiting")

    @_callback
    def seeking(self, to: float, position: float | None = None) -> None:
        """A seek to ``to`` (content seconds) began; ``position`` is where it started from."""
        core = self._core
        target = accept(core.xy.check(to))
        seek = core.seeks()
        state = core.state
        if state in ("playing", "paused", "buffering"):
            origin = None if position is None else self._checked(position, "seeking")
            seek.begin(core.content_now() if origin is None else origin, state == "paused")
        seek.target = target
        if state == "loading":
            core.xy.pos = target  # a bookmark: where the first frame will be
        self._fire("seek_start", "seeking")

    @_callback
    def seeked(self, position: float | None = None) -> None:
        """The seek landed (at ``position``, or at its target when not given)."""
        core = self._core
        checked = None if position is None else self._checked(position, "seeked")
        if checked is not None:
            core.seeks().target = checked
            if core.state == "loading":
                core.xy.pos = checked
        window = self._tracker.seek_join_window
        if core.state == "seeking" and window > 0:
            self._hold_trigger("seek_end", window)  # a scrub's next step may follow
        else:
            self._fire("seek_end", "seeked")

    @_callback
    def ended(self) -> None:
        """The current content item reached its end."""
        core = self._core
        item = core.list.item
        if core.list.started and item is not None and item.total_length:
            core.xy.pos = float(item.total_length)
        self._fire("content_end", "ended")

    @_callback
    def content_start(self, asset_id: str, **metadata: Any) -> None:
        """The next item of a playlist is loading (a declared one, or a new one)."""
        core = self._core
        core.next = core.list.resolve_content(identifier("asset_id", asset_id), metadata)
        self._fire("switch_item", "content_start")

    @_callback
    def ad_break_start(self, pod_id: str, **metadata: Any) -> None:
        """An ad break (pod) begins: a declared one, or one inserted on the fly."""
        core = self._core
        pod_id = identifier("pod_id", pod_id)
        core.next = core.list.resolve_break(pod_id, metadata, core.xy.finished == 0)
        self._fire("break_start", "ad_break_start")

    @_callback
    def ad_start(self, asset_id: str, **metadata: Any) -> None:
        """An ad begins playing (declared in the current break, or inserted dynamically)."""
        problem = ad_metadata_problem(identifier("asset_id", asset_id), metadata)
        if problem is not None:
            raise Refused(problem)
        self._core.next = (asset_id, metadata)
        self._fire("ad_begin", "ad_start")

    @_callback
    def ad_time_update(self, position: float) -> None:
        """The ad playhead moved (seconds into the current ad)."""
        core = self._core
        if core.ads.ad is None or core.state == "ended":
            raise Refused("no ad is playing")
        before = core.xy.ad_pos
        if not self._set_ad_position(position, "ad_time_update"):
            return
        if core.state == "ad_buffering" and core.xy.ad_pos > before:
            self._fire("frames", "ad_time_update")  # the ad's frames advance again
        self._run(core.ad_reported)

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
        values = accept(quality_readings(bitrate, framerate, dropped_frames))
        core = self._core
        if core.state == "ended":
            raise Refused("the session has ended")
        now = core.clock.monotonic()
        if core.quality is NO_QUALITY:
            core.quality = QualityState(core.interval or 10.0)
        if core.quality.update(now, *values) and core.state != "idle":
            self._run(lambda: core.emit_quality(now))

    @_callback
    def volume(self, sound: float) -> None:
        """The volume changed, 0-100 (adapters convert their player's scale)."""
        self._core.props.sound = accept(volume(sound))

    @_callback
    def rate_change(self, rate: float) -> None:
        """The playback rate changed (HTML5 ``ratechange``): 1.0 is normal speed, 2.0 double.

        Between time updates the content playhead advances at this rate, so heartbeats and a
        pause without a position report where the player really is. Stats stay wall time.
        """
        checked = accept(playback_rate(rate))
        core = self._core
        core.freeze(core.clock.monotonic())  # the time so far went at the old rate
        core.xy.rate = checked

    @_callback
    def fullscreen(self, on: bool) -> None:
        """Fullscreen was switched on or off."""
        self._core.props.full_screen = bool(on)

    @_callback
    def interrupt(self, method: str | None = None) -> None:
        """Playback stopped without the viewer asking (a call, device lock, background...)."""
        core = self._core
        core.interrupt_method = str(method) if method is not None else None
        if core.state == "interrupted":
            raise Refused("already interrupted", quiet=True)
        self._fire("interrupt", "interrupt")

    @_callback
    def exit(self, position: float | None = None) -> None:
        """The viewer left. Exited, or Playback Completed when all content was seen."""
        if self._core.state == "ended":
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
        core = self._core
        if core.list.learn_length(accept(item_length(length))):
            core.xy.limit = core.list.limit

    # ------------------------------------------------------------------ public reads

    @property
    def position(self) -> int:
        """The playback-frame playhead now (integer seconds, ads seen included)."""
        with self._lock:
            return seconds(self._core.playback_position())

    @property
    def content_position(self) -> float:
        """The content playhead now (seconds into the current item)."""
        with self._lock:
            return self._core.content_now()

    @property
    def stats(self) -> SessionStats:
        """A snapshot of the :class:`~playhead.SessionStats`, the interval still open included."""
        with self._lock:
            core = self._core
            snapshot = attrs.evolve(core.stats)
            snapshot.add_time(core.state, core.clock.monotonic() - core.since)
            return snapshot

    @property
    def tracker(self) -> Tracker:
        """The tracker that made this session (its clock, transport and settings)."""
        tracker: Tracker = self._tracker
        return tracker

    @property
    def content(self) -> tuple[Content, ...]:
        """The declared playlist."""
        return self._core.list.content

    @property
    def ad_breaks(self) -> tuple[AdBreak, ...]:
        """The declared ad breaks."""
        return self._core.list.breaks

    @property
    def livestream(self) -> bool:
        return self._core.list.live

    # ------------------------------------------------------------------ machinery

    def _fire(
        self, trigger: str, call: str, at: float | None = None, wall: float | None = None
    ) -> bool:
        """Fire ``trigger`` and send its events (``at``/``wall``: when it happened, if earlier)."""
        core = self._core
        old = core.state
        now = core.clock.monotonic() if at is None else at
        core.xy.freeze(now, old == "playing", old == "ad_playing")  # every event: one instant
        core.from_ = old
        if old == "idle":
            self._waker()  # the timers of the frames to come hold it
        out: _Events = []
        core.out = out
        try:
            done = DISPATCH.trigger(core, trigger)
        except MachineError:
            done = None
        finally:
            core.out = None
            self._send(out, wall)
        if not done:
            reason = "not valid" if done is None else "no rule applies"
            self._ignore(call, f"{reason} in state {old!r}")
            return False
        new = core.state
        if new != old:
            core.moved(old, new, now)
            wake = core.wake
            if old == "idle":  # started: Tracker.close() ends it if it is still open then
                self._tracker._open.add(wake)
            if new == "ended":
                self._idle.stop()
                if self._hold.trigger is not None:
                    self._hold.drop()
                self._tracker._open.discard(wake)
            elif new in IDLE_STATES and old not in IDLE_STATES:
                if self._idle is NO_IDLE_WATCH:
                    self._idle = IdleWatch(self._tracker.idle_timeout)
                self._idle.watch(core.clock, now, self._waker().idle)
        return True

    def _run(self, derive: Callable[[], None]) -> None:
        """Derive events outside a trigger (a timer, a reported ad time) and send them."""
        core = self._core
        out: _Events = []
        core.out = out
        try:
            derive()
        finally:
            core.out = None
            self._send(out)

    def _send(self, events: _Events, wall: float | None = None) -> None:
        """Build and deliver the events a trigger derived (``wall``: their time, if earlier)."""
        if not events:
            return
        tracker = self._tracker
        factory = tracker._factory
        stats = self._core.stats
        for event, properties in events:
            stats.events_emitted += 1
            if not tracker._deliver(factory.build(event, properties, wall), self):
                stats.emit_failures += 1

    def _ignore(self, call: str, reason: str, *, quiet: bool = False) -> None:
        """Count and log an ignored callback: at debug when it is routine (``quiet``)."""
        core = self._core
        core.stats.ignored_callbacks += 1
        (log.debug if quiet else log.warning)(
            "callback_ignored",
            call=call,
            state=core.state,
            reason=reason,
            session_id=core.session_id,
        )
        if self._tracker.strict:
            raise CallbackError(call, core.state, reason)

    def _failed(self, call: str, exc: Exception) -> None:
        core = self._core
        core.stats.ignored_callbacks += 1
        log.error(
            "callback_failed", call=call, state=core.state, session_id=core.session_id, exc_info=exc
        )
        if self._tracker.strict:
            raise CallbackError(call, core.state, f"{type(exc).__name__}: {exc}") from exc

    def _checked(self, value: object, call: str) -> float | None:
        """A content position, or None (logged) when it cannot be one: the callback goes on."""
        position, reason = self._core.xy.check(value)
        if reason is not None:
            self._ignore(call, reason)
        return position

    def _update_position(self, position: float, call: str) -> None:
        """An explicit position given with pause/waiting/exit: store it in the right frame."""
        core = self._core
        if core.ads.ad is not None and core.state in AD_STATES:
            self._set_ad_position(position, call)
            return
        checked = self._checked(position, call)
        if checked is not None:
            core.xy.report(checked, core.clock.monotonic())

    def _set_ad_position(self, position: float, call: str) -> bool:
        xy = self._core.xy
        checked, reason = xy.check_ad(position)
        if checked is None:
            self._ignore(call, reason or "bad position")
            return False
        xy.report_ad(checked, self._core.clock.monotonic())
        return True

    def _time_update(self, position: float) -> None:
        core = self._core
        state = core.state
        if core.in_ad_frame():
            # Players go on reporting the content's time under an ad: routine, not a warning.
            raise Refused("the content playhead is frozen during an ad", quiet=True)
        if state == "ended":
            raise Refused("the session has ended")
        checked = accept(core.xy.check(position))
        if state == "seeking":
            if self._hold.trigger is None:  # after the landing, the landing stands
                core.seek.target = checked
            return
        moved = checked > core.xy.pos
        core.xy.report(checked, core.clock.monotonic())
        if moved and state == "buffering":  # frames advance again, said or not (Snowplow)
            self._fire("frames", "time_update")

    def _request(self, call: str) -> None:
        self._core.play_at = self._core.clock.monotonic()
        self._fire("request_play", call)

    def _restart(self, call: str) -> None:
        """Playback goes on after the idle end: a new session starts from idle."""
        self._fire("restart", call)
        self._idle.idled = False

    # ------------------------------------------------------------------ timers and windows

    def _waker(self) -> Wake:
        """The weak handle the session's timers hold, made when it first needs one."""
        core = self._core
        if core.wake is None:
            core.wake = Wake(self)
        return core.wake

    def _on_heartbeat(self) -> None:
        with self._lock:
            self._run(self._core.heartbeat)

    def _on_quartile(self) -> None:
        with self._lock:
            self._run(self._core.quartile)

    def _hold_trigger(self, trigger: str, window: float) -> None:
        """Hold ``trigger`` back for ``window`` seconds: what comes next may change its meaning."""
        if self._hold is NO_HOLD:
            self._hold = Hold()
        self._hold.hold_for(trigger, self._core.clock, window, self._waker().hold)

    def _release_hold(self) -> None:
        """Fire the held trigger as of when it was called: its events carry that time."""
        held = self._hold.take()
        if held is None:
            return
        trigger, at, wall = held
        if trigger == "pause":
            self._fire(trigger, "pause", at, wall)
            return
        seek = self._core.seek
        seek.landing = at  # frames (if it lands in playing) advanced from then
        try:
            self._fire(trigger, "seeked", at, wall)
        finally:
            seek.landing = None

    def _on_hold_timeout(self) -> None:
        with self._lock:
            if self._hold.current(self._core.clock.monotonic()):
                self._hold.timer = None
                self._release_hold()

    def _on_idle_timeout(self) -> None:
        """One idle timer per session, re-armed only while the session stays idle."""
        with self._lock:
            core = self._core
            idle = core.state in IDLE_STATES
            if self._idle.timed_out(core.clock, idle, self._waker().idle):
                self._idle.idled = self._fire("idle_out", "idle_timeout")


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
