"""The Qt adapter (PySide6): a ``QMediaPlayer``'s signals onto a session's raw callbacks.

===========================================  =================================================
QMediaPlayer (Qt 6)                          session
===========================================  =================================================
``PlayingState``, nothing requested yet      ``play()``
``BufferedMedia`` (or the first position)    ``playing(pos)``: the first frame
``PausedState`` / ``PlayingState`` after it  ``pause(pos)`` / ``playing(pos)``
``positionChanged(ms)``                      ``time_update(pos)`` through the monitor
a position that jumps (``setPosition``)      ``seeking`` / ``seeked``, inferred by the monitor
a position frozen while playing              ``waiting`` / ``playing``, inferred by the monitor
``durationChanged(ms)``                      ``duration_change(length)``
``playbackRateChanged(rate)``                ``rate_change(rate)``
``StoppedState`` then ``EndOfMedia``         ``ended()``
``StoppedState`` then any other status       ``exit(pos)`` (the application stopped)
``errorOccurred``, ``InvalidMedia``          log ``player_error``, ``exit(pos)``
===========================================  =================================================

Qt gives no seek signal and no signal when a stall begins (the position just freezes, then
jumps on: Qt's clock runs through a stall), so the :class:`PlayheadMonitor` infers both. At the
end Qt reports ``StoppedState`` while the media status is still ``BufferedMedia`` and only then
``EndOfMedia``; a stop looks the same until the status that follows, so the adapter decides on
that status (with a zero-delay timer in case none comes).

Signals arrive on the thread that owns the player, from Qt's event loop: every slot is guarded
and may ask the player for its position. The application must keep that event loop running:
``handle.wait()`` would block it, so a Qt application watches ``handle.finished`` or its own
signals instead. Headless (``QT_QPA_PLATFORM=offscreen``), give the player a ``QVideoSink``, or
``EndOfMedia`` never arrives.

.. versionadded:: 0.2
"""

from __future__ import annotations

from typing import Any

from playhead._logging import get_logger
from playhead.adapters._base import AdapterHandle, SessionLike, guarded

__all__ = ["QtAdapter", "attach"]

log = get_logger("playhead.adapters.qt")


class QtAdapter(AdapterHandle):
    """The handle :func:`attach` returns: ``monitor``, ``recorder``, ``duration``, ``error``.

    .. versionadded:: 0.2
    """

    def __init__(
        self,
        player: Any,
        session: SessionLike,
        *,
        record: bool = False,
        stall_timeout: float = 1.0,
        seek_threshold: float = 1.0,
    ) -> None:
        super().__init__("qt")
        from PySide6.QtCore import QTimer
        from PySide6.QtMultimedia import QMediaPlayer

        self._timer = QTimer
        self._state = QMediaPlayer.PlaybackState
        self._status = QMediaPlayer.MediaStatus
        self.player = player
        # Positions come about 20 times a second, so a playhead frozen for 1 s is a stall.
        self._chain(session, record, stall_timeout=stall_timeout, seek_threshold=seek_threshold)
        self.duration: float | None = None
        self.error: str | None = None
        self._position: float | None = None
        self._rate = 1.0
        self._requested = False  # play() sent for the current playback
        self._started = False  # the first frame reported
        self._stopping = False  # StoppedState seen: the next status says end or stop
        self._done = False
        self._connections = [
            (player.playbackStateChanged, self._on_state),
            (player.mediaStatusChanged, self._on_status),
            (player.positionChanged, self._on_position),
            (player.durationChanged, self._on_duration),
            (player.playbackRateChanged, self._on_rate),
            (player.errorOccurred, self._on_error),
        ]
        for signal, slot in self._connections:
            signal.connect(slot)
        self._on_rate(player.playbackRate())
        self._on_duration(player.duration())

    def _detach(self) -> None:
        for signal, slot in self._connections:
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):  # the player is gone already: nothing to undo
                log.debug("disconnect_failed", adapter="qt")
        self.monitor.close()

    # -- slots (on the player's thread) ----------------------------------------------------

    @guarded
    def _on_state(self, state: Any) -> None:
        State = self._state
        if state == State.PlayingState:
            if not self._requested:
                self._begin()
            elif self._started and self.monitor.state == "paused":
                self.monitor.playing(self._ask_position())
        elif state == State.PausedState:
            if self._started and not self._done:
                self.monitor.pause(self._ask_position())
        elif state == State.StoppedState and self._requested and not self._done:
            if self.player.mediaStatus() == self._status.EndOfMedia:
                self._end()
            else:
                self._stopping = True
                self._timer.singleShot(0, self._settle_stop)

    @guarded
    def _on_status(self, status: Any) -> None:
        Status = self._status
        if not self._requested or self._done:
            return
        if status == Status.EndOfMedia:
            self._end()
        elif status == Status.InvalidMedia:
            self._fail("invalid media")
        elif self._stopping:
            self._stop()
        elif status == Status.BufferedMedia and not self._started:
            self._first_frame(self._ask_position())

    @guarded
    def _on_position(self, millis: int) -> None:
        if not isinstance(millis, int) or millis < 0:
            return
        self._position = millis / 1000
        if not self._requested or self._done or self._stopping:
            return
        if not self._started:
            if self.player.playbackState() == self._state.PlayingState:
                self._first_frame(self._position)  # frames flow though BufferedMedia did not come
            return
        self.monitor.time_update(self._position)

    @guarded
    def _on_duration(self, millis: int) -> None:
        if isinstance(millis, int) and millis > 0 and millis / 1000 != self.duration:
            self.duration = millis / 1000
            self.monitor.duration_change(self.duration)

    @guarded
    def _on_rate(self, rate: float) -> None:
        if isinstance(rate, (int, float)) and rate > 0 and rate != self._rate:
            self._rate = float(rate)
            self.monitor.rate_change(self._rate)

    @guarded
    def _on_error(self, error: Any, text: str) -> None:
        if self._done and self._requested:
            return
        if not self._requested:
            self._begin()  # a source that fails to load is still a playback that failed
        self._fail(text or str(error))

    @guarded
    def _settle_stop(self) -> None:
        if self._stopping and not self._done:
            self._stop()

    # -- transitions -------------------------------------------------------------------------

    def _begin(self) -> None:
        self._requested, self._started, self._done, self._stopping = True, False, False, False
        self.error = None
        self.finished.clear()
        self.monitor.play()
        if self.duration is not None:
            self.monitor.duration_change(self.duration)

    def _first_frame(self, position: float | None) -> None:
        self._started = True
        self.monitor.playing(position if position is not None else 0.0)

    def _end(self) -> None:
        self._done, self._stopping = True, False
        self.monitor.ended()
        self.finished.set()

    def _stop(self) -> None:
        log.info("playback_stopped", adapter="qt", position=self._position)
        self._exit()

    def _fail(self, reason: str) -> None:
        self.error = reason
        log.error("player_error", adapter="qt", error=reason, position=self._position)
        self._exit()

    def _exit(self) -> None:
        self._done, self._stopping = True, False
        self.monitor.exit(self._position)
        self.finished.set()

    def _ask_position(self) -> float | None:
        millis = self.player.position()
        if isinstance(millis, int) and millis >= 0:
            self._position = millis / 1000
        return self._position


def attach(
    player: Any,
    session: SessionLike,
    *,
    record: bool = False,
    stall_timeout: float = 1.0,
    seek_threshold: float = 1.0,
) -> QtAdapter:
    """Feed ``session`` from a PySide6 ``QMediaPlayer``; returns the handle (``detach()`` it).

    Call it on the player's thread, before ``play()``. ``stall_timeout`` and ``seek_threshold``
    tune the :class:`PlayheadMonitor` that infers the stalls and seeks Qt does not signal.

    .. versionadded:: 0.2
    """
    return QtAdapter(
        player, session, record=record, stall_timeout=stall_timeout, seek_threshold=seek_threshold
    )
