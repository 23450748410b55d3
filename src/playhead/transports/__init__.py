"""Transports: where events go. All siblings behind one small protocol."""

from playhead.transports.base import BaseTransport, FlushResult, Payload, Transport
from playhead.transports.callback import CallbackTransport
from playhead.transports.console import ConsoleTransport
from playhead.transports.jsonl import JsonlTransport
from playhead.transports.memory import MemoryTransport

__all__ = [
    "BaseTransport",
    "CallbackTransport",
    "ConsoleTransport",
    "FlushResult",
    "JsonlTransport",
    "MemoryTransport",
    "Payload",
    "Transport",
]
