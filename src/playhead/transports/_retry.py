"""Which answers are worth another try, how long to wait, and what the server said.

Pure functions, shared by the threaded and the asyncio transports.
"""

from __future__ import annotations

import datetime
import email.utils
import json
import random
import time
from collections.abc import Mapping

__all__ = ["backoff_delay", "is_retryable_status", "parse_retry_after", "server_message"]

_NOT_RETRIED_5XX = frozenset({501, 505})


def is_retryable_status(status: int) -> bool:
    """408, 429 and 5xx except 501 (not implemented) and 505 (HTTP version) are worth a retry."""
    if status in (408, 429):
        return True
    return 500 <= status <= 599 and status not in _NOT_RETRIED_5XX


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Capped exponential backoff with jitter ("equal jitter": half fixed, half random).

    ``attempt`` counts from 1. The fixed half keeps retries from hammering a struggling
    collector; the random half spreads many clients that failed at the same moment.
    """
    ceiling = min(cap, base * (2 ** min(attempt - 1, 30)))
    draw: float = (rng or random).random()
    return float(ceiling / 2 + draw * ceiling / 2)


def parse_retry_after(value: str | None, cap: float, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), capped.

    Returns ``None`` for a missing or unreadable header, so the caller falls back to backoff;
    0 for a value at or below zero, or a date in the past (the caller never waits less than
    its own backoff).
    """
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:
            # "-0000" (RFC 2822: "no zone information") comes back naive; HTTP dates are
            # always UTC (RFC 9110), never the machine's local time
            when = when.replace(tzinfo=datetime.timezone.utc)
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return None
    return max(0.0, min(cap, seconds))


def server_message(body: bytes, limit: int = 300) -> str:
    """The server's explanation, read defensively from any body shape.

    Understands the spec's ``{"meta": {"errors": [...]}}``, ``{"message": ...}``,
    ``{"error": ...}`` and ``{"errors": [...]}``; anything else is returned as (cut) text.
    Never raises.
    """
    text = body[: limit * 4].decode("utf-8", "replace").strip()
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return text[:limit]
    found: list[str] = []
    if isinstance(data, Mapping):
        meta = data.get("meta")
        if isinstance(meta, Mapping):
            found.extend(_strings(meta.get("errors")))
        for key in ("message", "error", "errors", "detail"):
            found.extend(_strings(data.get(key)))
    if found:
        return "; ".join(found)[:limit]
    return text[:limit]


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v if isinstance(v, str) else json.dumps(v, default=str) for v in value[:10]]
    if isinstance(value, Mapping):
        message = value.get("message")
        return [message] if isinstance(message, str) else [json.dumps(value, default=str)]
    return []
