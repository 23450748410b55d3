"""AsyncHttpTransport: the same delivery, driven by a task on your asyncio loop.

Same options, queue, spool, retry, bisection and accounting as :class:`HttpTransport` (the
very same engine); the HTTP goes through ``httpx.AsyncClient`` on the application's loop
instead of a thread. ``send()`` stays synchronous (the tracker calls it from a player callback,
on any thread) and is a bounded deque append.

While a request waits for its answer the loop is free, so the worker posts a second batch
beside it when one is due and the collector's last answer was a success
(:meth:`Engine.step_alongside`); it waits for both before it takes more. A thread cannot do
that without a second thread: ``HttpTransport`` keeps one request in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from types import TracebackType
from typing import Any, TypeVar

import httpx

from playhead.transports._engine import (
    DeliveryReport,
    Outcome,
    Post,
    Sleep,
)
from playhead.transports._http_base import HttpTransportBase
from playhead.transports._posting import AsyncPoster, SyncPoster
from playhead.transports.base import Payload
from playhead.transports.http import _live, drive_sync

__all__ = ["AsyncHttpTransport"]

_Self = TypeVar("_Self", bound="AsyncHttpTransport")


class _LoopSignal:
    """A wake-up flag an asyncio task waits on and any thread may set."""

    def __init__(self, loop: asyncio.AbstractEventLoop, initially: bool = False) -> None:
        self._loop = loop
        self._thread = threading.get_ident()
        self._event = asyncio.Event()
        if initially:
            self._event.set()

    def set(self) -> None:
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting
            if threading.get_ident() == self._thread:
                self._event.set()
            else:
                self._loop.call_soon_threadsafe(self._event.set)

    def clear(self) -> None:
        self._event.clear()

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        # only reached from a blocking drain (loop not running): a plain bounded sleep
        if not self._event.is_set() and timeout:
            time.sleep(min(timeout, 0.05))
        return self._event.is_set()

    async def wait_async(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except asyncio.TimeoutError:
            return False
        return True


class AsyncHttpTransport(HttpTransportBase):
    """:class:`HttpTransport` for asyncio apps (``httpx.AsyncClient``), same options.

    Start it inside the loop with ``async with AsyncHttpTransport(...) as transport:`` or
    ``await transport.start()``; events sent before that are queued. ``await aflush()`` and
    ``await aclose()`` are the asyncio forms of ``flush`` and ``close``. The synchronous
    ``close()`` also works: from another thread it runs ``aclose()`` on the loop; on the
    loop's thread or after the loop is gone (at interpreter exit, or when ``asyncio.run``
    cancels the worker) it finishes with a blocking client within ``close_timeout``.

    .. versionadded:: 0.1
    """

    _http_transport_kind = httpx.AsyncBaseTransport

    def _setup(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._poster: AsyncPoster | None = None
        # the delivery generators not finished, in the order their batches were taken, with
        # what to resume each with if the loop goes away while it is suspended
        self._resume: dict[Any, Outcome | None] = {}
        self._pid = os.getpid()
        _live.add(self)

    # ------------------------------------------------------------------ API
    def send(self, payload: Payload) -> None:
        """Queue one event (any thread). Never does I/O (unless the spool is ``sync``)."""
        self._engine.send(payload)
        if self._task is None:
            self._start_if_in_loop()

    async def start(self) -> None:
        """Start the worker task on the running loop (idempotent)."""
        self._start(asyncio.get_running_loop())

    async def aflush(self, timeout: float | None = None) -> DeliveryReport:
        """Send what is queued; wait at most ``timeout`` seconds."""
        engine = self._engine
        if engine.closed:
            return engine.report()
        await self.start()
        target = engine.flush_target()
        end = None if timeout is None else time.monotonic() + timeout
        while engine.settled < target and not engine.closed:
            if end is not None and time.monotonic() >= end:
                break
            await asyncio.sleep(0.005)
        engine.forget_delivered()
        return engine.report()

    async def aclose(self, timeout: float | None = None) -> DeliveryReport:
        """Flush within ``timeout`` (default ``close_timeout``), then stop."""
        engine = self._engine
        timeout = self._opts.close_timeout if timeout is None else max(0.0, timeout)
        if not engine.closed:
            await self.start()
        engine.begin_close(timeout)
        task = self._task
        if task is not None and not task.done():
            left = min(engine.deadline, time.monotonic() + timeout) - time.monotonic()
            await asyncio.wait({task}, timeout=max(0.0, left) + 0.05)
        if task is None or task.done():
            if not engine.closed:
                engine.finish()
            if self._poster is not None:
                await self._poster.aclose()
            engine.close_spool()
        else:
            engine.abandon_at_deadline()
        _live.discard(self)
        return engine.report()

    def flush(self, timeout: float | None = None) -> DeliveryReport:
        """From another thread: waits like :meth:`aflush`. On the loop's own thread it cannot
        wait without blocking the loop: it wakes the worker and returns the current report."""
        loop = self._loop
        if loop is not None and loop.is_running():
            if _on_loop_thread(loop):
                self._engine.flush_target()
                self._engine.log.info(
                    "delivery_flush_on_loop_thread", hint="use await transport.aflush()"
                )
                return self._engine.report()
            future = asyncio.run_coroutine_threadsafe(self.aflush(timeout), loop)
            return future.result(None if timeout is None else timeout + 1.0)
        return self._blocking(self._opts.close_timeout, closing=False)

    def close(self, timeout: float | None = None) -> DeliveryReport:
        """Like :meth:`aclose`, callable from synchronous code and at interpreter exit."""
        timeout = self._opts.close_timeout if timeout is None else max(0.0, timeout)
        loop = self._loop
        if loop is not None and loop.is_running() and not _on_loop_thread(loop):
            future = asyncio.run_coroutine_threadsafe(self.aclose(timeout), loop)
            left = min(self._engine.deadline, time.monotonic() + timeout) - time.monotonic()
            try:
                return future.result(max(0.0, left) + 1.0)
            except Exception:  # the loop stopped meanwhile: finish here
                pass
        report = self._blocking(timeout, closing=True)
        _live.discard(self)
        return report

    async def __aenter__(self: _Self) -> _Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # --------------------------------------------------------------- worker
    def _start_if_in_loop(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # a player thread: the queue waits for start()
        self._start(loop)

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        if os.getpid() != self._pid:
            self._after_fork_in_child()
        if self._task is not None and self._loop is loop:
            return
        if self._engine.closed:
            return
        self._loop = loop
        engine = self._engine
        engine.wake = _LoopSignal(loop, initially=True)
        engine.stop = _LoopSignal(loop, initially=engine.stop.is_set())
        self._poster = AsyncPoster(engine, self._http_transport)
        self._task = loop.create_task(self._run(), name="playhead-http")

    async def _run(self) -> None:
        engine = self._engine
        wake = engine.wake
        assert isinstance(wake, _LoopSignal)
        try:
            while True:
                try:
                    wake.clear()
                    batch, wait = engine.step()
                    if batch is not None:
                        second = engine.step_alongside()
                        if second is None:
                            await self._drive(engine.deliver(batch))
                        else:
                            await self._drive_pair(engine.deliver(batch), engine.deliver(second))
                    elif wait is None:
                        break
                    else:
                        await wake.wait_async(wait)
                except Exception as exc:  # a bug: logged, counted, and the worker goes on
                    engine.internal_error("worker", exc)
                    if engine.closing:
                        break
                    await asyncio.sleep(1.0)
        except asyncio.CancelledError:
            # the loop is going away (asyncio.run is ending): finish without it, bounded
            self._finish_blocking()
            raise
        engine.finish()

    async def _drive_pair(self, first: Any, second: Any) -> None:
        """Deliver two batches at once: the second in a task of its own."""
        self._resume[first] = self._resume[second] = None  # in order, and not started
        other = asyncio.get_running_loop().create_task(self._drive(second))
        try:
            await self._drive(first)
        except asyncio.CancelledError:
            other.cancel()  # the loop is going away: _finish_blocking drives what is left
            raise
        except Exception:
            await other  # a bug in this one: the other batch is still delivered
            raise
        await other

    async def _drive(self, gen: Any) -> None:
        engine = self._engine
        assert self._poster is not None
        poster = self._poster
        resume = self._resume
        resume.setdefault(gen, None)
        outcome: Outcome | None = None
        while True:
            try:
                op = gen.send(outcome)
            except StopIteration:
                resume.pop(gen, None)
                return
            if isinstance(op, Post):
                resume[gen] = ConnectionError("cancelled while posting")
                try:
                    outcome = await poster.post(op.body, engine.request_timeout())
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    outcome = exc
                engine.intake()  # between requests too: spool new events promptly
            else:
                assert isinstance(op, Sleep)
                resume[gen] = None
                await self._sleep(op.seconds)
                outcome = None

    async def _sleep(self, seconds: float) -> None:
        engine = self._engine
        stop = engine.stop
        assert isinstance(stop, _LoopSignal)
        if engine.closing:
            await asyncio.sleep(engine.sleep_limit(seconds))
            return
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            if await stop.wait_async(min(left, engine.opts.flush_interval)):
                return  # close() ends every backoff sleep at once
            engine.intake()
            engine.run_callbacks()

    def _sync_poster(self) -> SyncPoster:
        transport = self._http_transport
        return SyncPoster(
            self._engine, transport if isinstance(transport, httpx.BaseTransport) else None
        )

    def _finish_blocking(self) -> None:
        engine = self._engine
        engine.begin_close(self._opts.close_timeout)
        resume, self._resume = self._resume, {}
        with self._sync_poster() as poster:
            for gen, outcome in resume.items():  # the older batch first
                drive_sync(engine, poster, gen, outcome)
            self._drain(poster, None)
        engine.finish()

    def _drain(self, poster: SyncPoster, target: int | None) -> None:
        engine = self._engine
        while target is None or engine.settled < target:
            engine.wake.clear()
            batch, wait = engine.step()
            if batch is not None:
                drive_sync(engine, poster, engine.deliver(batch))
            elif wait is None or target is not None:
                return
            else:  # pragma: no cover - step() never waits while closing
                time.sleep(min(wait, 0.05))

    def _blocking(self, timeout: float, closing: bool) -> DeliveryReport:
        """Flush or close with a blocking client: no loop to run on (or we are its thread)."""
        engine = self._engine
        if engine.closed:
            return engine.report()
        if closing:
            engine.begin_close(timeout)
            with self._sync_poster() as poster:
                self._drain(poster, None)
            engine.finish()
            if self._task is None or self._task.done():
                engine.close_spool()  # else the suspended task still owns a batch
        else:
            engine.log.info("delivery_flush_without_loop", hint="events wait for the loop to start")
        return engine.report()

    def _after_fork_in_child(self) -> None:
        self._engine.after_fork_in_child()
        self._loop = None
        self._task = None
        self._poster = None
        self._resume = {}
        self._pid = os.getpid()


def _on_loop_thread(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False
