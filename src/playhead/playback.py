"""Playback: the model the rule table drives, without I/O. It returns events; it never sends.

:mod:`playhead.machine` names guards and actions; this is the object they run on. It holds the
session's state and units (:class:`~playhead.playlist.Playlist`,
:class:`~playhead.frames.Playheads`, :class:`~playhead.ads.AdCursor`,
:class:`~playhead.seek.Seek`, :mod:`~playhead.openends`, properties, quality and stats) and
answers the guards; each action updates the units and puts the events it derives in
:attr:`Playback.out` as ``(event, properties)`` pairs, in order. The session's
:class:`~playhead._driver.Driver` (a subclass: the same object) fires the triggers, sends
what comes out and runs the timers (``frames_at`` and :meth:`Playback.quartile_due` say what
is due): a sans-I/O core and its driver, as in ``transports/_engine.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from playhead.ads import NO_ADS, AdCursor
from playhead.frames import Playheads
from playhead.machine import AD_STATES
from playhead.model import AdBreak
from playhead.openends import left_open, owe, settle
from playhead.payload import Event, message_id
from playhead.playlist import Playlist
from playhead.positions import seconds
from playhead.properties import PlaybackProperties, content_properties, playlist_properties
from playhead.quality import NO_QUALITY
from playhead.seek import NO_SEEK, Seek
from playhead.stats import COUNTERS, Counters

if TYPE_CHECKING:
    from playhead.clock import Clock

__all__ = ["FRAMES", "Playback"]

#: The states in which frames advance (heartbeats run, playheads are carried forward).
FRAMES = ("playing", "ad_playing")


class Playback(Playheads, Counters):
    """One session's state, units and rules: what the rule table reads and updates.

    It is its own :class:`~playhead.frames.Playheads` (``self.pos``, ``self.content(now)``)
    and keeps its own :class:`~playhead.stats.Counters` (``self.pause_count``), as the
    :class:`~playhead._driver.Driver` is this Playback with its I/O: one object per session
    where there were four, for the garbage collector walks every one of them.

    ``state`` and ``session_id`` are the session's. ``out`` is the list the events of the
    trigger being run go to (None between triggers: the driver gives one per trigger).
    """

    __slots__ = (
        "ads",
        "clock",
        "first_frame",
        "frames_at",
        "from_",
        "interrupt_method",
        "interval",
        "list",
        "next",
        "out",
        "owed",
        "play_at",
        "props",
        "quality",
        "seek",
        "session_id",
        "since",
        "startup_reported",
        "state",
        *COUNTERS,
    )

    def __init__(
        self,
        clock: Clock,
        interval: float,
        session_id: str,
        playlist: Playlist,
        props: PlaybackProperties,
    ) -> None:
        self.clock = clock
        self.interval = interval  # heartbeats' (0: none)
        self.session_id = session_id
        self.state = "idle"
        self.reset_counters()
        self.props = props
        self.list = playlist
        super().__init__()  # the playheads
        self.limit = playlist.limit
        # Units most sessions never need are shared empty ones until first used.
        self.ads = NO_ADS
        self.quality = NO_QUALITY
        self.seek = NO_SEEK
        self.owed: tuple[str, ...] = ()  # events a cut-in left open (see openends)
        self.play_at = 0.0
        self.first_frame = False
        self.startup_reported = False
        self.interrupt_method: str | None = None
        self.next: Any = None  # what the callback being handled brings (an item, a break, an ad)
        self.from_ = "idle"  # the state the trigger being run left
        self.since = clock.monotonic()  # when the current state was entered
        self.frames_at: float | None = None  # frames (re)started by the trigger being run
        self.out: list[tuple[str, dict[str, Any]]] | None = None

    # ------------------------------------------------------------------ playheads now

    def content_now(self, now: float | None = None) -> float:
        return self.content(self.clock.monotonic() if now is None else now, self.state == "playing")

    def ad_now(self, now: float | None = None) -> float:
        return self.ad(self.clock.monotonic() if now is None else now, self.state == "ad_playing")

    def playback_position(self) -> float:
        state = self.state
        now = self.clock.monotonic()
        position = self.playback_at(self.content(now, state == "playing"))
        if self.ads.ad is not None:
            position += self.ad(now, state == "ad_playing")
        return position

    def in_ad_frame(self) -> bool:
        """Whether positions now are the ad's (in an ad, or interrupted during one)."""
        state = self.state
        return state in AD_STATES or (state == "interrupted" and self.ads.ad is not None)

    def seeks(self) -> Seek:
        """The session's own seek unit, made at its first seek."""
        if self.seek is NO_SEEK:
            self.seek = Seek()
        return self.seek

    # ------------------------------------------------------------------ guards

    def _in_ad(self) -> bool:
        return self.ads.ad is not None

    def _content_left(self) -> bool:
        return not self.list.done

    def _seek_keeps_paused(self) -> bool:
        return self.seek.paused

    def _nothing_after_content(self) -> bool:
        return self.list.nothing_after_content()

    def _session_done(self) -> bool:
        return self.list.done and not self.list.post_roll_left()

    # ------------------------------------------------------------------ playback events

    def _emit_playback_started(self) -> None:
        props = self.playback_props(ids=False)
        self.emit(Event.PLAYBACK_STARTED, playlist_properties(props, self.list))

    def _emit_paused(self) -> None:
        settled = settle(self.owed, Event.RESUMED)
        if settled is not None:  # still paused since before the cut-in
            self.owed = settled
            return
        self.pause_count += 1
        self.emit(Event.PAUSED, self.playback_props())

    def _emit_resumed(self) -> None:
        self.emit(Event.RESUMED, self.playback_props())
        if self.interval > 0 and self.state in FRAMES:
            self._beat()  # a heartbeat at once (Segment's Video Spec, "Resuming playback")

    def _emit_resumed_after_seek(self) -> None:
        if self.seek.resumes():
            self._emit_resumed()

    def _keep_paused_after_seek(self) -> None:
        self.seek.paused = True

    def _emit_buffer_started(self) -> None:
        settled = settle(self.owed, Event.BUFFER_COMPLETED)
        if settled is not None:  # the stall never ended
            self.owed = settled
            return
        if self.state == "ad_buffering":
            self.ad_stall_count += 1
        else:
            self.stall_count += 1
        self.emit(Event.BUFFER_STARTED, self.playback_props())

    def _emit_buffer_completed(self) -> None:
        self.emit(Event.BUFFER_COMPLETED, self.playback_props())

    def _emit_seek_started(self) -> None:
        self.seek_count += 1
        seek = self.seek
        props = self.playback_props(self.playback_at(seek.origin))
        props["seek_position"] = seconds(self.playback_at(seek.target))
        self.pos = seek.target
        self.emit(Event.SEEK_STARTED, props)

    def _emit_seek_completed(self) -> None:
        seek = self.seek
        props = self.playback_props(self.playback_at(seek.target))
        # Frames advanced from the landing if the seek ends in playing: carry them forward.
        now = self.clock.monotonic()
        self.report(seek.target, seek.landed_at(self.state == "playing", now))
        self.emit(Event.SEEK_COMPLETED, props)

    def _close_seek(self) -> None:
        """A seek cut short lands where it was going; a pause taken during it stays open."""
        self._emit_seek_completed()
        if self.seek.cut_short():
            self.owed = owe(self.owed, Event.RESUMED)

    def _emit_interrupted(self) -> None:
        settled = settle(self.owed, Event.RESUMED)
        if settled is not None:  # the Resumed after the interruption closes it
            self.owed = settled
        props = self.playback_props()
        if self.interrupt_method is not None:
            props["method"] = self.interrupt_method
        self.emit(Event.INTERRUPTED, props)

    def _emit_exited(self) -> None:
        self.emit(Event.EXITED, self.playback_props())

    def _emit_idle_exited(self) -> None:
        """The viewer walked away: the session closes itself, saying why."""
        props = self.playback_props()
        props["exit_reason"] = "idle_timeout"
        self.emit(Event.EXITED, props)

    def _new_session(self) -> None:
        """Playback goes on after an idle end: a new session, the content where it was."""
        self.session_id = message_id()
        self.reset_counters()
        self.since = self.clock.monotonic()
        self.first_frame = self.startup_reported = self.list.started = False
        self.owed = ()
        self.seek.paused = False
        if self.ads.ad is not None:
            self._drop_ad()
        self.ads = NO_ADS

    def _emit_playback_completed(self) -> None:
        self.emit(Event.PLAYBACK_COMPLETED, self.playback_props())

    # ------------------------------------------------------------------ items

    def _finish_content(self) -> None:
        source = self.from_
        if source == "buffering":
            self._emit_buffer_completed()
        elif source == "seeking":
            self._close_seek()
        elif source == "paused":
            self.owed = owe(self.owed, Event.RESUMED)
        if self.list.started:
            self.emit(Event.CONTENT_COMPLETED, self.content_props())
        self.finish_item(self.list.finish_item())
        self.new_item(self.list.limit)

    def _switch_item(self) -> None:
        item, index = self.next
        self.next = None
        self.abandon_item(self.list.started)  # an abandoned item counts what was watched
        self.list.select(item, index)
        self.new_item(self.list.limit)

    def _cut_in(self) -> None:
        """An ad or item boundary cuts in: a pause or stall it leaves open closes later."""
        if self.from_ == "seeking":
            self._close_seek()
        else:
            self.owed = left_open(self.owed, self.from_)

    # ------------------------------------------------------------------ ads

    def _open_break(self) -> None:
        if self.ads is NO_ADS:
            self.ads = AdCursor()
        brk, pending = self.next, None
        if not isinstance(brk, AdBreak):  # an ad_start(): its (asset_id, metadata)
            brk, pending = None, brk
        else:
            self.next = None
        self.ads.enter(brk, pending[1] if pending else {}, self.list, self.finished == 0)

    def _setup_ad(self) -> None:
        asset_id, metadata = self.next
        self.next = None
        ad, undeclared = self.ads.start(asset_id, metadata)
        if undeclared and ad.total_length is not None:
            self.list.add_length(ad.total_length)
        self.start_ad(ad.total_length, self.clock.monotonic())

    def _emit_ad_started(self) -> None:
        self.ads_started += 1
        self.emit(Event.AD_STARTED, self.ad_props())

    def _complete_ad(self) -> None:
        length = self.ads.length
        if self.ads.ad is None:
            return
        if length is not None:
            self.ad_pos = float(length)
        self.ad_playing(self.ads.completed(self.clock.monotonic()))
        self.ads_completed += 1
        self.emit(Event.AD_COMPLETED, self.ad_props())
        self._drop_ad()

    def _skip_ad(self) -> None:
        self.ads_skipped += 1
        self._drop_ad()

    def _close_ad(self) -> None:
        """A new ad or the end of the break cuts the current ad off."""
        if self.ads.ad is None:
            return
        if self.ads.reached_end(self.ad_pos):
            self._complete_ad()
        else:
            self._drop_ad()

    def _drop_ad(self) -> None:
        self.end_ad()
        self.ads.drop()

    def _close_break(self) -> None:
        self.ads.close()

    def ad_playing(self, due: list[int] | list[int | None]) -> None:
        """The Video Ad Playing events the cursor says are due (None: without a quartile)."""
        for props in self.ads.playing_props(self.session_id, seconds(self.ad_now()), due):
            self.emit(Event.AD_PLAYING, props)

    def ad_reported(self) -> None:
        """The player reported the ad's time: quartiles follow it, not the clock."""
        ads = self.ads
        ads.reported = True
        self.ad_playing(ads.crossed(self.ad_pos, self.clock.monotonic()))

    def emit_quality(self, now: float) -> None:
        startup = None  # the startup time rides on the first quality event after it is known
        if self.first_frame and not self.startup_reported:
            self.startup_reported = True
            startup = self.startup_time
        self.emit(Event.QUALITY_UPDATED, self.quality.event_props(self.session_id, now, startup))

    # ------------------------------------------------------------------ frames and what is due

    def _frames_started(self, now: float) -> bool:
        """Close what a cut-in left open; True when that was a Resumed (``frames_at``: now)."""
        resumed = Event.RESUMED in self.owed
        for event in self.owed:
            self.emit(event, self.playback_props())
        self.owed = ()
        if not self.first_frame:
            self.first_frame = True
            self.startup_time = round((now - self.play_at) * 1000)
        self.frames_at = now
        return resumed

    def _content_frames(self) -> None:
        now = self.clock.monotonic()
        self.pos_at = now
        resumed = self._frames_started(now)
        if not self.list.started:  # the first frame of an item: no heartbeat at it
            self.list.started = True
            self.emit(Event.CONTENT_STARTED, self.content_props())
        elif resumed and self.interval > 0:
            self._beat()

    def _ad_frames(self) -> None:
        now = self.clock.monotonic()
        self.ad_at = now
        self._frames_started(now)

    def heartbeat(self) -> None:
        """A heartbeat is due: Video Content (or Ad) Playing, and dropped frames if they are."""
        self._beat()
        now = self.clock.monotonic()
        if self.quality.drops_due(now) and self.first_frame:
            self.emit_quality(now)

    def beat_props(self, now: float) -> dict[str, Any] | None:
        """A content heartbeat's properties at ``now``, when that event is all a heartbeat
        derives (the hot path of 100,000 playing sessions); None when :meth:`heartbeat` has
        more to do (an ad's heartbeat, dropped frames to report)."""
        if self.state != "playing" or self.quality.drops_due(now):
            return None
        return content_properties(self.session_id, self.list, self.content(now, True))

    def _beat(self) -> None:
        if self.state == "playing":
            self.emit(Event.CONTENT_PLAYING, self.content_props())
        else:
            now = self.clock.monotonic()
            self.report_ad(self.ad_now(now), now)
            self.ad_playing(self.ads.heartbeat(self.ad_pos, now))

    def quartile(self) -> None:
        """The quartiles fallen due by the clock (the player reports no ad time)."""
        now = self.clock.monotonic()
        self.report_ad(self.ad_now(now), now)
        self.ad_playing(self.ads.by_clock(self.ad_pos, now))

    def quartile_due(self, now: float) -> float | None:
        """When the next quartile falls due by the clock, or None (none left, or reported)."""
        if self.state != "ad_playing":
            return None
        return self.ads.quartile_due(now, self.ad_pos)

    # ------------------------------------------------------------------ properties

    def emit(self, event: str, properties: dict[str, Any]) -> None:
        out = self.out
        assert out is not None, "events are derived only while the session runs a trigger"
        out.append((event, properties))

    def playback_props(self, at: float | None = None, ids: bool = True) -> dict[str, Any]:
        """A playback event's properties at ``at`` (playback seconds; None: now)."""
        position = self.playback_position() if at is None else at
        return self.props.playback(
            self.session_id, position, self.list, self.ads, self.quality, ids
        )

    def content_props(self) -> dict[str, Any]:
        return content_properties(self.session_id, self.list, self.content_now())

    def ad_props(self) -> dict[str, Any]:
        return self.ads.event_props(self.session_id, seconds(self.ad_now()))
