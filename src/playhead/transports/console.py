"""ConsoleTransport: one readable line per event, for development and the demo.

Each position is printed with the frame it is in: ``playback`` (the whole session's timeline,
ads and earlier items included), ``content`` (within the content item) or ``ad`` (within the
ad). An ad heartbeat and an ad quartile are both Video Ad Playing: the line says which. A
skipped ad sends no event of its own; :class:`EventLines` prints a line for it when the next
event shows the ad is over.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Mapping
from typing import IO, Any

from playhead.transports.base import BaseTransport, Payload

__all__ = ["FRAMES_NOTE", "ConsoleTransport", "EventLines", "describe", "readable_lines"]

_SHOWN = (
    "asset_id",
    "ad_asset_id",
    "seek_position",
    "method",
    "bitrate",
    "framerate",
    "startupTime",
    "droppedFrames",
    "exit_reason",
)

#: What the position frames mean, for the head of a readable listing.
FRAMES_NOTE = (
    "positions: playback = the whole session's timeline (ads included), "
    "content = within the content item, ad = within the ad"
)


def _frame(event: str) -> str | None:
    if event.startswith("Video Content"):
        return "content"
    if event.startswith("Video Ad"):
        return "ad"
    if event.startswith("Video Playback"):
        return "playback"
    return None


def _tag(event: str, props: Mapping[str, Any]) -> str:
    if event in ("Video Content Playing", "Video Ad Playing"):
        quartile = props.get("quartile")
        return f"Q{quartile} quartile" if quartile is not None else "heartbeat"
    return ""


def describe(payload: Payload) -> str:
    """``10:30:12.000  Video Playback Paused   position=12/615 (playback)  ...``

    Ad and content heartbeats say ``heartbeat``, ad quartiles ``Q1 quartile`` (and so on).

    .. versionchanged:: 0.2 the position's frame and the heartbeat/quartile tag.
    """
    props: Mapping[str, Any] = payload.get("properties", {})
    event = str(payload.get("event", "?"))
    stamp = str(payload.get("timestamp", ""))[11:23]
    parts = []
    tag = _tag(event, props)
    if tag:
        parts.append(f"{tag:<11}")
    if "position" in props:
        total = props.get("total_length")
        frame = _frame(event)
        text = f"position={props['position']}" + (f"/{total}" if total is not None else "")
        parts.append(text + (f" ({frame})" if frame else ""))
    for key in _SHOWN:
        value = props.get(key)
        if value is not None and not isinstance(value, list):
            parts.append(f"{key}={value}")
    return f"{stamp:<12}  {event:<32}  {'  '.join(parts)}".rstrip()


def _still_the_ad(event: str, props: Mapping[str, Any], ad: Mapping[str, Any]) -> bool:
    # The same rule as the session pictures' (playhead.report.model): only the ad's own
    # Playing/Completed events and quality updates leave an ad open.
    if event == "Video Quality Updated":
        return True
    if event in ("Video Ad Playing", "Video Ad Completed"):
        return bool(props.get("asset_id") == ad.get("asset_id"))
    return False


class EventLines:
    """Readable lines for a stream of payloads: :func:`describe` per event, plus a line for
    each skipped ad (an Ad Started never completed), printed before the event that shows it.

    .. versionadded:: 0.2
    """

    def __init__(self) -> None:
        self._open_ads: dict[str, Mapping[str, Any]] = {}

    def lines(self, payload: Payload) -> list[str]:
        props: Mapping[str, Any] = payload.get("properties", {})
        event = str(payload.get("event", ""))
        session = str(props.get("session_id"))
        out = []
        ad = self._open_ads.get(session)
        if ad is not None and not _still_the_ad(event, props, ad):
            del self._open_ads[session]
            stamp = str(payload.get("timestamp", ""))[11:23]
            where = ""
            if "position" in ad:
                where = f"  last seen at position={ad['position']}/{ad.get('total_length')} (ad)"
            out.append(
                f"{stamp:<12}  {'Ad skipped (no event sent)':<32}  "
                f"asset_id={ad.get('asset_id')}{where}, never completed"
            )
        if event in ("Video Ad Started", "Video Ad Playing") and (
            event == "Video Ad Started" or session in self._open_ads
        ):
            self._open_ads[session] = props
        elif event == "Video Ad Completed":
            self._open_ads.pop(session, None)
        out.append(describe(payload))
        return out


def readable_lines(payloads: Iterable[Payload]) -> list[str]:
    """:class:`EventLines` over a list of payloads (``playhead demo``, ``simulate --readable``).

    .. versionadded:: 0.2
    """
    lines = EventLines()
    return [line for payload in payloads for line in lines.lines(payload)]


class ConsoleTransport(BaseTransport):
    """Prints the :class:`EventLines` of each event to ``stream`` (standard output by default).

    .. versionadded:: 0.1
    .. versionchanged:: 0.2 position frames named, quartiles apart from heartbeats, skipped
       ads shown.
    """

    def __init__(self, stream: IO[str] | None = None) -> None:
        super().__init__()
        self._stream = stream
        self._lock = threading.Lock()
        self._lines = EventLines()

    def _deliver(self, payload: Payload) -> None:
        stream = self._stream if self._stream is not None else sys.stdout
        with self._lock:
            for line in self._lines.lines(payload):
                stream.write(line + "\n")

    def __repr__(self) -> str:
        return "ConsoleTransport()"
