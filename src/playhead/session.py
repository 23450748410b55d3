"""Session: one playback session's raw callbacks, turned into the spec's events.

The session is glue. It checks what the player reports, keeps the playhead in the spec's three
frames (playback, content, ad), and fires a trigger on the shared rule table in
:mod:`playhead.machine` only when something changed. The small units it drives live in their own
modules: :mod:`~playhead.quartiles`, :mod:`~playhead.quality`, :mod:`~playhead.positions`,
:mod:`~playhead.stats`, :mod:`~playhead.payload`.

Every public method is a raw callback from a player. None of them raises into the caller (unless
the tracker is ``strict``): a callback that makes no sense is logged under ``callback_ignored``,
counted in :attr:`Session.stats` and ignored. Callbacks may come from a player thread while
heartbeats fire on the scheduler thread; one lock per session serialises them.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import math
import sys
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from playhead._dispatch import DISPATCH
from playhead._logging import get_logger
from playhead.clock import call_again
from playhead.errors import CallbackError, ConfigurationError
from playhead.machine import AD_STATES, MachineError
from playhead.model import Ad, AdBreak, AdType, Content
from playhead.payload import Event, message_id
from playhead.positions import check_position, seconds
from playhead.quality import QualityState
from playhead.quartiles import Quartiles
from playhead.stats import SessionStats

if TYPE_CHECKING:
    from playhead.clock import Clock, Timer
    from playhead.tracker import Tracker

__all__ = ["RAW_CALLBACKS", "Session"]

log = get_logger("playhead.session")

_F = TypeVar("_F", bound=Callable[..., None])

_FRAMES = ("playing", "ad_playing")


def _callback(method: _F) -> _F:
    """Run a raw callback under the session lock; never let an exception reach the player."""
    name = method.__name__

    @functools.wraps(method)
    def wrapper(self: Session, *args: Any, **kwargs: Any) -> None:
        try:
            with self._lock:
                method(self, *args, **kwargs)
        except CallbackError:
            raise
        except Exception as exc:  # a bug of ours must not kill the player's thread
            self._failed(name, exc)

    return wrapper  # type: ignore[return-value]


def _as_items(values: Iterable[Any], kind: type[Any]) -> tuple[Any, ...]:
    items = []
    for value in values:
        if isinstance(value, Mapping):
            value = kind.from_dict(value)
        if not isinstance(value, kind):
            raise ConfigurationError(f"expected {kind.__name__} objects, got {value!r}")
        items.append(value)
    return tuple(items)


class Session:
    """One playback session: a player instance playing one or more items, with their ads.

    Made by :meth:`playhead.Tracker.session`. Feed it the player's raw callbacks; it emits the
    Video Spec's events to the tracker's transport. ``state`` is the current state name,
    ``session_id`` the id on every event, ``stats`` the :class:`~playhead.SessionStats`.

    .. versionadded:: 0.1
    """

    __slots__ = (
        "__weakref__",
        "_ad",
        "_ad_at",
        "_ad_pod_length",
        "_ad_pod_position",
        "_ad_pos",
        "_ad_props",
        "_ad_reported",
        "_ads_in_break",
        "_ads_seen",
        "_break",
        "_breaks",
        "_clock",
        "_content",
        "_content_done",
        "_defaults",
        "_factory",
        "_finished",
        "_first_frame",
        "_from",
        "_full_screen",
        "_hb_timer",
        "_index",
        "_interrupt_method",
        "_interval",
        "_item",
        "_item_limit",
        "_item_props",
        "_item_started",
        "_live",
        "_lock",
        "_next",
        "_pending",
        "_play_at",
        "_played_breaks",
        "_pos",
        "_pos_at",
        "_q_timer",
        "_quality",
        "_quartiles",
        "_seek_from_paused",
        "_seek_origin",
        "_seek_target",
        "_since",
        "_sound",
        "_startup_reported",
        "_strict",
        "_total",
        "_tracker",
        "_wake",
        "session_id",
        "state",
        "stats",
    )

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
        self._lock = threading.RLock()
        self.session_id = session_id or message_id()
        self.state = "idle"
        self.stats = SessionStats()
        self._live = bool(livestream)
        self._content: tuple[Content, ...] = _as_items(content, Content)
        self._breaks: tuple[AdBreak, ...] = _as_items(ad_breaks, AdBreak)
        defaults: dict[str, Any] = {"session_id": self.session_id}
        defaults.update(tracker.properties)
        if properties:
            defaults.update(properties)
        defaults["livestream"] = self._live
        self._defaults = defaults
        self._total = self._declared_total()
        self._index = 0
        self._item: Content | None = None
        self._item_props: dict[str, Any] = {}
        self._item_limit = math.inf
        self._item_started = False
        self._content_done = False
        if self._content:
            self._select(self._content[0], 0)
        self._pos = 0.0
        self._pos_at = 0.0
        self._finished = 0.0
        self._ads_seen = 0.0
        self._break: AdBreak | None = None
        self._played_breaks: set[str] = set()
        self._ads_in_break = 0
        self._ad: Ad | None = None
        self._ad_props: dict[str, Any] = {}
        self._ad_pos = 0.0
        self._ad_at = 0.0
        self._ad_pod_position = 0
        self._ad_pod_length: int | None = None
        self._ad_reported = False
        self._quartiles = Quartiles(None)
        self._seek_origin = 0.0
        self._seek_target = 0.0
        self._seek_from_paused = False
        self._pending: list[str] = []
        self._play_at = 0.0
        self._first_frame = False
        self._startup_reported = False
        self._quality = QualityState(self._interval or 10.0)
        self._sound: int | None = None
        self._full_screen: bool | None = None
        self._interrupt_method: str | None = None
        self._next: Any = None
        self._from = "idle"
        self._since = self._clock.monotonic()
        self._hb_timer: Timer | None = None
        self._q_timer: Timer | None = None
        self._wake: _Wake | None = None

    def __repr__(self) -> str:
        return f"<Session {self.session_id} state={self.state}>"

    def __del__(self) -> None:
        """Dropped without ``exit()``: the viewer is gone, so the session ends with Exited.

        The scheduler holds sessions weakly (``_Wake``), so a playing session the application
        dropped is collected here instead of sending heartbeats forever. The events are built
        now, with the session's last playhead, and delivered through the clock (on the
        scheduler thread): the garbage collector may run this inside any code, a transport's
        lock included.
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
        if self.state != "idle":
            self._ignore("play", "playback was already requested", duplicate=True)
            return
        self._play_at = self._clock.monotonic()
        self._fire("request_play", "play")

    @_callback
    def playing(self, position: float | None = None) -> None:
        """Frames are advancing: the first frame, or after a pause, a stall or a seek."""
        state = self.state
        if state == "idle":  # autoplay without play(): the request is implicit
            self._play_at = self._clock.monotonic()
            self._fire("request_play", "playing")
            state = self.state
        if position is not None:
            if state in AD_STATES or (state == "interrupted" and self._ad is not None):
                self._set_ad_position(position, "playing")
            else:
                checked = self._checked(position, "playing")
                if checked is not None:
                    if state == "seeking":
                        self._seek_target = checked
                    else:
                        self._pos = checked
        if state in _FRAMES:
            self._ignore("playing", "frames are already advancing", duplicate=True)
            return
        self._fire("frames", "playing")

    @_callback
    def pause(self, position: float | None = None) -> None:
        """The viewer paused (content or ad)."""
        if position is not None:
            self._update_position(position, "pause")
        if self.state in ("paused", "ad_paused") or (
            self.state == "seeking" and self._seek_from_paused
        ):
            self._ignore("pause", "already paused", duplicate=True)
            return
        self._fire("pause", "pause")

    def time_update(self, position: float) -> None:
        """The content playhead moved (call it at any rate: it costs a few comparisons)."""
        try:
            with self._lock:
                if (
                    self.state == "playing"
                    and position.__class__ in (float, int)
                    and 0 <= position < self._item_limit  # never inf, even when unbounded
                ):
                    self._pos = position
                    self._pos_at = self._clock.monotonic()
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
            self._ignore("waiting", "already stalled", duplicate=True)
            return
        self._fire("stall", "waiting")

    @_callback
    def seeking(self, to: float, position: float | None = None) -> None:
        """A seek to ``to`` (content seconds) began; ``position`` is where it started from."""
        target = self._checked(to, "seeking")
        if target is None:
            return
        state = self.state
        if state in ("playing", "paused", "buffering"):
            origin = self._content_now()
            if position is not None:
                checked = self._checked(position, "seeking")
                if checked is not None:
                    origin = checked
            self._seek_origin = origin
            self._seek_from_paused = state == "paused"
        self._seek_target = target
        if state == "loading":
            self._pos = target  # a bookmark: where the first frame will be
        self._fire("seek_start", "seeking")

    @_callback
    def seeked(self, position: float | None = None) -> None:
        """The seek landed (at ``position``, or at its target when not given)."""
        if position is not None:
            checked = self._checked(position, "seeked")
            if checked is not None:
                self._seek_target = checked
                if self.state == "loading":
                    self._pos = checked
        self._fire("seek_end", "seeked")

    @_callback
    def ended(self) -> None:
        """The current content item reached its end."""
        if self._item_started and self._item is not None and self._item.total_length:
            self._pos = float(self._item.total_length)
        self._fire("content_end", "ended")

    @_callback
    def content_start(self, asset_id: str, **metadata: Any) -> None:
        """The next item of a playlist is loading (a declared one, or a new one)."""
        if not isinstance(asset_id, str) or not asset_id:
            self._ignore("content_start", f"asset_id must be a non-empty string: {asset_id!r}")
            return
        self._next = self._resolve_content(asset_id, metadata)
        self._fire("switch_item", "content_start")

    @_callback
    def ad_break_start(self, pod_id: str, **metadata: Any) -> None:
        """An ad break (pod) begins: a declared one, or one inserted on the fly."""
        if not isinstance(pod_id, str) or not pod_id:
            self._ignore("ad_break_start", f"pod_id must be a non-empty string: {pod_id!r}")
            return
        self._next = self._resolve_break(pod_id, metadata)
        self._fire("break_start", "ad_break_start")

    @_callback
    def ad_start(self, asset_id: str, **metadata: Any) -> None:
        """An ad begins playing (declared in the current break, or inserted dynamically)."""
        if not isinstance(asset_id, str) or not asset_id:
            self._ignore("ad_start", f"asset_id must be a non-empty string: {asset_id!r}")
            return
        self._next = (asset_id, metadata)
        self._fire("ad_begin", "ad_start")

    @_callback
    def ad_time_update(self, position: float) -> None:
        """The ad playhead moved (seconds into the current ad)."""
        if self._ad is None or self.state == "ended":
            self._ignore("ad_time_update", "no ad is playing")
            return
        if not self._set_ad_position(position, "ad_time_update"):
            return
        if not self._ad_reported:
            self._ad_reported = True  # the player reports ad time: quartiles follow it
            self._cancel_quartile_timer()
        self._emit_quartiles(self._quartiles.crossed(self._ad_pos))

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
        values: list[int | None] = []
        for name, value in (
            ("bitrate", bitrate),
            ("framerate", framerate),
            ("dropped_frames", dropped_frames),
        ):
            if value is None:
                values.append(None)
                continue
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not math.isfinite(value)
                or value < 0
            ):
                self._ignore("quality", f"{name} must be a number >= 0, got {value!r}")
                return
            values.append(int(value))
        if self.state == "ended":
            self._ignore("quality", "the session has ended")
            return
        now = self._clock.monotonic()
        if self._quality.update(now, values[0], values[1], values[2]) and self.state != "idle":
            self._emit_quality(now)

    @_callback
    def volume(self, sound: float) -> None:
        """The volume changed, 0-100 (adapters convert their player's scale)."""
        if (
            isinstance(sound, bool)
            or not isinstance(sound, (int, float))
            or not math.isfinite(sound)
            or not 0 <= sound <= 100
        ):
            self._ignore("volume", f"sound must be a number from 0 to 100, got {sound!r}")
            return
        self._sound = round(sound)

    @_callback
    def fullscreen(self, on: bool) -> None:
        """Fullscreen was switched on or off."""
        self._full_screen = bool(on)

    @_callback
    def interrupt(self, method: str | None = None) -> None:
        """Playback stopped without the viewer asking (a call, device lock, background...)."""
        self._interrupt_method = str(method) if method is not None else None
        if self.state == "interrupted":
            self._ignore("interrupt", "already interrupted", duplicate=True)
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
    def tracker(self) -> Tracker:
        """The tracker that made this session (its clock, transport and settings)."""
        return self._tracker

    @property
    def content(self) -> tuple[Content, ...]:
        """The declared playlist."""
        return self._content

    @property
    def ad_breaks(self) -> tuple[AdBreak, ...]:
        """The declared ad breaks."""
        return self._breaks

    @property
    def livestream(self) -> bool:
        return self._live

    # ------------------------------------------------------------------ machinery

    def _fire(self, trigger: str, call: str) -> bool:
        old = self.state
        now = self._clock.monotonic()
        self._freeze(now)
        self._from = old
        try:
            done = DISPATCH.trigger(self, trigger)
        except MachineError:
            self._ignore(call, f"not valid in state {old!r}")
            return False
        if not done:
            self._ignore(call, f"no rule applies in state {old!r}")
            return False
        if self.state != old:
            self.stats.add_time(old, now - self._since)
            self._since = now
            if old in _FRAMES and self.state not in _FRAMES:
                self._stop_timers()  # frames stopped: no heartbeat or quartile timer
        return True

    def _ignore(self, call: str, reason: str, *, duplicate: bool = False) -> None:
        self.stats.ignored_callbacks += 1
        (log.debug if duplicate else log.warning)(
            "callback_ignored",
            call=call,
            state=self.state,
            reason=reason,
            session_id=self.session_id,
        )
        if self._strict:
            raise CallbackError(call, self.state, reason)

    def _failed(self, call: str, exc: Exception) -> None:
        self.stats.ignored_callbacks += 1
        log.error(
            "callback_failed", call=call, state=self.state, session_id=self.session_id, exc_info=exc
        )
        if self._strict:
            raise CallbackError(call, self.state, f"{type(exc).__name__}: {exc}") from exc

    def _checked(self, value: object, call: str) -> float | None:
        """A content position checked against the current item (clamped, or None + logged)."""
        limit = None if self._item_limit == math.inf else self._item_limit
        position, reason = check_position(value, limit)
        if reason is not None:
            self._ignore(call, reason)
        return position

    def _update_position(self, position: float, call: str) -> None:
        """An explicit position given with pause/waiting/exit: store it in the right frame."""
        if self._ad is not None and self.state in AD_STATES:
            self._set_ad_position(position, call)
            return
        checked = self._checked(position, call)
        if checked is not None:
            self._pos = checked
            self._pos_at = self._clock.monotonic()

    def _set_ad_position(self, position: float, call: str) -> bool:
        length = self._ad.total_length if self._ad is not None else None
        checked, reason = check_position(position, length)
        if checked is None:
            self._ignore(call, reason or "bad position")
            return False
        self._ad_pos = checked
        self._ad_at = self._clock.monotonic()
        return True

    def _time_update(self, position: float) -> None:
        state = self.state
        if state in AD_STATES or (state == "interrupted" and self._ad is not None):
            self._ignore("time_update", "the content playhead is frozen during an ad")
            return
        if state == "ended":
            self._ignore("time_update", "the session has ended")
            return
        checked = self._checked(position, "time_update")
        if checked is None:
            return
        if state == "seeking":
            self._seek_target = checked
            return
        self._pos = checked
        self._pos_at = self._clock.monotonic()

    def _freeze(self, now: float) -> None:
        """Fix the extrapolated playheads before a transition reads them."""
        if self.state == "playing":
            self._pos = self._content_now(now)
            self._pos_at = now
        elif self.state == "ad_playing":
            self._ad_pos = self._ad_now(now)
            self._ad_at = now

    def _content_now(self, now: float | None = None) -> float:
        """The content playhead, extrapolated at rate 1 from the last report while playing."""
        if self.state != "playing":
            return self._pos
        if now is None:
            now = self._clock.monotonic()
        position = self._pos + (now - self._pos_at)
        return min(position, self._item_limit)

    def _ad_now(self, now: float | None = None) -> float:
        if self.state != "ad_playing":
            return self._ad_pos
        if now is None:
            now = self._clock.monotonic()
        position = self._ad_pos + (now - self._ad_at)
        length = self._ad.total_length if self._ad is not None else None
        return min(position, length) if length is not None else position

    def _playback_at(self, content_position: float) -> float:
        return self._finished + content_position + self._ads_seen

    def _playback_position(self) -> float:
        position = self._playback_at(self._content_now())
        if self._ad is not None:
            position += self._ad_now()
        return position

    # ------------------------------------------------------------------ items, breaks, ads

    def _declared_total(self) -> float | None:
        if self._live:
            return None
        total = 0.0
        for item in self._content:
            if item.total_length is None:
                return None
            total += item.total_length
        for brk in self._breaks:
            for ad in brk.ads:
                total += ad.total_length or 0.0
        return total

    def _select(self, item: Content, index: int) -> None:
        self._item = item
        self._index = index
        self._item_props = item.to_properties()
        self._item_limit = (
            float(item.total_length)
            if item.total_length is not None and not self._live
            else math.inf
        )
        self._item_started = False
        self._content_done = False

    def _resolve_content(self, asset_id: str, metadata: dict[str, Any]) -> tuple[Content, int]:
        # The next declared item with that id first; the current one only if it is not yet
        # playing; then earlier ones (going back in the playlist, or playing one again).
        current = self._index if not self._item_started else self._index + 1
        order = [*range(current, len(self._content)), *range(min(current, len(self._content)))]
        for index in order:
            item = self._content[index]
            if item.asset_id == asset_id:
                return item.with_metadata(**metadata), index
        item = Content.from_dict({"asset_id": asset_id, **metadata})
        if self._total is not None:
            if item.total_length is None:
                self._total = None
            else:
                self._total += item.total_length
        return item, -1

    def _resolve_break(self, pod_id: str, metadata: dict[str, Any]) -> AdBreak:
        for brk in self._breaks:
            if brk.pod_id == pod_id:
                if metadata:
                    extra = dict(brk.extra)
                    extra.update({k: v for k, v in metadata.items() if k != "type"})
                    return AdBreak(
                        pod_id=pod_id, type=metadata.get("type", brk.type), ads=brk.ads, extra=extra
                    )
                return brk
        ads = metadata.pop("ads", ())
        kind: AdType = metadata.pop("type", None) or self._inferred_break_type()
        return AdBreak(pod_id=pod_id, type=kind, ads=ads, extra=metadata)

    def _inferred_break_type(self) -> AdType:
        if self._content_done:
            return "post-roll"
        if not self._item_started and self._finished == 0:
            return "pre-roll"
        return "mid-roll"

    # ------------------------------------------------------------------ guards (machine)

    def _in_ad(self) -> bool:
        return self._ad is not None

    def _content_left(self) -> bool:
        return not self._content_done

    def _seek_keeps_paused(self) -> bool:
        return self._seek_from_paused

    def _has_next_item(self) -> bool:
        return self._index >= 0 and self._index + 1 < len(self._content)

    def _post_roll_left(self) -> bool:
        return any(
            brk.type == "post-roll" and brk.pod_id not in self._played_breaks
            for brk in self._breaks
        )

    def _nothing_after_content(self) -> bool:
        return not self._has_next_item() and not self._post_roll_left()

    def _session_done(self) -> bool:
        return self._all_content_seen() and not self._post_roll_left()

    def _all_content_seen(self) -> bool:
        return self._content_done

    # ------------------------------------------------------------------ actions (machine)

    def _emit_playback_started(self) -> None:
        props = self._playback_props(with_ids=False)
        props["content_asset_ids"] = [item.asset_id for item in self._content]
        props["content_pod_ids"] = [item.pod_id for item in self._content if item.pod_id]
        if self._breaks:
            props["ad_asset_id"] = [ad.asset_id for brk in self._breaks for ad in brk.ads]
            props["ad_pod_id"] = [brk.pod_id for brk in self._breaks]
        self._emit(Event.PLAYBACK_STARTED, props)

    def _emit_paused(self) -> None:
        if Event.RESUMED in self._pending:
            self._pending.remove(Event.RESUMED)  # still paused since before the cut-in
            return
        self.stats.pause_count += 1
        self._emit(Event.PAUSED, self._playback_props())

    def _emit_resumed(self) -> None:
        self._emit(Event.RESUMED, self._playback_props())

    def _emit_resumed_after_seek(self) -> None:
        if self._seek_from_paused:
            self._seek_from_paused = False
            self._emit_resumed()

    def _keep_paused_after_seek(self) -> None:
        self._seek_from_paused = True

    def _emit_buffer_started(self) -> None:
        if Event.BUFFER_COMPLETED in self._pending:
            self._pending.remove(Event.BUFFER_COMPLETED)  # the stall never ended
            return
        if self.state == "ad_buffering":
            self.stats.ad_stall_count += 1
        else:
            self.stats.stall_count += 1
        self._emit(Event.BUFFER_STARTED, self._playback_props())

    def _emit_buffer_completed(self) -> None:
        self._emit(Event.BUFFER_COMPLETED, self._playback_props())

    def _emit_seek_started(self) -> None:
        self.stats.seek_count += 1
        props = self._playback_props(position=self._playback_at(self._seek_origin))
        props["seek_position"] = seconds(self._playback_at(self._seek_target))
        self._pos = self._seek_target
        self._emit(Event.SEEK_STARTED, props)

    def _emit_seek_completed(self) -> None:
        self._pos = self._seek_target
        self._pos_at = self._clock.monotonic()
        self._emit(Event.SEEK_COMPLETED, self._playback_props())

    def _emit_interrupted(self) -> None:
        if Event.RESUMED in self._pending:
            self._pending.remove(Event.RESUMED)  # the Resumed after the interruption closes it
        props = self._playback_props()
        if self._interrupt_method is not None:
            props["method"] = self._interrupt_method
        self._emit(Event.INTERRUPTED, props)

    def _emit_exited(self) -> None:
        self._emit(Event.EXITED, self._playback_props())

    def _emit_playback_completed(self) -> None:
        self._emit(Event.PLAYBACK_COMPLETED, self._playback_props())

    def _finish_content(self) -> None:
        if self._from == "buffering":
            self._emit_buffer_completed()
        elif self._from == "seeking":
            self._close_seek()
        elif self._from == "paused":
            self._pending.append(Event.RESUMED)
        if self._item_started:
            self._emit(Event.CONTENT_COMPLETED, self._content_props())
        item = self._item
        length = item.total_length if item is not None else None
        self._finished += float(length) if length is not None else self._pos
        self._pos = 0.0
        if self._has_next_item():
            self._select(self._content[self._index + 1], self._index + 1)
        else:
            self._item = None
            self._item_props = {}
            self._item_limit = math.inf
            self._item_started = False
            self._content_done = True

    def _switch_item(self) -> None:
        item, index = self._next
        self._next = None
        if self._item_started:
            self._finished += self._pos  # an abandoned item counts what was watched
        self._pos = 0.0
        self._select(item, index)

    def _cut_in(self) -> None:
        """An ad or item boundary cuts in: a pause or stall it leaves open closes later."""
        source = self._from
        if source in ("paused", "ad_paused", "interrupted"):
            if Event.RESUMED not in self._pending:
                self._pending.append(Event.RESUMED)
        elif source in ("buffering", "ad_buffering"):
            if Event.BUFFER_COMPLETED not in self._pending:
                self._pending.append(Event.BUFFER_COMPLETED)
        elif source == "seeking":
            self._close_seek()

    def _close_seek(self) -> None:
        """A seek cut short lands where it was going; a pause taken during it stays open."""
        self._emit_seek_completed()
        if self._seek_from_paused and Event.RESUMED not in self._pending:
            self._pending.append(Event.RESUMED)
        self._seek_from_paused = False

    def _open_break(self) -> None:
        brk = self._next if isinstance(self._next, AdBreak) else None
        if brk is None and self._break is not None:  # ad_start() within an open break
            return
        if brk is not None and self._break is not None:  # a new break while one is open
            self._close_break()
        if brk is None:  # ad_start() without ad_break_start(): a break is implied
            _, metadata = self._next
            pod_id = metadata.get("pod_id")
            if not isinstance(pod_id, str) or not pod_id:
                pod_id = f"implicit-{len(self._played_breaks) + 1}"
            kind = metadata.get("type")
            brk = self._resolve_break(pod_id, {"type": kind} if kind else {})
        else:
            self._next = None
        self._break = brk
        self._played_breaks.add(brk.pod_id)
        self._ads_in_break = 0

    def _setup_ad(self) -> None:
        asset_id, metadata = self._next
        self._next = None
        brk = self._break
        assert brk is not None
        self._ads_in_break += 1
        position = self._ads_in_break
        length: int | None = len(brk.ads) or None
        for index, declared in enumerate(brk.ads):
            if declared.asset_id == asset_id:
                ad = declared.with_metadata(**metadata)
                position = index + 1
                break
        else:
            meta = {k: v for k, v in metadata.items() if k not in ("pod_id", "type")}
            length = meta.pop("pod_length", length)
            position = meta.pop("pod_position", position)
            ad = Ad.from_dict({"asset_id": asset_id, **meta})
            if self._total is not None and ad.total_length is not None:
                self._total += ad.total_length
        self._ad = ad
        self._ad_props = ad.to_properties()
        self._ad_props.update(brk.extra)
        self._ad_pod_position = position
        self._ad_pod_length = length if length is None else max(length, position)
        self._ad_pos = 0.0
        self._ad_at = self._clock.monotonic()
        self._ad_reported = False
        self._quartiles = Quartiles(ad.total_length)

    def _emit_ad_started(self) -> None:
        self.stats.ads_started += 1
        self._emit(Event.AD_STARTED, self._ad_event_props())

    def _reached_end(self) -> bool:
        ad = self._ad
        return (
            ad is not None
            and ad.total_length is not None
            and (self._ad_pos >= ad.total_length - 0.5)
        )

    def _complete_ad(self) -> None:
        ad = self._ad
        if ad is None:
            return
        if ad.total_length is not None:
            self._ad_pos = float(ad.total_length)
        self._emit_quartiles(self._quartiles.remaining())
        self.stats.ads_completed += 1
        self._emit(Event.AD_COMPLETED, self._ad_event_props())
        self._drop_ad()

    def _skip_ad(self) -> None:
        self.stats.ads_skipped += 1
        self._drop_ad()

    def _close_ad(self) -> None:
        """A new ad or the end of the break cuts the current ad off."""
        if self._ad is None:
            return
        if self._reached_end():
            self._complete_ad()
        else:
            self._drop_ad()

    def _drop_ad(self) -> None:
        self._ads_seen += self._ad_pos
        self._ad = None
        self._ad_props = {}
        self._ad_pos = 0.0
        self._cancel_quartile_timer()

    def _close_break(self) -> None:
        self._break = None
        self._ads_in_break = 0

    def _emit_quartiles(self, quartiles: list[int]) -> None:
        for quartile in quartiles:
            props = self._ad_event_props()
            props["quartile"] = quartile
            self._emit(Event.AD_PLAYING, props)

    def _emit_quality(self, now: float) -> None:
        props: dict[str, Any] = {"session_id": self.session_id}
        props.update(self._quality.reported(now))
        if self._first_frame and not self._startup_reported:
            self._startup_reported = True
            if self.stats.startup_time is not None:
                props["startupTime"] = self.stats.startup_time
        self._emit(Event.QUALITY_UPDATED, props)

    # ------------------------------------------------------------------ frames and timers

    def _frames_started(self, now: float) -> None:
        self._stop_timers()  # a new ad after an ad: the old one's timers end here
        for event in self._pending:
            self._emit(event, self._playback_props())
        self._pending.clear()
        if not self._first_frame:
            self._first_frame = True
            self.stats.startup_time = round((now - self._play_at) * 1000)
        if self._interval > 0:
            self._hb_timer = self._clock.call_at(now + self._interval, self._waker())

    def _content_frames(self) -> None:
        now = self._clock.monotonic()
        self._pos_at = now
        self._frames_started(now)
        if not self._item_started:
            self._item_started = True
            self._emit(Event.CONTENT_STARTED, self._content_props())

    def _ad_frames(self) -> None:
        now = self._clock.monotonic()
        self._ad_at = now
        self._frames_started(now)
        self._schedule_quartile(now)

    def _stop_timers(self) -> None:
        for timer in (self._hb_timer, self._q_timer):
            if timer is not None:
                timer.cancel()
        self._hb_timer = self._q_timer = None

    def _cancel_quartile_timer(self) -> None:
        if self._q_timer is not None:
            self._q_timer.cancel()
            self._q_timer = None

    def _schedule_quartile(self, now: float) -> None:
        """Without ad time updates, quartiles fall due by the clock."""
        if self._ad_reported:
            return
        threshold = self._quartiles.next_threshold()
        if threshold is None:
            return
        self._q_timer = self._clock.call_at(
            now + max(0.0, threshold - self._ad_pos), self._waker().quartile
        )

    def _waker(self) -> _Wake:
        wake = self._wake
        if wake is None:
            wake = self._wake = _Wake(self)
        return wake

    # A timer that fired after it was replaced (it was already running when the session
    # stopped or re-armed its timers) finds a timer of the session that is not yet due.

    def _on_heartbeat(self) -> None:
        with self._lock:
            timer = self._hb_timer
            now = self._clock.monotonic()
            if timer is None or now < timer.due or self.state not in _FRAMES:
                return
            if self.state == "playing":
                self._emit(Event.CONTENT_PLAYING, self._content_props())
            else:
                self._emit(Event.AD_PLAYING, self._ad_event_props())
            if self._quality.drops_due(now) and self._first_frame:
                self._emit_quality(now)
            self._hb_timer = call_again(
                self._clock, timer, timer.due + self._interval, self._waker()
            )

    def _on_quartile(self) -> None:
        with self._lock:
            timer = self._q_timer
            now = self._clock.monotonic()
            if timer is None or now < timer.due or self.state != "ad_playing":
                return
            self._ad_pos = self._ad_now(now)
            self._ad_at = now
            self._q_timer = None
            self._emit_quartiles(self._quartiles.crossed(self._ad_pos + 1e-9))
            self._schedule_quartile(now)

    # ------------------------------------------------------------------ payloads

    def _emit(self, event: str, properties: dict[str, Any]) -> None:
        self.stats.events_emitted += 1
        self._tracker._deliver(self._factory.build(event, properties), self)

    def _playback_props(
        self, position: float | None = None, *, with_ids: bool = True
    ) -> dict[str, Any]:
        props = self._defaults.copy()  # session_id, the tracker's properties, livestream
        props["position"] = seconds(self._playback_position() if position is None else position)
        if self._total is not None:
            props["total_length"] = int(self._total)
        if with_ids:
            item = self._item
            if item is not None:
                props["content_asset_id"] = item.asset_id
                if item.pod_id:
                    props["content_pod_id"] = item.pod_id
            ad = self._ad
            if ad is not None and self._break is not None:
                props["ad_asset_id"] = ad.asset_id
                props["ad_pod_id"] = self._break.pod_id
                props["ad_type"] = self._break.type
        quality = self._quality
        if quality.bitrate is not None:
            props["bitrate"] = quality.bitrate
        if quality.framerate is not None:
            props["framerate"] = quality.framerate
        if self._sound is not None:
            props["sound"] = self._sound
        if self._full_screen is not None:
            props["full_screen"] = self._full_screen
        return props

    def _content_props(self) -> dict[str, Any]:
        props: dict[str, Any] = {"session_id": self.session_id}
        props.update(self._item_props)
        props["position"] = seconds(self._content_now())
        if self._live:
            props.pop("total_length", None)
        props["livestream"] = self._live
        return props

    def _ad_event_props(self) -> dict[str, Any]:
        props: dict[str, Any] = {"session_id": self.session_id}
        props.update(self._ad_props)
        brk = self._break
        if brk is not None:
            props["pod_id"] = brk.pod_id
            props["type"] = brk.type
        props["pod_position"] = self._ad_pod_position
        if self._ad_pod_length is not None:
            props["pod_length"] = self._ad_pod_length
        props["position"] = seconds(self._ad_now())
        return props


class _Wake:
    """What a session's timers hold: a weak reference, so no timer keeps a session alive.

    One per session, made at its first frame; every heartbeat re-arm reuses it (it is the
    heartbeat callback itself), quartile timers call :meth:`quartile`.
    """

    __slots__ = ("_session",)

    def __init__(self, session: Session) -> None:
        self._session = weakref.ref(session)

    def __call__(self) -> None:
        session = self._session()
        if session is not None:
            session._on_heartbeat()

    def quartile(self) -> None:
        session = self._session()
        if session is not None:
            session._on_quartile()


class _Deferred:
    """Stands in for the tracker of a session being collected: delivery goes via the clock."""

    __slots__ = ("_clock", "_tracker")

    def __init__(self, tracker: Tracker, clock: Clock) -> None:
        self._tracker = tracker
        self._clock = clock

    def _deliver(self, payload: dict[str, Any], session: Session) -> None:
        self._clock.call_at(
            self._clock.monotonic(), functools.partial(self._tracker._deliver, payload, session)
        )


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
        "ad_break_end", "quality", "volume", "fullscreen", "interrupt", "exit",
    )
}  # fmt: skip
