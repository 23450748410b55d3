"""Timelines written in Python: ``TimelineBuilder().play().advance(0.4).playing(0)...``.

A builder makes exactly the dict of the JSON timeline format that ``playhead simulate`` reads
(``tracker``, ``session``, ``start``, ``steps``), so a test can be written in Python, saved as
JSON, and replayed by the CLI, or the other way round. Every raw callback of a session is a
method of the same name and arguments; :meth:`~TimelineBuilder.advance` and
:meth:`~TimelineBuilder.at` move the fake clock; :meth:`~TimelineBuilder.watch` and
:meth:`~TimelineBuilder.watch_ad` add the time updates a player sends while frames advance.

Examples:
    >>> from playhead.testing.builder import TimelineBuilder
    >>> timeline = TimelineBuilder().play().advance(0.4).playing(0).watch(1, every=0.5).pause()
    >>> [(step["at"], step["call"]) for step in timeline.to_dict()["steps"]]
    [(0.0, 'play'), (0.4, 'playing'), (0.9, 'time_update'), (1.4, 'time_update'), (1.4, 'pause')]

.. versionadded:: 0.1
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from playhead.arguments import RAW_CALLBACKS
from playhead.clock import DEFAULT_START
from playhead.model import Ad, AdBreak, Content
from playhead.transports.base import Transport

__all__ = ["CALLBACKS", "DEFAULT_START", "TimelineBuilder"]


#: Every raw callback of a session, with the names of its arguments.
CALLBACKS = RAW_CALLBACKS
_WITH_METADATA = ("content_start", "ad_break_start", "ad_start")


def _metadata_dict(item: Content | Ad | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(item, Mapping):
        return dict(item)
    data: dict[str, Any] = {}
    for field in attrs.fields(type(item)):
        value = getattr(item, field.name)
        if field.name == "extra" or value is None:
            continue
        data[field.name] = list(value) if isinstance(value, tuple) else value
    data.update(item.extra)
    return data


def _ad_break_dict(item: AdBreak | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(item, Mapping):
        data = dict(item)
        data["ads"] = [_metadata_dict(ad) for ad in data.get("ads", ())]
        return data
    return {
        "pod_id": item.pod_id,
        "type": item.type,
        "ads": [_metadata_dict(ad) for ad in item.ads],
        **item.extra,
    }


def _round(seconds: float) -> float:
    # Steps are built by repeated addition: keep their times free of 0.30000000000000004.
    return round(seconds, 6)


class TimelineBuilder:
    """Builds a timeline (the JSON format's dict) one call at a time.

    The constructor takes what the ``tracker`` and ``session`` parts hold: ``content`` and
    ``ad_breaks`` (model objects or dicts; one 600 s item ``content-1`` by default),
    ``livestream``, ``session_id``, ``start`` (ISO-8601), and any Tracker option as a keyword
    (``user_id="u1"`` by default, ``heartbeat_interval=10``, ``video_player``, ...).

    Methods named after the callbacks leave out arguments given as None (the callback's
    default applies); :meth:`call` passes every argument as given, None included.

    .. versionadded:: 0.1
    """

    def __init__(
        self,
        *,
        content: Iterable[Content | Mapping[str, Any]] | None = None,
        ad_breaks: Iterable[AdBreak | Mapping[str, Any]] = (),
        livestream: bool = False,
        session_id: str | None = None,
        properties: Mapping[str, Any] | None = None,
        start: str = DEFAULT_START,
        **tracker: Any,
    ) -> None:
        if "anonymous_id" not in tracker:
            tracker.setdefault("user_id", "u1")
        tracker.setdefault("heartbeat_interval", 10)
        self._tracker: dict[str, Any] = tracker
        items = [{"asset_id": "content-1", "total_length": 600}] if content is None else content
        self._content = [_metadata_dict(item) for item in items]
        self._ad_breaks = [_ad_break_dict(item) for item in ad_breaks]
        self._livestream = livestream
        self._session_id = session_id
        self._properties = dict(properties) if properties else None
        self._start = start
        self._steps: list[dict[str, Any]] = []
        self._now = 0.0
        self._position = 0.0
        self._ad_position = 0.0
        self._seek_target: float | None = None
        self._rate = 1.0

    # -- the schedule -------------------------------------------------------------------------

    def add_content(self, item: Content | Mapping[str, Any] | None = None, **fields: Any) -> Any:
        """Declare one more content item (a Content, a dict, or its fields as keywords)."""
        self._content.append(_metadata_dict(item if item is not None else fields))
        return self

    def add_ad_break(self, item: AdBreak | Mapping[str, Any] | None = None, **fields: Any) -> Any:
        """Declare an ad break (an AdBreak, a dict, or ``pod_id=, type=, ads=[...]``)."""
        self._ad_breaks.append(_ad_break_dict(item if item is not None else fields))
        return self

    # -- time -----------------------------------------------------------------------------------

    @property
    def now(self) -> float:
        """Seconds from the start at which the next step happens."""
        return self._now

    @property
    def position(self) -> float:
        """The content playhead the builder has reached (what :meth:`watch` continues from)."""
        return self._position

    def advance(self, seconds: float) -> Any:
        """Let ``seconds`` pass (heartbeats fall due on the way when the timeline runs)."""
        if not seconds >= 0:
            raise ValueError(f"time does not go back: advance({seconds!r})")
        self._now = _round(self._now + seconds)
        return self

    def at(self, seconds: float) -> Any:
        """Move to ``seconds`` from the start (never back)."""
        if not seconds >= self._now:
            raise ValueError(f"time does not go back: at({seconds!r}) after {self._now!r}")
        self._now = _round(seconds)
        return self

    @property
    def rate(self) -> float:
        """The playback rate of the last :meth:`rate_change` (1.0 before any)."""
        return self._rate

    def watch(self, seconds: float, every: float = 0.25) -> Any:
        """Content plays for ``seconds`` of clock: a ``time_update`` every ``every`` seconds.

        The content playhead advances ``seconds`` times the playback :attr:`rate`.
        """
        self._ticks(seconds, every, "time_update")
        return self

    def watch_ad(self, seconds: float, every: float = 0.25) -> Any:
        """The current ad plays for ``seconds``: an ``ad_time_update`` every ``every`` s."""
        self._ticks(seconds, every, "ad_time_update")
        return self

    def _ticks(self, seconds: float, every: float, call: str) -> None:
        if not every > 0:
            raise ValueError(f"every must be > 0, got {every!r}")
        left = seconds
        while left > 1e-9:
            step = min(every, left)
            left -= step
            self.advance(step)
            if call == "time_update":
                self.call(call, position=_round(self._position + step * self._rate))
            else:
                self.call(call, position=_round(self._ad_position + step))

    # -- the callbacks ----------------------------------------------------------------------------

    def call(self, name: str, **arguments: Any) -> Any:
        """Add a step calling ``name`` with ``arguments`` exactly as given (None included)."""
        if name not in CALLBACKS:
            raise ValueError(f"unknown callback {name!r}; callbacks: {', '.join(CALLBACKS)}")
        self._track(name, arguments)
        self._steps.append({"at": self._now, "call": name, **arguments})
        return self

    def _track(self, name: str, arguments: Mapping[str, Any]) -> None:
        """Follow the playheads, so :meth:`watch` continues from where the player is."""
        position = arguments.get("position")
        number = isinstance(position, (int, float)) and not isinstance(position, bool)
        if name in ("playing", "time_update", "pause", "waiting", "exit") and number:
            self._position = float(position)  # type: ignore[arg-type]
        elif name == "seeking" and isinstance(arguments.get("to"), (int, float)):
            self._seek_target = float(arguments["to"])
        elif name == "seeked":
            target = float(position) if number else self._seek_target  # type: ignore[arg-type]
            if target is not None:
                self._position = target
            self._seek_target = None
        elif name == "content_start":
            self._position = 0.0
        elif name == "ad_start":
            self._ad_position = 0.0
        elif name == "ad_time_update" and number:
            self._ad_position = float(position)  # type: ignore[arg-type]
        elif name == "rate_change":
            rate = arguments.get("rate")
            if isinstance(rate, (int, float)) and not isinstance(rate, bool) and 0 < rate < 1e6:
                self._rate = float(rate)

    def _given(self, name: str, **arguments: Any) -> Any:
        return self.call(name, **{k: v for k, v in arguments.items() if v is not None})

    def play(self) -> Any:
        """Playback requested."""
        return self.call("play")

    def playing(self, position: float | None = None) -> Any:
        """Frames advance (first frame, or after a pause, stall or seek)."""
        return self._given("playing", position=position)

    def pause(self, position: float | None = None) -> Any:
        """The user paused."""
        return self._given("pause", position=position)

    def time_update(self, position: float) -> Any:
        """A content playhead tick."""
        return self.call("time_update", position=position)

    def waiting(self, position: float | None = None) -> Any:
        """Stalled for data."""
        return self._given("waiting", position=position)

    def seeking(self, to: float, position: float | None = None) -> Any:
        """A seek to ``to`` begins (``position``: its origin, default the last known one)."""
        return self._given("seeking", to=to, position=position)

    def seeked(self, position: float | None = None) -> Any:
        """The seek landed."""
        return self._given("seeked", position=position)

    def ended(self) -> Any:
        """The current content reached its end."""
        return self.call("ended")

    def content_start(self, asset_id: str, **metadata: Any) -> Any:
        """The next item of a playlist starts."""
        return self.call("content_start", asset_id=asset_id, **metadata)

    def ad_break_start(self, pod_id: str, **metadata: Any) -> Any:
        """An ad break starts."""
        return self.call("ad_break_start", pod_id=pod_id, **metadata)

    def ad_start(self, asset_id: str, **metadata: Any) -> Any:
        """An ad starts."""
        return self.call("ad_start", asset_id=asset_id, **metadata)

    def ad_time_update(self, position: float) -> Any:
        """An ad playhead tick."""
        return self.call("ad_time_update", position=position)

    def ad_skipped(self) -> Any:
        """The user skipped the ad."""
        return self.call("ad_skipped")

    def ad_end(self) -> Any:
        """The ad finished."""
        return self.call("ad_end")

    def ad_break_end(self) -> Any:
        """The ad break finished."""
        return self.call("ad_break_end")

    def quality(
        self,
        bitrate: float | None = None,
        framerate: float | None = None,
        dropped_frames: int | None = None,
    ) -> Any:
        """Bitrate (kbps), framerate or the dropped-frames counter changed."""
        return self._given(
            "quality", bitrate=bitrate, framerate=framerate, dropped_frames=dropped_frames
        )

    def volume(self, sound: float) -> Any:
        """Volume, 0-100."""
        return self.call("volume", sound=sound)

    def rate_change(self, rate: float) -> Any:
        """The playback rate changed; :meth:`watch` then advances the content at that rate."""
        return self.call("rate_change", rate=rate)

    def fullscreen(self, on: bool) -> Any:
        """Full screen on or off."""
        return self.call("fullscreen", on=on)

    def interrupt(self, method: str) -> Any:
        """Playback stopped unintentionally (``"device lock"``, ``"network loss"``...)."""
        return self.call("interrupt", method=method)

    def exit(self, position: float | None = None) -> Any:
        """The user left."""
        return self._given("exit", position=position)

    # -- output -----------------------------------------------------------------------------------

    @property
    def steps(self) -> list[dict[str, Any]]:
        """A copy of the steps so far."""
        return [dict(step) for step in self._steps]

    def to_dict(self) -> dict[str, Any]:
        """The timeline in the JSON format's shape (a fresh copy each time)."""
        session: dict[str, Any] = {
            "livestream": self._livestream,
            "content": [dict(item) for item in self._content],
            "ad_breaks": [
                {**b, "ads": [dict(ad) for ad in b.get("ads", ())]} for b in self._ad_breaks
            ],
        }
        if self._session_id is not None:
            session["session_id"] = self._session_id
        if self._properties is not None:
            session["properties"] = dict(self._properties)
        timeline: dict[str, Any] = {
            "tracker": dict(self._tracker),
            "session": session,
            "start": self._start,
            "steps": self.steps,
        }
        if self._now > (self._steps[-1]["at"] if self._steps else 0.0):
            # Time left after the last step still runs (heartbeats fall due in it).
            timeline["end"] = self._now
        return timeline

    def to_json(self, indent: int | None = 2) -> str:
        """The timeline as JSON text (what ``playhead simulate`` reads)."""
        return json.dumps(self.to_dict(), indent=indent)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_json` to ``path``."""
        target = Path(path)
        target.write_text(self.to_json() + "\n", encoding="utf-8")
        return target

    def run(self, transport: Transport | None = None) -> list[dict[str, Any]]:
        """Replay the timeline on a fake clock; the payloads it emits, in order.

        With ``transport`` given, the payloads also go there (see ``run_timeline``).
        """
        from playhead.testing.timeline import run_timeline

        return run_timeline(self.to_dict(), transport)

    @classmethod
    def from_dict(cls, timeline: Mapping[str, Any]) -> TimelineBuilder:
        """A builder holding ``timeline`` (the JSON format's dict), to extend it."""
        session = dict(timeline.get("session") or {})
        builder = cls(
            content=session.get("content", []),
            ad_breaks=session.get("ad_breaks", ()),
            livestream=bool(session.get("livestream", False)),
            session_id=session.get("session_id"),
            properties=session.get("properties"),
            start=str(timeline.get("start", DEFAULT_START)),
            **dict(timeline.get("tracker") or {}),
        )
        for step in timeline.get("steps", ()):
            arguments = {k: v for k, v in step.items() if k not in ("at", "call")}
            builder.at(float(step.get("at", builder.now)))
            builder.call(str(step["call"]), **arguments)
        if timeline.get("end") is not None:
            builder.at(float(timeline["end"]))
        return builder

    def __len__(self) -> int:
        return len(self._steps)

    def __repr__(self) -> str:
        """Python that rebuilds this timeline (so hypothesis' failing examples can be pasted)."""
        head: list[str] = []
        data = self.to_dict()
        for key, value in data["tracker"].items():
            head.append(f"{key}={value!r}")
        head.append(f"content={data['session']['content']!r}")
        if data["session"]["ad_breaks"]:
            head.append(f"ad_breaks={data['session']['ad_breaks']!r}")
        if self._livestream:
            head.append("livestream=True")
        if self._session_id is not None:
            head.append(f"session_id={self._session_id!r}")
        if self._properties is not None:
            head.append(f"properties={self._properties!r}")
        if self._start != DEFAULT_START:
            head.append(f"start={self._start!r}")
        parts = [f"TimelineBuilder({', '.join(head)})"]
        previous = 0.0
        for step in self._steps:
            if step["at"] != previous:
                parts.append(f".at({step['at']!r})")
                previous = step["at"]
            arguments = ", ".join(f"{k}={v!r}" for k, v in step.items() if k not in ("at", "call"))
            parts.append(f".call({step['call']!r}{', ' if arguments else ''}{arguments})")
        if self._now != previous:
            parts.append(f".at({self._now!r})")
        return "".join(parts)
