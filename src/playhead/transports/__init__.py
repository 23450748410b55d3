"""Transports: where events go. All siblings behind one small protocol.

The HTTP transports (and httpx, ssl, the sqlite spool with them) are imported on first use,
so an application that only writes JSONL or calls a function never loads them.
"""

from typing import TYPE_CHECKING, Any

from playhead.transports.base import BaseTransport, FlushResult, Payload, Transport
from playhead.transports.callback import CallbackTransport
from playhead.transports.console import ConsoleTransport
from playhead.transports.jsonl import JsonlTransport
from playhead.transports.memory import MemoryTransport

if TYPE_CHECKING:
    from playhead.transports._engine import DeliveryError, DeliveryReport, DeliveryStats
    from playhead.transports.async_http import AsyncHttpTransport
    from playhead.transports.http import HttpTransport
    from playhead.transports.spool import Spool

__all__ = [
    "AsyncHttpTransport",
    "BaseTransport",
    "CallbackTransport",
    "ConsoleTransport",
    "DeliveryError",
    "DeliveryReport",
    "DeliveryStats",
    "FlushResult",
    "HttpTransport",
    "JsonlTransport",
    "MemoryTransport",
    "Payload",
    "Spool",
    "Transport",
]

# name -> module that defines it, imported by the first attribute access.
_LAZY = {
    "AsyncHttpTransport": "playhead.transports.async_http",
    "DeliveryError": "playhead.transports._engine",
    "DeliveryReport": "playhead.transports._engine",
    "DeliveryStats": "playhead.transports._engine",
    "HttpTransport": "playhead.transports.http",
    "Spool": "playhead.transports.spool",
}

if not TYPE_CHECKING:  # for mypy the names above are plain imports, so typos still fail

    def __getattr__(name: str) -> Any:
        if name not in _LAZY:
            raise AttributeError(f"module 'playhead.transports' has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_LAZY})
