"""Logging as a guest: structlog bound loggers on top of stdlib loggers named ``playhead.*``.

playhead never configures logging or structlog. Every module asks :func:`get_logger` for a
logger whose structlog ``BoundLogger`` (made on its first enabled line) wraps
``logging.getLogger(name)`` with its own short processor chain, so the application's own
structlog configuration (or the lack of one) changes nothing here, and the stdlib decides
what is shown: a ``NullHandler`` on ``playhead`` keeps Python's last-resort handler
from printing anything until the application configures logging.

A record's message is the event key followed by its fields (``callback_ignored call='pause'
state='idle'``); the fields also travel as record attributes (``extra``), so a structlog
``ProcessorFormatter`` with ``ExtraAdder`` gets them back as key/values (docs/logging.md).

Repeated warnings are aggregated: the same event from the same logger for the same ``call``
(and the same collector ``host``) is logged once, then at most once every
:data:`REPEAT_WINDOW` seconds with ``repeated=N``, the number of lines held back since (the
counts themselves live in ``SessionStats``); lines still held back at interpreter exit are
reported then, the same way.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

__all__ = ["REPEAT_WINDOW", "Logger", "capture_logs", "get_logger", "report_held_repeats"]

#: Seconds during which a repeated warning is counted instead of logged again.
REPEAT_WINDOW = 10.0

ROOT = "playhead"
logging.getLogger(ROOT).addHandler(logging.NullHandler())

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "exception": logging.ERROR,
    "critical": logging.CRITICAL,
}
# LogRecord attributes that ``extra`` may not overwrite (logging raises KeyError).
_RESERVED = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
_PASSED_THROUGH = ("exc_info", "stack_info")
# What makes warnings "the same" for the aggregation: logger name, event key, ``call`` field
# and collector ``host`` (a warning about one callback or one host must not hide another's).
_Key = tuple[str, str, object, object]


class _Repeats:
    """Which warnings were logged when; how many were held back since, and the last of them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[_Key, tuple[float, int]] = {}
        self._last_held: dict[_Key, tuple[str, dict[str, Any]]] = {}

    def admit(self, key: _Key, method: str, event: MutableMapping[str, Any]) -> int | None:
        """None to hold the line back, else the number held back before it."""
        now = time.monotonic()
        with self._lock:
            last, held = self._seen.get(key, (-REPEAT_WINDOW, 0))
            if now - last < REPEAT_WINDOW:
                self._seen[key] = (last, held + 1)
                self._last_held[key] = (method, dict(event))
                return None
            self._seen[key] = (now, 0)
            self._last_held.pop(key, None)
            return held

    def take_held(self) -> list[tuple[_Key, str, dict[str, Any], int]]:
        """The lines still held back (the last of each, with their number), forgotten here."""
        with self._lock:
            held = [
                (key, method, event, self._seen[key][1])
                for key, (method, event) in self._last_held.items()
            ]
            self._last_held.clear()
            for key in list(self._seen):
                self._seen[key] = (self._seen[key][0], 0)
        return held

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()
            self._last_held.clear()


_repeats = _Repeats()


def _aggregate(
    logger: logging.Logger, method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    if _LEVELS.get(method, logging.INFO) >= logging.WARNING and "repeated" not in event:
        key = (logger.name, str(event.get("event")), event.get("call"), event.get("host"))
        held = _repeats.admit(key, method, event)
        if held is None:
            from structlog.exceptions import DropEvent  # loaded with the BoundLogger already

            raise DropEvent
        if held:
            event["repeated"] = held
    return event


def _to_stdlib(
    logger: logging.Logger, method: str, event: MutableMapping[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    key = str(event.pop("event", ""))
    kwargs: dict[str, Any] = {name: event.pop(name) for name in _PASSED_THROUGH if name in event}
    text = " ".join([key, *(f"{name}={value!r}" for name, value in event.items())])
    extra = {(f"{name}_" if name in _RESERVED else name): value for name, value in event.items()}
    extra["event"] = key
    kwargs["extra"] = extra
    return (text,), kwargs


class Logger:
    """What :func:`get_logger` returns: ``log.warning("event_key", field=value)`` and the like.

    The structlog ``BoundLogger`` behind it is made on the first line that the stdlib logger
    is enabled for: ``import structlog`` loads asyncio, which a host that never sees a line of
    playhead's should not pay for at ``import playhead``.
    """

    __slots__ = ("_bound", "_context", "_logger")

    def __init__(self, name: str, context: dict[str, Any] | None = None) -> None:
        self._logger = logging.getLogger(name)
        self._bound: Any = None
        self._context = context or {}

    def bind(self, **fields: Any) -> Logger:
        """A logger of the same name whose every line also carries ``fields``."""
        return Logger(self._logger.name, {**self._context, **fields})

    def _line(self, method: str, event: str, fields: dict[str, Any]) -> None:
        if not self._logger.isEnabledFor(_LEVELS[method]):
            return
        if self._context:
            fields = {**self._context, **fields}
        if "event" in fields:  # a field named like the key: kept, as with LogRecord's names
            fields["event_"] = fields.pop("event")
        bound = self._bound
        if bound is None:
            import structlog

            bound = self._bound = structlog.wrap_logger(
                self._logger,
                processors=[_aggregate, _to_stdlib],
                wrapper_class=structlog.stdlib.BoundLogger,
                context_class=dict,
                cache_logger_on_first_use=True,
            )
        getattr(bound, method)(event, **fields)

    def debug(self, event: str, /, **fields: Any) -> None:
        self._line("debug", event, fields)

    def info(self, event: str, /, **fields: Any) -> None:
        self._line("info", event, fields)

    def warning(self, event: str, /, **fields: Any) -> None:
        self._line("warning", event, fields)

    def error(self, event: str, /, **fields: Any) -> None:
        self._line("error", event, fields)

    def exception(self, event: str, /, **fields: Any) -> None:
        """An error with the exception being handled (``exc_info=True``)."""
        self._line("exception", event, fields)

    def critical(self, event: str, /, **fields: Any) -> None:
        self._line("critical", event, fields)


def get_logger(name: str) -> Logger:
    """The logger of a ``playhead.*`` module: structlog over ``logging.getLogger(name)``."""
    return Logger(name)


def report_held_repeats() -> None:
    """Log the last of each warning still held back, with ``repeated=N`` (N held in all), so
    a burst that stopped within the window is not under-reported; runs at interpreter exit."""
    for (name, *_same), method, event, held in _repeats.take_held():
        event["repeated"] = held
        get_logger(name)._line(method, str(event.pop("event", "")), event)


atexit.register(report_held_repeats)


class _Capture(logging.Handler):
    def __init__(self, into: list[dict[str, Any]]) -> None:
        super().__init__(logging.DEBUG)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        entry: dict[str, Any] = {"log_level": record.levelname.lower()}
        entry.update((k, v) for k, v in record.__dict__.items() if k not in _RESERVED)
        self.into.append(entry)


@contextmanager
def capture_logs() -> Iterator[list[dict[str, Any]]]:
    """Every line playhead logs inside the block, as dicts (``event``, ``log_level``, fields).

    Like ``structlog.testing.capture_logs``, for tests of code that uses playhead. Levels and
    handlers stay as the application set them; the repeat aggregation starts afresh.
    """
    entries: list[dict[str, Any]] = []
    handler = _Capture(entries)
    root = logging.getLogger(ROOT)
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    _repeats.clear()
    try:
        yield entries
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        _repeats.clear()
