"""HttpTransport: events to Customer.io, or any Segment-compatible collector, from one thread.

``send()`` appends to a bounded in-memory queue and returns (no I/O, no serialisation); one
daemon worker thread per transport serialises each event once, batches, posts with httpx,
retries what is worth retrying and accounts for every event. See ``docs/delivery.md`` for what
is lost when, under which setting.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from collections.abc import Generator
from types import TracebackType
from typing import Any, TypeVar

from playhead.transports._engine import (
    DeliveryReport,
    Engine,
    Outcome,
    Post,
    Sleep,
)
from playhead.transports._http_base import HttpTransportBase
from playhead.transports._posting import SyncPoster
from playhead.transports.base import Payload

__all__ = ["HttpTransport"]

_Self = TypeVar("_Self", bound="HttpTransport")


class HttpTransport(HttpTransportBase):
    """Deliver events to ``/v1/batch`` (or ``/v1/track``) of Customer.io or any collector.

    ``HttpTransport(api_key=..., region="eu")``; every option is described in
    ``docs/delivery.md``. Bad settings raise :class:`~playhead.errors.ConfigurationError` here;
    at run time nothing raises into the caller: problems are logged (rate-limited, stable
    keys), counted in :attr:`stats`, and reported to ``on_drop(reason, payloads)`` and
    ``on_error(DeliveryError)``, which run on the worker thread.

    ``flush(timeout)`` and ``close(timeout)`` return a :class:`DeliveryReport`; ``close`` also
    runs at interpreter exit (bounded by ``close_timeout``). Fork-safe: a child process starts
    with an empty queue and its own worker.

    .. versionadded:: 0.1
    """

    def _setup(self) -> None:
        self._poster = SyncPoster(self._engine, self._http_transport)
        self._worker: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._start_worker()
        _live.add(self)

    def _start_worker(self) -> None:
        with self._start_lock:
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="playhead-http", daemon=True)
                self._worker.start()

    # ------------------------------------------------------------------ API
    def send(self, payload: Payload) -> None:
        """Queue one event. Never does I/O (unless ``spool_durability="sync"``), never raises."""
        if self._worker is None:
            self._start_worker()
        self._engine.send(payload)

    def flush(self, timeout: float | None = None) -> DeliveryReport:
        """Send everything queued now; wait at most ``timeout`` seconds (None: until each
        event is delivered or given up). Returns what was delivered and what is left."""
        engine = self._engine
        if engine.closed:
            return engine.report()
        if self._worker is None:
            self._start_worker()
        worker = self._worker
        if worker is threading.current_thread():  # from on_drop/on_error: cannot wait on itself
            engine.flush_target()
            return engine.report()
        engine.wait_settled(
            engine.flush_target(), timeout, lambda: worker is not None and worker.is_alive()
        )
        engine.forget_delivered()
        return engine.report()

    def close(self, timeout: float | None = None) -> DeliveryReport:
        """Flush within ``timeout`` (default ``close_timeout``), then stop. Never hangs: a
        backoff sleep ends at once, requests are cut at the deadline, and what is left is kept
        in the spool (or counted as dropped with reason ``close_timeout``)."""
        engine = self._engine
        timeout = self._opts.close_timeout if timeout is None else max(0.0, timeout)
        engine.begin_close(timeout)
        # the engine's deadline, not a fresh one: at exit every transport shares one
        end = min(engine.deadline, time.monotonic() + timeout)
        worker = self._worker
        if worker is not None and worker is not threading.current_thread():
            worker.join(max(0.0, end - time.monotonic()) + 0.05)
        if worker is None or not worker.is_alive():
            if not engine.closed:
                engine.finish()
            self._poster.close()
            engine.close_spool()
        else:
            # the worker is inside a request that outlived the deadline
            engine.abandon_at_deadline()
        _live.discard(self)
        return engine.report()

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --------------------------------------------------------------- worker
    def _run(self) -> None:
        engine = self._engine
        try:
            while True:
                try:
                    engine.wake.clear()
                    batch, wait = engine.step()
                    if batch is not None:
                        drive_sync(engine, self._poster, engine.deliver(batch))
                    elif wait is None:
                        break
                    else:
                        engine.wake.wait(wait)
                except Exception as exc:  # a bug: logged, counted, and the worker goes on
                    engine.internal_error("worker", exc)
                    if engine.closing:
                        break
                    engine.stop.wait(1.0)
        finally:
            engine.finish()

    def _after_fork_in_child(self) -> None:
        self._engine.after_fork_in_child()
        self._start_lock = threading.Lock()
        self._worker = None  # started by the child's first send or flush
        # the parent's connections are not ours
        self._poster = SyncPoster(self._engine, self._http_transport)


def drive_sync(
    engine: Engine,
    poster: SyncPoster,
    gen: Generator[Post | Sleep, Outcome | None, None],
    outcome: Outcome | None = None,
) -> None:
    """Run a delivery generator with blocking httpx calls (also used by the asyncio
    transport to finish at exit, when its loop is gone)."""
    while True:
        try:
            op = gen.send(outcome)
        except StopIteration:
            return
        if isinstance(op, Post):
            try:
                outcome = poster.post(op.body, engine.request_timeout())
            except Exception as exc:  # httpx.TransportError and anything below it
                outcome = exc
            engine.intake()  # between requests too (a bisection makes several): spool new events
        else:
            sleep_sync(engine, op.seconds)
            outcome = None


def sleep_sync(engine: Engine, seconds: float) -> None:
    """A backoff sleep that ends at once on close(), and keeps taking events in meanwhile
    (so the batched spool still writes within the flush interval)."""
    if engine.closing:
        time.sleep(engine.sleep_limit(seconds))
        return
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        if engine.stop.wait(min(left, engine.opts.flush_interval)):
            return
        engine.intake()
        engine.run_callbacks()


# ---------------------------------------------------------------- lifecycle
# Strong references: a transport holding events must not be collected before it delivers them
# (one whose worker is not running, e.g. never started, has no other owner). close() removes it.
_live: set[Any] = set()


def _close_all_at_exit() -> None:
    transports = list(_live)
    # every deadline starts now, and close() waits for its engine's deadline, not a fresh
    # one: N transports (their worker joins and hanging requests included) take one timeout
    for transport in transports:
        transport._engine.begin_close(transport._opts.close_timeout)
    for transport in transports:
        try:
            transport.close(transport._opts.close_timeout)
        except Exception as exc:  # pragma: no cover - never break interpreter exit
            transport._engine.log.error("delivery_exit_close_failed", error=repr(exc))


def _after_fork_in_child() -> None:
    for transport in list(_live):
        transport._after_fork_in_child()


atexit.register(_close_all_at_exit)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
