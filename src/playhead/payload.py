"""The 17 events of the Video Spec, and the wire payloads that carry them."""

from __future__ import annotations

import os
import random
from collections.abc import Mapping
from typing import Any

from playhead._version import __version__
from playhead.clock import Clock, format_timestamp

__all__ = ["EVENTS", "Event", "PayloadFactory"]


class Event:
    """The event names, as constants (``playhead.Event.PAUSED``)."""

    PLAYBACK_STARTED = "Video Playback Started"
    PAUSED = "Video Playback Paused"
    INTERRUPTED = "Video Playback Interrupted"
    BUFFER_STARTED = "Video Playback Buffer Started"
    BUFFER_COMPLETED = "Video Playback Buffer Completed"
    SEEK_STARTED = "Video Playback Seek Started"
    SEEK_COMPLETED = "Video Playback Seek Completed"
    RESUMED = "Video Playback Resumed"
    PLAYBACK_COMPLETED = "Video Playback Completed"
    EXITED = "Video Playback Exited"
    CONTENT_STARTED = "Video Content Started"
    CONTENT_PLAYING = "Video Content Playing"
    CONTENT_COMPLETED = "Video Content Completed"
    AD_STARTED = "Video Ad Started"
    AD_PLAYING = "Video Ad Playing"
    AD_COMPLETED = "Video Ad Completed"
    QUALITY_UPDATED = "Video Quality Updated"


#: All 17 names, in the spec's order.
EVENTS: tuple[str, ...] = tuple(
    value for name, value in vars(Event).items() if not name.startswith("_")
)

LIBRARY = {"name": "playhead", "version": __version__}


# messageIds must be unique, not unguessable: a generator seeded from the OS (and re-seeded in
# every forked child, so parent and child never share a sequence) is 20x cheaper than a
# system call per event.
_random = random.Random(os.urandom(32))
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=lambda: _random.seed(os.urandom(32)))


def message_id() -> str:
    """A random (version 4) UUID string, made without ``uuid.UUID``'s validation overhead."""
    value = (_random.getrandbits(128) & _UUID_CLEAR) | _UUID_SET
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


# Version 4 (bits 76-79 = 0100) and the RFC 4122 variant (bits 62-63 = 10).
_UUID_CLEAR = ~((0xF << 76) | (0x3 << 62)) & ((1 << 128) - 1)
_UUID_SET = (0x4 << 76) | (0x2 << 62)


class PayloadFactory:
    """Wraps event properties into ``/v1/track`` payloads for one identity.

    Exactly one of ``userId`` / ``anonymousId`` is set (the spec's ``oneOf`` rejects both),
    every payload gets a fresh uuid4 ``messageId`` and a millisecond UTC ``timestamp`` from
    the clock, and ``context.library`` names playhead.
    """

    __slots__ = ("_clock", "_context", "_id_key", "_id_value", "_integrations")

    def __init__(
        self,
        clock: Clock,
        *,
        user_id: str | None,
        anonymous_id: str | None,
        context: Mapping[str, Any] | None,
        integrations: Mapping[str, Any] | None,
    ) -> None:
        self._clock = clock
        if user_id is not None:
            self._id_key, self._id_value = "userId", user_id
        else:
            self._id_key, self._id_value = "anonymousId", str(anonymous_id)
        merged: dict[str, Any] = dict(context or {})
        merged["library"] = dict(LIBRARY)
        self._context = merged
        self._integrations = dict(integrations) if integrations else None

    def build(
        self, event: str, properties: dict[str, Any], at: float | None = None
    ) -> dict[str, Any]:
        """The payload of ``event``; ``at`` (epoch seconds) when it happened earlier than now."""
        payload: dict[str, Any] = {
            "type": "track",
            "event": event,
            self._id_key: self._id_value,
            "properties": properties,
            "messageId": message_id(),
            "timestamp": format_timestamp(self._clock.now() if at is None else at),
            "context": dict(self._context),
        }
        if self._integrations is not None:
            payload["integrations"] = self._integrations
        return payload
