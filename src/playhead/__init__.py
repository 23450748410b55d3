"""playhead: video-playback analytics for Python players.

Raw player callbacks in, the Video Spec's semantic events out.

``import playhead`` stays light (no httpx, ssl, asyncio or player adapters): the HTTP
transports, their delivery types, :class:`PlayheadMonitor` and :mod:`playhead.adapters` are
imported on first use.
"""

from typing import TYPE_CHECKING, Any

from playhead._version import __version__
from playhead.clock import Clock, FakeClock, SystemClock
from playhead.errors import CallbackError, ConfigurationError, PlayheadError, TimelineError
from playhead.model import Ad, AdBreak, Content
from playhead.payload import EVENTS, Event
from playhead.session import Session
from playhead.stats import SessionStats
from playhead.tracker import Tracker
from playhead.transports import (
    CallbackTransport,
    ConsoleTransport,
    FlushResult,
    JsonlTransport,
    MemoryTransport,
    Transport,
)

if TYPE_CHECKING:
    from playhead import adapters as adapters
    from playhead.adapters.monitor import PlayheadMonitor
    from playhead.transports import (
        AsyncHttpTransport,
        DeliveryError,
        DeliveryReport,
        DeliveryStats,
        HttpTransport,
    )

__all__ = [
    "EVENTS",
    "Ad",
    "AdBreak",
    "AsyncHttpTransport",
    "CallbackError",
    "CallbackTransport",
    "Clock",
    "ConfigurationError",
    "ConsoleTransport",
    "Content",
    "DeliveryError",
    "DeliveryReport",
    "DeliveryStats",
    "Event",
    "FakeClock",
    "FlushResult",
    "HttpTransport",
    "JsonlTransport",
    "MemoryTransport",
    "PlayheadError",
    "PlayheadMonitor",
    "Session",
    "SessionStats",
    "SystemClock",
    "TimelineError",
    "Tracker",
    "Transport",
    "__version__",
]

# name -> module that defines it, imported by the first attribute access.
_LAZY = {
    "AsyncHttpTransport": "playhead.transports",
    "DeliveryError": "playhead.transports",
    "DeliveryReport": "playhead.transports",
    "DeliveryStats": "playhead.transports",
    "HttpTransport": "playhead.transports",
    "PlayheadMonitor": "playhead.adapters.monitor",
}

if not TYPE_CHECKING:  # for mypy the names above are plain imports, so typos still fail

    def __getattr__(name: str) -> Any:
        import importlib

        if name == "adapters":
            return importlib.import_module("playhead.adapters")
        if name not in _LAZY:
            raise AttributeError(f"module 'playhead' has no attribute {name!r}")
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_LAZY, "adapters"})
