"""The delivery pipeline shared by :class:`HttpTransport` and :class:`AsyncHttpTransport`.

Data flow (one direction)::

    send(payload) --> inbox (deque of dicts; a bounded append, no I/O)
    worker: inbox --serialise once, check size, spool--> pending (deque of bytes)
    worker: pending --batch (events, bytes)--> deliver() --> Post/Sleep ops --> driver (httpx)

:meth:`Engine.deliver` is written "sans I/O": a generator that yields :class:`Post` and
:class:`Sleep` operations and receives the answers, so the threaded and the asyncio transports
run the very same retry, bisection and accounting code and differ only in how they wait.

Every event ends in exactly one place: delivered, rejected (by the server or by the size
check: ``on_error``), dropped (a named reason: ``on_drop``), or still queued (``remaining``;
with a spool, on disk). User callbacks run on the worker, never on the caller's thread.
"""

from __future__ import annotations

import base64
import datetime as _dt
import gzip as _gzip
import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Generator, Mapping
from typing import Any, Protocol

import attrs

from playhead._logging import get_logger
from playhead._version import __version__
from playhead.transports._options import Options
from playhead.transports._retry import (
    backoff_delay,
    is_retryable_status,
    parse_retry_after,
    server_message,
)
from playhead.transports.base import FlushResult, Payload
from playhead.transports.spool import Spool

__all__ = [
    "Answer",
    "DeliveryError",
    "DeliveryReport",
    "DeliveryStats",
    "Engine",
    "Post",
    "Sleep",
]

log = get_logger("playhead.transports.http")

_encoder = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
_MID_START = len(b'{"messageId":"')
_WARN_EVERY = 10.0  # seconds between two warnings with the same key


@attrs.frozen
class DeliveryReport(FlushResult):
    """What a flush or close achieved (a :class:`FlushResult` with more detail).

    ``delivered`` counts every event the collector accepted since the transport started;
    ``remaining`` the events neither delivered nor given up (with a spool: on disk, sent by
    the next start); ``dropped`` and ``rejected`` are totals since the start.

    .. versionadded:: 0.1
    """

    dropped: int = 0
    rejected: int = 0
    spooled: int = 0


@attrs.frozen
class DeliveryStats:
    """A snapshot of ``transport.stats``.

    ``queued``: waiting in memory; ``in_flight``: in the request being sent; ``sent``:
    accepted by the collector; ``retried``: requests repeated after a retryable failure;
    ``requests``: HTTP requests made; ``dropped`` / ``rejected``: counts by reason;
    ``spooled``: events on disk now.

    .. versionadded:: 0.1
    """

    queued: int
    in_flight: int
    sent: int
    retried: int
    requests: int
    spooled: int
    dropped: Mapping[str, int]
    rejected: Mapping[str, int]

    @property
    def dropped_total(self) -> int:
        return sum(self.dropped.values())

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())


@attrs.frozen
class DeliveryError:
    """Passed to ``on_error``: an event the collector (or the size check) refused, or a 401.

    ``kind`` is ``"rejected"`` (a 4xx for this event), ``"oversized"``, ``"invalid"`` (not
    JSON-serialisable) or ``"unauthorized"``. ``message`` is the server's own words when it
    gave any. Never contains the API key.

    .. versionadded:: 0.1
    """

    kind: str
    message: str
    status: int | None = None
    message_id: str | None = None
    payload: Payload | None = None


@attrs.frozen(slots=True)
class Post:
    body: bytes
    count: int


@attrs.frozen(slots=True)
class Sleep:
    seconds: float


@attrs.frozen(slots=True)
class Answer:
    status: int
    retry_after: str | None
    body: bytes


class Signal(Protocol):
    """What the engine needs of a wake-up flag: a ``threading.Event`` or the asyncio one."""

    def set(self) -> None: ...
    def clear(self) -> None: ...
    def is_set(self) -> bool: ...
    def wait(self, timeout: float | None = None) -> bool: ...


DropCallback = Callable[[str, list[Payload]], object]
ErrorCallback = Callable[[DeliveryError], object]
Outcome = Answer | BaseException


def message_id_of(item: bytes) -> str:
    """The messageId of a serialised event (always written first, see ``serialise``)."""
    return item[_MID_START : item.index(b'"', _MID_START)].decode("utf-8")


def _now_iso() -> bytes:
    now = _dt.datetime.now(_dt.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.").encode() + b"%03dZ" % (now.microsecond // 1000)


class Engine:
    """Queue, serialisation, spool, batching, retry decisions and accounting."""

    def __init__(
        self,
        opts: Options,
        *,
        on_drop: DropCallback | None,
        on_error: ErrorCallback | None,
    ) -> None:
        self.opts = opts
        self.on_drop = on_drop
        self.on_error = on_error
        token = base64.b64encode(f"{opts.api_key}:".encode()).decode("ascii")
        self.headers = {
            "Authorization": f"Basic {token}",
            "User-Agent": f"playhead/{__version__}",
            "Content-Type": "application/json",
        }
        if opts.strict:
            self.headers["X-Strict-Mode"] = "1"
        if opts.gzip:
            self.headers["Content-Encoding"] = "gzip"
        self.spool: Spool | None = None
        if opts.spool_path is not None:
            self.spool = Spool(
                opts.spool_path,
                durability=opts.spool_durability,  # type: ignore[arg-type]
                max_bytes=opts.spool_max_bytes,
                max_age=opts.spool_max_age,
            )
        self._reset_state()
        if self.spool is not None:
            expired = self.spool.expire()
            if expired:
                self._count(self.dropped, "spool_expired", len(expired))
                self.notices.append(("drop", "spool_expired", expired))
                self.warn("delivery_spool_expired", events=len(expired), path=self.spool.path)
        if self.spool is not None and self.spool.rows:
            self.backlog = True
            self.leftover_max_rowid = self.spool.load_max_rowid()
            log.info("delivery_spool_leftovers", events=self.spool.rows, path=self.spool.path)

    # ------------------------------------------------------------------ state
    def _reset_state(self) -> None:
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.wake: Signal = threading.Event()
        self.stop: Signal = threading.Event()
        self.inbox: deque[Payload | tuple[int, bytes]] = deque()
        self.pending: deque[bytes] = deque()
        self.pending_bytes = 0
        self.parked: deque[bytes] = deque()
        self.park_until = 0.0
        self.in_flight = 0
        self.accepted = 0
        self.settled = 0
        self.delivered = 0
        self.retried = 0
        self.requests = 0
        self.dropped: dict[str, int] = {}
        self.rejected: dict[str, int] = {}
        self.notices: deque[tuple[str, Any, Any]] = deque()
        self.cursor = 0
        self.backlog = False
        self.leftover_max_rowid = 0
        self.closing = False
        self.closed = False
        self.deadline = float("inf")
        self.flush_requested = False
        self.unauthorized = False
        self.last_send = time.monotonic()
        self.warned: dict[str, tuple[float, int]] = {}
        self.durable = self.spool is not None and self.spool.durability == "sync"
        self.spills = self.spool is not None
        self.wake_at = self.opts.max_batch_events

    def after_fork_in_child(self) -> None:
        """A forked child starts empty: the parent's queued events stay the parent's."""
        spool, self.spool = self.spool, None
        unauthorized = self.unauthorized
        self._reset_state()
        self.unauthorized = unauthorized
        if spool is not None:
            spool.abandon()
            self.warn("delivery_spool_disabled_after_fork", path=spool.path)

    # --------------------------------------------------------------- caller side
    def send(self, payload: Payload) -> None:
        """Queue one payload: a bounded deque operation on the caller's thread, no I/O.

        With ``spool_durability="sync"`` the event is serialised and committed to disk here.
        """
        if self.closing:
            self._drop_unaccepted(payload, "closed")
            return
        if self.durable:
            self._send_durable(payload)
            return
        inbox = self.inbox
        if self._full() and not self._make_room(payload):
            return
        inbox.append(payload)
        if len(inbox) == self.wake_at:
            self.wake.set()

    def _full(self) -> bool:
        if self.spills:  # the spool holds the overflow; only the inbox is bounded here
            return len(self.inbox) >= self.opts.max_queue_events
        return (
            len(self.inbox) + len(self.pending) >= self.opts.max_queue_events
            or self.pending_bytes >= self.opts.max_queue_bytes
        )

    def _make_room(self, payload: Payload) -> bool:
        policy = self.opts.overflow
        with self.lock:
            if policy == "block":
                self.wake.set()
                end = time.monotonic() + self.opts.block_timeout
                while self._full() and not self.closing:
                    left = end - time.monotonic()
                    if left <= 0:
                        break
                    self.changed.wait(left)
                if not self._full():
                    return True
            elif policy == "drop_oldest":
                if self.pending and not self.spills:
                    oldest = self.pending.popleft()
                    self.pending_bytes -= len(oldest)
                    self._settle_dropped([oldest], "queue_full")
                    return True
                if self.inbox:
                    try:
                        first = self.inbox.popleft()
                    except IndexError:
                        return True
                    self._count(self.dropped, "queue_full", 1)
                    self.notices.append(("drop", "queue_full", [_as_payload(first)]))
                    self.warn("delivery_queue_full", policy=policy)
                    return True
            self._count(self.dropped, "queue_full", 1)
            self.notices.append(("drop", "queue_full", [payload]))
            self.warn("delivery_queue_full", policy=policy)
            return False

    def _drop_unaccepted(self, payload: Payload, reason: str) -> None:
        with self.lock:
            self._count(self.dropped, reason, 1)
            self.notices.append(("drop", reason, [payload]))
        self.warn("delivery_send_after_close" if reason == "closed" else "delivery_dropped")

    def _send_durable(self, payload: Payload) -> None:
        assert self.spool is not None
        with self.lock:
            item = self._serialise(payload)
            if item is None:
                return
            mid, data = item
            rowid = self.spool.add(mid, data)
            if not rowid:  # None: the spool is full; 0: this messageId is spooled already
                reason = "spool_full" if rowid is None else "duplicate"
                self._count(self.dropped, reason, 1)
                self.notices.append(("drop", reason, [payload]))
                self.warn(f"delivery_{reason}", path=self.spool.path)
                return
            if len(self.inbox) >= self.opts.max_queue_events:
                self.accepted += 1  # on disk only; loaded when the queue has room
                self.backlog = True
                return
            self.inbox.append((rowid, data))
            if len(self.inbox) == self.wake_at:
                self.wake.set()

    def _serialise(self, payload: Payload) -> tuple[str, bytes] | None:
        """Encode once, messageId first; refuse (count, report) what cannot be sent."""
        mid = payload.get("messageId") if isinstance(payload, dict) else None
        if mid is None:
            mid = str(uuid.uuid4())
        if not isinstance(mid, str) or not mid or '"' in mid or "\\" in mid:
            self._reject_local(payload, "invalid", "messageId must be a plain non-empty string")
            return None
        try:
            data = _encoder.encode({"messageId": mid, **payload}).encode("utf-8")
        except (TypeError, ValueError, RecursionError) as exc:
            self._reject_local(payload, "invalid", f"not JSON-serialisable: {exc}"[:200])
            return None
        if len(data) > self.opts.max_event_bytes:
            self._reject_local(
                payload,
                "oversized",
                f"event is {len(data)} bytes; the limit is {self.opts.max_event_bytes}",
            )
            return None
        return mid, data

    def _reject_local(self, payload: Any, kind: str, message: str) -> None:
        self._count(self.rejected, kind, 1)
        mid = payload.get("messageId") if isinstance(payload, dict) else None
        error = DeliveryError(
            kind=kind,
            message=message,
            message_id=mid if isinstance(mid, str) else None,
            payload=payload if isinstance(payload, dict) else None,
        )
        self.notices.append(("error", error, None))
        self.warn("delivery_event_refused", reason=kind, detail=message)

    # ------------------------------------------------------------- worker side
    def intake(self) -> None:
        """Move the inbox into pending: serialise, size-check, spool. Worker only."""
        with self.lock:
            self._intake_locked()

    def _intake_locked(self) -> None:
        inbox = self.inbox
        if not inbox and not self.backlog:
            return
        spool = self.spool
        fresh: list[tuple[str, bytes]] = []
        if inbox and self.spills:
            self.changed.notify_all()  # with a spool the inbox is the bound: room for "block"
        while inbox:
            try:
                item = inbox.popleft()
            except IndexError:  # pragma: no cover - raced with drop_oldest
                break
            self.accepted += 1
            if isinstance(item, tuple):  # already on disk (sync durability)
                rowid, data = item
                if rowid <= self.cursor:
                    continue  # a backlog reload got it first
                if self.backlog or self._memory_full():
                    self.backlog = True
                    continue
                self.cursor = rowid
                self._append(data)
                continue
            encoded = self._serialise(item)
            if encoded is None:
                self.settled += 1
                continue
            if spool is None:
                self._append(encoded[1])
            else:
                fresh.append(encoded)
        if fresh and spool is not None:
            rowids = spool.add_many(fresh)
            for (_, body), row in zip(fresh, rowids, strict=True):
                if not row:  # None: the spool is full; 0: this messageId is spooled already
                    reason = "spool_full" if row is None else "duplicate"
                    self._count(self.dropped, reason, 1)
                    self.settled += 1
                    self.notices.append(("drop", reason, [body]))
                    self.warn(f"delivery_{reason}", path=spool.path)
                elif self.backlog or self._memory_full():
                    self.backlog = True
                else:
                    self.cursor = row
                    self._append(body)
        if self.backlog and spool is not None and not self._memory_full():
            self._reload()

    def _memory_full(self) -> bool:
        held = len(self.pending) + len(self.parked) + self.in_flight
        return held >= self.opts.max_queue_events or self.pending_bytes >= self.opts.max_queue_bytes

    def _append(self, data: bytes) -> None:
        self.pending.append(data)
        self.pending_bytes += len(data)

    def _reload(self) -> None:
        assert self.spool is not None
        room = self.opts.max_queue_events - len(self.pending) - len(self.parked) - self.in_flight
        if room <= 0:
            return
        rows = self.spool.load(self.cursor, room)
        for rowid, data in rows:
            if rowid <= self.leftover_max_rowid:
                self.accepted += 1  # left by an earlier process: new to this one
            self.cursor = rowid
            self._append(data)
        if len(rows) < room:
            self.backlog = False

    def step(self) -> tuple[list[bytes] | None, float | None]:
        """One turn of the worker: ``(batch, 0)`` to send, ``(None, seconds)`` to wait,
        ``(None, None)`` when closing is done."""
        with self.lock:
            self._intake_locked()
            now = time.monotonic()
            if self.parked and not self.pending and now >= self.park_until:
                self.accepted += len(self.parked)  # back in the race
                for data in self.parked:
                    self._append(data)
                self.parked.clear()
            refused: list[bytes] = []
            if self.unauthorized and self.pending:
                refused = list(self.pending)
                self.pending.clear()
                self.pending_bytes = 0
                self.in_flight += len(refused)
        if refused:
            self._give_up(refused, "unauthorized")
        self.run_callbacks()
        if self.closing and (now >= self.deadline or not self.pending):
            return None, None
        opts = self.opts
        pending = self.pending
        if pending and (
            self.closing
            or self.flush_requested
            or self.backlog  # more is waiting on disk: no reason to wait
            or len(pending) >= opts.max_batch_events
            or self.pending_bytes >= opts.max_batch_bytes
            or now - self.last_send >= opts.flush_interval
        ):
            return self._take_batch(), 0.0
        with self.lock:
            if self.flush_requested and not pending and not self.backlog:
                self.flush_requested = False
        wait = opts.flush_interval - (now - self.last_send) if pending else opts.flush_interval
        if self.parked and not pending:
            wait = min(wait, max(self.park_until - now, 0.001))
        return None, max(wait, 0.001)

    def _take_batch(self) -> list[bytes]:
        limit_events = self.opts.max_batch_events if self.opts.endpoint == "batch" else 1
        room = self.opts.max_batch_bytes - 64
        batch: list[bytes] = []
        with self.lock:
            pending = self.pending
            while pending and len(batch) < limit_events:
                size = len(pending[0]) + 1
                if size > room and batch:
                    break
                item = pending.popleft()
                room -= size
                self.pending_bytes -= len(item)
                batch.append(item)
            self.in_flight += len(batch)
        self.last_send = time.monotonic()
        return batch

    def body(self, items: list[bytes]) -> bytes:
        if self.opts.endpoint == "track":
            body = items[0]
        else:
            body = b'{"batch":[' + b",".join(items) + b'],"sentAt":"' + _now_iso() + b'"}'
        if self.opts.gzip:
            body = _gzip.compress(body, compresslevel=6)
        return body

    def request_timeout(self) -> float:
        if self.closing:
            return max(0.05, min(self.opts.timeout, self.deadline - time.monotonic()))
        return self.opts.timeout

    def sleep_limit(self, seconds: float) -> float:
        """How long a backoff sleep may last now (closing: never past the deadline)."""
        if self.closing:
            return max(0.0, min(seconds, self.deadline - time.monotonic()))
        return seconds

    def deliver(self, batch: list[bytes]) -> Generator[Post | Sleep, Outcome | None, None]:
        """Deliver one batch: yields operations, settles every event of the batch."""
        yield from self._deliver_group(batch)

    def _deliver_group(self, items: list[bytes]) -> Generator[Post | Sleep, Outcome | None, None]:
        opts = self.opts
        started = time.monotonic()
        attempt = 0
        while True:
            if self.unauthorized:
                self._give_up(items, "unauthorized")
                return
            outcome = yield Post(self.body(items), len(items))
            self.requests += 1
            retry_after: float | None = None
            if isinstance(outcome, Answer):
                status = outcome.status
                if 200 <= status < 300:
                    self._settle_delivered(items)
                    return
                if status == 401:
                    self._unauthorized(items, outcome)
                    return
                if status in (400, 413) and len(items) > 1:
                    # one bad event must not sink its neighbours: split until isolated
                    half = len(items) // 2
                    yield from self._deliver_group(items[:half])
                    yield from self._deliver_group(items[half:])
                    return
                if not is_retryable_status(status):
                    self._settle_rejected(items, status, server_message(outcome.body))
                    return
                retry_after = parse_retry_after(outcome.retry_after, opts.retry_after_max)
                reason = f"HTTP {status}"
            else:
                reason = type(outcome).__name__
            attempt += 1
            now = time.monotonic()
            if self.closing and now >= self.deadline:
                self._give_up(items, "close_timeout")
                return
            delay = (
                retry_after
                if retry_after is not None
                else backoff_delay(attempt, opts.backoff_base, opts.backoff_max)
            )
            if now + delay - started > opts.max_retry_time:
                self._give_up(items, "retry_timeout")
                return
            self.retried += 1
            self.warn("delivery_retry", reason=reason, attempt=attempt, delay=round(delay, 3))
            yield Sleep(delay)

    # ------------------------------------------------------------ settlement
    def _settle_delivered(self, items: list[bytes]) -> None:
        with self.lock:
            if self.spool is not None:
                self.spool.delete([message_id_of(i) for i in items])
            self.delivered += len(items)
            self._settled(len(items))

    def _settle_rejected(self, items: list[bytes], status: int, message: str) -> None:
        with self.lock:
            if self.spool is not None:
                self.spool.delete([message_id_of(i) for i in items])
            self._count(self.rejected, f"http_{status}", len(items))
            self._settled(len(items))
            for item in items:
                error = DeliveryError(
                    kind="rejected", message=message, status=status, message_id=message_id_of(item)
                )
                self.notices.append(("error", error, item))
        self.warn("delivery_event_rejected", status=status, events=len(items), detail=message)

    def _unauthorized(self, items: list[bytes], answer: Answer) -> None:
        first = not self.unauthorized
        self.unauthorized = True
        if first:
            message = server_message(answer.body) or "unauthorized"
            log.error(
                "delivery_unauthorized",
                status=answer.status,
                url=self.opts.url,
                detail=message,
                hint="check the API key and the region (us/eu) or host; no more requests are made",
            )
            with self.lock:
                self.notices.append(
                    ("error", DeliveryError(kind="unauthorized", message=message, status=401), None)
                )
        self._give_up(items, "unauthorized")

    def _give_up(self, items: list[bytes], reason: str) -> None:
        """Stop trying these now: with a spool they stay on disk, otherwise they are dropped."""
        with self.lock:
            if self.spool is not None:
                self.in_flight -= len(items)
                self.settled += len(items)
                if reason == "retry_timeout":  # others wait for the next start, on disk
                    self.parked.extend(items)
                    self.park_until = time.monotonic() + self.opts.backoff_max
                self.changed.notify_all()
                self.warn("delivery_deferred_to_spool", reason=reason, events=len(items))
            else:
                self._settle_dropped(items, reason)
                self.in_flight -= len(items)
                self.warn("delivery_dropped", reason=reason, events=len(items))

    def _settle_dropped(self, items: list[bytes], reason: str) -> None:
        # lock held by the caller
        if self.spool is not None:
            self.spool.delete([message_id_of(i) for i in items])
        self._count(self.dropped, reason, len(items))
        self.settled += len(items)
        self.notices.append(("drop", reason, items))
        self.changed.notify_all()

    def _settled(self, count: int) -> None:
        self.in_flight -= count
        self.settled += count
        self.changed.notify_all()

    @staticmethod
    def _count(table: dict[str, int], key: str, n: int) -> None:
        table[key] = table.get(key, 0) + n

    def _give_up_queued_locked(self) -> list[Any]:
        """Closing: take everything still queued in memory; without a spool it is dropped as
        ``close_timeout`` (with one, it stays in the spool for the next start)."""
        self._intake_locked()
        leftovers = list(self.pending) + list(self.parked)
        self.pending.clear()
        self.parked.clear()
        self.pending_bytes = 0
        if leftovers and self.spool is None:
            self._settle_dropped(leftovers, "close_timeout")
        return leftovers

    def finish(self) -> None:
        """Closing is over: spool what is still in memory (batched), or drop it (no spool)."""
        with self.lock:
            leftovers = self._give_up_queued_locked()
            self.closed = True
            self.changed.notify_all()
        if leftovers:
            self.warn(
                "delivery_close_left_events",
                events=len(leftovers),
                kept_in_spool=self.spool is not None,
            )
        self.run_callbacks()

    def abandon_at_deadline(self) -> None:
        """close() timed out with the worker stuck in a request: settle the rest from here.

        Queued events are spooled (batched spool) or dropped as ``close_timeout``; the events
        of the hanging request stay ``remaining`` (the worker may still deliver them)."""
        with self.lock:
            leftovers = self._give_up_queued_locked()
            in_flight = self.in_flight
        log.warning(
            "delivery_close_timed_out",
            queued_given_up=len(leftovers) if self.spool is None else 0,
            kept_in_spool=self.spool.rows if self.spool is not None else 0,
            in_flight=in_flight,
        )
        self.run_callbacks()

    # ------------------------------------------------------------ flush/close
    def flush_target(self) -> int:
        with self.lock:
            self.flush_requested = True
            target = self.accepted + len(self.inbox)
            if self.spool is not None and self.cursor < self.leftover_max_rowid:
                # left by an earlier process and not loaded yet: part of this flush too
                target += self.spool.count_between(self.cursor, self.leftover_max_rowid)
        self.wake.set()
        return target

    def wait_settled(
        self, target: int, timeout: float | None, alive: Callable[[], bool] = lambda: True
    ) -> None:
        """Wait until ``target`` events are settled, ``timeout`` passes or the worker died."""
        end = None if timeout is None else time.monotonic() + timeout
        with self.lock:
            while self.settled < target and not self.closed and alive():
                left = None if end is None else end - time.monotonic()
                if left is not None and left <= 0:
                    break
                self.changed.wait(left if left is None else min(left, 0.25))

    def begin_close(self, timeout: float) -> None:
        with self.lock:
            if not self.closing:
                self.closing = True
                self.deadline = time.monotonic() + timeout
        self.stop.set()
        self.wake.set()

    def remaining(self) -> int:
        with self.lock:
            if self.spool is not None:
                return self.spool.rows + (0 if self.durable else _dicts(self.inbox))
            return len(self.inbox) + len(self.pending) + len(self.parked) + self.in_flight

    def report(self) -> DeliveryReport:
        remaining = self.remaining()
        return DeliveryReport(
            delivered=self.delivered,
            remaining=remaining,
            dropped=sum(self.dropped.values()),
            rejected=sum(self.rejected.values()),
            spooled=self.spool.rows if self.spool is not None else 0,
        )

    def stats(self) -> DeliveryStats:
        with self.lock:
            return DeliveryStats(
                queued=len(self.inbox) + len(self.pending) + len(self.parked),
                in_flight=self.in_flight,
                sent=self.delivered,
                retried=self.retried,
                requests=self.requests,
                spooled=self.spool.rows if self.spool is not None else 0,
                dropped=dict(self.dropped),
                rejected=dict(self.rejected),
            )

    def close_spool(self) -> None:
        with self.lock:
            if self.spool is not None:
                self.spool.close()

    # -------------------------------------------------------------- reporting
    def warn(self, key: str, **fields: Any) -> None:
        """A warning at most every few seconds per key, saying how many were suppressed."""
        now = time.monotonic()
        last, suppressed = self.warned.get(key, (-_WARN_EVERY, 0))
        if now - last < _WARN_EVERY:
            self.warned[key] = (last, suppressed + 1)
            return
        self.warned[key] = (now, 0)
        log.warning(key, suppressed=suppressed, **fields)

    def run_callbacks(self) -> None:
        """Run queued on_drop / on_error calls (worker thread). Their exceptions are logged."""
        notices = self.notices
        while notices:
            try:
                kind, first, second = notices.popleft()
            except IndexError:  # pragma: no cover
                return
            try:
                if kind == "drop" and self.on_drop is not None:
                    self.on_drop(first, [_as_payload(i) for i in second])
                elif kind == "error" and self.on_error is not None:
                    error: DeliveryError = first
                    if second is not None and error.payload is None:
                        error = attrs.evolve(error, payload=_as_payload(second))
                    self.on_error(error)
            except Exception as exc:
                log.error("delivery_callback_failed", callback=f"on_{kind}", error=repr(exc))


def _as_payload(item: Any) -> Payload:
    if isinstance(item, tuple):
        item = item[1]
    if isinstance(item, bytes):
        try:
            loaded = json.loads(item)
        except ValueError:  # pragma: no cover - we wrote it
            return {}
        return loaded if isinstance(loaded, dict) else {}
    return item if isinstance(item, dict) else {}


def _dicts(inbox: deque[Payload | tuple[int, bytes]]) -> int:
    return sum(1 for i in list(inbox) if not isinstance(i, tuple))
