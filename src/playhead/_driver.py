"""The session's driver: fires triggers on its Playback, sends what they derive, logs refusals.

A :class:`~playhead.session.Session` takes the player's callbacks and checks them; what it
decides goes through its :class:`Driver`, the one place where a session's work meets the
outside world:

- the rule table is run on the :class:`~playhead.playback.Playback` (the model without I/O),
  and the events it derived are built into payloads and delivered through the tracker. The
  driver *is* that Playback (a subclass that adds the I/O): one object per session instead of
  two, for the garbage collector walks every object of a fleet of sessions on each full
  collection. The model's code stays apart, and is run and tested without a driver;
- refused callbacks are logged (``callback_ignored``) and counted, bugs of ours too
  (``callback_failed``); ``strict`` trackers raise :class:`~playhead.CallbackError` instead;
- the session's timers call back here (held weakly, through :class:`~playhead.windows.Wake`):
  heartbeats and quartiles, a held trigger's window (:class:`~playhead.windows.Hold`), the
  idle end (:class:`~playhead.windows.IdleWatch`).

Nothing here calls back into the session: the session drives the driver, the driver drives
the playback and its units.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from playhead._dispatch import DISPATCH
from playhead._logging import get_logger
from playhead.arguments import Refused, accept
from playhead.clock import Clock, Timer
from playhead.errors import CallbackError, ConfigurationError
from playhead.machine import AD_STATES, IDLE_STATES, MachineError
from playhead.payload import Event
from playhead.playback import FRAMES, Playback
from playhead.playlist import Playlist
from playhead.properties import PlaybackProperties
from playhead.windows import NO_HOLD, NO_IDLE_WATCH, NO_TICKER, Hold, IdleWatch, Ticker, Wake

__all__ = ["Driver", "callback"]

log = get_logger("playhead.session")

_Events = list[tuple[str, dict[str, Any]]]
_F = TypeVar("_F", bound=Callable[..., None])
_R = TypeVar("_R")


def callback(method: _F) -> _F:
    """Run a raw callback under the session lock; never let an exception reach the player.

    A callback that refuses (:class:`~playhead.arguments.Refused`) is logged, counted and
    ignored; a bug of ours is logged as ``callback_failed``; only ``strict`` mode raises.
    """
    name = method.__name__

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> None:
        self._driver.guarded(name, method, self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class Driver(Playback):
    """A session's :class:`Playback` that runs its triggers and timers, and sends and logs
    for it (under ``lock``)."""

    __slots__ = (
        "__weakref__",
        "beat",
        "hold",
        "idle",
        "lock",
        "quartiles",
        "tracker",
        "wake",
    )

    def __init__(
        self,
        tracker: Any,
        clock: Clock,
        interval: float,
        session_id: str,
        playlist: Playlist,
        props: PlaybackProperties,
    ) -> None:
        super().__init__(clock, interval, session_id, playlist, props)
        self.tracker = tracker
        self.lock = threading.RLock()
        # Timers most sessions never need are shared empty ones until first used.
        self.beat: Timer | None = None  # the heartbeat: its Timer alone, one object fewer
        self.quartiles = NO_TICKER
        self.hold = NO_HOLD
        self.idle = NO_IDLE_WATCH
        self.wake: Wake | None = None

    def guarded(self, call: str, method: Callable[..., None], /, *args: Any, **kwargs: Any) -> None:
        """Run the raw callback ``call`` under the lock, a held trigger settled first; what it
        refuses is logged and ignored, and no exception reaches the player (unless strict)."""
        try:
            with self.lock:
                try:
                    if self.hold.trigger is not None:
                        self.settle(call)
                    method(*args, **kwargs)
                except Refused as refused:
                    self.ignore(call, refused.reason, quiet=refused.quiet)
                except ConfigurationError as exc:  # metadata of the wrong type
                    self.ignore(call, str(exc))
        except CallbackError:
            raise
        except Exception as exc:  # a bug of ours must not kill the player's thread
            self.failed(call, exc)

    # ------------------------------------------------------------------ triggers and events

    def fire(
        self, trigger: str, call: str, at: float | None = None, wall: float | None = None
    ) -> bool:
        """Fire ``trigger`` and send its events (``at``/``wall``: when it happened, if earlier).

        False (logged as an ignored ``call``) when the rule table has no rule for it now.
        """
        old = self.state
        now = self.clock.monotonic() if at is None else at
        self.fix_playheads(now)  # every event of the trigger: one instant
        self.from_ = old
        try:
            done: bool | None = self.run(DISPATCH.trigger, self, trigger, wall=wall)
        except MachineError:
            done = None
        if not done:
            reason = "not valid" if done is None else "no rule applies"
            self.ignore(call, f"{reason} in state {old!r}")
            return False
        new = self.state
        if self.frames_at is not None or new not in FRAMES:
            self._frames()
        if new != old:
            self.add_time(old, now - self.since)
            self.since = now
            self._windows(old, new, now)
        return True

    def _frames(self) -> None:
        """Frames (re)started: heartbeats from then, quartiles by the clock; or they stopped."""
        started = self.frames_at
        self.frames_at = None
        if started is None:  # only a pending timer needs stopping: most sessions have none
            if self.beat is not None:
                self.beat.cancel()
                self.beat = None
            if self.quartiles.timer is not None:
                self.quartiles.stop()
            return
        if self.interval > 0:
            if self.beat is not None:
                self.beat.cancel()
            self.beat = self.clock.call_at(started + self.interval, self.waker())
        if self.quartiles.timer is not None:
            self.quartiles.stop()  # a new ad after an ad: the old one's quartiles end here
        self._next_quartile(started)

    def _next_quartile(self, now: float) -> None:
        due = self.quartile_due(now)
        if due is not None:
            if self.quartiles is NO_TICKER:
                self.quartiles = Ticker()
            self.quartiles.start(self.clock, due, self.waker().quartile)

    def _windows(self, old: str, new: str, now: float) -> None:
        """What a change of state does to the tracker's open sessions and the idle watch."""
        wake = self.waker()
        if old == "idle":  # started: Tracker.close() ends it if it is still open then
            self.tracker._open.add(wake)
        if new == "ended":
            self.idle.stop()
            if self.hold.trigger is not None:
                self.hold.drop()
            self.tracker._open.discard(wake)
        elif new in IDLE_STATES and old not in IDLE_STATES:
            if self.idle is NO_IDLE_WATCH:
                self.idle = IdleWatch(self.tracker.idle_timeout)
            self.idle.watch(self.clock, now, self.waker().idle)

    def fix_playheads(self, now: float) -> None:
        """Fix the carried-forward playheads at ``now`` (before a transition or a rate reads
        them)."""
        state = self.state
        self.freeze(now, state == "playing", state == "ad_playing")

    def run(self, derive: Callable[..., _R], /, *args: Any, wall: float | None = None) -> _R:
        """``derive(*args)`` (a trigger, a timer's work, a reported ad time), then send the
        events it derived, also when it raised (``wall``: the time they carry, if earlier)."""
        out: _Events = []
        self.out = out
        try:
            return derive(*args)
        finally:
            self.out = None
            self.send(out, wall)

    def send(self, events: _Events, wall: float | None = None) -> None:
        """Build and deliver derived events (``wall``: the time they carry, if earlier)."""
        for event, properties in events:
            self.send_one(event, properties, wall)

    def send_one(self, event: str, properties: dict[str, Any], wall: float | None = None) -> None:
        """Build and deliver one event; counted, and a transport that raised counted too."""
        tracker = self.tracker
        self.events_emitted += 1
        if not tracker._deliver(tracker._factory.build(event, properties, wall), self):
            self.emit_failures += 1

    # ------------------------------------------------------------------ refusals

    def ignore(self, call: str, reason: str, *, quiet: bool = False) -> None:
        """Count and log an ignored callback: at debug when it is routine (``quiet``)."""
        self.ignored_callbacks += 1
        (log.debug if quiet else log.warning)(
            "callback_ignored",
            call=call,
            state=self.state,
            reason=reason,
            session_id=self.session_id,
        )
        if self.tracker.strict:
            raise CallbackError(call, self.state, reason)

    def failed(self, call: str, exc: Exception) -> None:
        """A bug of ours: logged with its traceback and counted, never raised into a player."""
        self.ignored_callbacks += 1
        log.error(
            "callback_failed", call=call, state=self.state, session_id=self.session_id, exc_info=exc
        )
        if self.tracker.strict:
            raise CallbackError(call, self.state, f"{type(exc).__name__}: {exc}") from exc

    # ------------------------------------------------------------------ positions reported

    def checked(self, value: object, call: str) -> float | None:
        """A content position, or None (logged) when it cannot be one: the callback goes on."""
        position, reason = self.check(value)
        if reason is not None:
            self.ignore(call, reason)
        return position

    def report_position(self, position: float, call: str) -> None:
        """An explicit position given with pause/waiting/exit: store it in the right frame."""
        if self.ads.ad is not None and self.state in AD_STATES:
            self.report_ad_position(position, call)
            return
        checked = self.checked(position, call)
        if checked is not None:
            self.report(checked, self.clock.monotonic())

    def report_ad_position(self, position: float, call: str) -> bool:
        """An ad position; False (logged) when it cannot be one."""
        checked, reason = self.check_ad(position)
        if checked is None:
            self.ignore(call, reason or "bad position")
            return False
        self.report_ad(checked, self.clock.monotonic())
        return True

    def time_update(self, position: float) -> None:
        """A time update the session's fast path did not take (not playing, or odd input)."""
        state = self.state
        if self.in_ad_frame():
            # Players go on reporting the content's time under an ad: routine, not a warning.
            self.ignore("time_update", "the content playhead is frozen during an ad", quiet=True)
            return
        if state == "ended":
            raise Refused("the session has ended")
        checked = accept(self.check(position))
        if state == "seeking":
            if self.hold.trigger is None:  # after the landing, the landing stands
                self.seek.target = checked
            return
        moved = checked > self.pos
        self.report(checked, self.clock.monotonic())
        if moved and state == "buffering":  # frames advance again, said or not (Snowplow)
            self.fire("frames", "time_update")

    def frames(self, call: str) -> None:
        """Frames advance: a seek whose landing is held lands with them, from when it landed."""
        hold = self.hold
        if hold.trigger != "seek_end":
            self.fire("frames", call)
            return
        landing = hold.at
        hold.drop()
        self._land(landing, "frames", call)

    def _land(
        self,
        landing: float,
        trigger: str,
        call: str,
        at: float | None = None,
        wall: float | None = None,
    ) -> None:
        """Fire ``trigger`` for a seek that landed at ``landing``: frames, if the seek ends in
        playing, advanced from then."""
        seek = self.seek
        seek.landing = landing
        try:
            self.fire(trigger, call, at, wall)
        finally:
            seek.landing = None

    def request(self, call: str) -> None:
        """Playback was requested (or is implied by frames): startup time counts from now."""
        self.play_at = self.clock.monotonic()
        self.fire("request_play", call)

    def restart(self, call: str) -> None:
        """Playback goes on after the idle end: a new session starts from idle."""
        self.fire("restart", call)
        self.idle.idled = False

    # ------------------------------------------------------------------ held triggers

    def hold_trigger(self, trigger: str, window: float) -> None:
        """Hold ``trigger`` back for ``window`` seconds: what comes next may change its meaning."""
        if self.hold is NO_HOLD:
            self.hold = Hold()
        self.hold.hold_for(trigger, self.clock, window, self.waker().hold)

    def settle(self, call: str) -> None:
        """The raw callback ``call`` arrives while a trigger is held: release it first, keep it
        or drop it, as the hold says."""
        if self.hold.release_before(call):
            self.release()

    def release(self) -> None:
        """Fire the held trigger as of when it was called: its events carry that time."""
        held = self.hold.take()
        if held is None:
            return
        trigger, at, wall = held
        if trigger == "pause":
            self.fire(trigger, "pause", at, wall)
        else:
            self._land(at, trigger, "seeked", at, wall)

    def leave(self) -> None:
        """The viewer is gone (the tracker closes): Exited, as ``Session.exit()`` would."""
        self.guarded("exit", self._leave)

    def _leave(self) -> None:
        if self.state != "ended":
            self.fire("leave", "exit")

    # ------------------------------------------------------------------ timers

    def waker(self) -> Wake:
        """The weak handle the session's timers hold, made when it first needs one."""
        wake = self.wake
        if wake is None:
            wake = self.wake = Wake(self)
        return wake

    def ad_time(self) -> None:
        """The player reported the ad's time: quartiles follow it from now, not the clock."""
        if self.quartiles.timer is not None:
            self.quartiles.stop()
        self.run(self.ad_reported)

    def _on_heartbeat(self) -> None:
        with self.lock:
            # The hot path of 100,000 playing sessions (10,000 a second): Playback.heartbeat()
            # written out, and the Timer that has just run re-armed for the next beat, counted
            # from when this one was due (no drift).
            timer = self.beat
            now = self.clock.monotonic()
            if timer is None or now < timer.due or self.state not in FRAMES:
                return  # a stale firing: the heartbeat was stopped or re-armed meanwhile
            props = self.beat_props(now)
            if props is None:  # more than a content heartbeat (an ad's, dropped frames)
                self.run(self.heartbeat)
            else:
                self.send_one(Event.CONTENT_PLAYING, props)
            self.beat = self.tracker._rearm(timer, timer.due + self.interval, self.wake)

    def _on_quartile(self) -> None:
        with self.lock:
            now = self.clock.monotonic()
            if not self.quartiles.current(now) or self.state != "ad_playing":
                return
            self.quartiles.timer = None
            self.run(self.quartile)
            self._next_quartile(now)

    def _on_hold_timeout(self) -> None:
        with self.lock:
            if self.hold.current(self.clock.monotonic()):
                self.hold.timer = None
                self.release()

    def _on_idle_timeout(self) -> None:
        """One idle timer per session, re-armed only while the session stays idle."""
        with self.lock:
            idle = self.state in IDLE_STATES
            if self.idle.timed_out(self.clock, idle, self.waker().idle):
                self.idle.idled = self.fire("idle_out", "idle_timeout")
