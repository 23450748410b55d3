"""playhead: video-playback analytics for Python players.

Raw player callbacks in, the Video Spec's semantic events out.
"""

from playhead._version import __version__
from playhead.clock import Clock, FakeClock, SystemClock
from playhead.errors import CallbackError, ConfigurationError, PlayheadError, TimelineError
from playhead.model import Ad, AdBreak, Content
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
    "FakeClock",
    "FlushResult",
    "HttpTransport",
    "JsonlTransport",
    "MemoryTransport",
    "PlayheadError",
    "SystemClock",
    "TimelineError",
    "Transport",
    "__version__",
]
