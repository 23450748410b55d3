"""Session: one playback session's raw callbacks, turned into the spec's events.

The session is glue. It checks what the player reports, updates the units of its
:class:`~playhead.playback.Playback` (the model the rule table in :mod:`playhead.machine`
drives) and has its :class:`~playhead._driver.Driver` fire the trigger, send the events the
trigger derived and log what was refused.

Every public method is a raw callback from a player. None of them raises into the caller (unless
the tracker is ``strict``): a callback that makes no sense is logged under ``callback_ignored``,
counted in :attr:`Session.stats` and ignored. Callbacks may come from a player thread while
heartbeats fire on the scheduler thread; one lock per session serialises them.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from playhead._driver import Driver, callback
from playhead.ads import ad_metadata_problem
from playhead.arguments import Refused, accept, identifier, quality_readings, volume
from playhead.arguments import length as item_length
from playhead.arguments import rate as playback_rate
from playhead.errors import CallbackError, ConfigurationError
from playhead.model import AdBreak, Content
from playhead.payload import message_id
from playhead.playback import FRAMES
from playhead.playlist import Playlist
from playhead.positions import seconds
from playhead.properties import PlaybackProperties, check_properties
from playhead.quality import NO_QUALITY, QualityState
from playhead.stats import SessionStats

if TYPE_CHECKING:
    from playhead.tracker import Tracker

__all__ = ["Session"]

#: A pause this close to the end of the content may be the player's own pause before
#: ``ended()`` (the HTML5 order): it is held this long (seconds) to see whether the end follows.
_END_SLACK = 0.5
_END_HOLD = 1.0


class Session:
    """One playback session: a player instance playing one or more items, with their ads.

    Made by :meth:`playhead.Tracker.session`. Feed it the player's raw callbacks; it emits the
    Video Spec's events to the tracker's transport. ``state`` is the current state name,
    ``session_id`` the id on every event, ``stats`` the :class:`~playhead.SessionStats`.

    .. versionadded:: 0.1
    """

    __slots__ = ("__weakref__", "_driver")

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
        playlist = Playlist(content, ad_breaks, bool(livestream))
        if properties is None:
            props = tracker._shared_props[playlist.live]
        else:
            user = {**tracker.properties, **check_properties("properties", properties)}
            props = PlaybackProperties(user, playlist.live)
        sid = session_id or message_id()
        # One object: the driver is the session's Playback (the model) with its I/O on top.
        self._driver = Driver(
            tracker, tracker.clock, tracker.heartbeat_interval, sid, playlist, props
        )

    @property
    def session_id(self) -> str:
        """The id on every event of this session (a new one after an idle end)."""
        return self._driver.session_id

    @property
    def state(self) -> str:
        """The current state's name (see :data:`playhead.machine.STATES`)."""
        return self._driver.state

    def __repr__(self) -> str:
        return f"<Session {self.session_id} state={self.state}>"

    def __del__(self) -> None:
        """Dropped without ``exit()``: the viewer is gone, so the session ends with Exited.

        Timers hold a session's driver weakly, so a session the application dropped is collected
        (instead of sending heartbeats forever). The events are built now and delivered through
        the clock: the garbage collector may run this inside any code, a transport's lock too.
        """
        driver = getattr(self, "_driver", None)
        if driver is None or driver.state in ("idle", "ended") or sys.is_finalizing():
            return
        driver.tracker = driver.tracker._deferred()
        with contextlib.suppress(CallbackError):  # strict mode: a finaliser may not raise
            self.exit()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Leaving the ``with`` block is the viewer leaving: Exited, unless it completed."""
        self.exit()

    # ------------------------------------------------------------------ raw callbacks

    @callback
    def play(self) -> None:
        """Playback was requested (the viewer pressed play, or autoplay began)."""
        if self._driver.idle.idled:
            self._driver.restart("play")
        if self._driver.state != "idle":
            raise Refused("playback was already requested", quiet=True)
        self._driver.request("play")

    @callback
    def playing(self, position: float | None = None) -> None:
        """Frames are advancing: the first frame, or after a pause, a stall or a seek."""
        if self._driver.idle.idled:
            self._driver.restart("playing")
        core = self._driver
        if core.state == "idle":  # autoplay without play(): the request is implicit
            self._driver.request("playing")
        state = core.state
        if position is not None:
            if core.in_ad_frame():
                self._driver.report_ad_position(position, "playing")
            else:
                checked = self._driver.checked(position, "playing")
                if checked is not None and state == "seeking":
                    core.seek.target = checked
                elif checked is not None:
                    core.pos = checked
        if state in FRAMES:  # routine (players repeat it): ignored without an exception
            self._driver.ignore("playing", "frames are already advancing", quiet=True)
            return
        self._driver.frames("playing")

    @callback
    def pause(self, position: float | None = None) -> None:
        """The viewer paused (content or ad)."""
        if position is not None:
            self._driver.report_position(position, "pause")
        core = self._driver
        if core.state in ("paused", "ad_paused") or (core.state == "seeking" and core.seek.paused):
            raise Refused("already paused", quiet=True)
        if core.state == "playing" and core.content_now() >= core.limit - _END_SLACK:
            self._driver.hold_trigger(
                "pause", _END_HOLD
            )  # the HTML5 order at the end: pause, ended
        else:
            self._driver.fire("pause", "pause")

    def time_update(self, position: float) -> None:
        """The content playhead moved (call it at any rate: it costs a few comparisons)."""
        try:
            with self._driver.lock:
                core = self._driver
                if (
                    core.state == "playing"
                    and position.__class__ in (float, int)
                    and 0 <= position < core.limit  # unbounded items: MAX_SECONDS
                ):
                    core.pos = position
                    core.pos_at = core.clock.monotonic()
                    return
                try:
                    self._driver.time_update(position)
                except Refused as refused:
                    self._driver.ignore("time_update", refused.reason, quiet=refused.quiet)
        except CallbackError:
            raise
        except Exception as exc:
            self._driver.failed("time_update", exc)

    @callback
    def waiting(self, position: float | None = None) -> None:
        """Playback stalled for want of data."""
        if position is not None:
            self._driver.report_position(position, "waiting")
        if self._driver.state in ("buffering", "ad_buffering"):
            raise Refused("already stalled", quiet=True)
        self._driver.fire("stall", "waiting")

    @callback
    def seeking(self, to: float, position: float | None = None) -> None:
        """A seek to ``to`` (content seconds) began; ``position`` is where it started from."""
        core = self._driver
        target = accept(core.check(to))
        seek = core.seeks()
        state = core.state
        if state in ("playing", "paused", "buffering"):
            origin = None if position is None else self._driver.checked(position, "seeking")
            seek.begin(core.content_now() if origin is None else origin, state == "paused")
        seek.target = target
        if state == "loading":
            core.pos = target  # a bookmark: where the first frame will be
        self._driver.fire("seek_start", "seeking")

    @callback
    def seeked(self, position: float | None = None) -> None:
        """The seek landed (at ``position``, or at its target when not given)."""
        core = self._driver
        checked = None if position is None else self._driver.checked(position, "seeked")
        if checked is not None:
            core.seeks().target = checked
            if core.state == "loading":
                core.pos = checked
        window = self._driver.tracker.seek_join_window
        if core.state == "seeking" and window > 0:
            self._driver.hold_trigger("seek_end", window)  # a scrub's next step may follow
        else:
            self._driver.fire("seek_end", "seeked")

    @callback
    def ended(self) -> None:
        """The current content item reached its end."""
        core = self._driver
        item = core.list.item
        if core.list.started and item is not None and item.total_length:
            core.pos = float(item.total_length)
        self._driver.fire("content_end", "ended")

    @callback
    def content_start(self, asset_id: str, **metadata: Any) -> None:
        """The next item of a playlist is loading (a declared one, or a new one)."""
        core = self._driver
        core.next = core.list.resolve_content(identifier("asset_id", asset_id), metadata)
        self._driver.fire("switch_item", "content_start")

    @callback
    def ad_break_start(self, pod_id: str, **metadata: Any) -> None:
        """An ad break (pod) begins: a declared one, or one inserted on the fly."""
        core = self._driver
        pod_id = identifier("pod_id", pod_id)
        core.next = core.list.resolve_break(pod_id, metadata, core.finished == 0)
        self._driver.fire("break_start", "ad_break_start")

    @callback
    def ad_start(self, asset_id: str, **metadata: Any) -> None:
        """An ad begins playing (declared in the current break, or inserted dynamically)."""
        problem = ad_metadata_problem(identifier("asset_id", asset_id), metadata)
        if problem is not None:
            raise Refused(problem)
        self._driver.next = (asset_id, metadata)
        self._driver.fire("ad_begin", "ad_start")

    @callback
    def ad_time_update(self, position: float) -> None:
        """The ad playhead moved (seconds into the current ad)."""
        core = self._driver
        if core.ads.ad is None or core.state == "ended":
            raise Refused("no ad is playing")
        before = core.ad_pos
        if not self._driver.report_ad_position(position, "ad_time_update"):
            return
        if core.state == "ad_buffering" and core.ad_pos > before:
            self._driver.fire("frames", "ad_time_update")  # the ad's frames advance again
        self._driver.ad_time()

    @callback
    def ad_skipped(self) -> None:
        """The viewer skipped the current ad: no further quartiles, no Ad Completed."""
        self._driver.fire("ad_skip", "ad_skipped")

    @callback
    def ad_end(self) -> None:
        """The current ad played to its end."""
        self._driver.fire("ad_finish", "ad_end")

    @callback
    def ad_break_end(self) -> None:
        """The ad break is over; content resumes when its frames advance."""
        self._driver.fire("break_end", "ad_break_end")

    @callback
    def quality(
        self,
        bitrate: float | None = None,
        framerate: float | None = None,
        dropped_frames: float | None = None,
    ) -> None:
        """Bitrate (kbps), framerate (fps) or the dropped-frames counter changed."""
        values = accept(quality_readings(bitrate, framerate, dropped_frames))
        core = self._driver
        if core.state == "ended":
            raise Refused("the session has ended")
        now = core.clock.monotonic()
        if core.quality is NO_QUALITY:
            core.quality = QualityState(core.interval or 10.0)
        if core.quality.update(now, *values) and core.state != "idle":
            self._driver.run(lambda: core.emit_quality(now))

    @callback
    def volume(self, sound: float) -> None:
        """The volume changed, 0-100 (adapters convert their player's scale)."""
        sound = accept(volume(sound))
        core = self._driver
        core.props = core.props.own()
        core.props.sound = sound

    @callback
    def rate_change(self, rate: float) -> None:
        """The playback rate changed (HTML5 ``ratechange``): 1.0 is normal speed, 2.0 double.

        Between time updates the content playhead advances at this rate, so heartbeats and a
        pause without a position report where the player really is. Stats stay wall time.
        """
        checked = accept(playback_rate(rate))
        core = self._driver
        self._driver.fix_playheads(core.clock.monotonic())  # the time so far went at the old rate
        core.rate = checked

    @callback
    def fullscreen(self, on: bool) -> None:
        """Fullscreen was switched on or off."""
        core = self._driver
        core.props = core.props.own()
        core.props.full_screen = bool(on)

    @callback
    def interrupt(self, method: str | None = None) -> None:
        """Playback stopped without the viewer asking (a call, device lock, background...)."""
        core = self._driver
        core.interrupt_method = str(method) if method is not None else None
        if core.state == "interrupted":
            raise Refused("already interrupted", quiet=True)
        self._driver.fire("interrupt", "interrupt")

    @callback
    def exit(self, position: float | None = None) -> None:
        """The viewer left. Exited, or Playback Completed when all content was seen."""
        if self._driver.state == "ended":
            return  # closing the player after the session completed: the normal ending
        if position is not None:
            self._driver.report_position(position, "exit")
        self._driver.fire("leave", "exit")

    @callback
    def duration_change(self, length: float) -> None:
        """The player learnt the current item's length (HTML5 ``durationchange``).

        Fills the item's ``total_length`` when the application declared none, so an adapter
        can take it from the player. A declared length wins; a livestream has none.

        .. versionadded:: 0.2
        """
        core = self._driver
        if core.list.learn_length(accept(item_length(length))):
            core.limit = core.list.limit

    # ------------------------------------------------------------------ public reads

    @property
    def position(self) -> int:
        """The playback-frame playhead now (integer seconds, ads seen included)."""
        with self._driver.lock:
            return seconds(self._driver.playback_position())

    @property
    def content_position(self) -> float:
        """The content playhead now (seconds into the current item)."""
        with self._driver.lock:
            return self._driver.content_now()

    @property
    def stats(self) -> SessionStats:
        """A snapshot of the :class:`~playhead.SessionStats`, the interval still open included."""
        with self._driver.lock:
            core = self._driver
            snapshot = core.counted()
            snapshot.add_time(core.state, core.clock.monotonic() - core.since)
            return snapshot

    @property
    def tracker(self) -> Tracker:
        """The tracker that made this session (its clock, transport and settings)."""
        tracker: Tracker = self._driver.tracker
        return tracker

    @property
    def content(self) -> tuple[Content, ...]:
        """The declared playlist."""
        return self._driver.list.content

    @property
    def ad_breaks(self) -> tuple[AdBreak, ...]:
        """The declared ad breaks."""
        return self._driver.list.breaks

    @property
    def livestream(self) -> bool:
        return self._driver.list.live
