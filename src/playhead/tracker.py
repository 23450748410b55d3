"""Tracker: who is watching, where events go, and the settings every session shares."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any, TypeVar

from playhead._driver import Driver
from playhead._logging import get_logger
from playhead.clock import Clock, SystemClock, rearmer
from playhead.errors import ConfigurationError
from playhead.model import AdBreak, Content
from playhead.payload import PayloadFactory
from playhead.playback import Playback
from playhead.properties import PlaybackProperties, check_properties
from playhead.session import Session
from playhead.transports.base import FlushResult, Payload, Transport
from playhead.windows import Wake

__all__ = ["Tracker"]

log = get_logger("playhead.tracker")

#: The shortest heartbeat interval: shorter ones only keep the scheduler thread busy and flood
#: the collector (the spec's heartbeats come every 10 s).
MIN_HEARTBEAT_INTERVAL = 0.01

# ``__enter__`` returns the subclass itself (``typing.Self`` needs Python 3.11).
_Self = TypeVar("_Self", bound="Tracker")


def _identity(name: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ConfigurationError(f"{name} must be a non-empty string, got {value!r}")
    return value


def _seconds(name: str, value: object, *, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigurationError(f"{name} must be a finite number of seconds, got {value!r}")
    if value < 0 or (allow_none and value == 0):
        bound = "> 0 seconds (None turns it off)" if allow_none else ">= 0 seconds"
        raise ConfigurationError(f"{name} must be {bound}, got {value!r}")
    return float(value)


def _interval(value: object) -> float:
    name = "heartbeat_interval"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigurationError(f"{name} must be a finite number of seconds, got {value!r}")
    if value < 0 or 0 < value < MIN_HEARTBEAT_INTERVAL:
        raise ConfigurationError(
            f"{name} must be 0 (heartbeats off) or >= {MIN_HEARTBEAT_INTERVAL} seconds, "
            f"got {value!r}"
        )
    return float(value)


class Tracker:
    """Makes sessions and hands their events to a transport.

    ``transport`` receives every payload. Exactly one of ``user_id`` / ``anonymous_id``
    identifies the viewer. ``heartbeat_interval`` is the seconds of playing between Video
    Content/Ad Playing heartbeats (0 turns them off; otherwise at least 0.01). ``clock``
    defaults to the real clock, whose one scheduler thread serves every session.
    ``video_player`` and ``properties`` are put on every playback event; ``context`` and
    ``integrations`` on every payload.
    ``idle_timeout``: seconds a session may stay paused, stalled or interrupted before it ends by
    itself with Video Playback Exited (``exit_reason: "idle_timeout"``); playback going on
    afterwards starts a new session. Default 1800 (Adobe's 30 minutes); None turns it off.
    ``seek_join_window``: seconds after a ``seeked()`` within which a new ``seeking()`` joins the
    same seek (a scrub whose every drag step is a seeking/seeked pair); Seek Completed waits
    for it. Default 0.8; 0 turns joining off.
    For players that signal neither stalls nor seeks, wrap a session in a
    :class:`~playhead.PlayheadMonitor`, which infers both from time updates.
    ``strict=True`` raises :class:`~playhead.CallbackError` for every ignored callback (tests).

    ``with Tracker(...) as tracker:`` closes the transport at the end of the block, like
    :meth:`close`.

    .. versionadded:: 0.1
    """

    def __init__(
        self,
        transport: Transport,
        *,
        user_id: str | None = None,
        anonymous_id: str | None = None,
        heartbeat_interval: float = 10.0,
        clock: Clock | None = None,
        video_player: str | None = None,
        properties: Mapping[str, Any] | None = None,
        integrations: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
        strict: bool = False,
        idle_timeout: float | None = 1800.0,
        seek_join_window: float = 0.8,
    ) -> None:
        for method in ("send", "flush", "close"):
            if not callable(getattr(transport, method, None)):
                raise ConfigurationError(
                    f"transport must have send(), flush() and close(); {transport!r} has no "
                    f"{method}()"
                )
        user_id = _identity("user_id", user_id)
        anonymous_id = _identity("anonymous_id", anonymous_id)
        if (user_id is None) == (anonymous_id is None):
            raise ConfigurationError(
                "give exactly one of user_id and anonymous_id (the spec's payload schema "
                "rejects an event that carries both, and one that carries neither)"
            )
        self.heartbeat_interval: float = _interval(heartbeat_interval)
        self.idle_timeout: float | None = _seconds("idle_timeout", idle_timeout, allow_none=True)
        self.seek_join_window: float = _seconds("seek_join_window", seek_join_window) or 0.0
        if clock is None:
            clock = SystemClock()
        elif not isinstance(clock, Clock):
            raise ConfigurationError(f"clock must implement playhead.Clock, got {clock!r}")
        for name, mapping in (
            ("integrations", integrations),
            ("context", context),
        ):
            if mapping is not None and not isinstance(mapping, Mapping):
                raise ConfigurationError(f"{name} must be a mapping, got {mapping!r}")
        if video_player is not None and not isinstance(video_player, str):
            raise ConfigurationError(f"video_player must be a string, got {video_player!r}")
        self.transport = transport
        self.clock: Clock = clock
        self._rearm = rearmer(clock)
        self.strict = bool(strict)
        self.user_id = user_id
        self.anonymous_id = anonymous_id
        defaults = check_properties("properties", properties)
        if video_player is not None:
            defaults["video_player"] = video_player
        self.properties: Mapping[str, Any] = defaults
        # What the sessions that add no properties of their own share (by ``livestream``)
        # until the player reports a volume or fullscreen.
        self._shared_props = (
            PlaybackProperties(defaults, False, shared=True),
            PlaybackProperties(defaults, True, shared=True),
        )
        self._factory = PayloadFactory(
            clock,
            user_id=user_id,
            anonymous_id=anonymous_id,
            context=context,
            integrations=integrations,
        )
        self.send_failures = 0
        # The started sessions not yet ended, by the weak handle their timers hold (a set of
        # those costs less than a WeakSet): close() ends the ones still open.
        self._open: set[Wake] = set()

    def session(
        self,
        content: Iterable[Content | Mapping[str, Any]] = (),
        ad_breaks: Iterable[AdBreak | Mapping[str, Any]] = (),
        *,
        livestream: bool = False,
        session_id: str | None = None,
        properties: Mapping[str, Any] | None = None,
    ) -> Session:
        """A new playback session with its own ``session_id``.

        ``content`` is the playlist (one item for a single video), ``ad_breaks`` the declared
        ad pods; both may be left empty and described as they start. ``properties`` are extra
        playback properties for this session's playback events.
        """
        return Session(
            self,
            content,
            ad_breaks,
            livestream=livestream,
            session_id=session_id,
            properties=properties,
        )

    def _deliver(self, payload: Payload, session: Playback) -> bool:
        """Send one payload; False (logged and counted) when the transport raised."""
        try:
            self.transport.send(payload)
        except Exception as exc:  # never into the player's thread, never silently
            self.send_failures += 1
            log.error(
                "transport_send_failed",
                event_name=payload.get("event"),
                session_id=session.session_id,
                transport=type(self.transport).__name__,
                exc_info=exc,
            )
            return False
        return True

    def _deferred(self) -> _Deferred:
        return _Deferred(self)

    def flush(self, timeout: float | None = None) -> FlushResult:
        """Ask the transport to deliver what it holds; see :meth:`Transport.flush`."""
        return self.transport.flush(timeout)

    def close(self, timeout: float | None = None) -> FlushResult:
        """End every open session with Exited (as ``exit()`` would), then close the transport."""
        for wake in list(self._open):
            driver = wake.owner()
            if isinstance(driver, Driver):
                driver.leave()
        return self.transport.close(timeout)

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        who = f"user_id={self.user_id!r}" if self.user_id else f"anonymous_id={self.anonymous_id!r}"
        return f"Tracker({who}, transport={self.transport!r})"


class _Deferred:
    """Stands in for the tracker of a session being collected: delivery goes via the clock (on
    the scheduler thread), because the garbage collector may run a finaliser inside any code,
    a transport's lock included."""

    __slots__ = ("_tracker",)

    def __init__(self, tracker: Tracker) -> None:
        self._tracker = tracker

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tracker, name)

    def _deliver(self, payload: Payload, session: Playback) -> bool:
        tracker, clock = self._tracker, self._tracker.clock

        def deliver() -> None:
            tracker._deliver(payload, session)

        clock.call_at(clock.monotonic(), deliver)
        return True
