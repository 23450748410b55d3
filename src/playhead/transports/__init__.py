"""Transports: where events go. All siblings behind one small protocol."""

from playhead.transports._engine import DeliveryError, DeliveryReport, DeliveryStats
from playhead.transports.async_http import AsyncHttpTransport
from playhead.transports.base import BaseTransport, FlushResult, Payload, Transport
from playhead.transports.callback import CallbackTransport
from playhead.transports.console import ConsoleTransport
from playhead.transports.http import HttpTransport
from playhead.transports.jsonl import JsonlTransport
from playhead.transports.memory import MemoryTransport
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
