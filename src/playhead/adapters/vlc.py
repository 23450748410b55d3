"""The VLC adapter (python-vlc): libvlc media-player events onto a session's raw callbacks.

=============================  ===========================================================
libvlc event                   session
=============================  ===========================================================
``MediaPlayerOpening``         ``play()``
``MediaPlayerPlaying``         ``playing(pos)`` (first frame, or a resume)
``MediaPlayerPaused``          ``pause(pos)``, the position asked from the player
``MediaPlayerTimeChanged``     ``time_update(pos)`` through the monitor
``MediaPlayerBuffering``       nothing: a burst at start, after seeks, after a stall
``MediaPlayerLengthChanged``   ``duration_change(length)`` (``handle.duration``)
``MediaPlayerEndReached``      ``ended()``; log + ``exit()`` if nothing ever played
``MediaPlayerEncounteredError``  log + ``exit(pos)``
``MediaPlayerStopped``         ``exit(pos)`` unless the session already ended
=============================  ===========================================================

VLC signals neither seeks nor mid-stream stalls: a :class:`PlayheadMonitor` infers both from
``TimeChanged`` (a jump is a seek; a playhead that stops while playing is a stall).

libvlc delivers events on its own threads and must not be called from inside them (it
deadlocks). So the libvlc callbacks only put the event on a queue; one small worker thread
takes them off in order, asks the player what it needs (the exact pause position, the playback
rate) and drives the session. ``detach()`` stops the worker; call it before releasing the player.

.. versionadded:: 0.1
"""

from __future__ import annotations

import queue
import threading
from typing import Any

from playhead._logging import get_logger
from playhead.adapters._base import AdapterHandle, SessionLike, guarded

__all__ = ["VlcAdapter", "attach"]

log = get_logger("playhead.adapters.vlc")

_EVENTS = (
    "MediaPlayerOpening",
    "MediaPlayerPlaying",
    "MediaPlayerPaused",
    "MediaPlayerBuffering",
    "MediaPlayerTimeChanged",
    "MediaPlayerLengthChanged",
    "MediaPlayerEndReached",
    "MediaPlayerEncounteredError",
    "MediaPlayerStopped",
)
_STOP = ("stop", None)


class VlcAdapter(AdapterHandle):
    """The handle :func:`attach` returns: ``monitor``, ``recorder``, ``duration``, ``error``.

    .. versionadded:: 0.1
    """

    def __init__(
        self,
        player: Any,
        session: SessionLike,
        *,
        record: bool = False,
        stall_timeout: float = 1.5,
        seek_threshold: float = 2.0,
    ) -> None:
        super().__init__("vlc")
        import vlc  # python-vlc: imported here so playhead imports without libvlc

        self.player = player
        self._chain(session, record, stall_timeout=stall_timeout, seek_threshold=seek_threshold)
        self.duration: float | None = None
        self.error: str | None = None
        self._position: float | None = None
        self._rate = 1.0
        self._started = False
        self._done = True
        self._queue: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._worker = threading.Thread(target=self._work, name="playhead-vlc", daemon=True)
        self._worker.start()
        self._events = player.event_manager()
        self._attached: list[Any] = []
        for name in _EVENTS:
            event_type = getattr(vlc.EventType, name)
            self._events.event_attach(event_type, self._on_vlc_event, name)
            self._attached.append(event_type)

    # -- the libvlc side: enqueue only -----------------------------------------------------

    def _on_vlc_event(self, event: Any, name: str) -> None:
        """On a libvlc thread: copy what the event carries, queue it, return at once."""
        if not self.attached:
            return
        try:
            if name == "MediaPlayerTimeChanged":
                value: Any = event.u.new_time
            elif name == "MediaPlayerLengthChanged":
                value = event.u.new_length
            elif name == "MediaPlayerBuffering":
                value = event.u.new_cache
            else:
                value = None
            self._queue.put((name, value))
        except Exception:
            self._failed(name)

    def _detach(self) -> None:
        for event_type in self._attached:
            try:
                self._events.event_detach(event_type)
            except Exception:
                log.debug("event_detach_failed", event=str(event_type))
        self._queue.put(_STOP)
        if threading.current_thread() is not self._worker:
            self._worker.join(timeout=5)
        self.monitor.close()

    # -- the worker side: may ask the player, drives the session ---------------------------

    def _work(self) -> None:
        while True:
            name, value = self._queue.get()
            if (name, value) == _STOP:
                return
            self._handle(name, value)

    @guarded
    def _handle(self, name: str, value: Any) -> None:
        if name == "MediaPlayerTimeChanged":
            self._time_changed(value)
        elif name == "MediaPlayerOpening":
            self._started = False
            self._done = False
            self._position = None
            self.error = None
            self.finished.clear()
            self.monitor.play()
        elif self._done:
            return  # after the end, Stopped and late events are not news
        elif name == "MediaPlayerPlaying":
            self._refresh_rate()
            if not self._started:
                self._started = True
                self.monitor.playing(self._position if self._position is not None else 0.0)
            elif self.monitor.state != "playing":
                self.monitor.playing(self._ask_position())
        elif name == "MediaPlayerPaused":
            if self._started:
                self.monitor.pause(self._ask_position())
        elif name == "MediaPlayerLengthChanged":
            if isinstance(value, int) and value > 0:
                self.duration = value / 1000
                self.monitor.duration_change(self.duration)
        # MediaPlayerBuffering is deliberately not mapped: it comes in 0-100 bursts within a
        # millisecond at the start, after a seek and when data returns after a stall, never
        # when a stall begins. The monitor's frozen-playhead timer is the stall signal.
        elif name == "MediaPlayerEndReached":
            if self.duration is None and not self._position:
                # libvlc "plays" a file it cannot decode: Playing, then EndReached, with no
                # length and no time ever. That is a failure, not a viewing.
                self.error = "nothing playable in the media (no length, no time)"
                log.error("player_error", adapter="vlc", error=self.error, position=None)
                self._exit()
                return
            self._done = True
            self.monitor.ended()
            self.finished.set()
        elif name == "MediaPlayerEncounteredError":
            self.error = "libvlc reported an error (see VLC's log for the cause)"
            log.error("player_error", adapter="vlc", error=self.error, position=self._position)
            self._exit()
        elif name == "MediaPlayerStopped":
            log.info("playback_stopped", adapter="vlc", position=self._position)
            self._exit()

    def _time_changed(self, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return
        self._position = value / 1000
        if self._started and not self._done:
            self._refresh_rate()  # a cheap read; keeps seek inference right after set_rate()
            self.monitor.time_update(self._position)

    def _exit(self) -> None:
        self._done = True
        self.monitor.exit(self._position)
        self.finished.set()

    def _ask_position(self) -> float | None:
        """The player's own idea of the position (finer than the last TimeChanged)."""
        millis = self.player.get_time()
        if isinstance(millis, int) and millis >= 0:
            self._position = millis / 1000
        return self._position

    def _refresh_rate(self) -> None:
        """libvlc has no rate event: read the rate (cheap) and report a change."""
        rate = self.player.get_rate()
        if isinstance(rate, (int, float)) and rate > 0 and rate != self._rate:
            self._rate = float(rate)
            self.monitor.rate_change(self._rate)


def attach(
    player: Any,
    session: SessionLike,
    *,
    record: bool = False,
    stall_timeout: float = 1.5,
    seek_threshold: float = 2.0,
) -> VlcAdapter:
    """Feed ``session`` from a python-vlc ``MediaPlayer``; returns the handle (``detach()`` it).

    ``stall_timeout`` and ``seek_threshold`` tune the :class:`PlayheadMonitor` that infers
    what VLC does not signal; the playback rate it needs is read from the player (on the
    adapter's worker thread) with every time update.

    .. versionadded:: 0.1
    """
    return VlcAdapter(
        player,
        session,
        record=record,
        stall_timeout=stall_timeout,
        seek_threshold=seek_threshold,
    )
