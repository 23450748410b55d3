"""Tracker: who is watching, where events go, and the settings every session shares."""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable, Mapping
from typing import Any

from playhead._logging import get_logger
from playhead.clock import Clock, SystemClock
from playhead.errors import ConfigurationError
from playhead.model import AdBreak, Content
from playhead.payload import PayloadFactory
from playhead.session import Session
from playhead.transports.base import FlushResult, Payload, Transport

__all__ = ["Tracker"]

log = get_logger("playhead.tracker")


def _identity(name: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ConfigurationError(f"{name} must be a non-empty string, got {value!r}")
    return value


def _interval(value: object) -> float:
    name = "heartbeat_interval"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigurationError(f"{name} must be a finite number of seconds, got {value!r}")
    if value < 0:
        raise ConfigurationError(
            f"{name} must be >= 0 seconds (0 turns heartbeats off), got {value!r}"
        )
    return float(value)


class Tracker:
    """Makes sessions and hands their events to a transport.

    ``transport`` receives every payload. Exactly one of ``user_id`` / ``anonymous_id``
    identifies the viewer. ``heartbeat_interval`` is the seconds of playing between Video
    Content/Ad Playing heartbeats (0 turns them off). ``clock`` defaults to the real clock,
    whose one scheduler thread serves every session. ``video_player`` and ``properties`` are
    put on every playback event; ``context`` and ``integrations`` on every payload.
    For players that signal neither stalls nor seeks, wrap a session in a
    :class:`~playhead.PlayheadMonitor`, which infers both from time updates.
    ``strict=True`` raises :class:`~playhead.CallbackError` for every ignored callback (tests).

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
        if clock is None:
            clock = SystemClock()
        elif not isinstance(clock, Clock):
            raise ConfigurationError(f"clock must implement playhead.Clock, got {clock!r}")
        for name, mapping in (
            ("properties", properties),
            ("integrations", integrations),
            ("context", context),
        ):
            if mapping is not None and not isinstance(mapping, Mapping):
                raise ConfigurationError(f"{name} must be a mapping, got {mapping!r}")
        if video_player is not None and not isinstance(video_player, str):
            raise ConfigurationError(f"video_player must be a string, got {video_player!r}")
        self.transport = transport
        self.clock: Clock = clock
        self.strict = bool(strict)
        self.user_id = user_id
        self.anonymous_id = anonymous_id
        defaults: dict[str, Any] = dict(properties or {})
        if video_player is not None:
            defaults["video_player"] = video_player
        self.properties: Mapping[str, Any] = defaults
        self._factory = PayloadFactory(
            clock,
            user_id=user_id,
            anonymous_id=anonymous_id,
            context=context,
            integrations=integrations,
        )
        self.send_failures = 0
        # Weakly: the application owns its sessions; close() ends the ones still open.
        self._sessions: weakref.WeakSet[Session] = weakref.WeakSet()

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
        session = Session(
            self,
            content,
            ad_breaks,
            livestream=livestream,
            session_id=session_id,
            properties=properties,
        )
        self._sessions.add(session)
        return session

    def _deliver(self, payload: Payload, session: Session) -> None:
        try:
            self.transport.send(payload)
        except Exception as exc:  # never into the player's thread, never silently
            self.send_failures += 1
            session.stats.emit_failures += 1
            log.error(
                "transport_send_failed",
                event_name=payload.get("event"),
                session_id=session.session_id,
                transport=type(self.transport).__name__,
                exc_info=exc,
            )

    def flush(self, timeout: float | None = None) -> FlushResult:
        """Ask the transport to deliver what it holds; see :meth:`Transport.flush`."""
        return self.transport.flush(timeout)

    def close(self, timeout: float | None = None) -> FlushResult:
        """End every open session with Exited (as ``exit()`` would), then close the transport."""
        for session in list(self._sessions):
            session.exit()
        return self.transport.close(timeout)

    def __repr__(self) -> str:
        who = f"user_id={self.user_id!r}" if self.user_id else f"anonymous_id={self.anonymous_id!r}"
        return f"Tracker({who}, transport={self.transport!r})"
