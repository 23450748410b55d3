"""playhead: video-playback analytics for Python players.

Raw player callbacks in, the Video Spec's semantic events out.
"""

from playhead import adapters as adapters
from playhead._version import __version__
from playhead.adapters.monitor import PlayheadMonitor
from playhead.clock import Clock, FakeClock, SystemClock
from playhead.errors import CallbackError, ConfigurationError, PlayheadError, TimelineError
from playhead.model import Ad, AdBreak, Content
from playhead.payload import EVENTS, Event
from playhead.session import Session
from playhead.stats import SessionStats
from playhead.tracker import Tracker
from playhead.transports import (
    AsyncHttpTransport,
    CallbackTransport,
    ConsoleTransport,
    DeliveryError,
    DeliveryReport,
    DeliveryStats,
    FlushResult,
    HttpTransport,
    JsonlTransport,
    MemoryTransport,
    Transport,
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
