"""The delivery pipeline shared by :class:`HttpTransport` and :class:`AsyncHttpTransport`.

Data flow (one direction)::

    send(payload) --> inbox (deque of dicts; a bounded append, no I/O)
    worker: inbox --serialise once, check size--> pending (deque of bytes)
    worker: pending events still undelivered a flush interval later --> spool (batched)
    worker: pending --batch (events, bytes)--> deliver() --> Post/Sleep ops --> driver (httpx)

:meth:`Engine.deliver` is written "sans I/O": a generator that yields :class:`Post` and
:class:`Sleep` operations and receives the answers, so the threaded and the asyncio transports
run the very same retry, bisection and accounting code and differ only in how they wait.

Every event ends in exactly one place: delivered, rejected (by the server or by the size
check: ``on_error``), dropped (a named reason: ``on_drop``), or still queued (``remaining``;
with a spool, on disk). User callbacks run on the worker, never on the caller's thread.

Two locks: ``lock`` guards the in-memory state and is only ever held for a few dict and deque
operations, because ``send()`` may need it on the player's thread; ``disk`` serialises the
spool's I/O and is never taken by ``send()`` (except with ``spool_durability="sync"``, whose
point is I/O in ``send()``). ``disk`` is always taken before ``lock``, never inside it.

The spool may fail under us (a full disk, an I/O error): then events are held in memory up to
the queue bound (beyond it: dropped as ``spool_full``), deletes of delivered rows are
remembered, and the worker tries the disk again every :data:`SPOOL_RETRY` seconds.
"""

from __future__ import annotations

import base64
import datetime as _dt
import gzip as _gzip
import json
import threading
import time
import urllib.parse
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


def _make_encode() -> Callable[[Any], str]:
    """The stdlib's C encoder, made once with the same settings as ``_encoder``.

    ``JSONEncoder.encode`` makes a new C encoder (and a dict of markers) for every call: a
    third of what it costs for an event. Without markers a cyclic payload ends in a
    RecursionError instead of "Circular reference detected"; both are refused as invalid. NaN
    and the infinities are refused (``allow_nan=False``) exactly as by ``json.dumps``."""
    make = getattr(json.encoder, "c_make_encoder", None)
    basestring = getattr(json.encoder, "c_encode_basestring", None)
    if make is None or basestring is None:  # pragma: no cover - CPython has both
        return _encoder.encode
    try:
        encoder = make(None, _encoder.default, basestring, None, ":", ",", False, False, False)
        probe = {"a": [1, 2.5, "\u00e9\n"], "b": None, "c": True}
        if "".join(encoder(probe, 0)) != _encoder.encode(probe):
            raise ValueError("the C encoder disagrees with JSONEncoder")
    except (TypeError, ValueError):  # pragma: no cover - another signature: the plain way
        return _encoder.encode

    def encode(obj: Any) -> str:
        return "".join(encoder(obj, 0))

    return encode


_encode = _make_encode()
_MID_START = len(b'{"messageId":"')
_WARN_EVERY = 10.0  # seconds between two warnings with the same key
#: Seconds between two tries of a spool the disk refused.
SPOOL_RETRY = 1.0
#: Sends after close() are gathered into one on_drop call for this many seconds, or until
#: this many wait.
LATE_DROP_BATCH = 0.05
LATE_DROP_WAKE = 1_000
_INTAKE_CHUNK = 500  # events taken from the inbox per hold of the state lock
#: Delivered rows wait for the next spool write (one commit for both) unless this many wait,
#: or they waited a flush interval, or a flush or close asks for them.
DELETE_BATCH = 1_000
_DEFERRED = -1  # an event's spool write waits (see _may_defer)

# Answers that mean "this configuration cannot work": sending stops, events are kept.
_MISCONFIGURED = {
    401: ("unauthorized", "check the API key and the region (us/eu) or host"),
    403: (
        "forbidden",
        "the API key is not allowed to send here: check the key, its permissions and the "
        "region (us/eu) or host",
    ),
}


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

    ``queued``: waiting in memory; ``in_flight``: in the requests being sent; ``sent``:
    accepted by the collector; ``retried``: requests repeated after a retryable failure;
    ``requests``: HTTP requests made; ``dropped`` / ``rejected``: counts by reason;
    ``spooled``: events on disk now; ``errors``: spool writes the disk refused and unexpected
    errors the worker caught (each logged; delivery goes on).

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
    errors: int = 0

    @property
    def dropped_total(self) -> int:
        return sum(self.dropped.values())

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())


@attrs.frozen
class DeliveryError:
    """Passed to ``on_error``: an event the collector (or the size check) refused, or a
    configuration the collector refuses.

    ``kind`` is ``"rejected"`` (a 4xx for this event), ``"oversized"``, ``"invalid"`` (not
    JSON-serialisable), or, once per transport, ``"unauthorized"`` (401), ``"forbidden"``
    (403) or ``"redirected"`` (3xx; ``message`` names the ``Location``). ``message`` is the
    server's own words when it gave any. Never contains the API key.

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
    location: str | None = None


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


def host_of(base_url: str) -> str:
    """The collector a log line concerns: scheme, host and port (never a user or password)."""
    parts = urllib.parse.urlsplit(base_url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


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
        self.host = host_of(opts.base_url)
        self.log = log.bind(host=self.host)
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
            recovery = self.spool.recovery
            if recovery is not None:
                self.log.error(
                    "delivery_spool_damaged",
                    path=self.spool.path,
                    moved_to=recovery.moved_to,
                    salvaged=recovery.salvaged,
                    detail=recovery.reason,
                    hint="the damaged file is kept for inspection; a fresh spool is in use",
                )
            try:
                self._spool_opened()
            except Exception as exc:  # a full disk at start: run from memory, retry
                self._spool_failed(exc)

    # ------------------------------------------------------------------ state
    def _reset_state(self) -> None:
        self.disk = threading.RLock()
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
        self.errors = 0
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
        self.halted: str | None = None  # a misconfiguration kind: no more requests
        self.last_send = time.monotonic()
        self.warned: dict[str, tuple[float, int]] = {}
        self.durable = self.spool is not None and self.spool.durability == "sync"
        self.spills = self.spool is not None
        self.wake_at = self.opts.max_batch_events
        # the spool refused a write: retry then; messageIds held only in memory; rowids
        # written late for events already in memory; delivered rows still on disk (their
        # deletes ride with the next write, or the disk refused them)
        self.spool_down = False
        self.spool_ready = False
        self.spool_retry_at = 0.0
        self.unspooled: set[str] = set()
        self.skip_rowids: set[int] = set()
        self.undeleted: list[str] = []
        self.delete_due = 0.0  # when the oldest delivered row still on disk must be deleted
        # events whose spool write waits, by intake chunk: (when it is due, the events)
        self.deferred: deque[tuple[float, list[bytes]]] = deque()
        self.write_due = float("inf")
        # the events of the batches being delivered (two with the asyncio worker), not settled
        self.current: dict[int, bytes] = {}
        self.answering = False  # the collector's last answer was a 2xx: a second batch may go
        self.late: list[Payload] = []  # sent after close(), waiting for one on_drop call
        self.late_unreported = 0
        self.late_ready = threading.Event()
        self.late_reporter: threading.Thread | None = None

    def after_fork_in_child(self) -> None:
        """A forked child starts empty: the parent's queued events stay the parent's."""
        spool, self.spool = self.spool, None
        halted = self.halted
        self._reset_state()
        self.halted = halted
        if spool is not None:
            spool.abandon()
            self.warn("delivery_spool_disabled_after_fork", path=spool.path)

    # --------------------------------------------------------------- caller side
    def send(self, payload: Payload) -> None:
        """Queue one payload: a bounded deque operation on the caller's thread, no I/O.

        With ``spool_durability="sync"`` the event is serialised and committed to disk here.
        Never raises: whatever goes wrong is counted, reported and logged.
        """
        try:
            if self.closing:
                self._late_drop(payload)
                return
            if self.durable and not self.spool_down:
                self._send_durable(payload)
                return
            inbox = self.inbox
            if self._full() and not self._make_room(payload):
                return
            inbox.append(payload)
            if len(inbox) == self.wake_at:
                self.wake.set()
        except Exception as exc:  # a bug: never into the player's thread
            self.internal_error("send", exc)
            with self.lock:
                self._count(self.dropped, "error", 1)
                self.notices.append(("drop", "error", [payload]))

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
            if self.spool is not None and not self.spills:
                # the disk refuses the spool: memory is full, the newest cannot be kept
                self._count(self.dropped, "spool_full", 1)
                self.notices.append(("drop", "spool_full", [payload]))
                self.warn("delivery_spool_full", path=self.spool.path)
                return False
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

    def _late_drop(self, payload: Payload) -> None:
        """After close(): count, hand to one on_drop call per burst, keep nothing for long."""
        start = False
        with self.lock:
            self._count(self.dropped, "closed", 1)
            if self.on_drop is not None:
                if len(self.late) < self.opts.max_queue_events:
                    self.late.append(payload)
                    if len(self.late) == LATE_DROP_WAKE:
                        self.late_ready.set()  # a burst: report now, hold little
                else:
                    self.late_unreported += 1
                if self.late_reporter is None:
                    self.late_reporter = threading.Thread(
                        target=self._report_late, name="playhead-late-drops", daemon=True
                    )
                    start = True
        if start:
            assert self.late_reporter is not None
            self.late_reporter.start()
        self.warn("delivery_send_after_close")

    def _report_late(self) -> None:
        while True:
            self.late_ready.wait(LATE_DROP_BATCH)
            self.late_ready.clear()
            with self.lock:
                batch, self.late = self.late, []
                unreported, self.late_unreported = self.late_unreported, 0
                if not batch:
                    self.late_reporter = None
                    return
            if unreported:
                self.log.warning("delivery_send_after_close_unreported", events=unreported)
            self._call_back("drop", "closed", batch)

    def _send_durable(self, payload: Payload) -> None:
        spool = self.spool
        assert spool is not None
        item = self._serialise(payload)
        if item is None:
            return
        mid, data = item
        with self.disk:
            try:
                rowid = spool.add(mid, data)
            except Exception as exc:
                self._spool_failed(exc)
                rowid = None
            if rowid:
                with self.lock:
                    if len(self.inbox) >= self.opts.max_queue_events:
                        self.accepted += 1  # on disk only; loaded when the queue has room
                        self.backlog = True
                        return
                    self.inbox.append((rowid, data))
                    if len(self.inbox) == self.wake_at:
                        self.wake.set()
                return
        if rowid == 0:  # this messageId is spooled already
            with self.lock:
                self._count(self.dropped, "duplicate", 1)
                self.notices.append(("drop", "duplicate", [payload]))
            self.warn("delivery_duplicate", path=spool.path)
            return
        # full or refused: held in memory, as with the batched spool
        if self._full() and not self._make_room(payload):
            return
        self.inbox.append(payload)

    def _serialise(self, payload: Payload) -> tuple[str, bytes] | None:
        """Encode once, messageId first; refuse (count, report) what cannot be sent."""
        mid = payload.get("messageId") if isinstance(payload, dict) else None
        if mid is None:
            mid = str(uuid.uuid4())
        if not isinstance(mid, str) or not mid or '"' in mid or "\\" in mid:
            self._reject_local(payload, "invalid", "messageId must be a plain non-empty string")
            return None
        try:
            data = _encode({"messageId": mid, **payload}).encode("utf-8")
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
        mid = payload.get("messageId") if isinstance(payload, dict) else None
        error = DeliveryError(
            kind=kind,
            message=message,
            message_id=mid if isinstance(mid, str) else None,
            payload=payload if isinstance(payload, dict) else None,
        )
        with self.lock:
            self._count(self.rejected, kind, 1)
            self.notices.append(("error", error, None))
        self.warn("delivery_event_refused", reason=kind, detail=message)

    # ------------------------------------------------------------- worker side
    def intake(self) -> None:
        """Move the inbox into pending: serialise, size-check, spool. Worker only."""
        with self.disk:
            self._intake()

    def _intake(self) -> None:
        # disk held. Chunks keep every hold of the state lock short (send() may need it).
        spool = self.spool
        if spool is not None and self.spool_down:
            self._repair_spool()
        while True:
            with self.lock:
                inbox = self.inbox
                taken: list[Payload | tuple[int, bytes]] = []
                while inbox and len(taken) < _INTAKE_CHUNK:
                    try:
                        taken.append(inbox.popleft())
                    except IndexError:  # pragma: no cover - raced with drop_oldest
                        break
                self.accepted += len(taken)
                if taken and self.spills:
                    self.changed.notify_all()  # the inbox is the bound: room for "block"
            if taken:
                self._intake_chunk(taken)
            if len(taken) < _INTAKE_CHUNK:
                break
        if (
            spool is not None
            and self.unspooled
            and not self.spool_down
            and (self.closing or time.monotonic() >= self.write_due)
        ):
            self._write_deferred()
        if self.undeleted and (
            self.closing or self.flush_requested or time.monotonic() >= self.delete_due
        ):
            self._write_deletes()
        with self.lock:
            reload = (
                self.backlog
                and spool is not None
                and not self.spool_down
                and not self._memory_full()
            )
        if reload:
            self._reload()

    def _intake_chunk(self, taken: list[Payload | tuple[int, bytes]]) -> None:
        """Serialise and spool (without the state lock), then queue (with it)."""
        spool = self.spool
        staged: list[tuple[int, bytes] | tuple[str, bytes] | None] = []
        fresh: list[tuple[str, bytes]] = []
        for item in taken:
            if isinstance(item, tuple):  # already on disk (sync durability)
                staged.append(item)
                continue
            try:
                encoded = self._serialise(item)
            except Exception as exc:  # a hostile payload (a dict subclass that raises)
                self.internal_error("serialise", exc)
                with self.lock:
                    self._count(self.dropped, "error", 1)
                    self.notices.append(("drop", "error", [item]))
                encoded = None
            staged.append(encoded)
            if encoded is not None and spool is not None:
                fresh.append(encoded)
        rowids: list[int | None] | None = None
        if fresh and spool is not None and not self.spool_down:
            try:
                if self._may_defer(fresh):
                    # written a flush interval later unless delivered by then: most events
                    # never touch the disk; a duplicate is still one of a row on disk
                    known = spool.known([mid for mid, _ in fresh]) if spool.rows else set()
                    rowids = [0 if mid in known else _DEFERRED for mid, _ in fresh]
                else:
                    rowids = spool.add_many(fresh, forget=self.undeleted)
                    self.undeleted = []
            except Exception as exc:
                self._spool_failed(exc)
        written = iter(rowids) if rowids is not None else None
        deferred: list[bytes] = []
        with self.lock:
            for entry in staged:
                if entry is None:  # refused by serialise (already reported)
                    self.settled += 1
                    continue
                key, data = entry
                if isinstance(key, int):
                    if key <= self.cursor:
                        continue  # a backlog reload got it first
                    if self.backlog or self._memory_full():
                        self.backlog = True
                        continue
                    self.cursor = key
                    self._append(data)
                    continue
                if spool is None:
                    self._append(data)
                    continue
                row = next(written) if written is not None else None
                if row == 0 or (row == _DEFERRED and key in self.unspooled):
                    # this messageId is spooled already (or waits to be)
                    self._drop_locked(data, "duplicate")
                    self.warn("delivery_duplicate", path=spool.path)
                elif row == _DEFERRED:
                    self.unspooled.add(key)
                    self._append(data)
                    deferred.append(data)
                elif row is not None:
                    if self.backlog or self._memory_full():
                        self.backlog = True
                    else:
                        self.cursor = row
                        self._append(data)
                elif self._memory_full():  # not on disk, no room in memory
                    self._drop_locked(data, "spool_full")
                    self.warn("delivery_spool_full", path=spool.path)
                else:  # not on disk: held in memory until delivered or written later
                    self.unspooled.add(key)
                    self._append(data)
        if deferred:
            self._defer(deferred)

    def _defer(self, items: list[bytes]) -> None:
        due = time.monotonic() + self.opts.flush_interval
        self.deferred.append((due, items))
        self.write_due = min(self.write_due, due)

    def _may_defer(self, fresh: list[tuple[str, bytes]]) -> bool:
        """New events may wait in memory for their write (batched spool) while memory has
        room for them and nothing waits on disk before them; never while closing."""
        if self.durable:
            return False
        size = sum(len(data) for _, data in fresh)
        with self.lock:
            held = len(self.pending) + len(self.parked) + self.in_flight
            return (
                not self.closing
                and not self.backlog
                and held + len(fresh) <= self.opts.max_queue_events
                and self.pending_bytes + size <= self.opts.max_queue_bytes
            )

    def _write_deferred(self) -> None:
        """Write the events held only in memory for a flush interval (all of them when
        closing), with the deletes that wait (disk lock held). What the spool has no room for
        stays in memory and is tried again a flush interval later."""
        spool = self.spool
        assert spool is not None
        deferred = self.deferred
        if self.closing:
            with self.lock:
                candidates = [*self.pending, *self.parked, *self.current.values()]
            deferred.clear()
        else:
            now = time.monotonic()
            candidates = []
            while deferred and deferred[0][0] <= now:
                candidates.extend(deferred.popleft()[1])
        self.write_due = deferred[0][0] if deferred else float("inf")
        with self.lock:
            unspooled = set(self.unspooled)
        held = [d for d in candidates if message_id_of(d) in unspooled]  # not delivered yet
        if not held:
            return
        try:
            rowids = spool.add_many([(message_id_of(d), d) for d in held], forget=self.undeleted)
            self.undeleted = []
        except Exception as exc:
            self._spool_failed(exc)
            return
        refused: list[bytes] = []
        with self.lock:
            for data, row in zip(held, rowids, strict=True):
                if row is None:
                    refused.append(data)
                    continue
                self.unspooled.discard(message_id_of(data))
                if row and self.backlog:
                    self.skip_rowids.add(row)  # in memory: a reload must pass over it
                elif row:
                    # nothing waits on disk outside memory: a reload starts above it
                    self.cursor = max(self.cursor, row)
        if refused:  # the spool is full
            self._defer(refused)

    def _drop_locked(self, data: bytes, reason: str) -> None:
        self._count(self.dropped, reason, 1)
        self.settled += 1
        self.notices.append(("drop", reason, [data]))

    def _memory_full(self) -> bool:
        held = len(self.pending) + len(self.parked) + self.in_flight
        return held >= self.opts.max_queue_events or self.pending_bytes >= self.opts.max_queue_bytes

    def _append(self, data: bytes) -> None:
        self.pending.append(data)
        self.pending_bytes += len(data)

    def _reload(self) -> None:
        # disk held
        assert self.spool is not None
        with self.lock:
            room = (
                self.opts.max_queue_events - len(self.pending) - len(self.parked) - self.in_flight
            )
            cursor = self.cursor
        if room <= 0:
            return
        try:
            rows = self.spool.load(cursor, room)
        except Exception as exc:
            self._spool_failed(exc)
            return
        for start in range(0, len(rows), _INTAKE_CHUNK):
            with self.lock:
                for rowid, data in rows[start : start + _INTAKE_CHUNK]:
                    self.cursor = rowid
                    if rowid in self.skip_rowids:  # written late for an event held in memory
                        self.skip_rowids.discard(rowid)
                        continue
                    if rowid <= self.leftover_max_rowid:
                        self.accepted += 1  # left by an earlier process: new to this one
                    self._append(data)
        if len(rows) < room:
            with self.lock:
                self.backlog = False

    # ---------------------------------------------------------- spool faults
    def _spool_opened(self) -> None:
        """Open the spool (at start, or again after the disk refused it), expire old rows,
        take up what an earlier process left. Raises what the disk raises."""
        spool = self.spool
        assert spool is not None
        if self.spool_ready:
            return
        spool.open()
        expired = spool.expire()
        if expired:
            with self.lock:
                self._count(self.dropped, "spool_expired", len(expired))
                self.notices.append(("drop", "spool_expired", expired))
            self.warn("delivery_spool_expired", events=len(expired), path=spool.path)
        if spool.rows:
            top = spool.load_max_rowid()
            with self.lock:
                self.backlog = True
                self.leftover_max_rowid = top
            self.log.info("delivery_spool_leftovers", events=spool.rows, path=spool.path)
        self.spool_ready = True

    def _spool_failed(self, exc: BaseException) -> None:
        """The disk refused a spool operation: hold events in memory, retry later."""
        assert self.spool is not None
        first = not self.spool_down
        self.spool_down = True
        self.spills = False
        self.spool_retry_at = time.monotonic() + SPOOL_RETRY
        with self.lock:
            self.errors += 1
        if first:
            self.log.error(
                "delivery_spool_write_failed",
                path=self.spool.path,
                error=str(exc)[:200],
                hint=(
                    "events are held in memory up to max_queue_events (beyond: dropped as "
                    "spool_full) and written when the disk takes them again"
                ),
            )

    def _repair_spool(self) -> None:
        """Try the disk again (disk lock held): pending deletes, then the events held only in
        memory. On success the spool is back in use."""
        spool = self.spool
        assert spool is not None
        now = time.monotonic()
        if now < self.spool_retry_at:
            return
        self.spool_retry_at = now + SPOOL_RETRY
        held: list[bytes] = []
        try:
            self._spool_opened()
            if self.undeleted:
                spool.delete(self.undeleted)
                self.undeleted = []
            with self.lock:  # the batch in flight too: a crash must not lose it
                memory = (*self.pending, *self.parked, *self.current.values())
                held = [d for d in memory if message_id_of(d) in self.unspooled]
            if held:
                rowids = spool.add_many([(message_id_of(d), d) for d in held])
                with self.lock:
                    for data, row in zip(held, rowids, strict=True):
                        if row is not None:
                            self.unspooled.discard(message_id_of(data))
                            if row:
                                self.skip_rowids.add(row)
        except Exception as exc:  # still refused: try again later
            with self.lock:
                self.errors += 1
            self.warn("delivery_spool_still_failing", path=spool.path, error=str(exc)[:200])
            return
        self.spool_down = False
        self.spills = True
        self.log.warning("delivery_spool_recovered", path=spool.path, written=len(held))

    def _forget(self, items: list[bytes]) -> None:
        """Settled events leave the spool (no lock held): with the next write, which commits
        the deletes with the new rows, or now when many wait. A crash before that commit only
        sends them again, with the same messageId."""
        spool = self.spool
        if spool is None or not items:
            return
        with self.lock:
            unspooled = self.unspooled
            ids = [m for m in map(message_id_of, items) if m not in unspooled]
            for item in items:
                unspooled.discard(message_id_of(item))
        if not ids:
            return
        with self.disk:
            if not self.undeleted:
                self.delete_due = time.monotonic() + self.opts.flush_interval
            self.undeleted.extend(ids)
            if len(self.undeleted) >= DELETE_BATCH:
                self._write_deletes()

    def _write_deletes(self) -> None:
        """Delete the delivered rows still on disk now (disk lock held)."""
        spool = self.spool
        if spool is None or self.spool_down or not self.undeleted:
            return
        try:
            spool.delete(self.undeleted)
        except Exception as exc:
            self._spool_failed(exc)
            return
        self.undeleted = []

    def forget_delivered(self) -> None:
        """A flush is over: delete what it delivered from the spool now, so that the file
        holds only what is still to send."""
        if self.spool is not None and self.undeleted:
            with self.disk:
                self._write_deletes()

    def _write_held(self, items: list[bytes]) -> list[bytes]:
        """Write events held only in memory to the spool; returns those the disk refused."""
        spool = self.spool
        assert spool is not None
        with self.lock:
            held = [i for i in items if message_id_of(i) in self.unspooled]
        if not held:
            return []
        with self.disk:
            try:
                rowids = spool.add_many([(message_id_of(d), d) for d in held])
            except Exception as exc:
                self._spool_failed(exc)
                return held
        failed: list[bytes] = []
        with self.lock:
            for data, row in zip(held, rowids, strict=True):
                if row is None:
                    failed.append(data)
                else:
                    self.unspooled.discard(message_id_of(data))
        return failed

    # ------------------------------------------------------------------ turns
    def step(self) -> tuple[list[bytes] | None, float | None]:
        """One turn of the worker: ``(batch, 0)`` to send, ``(None, seconds)`` to wait,
        ``(None, None)`` when closing is done. Never raises."""
        try:
            return self._step()
        except Exception as exc:
            self.internal_error("step", exc)
            return (None, None) if self.closing else (None, SPOOL_RETRY)

    def _step(self) -> tuple[list[bytes] | None, float | None]:
        self.intake()
        with self.lock:
            now = time.monotonic()
            if self.parked and not self.pending and now >= self.park_until:
                self.accepted += len(self.parked)  # back in the race
                for data in self.parked:
                    self._append(data)
                self.parked.clear()
            refused: list[bytes] = []
            if self.halted and self.pending:
                refused = list(self.pending)
                self.pending.clear()
                self.pending_bytes = 0
                self.in_flight += len(refused)
        if refused:
            assert self.halted is not None
            self._give_up(refused, self.halted)
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
        if self.spool_down:
            wait = min(wait, max(self.spool_retry_at - now, 0.001))
        else:
            if self.undeleted:
                wait = min(wait, max(self.delete_due - now, 0.001))
            if self.unspooled:
                wait = min(wait, max(self.write_due - now, 0.001))
        return None, max(wait, 0.001)

    def step_alongside(self) -> list[bytes] | None:
        """A second batch to post while the one just taken waits for its answer (the asyncio
        worker), or None. Only a batch that is due anyway (full, or a flush or close asks for
        it), only while the collector's last answer was a 2xx (after a failure, one batch at a
        time until one is delivered), never once sending stopped or past the close deadline.
        The collector may take the two in either order; every other order is kept."""
        if not self.answering or self.halted:
            return None
        batch, _ = self.step()
        return batch

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
        """Deliver one batch: yields operations, settles every event of the batch (also when
        something unexpected goes wrong: then they are kept for a retry, or dropped as
        ``error`` without a spool)."""
        current = self.current
        with self.lock:
            for item in batch:
                current[id(item)] = item
        try:
            yield from self._deliver_group(batch)
        except Exception as exc:
            self.internal_error("deliver", exc)
            left = [item for item in batch if id(item) in current]
            if left:
                self._give_up(left, "error")
        finally:
            with self.lock:  # settled, or a generator closed unfinished (never resumed)
                for item in batch:
                    current.pop(id(item), None)

    def _deliver_group(self, items: list[bytes]) -> Generator[Post | Sleep, Outcome | None, None]:
        opts = self.opts
        started = time.monotonic()
        attempt = 0
        while True:
            if self.halted:
                self._give_up(items, self.halted)
                return
            outcome = yield Post(self.body(items), len(items))
            self.requests += 1
            retry_after: float | None = None
            if isinstance(outcome, Answer):
                status = outcome.status
                if 200 <= status < 300:
                    self.answering = True
                    self._settle_delivered(items)
                    return
                if status in _MISCONFIGURED or 300 <= status < 400:
                    self._misconfigured(items, outcome)
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
            # Retry-After may lengthen the wait, never shorten it: "0", a negative value or
            # a date in the past must not turn the retries into a flood
            delay = backoff_delay(attempt, opts.backoff_base, opts.backoff_max)
            if retry_after is not None:
                delay = max(delay, retry_after)
            if now + delay - started > opts.max_retry_time:
                self._give_up(items, "retry_timeout")
                return
            self.retried += 1
            self.answering = False
            self.warn("delivery_retry", reason=reason, attempt=attempt, delay=round(delay, 3))
            yield Sleep(delay)

    # ------------------------------------------------------------ settlement
    def _done(self, items: list[bytes]) -> None:
        current = self.current
        if current:
            with self.lock:  # a closing thread may be reading it (_repair_spool)
                for item in items:
                    current.pop(id(item), None)

    def _settle_delivered(self, items: list[bytes]) -> None:
        self._done(items)
        self._forget(items)
        with self.lock:
            self.delivered += len(items)
            self._settled(len(items))

    def _settle_rejected(self, items: list[bytes], status: int, message: str) -> None:
        self._done(items)
        self._forget(items)
        with self.lock:
            self._count(self.rejected, f"http_{status}", len(items))
            self._settled(len(items))
            for item in items:
                error = DeliveryError(
                    kind="rejected", message=message, status=status, message_id=message_id_of(item)
                )
                self.notices.append(("error", error, item))
        self.warn("delivery_event_rejected", status=status, events=len(items), detail=message)

    def _misconfigured(self, items: list[bytes], answer: Answer) -> None:
        """401, 403 or a redirect: this configuration cannot deliver. Say once what to fix,
        make no more requests, keep what the spool holds for a start with a fixed one."""
        status = answer.status
        if status in _MISCONFIGURED:
            kind, hint = _MISCONFIGURED[status]
            message = server_message(answer.body) or kind
        else:
            kind = "redirected"
            where = answer.location or "(no Location header)"
            message = f"HTTP {status} redirect to {where}"
            hint = (
                f"set host to where the collector points ({where}); redirects are not followed "
                "(they would carry the API key to another address)"
            )
        if self.halted is None:
            self.halted = kind
            self.log.error(
                f"delivery_{kind}",
                status=status,
                url=self.opts.url,
                location=answer.location,
                detail=message,
                hint=f"{hint}; no more requests are made, spooled events are kept",
            )
            with self.lock:
                self.notices.append(
                    ("error", DeliveryError(kind=kind, message=message, status=status), None)
                )
        self._give_up(items, self.halted)

    def _give_up(self, items: list[bytes], reason: str) -> None:
        """Stop trying these now: with a spool they stay on disk (or, held only in memory,
        are written now; what the disk refuses is dropped as ``spool_full``); without one they
        are dropped."""
        self._done(items)
        if self.spool is None:
            with self.lock:
                self._settle_dropped(items, reason)
                self.in_flight -= len(items)
            self.warn("delivery_dropped", reason=reason, events=len(items))
            return
        park = reason in ("retry_timeout", "error")  # retried later; meanwhile in memory
        refused = [] if park else self._write_held(items)
        with self.lock:
            self.in_flight -= len(items)
            self.settled += len(items) - len(refused)
            if park:
                self.parked.extend(items)
                self.park_until = time.monotonic() + self.opts.backoff_max
            self.changed.notify_all()
        self.warn("delivery_deferred_to_spool", reason=reason, events=len(items) - len(refused))
        self._drop_refused(refused)

    def _drop_refused(self, refused: list[bytes]) -> None:
        """Events held only in memory that the spool would not take, now given up."""
        if not refused:
            return
        assert self.spool is not None
        with self.lock:
            for data in refused:
                self.unspooled.discard(message_id_of(data))
            self._count(self.dropped, "spool_full", len(refused))
            self.settled += len(refused)
            self.notices.append(("drop", "spool_full", refused))
            self.changed.notify_all()
        self.warn("delivery_spool_full", path=self.spool.path)

    def _settle_dropped(self, items: list[bytes], reason: str) -> None:
        # lock held by the caller; only without a spool (nothing to delete)
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

    def _give_up_queued(self) -> list[Any]:
        """Closing: take everything still queued in memory; without a spool it is dropped as
        ``close_timeout``; with one it stays in the spool for the next start (what is held
        only in memory is written now, or dropped as ``spool_full`` if the disk refuses)."""
        self.intake()
        with self.lock:
            leftovers = list(self.pending) + list(self.parked)
            self.pending.clear()
            self.parked.clear()
            self.pending_bytes = 0
            if leftovers and self.spool is None:
                self._settle_dropped(leftovers, self.halted or "close_timeout")
        if leftovers and self.spool is not None:
            self._drop_refused(self._write_held(leftovers))
        if self.spool is not None and self.current:
            # a request that outlived close: its events must be on disk if it never ends
            with self.lock:
                flying = list(self.current.values())
            self._write_held(flying)
        if self.spool is not None and self.undeleted:
            with self.disk:
                try:
                    self.spool.delete(self.undeleted)
                    self.undeleted = []
                except Exception as exc:
                    # delivered, still on disk: sent again by the next start (same messageId)
                    self.warn(
                        "delivery_spool_stale_rows", events=len(self.undeleted), error=str(exc)
                    )
        return leftovers

    def finish(self) -> None:
        """Closing is over: spool what is still in memory (batched), or drop it (no spool)."""
        leftovers = self._give_up_queued()
        with self.lock:
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
        leftovers: list[Any] = []
        if self.disk.acquire(timeout=0.2):  # the worker may be stuck in spool I/O itself
            try:
                leftovers = self._give_up_queued()
            finally:
                self.disk.release()
        with self.lock:
            in_flight = self.in_flight
        self.log.warning(
            "delivery_close_timed_out",
            queued_given_up=len(leftovers) if self.spool is None else 0,
            kept_in_spool=self._spooled(),
            in_flight=in_flight,
        )
        self.run_callbacks()

    # ------------------------------------------------------------ flush/close
    def flush_target(self) -> int:
        extra = 0
        spool = self.spool
        if spool is not None and self.cursor < self.leftover_max_rowid:
            # left by an earlier process and not loaded yet: part of this flush too
            with self.disk:
                try:
                    extra = spool.count_between(self.cursor, self.leftover_max_rowid)
                except Exception:
                    extra = 0  # the disk refuses: flush waits for what is in memory
        with self.lock:
            self.flush_requested = True
            target = self.accepted + len(self.inbox) + extra
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
                on_disk = self.spool.rows - len(self.undeleted)
                return on_disk + len(self.unspooled) + _dicts(self.inbox)
            return len(self.inbox) + len(self.pending) + len(self.parked) + self.in_flight

    def report(self) -> DeliveryReport:
        remaining = self.remaining()
        return DeliveryReport(
            delivered=self.delivered,
            remaining=remaining,
            dropped=sum(self.dropped.values()),
            rejected=sum(self.rejected.values()),
            spooled=self._spooled(),
        )

    def _spooled(self) -> int:
        """Events on disk still to send (delivered rows awaiting their delete left out)."""
        if self.spool is None:
            return 0
        return max(0, self.spool.rows - len(self.undeleted))

    def stats(self) -> DeliveryStats:
        with self.lock:
            return DeliveryStats(
                queued=len(self.inbox) + len(self.pending) + len(self.parked),
                in_flight=self.in_flight,
                sent=self.delivered,
                retried=self.retried,
                requests=self.requests,
                spooled=self._spooled(),
                dropped=dict(self.dropped),
                rejected=dict(self.rejected),
                errors=self.errors,
            )

    def close_spool(self) -> None:
        with self.disk:
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
        self.log.warning(key, suppressed=suppressed, **fields)

    def internal_error(self, where: str, exc: BaseException) -> None:
        """Something unexpected (a bug): logged and counted; delivery goes on."""
        with self.lock:
            self.errors += 1
        self.log.error("delivery_internal_error", where=where, error=repr(exc)[:300])

    def run_callbacks(self) -> None:
        """Run queued on_drop / on_error calls (worker thread). Their exceptions are logged."""
        notices = self.notices
        while notices:
            try:
                kind, first, second = notices.popleft()
            except IndexError:  # pragma: no cover
                return
            self._call_back(kind, first, second)

    def _call_back(self, kind: str, first: Any, second: Any) -> None:
        try:
            if kind == "drop" and self.on_drop is not None:
                self.on_drop(first, [_as_payload(i) for i in second])
            elif kind == "error" and self.on_error is not None:
                error: DeliveryError = first
                if second is not None and error.payload is None:
                    error = attrs.evolve(error, payload=_as_payload(second))
                self.on_error(error)
        except Exception as exc:
            self.log.error("delivery_callback_failed", callback=f"on_{kind}", error=repr(exc))


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
