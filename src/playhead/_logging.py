"""Logging as a guest: structlog bound loggers on top of stdlib loggers named ``playhead.*``.

playhead never configures logging or structlog. Every module asks :func:`get_logger` for a
structlog ``BoundLogger`` that wraps ``logging.getLogger(name)`` with its own short processor
chain, so the application's own structlog configuration (or the lack of one) changes nothing
here, and the stdlib decides what is shown: a ``NullHandler`` on ``playhead`` keeps Python's
last-resort handler from printing anything until the application configures logging.

A record's message is the event key followed by its fields (``callback_ignored call='pause'
state='idle'``); the fields also travel as record attributes (``extra``), so a structlog
``ProcessorFormatter`` with ``ExtraAdder`` gets them back as key/values (docs/logging.md).

Repeated warnings are aggregated: the same event from the same logger for the same ``call``
(and the same collector ``host``) is logged once, then at most once every
:data:`REPEAT_WINDOW` seconds with ``repeated=N``, the number of lines held back since (the
counts themselves live in ``SessionStats``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

import structlog
from structlog.exceptions import DropEvent

__all__ = ["REPEAT_WINDOW", "capture_logs", "get_logger"]

#: Seconds during which a repeated warning is counted instead of logged again.
REPEAT_WINDOW = 10.0

ROOT = "playhead"
logging.getLogger(ROOT).addHandler(logging.NullHandler())

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "warn": logging.WARNING,
    "error": logging.ERROR,
    "exception": logging.ERROR,
    "critical": logging.CRITICAL,
}
# LogRecord attributes that ``extra`` may not overwrite (logging raises KeyError).
_RESERVED = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
_PASSED_THROUGH = ("exc_info", "stack_info")


class _Repeats:
    """Which warnings were logged when, and how many were held back since."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str, object, object], tuple[float, int]] = {}

    def admit(self, key: tuple[str, str, object, object]) -> int | None:
        """None to hold the line back, else the number held back before it."""
        now = time.monotonic()
        with self._lock:
            last, held = self._seen.get(key, (-REPEAT_WINDOW, 0))
            if now - last < REPEAT_WINDOW:
                self._seen[key] = (last, held + 1)
                return None
            self._seen[key] = (now, 0)
            return held

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()


_repeats = _Repeats()


def _filter_by_level(
    logger: logging.Logger, method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    level = _LEVELS.get(method, logging.INFO)
    if not logger.isEnabledFor(level):
        raise DropEvent
    if level >= logging.WARNING:
        # a warning about one callback (or one collector host) must not hide another's
        held = _repeats.admit(
            (logger.name, str(event.get("event")), event.get("call"), event.get("host"))
        )
        if held is None:
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


def get_logger(name: str) -> Any:
    """A structlog ``BoundLogger`` over ``logging.getLogger(name)`` (a ``playhead.*`` name)."""
    return structlog.wrap_logger(
        logging.getLogger(name),
        processors=[_filter_by_level, _to_stdlib],
        wrapper_class=structlog.stdlib.BoundLogger,
        context_class=dict,
        cache_logger_on_first_use=True,
    )


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
