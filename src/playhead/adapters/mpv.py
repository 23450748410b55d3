"""The mpv adapter (python-mpv): mpv's properties and events onto a session's raw callbacks.

mpv says almost everything itself, so the monitor only forwards here:

=========================================  =================================================
mpv                                        session
=========================================  =================================================
``start-file`` event                       ``play()``
first ``playback-restart`` after load      ``playing(time-pos)`` (then ``pause`` if paused)
``pause`` true / false                     ``pause(pos)`` / ``playing(pos)``
``paused-for-cache`` true / false          ``waiting(pos)`` / ``playing(pos)``
``seek`` event, next ``time-pos``          ``seeking(to=new pos, position=old pos)``
``playback-restart`` after a seek          ``seeked(pos)``
``time-pos``                               ``time_update(pos)``
``end-file`` eof / error / stop, shutdown  ``ended()`` / log + ``exit(pos)`` / ``exit(pos)``
``video-bitrate``, ``estimated-vf-fps``,   ``quality(...)``, debounced (not one per frame)
``frame-drop-count``
=========================================  =================================================

``core-idle`` and ``seeking`` are observed too: ``core-idle`` false is how a resume that mpv
performs without a ``pause`` change (leaving a cache pause) is confirmed, and ``seeking`` closes
a seek whose ``playback-restart`` was missed. All callbacks arrive on mpv's event thread; every
one is guarded, so nothing raises back into mpv.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
import threading
from typing import Any

from playhead._logging import get_logger
from playhead.adapters._base import AdapterHandle, QualityDebouncer, SessionLike, guarded

__all__ = ["MpvAdapter", "attach"]

log = get_logger("playhead.adapters.mpv")

_PROPERTIES = (
    "time-pos",
    "pause",
    "paused-for-cache",
    "seeking",
    "core-idle",
    "duration",
    "speed",
    "video-bitrate",
    "estimated-vf-fps",
    "frame-drop-count",
)


#: mpv's file_error when no audio output could be opened (it plays on without sound).
_AO_FAILED = "audio output initialization failed"

_EVENTS = ("start-file", "seek", "playback-restart", "end-file", "shutdown")


def _decode(raw: bytes) -> str | bytes:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


class MpvAdapter(AdapterHandle):
    """The handle :func:`attach` returns. ``monitor`` and ``recorder`` are what it feeds.

    .. versionadded:: 0.1
    """

    def __init__(
        self,
        player: Any,
        session: SessionLike,
        *,
        record: bool = False,
        quality_interval: float = 5.0,
    ) -> None:
        super().__init__("mpv")
        self.player = player
        # mpv signals its stalls and seeks: the monitor stands down and only forwards.
        self._chain(session, record, signals_stalls=True, signals_seeks=True)
        self.quality = QualityDebouncer(self.monitor.clock, min_interval=quality_interval)
        self.duration: float | None = None
        self.error: str | None = None
        self._position: float | None = None
        self._speed = 1.0
        self._loaded = False  # start-file seen; nothing before it is ours to report
        self._started = False  # first frame of the current file reported
        self._paused = False
        self._cache_paused = False
        self._seek_pending = False  # a seek event, its target not known yet
        self._in_seek = False  # seeking() sent, seeked() not yet
        self._seek_from: float | None = None
        self._done = False
        self._end_lock = threading.Lock()
        self._observers: list[tuple[str, Any]] = []
        for name in _PROPERTIES:
            observer = self._observer(name)
            player.observe_property(name, observer)
            self._observers.append((name, observer))
        self._event_handler = player.event_callback(*_EVENTS)(self._on_event)

    # -- wiring --------------------------------------------------------------------------

    def _observer(self, name: str) -> Any:
        handlers = {
            "time-pos": self._on_time_pos,
            "pause": self._on_pause,
            "paused-for-cache": self._on_paused_for_cache,
            "seeking": self._on_seeking,
            "core-idle": self._on_core_idle,
            "duration": self._on_duration,
            "speed": self._on_speed,
            "video-bitrate": self._on_bitrate,
            "estimated-vf-fps": self._on_fps,
            "frame-drop-count": self._on_dropped,
        }
        handler = handlers[name]

        def observer(_name: str, value: Any) -> None:
            handler(value)

        return observer

    def _detach(self) -> None:
        self.monitor.close()
        for name, observer in self._observers:
            try:
                self.player.unobserve_property(name, observer)
            except Exception:  # the player may be gone already: nothing left to undo
                log.debug("unobserve_failed", property=name)
        try:
            self._event_handler.unregister_mpv_events()
        except Exception:
            log.debug("event_unregister_failed")

    # -- events --------------------------------------------------------------------------

    @guarded
    def _on_event(self, event: Any) -> None:
        data = event.as_dict(decoder=_decode) if hasattr(event, "as_dict") else dict(event)
        name = _text(data.get("event"))
        if name == "start-file":
            self._start_file()
        elif name == "seek":
            if self._started and not self._done:
                self._seek_pending = True
                self._seek_from = self._position
        elif name == "playback-restart":
            self._on_playback_restart()
        elif name == "end-file":
            self._end_file(_text(data.get("reason")), _text(data.get("file_error")))
        elif name == "shutdown":
            if self._loaded and not self._done:
                log.warning("player_shutdown", adapter="mpv", position=self._position)
                self._finish_exit()
            self.finished.set()

    def _start_file(self) -> None:
        self._loaded = True
        self._started = False
        self._done = False
        self._cache_paused = False
        self._seek_pending = self._in_seek = False
        self.finished.clear()
        self.monitor.play()

    def _on_playback_restart(self) -> None:
        if not self._loaded or self._done:
            return
        if not self._started:
            self._started = True
            position = self._ask_position()
            self.monitor.playing(position if position is not None else 0.0)
            if self._paused:
                self.monitor.pause(self._position)
            return
        if self._seek_pending:  # no time-pos arrived between seek and restart
            self._begin_seek(self._position)
        if self._in_seek:
            self._end_seek()

    def _begin_seek(self, target: float | None) -> None:
        self._seek_pending = False
        self._in_seek = True
        to = target if target is not None else (self._seek_from or 0.0)
        self.monitor.seeking(to, self._seek_from)

    def _end_seek(self) -> None:
        self._in_seek = False
        # Where mpv landed, asked now: time-pos said the target at the seek event, and a seek
        # on sparse key frames lands elsewhere (at 0 for a 6 s target between key frames).
        self.monitor.seeked(self._ask_position())
        if self._cache_paused and not self._paused:
            self.monitor.waiting(self._position)

    def _end_file(self, reason: str, error: str) -> None:
        if not self._loaded or self._done:
            return
        if reason == "error" and error == _AO_FAILED and self._started:
            # No audio device: mpv plays the video silently to the end, then reports the audio
            # output's failure as the file's. The viewing is whole; the missing sound is a
            # warning (headless, pass ao="null").
            log.warning("audio_output_failed", adapter="mpv", error=error)
            reason = "eof"
        if reason == "eof":
            self._done = True
            self.monitor.ended()
        else:
            if reason == "error":
                self.error = error or "unknown error"
                log.error("player_error", adapter="mpv", error=self.error, position=self._position)
            else:
                log.info("playback_stopped", adapter="mpv", reason=reason or "unknown")
            self._finish_exit()
        self.finished.set()

    def _finish_exit(self) -> None:
        # exit_session() may race mpv's thread at the end: only one of them ends the session.
        with self._end_lock:
            if self._done and self.monitor.state == "ended":
                return
            self._done = True
            self.monitor.exit(self._position)

    # -- properties ----------------------------------------------------------------------

    @guarded
    def _on_time_pos(self, value: Any) -> None:
        position = _number(value)
        if position is None or position < 0:
            return  # None before load and after the end: not a position
        self._position = position
        if not self._started or self._done:
            return
        if self._seek_pending:
            self._begin_seek(position)
        elif not self._in_seek:
            self.monitor.time_update(position)

    @guarded
    def _on_pause(self, value: Any) -> None:
        paused = bool(value)
        if paused == self._paused:
            return
        self._paused = paused
        if not self._started or self._done:
            return
        if paused:
            self.monitor.pause(self._position)
        elif not self._in_seek and not self._seek_pending:
            self.monitor.playing(self._position)
            if self._cache_paused:
                self.monitor.waiting(self._position)

    @guarded
    def _on_paused_for_cache(self, value: Any) -> None:
        stalled = bool(value)
        if stalled == self._cache_paused:
            return
        self._cache_paused = stalled
        if not self._started or self._done or self._paused:
            return
        if stalled:
            self.monitor.waiting(self._position)  # during a seek the session folds it in
        elif not self._in_seek and not self._seek_pending:
            self.monitor.playing(self._position)

    @guarded
    def _on_seeking(self, value: Any) -> None:
        if not value and self._in_seek and self._started and not self._done:
            # Normally playback-restart closes the seek first; this is the fallback.
            self._end_seek()

    @guarded
    def _on_core_idle(self, value: Any) -> None:
        if value or not self._started or self._done or self._paused or self._in_seek:
            return
        if self.monitor.state == "buffering" and not self._cache_paused:
            self.monitor.playing(self._position)

    @guarded
    def _on_duration(self, value: Any) -> None:
        self.duration = _number(value)
        if self.duration is not None and self.duration > 0 and self._loaded:
            self.monitor.duration_change(self.duration)

    @guarded
    def _on_speed(self, value: Any) -> None:
        speed = _number(value)
        if speed is not None and speed > 0 and speed != self._speed:
            self._speed = speed
            self.monitor.rate_change(speed)

    def _ask_position(self) -> float | None:
        """mpv's position now (on mpv's event thread a property read is safe)."""
        position = _number(getattr(self.player, "time_pos", None))
        if position is not None and position >= 0:
            self._position = position
        return self._position

    @guarded
    def _on_bitrate(self, value: Any) -> None:
        bits = _number(value)
        if bits is not None and bits > 0:
            self._quality(bitrate=round(bits / 1000))

    @guarded
    def _on_fps(self, value: Any) -> None:
        fps = _number(value)
        if fps is not None and fps > 0:
            self._quality(framerate=round(fps))

    @guarded
    def _on_dropped(self, value: Any) -> None:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            self._quality(dropped_frames=value)

    def _quality(self, **reading: int) -> None:
        report = self.quality.reading(**reading)
        if report is not None and self._started and not self._done:
            self.monitor.quality(**report)

    def exit_session(self) -> None:
        """End the session with Video Playback Exited now, unless it has ended already."""
        if self.monitor.state not in ("idle", "ended"):
            self._finish_exit()


def attach(
    player: Any,
    session: SessionLike,
    *,
    record: bool = False,
    quality_interval: float = 5.0,
) -> MpvAdapter:
    """Feed ``session`` from the python-mpv ``player``; returns the handle (``detach()`` it).

    Attach before ``player.play(...)``: the adapter reports ``play()`` on mpv's ``start-file``.
    ``record=True`` keeps a :class:`~playhead.adapters.recorder.Recorder` at
    ``handle.recorder``. Quality (bitrate, framerate, dropped frames) is reported at most once
    per ``quality_interval`` seconds, and only on a real change.

    .. versionadded:: 0.1
    """
    return MpvAdapter(player, session, record=record, quality_interval=quality_interval)
