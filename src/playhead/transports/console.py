"""ConsoleTransport: one readable line per event, for development and the demo."""

from __future__ import annotations

import sys
import threading
from typing import IO, Any

from playhead.transports.base import BaseTransport, Payload

__all__ = ["ConsoleTransport", "describe"]

_SHOWN = (
    "asset_id",
    "ad_asset_id",
    "quartile",
    "seek_position",
    "method",
    "bitrate",
    "framerate",
    "startupTime",
    "droppedFrames",
)


def describe(payload: Payload) -> str:
    """``10:30:12.000  Video Playback Paused            position=12/615  ...``"""
    props: dict[str, Any] = payload.get("properties", {})
    stamp = str(payload.get("timestamp", ""))[11:23]
    parts = []
    if "position" in props:
        total = props.get("total_length")
        parts.append(f"position={props['position']}" + (f"/{total}" if total is not None else ""))
    for key in _SHOWN:
        value = props.get(key)
        if value is not None and not isinstance(value, list):
            parts.append(f"{key}={value}")
    return f"{stamp:<12}  {payload.get('event', '?'):<32}  {'  '.join(parts)}".rstrip()


class ConsoleTransport(BaseTransport):
    """Prints :func:`describe` of each event to ``stream`` (standard output by default).

    .. versionadded:: 0.1
    """

    def __init__(self, stream: IO[str] | None = None) -> None:
        super().__init__()
        self._stream = stream
        self._lock = threading.Lock()

    def _deliver(self, payload: Payload) -> None:
        stream = self._stream if self._stream is not None else sys.stdout
        with self._lock:
            stream.write(describe(payload) + "\n")

    def __repr__(self) -> str:
        return "ConsoleTransport()"
