"""The one constructor of HttpTransport and AsyncHttpTransport: the options they share."""

from __future__ import annotations

import os
from typing import Any

import httpx

from playhead.errors import ConfigurationError
from playhead.transports._engine import DeliveryStats, DropCallback, Engine, ErrorCallback
from playhead.transports._options import MAX_EVENT_BYTES, Options, make_options

__all__ = ["HttpTransportBase"]


def _check_callback(name: str, fn: Any) -> None:
    if fn is not None and not callable(fn):
        raise ConfigurationError(f"{name} must be callable")


class HttpTransportBase:
    """Checks every option once, builds the engine, then lets the subclass set up its I/O.

    ``http_transport`` (an httpx transport, e.g. ``httpx.MockTransport`` in tests) must be of
    the subclass's kind: synchronous for :class:`HttpTransport`, asynchronous for
    :class:`AsyncHttpTransport`.
    """

    _http_transport_kind: type[Any] = httpx.BaseTransport

    def __init__(
        self,
        api_key: str,
        *,
        region: str = "us",
        host: str | None = None,
        endpoint: str = "batch",
        strict: bool = False,
        gzip: bool = False,
        max_batch_events: int = 100,
        max_batch_bytes: int = 475_000,
        max_event_bytes: int = MAX_EVENT_BYTES,
        flush_interval: float = 0.5,
        max_queue_events: int = 10_000,
        max_queue_bytes: int = 16 * 1024 * 1024,
        overflow: str = "drop_newest",
        block_timeout: float = 0.1,
        timeout: float = 10.0,
        max_retry_time: float = 300.0,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        retry_after_max: float = 60.0,
        close_timeout: float = 5.0,
        spool_path: str | os.PathLike[str] | None = None,
        spool_durability: str = "batched",
        spool_max_bytes: int = 64 * 1024 * 1024,
        spool_max_age: float = 7 * 24 * 3600.0,
        on_drop: DropCallback | None = None,
        on_error: ErrorCallback | None = None,
        http_transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._opts: Options = make_options(
            api_key=api_key,
            region=region,
            host=host,
            endpoint=endpoint,
            strict=strict,
            gzip=gzip,
            max_batch_events=max_batch_events,
            max_batch_bytes=max_batch_bytes,
            max_event_bytes=max_event_bytes,
            flush_interval=flush_interval,
            max_queue_events=max_queue_events,
            max_queue_bytes=max_queue_bytes,
            overflow=overflow,
            block_timeout=block_timeout,
            timeout=timeout,
            max_retry_time=max_retry_time,
            backoff_base=backoff_base,
            backoff_max=backoff_max,
            retry_after_max=retry_after_max,
            close_timeout=close_timeout,
            spool_path=spool_path,
            spool_durability=spool_durability,
            spool_max_bytes=spool_max_bytes,
            spool_max_age=spool_max_age,
        )
        _check_callback("on_drop", on_drop)
        _check_callback("on_error", on_error)
        _check_callback("on_drop", on_drop)
        _check_callback("on_error", on_error)
        if http_transport is not None and not isinstance(http_transport, self._http_transport_kind):
            raise ConfigurationError(
                f"http_transport must be an {self._http_transport_kind.__module__}."
                f"{self._http_transport_kind.__name__} for {type(self).__name__}"
            )
        self._http_transport: Any = http_transport
        self._engine = Engine(self._opts, on_drop=on_drop, on_error=on_error)
        self._setup()

    def _setup(self) -> None:
        """Subclass hook: clients, workers, registration."""
        raise NotImplementedError

    @property
    def url(self) -> str:
        """Where events are posted (``https://cdp.customer.io/v1/batch`` by default)."""
        return self._opts.url

    @property
    def stats(self) -> DeliveryStats:
        """Counters now: queued, in flight, sent, retried, dropped and rejected by reason."""
        return self._engine.stats()

    def __repr__(self) -> str:
        spool = self._opts.spool_path
        return (
            f"{type(self).__name__}(url={self.url!r}, strict={self._opts.strict}, spool={spool!r})"
        )
