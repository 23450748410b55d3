"""The options of the HTTP transports, checked once when the transport is built."""

from __future__ import annotations

import math
import os
from typing import Literal

import attrs

from playhead.errors import ConfigurationError
from playhead.transports.spool import MIN_SPOOL_BYTES

__all__ = ["REGIONS", "Options", "make_options"]

REGIONS = {"us": "https://cdp.customer.io", "eu": "https://cdp-eu.customer.io"}
Overflow = Literal["drop_oldest", "drop_newest", "block"]
MAX_BATCH_BYTES = 500 * 1024
MAX_EVENT_BYTES = 32 * 1024


@attrs.frozen(repr=False)
class Options:
    """Checked settings. ``api_key`` is kept out of ``repr`` (the class has none)."""

    api_key: str
    base_url: str
    endpoint: str
    strict: bool
    gzip: bool
    max_batch_events: int
    max_batch_bytes: int
    max_event_bytes: int
    flush_interval: float
    max_queue_events: int
    max_queue_bytes: int
    overflow: Overflow
    block_timeout: float
    timeout: float
    max_retry_time: float
    backoff_base: float
    backoff_max: float
    retry_after_max: float
    close_timeout: float
    spool_path: str | None
    spool_durability: str
    spool_max_bytes: int
    spool_max_age: float

    @property
    def url(self) -> str:
        return f"{self.base_url}/v1/{self.endpoint}"


def _positive(name: str, value: float, *, integer: bool = False, zero: bool = False) -> None:
    kind = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind):
        raise ConfigurationError(f"{name} must be a {'whole ' if integer else ''}number")
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero):
        raise ConfigurationError(f"{name} must be {'>= 0' if zero else '> 0'}, got {value!r}")


def make_options(
    *,
    api_key: str,
    region: str,
    host: str | None,
    endpoint: str,
    strict: bool,
    gzip: bool,
    max_batch_events: int,
    max_batch_bytes: int,
    max_event_bytes: int,
    flush_interval: float,
    max_queue_events: int,
    max_queue_bytes: int,
    overflow: str,
    block_timeout: float,
    timeout: float,
    max_retry_time: float,
    backoff_base: float,
    backoff_max: float,
    retry_after_max: float,
    close_timeout: float,
    spool_path: str | os.PathLike[str] | None,
    spool_durability: str,
    spool_max_bytes: int,
    spool_max_age: float,
) -> Options:
    """Check every setting; raise :class:`ConfigurationError` naming the bad one (never the key).

    Every setting is required here: the defaults live in one place, the transports' constructor.
    """
    if not isinstance(api_key, str) or not api_key.strip():
        raise ConfigurationError("api_key must be a non-empty string")
    api_key = api_key.strip()  # keys read from secret files often end in a newline
    if host is not None:
        if not isinstance(host, str) or not host.startswith(("http://", "https://")):
            raise ConfigurationError("host must be a URL starting with http:// or https://")
        base_url = host.rstrip("/")
        if base_url.endswith("/v1"):
            base_url = base_url[:-3]
    elif region in REGIONS:
        base_url = REGIONS[region]
    else:
        raise ConfigurationError(f"region must be one of {sorted(REGIONS)}, got {region!r}")
    if endpoint not in ("batch", "track"):
        raise ConfigurationError(f"endpoint must be 'batch' or 'track', got {endpoint!r}")
    if overflow not in ("drop_oldest", "drop_newest", "block"):
        raise ConfigurationError(
            f"overflow must be 'drop_oldest', 'drop_newest' or 'block', got {overflow!r}"
        )
    if spool_durability not in ("batched", "sync"):
        raise ConfigurationError(
            f"spool_durability must be 'batched' or 'sync', got {spool_durability!r}"
        )
    for name, value in (
        ("max_batch_events", max_batch_events),
        ("max_batch_bytes", max_batch_bytes),
        ("max_event_bytes", max_event_bytes),
        ("max_queue_events", max_queue_events),
        ("max_queue_bytes", max_queue_bytes),
        ("spool_max_bytes", spool_max_bytes),
    ):
        _positive(name, value, integer=True)
    for name, fvalue in (
        ("flush_interval", flush_interval),
        ("timeout", timeout),
        ("max_retry_time", max_retry_time),
        ("backoff_base", backoff_base),
        ("backoff_max", backoff_max),
        ("close_timeout", close_timeout),
        ("spool_max_age", spool_max_age),
    ):
        _positive(name, fvalue)
    _positive("retry_after_max", retry_after_max, zero=True)
    _positive("block_timeout", block_timeout, zero=True)
    if spool_max_bytes < MIN_SPOOL_BYTES:
        raise ConfigurationError(
            f"spool_max_bytes must be >= {MIN_SPOOL_BYTES} (256 KiB): an empty spool already "
            f"takes about 45 KB on disk, got {spool_max_bytes!r}"
        )
    if max_batch_bytes > MAX_BATCH_BYTES:
        raise ConfigurationError(f"max_batch_bytes must be <= {MAX_BATCH_BYTES} (the API limit)")
    if max_event_bytes > MAX_EVENT_BYTES:
        raise ConfigurationError(f"max_event_bytes must be <= {MAX_EVENT_BYTES} (the API limit)")
    if max_event_bytes + 64 > max_batch_bytes:
        raise ConfigurationError("max_batch_bytes must leave room for one max_event_bytes event")
    return Options(
        api_key=api_key,
        base_url=base_url,
        endpoint=endpoint,
        strict=bool(strict),
        gzip=bool(gzip),
        max_batch_events=max_batch_events,
        max_batch_bytes=max_batch_bytes,
        max_event_bytes=max_event_bytes,
        flush_interval=float(flush_interval),
        max_queue_events=max_queue_events,
        max_queue_bytes=max_queue_bytes,
        overflow=overflow,  # type: ignore[arg-type]
        block_timeout=float(block_timeout),
        timeout=float(timeout),
        max_retry_time=float(max_retry_time),
        backoff_base=float(backoff_base),
        backoff_max=float(backoff_max),
        retry_after_max=float(retry_after_max),
        close_timeout=float(close_timeout),
        spool_path=None if spool_path is None else os.fspath(spool_path),
        spool_durability=spool_durability,
        spool_max_bytes=spool_max_bytes,
        spool_max_age=float(spool_max_age),
    )
