"""The 17 events of the Video Spec, and the wire payloads that carry them."""

from __future__ import annotations

import itertools
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


# messageIds must be unique, not unguessable. Each process draws 74 random bits once (again in
# every forked child, so parent and child never share them) and counts in the last 48 bits from
# a random start: a valid version 4 UUID string for the cost of a counter step and one format,
# several times cheaper than 122 fresh random bits per event (and 20x cheaper than a system call).
# The start lies in [2**44, 5 * 2**44): the count is 12 hex digits without padding for at least
# 11 * 2**44 events (2 * 10**14: years at a million a second), so ``hex()`` formats it (0.19 us,
# against 0.63 us for a zero-padded format spec: it is on every event's path).
_COUNTER_BITS = 48
_COUNTER_LOW = 1 << (_COUNTER_BITS - 4)


def _new_sequence() -> tuple[str, itertools.count[int]]:
    rng = random.Random(os.urandom(32))
    text = f"{(rng.getrandbits(128) & _UUID_CLEAR) | _UUID_SET:032x}"
    prefix = f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-"
    return prefix, itertools.count(_COUNTER_LOW + rng.getrandbits(_COUNTER_BITS - 2))


# Version 4 (bits 76-79 = 0100) and the RFC 4122 variant (bits 62-63 = 10).
_UUID_CLEAR = ~((0xF << 76) | (0x3 << 62)) & ((1 << 128) - 1)
_UUID_SET = (0x4 << 76) | (0x2 << 62)
_sequence = _new_sequence()


def _reseed() -> None:
    global _sequence
    _sequence = _new_sequence()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reseed)


def message_id() -> str:
    """A version 4 UUID string, unique in this process and (by its random part) across them."""
    prefix, counter = _sequence
    return prefix + hex(next(counter))[2:]


class PayloadFactory:
    """Wraps event properties into ``/v1/track`` payloads for one identity.

    Exactly one of ``userId`` / ``anonymousId`` is set (the spec's ``oneOf`` rejects both),
    every payload gets a fresh uuid4 ``messageId`` and a millisecond UTC ``timestamp`` from
    the clock, and ``context.library`` names playhead. The ``context`` dict is built once and
    shared by every payload of the factory (copying it per event was measurable): payloads are
    read-only once built, transports serialise them.
    """

    __slots__ = ("_clock", "_template")

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
        merged: dict[str, Any] = dict(context or {})
        merged["library"] = dict(LIBRARY)
        # Every payload is a copy of this with four values stored: a copy costs two thirds of
        # building the dict (see ``build``). The context is shared by every payload, not copied.
        template: dict[str, Any] = {"type": "track", "event": ""}
        if user_id is not None:
            template["userId"] = user_id
        else:
            template["anonymousId"] = str(anonymous_id)
        template.update(properties={}, messageId="", timestamp="", context=merged)
        if integrations:
            template["integrations"] = dict(integrations)
        self._template = template

    def build(
        self, event: str, properties: dict[str, Any], at: float | None = None
    ) -> dict[str, Any]:
        """The payload of ``event``; ``at`` (epoch seconds) when it happened earlier than now."""
        prefix, counter = _sequence  # message_id(), inline: a heartbeat is mostly calls
        payload = self._template.copy()
        payload["event"] = event
        payload["properties"] = properties
        payload["messageId"] = prefix + hex(next(counter))[2:]
        payload["timestamp"] = format_timestamp(self._clock.now() if at is None else at)
        return payload
