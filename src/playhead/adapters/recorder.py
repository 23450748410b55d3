"""Record the raw callbacks a session receives, with their times, as a replayable timeline.

A bug seen on a real player should become a unit test. Wrap the session in a :class:`Recorder`,
hand the recorder to the adapter (or to your own code) instead of the session, play, then
:meth:`Recorder.dump` the timeline: it is the JSON that ``playhead simulate`` and
``playhead.testing.run_timeline`` read, so the same calls replay on the fake clock at the same
offsets and give the same events.

Only what reaches the session is recorded. Put the recorder *under* a
:class:`~playhead.adapters.monitor.PlayheadMonitor` (``attach()`` does that) and the stalls and
seeks the monitor inferred are recorded as the ``waiting``/``seeking`` calls it made, so the
replay does not need the monitor, its timers or the player.

.. versionadded:: 0.1
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Mapping
from os import PathLike
from typing import Any

import attrs

from playhead.adapters._base import clock_of
from playhead.arguments import RAW_CALLBACKS
from playhead.clock import Clock, format_timestamp

__all__ = ["RAW_CALLBACKS", "Recorder"]


def _jsonable(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 3) if math.isfinite(value) else None
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if attrs.has(type(value)):
        return _jsonable(attrs.asdict(value))
    return repr(value)


class Recorder:
    """A session stand-in that records every raw callback, then passes it on.

    ``tracker`` and ``session_config`` are the timeline's ``"tracker"`` and ``"session"``
    objects (what the replay builds its tracker and session from); when omitted they are read
    from the session. Reading ``state``, ``stats`` or anything else goes to the session.
    ``time_update_interval`` thins the playhead reports (players send one per frame): one per
    that many seconds is kept, plus always the last one before any other call, so every event's
    position replays exactly. ``None`` keeps them all.

    .. versionadded:: 0.1
    """

    def __init__(
        self,
        session: Any,
        *,
        tracker: Mapping[str, Any] | None = None,
        session_config: Mapping[str, Any] | None = None,
        clock: Clock | None = None,
        time_update_interval: float | None = 0.2,
    ) -> None:
        self.session = session
        self.time_update_interval = time_update_interval
        self._held: dict[str, Any] | None = None  # a time update not written yet
        self._last_written_update: float | None = None
        self.clock = clock if clock is not None else clock_of(session)
        self.tracker_config = dict(tracker) if tracker is not None else _tracker_config(session)
        self._given_session_config = dict(session_config) if session_config is not None else None
        self.steps: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._origin: tuple[float, float] | None = None  # (monotonic, wall) of the first call

    @property
    def state(self) -> str:
        state: str = self.session.state
        return state

    def __getattr__(self, name: str) -> Any:
        if name in RAW_CALLBACKS:
            return self._recording(name)
        return getattr(self.session, name)

    def _recording(self, name: str) -> Callable[..., Any]:
        method = getattr(self.session, name)
        params = RAW_CALLBACKS[name]

        def record_then_call(*args: Any, **kwargs: Any) -> Any:
            step: dict[str, Any] = {"call": name}
            for param, value in zip(params, args, strict=False):
                step[param] = _jsonable(value)
            extra = args[len(params) :]
            if extra:
                step["args"] = _jsonable(list(extra))
            for key, value in kwargs.items():
                if value is None and key in params:
                    continue  # a default: the replay passes the same
                step[key] = _jsonable(value)  # metadata too: the timeline spells it flat
            # The lock makes the step order the order the session saw the calls in.
            with self._lock:
                now = self.clock.monotonic()
                if self._origin is None:
                    self._origin = (now, self.clock.now())
                step = {"at": round(now - self._origin[0], 3), **step}
                self._append(step)
                return method(*args, **kwargs)

        return record_then_call

    def _append(self, step: dict[str, Any]) -> None:
        """Keep a time update per ``time_update_interval``, and always the one before a change.

        Players report the playhead at frame rate; a timeline needs it where it matters: at
        every other call (so the positions of the events are exact) and now and then between.
        """
        if step["call"] != "time_update" or self.time_update_interval is None:
            if self._held is not None:
                self.steps.append(self._held)
                self._held = None
            self.steps.append(step)
            return
        last = self._last_written_update
        if last is None or step["at"] - last >= self.time_update_interval:
            self._held = None
            self.steps.append(step)
            self._last_written_update = step["at"]
        else:
            self._held = step

    @property
    def session_config(self) -> dict[str, Any]:
        """The timeline's ``"session"``: read from the session when the timeline is written, so
        a length an adapter learnt from the player (``duration_change``) is in it."""
        if self._given_session_config is not None:
            return dict(self._given_session_config)
        return _session_config(self.session)

    def timeline(self) -> dict[str, Any]:
        """The recording as a timeline dict (``playhead.testing.load_timeline`` reads it)."""
        with self._lock:
            start = self._origin[1] if self._origin is not None else self.clock.now()
            steps = [dict(step) for step in self.steps]
            if self._held is not None:
                steps.append(dict(self._held))
            return {
                "tracker": dict(self.tracker_config),
                "session": self.session_config,
                "start": format_timestamp(start),
                "steps": steps,
            }

    def dump(self, path: str | PathLike[str]) -> None:
        """Write :meth:`timeline` as JSON to ``path``."""
        with open(path, "w", encoding="utf-8") as stream:
            json.dump(self.timeline(), stream, indent=1)
            stream.write("\n")

    def __repr__(self) -> str:
        return f"<Recorder steps={len(self.steps)} session={self.session!r}>"


_TRACKER_FIELDS = (
    "user_id",
    "anonymous_id",
    "heartbeat_interval",
    "strict",
)


def _item(value: Any) -> Any:
    """A Content, Ad or AdBreak as the timeline spells it: set fields, extras flattened."""
    if not attrs.has(type(value)):
        return _jsonable(value)
    data: dict[str, Any] = {}
    for field in attrs.fields(type(value)):
        item = getattr(value, field.name)
        if field.name == "extra":
            data.update(_jsonable(item))
        elif field.name == "ads":
            data["ads"] = [_item(ad) for ad in item]
        elif item is not None:
            data[field.name] = _jsonable(item)
    return data


def _tracker_config(session: Any) -> dict[str, Any]:
    tracker = getattr(session, "tracker", None)
    config: dict[str, Any] = {}
    for name in _TRACKER_FIELDS:
        value = getattr(tracker, name, None)
        if value is not None and value is not False:
            config[name] = _jsonable(value)
    # The idle end and the scrub join change the events: a replay needs the same settings
    # (idle_timeout=None, which turns it off, included).
    for name, default in (("idle_timeout", 1800.0), ("seek_join_window", 0.8)):
        value = getattr(tracker, name, default)
        if value != default:
            config[name] = _jsonable(value)
    properties = dict(getattr(tracker, "properties", None) or {})
    if "video_player" in properties:
        config["video_player"] = properties.pop("video_player")
    if properties:
        config["properties"] = _jsonable(properties)
    if "user_id" not in config and "anonymous_id" not in config:
        config["anonymous_id"] = "recorded"
    return config


def _session_config(session: Any) -> dict[str, Any]:
    config: dict[str, Any] = {"session_id": str(session.session_id)}
    if session.livestream:
        config["livestream"] = True
    if session.content:
        config["content"] = [_item(item) for item in session.content]
    if session.ad_breaks:
        config["ad_breaks"] = [_item(item) for item in session.ad_breaks]
    return config
