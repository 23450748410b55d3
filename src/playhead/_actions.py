"""What the rules of :mod:`playhead.machine` do: the guards and actions the table names.

``Actions`` is the half of :class:`~playhead.session.Session` that the rule table drives: each
method is named in a rule (``_emit_paused``, ``_open_break``...) or runs when a state is
entered (``_content_frames``). They read and update the session's units and emit events; the
other half (``session.py``) takes the raw callbacks and fires the triggers. Split by who calls
them, so each file reads top to bottom: the rules' side here, the player's side there.
"""

from __future__ import annotations

import threading
from typing import Any, cast

from playhead.ads import NO_ADS, AdCursor
from playhead.clock import Clock
from playhead.frames import Playheads
from playhead.model import AdBreak
from playhead.openends import left_open, owe, settle
from playhead.payload import Event, PayloadFactory, message_id
from playhead.playlist import Playlist
from playhead.positions import seconds
from playhead.properties import PlaybackProperties, content_properties, playlist_properties
from playhead.quality import QualityState
from playhead.seek import Seek
from playhead.stats import SessionStats
from playhead.windows import NO_TICKER, Hold, IdleWatch, Ticker, Timed, Wake

__all__ = ["Actions"]


class Actions:
    """The guards and actions of the rule table, and the payloads they send."""

    __slots__ = (
        "__weakref__",
        "_ads",
        "_beat",
        "_clock",
        "_emit_at",
        "_factory",
        "_first_frame",
        "_from",
        "_hold",
        "_idle",
        "_interrupt_method",
        "_interval",
        "_join_window",
        "_list",
        "_lock",
        "_next",
        "_pending",
        "_play_at",
        "_props",
        "_quality",
        "_quartile_timer",
        "_seek",
        "_since",
        "_startup_reported",
        "_stats",
        "_strict",
        "_tracker",
        "_wake",
        "_xy",
        "session_id",
        "state",
    )

    # The session's state: its units and its own few fields.
    session_id: str
    state: str
    _ads: AdCursor
    _beat: Ticker
    _clock: Clock
    _emit_at: float | None
    _factory: PayloadFactory
    _first_frame: bool
    _from: str
    _hold: Hold
    _idle: IdleWatch
    _interrupt_method: str | None
    _interval: float
    _list: Playlist
    _lock: threading.RLock
    _next: Any
    _pending: tuple[str, ...]  # events a cut-in left open (a tuple: no list per session)
    _play_at: float
    _props: PlaybackProperties
    _quality: QualityState
    _quartile_timer: Ticker
    _seek: Seek
    _since: float
    _startup_reported: bool
    _stats: SessionStats
    _tracker: Any
    _wake: Wake | None
    _xy: Playheads

    # ------------------------------------------------------------------ playheads now

    def _freeze(self, now: float) -> None:
        """Fix the carried-forward playheads before a transition reads them."""
        state = self.state
        self._xy.freeze(now, state == "playing", state == "ad_playing")

    def _content_now(self, now: float | None = None) -> float:
        if now is None:
            now = self._clock.monotonic()
        return self._xy.content(now, self.state == "playing")

    def _ad_now(self, now: float | None = None) -> float:
        if now is None:
            now = self._clock.monotonic()
        return self._xy.ad(now, self.state == "ad_playing")

    def _playback_position(self) -> float:
        xy, state = self._xy, self.state
        now = self._clock.monotonic()
        position = xy.playback_at(xy.content(now, state == "playing"))
        if self._ads.ad is not None:
            position += xy.ad(now, state == "ad_playing")
        return position

    # ------------------------------------------------------------------ guards

    def _in_ad(self) -> bool:
        return self._ads.ad is not None

    def _content_left(self) -> bool:
        return not self._list.done

    def _seek_keeps_paused(self) -> bool:
        return self._seek.paused

    def _nothing_after_content(self) -> bool:
        return self._list.nothing_after_content()

    def _session_done(self) -> bool:
        return self._list.done and not self._list.post_roll_left()

    def _all_content_seen(self) -> bool:
        return self._list.done

    # ------------------------------------------------------------------ playback events

    def _emit_playback_started(self) -> None:
        props = self._playback_props(with_ids=False)
        self._emit(Event.PLAYBACK_STARTED, playlist_properties(props, self._list))

    def _emit_paused(self) -> None:
        settled = settle(self._pending, Event.RESUMED)
        if settled is not None:  # still paused since before the cut-in
            self._pending = settled
            return
        self._stats.pause_count += 1
        self._emit(Event.PAUSED, self._playback_props())

    def _emit_resumed(self) -> None:
        self._emit(Event.RESUMED, self._playback_props())
        if self._interval > 0:
            self._heartbeat_now()

    def _heartbeat_now(self) -> None:
        """A heartbeat at the instant playback resumes (Segment's Video Spec, "Resuming")."""
        if self._interval <= 0:
            return
        if self.state == "playing":
            self._emit(Event.CONTENT_PLAYING, self._content_props())
        elif self.state == "ad_playing":
            self._emit_ad_heartbeat(self._clock.monotonic())

    def _emit_resumed_after_seek(self) -> None:
        if self._seek.resumes():
            self._emit_resumed()

    def _keep_paused_after_seek(self) -> None:
        self._seek.paused = True

    def _emit_buffer_started(self) -> None:
        settled = settle(self._pending, Event.BUFFER_COMPLETED)
        if settled is not None:  # the stall never ended
            self._pending = settled
            return
        if self.state == "ad_buffering":
            self._stats.ad_stall_count += 1
        else:
            self._stats.stall_count += 1
        self._emit(Event.BUFFER_STARTED, self._playback_props())

    def _emit_buffer_completed(self) -> None:
        self._emit(Event.BUFFER_COMPLETED, self._playback_props())

    def _emit_seek_started(self) -> None:
        self._stats.seek_count += 1
        seek = self._seek
        props = self._playback_props(position=self._xy.playback_at(seek.origin))
        props["seek_position"] = seconds(self._xy.playback_at(seek.target))
        self._xy.pos = seek.target
        self._emit(Event.SEEK_STARTED, props)

    def _emit_seek_completed(self) -> None:
        held = None
        if self._hold.trigger == "seek_end":  # frames advanced while the landing was held
            held = self._hold.at
            self._hold.drop()
        seek = self._seek
        props = self._playback_props(position=self._xy.playback_at(seek.target))
        # Frames advanced from the landing if the seek ends in playing: carry them forward.
        now = self._clock.monotonic()
        self._xy.report(seek.target, seek.landed_at(held, self.state == "playing", now))
        self._emit(Event.SEEK_COMPLETED, props)

    def _close_seek(self) -> None:
        """A seek cut short lands where it was going; a pause taken during it stays open."""
        self._emit_seek_completed()
        if self._seek.cut_short():
            self._pending = owe(self._pending, Event.RESUMED)

    def _emit_interrupted(self) -> None:
        settled = settle(self._pending, Event.RESUMED)
        if settled is not None:  # the Resumed after the interruption closes it
            self._pending = settled
        props = self._playback_props()
        if self._interrupt_method is not None:
            props["method"] = self._interrupt_method
        self._emit(Event.INTERRUPTED, props)

    def _emit_exited(self) -> None:
        self._emit(Event.EXITED, self._playback_props())

    def _emit_idle_exited(self) -> None:
        """The viewer walked away: the session closes itself, saying why."""
        self._idle.idled = True
        props = self._playback_props()
        props["exit_reason"] = "idle_timeout"
        self._emit(Event.EXITED, props)

    def _new_session(self) -> None:
        """Playback goes on after an idle end: a new session, the content where it was."""
        self._idle.idled = False
        self.session_id = message_id()
        self._stats = SessionStats()
        self._since = self._clock.monotonic()
        self._first_frame = self._startup_reported = self._list.started = False
        self._pending = ()
        self._seek.paused = False
        if self._ads.ad is not None:
            self._drop_ad()
        self._ads = NO_ADS

    def _emit_playback_completed(self) -> None:
        self._emit(Event.PLAYBACK_COMPLETED, self._playback_props())

    # ------------------------------------------------------------------ items

    def _finish_content(self) -> None:
        source = self._from
        if source == "buffering":
            self._emit_buffer_completed()
        elif source == "seeking":
            self._close_seek()
        elif source == "paused":
            self._pending = owe(self._pending, Event.RESUMED)
        if self._list.started:
            self._emit(Event.CONTENT_COMPLETED, self._content_props())
        self._xy.finish_item(self._list.finish_item())
        self._xy.new_item(self._list.limit)

    def _switch_item(self) -> None:
        item, index = self._next
        self._next = None
        self._xy.abandon_item(self._list.started)  # an abandoned item counts what was watched
        self._list.select(item, index)
        self._xy.new_item(self._list.limit)

    def _cut_in(self) -> None:
        """An ad or item boundary cuts in: a pause or stall it leaves open closes later."""
        if self._from == "seeking":
            self._close_seek()
        else:
            self._pending = left_open(self._pending, self._from)

    # ------------------------------------------------------------------ ads

    def _open_break(self) -> None:
        if self._ads is NO_ADS:
            self._ads = AdCursor()
        ads, playlist = self._ads, self._list
        brk = self._next if isinstance(self._next, AdBreak) else None
        if brk is None and ads.brk is not None:  # ad_start() within an open break
            return
        if brk is not None and ads.brk is not None:  # a new break while one is open
            ads.close()
        if brk is None:  # ad_start() without ad_break_start(): a break is implied
            brk = playlist.implied_break(self._next[1], self._xy.finished == 0)
        else:
            self._next = None
        ads.open(brk)
        playlist.break_played(brk.pod_id)

    def _setup_ad(self) -> None:
        asset_id, metadata = self._next
        self._next = None
        ad, undeclared = self._ads.start(asset_id, metadata)
        if undeclared and ad.total_length is not None:
            self._list.add_length(ad.total_length)
        self._xy.start_ad(ad.total_length, self._clock.monotonic())

    def _emit_ad_started(self) -> None:
        self._stats.ads_started += 1
        self._emit(Event.AD_STARTED, self._ad_event_props())

    def _complete_ad(self) -> None:
        length = self._ads.length
        if self._ads.ad is None:
            return
        if length is not None:
            self._xy.ad_pos = float(length)
        self._emit_ad_playing(self._ads.completed(self._clock.monotonic()))
        self._stats.ads_completed += 1
        self._emit(Event.AD_COMPLETED, self._ad_event_props())
        self._drop_ad()

    def _skip_ad(self) -> None:
        self._stats.ads_skipped += 1
        self._drop_ad()

    def _close_ad(self) -> None:
        """A new ad or the end of the break cuts the current ad off."""
        if self._ads.ad is None:
            return
        if self._ads.reached_end(self._xy.ad_pos):
            self._complete_ad()
        else:
            self._drop_ad()

    def _drop_ad(self) -> None:
        self._xy.end_ad()
        self._ads.drop()
        self._quartile_timer.stop()

    def _close_break(self) -> None:
        self._ads.close()

    def _emit_ad_playing(self, due: list[int] | list[int | None]) -> None:
        """The Video Ad Playing events the cursor says are due (None: without a quartile)."""
        for quartile in due:
            props = self._ad_event_props()
            if quartile is not None:
                props["quartile"] = quartile
            self._emit(Event.AD_PLAYING, props)

    def _emit_ad_heartbeat(self, now: float) -> None:
        xy = self._xy
        xy.report_ad(self._ad_now(now), now)
        self._emit_ad_playing(self._ads.heartbeat(xy.ad_pos, now))

    def _emit_quality(self, now: float) -> None:
        props: dict[str, Any] = {"session_id": self.session_id}
        props.update(self._quality.reported(now))
        if self._first_frame and not self._startup_reported:
            self._startup_reported = True
            if self._stats.startup_time is not None:
                props["startupTime"] = self._stats.startup_time
        self._emit(Event.QUALITY_UPDATED, props)

    # ------------------------------------------------------------------ frames and timers

    def _frames_started(self, now: float) -> bool:
        """Close what a cut-in left open, start the timers; True when that was a Resumed."""
        self._stop_timers()  # a new ad after an ad: the old one's timers end here
        resumed = Event.RESUMED in self._pending
        for event in self._pending:
            self._emit(event, self._playback_props())
        self._pending = ()
        if not self._first_frame:
            self._first_frame = True
            self._stats.startup_time = round((now - self._play_at) * 1000)
        if self._interval > 0:
            if self._beat is NO_TICKER:
                self._beat = Ticker()
            self._beat.start(self._clock, now + self._interval, self._waker())
        return resumed

    def _content_frames(self) -> None:
        now = self._clock.monotonic()
        self._xy.pos_at = now
        resumed = self._frames_started(now)
        if not self._list.started:  # the first frame of an item: no heartbeat at it
            self._list.started = True
            self._emit(Event.CONTENT_STARTED, self._content_props())
        elif resumed:
            self._heartbeat_now()

    def _ad_frames(self) -> None:
        now = self._clock.monotonic()
        self._xy.ad_at = now
        self._frames_started(now)
        self._schedule_quartile(now)

    def _stop_timers(self) -> None:
        # Only a pending timer needs stopping: most sessions have none.
        if self._beat.timer is not None:
            self._beat.stop()
        if self._quartile_timer.timer is not None:
            self._quartile_timer.stop()

    def _schedule_quartile(self, now: float) -> None:
        """Without ad time updates, quartiles fall due by the clock."""
        if self._ads.reported:
            return
        threshold = self._ads.quartiles.next_threshold()
        if threshold is None:
            return
        due = now + max(0.0, threshold - self._xy.ad_pos)
        if self._quartile_timer is NO_TICKER:
            self._quartile_timer = Ticker()
        self._quartile_timer.start(self._clock, due, self._waker().quartile)

    def _waker(self) -> Wake:
        wake = self._wake
        if wake is None:
            wake = self._wake = Wake(cast("Timed", self))  # the Session that this is a half of
        return wake

    def _on_heartbeat(self) -> None:
        with self._lock:
            now = self._clock.monotonic()
            if not self._beat.current(now) or self.state not in ("playing", "ad_playing"):
                return
            if self.state == "playing":
                self._emit(Event.CONTENT_PLAYING, self._content_props())
            else:
                self._emit_ad_heartbeat(now)
            if self._quality.drops_due(now) and self._first_frame:
                self._emit_quality(now)
            self._beat.again(self._clock, self._beat.due(now) + self._interval, self._waker())

    def _on_quartile(self) -> None:
        with self._lock:
            now = self._clock.monotonic()
            if not self._quartile_timer.current(now) or self.state != "ad_playing":
                return
            self._xy.report_ad(self._ad_now(now), now)
            self._quartile_timer.timer = None
            self._emit_ad_playing(self._ads.by_clock(self._xy.ad_pos, now))
            self._schedule_quartile(now)

    # ------------------------------------------------------------------ payloads

    def _emit(self, event: str, properties: dict[str, Any]) -> None:
        self._stats.events_emitted += 1
        payload = self._factory.build(event, properties, self._emit_at)
        if not self._tracker._deliver(payload, self):
            self._stats.emit_failures += 1

    def _playback_props(
        self, position: float | None = None, *, with_ids: bool = True
    ) -> dict[str, Any]:
        return self._props.playback(
            self.session_id,
            self._playback_position() if position is None else position,
            self._list,
            self._ads,
            self._quality,
            with_ids=with_ids,
        )

    def _content_props(self) -> dict[str, Any]:
        return content_properties(self.session_id, self._list, self._content_now())

    def _ad_event_props(self) -> dict[str, Any]:
        return self._ads.event_props(self.session_id, seconds(self._ad_now()))
