"""The players ``playhead play`` can drive: open one, attach its adapter, play, wait, close.

Each backend imports its player library only when chosen, and plays headless (no window, no
sound) unless asked for a window. Only ``playhead play`` uses these; applications own their
players and call ``attach`` themselves.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from playhead.adapters._base import AdapterHandle, SessionLike

__all__ = ["BACKENDS", "Backend", "MissingPlayer"]

_TICK = 0.2


class MissingPlayer(Exception):
    """The chosen player's library is not installed (the message says how to install it)."""


def _uri(media: str) -> str:
    return media if "://" in media else Path(media).resolve().as_uri()


class Backend:
    """One player for ``playhead play``."""

    name = ""

    def __init__(self, *, window: bool, speed: float) -> None:
        self.window = window
        self.speed = speed

    def attach(self, session: SessionLike, record: bool) -> AdapterHandle:
        raise NotImplementedError

    def start(self, media: str) -> None:
        raise NotImplementedError

    def wait(self, handle: AdapterHandle) -> None:
        """Until playback is over (or the player went away)."""
        while not handle.wait(_TICK):
            pass

    def close(self) -> None:
        raise NotImplementedError


class MpvBackend(Backend):
    name = "mpv"

    def __init__(self, *, window: bool, speed: float) -> None:
        super().__init__(window=window, speed=speed)
        try:
            import mpv
        except (ImportError, OSError) as exc:  # python-mpv raises OSError without libmpv
            raise MissingPlayer(
                f"mpv: install libmpv (Debian: libmpv2) and `pip install 'playhead[players]'` "
                f"({exc})"
            ) from None
        options: dict[str, Any] = {"speed": speed}
        if window:
            # Sound where there is a device, silence (not an error at the end) where not.
            options.update(audio_fallback_to_null=True)
        else:
            options.update(vo="null", ao="null")
        self.player = mpv.MPV(**options)

    def attach(self, session: SessionLike, record: bool) -> AdapterHandle:
        from playhead.adapters import mpv as adapter

        return adapter.attach(self.player, session, record=record)

    def start(self, media: str) -> None:
        self.player.play(media)

    def wait(self, handle: AdapterHandle) -> None:
        while not handle.wait(_TICK):
            if self.player.core_shutdown:  # the window was closed, or mpv died
                return

    def close(self) -> None:
        self.player.terminate()


class VlcBackend(Backend):
    name = "vlc"

    def __init__(self, *, window: bool, speed: float) -> None:
        super().__init__(window=window, speed=speed)
        try:
            import vlc
        except (ImportError, OSError) as exc:
            raise MissingPlayer(
                f"VLC: install libvlc (Debian: libvlc5 vlc-plugin-base) and "
                f"`pip install 'playhead[players]'` ({exc})"
            ) from None
        args = ["--intf=dummy", "--no-video-title-show", "--quiet"]
        if not window:
            args += ["--vout=dummy", "--aout=dummy"]
        self.instance = vlc.Instance(args)
        if self.instance is None:
            raise MissingPlayer("VLC: libvlc could not start (is vlc-plugin-base installed?)")
        self.player = self.instance.media_player_new()

    def attach(self, session: SessionLike, record: bool) -> AdapterHandle:
        from playhead.adapters import vlc as adapter

        return adapter.attach(self.player, session, record=record)

    def start(self, media: str) -> None:
        self.player.set_media(self.instance.media_new(media))
        self.player.play()
        if self.speed != 1:
            self.player.set_rate(self.speed)

    def close(self) -> None:
        self.player.stop()
        self.player.release()
        self.instance.release()


class GstBackend(Backend):
    name = "gstreamer"

    def __init__(self, *, window: bool, speed: float) -> None:
        super().__init__(window=window, speed=speed)
        try:
            import gi

            gi.require_version("Gst", "1.0")
            from gi.repository import Gst
        except (ImportError, ValueError) as exc:
            raise MissingPlayer(
                f"GStreamer: install the gir1.2-gstreamer-1.0 packages and "
                f"`pip install 'playhead[gstreamer]'` ({exc})"
            ) from None
        Gst.init(None)
        self.gst = Gst
        self.playbin = Gst.ElementFactory.make("playbin", None)
        if self.playbin is None:
            raise MissingPlayer("GStreamer: no playbin (Debian: gstreamer1.0-plugins-base)")
        if not window:
            for prop in ("video-sink", "audio-sink"):
                sink = Gst.ElementFactory.make("fakesink", None)
                sink.set_property("sync", True)
                self.playbin.set_property(prop, sink)

    def attach(self, session: SessionLike, record: bool) -> AdapterHandle:
        from playhead.adapters import gstreamer as adapter

        return adapter.attach(self.playbin, session, record=record)

    def start(self, media: str) -> None:
        self.playbin.set_property("uri", _uri(media))
        self.playbin.set_state(self.gst.State.PLAYING)
        if self.speed != 1:
            # GStreamer changes the rate with a seek, once the pipeline has prerolled.
            self.playbin.get_state(5 * self.gst.SECOND)
            flags = self.gst.SeekFlags.FLUSH | self.gst.SeekFlags.ACCURATE
            self.playbin.seek(
                self.speed, self.gst.Format.TIME, flags, self.gst.SeekType.SET, 0,
                self.gst.SeekType.NONE, -1,
            )  # fmt: skip

    def close(self) -> None:
        self.playbin.set_state(self.gst.State.NULL)


class QtBackend(Backend):
    name = "qt"

    def __init__(self, *, window: bool, speed: float) -> None:
        super().__init__(window=window, speed=speed)
        if not window:
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        try:
            from PySide6.QtMultimedia import QMediaPlayer, QVideoSink
            from PySide6.QtWidgets import QApplication
        except ImportError as exc:
            raise MissingPlayer(f"Qt: `pip install 'playhead[qt]'` ({exc})") from None
        self.app = QApplication.instance() or QApplication([])
        self.player = QMediaPlayer()
        if window:
            from PySide6.QtMultimedia import QAudioOutput
            from PySide6.QtMultimediaWidgets import QVideoWidget

            self.output: Any = QVideoWidget()
            self.audio = QAudioOutput()
            self.player.setAudioOutput(self.audio)
            self.player.setVideoOutput(self.output)
            self.output.show()
        else:
            self.output = QVideoSink()  # without a video output EndOfMedia never arrives
            self.player.setVideoSink(self.output)

    def attach(self, session: SessionLike, record: bool) -> AdapterHandle:
        from playhead.adapters import qt as adapter

        return adapter.attach(self.player, session, record=record)

    def start(self, media: str) -> None:
        from PySide6.QtCore import QUrl

        self.player.setSource(QUrl(media) if "://" in media else QUrl.fromLocalFile(media))
        self.player.setPlaybackRate(self.speed)
        self.player.play()

    def wait(self, handle: AdapterHandle) -> None:
        # Qt delivers the player's signals from this thread's event loop: run it.
        while not handle.finished.is_set():
            self.app.processEvents()
            time.sleep(0.01)

    def close(self) -> None:
        self.player.stop()
        self.app.processEvents()


BACKENDS: dict[str, type[Backend]] = {
    backend.name: backend for backend in (MpvBackend, VlcBackend, GstBackend, QtBackend)
}
