"""The same viewing gives the same events on every player (docs/adapters/conformance.md).

One script, played on mpv, VLC, GStreamer and Qt through each player's own API, on the same
media served by the same throttled loopback server: play; the server holds the second half
back (a real stall); a rate change to 2x; pause and resume; a seek forward and one back; play
to the end. A second, short run stops early. Heartbeats and quality updates aside, every
player must give exactly the sequence below, with every position within a second of the
player's own, and the content's length taken from the player (none is declared).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import playhead
from playhead.adapters import gstreamer as gst_adapter
from playhead.adapters import mpv as mpv_adapter
from playhead.adapters import qt as qt_adapter
from playhead.adapters import vlc as vlc_adapter
from playhead.testing import event_names
from tests.adapters.conftest import MEDIA_SECONDS, PLAY_TIMEOUT, QtPlayer, wait_until
from tests.adapters.media_server import MediaServer
from tests.conftest import assert_all_valid

#: What the script must give on every player (docs/adapters/conformance.md, docs/rules.md).
FULL_RUN = [
    "Video Playback Started",
    "Video Content Started",
    "Video Playback Paused",
    "Video Playback Resumed",
    "Video Playback Seek Started",
    "Video Playback Seek Completed",
    "Video Playback Seek Started",
    "Video Playback Seek Completed",
    "Video Playback Buffer Started",
    "Video Playback Buffer Completed",
    "Video Content Completed",
    "Video Playback Completed",
]
EARLY_STOP = ["Video Playback Started", "Video Content Started", "Video Playback Exited"]

#: Where a player truly cannot tell something: (player, what) -> what it gives instead.
#: Kept equal to the table in docs/adapters/conformance.md by test_the_docs_table_is_this_one.
DIFFERENCES: dict[tuple[str, str], str] = {
    # mpv, VLC and GStreamer learn the length after loading began (after play()); Qt knows it
    # before its PlayingState, which is where the Qt adapter reports play().
    ("mpv", "length on Video Playback Started"): "absent",
    ("vlc", "length on Video Playback Started"): "absent",
    ("gstreamer", "length on Video Playback Started"): "absent",
    ("qt", "length on Video Playback Started"): "10",
}

PLAYERS = ["mpv", "vlc", "gstreamer", "qt"]

#: The script's seeks (content seconds): forward from about 1 s, then back.
FORWARD, BACK = 4.0, 2.0


class Driver:
    """One player, driven through its own API; the conformance script talks only to this."""

    name = ""
    rate = 1.0

    def attach(self, session: Any) -> Any:
        raise NotImplementedError

    def load(self, url: str) -> None:
        raise NotImplementedError

    def pause(self) -> None:
        raise NotImplementedError

    def resume(self) -> None:
        raise NotImplementedError

    def seek(self, seconds: float) -> None:
        raise NotImplementedError

    def set_rate(self, rate: float) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def position(self) -> float | None:
        """The player's own position now (seconds), None when it has none."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def run(self, seconds: float) -> None:
        time.sleep(seconds)

    def until(self, predicate: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
        wait_until(predicate, timeout, what)


class MpvDriver(Driver):
    name = "mpv"

    def __init__(self, mpv: Any) -> None:
        self.player = mpv.MPV(vo="null", ao="null")

    def attach(self, session: Any) -> Any:
        return mpv_adapter.attach(self.player, session)

    def load(self, url: str) -> None:
        self.player.play(url)

    def pause(self) -> None:
        self.player.pause = True

    def resume(self) -> None:
        self.player.pause = False

    def seek(self, seconds: float) -> None:
        self.player.seek(seconds, "absolute")

    def set_rate(self, rate: float) -> None:
        self.player.speed = rate

    def stop(self) -> None:
        self.player.stop()

    def position(self) -> float | None:
        value = self.player.time_pos
        return float(value) if isinstance(value, (int, float)) else None

    def close(self) -> None:
        self.player.terminate()


class VlcDriver(Driver):
    name = "vlc"

    def __init__(self, vlc: Any) -> None:
        self.instance = vlc.Instance(
            ["--intf=dummy", "--vout=dummy", "--aout=dummy", "--no-video-title-show", "--quiet"]
        )
        self.player = self.instance.media_player_new()

    def attach(self, session: Any) -> Any:
        return vlc_adapter.attach(self.player, session, stall_timeout=1.0, seek_threshold=1.0)

    def load(self, url: str) -> None:
        self.player.set_media(self.instance.media_new(url))
        self.player.play()

    def pause(self) -> None:
        self.player.set_pause(1)

    def resume(self) -> None:
        self.player.set_pause(0)

    def seek(self, seconds: float) -> None:
        self.player.set_time(round(seconds * 1000))

    def set_rate(self, rate: float) -> None:
        self.player.set_rate(rate)

    def stop(self) -> None:
        self.player.stop()

    def position(self) -> float | None:
        millis = self.player.get_time()
        return millis / 1000 if isinstance(millis, int) and millis >= 0 else None

    def close(self) -> None:
        self.player.stop()
        self.player.release()
        self.instance.release()


class GstDriver(Driver):
    name = "gstreamer"

    def __init__(self, gst: Any) -> None:
        self.gst = gst
        self.last: float | None = None
        self.playbin = gst.ElementFactory.make("playbin", None)
        for prop in ("video-sink", "audio-sink"):
            sink = gst.ElementFactory.make("fakesink", None)
            sink.set_property("sync", True)
            self.playbin.set_property(prop, sink)

    def attach(self, session: Any) -> Any:
        return gst_adapter.attach(self.playbin, session)

    def load(self, url: str) -> None:
        uri = url if "://" in url else self.gst.filename_to_uri(url)
        self.playbin.set_property("uri", uri)
        self.playbin.set_state(self.gst.State.PLAYING)

    def pause(self) -> None:
        self.playbin.set_state(self.gst.State.PAUSED)

    def resume(self) -> None:
        self.playbin.set_state(self.gst.State.PLAYING)

    def seek(self, seconds: float) -> None:
        self._seek(self.rate, round(seconds * self.gst.SECOND))

    def set_rate(self, rate: float) -> None:
        # GStreamer changes the rate with a seek to where it is (its playback-speed tutorial).
        self.rate = rate
        ok, nanos = self.playbin.query_position(self.gst.Format.TIME)
        self._seek(rate, nanos if ok else 0)

    def _seek(self, rate: float, nanos: int) -> None:
        Gst = self.gst
        flags = Gst.SeekFlags.FLUSH | Gst.SeekFlags.ACCURATE
        self.playbin.seek(
            rate, Gst.Format.TIME, flags, Gst.SeekType.SET, nanos, Gst.SeekType.NONE, -1
        )

    def stop(self) -> None:
        self.playbin.set_state(self.gst.State.READY)

    def position(self) -> float | None:
        # A starved pipeline may answer no position: its own latest one still stands.
        ok, nanos = self.playbin.query_position(self.gst.Format.TIME)
        if ok and nanos >= 0:
            self.last = nanos / 1e9
        return self.last

    def close(self) -> None:
        self.playbin.set_state(self.gst.State.NULL)


class QtDriver(Driver):
    name = "qt"

    def __init__(self, app: Any) -> None:
        self.qt = QtPlayer(app)
        self.player = self.qt.player

    def attach(self, session: Any) -> Any:
        return qt_adapter.attach(self.player, session)

    def load(self, url: str) -> None:
        self.qt.load(url)

    def pause(self) -> None:
        self.player.pause()

    def resume(self) -> None:
        self.player.play()

    def seek(self, seconds: float) -> None:
        self.player.setPosition(round(seconds * 1000))

    def set_rate(self, rate: float) -> None:
        self.player.setPlaybackRate(rate)

    def stop(self) -> None:
        self.player.stop()

    def position(self) -> float | None:
        return self.player.position() / 1000  # type: ignore[no-any-return]

    def close(self) -> None:
        self.qt.close()

    def run(self, seconds: float) -> None:
        self.qt.run(seconds)

    def until(self, predicate: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
        self.qt.until(predicate, timeout, what)


@pytest.fixture(params=PLAYERS)
def driver(request: pytest.FixtureRequest) -> Iterator[Driver]:
    name = request.param
    made: Driver
    if name == "mpv":
        made = MpvDriver(request.getfixturevalue("mpv_module"))
    elif name == "vlc":
        made = VlcDriver(request.getfixturevalue("vlc_module"))
    elif name == "gstreamer":
        made = GstDriver(request.getfixturevalue("gst"))
    else:
        made = QtDriver(request.getfixturevalue("qt_app"))
    yield made
    made.close()


class Viewing:
    """A session with no declared length, whose transport notes the player's own position at
    the moment each event is emitted."""

    def __init__(self, driver: Driver) -> None:
        self.driver = driver
        self.sent: list[tuple[dict[str, Any], float | None]] = []
        self.tracker = playhead.Tracker(
            playhead.CallbackTransport(self._note),
            user_id="u1",
            heartbeat_interval=1.0,
            video_player=driver.name,
        )
        self.session = self.tracker.session(content=[playhead.Content(asset_id="c1")])
        self.marks: dict[str, float | None] = {}

    def _note(self, payload: dict[str, Any]) -> None:
        self.sent.append((payload, self.driver.position()))

    def __repr__(self) -> str:
        """The run as read on a failure: each event, its position, the player's own."""
        lines = [f"{self.driver.name}: marks {self.marks}"]
        for payload, at in self.sent:
            props = payload["properties"]
            player = "-" if at is None else f"{at:.2f}"
            lines.append(f"  {payload['event']:34} {props.get('position')!s:>4} player {player}")
        return "\n".join(lines)

    def mark(self, name: str) -> None:
        self.marks[name] = self.driver.position()

    @property
    def payloads(self) -> list[dict[str, Any]]:
        return [payload for payload, _ in self.sent]

    def names(self) -> list[str]:
        return [
            name
            for name in event_names(self.payloads, heartbeats=False)
            if name != "Video Quality Updated"
        ]

    def events(self, name: str) -> list[tuple[dict[str, Any], float | None]]:
        return [(p["properties"], at) for p, at in self.sent if p["event"] == name]


def near(reported: int, player: float | None, what: str) -> None:
    """A reported (floored) position within a second of the player's own."""
    assert player is not None, f"{what}: the player had no position"
    assert abs(reported - player) <= 1.0, f"{what}: reported {reported}, the player {player:.2f}"


def play_script(driver: Driver, viewing: Viewing, server: MediaServer) -> tuple[Any, float]:
    """Play; pause and resume; seek forward, then back; 2x; a stall (the server holds the rest
    of the file until the playhead has stood still a while); play to the end."""
    session = viewing.session
    handle = driver.attach(session)
    try:
        driver.load(server.url)
        driver.until(lambda: session.content_position >= 1.0, what="1 s played")
        viewing.mark("pause")
        driver.pause()
        driver.until(lambda: session.state == "paused", what="paused")
        driver.run(0.5)
        driver.resume()
        driver.until(lambda: session.state == "playing", what="resumed")
        driver.run(0.3)
        viewing.mark("seek forward")
        driver.seek(FORWARD)
        driver.until(lambda: session.stats.seek_count == 1, what="the seek forward")
        driver.until(lambda: session.state == "playing", what="landed forward")
        # Watch a while: a seek within a scrub's join window of the last one is the same seek
        # (issue 8's seek_join_window, 0.8 s by default). These are two.
        driver.run(1.2)
        viewing.mark("seek back")
        driver.seek(BACK)
        driver.until(lambda: session.stats.seek_count == 2, what="the seek back")
        driver.until(lambda: session.state == "playing", what="landed back")
        # The origin stops now, wherever each player has read to: it plays on from its buffer
        # and stalls when that runs dry. (Holding earlier would leave a player blocked in a read
        # of the held part while it seeks, which some, Qt and VLC, cannot interrupt.)
        server.hold()
        driver.run(0.3)
        driver.set_rate(2.0)
        driver.until(lambda: session.stats.stall_count == 1, PLAY_TIMEOUT, "the stall")
        driver.run(1.0)
        server.release()
        driver.until(handle.finished.is_set, PLAY_TIMEOUT, "the end")
    finally:
        handle.detach()
    return handle


def test_the_same_viewing_gives_the_same_events(driver: Driver, video: Path) -> None:
    viewing = Viewing(driver)
    # 30 KB/s for all connections together: 1.8 times the media's bitrate, so 1x never starves
    # and no player has read the whole file by the time the script holds the rest back (the
    # last 5 % wait for the release anyway, so the stall cannot be missed).
    size = len(video.read_bytes())
    with MediaServer(video, rate=30_000, stall_at=size * 95 // 100, hold=True) as server:
        try:
            handle = play_script(driver, viewing, server)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{viewing!r}") from None
    payloads = viewing.payloads
    assert_all_valid(payloads)
    assert viewing.names() == FULL_RUN, repr(viewing)
    assert handle.failures == 0

    # Positions: each within a second of the player's own at that moment.
    for name in ("Video Content Started", "Video Playback Buffer Started"):
        ((props, at),) = viewing.events(name)
        near(props["position"], at, name)
    ((paused, _),) = viewing.events("Video Playback Paused")
    near(paused["position"], viewing.marks["pause"], "Paused")
    ((resumed, _),) = viewing.events("Video Playback Resumed")
    assert abs(resumed["position"] - paused["position"]) <= 1
    (first, _), (second, _) = viewing.events("Video Playback Seek Started")
    near(first["position"], viewing.marks["seek forward"], "Seek Started (forward) origin")
    near(first["seek_position"], FORWARD, "Seek Started (forward) target")
    near(second["position"], viewing.marks["seek back"], "Seek Started (back) origin")
    near(second["seek_position"], BACK, "Seek Started (back) target")
    landed = viewing.events("Video Playback Seek Completed")
    near(landed[0][0]["position"], FORWARD, "Seek Completed (forward)")
    near(landed[1][0]["position"], BACK, "Seek Completed (back)")
    for name in ("Video Content Completed", "Video Playback Completed"):
        ((props, _),) = viewing.events(name)
        assert props["position"] == MEDIA_SECONDS, name

    # The length comes from the player; the rate reached the session.
    for props, _ in viewing.events("Video Content Completed"):
        assert props["total_length"] == MEDIA_SECONDS
    assert viewing.session.content[0].total_length == pytest.approx(MEDIA_SECONDS, abs=0.1)
    assert handle.monitor.rate == 2.0
    ((started, _),) = viewing.events("Video Playback Started")
    length = str(started["total_length"]) if "total_length" in started else "absent"
    assert length == DIFFERENCES[(driver.name, "length on Video Playback Started")]


def test_an_early_stop_is_exited_on_every_player(driver: Driver, video: Path) -> None:
    viewing = Viewing(driver)
    handle = driver.attach(viewing.session)
    try:
        driver.load(str(video))
        driver.until(lambda: viewing.session.state == "playing", what="the first frame")
        driver.run(1.0)
        viewing.mark("stop")
        driver.stop()
        driver.until(handle.finished.is_set, PLAY_TIMEOUT, "the stop")
    finally:
        handle.detach()
    assert_all_valid(viewing.payloads)
    assert viewing.names() == EARLY_STOP, driver.name
    ((exited, _),) = viewing.events("Video Playback Exited")
    near(exited["position"], viewing.marks["stop"], "Exited")


def test_the_docs_table_is_this_one() -> None:
    page = (Path(__file__).parents[2] / "docs" / "adapters" / "conformance.md").read_text()
    rows = {
        tuple(cell.strip() for cell in line.strip("|").split("|"))
        for line in page.splitlines()
        if line.startswith("| `")
    }
    assert rows == {(f"`{player}`", what, value) for (player, what), value in DIFFERENCES.items()}
    listed = [
        re.sub(r" \(.*\)$", "", line.split(". ", 1)[1])
        for line in page.splitlines()
        if re.match(r"\d+\. Video ", line)
    ]
    assert listed == FULL_RUN
