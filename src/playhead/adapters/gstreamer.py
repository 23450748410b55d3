"""The GStreamer adapter (PyGObject): a ``playbin``'s bus messages and position onto a session.

===========================================  =================================================
GStreamer                                    session
===========================================  =================================================
playbin STATE_CHANGED NULL -> READY          ``play()``
first STATE_CHANGED -> PLAYING               ``playing(pos)``
PLAYING -> PAUSED (nothing pending)          ``pause(pos)``; the next -> PLAYING is a resume
``query_position`` polled (no message)       ``time_update(pos)`` through the monitor
a polled position that jumps                 ``seeking`` / ``seeked`` (the monitor infers it)
a polled position frozen while playing       ``waiting`` / ``playing`` (the monitor infers it)
PLAYING -> PAUSED just as BUFFERING drops     nothing: the application obeying GStreamer's rule
ASYNC_DONE, DURATION_CHANGED                 ``duration_change``, ``rate_change`` (queried)
EOS                                          ``ended()``
ERROR; PAUSED -> READY before the end        log + ``exit(pos)``; ``exit(pos)``
===========================================  =================================================

GStreamer posts no position messages and no seek message, so one worker thread polls the
position every ``poll_interval`` seconds, and the monitor turns jumps into seeks. A flushing seek
makes the pipeline lose and regain PLAYING; only a PAUSE with no state pending is the viewer's.
BUFFERING is the fill level of the pipeline's queue, not a stall: it dips at the start, after
every flushing seek or rate change, and seconds before playback really runs dry. So a stall is a
playhead that stops, as for VLC and Qt; whether the application pauses the pipeline while it
buffers (GStreamer's rule) or lets it run dry, the playhead stops the same way.

Messages are taken from the bus's synchronous ``sync-message`` signal, so an application's own
bus watch keeps receiving everything; the handler only queues the message for the worker.

.. versionadded:: 0.1
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Any

from playhead._logging import get_logger
from playhead.adapters._base import AdapterHandle, SessionLike, guarded

__all__ = ["GstAdapter", "attach"]

log = get_logger("playhead.adapters.gstreamer")

_STOP = object()

#: Seconds after the queue runs low within which a pause is the application's (for buffering).
_BUFFERING_PAUSE = 0.5


class GstAdapter(AdapterHandle):
    """The handle :func:`attach` returns: ``monitor``, ``recorder``, ``error``, ``wait()``.

    .. versionadded:: 0.1
    """

    def __init__(
        self,
        playbin: Any,
        session: SessionLike,
        *,
        record: bool = False,
        poll_interval: float = 0.1,
        seek_threshold: float = 1.0,
        stall_timeout: float = 1.0,
    ) -> None:
        super().__init__("gstreamer")
        import gi

        gi.require_version("Gst", "1.0")
        from gi.repository import Gst

        self._gst = Gst
        self.playbin = playbin
        self.poll_interval = poll_interval
        self._chain(session, record, seek_threshold=seek_threshold, stall_timeout=stall_timeout)
        self.error: str | None = None
        self.duration: float | None = None
        self._position: float | None = None
        self._rate = 1.0
        self._requested = False  # play() sent for the current run
        self._started = False
        self._paused = False
        self._buffering = False
        self._stopping = False  # the pipeline is going down to READY or NULL
        self._dip_at = float("-inf")
        self._done = False
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._bus = playbin.get_bus()
        self._bus.enable_sync_message_emission()
        self._handler_id = self._bus.connect("sync-message", self._on_sync_message)
        self._worker = threading.Thread(target=self._work, name="playhead-gst", daemon=True)
        self._worker.start()

    def _on_sync_message(self, _bus: Any, message: Any) -> None:
        """On a streaming thread (or the caller's): queue and return at once."""
        if self.attached:
            self._queue.put(message)

    def _detach(self) -> None:
        try:
            self._bus.disconnect(self._handler_id)
            self._bus.disable_sync_message_emission()
        except Exception:
            log.debug("bus_disconnect_failed")
        self._queue.put(_STOP)
        if threading.current_thread() is not self._worker:
            self._worker.join(timeout=5)
        self.monitor.close()

    def _work(self) -> None:
        while True:
            try:
                message = self._queue.get(timeout=self.poll_interval)
            except queue.Empty:
                message = None
            if message is _STOP:
                return
            if message is not None and self._going_down(message):
                self._handle(message)  # before polling: a stop's flush reads as position 0
                continue
            self._poll()  # first, so a seek's jump is seen before the messages it causes
            if message is not None:
                self._handle(message)

    def _going_down(self, message: Any) -> bool:
        """A state change of the playbin towards READY or NULL: the application stopped."""
        State = self._gst.State
        if message.type != self._gst.MessageType.STATE_CHANGED or message.src != self.playbin:
            return False
        _old, new, pending = message.parse_state_changed()
        return bool(pending in (State.READY, State.NULL) or new in (State.READY, State.NULL))

    @guarded
    def _poll(self) -> None:
        if not self._started or self._done or self._paused or self._stopping:
            return
        ok, nanos = self.playbin.query_position(self._gst.Format.TIME)
        if not ok or nanos < 0:
            return
        position = nanos / 1e9
        if self._taken_down() and (self._position is None or position < self._position):
            self._stop_seen()  # the stop's flush reads as 0 before its message is on the bus
            return
        self._position = position
        self.monitor.time_update(position)

    def _stop_seen(self) -> None:
        """The application is stopping the pipeline: positions read from now are its flush's 0,
        not a seek, and the viewer left where the last reading, carried forward, says."""
        if not self._stopping:
            self._stopping = True
            expected = self.monitor.expected_position()
            if expected is not None:
                self._position = expected

    def _taken_down(self) -> bool:
        """Whether the application is stopping the pipeline (asked after the position query,
        so a reading the stop's flush reset is known for one)."""
        State = self._gst.State
        _result, current, pending = self.playbin.get_state(0)
        return current in (State.READY, State.NULL) or pending in (State.READY, State.NULL)

    @guarded
    def _handle(self, message: Any) -> None:
        Gst = self._gst
        kind = message.type
        if kind == Gst.MessageType.STATE_CHANGED and message.src == self.playbin:
            old, new, pending = message.parse_state_changed()
            self._state_changed(old, new, pending)
        elif self._done or not self._requested:
            return
        elif kind in (Gst.MessageType.ASYNC_DONE, Gst.MessageType.DURATION_CHANGED):
            self._read_segment()
        elif kind == Gst.MessageType.BUFFERING:
            self._buffering_changed(message.parse_buffering())
        elif kind == Gst.MessageType.EOS:
            self._done = True
            self.monitor.ended()
            self.finished.set()
        elif kind == Gst.MessageType.ERROR:
            error, debug = message.parse_error()
            self.error = str(error.message)
            log.error("player_error", adapter="gstreamer", error=self.error, debug=str(debug))
            self._exit()

    def _state_changed(self, old: Any, new: Any, pending: Any) -> None:
        State = self._gst.State
        if old == State.NULL and new == State.READY:
            self._requested, self._started, self._done = True, False, False
            self._paused = self._buffering = self._stopping = False
            self._position = None
            self.error = None
            self.finished.clear()
            self.monitor.play()
        elif not self._requested or self._done:
            return
        elif new == State.PLAYING:
            if not self._started:
                self._started = True
                self.monitor.playing(self._query_position())
            elif self._paused:
                self._paused = False
                self.monitor.playing(self._query_position())
        elif pending in (State.READY, State.NULL):
            self._stop_seen()
        elif old == State.PLAYING and new == State.PAUSED and pending == State.VOID_PENDING:
            if self._started and not self._pausing_to_buffer():
                self._paused = True
                self.monitor.pause(self._query_position())
        elif new == State.READY and old == State.PAUSED:
            log.info("playback_stopped", adapter="gstreamer", position=self._position)
            self._exit()

    def _buffering_changed(self, percent: int) -> None:
        buffering = percent < 100
        if buffering and not self._buffering:
            self._dip_at = time.monotonic()
        self._buffering = buffering

    def _pausing_to_buffer(self) -> bool:
        """A pause right as the queue runs low is the application obeying GStreamer's rule
        (pause while BUFFERING is below 100), not the viewer. The queue runs low often (after
        every seek, on a slow network): a pause later in a dip is still the viewer's."""
        return self._buffering and time.monotonic() - self._dip_at < _BUFFERING_PAUSE

    def _read_segment(self) -> None:
        """After a state change or a seek settles: the duration, and the rate of the segment
        (GStreamer changes the rate with a seek and posts no message saying so)."""
        Gst = self._gst
        ok, nanos = self.playbin.query_duration(Gst.Format.TIME)
        if ok and nanos > 0 and nanos / 1e9 != self.duration:
            self.duration = nanos / 1e9
            self.monitor.duration_change(self.duration)
        query = Gst.Query.new_segment(Gst.Format.TIME)
        if self.playbin.query(query):
            rate = query.parse_segment()[0]
            if isinstance(rate, float) and rate > 0 and rate != self._rate:
                self._rate = rate
                self.monitor.rate_change(rate)

    def _query_position(self) -> float | None:
        ok, nanos = self.playbin.query_position(self._gst.Format.TIME)
        if ok and nanos >= 0:
            self._position = nanos / 1e9
        return self._position

    def _exit(self) -> None:
        self._done = True
        self.monitor.exit(self._position)
        self.finished.set()


def attach(
    playbin: Any,
    session: SessionLike,
    *,
    record: bool = False,
    poll_interval: float = 0.1,
    seek_threshold: float = 1.0,
    stall_timeout: float = 1.0,
) -> GstAdapter:
    """Feed ``session`` from a GStreamer ``playbin``; returns the handle (``detach()`` it).

    Attach before setting the pipeline to PLAYING. ``poll_interval`` is how often the position is
    read; ``seek_threshold`` how far a position may jump before it counts as a seek;
    ``stall_timeout`` how long it may stand still while playing before it counts as a stall.

    .. versionadded:: 0.1
    """
    return GstAdapter(
        playbin,
        session,
        record=record,
        poll_interval=poll_interval,
        seek_threshold=seek_threshold,
        stall_timeout=stall_timeout,
    )
