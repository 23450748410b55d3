"""Wire-format payloads built by hand, as the tracker makes them."""

from __future__ import annotations

import uuid
from typing import Any

from playhead import __version__


def make_event(
    i: int = 0,
    *,
    name: str = "Video Content Playing",
    session_id: str = "s-1",
    user_id: str | None = "u1",
    **properties: Any,
) -> dict[str, Any]:
    props: dict[str, Any] = {
        "session_id": session_id,
        "asset_id": "c1",
        "position": i % 600,
        "total_length": 600,
        "video_player": "mpv",
        "livestream": False,
    }
    props.update(properties)
    payload: dict[str, Any] = {
        "type": "track",
        "event": name,
        "properties": props,
        "messageId": str(uuid.uuid4()),
        "timestamp": "2024-01-15T10:30:00.000Z",
        "context": {"library": {"name": "playhead", "version": __version__}},
    }
    if user_id is None:
        payload["anonymousId"] = "anon-1"
    else:
        payload["userId"] = user_id
    return payload


def make_events(n: int, **kwargs: Any) -> list[dict[str, Any]]:
    return [make_event(i, **kwargs) for i in range(n)]


def arrived_once(
    received: list[dict[str, Any]], sent: list[dict[str, Any]], *, in_order: bool
) -> bool:
    """The collector holds every event sent, once each, unaltered; ``in_order``: in the order
    sent. The asyncio transport posts two batches at once while the collector answers, and the
    collector may take those two in either order."""
    if in_order:
        return received == sent

    def key(event: dict[str, Any]) -> str:
        return str(event["messageId"])

    return sorted(received, key=key) == sorted(sent, key=key)
