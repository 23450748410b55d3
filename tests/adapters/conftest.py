"""Fixtures for the adapter tests: media made with ffmpeg, real players, real-clock sessions.

Nothing here is committed media: ffmpeg writes the test files into pytest's temporary directory
once per run. Where a player library is missing the tests skip, unless
``PLAYHEAD_REQUIRE_PLAYERS=1`` (set by ``.ci/run``): then a missing player fails the run.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import playhead
from playhead.testing import event_names
from tests.conftest import assert_all_valid

REQUIRE_PLAYERS = os.environ.get("PLAYHEAD_REQUIRE_PLAYERS") == "1"

#: Seconds of test media, and the generous bound on any one real playback.
MEDIA_SECONDS = 10
PLAY_TIMEOUT = 40.0


def unavailable(what: str, why: str, *, required: bool = REQUIRE_PLAYERS) -> None:
    """Skip, or fail when the environment promises the players (CI)."""
    message = f"{what} is not available: {why}"
    if required:
        pytest.fail(message + " (PLAYHEAD_REQUIRE_PLAYERS=1)", pytrace=False)
    pytest.skip(message)


def need(module: str, hint: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except (ImportError, OSError) as exc:  # python-mpv raises OSError without libmpv
        unavailable(module, f"{exc}; {hint}")
        raise  # unreachable: skip/fail raise


def ffmpeg(*args: str) -> None:
    if shutil.which("ffmpeg") is None:
        unavailable("ffmpeg", "needed to make the test media (Debian: apt-get install ffmpeg)")
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", *args], check=True, timeout=120, capture_output=True
    )


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def video(media_dir: Path) -> Path:
    """10 s of H.264 + AAC, one keyframe a second, moov first (streams over HTTP)."""
    path = media_dir / "test.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", f"testsrc=duration={MEDIA_SECONDS}:size=320x240:rate=25",
        "-f", "lavfi", "-i", f"sine=duration={MEDIA_SECONDS}",
        "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-movflags", "+faststart", str(path),
    )  # fmt: skip
    return path


@pytest.fixture(scope="session")
def short_video(media_dir: Path) -> Path:
    """5 s, for players the tests cannot speed up (GStreamer)."""
    path = media_dir / "short.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=duration=5:size=160x120:rate=25",
        "-f", "lavfi", "-i", "sine=duration=5",
        "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-movflags", "+faststart", str(path),
    )  # fmt: skip
    return path


@pytest.fixture(scope="session")
def not_media(media_dir: Path) -> Path:
    """A file no player can decode."""
    path = media_dir / "not-a-video.mp4"
    path.write_bytes(bytes(range(256)) * 40)
    return path


@pytest.fixture
def missing(tmp_path: Path) -> Path:
    return tmp_path / "no-such-file.mp4"


class Run:
    """A tracker on the real clock with a memory transport, and the checks every test makes."""

    def __init__(
        self, video_player: str, heartbeat_interval: float = 0.5, length: int = MEDIA_SECONDS
    ) -> None:
        self.memory = playhead.MemoryTransport()
        self.tracker = playhead.Tracker(
            self.memory,
            user_id="u1",
            heartbeat_interval=heartbeat_interval,
            video_player=video_player,
        )
        self.session = self.tracker.session(
            content=[playhead.Content(asset_id="c1", total_length=length)]
        )

    @property
    def payloads(self) -> list[dict[str, Any]]:
        payloads = list(self.memory.payloads)
        assert_all_valid(payloads)
        return payloads

    def names(self) -> list[str]:
        """The events without heartbeats and quality updates (their number depends on timing)."""
        return [
            name
            for name in event_names(self.payloads, heartbeats=False)
            if name != "Video Quality Updated"
        ]

    def props(self, event: str, index: int = 0) -> dict[str, Any]:
        found = [p for p in self.payloads if p["event"] == event]
        assert len(found) > index, f"no {event!r} #{index} in {event_names(self.payloads)}"
        props: dict[str, Any] = found[index]["properties"]
        return props

    def assert_heartbeats_only_while_playing(self) -> None:
        playing = False
        for payload in self.payloads:
            name = payload["event"]
            if name == "Video Content Playing":
                assert playing, f"a heartbeat while not playing: {event_names(self.payloads)}"
            elif name in (
                "Video Content Started",
                "Video Playback Resumed",
                "Video Playback Buffer Completed",
                "Video Playback Seek Completed",
            ):
                playing = True
            elif name in (
                "Video Playback Paused",
                "Video Playback Buffer Started",
                "Video Playback Seek Started",
                "Video Content Completed",
                "Video Playback Exited",
                "Video Playback Completed",
            ):
                playing = False


@pytest.fixture
def make_run() -> Callable[..., Run]:
    return Run


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
    """Poll ``predicate`` (bounded): real players take their time."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or predicate}")
        time.sleep(0.02)


#: What a play, pause, resume, seek forward, play-to-the-end run must emit.
CLEAN_RUN = [
    "Video Playback Started",
    "Video Content Started",
    "Video Playback Paused",
    "Video Playback Resumed",
    "Video Playback Seek Started",
    "Video Playback Seek Completed",
    "Video Content Completed",
    "Video Playback Completed",
]

#: A run with one real stall (from a throttled stream), played to the end.
STALL_RUN = [
    "Video Playback Started",
    "Video Content Started",
    "Video Playback Buffer Started",
    "Video Playback Buffer Completed",
    "Video Content Completed",
    "Video Playback Completed",
]

#: A run with one seek that waits for the network (its buffering is the seek's), to the end.
SEEK_RUN = [
    "Video Playback Started",
    "Video Content Started",
    "Video Playback Seek Started",
    "Video Playback Seek Completed",
    "Video Content Completed",
    "Video Playback Completed",
]


@pytest.fixture
def mpv_module() -> ModuleType:
    return need("mpv", "pip install python-mpv; Debian: apt-get install libmpv2")


@pytest.fixture
def mpv_player(mpv_module: ModuleType) -> Iterator[Any]:
    player = mpv_module.MPV(vo="null", ao="null", speed=4)
    yield player
    player.terminate()


@pytest.fixture
def vlc_module() -> ModuleType:
    module = need("vlc", "pip install python-vlc; Debian: apt-get install libvlc5 vlc-plugin-base")
    if getattr(module, "Instance", None) is None or module.Instance() is None:
        unavailable("libvlc", "python-vlc imports but libvlc could not start")
    return module


@pytest.fixture
def vlc_player(vlc_module: ModuleType) -> Iterator[tuple[Any, Any]]:
    instance = vlc_module.Instance(
        ["--intf=dummy", "--vout=dummy", "--aout=dummy", "--no-video-title-show", "--quiet"]
    )
    player = instance.media_player_new()
    yield instance, player
    player.stop()
    player.release()
    instance.release()


@pytest.fixture
def gst() -> ModuleType:
    """GStreamer through PyGObject; skipped (never forced by PLAYHEAD_REQUIRE_PLAYERS) without it.

    PyGObject from PyPI builds against the system's GLib (``PyGObject<3.51`` on Debian 12),
    which not every machine can do; set PLAYHEAD_REQUIRE_GSTREAMER=1 where it is installed.
    """
    required = os.environ.get("PLAYHEAD_REQUIRE_GSTREAMER") == "1"
    try:
        import gi

        gi.require_version("Gst", "1.0")
        from gi.repository import Gst
    except (ImportError, ValueError) as exc:
        unavailable(
            "GStreamer (PyGObject)", f"{exc}; pip install 'PyGObject<3.51'", required=required
        )
        raise
    Gst.init(None)
    if Gst.ElementFactory.find("playbin") is None:
        unavailable("GStreamer playbin", "install gstreamer1.0-plugins-base", required=required)
    return Gst  # type: ignore[no-any-return]


@pytest.fixture
def playbin(gst: Any) -> Iterator[Any]:
    element = gst.ElementFactory.make("playbin", None)
    for prop in ("video-sink", "audio-sink"):
        sink = gst.ElementFactory.make("fakesink", None)
        sink.set_property("sync", True)
        element.set_property(prop, sink)
    yield element
    element.set_state(gst.State.NULL)


REQUIRE_QT = os.environ.get("PLAYHEAD_REQUIRE_QT") == "1"


@pytest.fixture(scope="session")
def qt_app() -> Any:
    """One QGuiApplication for the run (Qt allows one per process), offscreen.

    Skipped without PySide6's QtMultimedia, unless ``PLAYHEAD_REQUIRE_QT=1`` (CI) makes that
    a failure.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtMultimedia import QMediaPlayer  # noqa: F401
    except ImportError as exc:
        unavailable(
            "PySide6 QtMultimedia", f"{exc}; pip install 'playhead[qt]'", required=REQUIRE_QT
        )
        raise
    return QGuiApplication.instance() or QGuiApplication([])


class QtPlayer:
    """A QMediaPlayer with a QVideoSink (without one EndOfMedia never arrives), and a pump.

    Qt delivers its signals from the event loop of the thread that owns the player, so every
    wait here runs that loop instead of sleeping.
    """

    def __init__(self, app: Any) -> None:
        from PySide6.QtMultimedia import QMediaPlayer, QVideoSink

        self.app = app
        self.player = QMediaPlayer()
        self.sink = QVideoSink()
        self.player.setVideoSink(self.sink)

    def load(self, source: str | Path, rate: float = 1.0) -> None:
        from PySide6.QtCore import QUrl

        text = str(source)
        self.player.setSource(QUrl(text) if "://" in text else QUrl.fromLocalFile(text))
        self.player.setPlaybackRate(rate)
        self.player.play()

    def run(self, seconds: float) -> None:
        """Run Qt's event loop for ``seconds``."""
        self.until(lambda: False, seconds, quiet=True)

    def until(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10.0,
        what: str = "",
        *,
        quiet: bool = False,
    ) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                if quiet:
                    return
                raise AssertionError(f"timed out after {timeout} s waiting for {what}")
            self.app.processEvents()
            time.sleep(0.005)

    def close(self) -> None:
        self.player.stop()
        self.run(0.05)
        self.player.setSource(type(self.player.source())())
        self.player.deleteLater()
        self.run(0.05)


@pytest.fixture
def qt_player(qt_app: Any) -> Iterator[QtPlayer]:
    player = QtPlayer(qt_app)
    yield player
    player.close()


@pytest.fixture(scope="session")
def sparse_video(media_dir: Path) -> Path:
    """10 s with a single key frame (``-g 250``): a player seeking by key frames lands at 0."""
    path = media_dir / "sparse.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", f"testsrc=duration={MEDIA_SECONDS}:size=320x240:rate=25",
        "-f", "lavfi", "-i", f"sine=duration={MEDIA_SECONDS}",
        "-c:v", "libx264", "-preset", "veryfast", "-g", "250", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-movflags", "+faststart", str(path),
    )  # fmt: skip
    return path
